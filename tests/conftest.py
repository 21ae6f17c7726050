"""Shared test setup: Qt offscreen, every test's files isolated in its own folder, the markers.

``SBSKIT_HOME`` points at a fresh ``tmp_path`` for each test, which is the real
portable-mode mechanism, so no test reads or writes the developer's own settings.

Markers: a test that uses ``qtbot`` or ``qapp`` (directly or through another fixture) is
marked ``gui`` here, so ``-m "not gui and not slow"`` never starts Qt; the server plugin marks
tests that start BIND, Dovecot or Postfix ``servers``. tests/test_suite_rules.py checks both.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from sbskit.core import paths

# Real BIND, Dovecot and Postfix on loopback: tests/servers (one plugin for every feature's tests)
pytest_plugins = ("servers.plugin",)

QT_FIXTURES = frozenset({"qtbot", "qapp"})


def pytest_itemcollected(item):
    """Mark every Qt test ``gui`` (before ``-m`` deselects), whether or not its author did."""
    if QT_FIXTURES.intersection(getattr(item, "fixturenames", ())) and item.get_closest_marker("gui") is None:
        item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "sbskit-home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    paths.reset_for_tests()
    yield home
    paths.reset_for_tests()


APP_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "app")


@pytest.fixture
def run_cli(isolated_home):
    """Run ``sbskit-cli`` as a real subprocess from this checkout: ``run_cli("osver", "--text", "...")``.

    Returns ``subprocess.CompletedProcess`` with text stdout/stderr. A hung CLI fails the test
    after ``timeout`` seconds instead of hanging the suite.
    """
    import subprocess
    import sys

    def run(*args: str, input: str | None = None, timeout: float = 60, env: dict | None = None):
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = APP_DIR + os.pathsep + full_env.get("PYTHONPATH", "")
        full_env["SBSKIT_HOME"] = str(isolated_home)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "sbskit.cli", *args],
            input=input, capture_output=True, text=True, timeout=timeout, env=full_env,
        )

    return run


@pytest.fixture
def triage_tab(qtbot):
    """The Queue triage tab, shown, and after the test shut down with its live checks finished."""
    from sbskit.ui.triage.tab import TriageTab

    widget = TriageTab()
    qtbot.addWidget(widget)
    widget.resize(1000, 760)
    widget.show()
    yield widget
    widget.shutdown()
    live = widget.wizard.live
    qtbot.waitUntil(lambda: not (live.blacklist.busy or live.relay.busy or live.maildns.busy), timeout=10000)

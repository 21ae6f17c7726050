"""Shared test setup: Qt offscreen, and every test's files isolated in its own folder.

``SBSKIT_HOME`` points at a fresh ``tmp_path`` for each test, which is the real
portable-mode mechanism, so no test reads or writes the developer's own settings.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from sbskit.core import paths


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "sbskit-home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    paths.reset_for_tests()
    yield home
    paths.reset_for_tests()

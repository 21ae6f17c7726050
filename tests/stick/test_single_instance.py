"""One window per data folder: a second start brings the first window forward and exits.

Real processes (``python -m sbskit``, offscreen) for the user's view; the socket logic in
process for the hung-copy case.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

APP_DIR = Path(__file__).resolve().parents[2] / "app"


def kit_env(home: Path, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SBSKIT_HOME", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(SBSKIT_HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(APP_DIR),
               PYTHONDONTWRITEBYTECODE="1", TMPDIR=str(tmp))
    return env


def start_gui(home: Path, tmp: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sbskit"], env=kit_env(home, tmp), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def log_text(home: Path) -> str:
    try:
        return (home / "logs" / "sbskit.log").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def wait_listening(home: Path, proc: subprocess.Popen, seconds: float = 60) -> None:
    """Until the first copy's socket accepts (a plain connect: it does not ask the window to come forward)."""
    from sbskit.core.paths import resolve_paths
    from sbskit.ui.single_instance import server_name

    name = server_name(resolve_paths({"SBSKIT_HOME": str(home)}).data)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect("\0" + name)
                return
            except OSError:
                time.sleep(0.1)
    raise AssertionError(f"the first copy never listened on {name}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the probe connects to a Linux abstract socket")
def test_second_start_brings_the_first_forward_and_exits(tmp_path):
    home, tmp = tmp_path / "stick" / "sbskit-data", tmp_path / "tmp"
    tmp.mkdir()
    first = start_gui(home, tmp)
    try:
        wait_listening(home, first)
        started = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "sbskit"], env=kit_env(home, tmp), capture_output=True,
                                text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert second.returncode == 0, second.stderr
        assert "already running with this data folder" in second.stdout
        assert "its window was brought forward" in second.stdout
        assert first.poll() is None  # the first copy is still there
        deadline = started + 20
        while "bringing the window forward" not in log_text(home) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "bringing the window forward" in log_text(home)

        other_home = tmp_path / "other-stick" / "sbskit-data"  # another data folder: its own window
        other = start_gui(other_home, tmp)
        try:
            wait_listening(other_home, other)
            assert other.poll() is None
        finally:
            stop(other)
    finally:
        stop(first)
    assert list(tmp.iterdir()) == []  # no socket file, no lock file: nothing left in the temp folder


def test_a_copy_that_does_not_answer_is_said_so(qtbot, tmp_path):
    from sbskit.ui.app import start_instance_server
    from sbskit.ui.shell.main_window import MainWindow
    from sbskit.ui.single_instance import ask_running_copy, server_name

    name = server_name(tmp_path / "hung")
    with socket.socket(socket.AF_UNIX) as hung:  # accepts connections, never answers: a frozen first copy
        hung.bind("\0" + name)
        hung.listen(4)
        started = time.monotonic()
        assert ask_running_copy(name) == "silent"
        assert time.monotonic() - started < 10  # bounded wait
        window = MainWindow()
        qtbot.addWidget(window)
        server = start_instance_server(window, name, "silent")
        assert window.warning_bar.isVisibleTo(window)
        assert "Another copy of the kit is using this data folder" in window.warning_bar.text()
        server.close()
    assert ask_running_copy(server_name(tmp_path / "nobody")) == "none"


def test_server_names_follow_the_data_folder(tmp_path):
    from sbskit.ui.single_instance import server_name

    assert server_name(tmp_path / "a") == server_name(tmp_path / "a" / ".." / "a")
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a").startswith("sbskit-") and len(server_name(tmp_path / "a")) < 40


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the test client speaks to a Linux abstract socket")
def test_the_request_unminimises_and_activates_the_window(qtbot, tmp_path):
    import threading

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from sbskit.ui.app import start_instance_server
    from sbskit.ui.shell.main_window import MainWindow
    from sbskit.ui.single_instance import ANSWER, HELLO, server_name

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.setWindowState(Qt.WindowState.WindowMinimized)
    name = server_name(tmp_path / "data")
    server = start_instance_server(window, name, "none")
    assert not window.warning_bar.isVisibleTo(window)
    answers = []

    def second_start():
        with socket.socket(socket.AF_UNIX) as client:
            client.settimeout(10)
            client.connect("\0" + name)
            client.sendall(HELLO)
            answers.append(client.recv(64))

    thread = threading.Thread(target=second_start)
    thread.start()
    qtbot.waitUntil(lambda: bool(answers), timeout=10000)
    thread.join(5)
    assert answers == [ANSWER]
    assert not window.windowState() & Qt.WindowState.WindowMinimized and window.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    server.close()


def _outcome(home: Path, procs: list[subprocess.Popen], seconds: float = 90) -> str:
    """Wait until the two copies settled: one handed over (or was sent forward), or both run with the warning."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log_text(home)
        if "unhandled exception" in text or any(p.poll() not in (None, 0) for p in procs):
            return "crashed"
        if "came forward, exiting" in text or "brought it forward, exiting" in text:
            if any(p.poll() == 0 for p in procs):
                return "one window"
        if "did not answer: warning shown" in text:
            return "two windows, warned"
        time.sleep(0.1)
    return "undecided"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the probe connects to a Linux abstract socket")
def test_two_copies_started_in_the_same_instant_never_crash(tmp_path):
    """A double-click on a slow stick: both copies find nobody listening; the loser of listen() must not
    die on a missing enum (it did, every time) but hand over to the winner (or warn)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    outcomes = []
    for round_number in range(4):
        home = tmp_path / f"stick{round_number}" / "sbskit-data"
        procs = [start_gui(home, tmp), start_gui(home, tmp)]  # back to back: the same instant
        try:
            outcome = _outcome(home, procs)
            text = log_text(home)
            errors = "".join(p.stderr.read() for p in procs if p.poll() is not None)
            assert outcome in ("one window", "two windows, warned"), (outcome, text, errors)
            assert "Traceback" not in text and "AttributeError" not in text and "Traceback" not in errors
            survivors = [p for p in procs if p.poll() is None]
            assert survivors, "both copies exited"
            wait_listening(home, survivors[0])
            for proc in procs:
                if proc.poll() is not None:  # the loser says what happened, on one line, exit 0
                    out = proc.stdout.read()
                    assert proc.returncode == 0 and "brought forward" in out, out
            outcomes.append(outcome + (" (same instant)" if "started at the same instant" in text else ""))
        finally:
            for proc in procs:
                stop(proc)
    assert len(outcomes) == 4, outcomes

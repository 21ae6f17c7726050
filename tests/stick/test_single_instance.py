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

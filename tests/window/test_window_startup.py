"""Items 8 and 10: the app says why it cannot open a window (instead of exit 134 and silence),
names the package to install, and accepts Qt's standard options such as -platform."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sbskit.ui.common.platform_check import chosen_platform, split_qt_args, startup_problem

APP_DIR = str(Path(__file__).resolve().parents[2] / "app")


def test_qt_options_are_split_from_the_kits_own():
    qt, own = split_qt_args(["-platform", "offscreen", "--screenshots", "out", "--style=fusion", "-reverse", "--force"])
    assert qt == ["-platform", "offscreen", "--style=fusion", "-reverse"]
    assert own == ["--screenshots", "out", "--force"]


@pytest.mark.parametrize("qt_args, env, expected", [
    (["-platform", "offscreen"], {"QT_QPA_PLATFORM": "xcb"}, "offscreen"),
    (["--platform=xcb:nograb"], {}, "xcb"),
    ([], {"QT_QPA_PLATFORM": "wayland;xcb"}, "wayland"),
    ([], {"DISPLAY": ":0"}, "xcb"),
    ([], {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "wayland"),
])
def test_the_platform_qt_will_try_first(qt_args, env, expected, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert chosen_platform(qt_args, env) == expected


def test_a_fresh_desktop_without_libxcb_cursor_gets_the_package_name(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    message = startup_problem([], {"DISPLAY": ":0"}, loadable=lambda lib: lib != "libxcb-cursor.so.0")
    assert "libxcb-cursor.so.0" in message and "sudo apt install libxcb-cursor0" in message
    assert startup_problem([], {"DISPLAY": ":0"}, loadable=lambda lib: True) == ""
    assert startup_problem(["-platform", "offscreen"], {}, loadable=lambda lib: False) == ""


def run_app(*args, env_extra=None):
    env = dict(os.environ, PYTHONPATH=APP_DIR, **(env_extra or {}))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "sbskit.ui.app", *args], capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.mark.gui
def test_a_window_that_cannot_open_says_why_on_stderr(isolated_home):
    """No display here (and on this kind of machine possibly missing xcb libraries): whichever
    it is, the reason reaches the terminal, never a silent abort."""
    done = run_app("-platform", "xcb", env_extra={"SBSKIT_HOME": str(isolated_home)})
    assert done.returncode != 0
    assert "apt install" in done.stderr or "Qt: " in done.stderr, done.stderr


@pytest.mark.gui
def test_qts_platform_option_works(isolated_home, tmp_path):
    done = run_app("-platform", "offscreen", "--screenshots", str(tmp_path / "shots"),
                   env_extra={"SBSKIT_HOME": str(isolated_home)})
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "shots").glob("*.png"))) == 4

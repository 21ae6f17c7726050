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
    there = {"plugins": ["offscreen", "xcb"], "connects": lambda display: True}
    message = startup_problem([], {"DISPLAY": ":0"}, loadable=lambda lib: lib != "libxcb-cursor.so.0", **there)
    assert "libxcb-cursor.so.0" in message and "sudo apt install libxcb-cursor0" in message
    assert startup_problem([], {"DISPLAY": ":0"}, loadable=lambda lib: True, **there) == ""
    assert startup_problem(["-platform", "offscreen"], {}, loadable=lambda lib: False, **there) == ""


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
    assert done.returncode == 2
    assert "apt install" in done.stderr or "there is no X display" in done.stderr, done.stderr


@pytest.mark.gui
def test_qts_platform_option_works(isolated_home, tmp_path):
    done = run_app("-platform", "offscreen", "--screenshots", str(tmp_path / "shots"),
                   env_extra={"SBSKIT_HOME": str(isolated_home)})
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "shots").glob("*.png"))) == 4


# --- round 2: never exit 134; the real reason in one line; -platform=x, unknown plugins, -style ---
from sbskit.ui.common.platform_check import (  # noqa: E402
    display_problem, normalise_qt_args, platform_option_problem, take_style)


def test_qt_options_are_written_the_way_qt_reads_them():
    assert normalise_qt_args(["--platform=offscreen", "-style=Windows", "--reverse", "-platform", "xcb"]) == \
        ["-platform", "offscreen", "-style", "Windows", "-reverse", "-platform", "xcb"]
    assert take_style(["-platform", "xcb", "-style", "Windows"]) == ("Windows", ["-platform", "xcb"])
    assert take_style(["-reverse"]) == ("", ["-reverse"])


def test_platform_names_are_checked_against_the_plugins_qt_has():
    plugins = ["offscreen", "wayland", "xcb"]
    assert platform_option_problem(["-platform", "offscreen"], {}, plugins) == ""
    assert platform_option_problem(["-platform", "nosuchplugin"], {}, plugins) == \
        "sbskit: Qt has no platform plugin 'nosuchplugin' (-platform); available: offscreen, wayland, xcb"
    assert "needs a plugin name" in platform_option_problem(["-platform"], {}, plugins)
    assert "QT_QPA_PLATFORM" in platform_option_problem([], {"QT_QPA_PLATFORM": "bogus"}, plugins)


def test_no_display_and_a_silent_display_are_said_as_such(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert "there is no X display (DISPLAY is not set" in display_problem({}, connects=lambda d: True)
    assert "no X server answers on display :55" in display_problem({"DISPLAY": ":55"}, connects=lambda d: False)
    assert display_problem({"DISPLAY": ":0"}, connects=lambda d: True) == ""
    # all libraries there: the reason is the display, never "libxcb-cursor0 is needed"
    message = startup_problem([], {}, loadable=lambda lib: True, plugins=["xcb"], connects=lambda d: True)
    assert "no X display" in message and "libxcb" not in message
    # only what is really missing is named
    message = startup_problem([], {"DISPLAY": ":0"}, plugins=["xcb"], connects=lambda d: True,
                              loadable=lambda lib: lib not in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1"))
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1\n" in message + "\n" and "cursor" not in message


def _free_display() -> str:
    for number in range(55, 99):
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and not os.path.exists(f"/tmp/.X{number}-lock"):
            return f":{number}"
    raise AssertionError("no free X display number")


@pytest.mark.gui
@pytest.mark.parametrize("args, env, expected", [
    ((), {}, "sbskit: cannot open the window: there is no X display (DISPLAY is not set"),
    ((), {"DISPLAY": "free"}, "sbskit: cannot open the window: no X server answers on display :"),
    (("-platform", "nosuchplugin"), {}, "sbskit: Qt has no platform plugin 'nosuchplugin' (-platform); available: "),
    (("-platform",), {}, "sbskit: -platform needs a plugin name"),
], ids=["no-display", "silent-display", "unknown-plugin", "bare-platform"])
def test_start_up_failures_exit_2_with_one_line(isolated_home, args, env, expected):
    extra = {"SBSKIT_HOME": str(isolated_home), **env}
    if extra.get("DISPLAY") == "free":
        extra["DISPLAY"] = _free_display()
    done = run_app(*args, env_extra=extra)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(expected), done.stderr
    assert "xcb-cursor" not in done.stderr


@pytest.mark.gui
def test_a_plugin_that_fails_inside_qt_gives_qts_reasons_and_exit_2(isolated_home, tmp_path):
    """Wayland named but no compositor: the kit does not pre-check this one, so Qt's own fatal
    message is caught: its reasons are printed and the kit leaves with 2 instead of aborting."""
    done = run_app("-platform", "wayland", env_extra={"SBSKIT_HOME": str(isolated_home),
                                                       "XDG_RUNTIME_DIR": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("sbskit: cannot open the window; Qt says:")
    qt_says = done.stderr.split("Qt says:", 1)[1]
    # Qt's own reason: no compositor to talk to (wl_display), or a plugin Qt found but could not load
    # (Debian 13 without the Wayland client libraries); either way the kit's advice follows
    assert "wl_display" in qt_says or 'plugin "wayland"' in qt_says, done.stderr
    assert "-platform offscreen --screenshots DIR" in done.stderr


@pytest.mark.gui
def test_platform_with_equals_and_an_unknown_style(isolated_home, tmp_path):
    done = run_app("--platform=offscreen", "-style", "Bogus", "--screenshots", str(tmp_path / "shots"),
                   env_extra={"SBSKIT_HOME": str(isolated_home)})
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "shots").glob("*.png"))) == 4
    assert "sbskit: there is no style 'Bogus' here (available: " in done.stderr and "using Fusion" in done.stderr


@pytest.mark.gui
def test_a_style_qt_has_is_honoured_under_the_kits_indicators(qapp):
    from sbskit.ui.common.theme import KitStyle, apply_theme, known_style

    palette, name = qapp.palette(), qapp.style().name()
    try:
        assert known_style("windows") and not known_style("Bogus")
        apply_theme(qapp, "light", "Windows")
        assert isinstance(qapp.style(), KitStyle) and qapp.style().baseStyle().name() == "windows"
    finally:
        qapp.setStyle(name)
        qapp.setPalette(palette)


def test_the_readme_start_line_installs_every_library_the_check_knows():
    from sbskit.ui.common.platform_check import XCB_LIBRARIES

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith("sudo apt install python3-venv"))
    assert set(XCB_LIBRARIES.values()) <= set(line.split()[3:])

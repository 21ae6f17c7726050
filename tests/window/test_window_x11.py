"""Items 7, 9 and 11 on a real X server: Ctrl+E with the focus in the Targets field opens Export
report, an Alt+letter that is no mnemonic types nothing, the relay confirmation opens centred on
the window, streamed blocklist rows leave the status bar alone. Qt's xcb platform under Xvfb (local socket
only, no TCP), because the offscreen platform does not have X11's key bindings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
APP = HERE.parent.parent / "app"
sys.path.insert(0, str(HERE.parent / "blacklist"))
from blacklist_world import LISTED_IP, MAIL_DOMAIN, build_world  # noqa: E402
from servers.bind import BindServer  # noqa: E402


@pytest.fixture(scope="module")
def bind(tmp_path_factory):  # the name tests/servers/plugin.py marks "servers"
    server = BindServer(tmp_path_factory.mktemp("x11-bind"))
    build_world(server)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def x_display(tmp_path):
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is needed for the X11 keyboard tests (apt install xvfb; .ci/run installs it)"
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "1366x768x24"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_on_x(display: str, home: Path, script: str, *args: str) -> dict:
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", SBSKIT_HOME=str(home),
               PYTHONPATH=str(APP) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run([sys.executable, str(HERE / script), *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_ctrl_e_and_a_stray_alt_letter_in_a_text_field_on_x11(x_display, isolated_home):
    result = run_on_x(x_display, isolated_home, "x11_keys_script.py")
    assert result["platform"] == "xcb"
    assert "Ctrl+E" in result["end_of_line_keys"]  # the field does claim Ctrl+E here ...
    assert result["export_asked_from"] == ["QComboBox"]  # ... and Export report still opened from Targets
    assert result["targets_text"] == "m"  # Alt+J typed nothing; the plain key after it did
    dx, dy = result["relay_confirmation_offset"]  # item 11: "Run the relay test?" over the window's middle
    assert abs(dx) <= 10 and abs(dy) <= 40, result


@pytest.mark.parametrize("columns", ["fitted", "resize-to-contents"])
def test_streamed_results_leave_the_status_bar_alone_on_screen(x_display, isolated_home, bind, columns):
    """Item 9: rows streamed into a tab taller than the window were painted over the status bar's
    client label (Qt repainted the whole results view, outside its scroll area, each time a
    ResizeToContents column was measured again) and stayed there. The results no longer size
    columns that way; with the old sizing put back, the window's SpillGuard repairs it."""
    result = run_on_x(x_display, isolated_home, "x11_statusbar_script.py", bind.address,
                      f"{LISTED_IP}, 192.0.2.11, {MAIL_DOMAIN}", columns)
    assert result["rows"] > 50 and result["label"] == "No client selected"
    assert result["row_colours_under_label"] == []

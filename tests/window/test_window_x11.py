"""Items 7 and 11 on a real X server: Ctrl+E with the focus in the Targets field opens Export report,
and an Alt+letter that is no mnemonic types nothing. Qt's xcb platform under Xvfb (local socket
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


def test_ctrl_e_and_a_stray_alt_letter_in_a_text_field_on_x11(x_display, isolated_home):
    env = dict(os.environ, DISPLAY=x_display, QT_QPA_PLATFORM="xcb", SBSKIT_HOME=str(isolated_home),
               PYTHONPATH=str(APP) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run([sys.executable, str(HERE / "x11_keys_script.py")], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["platform"] == "xcb"
    assert "Ctrl+E" in result["end_of_line_keys"]  # the field does claim Ctrl+E here ...
    assert result["export_asked_from"] == ["QComboBox"]  # ... and Export report still opened from Targets
    assert result["targets_text"] == "m"  # Alt+J typed nothing; the plain key after it did

"""Portable mode: with SBSKIT_HOME set, the app and the CLI write nothing outside it.

HOME and the XDG folders point at an empty folder that must stay empty; the app renders
every tab and exports a report, the CLI runs and writes a report.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

APP_DIR = Path(__file__).resolve().parents[2] / "app"

pytestmark = pytest.mark.gui


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_app_and_cli_write_only_into_sbskit_home(tmp_path):
    home, kit = tmp_path / "home", tmp_path / "kit"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "TMPDIR": str(tmp_path / "tmp"),
        "SBSKIT_HOME": str(kit),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(APP_DIR),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    (tmp_path / "tmp").mkdir()
    runs = [
        [sys.executable, "-m", "sbskit", "--screenshots", str(kit / "reports" / "shots")],
        [sys.executable, "-m", "sbskit.cli", "paths", "--json", "--report", str(kit / "reports" / "paths.pdf")],
        [sys.executable, "-m", "sbskit.cli", "profile", "add", "Contoso", "--ip", "192.0.2.7"],
    ]
    for cmd in runs:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    assert files_under(home) == []
    written = files_under(kit)
    assert "logs/sbskit.log" in written and "data/profiles.sqlite3" in written
    assert "reports/paths.pdf" in written and "reports/shots/01-os-version.png" in written

"""Portable mode, the read-only fallback, and atomic settings."""

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from sbskit.core import paths
from sbskit.core.settings import DEFAULTS, Settings, atomic_write_text


def test_sbskit_home_puts_everything_under_it(tmp_path):
    resolved = paths.resolve_paths({"SBSKIT_HOME": str(tmp_path / "stick")})
    assert resolved.mode == "portable"
    for folder in resolved.all_dirs():
        assert tmp_path / "stick" in folder.parents
    assert resolved.warning is None


def test_portable_folder_beside_the_executable(tmp_path, monkeypatch):
    exe_dir = tmp_path / "usb"
    (exe_dir / paths.PORTABLE_DIR_NAME).mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe_dir / "sbskit.exe"))
    resolved = paths.resolve_paths({})
    assert resolved.mode == "portable"
    assert resolved.root == (exe_dir / paths.PORTABLE_DIR_NAME).resolve()


def test_without_marker_or_env_uses_platform_dirs(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "not-the-kit.py")])
    resolved = paths.resolve_paths({})
    assert resolved.mode == "installed"
    assert "sbskit" in str(resolved.settings)


def test_read_only_portable_folder_is_read_in_place_with_a_warning(tmp_path, monkeypatch):
    # Root (CI) ignores permission bits, so make the write probe fail the way a read-only stick does.
    import tempfile

    real = tempfile.NamedTemporaryFile

    def read_only(*args, dir=None, **kwargs):
        if dir is not None and Path(dir).is_relative_to(tmp_path / "ro"):
            raise PermissionError(30, "Read-only file system")
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", read_only)
    _assert_read_only_fallback(tmp_path)


def _assert_read_only_fallback(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        resolved = paths.resolve_paths({"SBSKIT_HOME": str(ro)})
    finally:
        ro.chmod(stat.S_IRWXU)
    # read in place, nothing saved (tests/stick/test_read_only_stick.py mounts a real read-only stick)
    assert resolved.mode == "read-only" and resolved.read_only
    assert resolved.warning and "write-protected" in resolved.warning and str(ro) in resolved.warning
    assert resolved.settings == ro / "settings" and resolved.data == ro / "data"


def test_settings_round_trip_and_defaults(tmp_path):
    s = Settings(tmp_path / "s.json")
    assert s.get("window/last_tab") == DEFAULTS["window/last_tab"]
    s.set("window/last_tab", 3)
    s.save()
    assert Settings(tmp_path / "s.json").get("window/last_tab") == 3


def test_damaged_settings_file_falls_back_to_defaults(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b'{"window/last_tab": 2')  # half a file
    assert Settings(path).get("window/last_tab") == 0


def test_atomic_write_keeps_old_file_when_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    atomic_write_text(path, json.dumps({"a": 1}))

    def broken_fsync(_fd):
        raise OSError(5, "I/O error (stick pulled)")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write_text(path, json.dumps({"a": 2}))
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temporary left behind


def test_two_settings_objects_do_not_undo_each_other(tmp_path):
    path = tmp_path / "s.json"
    window, tab = Settings(path), Settings(path)
    tab.set("blacklist/resolver", "127.0.0.1:5353")
    tab.save()
    window.set("window/last_tab", 2)
    window.save()  # must keep the tab's resolver
    fresh = Settings(path)
    assert fresh.get("blacklist/resolver") == "127.0.0.1:5353"
    assert fresh.get("window/last_tab") == 2


@pytest.mark.parametrize("xdg", [None, "/srv/xdg-data", "relative/data", "", "~/data"])
def test_the_linux_data_folder_is_the_one_platformdirs_names(monkeypatch, xdg):
    """kit_home works the data folder out without platformdirs (its import is half a CLI run's time):
    it must be the same folder, or the history and the override folder would move."""
    import platformdirs

    from sbskit import APP_ID
    from sbskit.core.kit_home import platform_data_dir

    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert platform_data_dir() == Path(platformdirs.PlatformDirs(APP_ID, appauthor=False).user_data_dir)


def test_a_cli_run_finds_its_data_files_without_importing_platformdirs(tmp_path):
    import subprocess
    import sys

    probe = ("import sys; from sbskit.cli import main; from sbskit.core.resources import override_root; "
             "override_root(); print('platformdirs' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "SBSKIT_HOME"}
    env["HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("False" if sys.platform.startswith("linux") else "True")

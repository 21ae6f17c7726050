"""A consultant's stick for the tests: a filled ``sbskit-data`` folder, made truly read-only.

As root (CI) permission bits mean nothing, so the folder is bind-mounted read-only onto itself
(``mount --bind`` + ``remount,ro``): writes fail with EROFS, as on a write-protected stick. As an
ordinary user the bits are removed instead. Either way the kernel refuses every write.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Iterator

APP_DIR = Path(__file__).resolve().parents[2] / "app"
CLIENT_IP = "192.0.2.7"


def fill_stick(data_root: Path) -> None:
    """Profiles with history and a checklist, settings and a log, written by the kit itself."""
    from sbskit.core.dnsbl.engine import Options, check
    from sbskit.core.mailprobe import checklist as cl
    from sbskit.core.profiles import ProfileStore, checklists
    from sbskit.core.settings import Settings

    clean = {"targets": [{"target": CLIENT_IP, "results": [{"zone": "a.example", "status": "clean"},
                                                           {"zone": "b.example", "status": "listed"}]}]}
    dead = check([CLIENT_IP], Options(resolvers=[closed_resolver()], timeout=1, reverse_dns=False))
    with ProfileStore(data_root / "data" / "profiles.sqlite3", read_only=False) as store:
        store.add("Acme Dental", ips=[CLIENT_IP], notes="back office")
        store.add("Baker & Sons", domains=["baker.example"])
        store.add_run("Acme Dental", "blacklist", clean, at="2026-09-03T09:00:00Z")
        store.add_run("Acme Dental", "blacklist", dead, at="2026-10-03T09:00:00Z")
        sheet = cl.Checklist(client="Acme Dental", request="POP3 for the field staff")
        sheet.set_status("cleartext", "at-risk")
        checklists.save_client_checklist(store, "Acme Dental", sheet.to_dict())
    settings = Settings(data_root / "settings" / "settings.json", read_only=False)
    settings.set("report/consultant", "Sam Consultant")
    settings.save()
    (data_root / "logs").mkdir(parents=True, exist_ok=True)
    (data_root / "logs" / "sbskit.log").write_text("an earlier visit\n", encoding="utf-8")


def closed_resolver() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """Make ``folder`` read-only for this process; yields how ("bind mount" or "permission bits")."""
    if os.geteuid() == 0:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True, capture_output=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
            yield "bind mount"
        finally:
            subprocess.run(["umount", str(folder)], check=True, capture_output=True)
        return
    modes = {}
    for path in [folder, *folder.rglob("*")]:
        modes[path] = path.stat().st_mode
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield "permission bits"
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


@contextlib.contextmanager
def without_write_bits(folder: Path) -> Iterator[None]:
    """A read-only *directory* (permission bits, no mount): only binding on a process that honours them,
    see :func:`unprivileged`."""
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def unprivileged(command: list[str]) -> list[str]:
    """As root, run ``command`` without the capabilities that override permission bits (capsh, from
    libcap2-bin), so a chmod-only read-only folder is read-only for it, as for any user."""
    if os.geteuid() != 0:
        return command
    import shlex

    return ["capsh", "--drop=cap_dac_override,cap_dac_read_search,cap_fowner,cap_linux_immutable", "--", "-c",
            "exec " + shlex.join(command)]


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a hash of its content: equal before and after means untouched."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def clean_env(tmp_path: Path, kit_home: Path) -> dict[str, str]:
    """HOME, the XDG folders and TMPDIR in empty folders the tests check afterwards."""
    home, tmp = tmp_path / "pc-home", tmp_path / "pc-tmp"
    home.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "TMPDIR": str(tmp),
        "SBSKIT_HOME": str(kit_home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(APP_DIR),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def run_kit(env: dict[str, str], *args: str, module: str = "sbskit.cli", timeout: float = 120,
            cwd: Path | None = None, drop_privileges: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", module, *args]
    if drop_privileges:
        command = unprivileged(command)
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL)

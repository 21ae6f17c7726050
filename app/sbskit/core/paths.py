"""Where the kit writes anything: settings, data, logs, caches, reports.

Normal installs use the platform's folders (platformdirs). Portable mode puts
*everything* in one folder so a consultant's USB stick leaves no trace on a client's PC:
``SBSKIT_HOME`` wins, then a ``sbskit-data`` folder beside the executable (never under
PyInstaller's temporary ``_MEIPASS``).

If that folder cannot be written (a write-protected stick), the kit runs *read-only*:
settings, profiles and history are read from the stick as they are and nothing is saved
(:attr:`AppPaths.read_only`, and :attr:`AppPaths.warning` says so). Nothing is written to
the PC either, except what the admin asks for (a report saved to a folder they choose):
no log file, no copy of the database. The one scratch place is :func:`session_scratch`, a
folder in the system temp folder that is removed when the kit exits.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sbskit import APP_ID
from sbskit.core.kit_home import HOME_ENV as HOME_ENV  # re-exported: callers and tests name them here
from sbskit.core.kit_home import PORTABLE_DIR_NAME as PORTABLE_DIR_NAME
from sbskit.core.kit_home import platform_data_dir, portable_root


@dataclass(frozen=True)
class AppPaths:
    """The resolved folders; ``mode`` is ``installed``, ``portable`` or ``read-only`` (a portable folder that
    cannot be written: everything is read from it, nothing is saved)."""

    settings: Path
    data: Path
    logs: Path
    cache: Path
    reports: Path
    mode: str
    root: Path | None = None
    warning: str | None = None
    read_only: bool = False

    def all_dirs(self) -> list[Path]:
        return [self.settings, self.data, self.logs, self.cache, self.reports]

    def ensure(self) -> None:
        """Create the folders (read-only: none; they are read where they are, if they exist)."""
        if self.read_only:
            return
        for folder in self.all_dirs():
            folder.mkdir(parents=True, exist_ok=True)


def _under(root: Path, mode: str, warning: str | None = None) -> AppPaths:
    return AppPaths(
        settings=root / "settings",
        data=root / "data",
        logs=root / "logs",
        cache=root / "cache",
        reports=root / "reports",
        mode=mode,
        root=root,
        warning=warning,
    )


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
        return True
    except OSError:
        return False


def resolve_paths(environ: dict[str, str] | None = None) -> AppPaths:
    """Decide the folders from the environment and the executable's location (no caching)."""
    root = portable_root(environ)
    if root is not None:
        if _writable(root):
            return _under(root.resolve(), "portable")
        return _read_only(root)
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
    return AppPaths(
        settings=Path(dirs.user_config_dir),
        data=platform_data_dir(),  # what kit_home.data_folder finds for the override folder
        logs=Path(dirs.user_log_dir),
        cache=Path(dirs.user_cache_dir),
        reports=Path(dirs.user_documents_dir) / "SBS Admin Kit reports",
        mode="installed",
    )


def _documents() -> Path:
    import platformdirs

    return Path(platformdirs.user_documents_dir())


def _read_only(root: Path) -> AppPaths:
    root = root.resolve() if root.exists() else root
    scratch = session_scratch_path()
    if scratch not in _scratch:
        _scratch.append(scratch)  # whatever puts files there (app_paths().cache), they go at exit
    return AppPaths(
        settings=root / "settings",
        data=root / "data",
        logs=root / "logs",
        cache=scratch,
        reports=_documents(),  # only proposed in save dialogs: the admin picks the folder
        mode="read-only",
        root=root,
        read_only=True,
        warning=(
            f"The kit's folder {root} cannot be written (a write-protected stick?). Every client and all "
            "history are shown, but nothing is saved: not settings, not new results, not profile or checklist "
            "changes. Reports and exports go to a folder you choose; nothing else is written to this PC."
        ),
    )


def session_scratch_path() -> Path:
    """Where this process may put short-lived files when the kit's folder is read-only (see :func:`session_scratch`).

    The temp folder is taken from the environment, so that naming the path writes nothing (Python's
    ``tempfile.gettempdir`` would probe the folder with a file of its own).
    """
    temp = next((os.environ[name] for name in ("TMPDIR", "TEMP", "TMP") if os.environ.get(name)), None)
    return Path(temp or tempfile.gettempdir()) / f"sbskit-scratch-{os.getpid()}"


_scratch: list[Path] = []  # the scratch folder, once this process made it


def session_scratch() -> Path:
    """Create the scratch folder; it is removed when the process exits normally."""
    folder = session_scratch_path()
    folder.mkdir(parents=True, exist_ok=True)
    if folder not in _scratch:
        _scratch.append(folder)
    return folder


def _remove_scratch() -> None:
    for folder in _scratch:
        if folder.is_dir() and folder.name.startswith("sbskit-scratch-"):
            shutil.rmtree(folder, ignore_errors=True)


atexit.register(_remove_scratch)


@functools.lru_cache(maxsize=1)
def app_paths() -> AppPaths:
    """The folders for this process, resolved once."""
    return resolve_paths()


def reset_for_tests() -> None:
    """Forget the cached folders (tests change ``SBSKIT_HOME`` between cases)."""
    app_paths.cache_clear()

"""Where the kit writes anything: settings, data, logs, caches, reports.

Normal installs use the platform's folders (platformdirs). Portable mode puts
*everything* in one folder so a consultant's USB stick leaves no trace on a client's PC:
``SBSKIT_HOME`` wins, then a ``sbskit-data`` folder beside the executable (never under
PyInstaller's temporary ``_MEIPASS``). If the chosen folder cannot be written (a
read-only stick), a temporary folder is used and :attr:`AppPaths.warning` says so.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sbskit import APP_ID

PORTABLE_DIR_NAME = "sbskit-data"
HOME_ENV = "SBSKIT_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The resolved folders; ``mode`` is ``installed``, ``portable`` or ``temporary``."""

    settings: Path
    data: Path
    logs: Path
    cache: Path
    reports: Path
    mode: str
    root: Path | None = None
    warning: str | None = None

    def all_dirs(self) -> list[Path]:
        return [self.settings, self.data, self.logs, self.cache, self.reports]

    def ensure(self) -> None:
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


def executable_dirs() -> list[Path]:
    """Folders that count as "beside the executable" for the portable marker."""
    dirs = []
    if getattr(sys, "frozen", False):
        dirs.append(Path(sys.executable).resolve().parent)
    elif sys.argv and sys.argv[0]:
        script = Path(sys.argv[0])
        if script.name.startswith("sbskit") and script.exists():
            dirs.append(script.resolve().parent)
    return dirs


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
    environ = os.environ if environ is None else environ
    portable_root: Path | None = None
    if environ.get(HOME_ENV):
        portable_root = Path(environ[HOME_ENV]).expanduser()
    else:
        for folder in executable_dirs():
            if (folder / PORTABLE_DIR_NAME).is_dir():
                portable_root = folder / PORTABLE_DIR_NAME
                break
    if portable_root is not None:
        if _writable(portable_root):
            return _under(portable_root.resolve(), "portable")
        fallback = Path(tempfile.mkdtemp(prefix="sbskit-"))
        return _under(
            fallback,
            "temporary",
            warning=(
                f"The portable folder {portable_root} cannot be written (read-only media?). "
                f"This session uses the temporary folder {fallback}; copy anything you need "
                "from it before you close the kit."
            ),
        )
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
    return AppPaths(
        settings=Path(dirs.user_config_dir),
        data=Path(dirs.user_data_dir),
        logs=Path(dirs.user_log_dir),
        cache=Path(dirs.user_cache_dir),
        reports=Path(dirs.user_documents_dir) / "SBS Admin Kit reports",
        mode="installed",
    )


@functools.lru_cache(maxsize=1)
def app_paths() -> AppPaths:
    """The folders for this process, resolved once."""
    return resolve_paths()


def reset_for_tests() -> None:
    """Forget the cached folders (tests change ``SBSKIT_HOME`` between cases)."""
    app_paths.cache_clear()

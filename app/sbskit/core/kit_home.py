"""Where the kit's own folder is, found cheaply: the portable folder, or the platform's data folder.

``core/paths.py`` decides every folder (and whether the portable one can be written); this
module holds only the part that needs no dataclasses, temp files or write tests, so the
resource accessor can find the override folder (``<data>/resources-override``) on every CLI
start without paying for the rest (the CLI's start-up time is benchmarked).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sbskit import APP_ID

PORTABLE_DIR_NAME = "sbskit-data"
HOME_ENV = "SBSKIT_HOME"


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


def portable_root(environ: dict[str, str] | None = None) -> Path | None:
    """``SBSKIT_HOME``, else a ``sbskit-data`` folder beside the executable, else None (installed mode)."""
    environ = os.environ if environ is None else environ
    if environ.get(HOME_ENV):
        return Path(environ[HOME_ENV]).expanduser()
    for folder in executable_dirs():
        if (folder / PORTABLE_DIR_NAME).is_dir():
            return folder / PORTABLE_DIR_NAME
    return None


def data_dir(environ: dict[str, str] | None = None) -> Path:
    """The kit's data folder (the same folder as ``app_paths().data``, maybe not yet resolved)."""
    root = portable_root(environ)
    if root is not None:
        return root / "data"
    return platform_data_dir()


def platform_data_dir() -> Path:
    """The per-user data folder platformdirs names for the kit. On Linux it is worked out here the
    way platformdirs does (``$XDG_DATA_HOME`` when absolute, else ``~/.local/share``): importing
    platformdirs costs about 30 ms, half of a blocklist CLI run. Elsewhere platformdirs answers
    (Windows' known folders need its system calls)."""
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else Path(os.path.expanduser("~")) / ".local" / "share"
        return base / APP_ID
    import platformdirs

    return Path(platformdirs.PlatformDirs(APP_ID, appauthor=False).user_data_dir)

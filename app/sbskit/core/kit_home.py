"""Where the kit's own folder is, found cheaply: the portable folder, or the platform's data folder.

``core/paths.py`` decides every folder (and whether the portable one can be written); this
module holds only the part that needs no dataclasses, temp files or write tests, so the
resource accessor can find the override folder (``<data>/resources-override``) on every CLI
start without paying for the rest (the CLI's start-up time is benchmarked). The work is done
on plain strings (``os.path``): pathlib and what it imports are a twentieth of a blocklist
run; the functions that hand out ``Path`` objects import it when called.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

from sbskit import APP_ID

PORTABLE_DIR_NAME = "sbskit-data"
HOME_ENV = "SBSKIT_HOME"


def executable_folders() -> list[str]:
    """Folders that count as "beside the executable" for the portable marker."""
    if getattr(sys, "frozen", False):
        return [os.path.dirname(os.path.realpath(sys.executable))]
    if sys.argv and sys.argv[0]:
        script = sys.argv[0]
        if os.path.basename(script.rstrip("/\\")).startswith("sbskit") and os.path.exists(script):
            return [os.path.dirname(os.path.realpath(script))]
    return []


def portable_folder(environ: dict[str, str] | None = None) -> str | None:
    """``SBSKIT_HOME``, else a ``sbskit-data`` folder beside the executable, else None (installed mode)."""
    environ = os.environ if environ is None else environ
    if environ.get(HOME_ENV):
        return os.path.expanduser(environ[HOME_ENV])
    for folder in executable_folders():
        candidate = os.path.join(folder, PORTABLE_DIR_NAME)
        if os.path.isdir(candidate):
            return candidate
    return None


def portable_root(environ: dict[str, str] | None = None) -> Path | None:
    """:func:`portable_folder` as a ``Path``."""
    from pathlib import Path

    folder = portable_folder(environ)
    return Path(folder) if folder is not None else None


def data_folder(environ: dict[str, str] | None = None) -> str:
    """The kit's data folder (the same folder as ``app_paths().data``, maybe not yet resolved)."""
    root = portable_folder(environ)
    if root is not None:
        return os.path.join(root, "data")
    return platform_data_folder()


def platform_data_folder() -> str:
    """The per-user data folder platformdirs names for the kit. On Linux it is worked out here the
    way platformdirs does (``$XDG_DATA_HOME`` when absolute, else ``~/.local/share``): importing
    platformdirs costs about 30 ms, half of a blocklist CLI run. Elsewhere platformdirs answers
    (Windows' known folders need its system calls)."""
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".local", "share")
        return os.path.join(base, APP_ID)
    import platformdirs

    return platformdirs.PlatformDirs(APP_ID, appauthor=False).user_data_dir


def platform_data_dir() -> Path:
    """:func:`platform_data_folder` as a ``Path``."""
    from pathlib import Path

    return Path(platform_data_folder())

"""The one way to find the kit's data files, wherever the kit runs from.

Data that changes with the world (Windows releases, blocklist zones, checklists) lives
in ``resources/`` at the top of the checkout. A wheel carries it as
``sbskit/resources``; the PyInstaller bundle as ``<_MEIPASS>/sbskit/resources``.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time (CLI start-up time)
    from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _candidates() -> list[Path]:
    found = []
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and meipass:
        found.append(Path(meipass) / "sbskit" / "resources")
    found.append(_PACKAGE_DIR / "resources")  # installed wheel
    found.append(_PACKAGE_DIR.parent.parent / "resources")  # source checkout: app/sbskit -> ../../resources
    return found


@functools.lru_cache(maxsize=1)
def resources_root() -> Path:
    """The folder holding the data files; raises if the installation is broken."""
    for candidate in _candidates():
        if (candidate / "MANIFEST.toml").is_file():
            return candidate
    searched = ", ".join(str(c) for c in _candidates())
    raise FileNotFoundError(f"SBS Admin Kit data files are missing (looked in {searched})")


def resource_path(*parts: str) -> Path:
    """Path of one data file, e.g. ``resource_path("art", "app.svg")``."""
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"data file missing from the kit: {'/'.join(parts)}")
    return path


def read_text(*parts: str) -> str:
    return resource_path(*parts).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=64)
def load_json(*parts: str) -> Any:
    """Parsed JSON data file (cached: data files do not change while the kit runs)."""
    return json.loads(read_text(*parts))


@functools.lru_cache(maxsize=64)
def load_toml(*parts: str) -> dict[str, Any]:
    """Parsed TOML data file (cached)."""
    import tomllib  # imported here: it pulls in datetime, and most CLI runs read only JSON

    return tomllib.loads(read_text(*parts))


def data_versions() -> dict[str, str]:
    """``{data file: version}`` from ``resources/MANIFEST.toml``, shown in About and reports."""
    manifest = load_toml("MANIFEST.toml")
    return {name: str(entry.get("version", "?")) for name, entry in manifest.get("files", {}).items()}

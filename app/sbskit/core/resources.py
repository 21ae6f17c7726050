"""The one way to find the kit's data files, wherever the kit runs from, and a consultant's newer ones.

Data that changes with the world (Windows releases, blocklist zones, checklists) lives
in ``resources/`` at the top of the checkout. A wheel carries it as
``sbskit/resources``; the PyInstaller bundle as ``<_MEIPASS>/sbskit/resources``.

A consultant can drop a newer JSON data file into ``<data folder>/resources-override/``
(beside a ``MANIFEST.toml`` that gives its version) without a new build. The kit uses it
only if it matches the file's schema (``resources/schemas/``) and its version is newer
than the bundled one; otherwise it uses the bundled file and says why in one line (the log,
``sbskit-cli`` on stderr, Help > About, ``sbskit-cli paths``). See resources/README.md.
"""

from __future__ import annotations

import functools
import json
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and pathlib are not imported at run time (CLI start-up time)
    from pathlib import Path
    from typing import Any, Callable

# The usual case (a bundled JSON file, no override) is worked out on plain strings: pathlib is
# imported only by the functions that hand out a Path.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
MANIFEST = "MANIFEST.toml"
OVERRIDE_DIR_NAME = "resources-override"
SCHEMA_DIR = "schemas"
MAX_OVERRIDE_BYTES = 20_000_000  # a data file is at most a few hundred kB; anything huge is not one

# Called with each one-line warning about an override that is not used (the CLI prints it on stderr).
on_warning: Callable[[str], None] | None = None


def _candidates() -> list[str]:
    found = []
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and meipass:
        found.append(os.path.join(meipass, "sbskit", "resources"))
    found.append(os.path.join(_PACKAGE_DIR, "resources"))  # installed wheel
    # source checkout: app/sbskit -> ../../resources
    found.append(os.path.join(os.path.dirname(os.path.dirname(_PACKAGE_DIR)), "resources"))
    return found


@functools.lru_cache(maxsize=1)
def resources_folder() -> str:
    """The folder holding the bundled data files; raises if the installation is broken."""
    for candidate in _candidates():
        if os.path.isfile(os.path.join(candidate, MANIFEST)):
            return candidate
    searched = ", ".join(_candidates())
    raise FileNotFoundError(f"SBS Admin Kit data files are missing (looked in {searched})")


def resources_root() -> Path:
    """:func:`resources_folder` as a ``Path``."""
    from pathlib import Path

    return Path(resources_folder())


@functools.lru_cache(maxsize=1)
def override_folder() -> str:
    """``<data folder>/resources-override``: where a consultant puts newer data files (it may not exist)."""
    from sbskit.core.kit_home import data_folder

    return os.path.join(data_folder(), OVERRIDE_DIR_NAME)


def override_root() -> Path:
    """:func:`override_folder` as a ``Path``."""
    from pathlib import Path

    return Path(override_folder())


class Source:
    """Which copy of one data file the kit uses, and why.

    ``origin`` is ``bundled`` or ``override``; ``note`` says why when an override file exists
    (used, or not used and why not), else None. ``data`` is the checked document of a used
    override, so the kit uses exactly what it checked. A plain class: CLI start-up time.
    """

    __slots__ = ("name", "file", "origin", "version", "bundled_version", "note", "data")

    def __init__(self, name: str, path: Path | str, origin: str, version: str, bundled_version: str,
                 note: str | None = None, data: Any = None) -> None:
        self.name = name
        self.file = os.fspath(path)  # the path as text; ``path`` gives a Path
        self.origin = origin
        self.version = version
        self.bundled_version = bundled_version
        self.note = note
        self.data = data

    @property
    def path(self) -> Path:
        from pathlib import Path

        return Path(self.file)

    @property
    def warning(self) -> bool:
        """An override file is there but not used."""
        return self.note is not None and self.origin != "override"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.name, "source": self.origin, "version": self.version,
                "bundled_version": self.bundled_version, "path": self.file, "note": self.note}


def _manifest_versions(root: Path) -> dict[str, str]:
    import tomllib  # imported here: it pulls in datetime, and most CLI runs read only JSON

    manifest = tomllib.loads((root / MANIFEST).read_text(encoding="utf-8"))
    files = manifest.get("files", {})
    if not isinstance(files, dict):
        raise ValueError("it has no [files.\"NAME\"] tables")
    return {name: str(entry.get("version", "")) for name, entry in files.items() if isinstance(entry, dict)}


def version_key(version: str) -> tuple[int, ...] | None:
    """``2026-11-28`` -> (2026, 11, 28); None when the text has no number at all."""
    import re

    numbers = re.findall(r"\d+", version or "")
    return tuple(int(n) for n in numbers) if numbers else None


def schema_path(name: str, root: Path | None = None) -> Path:
    """``resources/schemas/<file without .json>.schema.json``."""
    stem = name[:-5] if name.endswith(".json") else name
    return (root or resources_root()) / SCHEMA_DIR / f"{stem}.schema.json"


def choose(name: str, bundled_root: Path, override_dir: Path) -> Source:
    """Bundled or override copy of data file ``name`` (no caching, no logging: :func:`source` does both)."""
    bundled_path = bundled_root.joinpath(*name.split("/"))
    bundled_version = _manifest_versions(bundled_root).get(name, "")
    candidate = override_dir.joinpath(*name.split("/"))
    shown = f"{OVERRIDE_DIR_NAME}/{name}"

    def bundled(why: str) -> Source:
        return Source(name, bundled_path, "bundled", bundled_version, bundled_version,
                      f"{shown} is not used: {why}; the kit uses its own copy (version {bundled_version or '?'})")

    if not candidate.is_file():
        return Source(name, bundled_path, "bundled", bundled_version, bundled_version)
    schema_file = schema_path(name, bundled_root)
    if not name.endswith(".json") or not schema_file.is_file():
        return bundled("only the JSON data files (those with a schema in resources/schemas) can be replaced")
    try:
        versions = _manifest_versions(override_dir)
    except FileNotFoundError:
        return bundled(f"{OVERRIDE_DIR_NAME}/{MANIFEST} is missing (it gives the file's version)")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return bundled(f"{OVERRIDE_DIR_NAME}/{MANIFEST} cannot be read ({' '.join(str(exc).split())})")
    version = versions.get(name, "")
    if not version:
        return bundled(f"{OVERRIDE_DIR_NAME}/{MANIFEST} gives no version for it")
    new_key, old_key = version_key(version), version_key(bundled_version)
    if new_key is None:
        return bundled(f"its version {version!r} is not a date or number")
    if old_key is not None and new_key <= old_key:
        return bundled(f"its version {version} is not newer than the kit's {bundled_version}")
    try:
        if candidate.stat().st_size > MAX_OVERRIDE_BYTES:
            return bundled(f"it is larger than {MAX_OVERRIDE_BYTES // 1_000_000} MB")
        document = json.loads(candidate.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return bundled(f"it cannot be read ({' '.join(str(exc).split())})")
    except ValueError as exc:
        return bundled(f"it is not valid JSON ({exc})")
    from sbskit.core.schema_check import problems

    found = problems(document, json.loads(schema_file.read_text(encoding="utf-8")))
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return bundled(f"it does not match its schema: {found[0]}{more}")
    return Source(name, candidate, "override", version, bundled_version,
                  f"{shown} is used: version {version}, newer than the kit's {bundled_version or '?'}", document)


_reported: set[str] = set()


def _report(chosen: Source) -> None:
    """Log the choice once per process; warnings also go to :data:`on_warning` (the CLI's stderr)."""
    if chosen.note is None or chosen.note in _reported:
        return
    _reported.add(chosen.note)
    import logging  # only when an override file exists: logging costs CLI start-up time

    root_logger = logging.getLogger()
    if root_logger.handlers:  # the GUI's log file; the CLI has none and says it on stderr instead
        logging.getLogger(__name__).log(logging.WARNING if chosen.warning else logging.INFO, chosen.note)
    if chosen.warning and on_warning is not None:
        on_warning(chosen.note)


@functools.lru_cache(maxsize=64)
def source(name: str) -> Source:
    """The copy of data file ``name`` (a MANIFEST.toml key like ``dnsbl-zones.json``) the kit uses."""
    parts = name.split("/")
    if not os.path.isfile(os.path.join(override_folder(), *parts)):  # the usual case: one stat, nothing else
        return Source(name, os.path.join(resources_folder(), *parts), "bundled", "", "")
    chosen = choose(name, resources_root(), override_root())
    _report(chosen)
    return chosen


def resource_file(*parts: str) -> str:
    """Path (as text) of one data file, e.g. ``resource_file("art", "app.svg")`` (a valid newer override if
    there is one)."""
    name = "/".join(parts)
    path = os.path.join(resources_folder(), *parts) if name == MANIFEST else source(name).file
    if not os.path.exists(path):
        raise FileNotFoundError(f"data file missing from the kit: {name}")
    return path


def resource_path(*parts: str) -> Path:
    """:func:`resource_file` as a ``Path``."""
    from pathlib import Path

    return Path(resource_file(*parts))


def read_text(*parts: str) -> str:
    with open(resource_file(*parts), encoding="utf-8") as handle:
        return handle.read()


@functools.lru_cache(maxsize=64)
def load_json(*parts: str) -> Any:
    """Parsed JSON data file (cached: data files do not change while the kit runs)."""
    chosen = source("/".join(parts))
    if chosen.data is not None:
        return chosen.data
    return json.loads(read_text(*parts))


@functools.lru_cache(maxsize=64)
def load_toml(*parts: str) -> dict[str, Any]:
    """Parsed TOML data file (cached)."""
    import tomllib  # imported here: it pulls in datetime, and most CLI runs read only JSON

    return tomllib.loads(read_text(*parts))


def data_sources() -> list[Source]:
    """Every data file of MANIFEST.toml with the copy in use, plus override files the kit does not know."""
    bundled = _manifest_versions(resources_root())
    found = []
    for name in bundled:
        chosen = source(name)
        if chosen.origin == "bundled" and not chosen.version:
            chosen = Source(name, chosen.path, "bundled", bundled[name], bundled[name], chosen.note)
        found.append(chosen)
    folder = override_root()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
            name = path.relative_to(folder).as_posix()
            if name not in bundled:
                note = f"{OVERRIDE_DIR_NAME}/{name} is not used: the kit has no data file of that name"
                stray = Source(name, path, "unknown", "", "", note)
                _report(stray)
                found.append(stray)
    return found


def data_versions() -> dict[str, str]:
    """``{data file: version}`` of the copies in use, shown in About and reports (``(override)`` marks a newer one)."""
    return {s.name: s.version + (" (override)" if s.origin == "override" else "")
            for s in data_sources() if s.origin != "unknown"}


def reset_for_tests() -> None:
    """Forget every cached choice and document (tests change the data folder between cases)."""
    for cached in (override_folder, source, load_json, load_toml):
        cached.cache_clear()
    _reported.clear()

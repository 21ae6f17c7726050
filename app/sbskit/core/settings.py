"""Settings as one JSON file, with every default declared in one table.

Writes are atomic (write a temporary file, flush, fsync, rename) so a USB stick pulled
mid-write leaves the previous settings intact, never half a file. On a read-only stick
the settings are read and changes live in memory for the session (``save`` writes nothing).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from sbskit.core.paths import app_paths

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"

#: Every setting the kit knows, with its default. Unknown keys in the file are kept.
DEFAULTS: dict[str, Any] = {
    "window/geometry": "",  # base64 of QMainWindow.saveGeometry()
    "window/state": "",
    "window/last_tab": 0,
    "blacklist/history": [],
    "blacklist/resolver": "",
    "blacklist/timeout": 3.0,
    "probe/timeout": 8.0,
    "report/consultant": "",
    "client/current": "",  # the client profile whose history new runs go to
}


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would, for every thread at once)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def atomic_write_text(path: Path, text: str, private: bool = False) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never a mix.

    A report, CSV or export gets the permissions any saved file gets (the umask's); ``private``
    keeps the temporary file's owner-only mode (settings, which may hold a DQS key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if not private and hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise


class Settings:
    """Load once, read with defaults, save atomically.

    Several parts of the app hold their own ``Settings``; ``save`` writes only the keys
    this instance changed on top of what is in the file now, so one part never undoes
    another's saved choices.
    """

    def __init__(self, path: Path | None = None, read_only: bool | None = None) -> None:
        self.path = path or app_paths().settings / SETTINGS_FILE
        self.read_only = (path is None and app_paths().read_only) if read_only is None else read_only
        self._values: dict[str, Any] = {}
        self._changed: set[str] = set()
        self.load()

    def _read(self) -> dict[str, Any]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.warning("cannot read settings %s: %s", self.path, exc)
            return {}
        try:
            loaded = json.loads(raw)
        except ValueError:
            log.warning("settings file %s is damaged; using defaults", self.path)
            loaded = {}
        return loaded if isinstance(loaded, dict) else {}

    def load(self) -> None:
        self._values = self._read()
        self._changed.clear()

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._values:
            return self._values[key]
        if key in DEFAULTS:
            return DEFAULTS[key]
        return default

    def set(self, key: str, value: Any) -> None:
        self._values[key] = value
        self._changed.add(key)

    def save(self) -> None:
        if self.read_only:
            return  # a write-protected stick: the session's choices are kept in memory only
        merged = self._read()
        merged.update({key: self._values[key] for key in self._changed})
        atomic_write_text(self.path, json.dumps(merged, indent=2, sort_keys=True) + "\n", private=True)
        self._values = merged
        self._changed.clear()

"""Moving a client between sticks: one profile and its whole history as a JSON file.

Imports pass the same validation as typing the profile in, facts are re-extracted
from the documents (an export is never trusted to carry correct history), and the whole
import is one transaction: a pulled stick leaves the database as it was.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from sbskit import __version__
from sbskit.core.errors import UserInputError
from sbskit.core.profiles.model import timestamp
from sbskit.core.profiles.store import ProfileStore

FORMAT = "sbskit-profile"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 256_000_000


def export_profile(store: ProfileStore, name: str) -> dict[str, Any]:
    profile = store.get(name)
    runs = []
    for run in reversed(store.runs(name)):  # oldest first: imports replay in order
        full = store.load_run(run.id)
        runs.append({"at": full.at, "kind": full.kind, "target": full.target, "document": full.document})
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timestamp(),
        "kit_version": __version__,
        "profile": profile.to_json(),
        "runs": runs,
    }


def export_to_file(store: ProfileStore, name: str, path: Path) -> int:
    """Write the export atomically; returns the number of runs written."""
    from sbskit.core.settings import atomic_write_text

    doc = export_profile(store, name)
    try:
        atomic_write_text(Path(path), json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise UserInputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(doc["runs"])


def import_profile(
    store: ProfileStore, doc: Any, *, new_name: str | None = None, replace: bool = False
) -> tuple[str, int]:
    """Add the exported profile (optionally under ``new_name``); returns (name, runs imported).

    An existing profile of that name is an error unless ``replace`` is true.
    """
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise UserInputError("this is not an SBS Admin Kit profile export (no \"format\": \"sbskit-profile\")")
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise UserInputError(f"this profile export has format version {version!r}; this kit reads up to {FORMAT_VERSION}")
    profile = doc.get("profile")
    runs = doc.get("runs", [])
    if not isinstance(profile, dict) or not isinstance(runs, list):
        raise UserInputError("the profile export is incomplete (no profile or runs)")
    name = new_name if new_name is not None else profile.get("name")
    if not isinstance(name, str):
        raise UserInputError("the profile export has no client name")
    lists = {}
    for key in ("ips", "domains", "mail_hosts"):
        value = profile.get(key, [])
        if not isinstance(value, list):
            raise UserInputError(f"the profile export's {key!r} must be a list")
        lists[key] = value
    created = profile.get("created")
    with store.transaction():
        if replace and store.exists(name):
            store.delete(name)
        added = store.add(
            name,
            notes=profile.get("notes", ""),
            checklist=profile.get("checklist") or {},
            created=timestamp(created) if isinstance(created, str) and created else None,
            **lists,
        )
        for index, run in enumerate(runs, 1):
            if not isinstance(run, dict) or not isinstance(run.get("kind"), str):
                raise UserInputError(f"run {index} of the profile export is malformed")
            try:
                store.add_run(
                    added.name, run["kind"], run.get("document"), target=run.get("target"), at=run.get("at")
                )
            except UserInputError as exc:
                raise UserInputError(f"run {index} of the profile export: {exc}") from None
    return added.name, len(runs)


def import_from_file(store: ProfileStore, path: Path, **options: Any) -> tuple[str, int]:
    return import_profile(store, read_json_file(path, "profile export"), **options)


def read_json_file(path: Path, what: str = "JSON file", limit: int = MAX_FILE_BYTES) -> Any:
    """Read a JSON file the admin picked: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Binary files, other encodings, huge files and bad JSON get one clear sentence.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except IsADirectoryError:
        raise UserInputError(f"{path} is a folder, not a {what}") from None
    except OSError as exc:
        raise UserInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise UserInputError(f"{path} is too large for a {what} (over {limit // 1_000_000} MB)")
    return parse_json_bytes(raw, f"{path.name}", what)


def parse_json_bytes(raw: bytes, source: str, what: str = "JSON document") -> Any:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        if b"\x00" in raw[:4096]:
            raise UserInputError(f"{source} looks binary (or UTF-16 without a byte-order mark), not a {what}")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise UserInputError(f"{source} is not UTF-8 text, so it is not a {what}") from None
    if not text.strip():
        raise UserInputError(f"{source} is empty, not a {what}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise UserInputError(f"{source} is nested too deeply to be a {what}") from None


__all__ = [
    "export_profile",
    "export_to_file",
    "import_profile",
    "import_from_file",
    "read_json_file",
    "parse_json_bytes",
]

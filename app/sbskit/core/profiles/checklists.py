"""The POP3 checklist answers, kept in profiles.sqlite3 with everything else about a client.

One place: a client's answers are the ``checklist`` column of its profile (so export and
import carry them, and a client is found by the same case-insensitive name everywhere:
the GUI, ``sbskit-cli mailprobe --profile``, ``sbskit-cli profile``). *Templates* are
named presets (``default`` is always offered) that a client's checklist can start from;
with no client chosen, the POP3 tab edits a template.

Older kits kept the answers as ``data/pop3-risk/<name>.json``. :func:`import_legacy_once`
copies them into the database the first time a writable store opens: a file whose name is
the old file name of a client (the old GUI's mapping, :func:`legacy_file_stem`) becomes that
client's checklist, any other file a template of its name. The files stay where they were,
as a backup, with a note saying they are no longer read.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sbskit.core.errors import UserInputError
from sbskit.core.profiles.model import clean_checklist, clean_name, name_key, timestamp

if TYPE_CHECKING:
    from sbskit.core.profiles.store import ProfileStore

DEFAULT_TEMPLATE = "default"
LEGACY_FOLDER = "pop3-risk"
LEGACY_KEY = "legacy-checklists-imported"
LEGACY_NOTE = "MIGRATED-README.txt"
MAX_LEGACY_FILES = 1000
MAX_LEGACY_BYTES = 1_000_000


def stamped(state: dict[str, Any]) -> dict[str, Any]:
    """The state with ``updated`` set to now (local time, as the checklist shows it)."""
    return {**state, "updated": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")}


# --- a client's checklist ------------------------------------------------------------------
def client_checklist(store: "ProfileStore", client: str) -> tuple[str, dict[str, Any]]:
    """(the client's name as saved, its checklist state); ``{}`` when nothing was answered yet."""
    profile = store.get(client)
    return profile.name, profile.checklist


def save_client_checklist(store: "ProfileStore", client: str, state: dict[str, Any]) -> str:
    return store.set_checklist(client, state).name


def checklist_summary(state: dict[str, Any], where: str = "POP3 risk tab") -> str:
    """``5 of 14 items assessed (2 at risk), saved 2026-12-01 14:02`` or ``no answers yet (POP3 risk tab)``."""
    from sbskit.core.mailprobe.checklist import Checklist

    if not state:
        return f"no answers yet ({where})"
    try:
        sheet = Checklist.from_dict(state)
        counts = sheet.counts()
    except (ValueError, OSError):
        return "saved, but not readable by this kit"
    total = sum(counts.values())
    text = f"{total - counts['not-assessed']} of {total} items assessed"
    if counts["at-risk"]:
        text += f" ({counts['at-risk']} at risk)"
    return text + (f", saved {sheet.updated}" if sheet.updated else "")


# --- templates -------------------------------------------------------------------------------
def template_names(store: "ProfileStore") -> list[str]:
    """Saved templates in name order; ``default`` is always offered."""
    names = [row[0] for row in store.conn.execute("SELECT name FROM checklist_templates ORDER BY name_key")]
    if not any(n.casefold() == DEFAULT_TEMPLATE for n in names):
        names.insert(0, DEFAULT_TEMPLATE)
    return names


def load_template(store: "ProfileStore", name: str) -> tuple[str, dict[str, Any]]:
    """(the template's name as saved, its state); a template never saved is empty."""
    row = store.conn.execute("SELECT name, state FROM checklist_templates WHERE name_key = ?",
                             (name_key(name),)).fetchone()
    if row is None:
        return clean_name(name), {}
    return row[0], json.loads(row[1])


def save_template(store: "ProfileStore", name: str, state: dict[str, Any]) -> str:
    name = clean_name(name)
    text = json.dumps(clean_checklist(state), ensure_ascii=False)
    with store.transaction():
        store.conn.execute(
            "INSERT INTO checklist_templates (name, name_key, state, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name_key) DO UPDATE SET state = excluded.state, updated = excluded.updated",
            (name, name.casefold(), text, timestamp()),
        )
    return load_template(store, name)[0]


def delete_template(store: "ProfileStore", name: str) -> bool:
    with store.transaction():
        cur = store.conn.execute("DELETE FROM checklist_templates WHERE name_key = ?", (name_key(name),))
    return cur.rowcount > 0


# --- the one-time import of the old JSON files -------------------------------------------------
def legacy_file_stem(client: str) -> str:
    """The old GUI's file name for a client's checklist: "Müller & Söhne" -> "Muller - Sohne"."""
    ascii_name = unicodedata.normalize("NFKD", client).encode("ascii", "ignore").decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9 ._-]+", "-", ascii_name).strip(" .-_")[:64]
    return safe or DEFAULT_TEMPLATE


def legacy_import_pending(db_path: Path) -> bool:
    """Old checklist files beside the database that were never imported (no note written beside them)."""
    folder = Path(db_path).parent / LEGACY_FOLDER
    try:
        return not (folder / LEGACY_NOTE).exists() and any(folder.glob("*.json"))
    except OSError:
        return False


def _read_legacy(path: Path) -> dict[str, Any] | None:
    try:
        if path.stat().st_size > MAX_LEGACY_BYTES:
            return None
        state = json.loads(path.read_text(encoding="utf-8"))
        return clean_checklist(state) if isinstance(state, dict) else None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, UserInputError):
        return None  # a damaged file stays in the backup folder, unread


def import_legacy_once(store: "ProfileStore") -> dict[str, str] | None:
    """Import ``pop3-risk/*.json`` beside the database, once; returns {file: where it went} or None if done before."""
    folder = store.path.parent / LEGACY_FOLDER
    if store.conn.execute("SELECT 1 FROM meta WHERE key = ?", (LEGACY_KEY,)).fetchone():
        return None
    try:
        files = sorted(folder.glob("*.json"))[:MAX_LEGACY_FILES] if folder.is_dir() else []
    except OSError:
        files = []
    done: dict[str, str] = {}
    with store.transaction():
        # re-check inside the write lock: another copy of the kit may have imported meanwhile
        if store.conn.execute("SELECT 1 FROM meta WHERE key = ?", (LEGACY_KEY,)).fetchone():
            return None
        clients = {}
        for (name,) in store.conn.execute("SELECT name FROM profiles"):
            clients.setdefault(legacy_file_stem(name).casefold(), name)
            clients.setdefault(name.casefold(), name)
        for path in files:
            state = _read_legacy(path)
            if state is None:
                done[path.name] = "not imported (unreadable)"
                continue
            client = clients.get(path.stem.casefold())
            if client is not None and not store.get(client).checklist:
                store.set_checklist(client, state)
                done[path.name] = f"checklist of {client}"
                continue
            try:
                name = clean_name(path.stem if client is None else f"{path.stem} (old file)")
                done[path.name] = f"template {save_template(store, name, state)}"
            except UserInputError:
                done[path.name] = "not imported (bad name)"
        store.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                           (LEGACY_KEY, json.dumps({"at": timestamp(), "files": done}, ensure_ascii=False)))
    if files and not store.read_only:
        _write_note(folder, done)
    return done


def _write_note(folder: Path, done: dict[str, str]) -> None:
    lines = [
        "These POP3 checklist files were copied into profiles.sqlite3 (one folder up) on "
        f"{_dt.datetime.now().astimezone():%Y-%m-%d %H:%M}.",
        "The kit no longer reads or writes them; they are kept only as a backup and can be deleted.",
        "",
        *(f"{name}: {where}" for name, where in sorted(done.items())),
    ]
    try:
        from sbskit.core.settings import atomic_write_text

        atomic_write_text(folder / LEGACY_NOTE, "\n".join(lines) + "\n")
    except OSError:
        pass  # the import itself is in the database; the note is a courtesy


__all__ = [
    "DEFAULT_TEMPLATE",
    "client_checklist",
    "delete_template",
    "import_legacy_once",
    "legacy_file_stem",
    "load_template",
    "save_client_checklist",
    "save_template",
    "stamped",
    "template_names",
]

"""The profile store: client profiles and their saved check runs in one SQLite file.

Every method that writes does so in exactly one transaction (see :mod:`.db` for why
that, with a rollback journal, survives a pulled USB stick). Names are found
case-insensitively. The store is not shared between threads: open one per thread (it is
cheap), e.g. one per GUI background job.

On a write-protected stick the store opens read-only (:attr:`ProfileStore.read_only`):
everything reads as usual and every write is a clear :class:`UserInputError`. A *scratch*
store (``scratch=True``) is an in-memory copy that takes writes and forgets them on close,
for a re-run that compares new results with the saved history without saving them.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable

from sbskit.core.errors import UserInputError
from sbskit.core.profiles import db
from sbskit.core.profiles import timeline
from sbskit.core.profiles.comparison import Comparison
from sbskit.core.profiles.history import ListedSince, visit_start
from sbskit.core.profiles.kinds import Fact, check_kind, extract, has_history, target_of
from sbskit.core.profiles.model import (
    FIELD_DB,
    Profile,
    ProfileSummary,
    Run,
    clean_checklist,
    clean_document,
    clean_list,
    clean_name,
    clean_notes,
    name_key,
    timestamp,
)

MAX_TARGET = 1000
READ_ONLY = ("the kit's folder is write-protected, so nothing can be saved to the client profiles "
             "(every client is shown read-only)")


def default_path() -> Path:
    from sbskit.core.paths import app_paths

    return app_paths().data / db.DB_FILE_NAME


def store_is_read_only(path: Path | None = None) -> bool:
    """Whether :class:`ProfileStore` would open ``path`` (default: the kit's own) read-only."""
    return _is_read_only(path if path is not None else default_path(), default=path is None)


def _is_read_only(path: Path, default: bool) -> bool:
    """The kit's own folder says so (``default``), or the file (or the folder it would go in) cannot be written."""
    if default:
        from sbskit.core.paths import app_paths

        if app_paths().read_only:
            return True
    import os

    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if path.exists():
        return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    return not os.access(folder, os.W_OK)


class ProfileStore:
    """Open with ``ProfileStore()`` (the data folder) or ``ProfileStore(path)``; use as a context manager."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool | None = None, scratch: bool = False) -> None:
        self.path = Path(path) if path is not None else default_path()
        if read_only is None:
            read_only = _is_read_only(self.path, default=path is None)
        self.read_only = read_only
        self.scratch = read_only and scratch
        if not read_only:
            self.conn: sqlite3.Connection = db.connect(self.path)
        else:
            from sbskit.core.profiles.checklists import legacy_import_pending

            self.conn = db.connect_read_only(self.path, scratch=self.scratch or legacy_import_pending(self.path))
        if self.read_only and not self.in_memory:
            return
        try:
            from sbskit.core.profiles.checklists import import_legacy_once

            import_legacy_once(self)  # the old data/pop3-risk/*.json, once (a no-op lookup after that)
        except UserInputError:
            pass  # locked by another copy of the kit: the next open imports them
        except BaseException:
            self.conn.close()
            raise

    @property
    def in_memory(self) -> bool:
        return all(not row[2] for row in self.conn.execute("PRAGMA database_list"))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "ProfileStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self):
        """Group several writes into one atomic unit (nested calls become savepoints)."""
        if self.read_only and not self.in_memory:
            raise db.StoreUnavailableError(READ_ONLY)
        return db.transaction(self.conn)

    # --- profiles ------------------------------------------------------------------------
    def _row(self, name: str) -> tuple[int, str]:
        row = self.conn.execute("SELECT id, name FROM profiles WHERE name_key = ?", (name_key(name),)).fetchone()
        if row is None:
            raise UserInputError(f"there is no client profile named {clean_name(name)!r}")
        return int(row[0]), row[1]

    def _id(self, name: str) -> int:
        return self._row(name)[0]

    def exists(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM profiles WHERE name_key = ?", (name_key(name),)).fetchone() is not None

    def list_profiles(self, filter_text: str = "") -> list[ProfileSummary]:
        """Profiles in name order; ``filter_text`` matches part of a name, IP, domain or mail host."""
        sql = (
            "SELECT p.name, COUNT(r.id), MAX(r.at) FROM profiles p LEFT JOIN runs r ON r.profile_id = p.id "
        )
        params: list[Any] = []
        needle = " ".join(str(filter_text or "").split()).casefold()
        if needle:
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            sql += (
                "WHERE p.name_key LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM profile_entries e "
                "WHERE e.profile_id = p.id AND e.value LIKE ? ESCAPE '\\') "
            )
            params += [pattern, pattern]
        sql += "GROUP BY p.id ORDER BY p.name_key"
        return [ProfileSummary(n, int(c), last) for n, c, last in self.conn.execute(sql, params)]

    def get(self, name: str) -> Profile:
        row = self.conn.execute(
            "SELECT id, name, notes, checklist, created, updated FROM profiles WHERE name_key = ?", (name_key(name),)
        ).fetchone()
        if row is None:
            raise UserInputError(f"there is no client profile named {clean_name(name)!r}")
        pid, real_name, notes, checklist, created, updated = row
        profile = Profile(real_name, notes=notes, checklist=json.loads(checklist), created=created, updated=updated)
        for field_db, value in self.conn.execute(
            "SELECT field, value FROM profile_entries WHERE profile_id = ? ORDER BY field, position", (pid,)
        ):
            attr = {v: k for k, v in FIELD_DB.items()}[field_db]
            getattr(profile, attr).append(value)
        return profile

    def add(
        self,
        name: str,
        ips: Iterable[str] | None = None,
        domains: Iterable[str] | None = None,
        mail_hosts: Iterable[str] | None = None,
        notes: str = "",
        checklist: dict[str, Any] | None = None,
        *,
        created: str | None = None,
    ) -> Profile:
        name = clean_name(name)
        lists = {"ips": clean_list("ips", ips), "domains": clean_list("domains", domains),
                 "mail_hosts": clean_list("mail_hosts", mail_hosts)}
        notes = clean_notes(notes)
        state = clean_checklist(checklist)
        now = timestamp()
        with self.transaction():
            if self.exists(name):
                raise UserInputError(f"a client profile named {self.get(name).name!r} already exists")
            cur = self.conn.execute(
                "INSERT INTO profiles (name, name_key, notes, checklist, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
                (name, name.casefold(), notes, json.dumps(state, ensure_ascii=False), created or now, now),
            )
            self._write_entries(int(cur.lastrowid), lists)
        return self.get(name)

    def _write_entries(self, pid: int, lists: dict[str, list[str]]) -> None:
        for attr, values in lists.items():
            self.conn.execute("DELETE FROM profile_entries WHERE profile_id = ? AND field = ?", (pid, FIELD_DB[attr]))
            self.conn.executemany(
                "INSERT INTO profile_entries (profile_id, field, position, value) VALUES (?, ?, ?, ?)",
                [(pid, FIELD_DB[attr], i, v) for i, v in enumerate(values)],
            )

    def update(
        self,
        name: str,
        *,
        new_name: str | None = None,
        ips: Iterable[str] | None = None,
        domains: Iterable[str] | None = None,
        mail_hosts: Iterable[str] | None = None,
        notes: str | None = None,
        checklist: dict[str, Any] | None = None,
    ) -> Profile:
        """Change what is given (``None`` leaves a field as it is); returns the saved profile."""
        lists = {}
        for attr, values in (("ips", ips), ("domains", domains), ("mail_hosts", mail_hosts)):
            if values is not None:
                lists[attr] = clean_list(attr, values)
        sets: dict[str, Any] = {}
        if new_name is not None:
            new_name = clean_name(new_name)
            sets["name"], sets["name_key"] = new_name, new_name.casefold()
        if notes is not None:
            sets["notes"] = clean_notes(notes)
        if checklist is not None:
            sets["checklist"] = json.dumps(clean_checklist(checklist), ensure_ascii=False)
        with self.transaction():
            pid = self._id(name)
            if new_name is not None:
                other = self.conn.execute(
                    "SELECT name FROM profiles WHERE name_key = ? AND id != ?", (sets["name_key"], pid)
                ).fetchone()
                if other:
                    raise UserInputError(f"a client profile named {other[0]!r} already exists")
            sets["updated"] = timestamp()
            assignments = ", ".join(f"{column} = ?" for column in sets)
            self.conn.execute(f"UPDATE profiles SET {assignments} WHERE id = ?", [*sets.values(), pid])
            self._write_entries(pid, lists)
        return self.get(new_name if new_name is not None else name)

    def rename(self, name: str, new_name: str) -> Profile:
        return self.update(name, new_name=new_name)

    def set_checklist(self, name: str, state: dict[str, Any]) -> Profile:
        """Save the POP3 checklist's state (opaque JSON keyed by checklist item id)."""
        return self.update(name, checklist=state)

    def delete(self, name: str) -> int:
        """Delete a profile and all its runs; returns how many runs went. Callers confirm first."""
        with self.transaction():
            pid = self._id(name)
            runs = self.conn.execute("SELECT COUNT(*) FROM runs WHERE profile_id = ?", (pid,)).fetchone()[0]
            self.conn.execute("DELETE FROM profiles WHERE id = ?", (pid,))
        return int(runs)

    # --- runs ----------------------------------------------------------------------------
    def add_run(
        self,
        name: str,
        kind: str,
        document: dict[str, Any],
        *,
        target: str | None = None,
        at: Any = None,
    ) -> Run:
        """Save one check run (its JSON result document) and the facts history needs."""
        kind = check_kind(kind)
        text = clean_document(document)
        facts = extract(kind, document)  # raises UserInputError for a malformed known kind
        if target is None:
            target = target_of(kind, document)
        target = " ".join(str(target).split())[:MAX_TARGET]
        when = timestamp(at)
        with self.transaction():
            pid = self._id(name)
            cur = self.conn.execute(
                "INSERT INTO runs (profile_id, at, kind, target, document) VALUES (?, ?, ?, ?, ?)",
                (pid, when, kind, target, text),
            )
            run_id = int(cur.lastrowid)
            db.insert_run_facts(self.conn, (run_id, pid, kind, when), facts)
        return Run(run_id, self._row(name)[1], when, kind, target, document, _count(facts))

    def runs(
        self, name: str, kind: str | None = None, target: str | None = None, limit: int | None = None
    ) -> list[Run]:
        """Saved runs, newest first, without their documents (see :meth:`load_run`)."""
        pid, real = self._row(name)
        sql = (
            "SELECT r.id, r.at, r.kind, r.target, "
            "(SELECT COUNT(*) FROM facts f WHERE f.run_id = r.id AND f.state = 'problem'), "
            "(SELECT COUNT(*) FROM facts f WHERE f.run_id = r.id AND f.state = 'ok'), "
            "(SELECT COUNT(*) FROM facts f WHERE f.run_id = r.id AND f.state = 'error') "
            "FROM runs r WHERE r.profile_id = ?"
        )
        params: list[Any] = [pid]
        if kind is not None:
            sql += " AND r.kind = ?"
            params.append(check_kind(kind))
        if target is not None:
            sql += " AND r.target = ?"
            params.append(target)
        sql += " ORDER BY r.at DESC, r.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [
            Run(rid, real, at, k, t, None, {"problem": p, "ok": o, "error": e})
            for rid, at, k, t, p, o, e in self.conn.execute(sql, params)
        ]

    def run_count(self, name: str) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM runs WHERE profile_id = ?", (self._id(name),)).fetchone()[0])

    def load_run(self, run_id: int) -> Run:
        row = self.conn.execute(
            "SELECT r.id, p.name, r.at, r.kind, r.target, r.document FROM runs r JOIN profiles p ON p.id = r.profile_id "
            "WHERE r.id = ?",
            (int(run_id),),
        ).fetchone()
        if row is None:
            raise UserInputError(f"there is no saved run number {run_id}")
        facts = self.facts(run_id)
        return Run(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), _count(facts))

    def facts(self, run_id: int) -> list[Fact]:
        return [
            Fact(*row)
            for row in self.conn.execute(
                "SELECT target, item, status, state, detail FROM facts WHERE run_id = ? ORDER BY target, item",
                (int(run_id),),
            )
        ]

    def delete_run(self, run_id: int, name: str | None = None) -> Run:
        """Delete one saved run (and its facts); returns it whole, so the caller can undo with :meth:`restore_run`.

        With ``name``, the run must belong to that client (a mistyped id never deletes another client's run).
        """
        with self.transaction():
            run = self.load_run(run_id)
            if name is not None and run.profile.casefold() != self._row(name)[1].casefold():
                raise UserInputError(f"run {run_id} is a run of another client, not of {self._row(name)[1]!r}")
            self.conn.execute("DELETE FROM runs WHERE id = ?", (int(run_id),))
        return run

    def restore_run(self, run: Run) -> Run:
        """Save a deleted run again, with its time and target (it gets a new id)."""
        return self.add_run(run.profile, run.kind, run.document or {}, target=run.target, at=run.at)

    # --- history -------------------------------------------------------------------------
    def listed_since(self, name: str, target: str, item: str, kind: str = "blacklist") -> ListedSince | None:
        """For a target and item (a blocklist zone): the start of the current unbroken listed streak.

        Same rules as :func:`~sbskit.core.profiles.history.listed_streak` (a test holds the
        two together), answered with seeks on the ``facts_streak`` index instead of a walk
        through the whole history.
        """
        return timeline.listed_since(self.conn, self._id(name), check_kind(kind), target, item)

    def compare_latest(self, name: str, kind: str, target: str | None = None) -> Comparison | None:
        """The latest visit of ``kind`` for ``target`` (default: the target checked most recently) against
        each item's last answer on an earlier visit."""
        pid, real = self._row(name)
        for k, t, last in timeline.target_latest(self.conn, pid, check_kind(kind)):
            if target is None or t == target:
                return timeline.build(self.conn, real, pid, k, t, last)
        return None

    def comparisons(self, name: str, kind: str | None = None) -> list[Comparison]:
        """One comparison per (kind, target) of a kind that keeps facts: the current ones first (newest
        first), then targets that the kind's latest visit did not check (an address DNS once returned,
        a domain not checked this time), which the latest visit cannot judge."""
        pid, real = self._row(name)
        targets = timeline.target_latest(self.conn, pid, check_kind(kind) if kind is not None else None)
        newest_of_kind: dict[str, str] = {}
        for k, _t, last in targets:
            newest_of_kind[k] = max(newest_of_kind.get(k, last), last)
        entries = self._entries(pid)
        current, stale = [], []
        for k, t, last in targets:
            if not has_history(k):
                continue
            comparison = timeline.build(self.conn, real, pid, k, t, last)
            if last < visit_start(newest_of_kind[k]):
                comparison.stale = True
                comparison.kind_latest_at = newest_of_kind[k]
                comparison.in_profile = _in_profile(k, t, entries)
                stale.append(comparison)
            else:
                current.append(comparison)
        return current + stale

    def _entries(self, pid: int) -> set[str]:
        return {str(v).casefold() for (v,) in self.conn.execute(
            "SELECT value FROM profile_entries WHERE profile_id = ?", (pid,))}

    def last_run_id(self) -> int:
        """The highest run id so far (0: none): runs saved after this moment have higher ids."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0])


def _in_profile(kind: str, target: str, entries: set[str]) -> bool:
    """Whether ``target`` is one of the client's addresses, domains or mail hosts (``host:25`` counts as host)."""
    key = target.casefold()
    if key in entries:
        return True
    host = key.rsplit(":", 1)[0].strip("[]") if kind == "relaytest" else key
    return host in entries or kind == "triage"


def _count(facts: Iterable[Fact]) -> dict[str, int]:
    counts = {"problem": 0, "ok": 0, "error": 0}
    for fact in facts:
        counts[fact.state] += 1
    return counts

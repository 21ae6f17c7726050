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
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from sbskit.core.errors import UserInputError
from sbskit.core.profiles import db
from sbskit.core.profiles.history import Change, Comparison, Coverage, ListedSince, compare_facts
from sbskit.core.profiles.kinds import PROBLEM, Fact, check_kind, extract, has_history, target_of
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
            raise UserInputError(READ_ONLY)
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
            db.insert_facts(self.conn, (run_id, pid, kind, when), facts)
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

    # --- history -------------------------------------------------------------------------
    def listed_since(self, name: str, target: str, item: str, kind: str = "blacklist") -> ListedSince | None:
        """For a blacklist target and zone: the start of the current unbroken listed streak.

        Same rules as :func:`~sbskit.core.profiles.history.listed_streak` (a test holds the
        two together), answered with seeks on the ``facts_streak`` index instead of a walk
        through the whole history.
        """
        pid = self._id(name)
        where = "FROM facts WHERE profile_id = ? AND kind = ? AND target = ? AND item = ? AND state = ?"
        key = (pid, check_kind(kind), target, item)

        def newest(state: str) -> tuple[str, int] | None:
            return self.conn.execute(
                f"SELECT at, run_id {where} ORDER BY at DESC, run_id DESC LIMIT 1", (*key, state)
            ).fetchone()

        latest = {state: newest(state) for state in (PROBLEM, "ok", "error")}
        answered = [(value, state) for state, value in latest.items() if value is not None]
        if not answered or max(answered)[1] != PROBLEM:
            return None  # never checked, clean now, or no answer now: claim nothing
        boundary = latest["ok"] or ("", 0)  # the newest clean answer ends any streak
        first = self.conn.execute(
            f"SELECT at, run_id {where} AND (at, run_id) > (?, ?) ORDER BY at, run_id LIMIT 1",
            (*key, PROBLEM, *boundary),
        ).fetchone()
        runs = self.conn.execute(f"SELECT COUNT(*) {where} AND (at, run_id) >= (?, ?)", (*key, PROBLEM, *first))
        errors = self.conn.execute(f"SELECT COUNT(*) {where} AND (at, run_id) > (?, ?)", (*key, "error", *first))
        return ListedSince(target, item, first[0], latest[PROBLEM][0], runs.fetchone()[0], errors.fetchone()[0])

    def compare_latest(self, name: str, kind: str, target: str | None = None) -> Comparison | None:
        """The latest run of ``kind`` (and ``target``, default: of the latest run) against the run before it."""
        latest_list = self.runs(name, kind=kind, target=target, limit=1)
        if not latest_list:
            return None
        latest = latest_list[0]
        before = self.runs(name, kind=kind, target=latest.target, limit=2)
        previous = before[1] if len(before) > 1 else None
        now_facts = self.facts(latest.id)
        comparison = Comparison(kind, latest.target, latest, previous, coverage=Coverage.of(now_facts))
        comparison.buckets = compare_facts(self.facts(previous.id) if previous else None, now_facts)
        since_cache: dict[tuple[str, str], ListedSince | None] = {}

        def since(change_target: str, item: str) -> ListedSince | None:
            key = (change_target, item)
            if key not in since_cache:
                since_cache[key] = self.listed_since(name, change_target, item, kind)
            return since_cache[key]

        for bucket in ("new", "still_listed"):
            comparison.buckets[bucket] = [
                replace(c, listed_since=since(c.target, c.item)) for c in comparison.buckets[bucket]
            ]
        comparison.listed_now = [
            Change(f.target, f.item, f.status, None, f.detail, listed_since=since(f.target, f.item))
            for f in now_facts
            if f.state == PROBLEM
        ]
        return comparison

    def comparisons(self, name: str, kind: str | None = None) -> list[Comparison]:
        """One comparison per (kind, target) with runs of a kind that keeps facts, most recent first."""
        pid = self._id(name)
        sql = "SELECT kind, target, MAX(at) AS last FROM runs WHERE profile_id = ?"
        params: list[Any] = [pid]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(check_kind(kind))
        sql += " GROUP BY kind, target ORDER BY last DESC"
        out = []
        for k, t, _last in self.conn.execute(sql, params).fetchall():
            if not has_history(k):
                continue
            comparison = self.compare_latest(name, k, t)
            if comparison is not None:
                out.append(comparison)
        return out


def _count(facts: Iterable[Fact]) -> dict[str, int]:
    counts = {"problem": 0, "ok": 0, "error": 0}
    for fact in facts:
        counts[fact.state] += 1
    return counts

"""The profiles database file: how it is opened, how writes are made safe, how it is upgraded.

Why a rollback journal and not WAL
----------------------------------
The file lives on a consultant's USB stick (FAT32/exFAT, sometimes a read-only stick or a
network share). We open it with ``journal_mode=DELETE`` and ``synchronous=FULL``:

* Every write happens inside one transaction. Before SQLite changes a page of the
  database it copies the original page into ``profiles.sqlite3-journal`` and fsyncs it;
  the commit is the deletion of that journal after the database itself was fsynced. If the
  stick is pulled (or the process is killed) mid-transaction, the journal is left behind
  as a *hot journal* and the next open rolls the half-written pages back. Readers see the
  old state or the new state, never a mix.
* WAL would also be crash-safe, but it needs a shared-memory index (``-shm``, mapped with
  mmap) that SQLite documents as unsupported on network file systems, and a WAL database
  at rest is really two files: committed data can sit in ``-wal`` until a checkpoint, so a
  consultant who copies just ``profiles.sqlite3`` to another stick would silently lose the
  last visits. A WAL file also cannot be opened from read-only media without its ``-shm``.
  With the rollback journal the database is ONE self-contained file whenever no write is
  in progress, which is what "carry the kit between twenty clients" needs.
* The cost (one more fsync per commit, and writers block readers briefly) does not matter
  for one admin saving a handful of runs per visit.

The one thing no software can fix is a stick whose own controller acknowledges writes it
has only cached; ``synchronous=FULL`` is the most we can ask of the operating system.

A write-protected stick
-----------------------
:func:`connect_read_only` opens the file with ``mode=ro`` (``immutable=1`` where even a shared
lock cannot be taken), so every client is shown and nothing is written. A file from an older
kit is copied into memory and upgraded there (the stick is never touched); so is a *scratch*
store, which takes writes (a re-run compared with the saved history) and forgets them on close.
A hot journal (the stick was pulled mid-write, then write-protected) is refused with a sentence
(CLI exit 3): reading past it would show half a transaction. A journal SQLite would not replay
(zeroed or invalid header, see :func:`journal_state`) is harmless: the file is read with
``immutable=1``, and the next writable open removes it.

Schema versions live in ``PRAGMA user_version``. :data:`MIGRATIONS` holds one function per
step; :func:`migrate` runs each step and its version bump in the same transaction, so a
pulled stick during an upgrade leaves the file at the old version, intact.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

from sbskit.core.errors import CannotCompleteError, UserInputError

DB_FILE_NAME = "profiles.sqlite3"
BUSY_TIMEOUT_SECONDS = 10.0
JOURNAL_MAGIC = b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"  # the first 8 bytes of a rollback journal's header


class StoreUnavailableError(UserInputError, CannotCompleteError):
    """The database cannot be used as it is (locked, damaged, write-protected, a newer kit's, an
    interrupted change): a state of the stick, not bad input. The CLI exits 3 ("could not complete");
    everything that shows a :class:`UserInputError` (the GUI's workers) shows its sentence."""


def _step1(conn: sqlite3.Connection) -> None:
    """Version 1: profiles with their IPs/domains/mail hosts, and saved runs."""
    _run_statements(
        conn,
        """
        CREATE TABLE profiles (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            notes TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE TABLE profile_entries (
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            field TEXT NOT NULL CHECK (field IN ('ip', 'domain', 'mail_host')),
            position INTEGER NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (profile_id, field, value)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            document TEXT NOT NULL
        );
        CREATE INDEX runs_by_kind ON runs (profile_id, kind, target, at);
        CREATE INDEX runs_by_time ON runs (profile_id, at);
        """,
    )


def _run_statements(conn: sqlite3.Connection, script: str) -> None:
    # not executescript(): that would COMMIT the surrounding migration transaction
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _step2(conn: sqlite3.Connection) -> None:
    """Version 2: the POP3 checklist state, and per-item facts extracted from every run."""
    from sbskit.core.profiles.kinds import extract

    conn.execute("ALTER TABLE profiles ADD COLUMN checklist TEXT NOT NULL DEFAULT '{}'")
    # profile_id, kind and at repeat the run's (runs never change), so that history questions
    # ("listed since", "latest clean answer") are index seeks on this one table.
    conn.execute(
        """
        CREATE TABLE facts (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            item TEXT NOT NULL,
            profile_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            status TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('problem', 'ok', 'error')),
            detail TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (run_id, target, item)
        ) WITHOUT ROWID
        """
    )
    conn.execute("CREATE INDEX facts_streak ON facts (profile_id, kind, target, item, state, at, run_id)")
    # Back-fill facts for runs saved by version 1, so history covers old visits too.
    import json

    rows = conn.execute("SELECT id, profile_id, kind, at, document FROM runs").fetchall()
    for run_id, profile_id, kind, at, document in rows:
        try:
            facts = extract(kind, json.loads(document))
        except (UserInputError, ValueError):
            facts = []  # an old document this version cannot read: keep the run, no facts
        insert_facts(conn, (run_id, profile_id, kind, at), facts)


def _step3(conn: sqlite3.Connection) -> None:
    """Version 3: history facts for the mail probe and the triage (kept without facts before), and the
    triage's target is the mail server (stable between visits) instead of the names of its log files."""
    import json

    from sbskit.core.profiles.kinds import extract, target_of

    rows = conn.execute("SELECT id, profile_id, kind, at, document FROM runs WHERE kind IN ('mailprobe', 'triage')")
    for run_id, profile_id, kind, at, document in rows.fetchall():
        try:
            doc = json.loads(document)
            facts = extract(kind, doc)
            target = target_of(kind, doc) if kind == "triage" else None
        except (UserInputError, ValueError, TypeError, AttributeError):
            continue  # an old document this version cannot read: keep the run as it was
        conn.execute("DELETE FROM facts WHERE run_id = ?", (run_id,))
        if target is not None:
            conn.execute("UPDATE runs SET target = ? WHERE id = ?", (target, run_id))
        insert_facts(conn, (run_id, profile_id, kind, at), facts)


def _step4(conn: sqlite3.Connection) -> None:
    """Version 4: POP3 checklist templates (presets any client's checklist can start from), and a
    small key/value table for one-time jobs such as importing the old per-client checklist files."""
    _run_statements(
        conn,
        """
        CREATE TABLE checklist_templates (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL DEFAULT '{}',
            updated TEXT NOT NULL
        );
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
    )


def _step5(conn: sqlite3.Connection) -> None:
    """Version 5: history per checked item, whatever run it came in (see history.py).

    ``run_targets`` lists the targets each run checked (a recorded ``blacklist`` document
    holds several; ``profile rerun`` saves one run per address), so "the latest visit of
    198.51.100.20" is an index seek however its runs were saved. Mail DNS facts are keyed by
    the domain alone (the address-dependent checks by their address) and triage facts by the
    client's mail flow instead of the evidence file names, so their visits compare.
    """
    import json

    from sbskit.core.profiles.kinds import extract

    _run_statements(
        conn,
        """
        CREATE TABLE run_targets (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            profile_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (run_id, target)
        ) WITHOUT ROWID;
        CREATE INDEX run_targets_by_time ON run_targets (profile_id, kind, target, at, run_id)
        """,
    )
    rows = conn.execute("SELECT id, profile_id, kind, at, document FROM runs WHERE kind IN ('maildns', 'triage')")
    for run_id, profile_id, kind, at, document in rows.fetchall():
        try:
            facts = extract(kind, json.loads(document))
        except (UserInputError, ValueError, TypeError, AttributeError):
            continue  # an old document this version cannot read: keep the run and its facts as they were
        conn.execute("DELETE FROM facts WHERE run_id = ?", (run_id,))
        insert_facts(conn, (run_id, profile_id, kind, at), facts)
    conn.execute("INSERT OR IGNORE INTO run_targets (run_id, target, profile_id, kind, at) "
                 "SELECT DISTINCT run_id, target, profile_id, kind, at FROM facts")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_step1, _step2, _step3, _step4, _step5]
LATEST_VERSION = len(MIGRATIONS)


def insert_facts(conn: sqlite3.Connection, run: tuple[int, int, str, str], facts) -> None:
    """Store the facts of ``run`` = (run id, profile id, kind, at); a repeated item keeps the last.

    (Only the facts table: migration steps before version 5 call this too. :func:`insert_run`
    also records the run's targets.)
    """
    conn.executemany(
        "INSERT OR REPLACE INTO facts (run_id, profile_id, kind, at, target, item, status, state, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*run, f.target, f.item, f.status, f.state, f.detail) for f in facts],
    )


def insert_run_facts(conn: sqlite3.Connection, run: tuple[int, int, str, str], facts) -> None:
    """A new run's facts and the targets it checked (schema version 5 and later)."""
    facts = list(facts)
    insert_facts(conn, run, facts)
    run_id, profile_id, kind, at = run
    conn.executemany(
        "INSERT OR IGNORE INTO run_targets (run_id, target, profile_id, kind, at) VALUES (?, ?, ?, ?, ?)",
        [(run_id, target, profile_id, kind, at) for target in dict.fromkeys(f.target for f in facts)],
    )


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Bring the schema up to ``target``, one transaction per step; returns the new version.

    A file written by a newer kit is refused rather than guessed at.
    """
    version = schema_version(conn)
    if version > LATEST_VERSION:
        raise StoreUnavailableError(
            f"the profiles database was written by a newer version of the kit (schema {version}, "
            f"this kit knows up to {LATEST_VERSION}); use the newer kit or export the profiles there"
        )
    while version < target:
        with transaction(conn):
            # re-read inside the write lock: another process may have upgraded meanwhile
            version = schema_version(conn)
            if version >= target:
                break
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(f"PRAGMA user_version = {int(version)}")
    return version


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic write: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any exception.

    Nested use becomes a SAVEPOINT, so a bulk import can wrap many single-run saves in
    one outer transaction and still have each inner step undo cleanly on error.
    """
    if conn.in_transaction:
        name = f"sp{id(object())}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:  # locked, read-only, disk full, I/O error
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the hot journal restores the file on the next open
        raise StoreUnavailableError(
            f"the profiles database could not be written ({exc}); is the stick read-only or full, "
            "or is another copy of the kit saving at the same moment?"
        ) from None


NONE, HARMLESS, HOT = "none", "harmless", "hot"


def journal_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + "-journal")


def journal_state(path: Path) -> str:
    """How SQLite would judge the rollback journal next to ``path``: ``none``, ``harmless`` or ``hot``.

    SQLite rolls a journal back only when it is not empty and starts with a valid header (its magic
    number); a journal whose header was zeroed (the commit of a persistent journal, or a stick pulled
    before the header reached it) or is not a journal header holds nothing to undo. An unreadable
    journal counts as hot: claim nothing we cannot see.
    """
    journal = journal_path(path)
    try:
        with open(journal, "rb") as handle:
            head = handle.read(len(JOURNAL_MAGIC))
    except FileNotFoundError:
        return NONE
    except OSError:
        return HOT if journal.exists() else NONE
    if not head:
        return NONE
    return HOT if head == JOURNAL_MAGIC else HARMLESS


def _remove_stale_journal(conn: sqlite3.Connection, path: Path) -> None:
    """A writable open: SQLite has already rolled back a hot journal (on the first read); a harmless one
    it leaves behind, where it would block the stick once write-protected. Remove it, holding the write
    lock so that no other copy of the kit can be in the middle of a change."""
    if journal_state(path) != HARMLESS:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return  # another copy is writing (its own journal is then a hot one): the next open tries again
    try:
        if journal_state(path) == HARMLESS:
            journal_path(path).unlink()
    except OSError:
        pass  # the next writable open tries again
    finally:
        conn.execute("ROLLBACK")


def connect_read_only(path: Path, scratch: bool = False) -> sqlite3.Connection:
    """Open ``path`` without ever writing to it (see the module notes); ``scratch``: an in-memory copy."""
    path = Path(path)
    if not path.is_file():
        raise StoreUnavailableError(f"there is no profiles database in {path.parent} (the folder is read-only, so none "
                             "can be created)")
    journal = journal_path(path)
    state = journal_state(path)
    if state == HOT:
        raise StoreUnavailableError(
            f"the profiles database {path} was in the middle of a change when the stick was last pulled (its "
            f"journal {journal.name} is still there), and a write-protected stick cannot undo that change. Make the "
            "stick writable and start the kit (or run 'sbskit-cli profile list') once: the interrupted change is "
            "rolled back and everything saved before it is kept. Then write-protect the stick again")
    uri = path.resolve().as_uri()
    conn = None
    # A journal SQLite would not replay (zeroed or invalid header) holds nothing: read past it with
    # immutable=1, which ignores journals (mode=ro could try to roll it back and fail on the medium).
    attempts = ("?immutable=1",) if state == HARMLESS else ("?mode=ro", "?immutable=1")
    try:
        for flags in attempts:  # immutable: read-only media without file locks
            try:
                conn = sqlite3.connect(uri + flags, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
                version = schema_version(conn)
                break
            except sqlite3.OperationalError:
                if conn is not None:
                    conn.close()
                conn = None
                if flags == "?immutable=1":
                    raise
        if version > LATEST_VERSION:
            raise StoreUnavailableError(
                f"the profiles database was written by a newer version of the kit (schema {version}, this kit knows "
                f"up to {LATEST_VERSION}); use the newer kit")
        if scratch or version < LATEST_VERSION:
            memory = sqlite3.connect(":memory:", isolation_level=None)
            conn.backup(memory)
            conn.close()
            conn = memory
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn)  # in memory only
        else:
            conn.execute("PRAGMA query_only = ON")
        return conn
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise StoreUnavailableError(f"the profiles database {path} cannot be read ({exc})") from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and upgrade the database at ``path``.

    Unusable files (not a database, damaged, a newer schema, an unwritable folder) raise
    :class:`UserInputError` with a sentence the admin can act on.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailableError(f"cannot create the folder for the profiles database {path.parent}: {exc.strerror or exc}") from None
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (see transaction()).
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreUnavailableError(f"cannot open the profiles database {path}: {exc}") from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.DatabaseError(f"journal mode stayed {mode}")
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)
        _remove_stale_journal(conn, path)
    except sqlite3.OperationalError as exc:
        conn.close()
        raise StoreUnavailableError(
            f"cannot use the profiles database {path} ({exc}); is another copy of the kit writing to it, "
            "or is the medium read-only?"
        ) from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreUnavailableError(
            f"the profiles database {path} is not usable ({exc}); move it aside and import the "
            "profiles from an export"
        ) from None
    except BaseException:
        conn.close()
        raise
    return conn

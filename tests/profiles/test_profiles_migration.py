"""Schema versions: a new file, an empty file, a version-1 file with data, newer and broken files."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.profiles import ProfileStore, db


def test_new_file_gets_the_latest_schema(tmp_path):
    path = tmp_path / "p.sqlite3"
    with ProfileStore(path) as store:
        assert db.schema_version(store.conn) == db.LATEST_VERSION == 5
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_empty_file_is_initialised(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"")
    with ProfileStore(path) as store:
        store.add("Acme")
        assert db.schema_version(store.conn) == db.LATEST_VERSION


def make_version_1(path):
    conn = sqlite3.connect(str(path), isolation_level=None)
    assert db.migrate(conn, target=1) == 1
    conn.execute("INSERT INTO profiles (id, name, name_key, notes, created, updated) VALUES "
                 "(1, 'Acme', 'acme', 'old notes', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')")
    conn.execute("INSERT INTO profile_entries VALUES (1, 'ip', 0, '192.0.2.7')")
    for n, status in enumerate(["listed", "listed"]):
        doc = {"targets": [{"target": "192.0.2.7", "results": [{"zone": "bl.spamcop.net", "status": status}]}]}
        conn.execute("INSERT INTO runs (profile_id, at, kind, target, document) VALUES (1, ?, 'blacklist', "
                     "'192.0.2.7', ?)", (f"2025-0{n + 1}-01T00:00:00.000000Z", json.dumps(doc)))
    conn.execute("INSERT INTO runs (profile_id, at, kind, target, document) VALUES "
                 "(1, '2025-03-01T00:00:00.000000Z', 'blacklist', 'x', '{\"targets\": 5}')")  # unreadable
    conn.close()


def test_version_1_file_is_upgraded_with_its_data_and_history(tmp_path):
    path = tmp_path / "p.sqlite3"
    make_version_1(path)
    with ProfileStore(path) as store:
        assert db.schema_version(store.conn) == db.LATEST_VERSION
        profile = store.get("ACME")
        assert profile.notes == "old notes" and profile.ips == ["192.0.2.7"] and profile.checklist == {}
        assert len(store.runs("acme")) == 3  # the unreadable run is kept, with no facts
        since = store.listed_since("acme", "192.0.2.7", "bl.spamcop.net")
        assert since.since.startswith("2025-01-01") and since.runs == 2  # facts back-filled


def test_a_failing_migration_step_leaves_the_old_version_intact(tmp_path, monkeypatch):
    path = tmp_path / "p.sqlite3"
    make_version_1(path)

    def broken_step(conn):
        conn.execute("ALTER TABLE profiles ADD COLUMN checklist TEXT NOT NULL DEFAULT '{}'")
        conn.execute("CREATE TABLE facts (x)")
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(db, "MIGRATIONS", [db.MIGRATIONS[0], broken_step])
    with pytest.raises(UserInputError, match="simulated"):
        ProfileStore(path)
    conn = sqlite3.connect(str(path))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = [row[1] for row in conn.execute("PRAGMA table_info(profiles)")]
    assert "checklist" not in columns
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'facts'").fetchall() == []
    conn.close()
    monkeypatch.undo()
    with ProfileStore(path) as store:  # the real upgrade still works afterwards
        assert store.get("acme").notes == "old notes"


def test_a_file_from_a_newer_kit_is_refused(tmp_path):
    path = tmp_path / "p.sqlite3"
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(UserInputError, match="newer version of the kit"):
        ProfileStore(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is a text file, not SQLite\n" * 100)
    with pytest.raises(UserInputError, match="not usable"):
        ProfileStore(path)


def test_a_wal_file_is_switched_to_the_rollback_journal(tmp_path):
    path = tmp_path / "p.sqlite3"
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    with ProfileStore(path) as store:
        store.add("Acme")
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not path.with_name("p.sqlite3-wal").exists()


def test_unwritable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserInputError, match="cannot create the folder"):
        ProfileStore(blocker / "sub" / "p.sqlite3")


def maildns_doc(ip, spf_status):
    checks = [{"id": "spf", "status": spf_status, "title": "SPF record", "detail": "The SPF record does not allow it."},
              {"id": "dmarc", "status": "ok", "title": "DMARC", "detail": ""},
              {"id": "ptr", "status": "problem", "title": "PTR", "detail": "The PTR name does not point back."}]
    doc = {"domain": "bakers.test", "checks": checks}
    if ip:
        doc["ip"] = ip
    return doc


def triage_doc(files, outcome):
    verdict = "Most likely cause: Receivers refuse our mail as spam (82%)." if outcome == "cause" else "Healthy."
    return {"inputs": [{"file": f} for f in files], "findings": [], "outcome": outcome, "verdict": verdict}


def test_version_4_history_is_rekeyed_per_item(tmp_path):
    """Runs saved by the kit before history was kept per item: a multi-target blacklist run, Mail DNS runs
    with and without --ip, triages of different log files. After the upgrade they all compare."""
    path = tmp_path / "p.sqlite3"
    conn = sqlite3.connect(str(path), isolation_level=None)
    assert db.migrate(conn, target=4) == 4
    conn.execute("INSERT INTO profiles (id, name, name_key, created, updated) VALUES (1, 'Baker', 'baker', "
                 "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')")
    listed = {"targets": [{"target": "198.51.100.30", "results": [{"zone": "bl.spamcop.net", "status": "listed"}]},
                          {"target": "bakers.test", "results": [{"zone": "dbl.spamhaus.org", "status": "clean"}]}]}
    runs = [
        ("2026-08-03T10:00:00.000000Z", "blacklist", "198.51.100.30, bakers.test", listed, [
            ("198.51.100.30", "bl.spamcop.net", "listed", "problem"), ("bakers.test", "dbl.spamhaus.org", "clean", "ok")]),
        ("2026-08-03T10:05:00.000000Z", "maildns", "bakers.test (198.51.100.30)", maildns_doc("198.51.100.30", "problem"),
         [("bakers.test (198.51.100.30)", "spf", "problem", "problem")]),
        ("2026-08-03T10:10:00.000000Z", "triage", "RECV0803.LOG", triage_doc(["RECV0803.LOG"], "cause"),
         [("RECV0803.LOG", "outcome", "cause found", "problem")]),
        ("2026-09-07T10:05:00.000000Z", "maildns", "bakers.test", maildns_doc(None, "ok"),
         [("bakers.test", "spf", "ok", "ok")]),
        ("2026-09-07T10:10:00.000000Z", "triage", "RECV0907.LOG", triage_doc(["RECV0907.LOG"], "healthy"),
         [("RECV0907.LOG", "outcome", "healthy", "ok")]),
    ]
    for n, (at, kind, target, doc, facts) in enumerate(runs, 1):
        conn.execute("INSERT INTO runs (id, profile_id, at, kind, target, document) VALUES (?, 1, ?, ?, ?, ?)",
                     (n, at, kind, target, json.dumps(doc)))
        for fact_target, item, status, state in facts:  # the facts as the old kit extracted them
            conn.execute("INSERT INTO facts VALUES (?, ?, ?, 1, ?, ?, ?, ?, '')",
                         (n, fact_target, item, kind, at, status, state))
    conn.close()
    with ProfileStore(path) as store:
        assert db.schema_version(store.conn) == db.LATEST_VERSION == 5
        targets = {(c.kind, c.target): c for c in store.comparisons("baker")}
        assert set(targets) == {("blacklist", "198.51.100.30"), ("blacklist", "bakers.test"),
                                ("maildns", "bakers.test"), ("triage", "mail flow")}
        maildns = targets[("maildns", "bakers.test")]
        assert [c.item for c in maildns.buckets["fixed"]] == ["spf"]  # with and without --ip: one history
        assert "bakers.test: SPF record no longer has a problem (fixed since the last visit)" in maildns.sentences()
        triage = targets[("triage", "mail flow")]  # other log files, the same client's mail flow
        assert [c.item for c in triage.buckets["fixed"]] == ["outcome"] and triage.state == "ok"
        assert targets[("blacklist", "198.51.100.30")].listed_now[0].item == "bl.spamcop.net"
        assert store.conn.execute("SELECT COUNT(*) FROM run_targets").fetchone()[0] == 6

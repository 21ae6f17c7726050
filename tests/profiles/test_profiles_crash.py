"""A writer killed mid-transaction (a pulled USB stick, as near as a test gets) never corrupts the file.

A real child process writes through the store and is killed with SIGKILL: no Python
cleanup, no SQLite close, the hot journal left on disk. Reopening must give an intact
database holding exactly the committed transactions.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from sbskit.core.profiles import ProfileStore

APP_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "app")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")

WRITER = r"""
import sys, time
from sbskit.core.profiles import ProfileStore

path, mode = sys.argv[1], sys.argv[2]
store = ProfileStore(path)
zones = [f"zone{i}.example" for i in range(60)]
def doc(n):
    return {"targets": [{"target": "192.0.2.7", "results": [
        {"zone": z, "status": "listed" if (n + i) % 3 else "clean", "detail": "x" * 300} for i, z in enumerate(zones)]}]}

if mode == "big":
    store.conn.execute("PRAGMA cache_size = 4")  # dirty pages must spill into the file before COMMIT
    with store.transaction():
        store.add("Half-written client")
        for n in range(400):
            store.add_run("Acme", "blacklist", doc(n))
        print("in-transaction", flush=True)
        time.sleep(120)  # killed here, mid-transaction
else:
    n = 0
    while True:
        store.add_run("Acme", "blacklist", doc(n), at=f"2026-01-01T00:00:{n % 60:02d}Z")
        n += 1
        print(f"committed {n}", flush=True)
"""


def spawn(path, mode):
    env = dict(os.environ, PYTHONPATH=APP_DIR)
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), mode], stdout=subprocess.PIPE, text=True,
                            env=env)


def check_intact(path):
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # every run has all its facts: no run was saved half
        counts = {c for (c,) in conn.execute("SELECT COUNT(f.item) FROM runs r LEFT JOIN facts f ON f.run_id = r.id "
                                             "GROUP BY r.id")}
        assert counts <= {60}
    finally:
        conn.close()


def dump(path):
    conn = sqlite3.connect(str(path))
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def file_hash(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_kill_in_the_middle_of_a_big_transaction_rolls_it_back(tmp_path):
    path = tmp_path / "profiles.sqlite3"
    with ProfileStore(path) as store:
        store.add("Acme", ips=["192.0.2.7"])
        store.add_run("Acme", "blacklist", {"targets": [{"target": "192.0.2.7", "results": [
            {"zone": f"zone{i}.example", "status": "clean"} for i in range(60)]}]})
    before = file_hash(path)
    before_dump = dump(path)
    child = spawn(path, "big")
    try:
        assert child.stdout.readline().strip() == "in-transaction"
        journal = path.with_name(path.name + "-journal")
        assert journal.exists() and journal.stat().st_size > 0, "no rollback journal while writing"
        assert file_hash(path) != before, "the test did not get uncommitted pages into the file"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert journal.exists()  # a hot journal: the crash left the file half-written
    with ProfileStore(path) as store:  # opening rolls the hot journal back
        assert [p.name for p in store.list_profiles()] == ["Acme"]
        assert len(store.runs("Acme")) == 1
    assert not journal.exists()
    assert dump(path) == before_dump  # exactly the committed content, nothing of the killed transaction
    check_intact(path)


@pytest.mark.parametrize("kill_after", [1, 7, 23])
def test_kill_between_and_during_small_commits_keeps_every_commit(tmp_path, kill_after):
    path = tmp_path / "profiles.sqlite3"
    with ProfileStore(path) as store:
        store.add("Acme")
    child = spawn(path, "loop")
    try:
        committed = 0
        while committed < kill_after:
            line = child.stdout.readline()
            assert line.startswith("committed"), line
            committed = int(line.split()[1])
        time.sleep(0.002 * kill_after)  # land somewhere inside the next transactions
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        rest = child.stdout.read()
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
    acknowledged = committed + rest.count("committed")
    check_intact(path)
    with ProfileStore(path) as store:
        saved = len(store.runs("Acme"))
    # every commit the child reported is there; at most one more (committed, not yet printed)
    assert acknowledged <= saved <= acknowledged + 1

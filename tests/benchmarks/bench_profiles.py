"""Profile store speed, as ratios against baselines measured in the same run.

1. History on a big profile: "what changed since last visit" plus "listed since" for every
   listed zone, on 2,000 saved visits x 40 zones, against the same on 20 visits. The
   indexes should keep this nearly flat (goal: under 3x).
2. Saving one run through the store (validation, fact extraction, one durable transaction),
   against a bare sqlite3 INSERT of the same JSON text in its own durable transaction with
   the same journal settings (goal: under 3x).

Run: ``python tests/benchmarks/bench_profiles.py``
"""

from __future__ import annotations

import datetime
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "app"))

from sbskit.core.profiles import ProfileStore  # noqa: E402

ZONES = [f"zone{i}.example" for i in range(40)]
BASE = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)


def doc(day: int) -> dict:
    results = [{"zone": z, "status": "listed" if (i % 5 == 0 or day % 9) else "clean", "codes": ["127.0.0.2"],
                "meanings": ["spam source"], "error": None} for i, z in enumerate(ZONES)]
    return {"resolver": ["127.0.0.1"], "targets": [{"target": "192.0.2.7", "kind": "ipv4", "results": results}]}


def filled_store(folder: Path, visits: int) -> ProfileStore:
    store = ProfileStore(folder / f"p{visits}.sqlite3")
    store.add("Acme")
    with store.transaction():
        for day in range(visits):
            store.add_run("Acme", "blacklist", doc(day), at=BASE + datetime.timedelta(days=day))
    return store


def time_history(store: ProfileStore, repeats: int = 15) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        comparison = store.compare_latest("Acme", "blacklist")
        assert comparison is not None and comparison.listed_now
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def time_saves(folder: Path, repeats: int = 40) -> tuple[float, float]:
    store = ProfileStore(folder / "save.sqlite3")
    store.add("Acme")
    conn = sqlite3.connect(str(folder / "bare.sqlite3"), isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, at TEXT, kind TEXT, target TEXT, document TEXT)")
    ours, bare = [], []
    for day in range(repeats):
        document = doc(day)
        start = time.perf_counter()
        store.add_run("Acme", "blacklist", document)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO runs (at, kind, target, document) VALUES (?, ?, ?, ?)",
                     ("now", "blacklist", "192.0.2.7", json.dumps(document)))
        conn.execute("COMMIT")
        bare.append(time.perf_counter() - start)
    store.close()
    conn.close()
    return statistics.median(ours), statistics.median(bare)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-profiles-") as tmp:
        folder = Path(tmp)
        small, big = filled_store(folder, 20), filled_store(folder, 2000)
        baseline, measured = time_history(small), time_history(big)
        print(f"history, 20 visits (baseline):   {baseline * 1000:8.2f} ms")
        print(f"history, 2,000 visits x 40 zones: {measured * 1000:8.2f} ms")
        print(f"RATIO history big/small = {measured / baseline:.2f}x (goal: under 3x)")
        small.close()
        big.close()
        ours, bare = time_saves(folder)
        print(f"save one run, bare sqlite3 (baseline): {bare * 1000:8.2f} ms")
        print(f"save one run, ProfileStore.add_run:    {ours * 1000:8.2f} ms")
        print(f"RATIO save store/bare = {ours / bare:.2f}x (goal: under 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Comparisons from the saved facts: each checked target's latest visit against its last answers before it.

The rules are history.py's (visits, "last answer", never "fixed" on an error); this module
asks the database. Every question is an index seek (``run_targets_by_time`` for a target's
visits, ``facts_streak`` for one item's last answer and its listed streak), so a client with
years of visits answers about as fast as one with three (tests/benchmarks/bench_profiles.py).

How a target's comparison is built:

1. its latest visit: every run on the local day of its newest run that checked it; an item's
   answer on that visit is its newest *answer* that day (a refused attempt and a good repeat
   ten minutes later are one visit that answered);
2. the last visit: the newest earlier day on which a run checked it;
3. for each item, the answer compared with: its newest answer before the latest visit, which
   is usually on the last visit, or an older one when the last visit had no answer for it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from sbskit.core.profiles.comparison import Comparison
from sbskit.core.profiles.history import BUCKETS, Change, Coverage, ListedSince, classify, same_visit, short_reason, \
    visit_start
from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact
from sbskit.core.profiles.model import Run, local_date

_FACT = "SELECT at, run_id, status, state, detail FROM facts "
_ITEM = "WHERE profile_id = ? AND kind = ? AND target = ? AND item = ? AND state = ?"


def target_latest(conn: sqlite3.Connection, pid: int, kind: str | None = None) -> list[tuple[str, str, str]]:
    """(kind, target, newest run time) for every target the client's runs checked, newest first."""
    sql = "SELECT kind, target, MAX(at) AS last FROM run_targets WHERE profile_id = ?"
    params: list = [pid]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    sql += " GROUP BY kind, target ORDER BY last DESC, kind, target"
    return [(k, t, last) for k, t, last in conn.execute(sql, params)]


def streak(conn: sqlite3.Connection, pid: int, kind: str, target: str, item: str,
           upto: tuple[str, int]) -> ListedSince | None:
    """The listed streak that ends at the run ``upto`` = (at, run id), whose answer for ``item`` is a problem."""
    key = (pid, kind, target, item)
    bound = " AND (at, run_id) <= (?, ?)"
    boundary = conn.execute(
        f"SELECT at, run_id FROM facts {_ITEM}{bound} ORDER BY at DESC, run_id DESC LIMIT 1", (*key, OK, *upto)
    ).fetchone() or ("", 0)  # the newest clean answer ends any streak
    first = conn.execute(
        f"SELECT at, run_id FROM facts {_ITEM}{bound} AND (at, run_id) > (?, ?) ORDER BY at, run_id LIMIT 1",
        (*key, PROBLEM, *upto, *boundary),
    ).fetchone()
    if first is None:
        return None
    runs = conn.execute(f"SELECT COUNT(*) FROM facts {_ITEM}{bound} AND (at, run_id) >= (?, ?)",
                        (*key, PROBLEM, *upto, *first)).fetchone()[0]
    errors = conn.execute(f"SELECT COUNT(*) FROM facts {_ITEM}{bound} AND (at, run_id) > (?, ?)",
                          (*key, ERROR, *upto, *first)).fetchone()[0]
    return ListedSince(target, item, first[0], upto[0], runs, errors)


def listed_since(conn: sqlite3.Connection, pid: int, kind: str, target: str, item: str) -> ListedSince | None:
    """The streak up to the item's newest saved answer (None unless that answer is a problem)."""
    key = (pid, kind, target, item)
    newest = {state: conn.execute(f"SELECT at, run_id FROM facts {_ITEM} ORDER BY at DESC, run_id DESC LIMIT 1",
                                  (*key, state)).fetchone() for state in (PROBLEM, OK, ERROR)}
    answered = [(value, state) for state, value in newest.items() if value is not None]
    if not answered or max(answered)[1] != PROBLEM:
        return None  # never checked, clean now, or no answer now: claim nothing
    return streak(conn, pid, kind, target, item, tuple(newest[PROBLEM]))


def _last_answer(conn: sqlite3.Connection, key: tuple, before: str) -> tuple[Fact, str, int] | None:
    """The item's newest answer (problem or ok) before ``before``; else its newest error; else None."""
    found = []
    for state in (PROBLEM, OK):
        row = conn.execute(f"{_FACT}{_ITEM} AND at < ? ORDER BY at DESC, run_id DESC LIMIT 1",
                           (*key, state, before)).fetchone()
        if row is not None:
            found.append(row)
    if not found:
        row = conn.execute(f"{_FACT}{_ITEM} AND at < ? ORDER BY at DESC, run_id DESC LIMIT 1",
                           (*key, ERROR, before)).fetchone()
        found = [row] if row is not None else []
    if not found:
        return None
    at, run_id, status, state, detail = max(found, key=lambda row: (row[0], row[1]))
    return Fact(key[2], key[3], status, state, detail), at, run_id


def _runs(conn: sqlite3.Connection, profile: str, kind: str, ids: list[int]) -> dict[int, Run]:
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT id, at, target FROM runs WHERE id IN ({marks})", ids) if ids else []
    return {rid: Run(rid, profile, at, kind, target) for rid, at, target in rows}


def build(conn: sqlite3.Connection, profile: str, pid: int, kind: str, target: str, last_at: str) -> Comparison:
    """The comparison of one (kind, target) whose newest run is at ``last_at`` (see the module notes)."""
    start = visit_start(last_at)
    visit = conn.execute(
        "SELECT run_id, at FROM run_targets WHERE profile_id = ? AND kind = ? AND target = ? AND at >= ? "
        "ORDER BY at DESC, run_id DESC", (pid, kind, target, start)).fetchall()
    now: dict[str, tuple[Fact, str, int]] = {}
    for run_id, at in visit:  # newest first: keep each item's newest answer, else its newest error
        for item, status, state, detail in conn.execute(
                "SELECT item, status, state, detail FROM facts WHERE run_id = ? AND target = ?", (run_id, target)):
            held = now.get(item)
            if held is None or (held[0].state == ERROR and state != ERROR):
                now[item] = (Fact(target, item, status, state, detail), at, run_id)
    prev = conn.execute(
        "SELECT at, run_id FROM run_targets WHERE profile_id = ? AND kind = ? AND target = ? AND at < ? "
        "ORDER BY at DESC, run_id DESC LIMIT 1", (pid, kind, target, start)).fetchone()
    runs = _runs(conn, profile, kind, [rid for rid, _at in visit] + ([prev[1]] if prev else []))
    previous = runs.get(prev[1]) if prev else None
    facts_now = [fact for fact, _at, _rid in now.values()]
    comparison = Comparison(kind, target, runs[visit[0][0]], previous, coverage=Coverage.of(facts_now),
                            visit_runs=[runs[rid] for rid, _at in visit if rid in runs])
    if previous is not None:
        comparison.buckets = _changes(conn, (pid, kind, target), now, previous, start)
    since = {}
    for item, (fact, at, run_id) in now.items():
        if fact.state == PROBLEM:
            since[item] = streak(conn, pid, kind, target, item, (at, run_id))
    for bucket in ("new", "still_listed"):
        comparison.buckets[bucket] = [replace(c, listed_since=since.get(c.item)) for c in comparison.buckets[bucket]]
    known = {c.item: c for b in BUCKETS for c in comparison.buckets[b]}
    comparison.listed_now = [
        replace(known[item], listed_since=since[item]) if item in known else
        Change(target, item, fact.status, None, fact.detail, listed_since=since[item], now_at=at, now_run=run_id)
        for item, (fact, at, run_id) in sorted(now.items()) if fact.state == PROBLEM
    ]
    return comparison


def _changes(conn: sqlite3.Connection, key: tuple[int, str, str], now: dict, previous: Run,
             start: str) -> dict[str, list[Change]]:
    """Every item of the latest visit and of the last visit, sorted into buckets with its reason and dates."""
    pid, kind, target = key
    last_visit_items = [row[0] for row in conn.execute(
        "SELECT DISTINCT f.item FROM run_targets r JOIN facts f ON f.run_id = r.run_id AND f.target = r.target "
        "WHERE r.profile_id = ? AND r.kind = ? AND r.target = ? AND r.at >= ? AND r.at < ?",
        (pid, kind, target, visit_start(previous.at), start))]
    buckets: dict[str, list[Change]] = {b: [] for b in BUCKETS}
    for item in sorted(set(now) | set(last_visit_items)):
        n = now.get(item)
        b = _last_answer(conn, (pid, kind, target, item), start)
        n_fact, b_fact = (n[0] if n else None), (b[0] if b else None)
        bucket = classify(b_fact, n_fact)
        change = Change(target, item, n_fact.status if n_fact else None, b_fact.status if b_fact else None,
                        n_fact.detail if n_fact else "", now_at=n[1] if n else None, now_run=n[2] if n else None,
                        before_at=b[1] if b else None, before_run=b[2] if b else None,
                        before_state=b_fact.state if b_fact else None)
        if bucket == "unknown":
            change = replace(change, reason=_reason(n_fact, b, previous))
        elif not same_visit(b[1], previous.at):  # the last visit had no answer for it: an older one did
            change = replace(change, on_last_visit="no answer" if item in last_visit_items else "not checked")
        buckets[bucket].append(change)
    return buckets


def _reason(now: Fact | None, before: tuple[Fact, str, int] | None, previous: Run) -> str:
    if now is None:
        return "not checked on this visit"
    if now.state == ERROR:
        return f"no answer now: {short_reason(now.detail or now.status)}"
    if before is None:
        return "not checked before"
    fact, at, _run = before
    when = "last visit" if same_visit(at, previous.at) else f"on {local_date(at)}"
    return f"no answer {when}: {short_reason(fact.detail or fact.status)}"

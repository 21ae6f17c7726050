"""History rules: new / fixed / still listed / unknown, and "listed since"; errors are never "fixed"."""

from __future__ import annotations

import datetime
import random

import pytest

from sbskit.core.profiles.history import compare_facts, listed_streak
from sbskit.core.profiles.kinds import Fact

Z = "zen.spamhaus.org"
S = "bl.spamcop.net"


def fact(item, status, target="192.0.2.7"):
    state = {"listed": "problem", "clean": "ok"}.get(status, "error")
    return Fact(target, item, status, state, "timeout" if state == "error" else "")


@pytest.mark.parametrize(
    ("before", "now", "bucket"),
    [
        ("clean", "listed", "new"),
        ("listed", "clean", "fixed"),
        ("listed", "listed", "still_listed"),
        ("clean", "clean", "still_clean"),
        ("listed", "error", "unknown"),
        ("error", "clean", "unknown"),  # never "fixed"
        ("error", "listed", "unknown"),  # not "new" either: we did not know before
        ("error", "error", "unknown"),
        ("listed", "refused", "unknown"),  # any status other than listed/clean is no answer
    ],
)
def test_compare_buckets(before, now, bucket):
    buckets = compare_facts([fact(Z, before)], [fact(Z, now)])
    assert [c.item for c in buckets[bucket]] == [Z]
    assert sum(len(v) for v in buckets.values()) == 1


def test_items_checked_on_one_visit_only_are_unknown():
    buckets = compare_facts([fact(Z, "listed")], [fact(S, "clean")])
    reasons = {c.item: c.reason for c in buckets["unknown"]}
    assert reasons == {Z: "not checked on this visit", S: "not checked on the last visit"}
    assert buckets["fixed"] == []


def test_no_previous_run_has_no_transitions():
    assert all(v == [] for v in compare_facts(None, [fact(Z, "listed")]).values())


def test_same_zone_for_different_targets_is_kept_apart():
    before = [fact(Z, "listed", "192.0.2.7"), fact(Z, "clean", "192.0.2.8")]
    now = [fact(Z, "clean", "192.0.2.7"), fact(Z, "listed", "192.0.2.8")]
    buckets = compare_facts(before, now)
    assert [c.target for c in buckets["fixed"]] == ["192.0.2.7"]
    assert [c.target for c in buckets["new"]] == ["192.0.2.8"]


def rows(*states):
    """Newest first, one run per day counting back from 2026-03-31."""
    return [(f"2026-03-{31 - i:02d}T10:00:00.000000Z", s) for i, s in enumerate(states)]


def test_listed_streak_starts_at_the_first_listed_run_after_the_last_clean():
    streak = listed_streak("t", Z, rows("problem", "problem", "problem", "ok", "problem"))
    assert streak.since == "2026-03-29T10:00:00.000000Z" and streak.last == "2026-03-31T10:00:00.000000Z"
    assert streak.runs == 3 and streak.unknown_runs == 0


def test_errors_inside_a_streak_do_not_break_it_but_are_counted():
    streak = listed_streak("t", Z, rows("problem", "error", "problem", "error", "ok"))
    assert streak.since == "2026-03-29T10:00:00.000000Z"
    assert streak.runs == 2 and streak.unknown_runs == 1  # the error before the first listed run is outside


@pytest.mark.parametrize("states", [("ok", "problem"), ("error", "problem", "problem"), ()])
def test_no_claim_unless_the_latest_answer_is_listed(states):
    assert listed_streak("t", Z, rows(*states)) is None


def test_store_history_end_to_end(store, bl):
    store.add("Acme")
    visits = [
        ("2026-03-03T09:00:00Z", {Z: "clean", S: "listed", "b.example": "listed", "c.example": "listed"}),
        ("2026-04-07T09:00:00Z", {Z: "listed", S: "listed", "b.example": "clean", "c.example": "error"}),
        ("2026-05-05T09:00:00Z", {Z: "listed", S: "listed", "b.example": "clean", "c.example": "clean"}),
    ]
    for at, statuses in visits:
        store.add_run("acme", "blacklist", bl("192.0.2.7", statuses), at=at)
    since = store.listed_since("acme", "192.0.2.7", S)
    assert since.since.startswith("2026-03-03") and since.runs == 3
    assert store.listed_since("acme", "192.0.2.7", Z).since.startswith("2026-04-07")
    assert store.listed_since("acme", "192.0.2.7", "b.example") is None
    assert store.listed_since("acme", "192.0.2.7", "never.example") is None

    comparison = store.compare_latest("acme", "blacklist")
    assert comparison.previous.at.startswith("2026-04-07")
    names = {b: [c.item for c in v] for b, v in comparison.buckets.items()}
    assert names["still_listed"] == [S, Z]
    assert names["still_clean"] == ["b.example"]
    # no answer last visit, but listed the visit before and clean now: fixed, compared with that older answer
    assert names["fixed"] == ["c.example"] and names["unknown"] == [] and names["new"] == []
    [fixed] = comparison.buckets["fixed"]
    assert fixed.before_at.startswith("2026-03-03") and fixed.on_last_visit == "no answer"
    assert comparison.summary() == (
        "latest visit (5 May 2026): 2 listed (of 4 lists); since the last visit (7 Apr 2026): 4 lists compared: "
        "0 new, 1 fixed, 2 still listed (1 with the answer of 3 Mar 2026: nothing from 7 Apr 2026)")
    sentences = comparison.sentences()
    assert f"192.0.2.7: listed on {S} since 3 Mar 2026 (still listed)" in sentences
    assert ("192.0.2.7: no longer listed on c.example (fixed since the visit of 3 Mar 2026; no answer on "
            "7 Apr 2026)") in sentences
    doc = comparison.to_json()
    assert doc["counts"]["still_listed"] == 2 and doc["previous"]["at"].startswith("2026-04-07")
    assert {c["item"]: c["listed_since"][:10] for c in doc["listed_now"]} == {S: "2026-03-03", Z: "2026-04-07"}
    assert doc["fixed"][0]["before_at"].startswith("2026-03-03") and doc["fixed"][0]["before_run"] == 1


def test_compare_uses_the_previous_run_of_the_same_target(store, bl):
    store.add("Acme")
    store.add_run("acme", "blacklist", bl("192.0.2.7", {Z: "listed"}), at="2026-01-01T00:00:00Z")
    store.add_run("acme", "blacklist", bl("192.0.2.99", {Z: "clean"}), at="2026-02-01T00:00:00Z")
    store.add_run("acme", "blacklist", bl("192.0.2.7", {Z: "clean"}), at="2026-03-01T00:00:00Z")
    comparison = store.compare_latest("acme", "blacklist")
    assert comparison.target == "192.0.2.7" and comparison.previous.at.startswith("2026-01-01")
    assert [c.item for c in comparison.buckets["fixed"]] == [Z]
    other = store.compare_latest("acme", "blacklist", target="192.0.2.99")
    assert other.previous is None and other.summary() == "first visit (1 Feb 2026): no problems found (1 list answered)"
    # 192.0.2.99 was not checked on the latest visit (1 Mar) and is not the client's: shown last, not judged
    comparisons = store.comparisons("acme")
    assert [(c.kind, c.target, c.state) for c in comparisons] == [
        ("blacklist", "192.0.2.7", "ok"), ("blacklist", "192.0.2.99", "stale")]
    assert comparisons[1].summary() == ("not checked on the latest visit (1 Mar 2026); last checked 1 Feb 2026: "
                                        "no problems found (1 list answered)")


def test_first_run_reports_what_is_listed_now(store, bl):
    store.add("Acme")
    store.add_run("acme", "blacklist", bl("192.0.2.7", {Z: "listed", S: "error"}))
    comparison = store.compare_latest("acme", "blacklist")
    assert comparison.previous is None
    assert [c.item for c in comparison.listed_now] == [Z]
    assert comparison.summary().endswith("): 1 listed; incomplete (1 of 2 lists failed: timeout)")
    assert comparison.summary().startswith("first visit (")
    assert comparison.sentences() == [f"192.0.2.7: listed on {Z} since {comparison.visit_text()} (first visit)"]
    assert comparison.state == "problem"


def test_relaytest_history(store):
    store.add("Acme")
    for at, verdict in (("2026-01-01", True), ("2026-02-01", None), ("2026-03-01", False)):
        store.add_run("acme", "relaytest", {"host": "::1", "port": 25, "open_relay": verdict, "attempts": []},
                      at=at + "T00:00:00Z")
    comparison = store.compare_latest("acme", "relaytest")
    # no answer on 1 Feb; an open relay on 1 Jan and closed now: fixed, compared with 1 Jan
    assert comparison.counts()["unknown"] == 0 and comparison.counts()["fixed"] == 1
    assert comparison.sentences() == ["::1:25: no longer an open relay (fixed since the visit of 1 Jan 2026; "
                                      "no answer on 1 Feb 2026)"]


def test_large_history_stays_usable(store, bl):
    """2,000 visits x 40 zones: the history queries use their indexes (no timing asserted)."""
    store.add("Acme")
    zones = [f"z{i}.example" for i in range(40)]
    with store.transaction():
        for day in range(2000):
            statuses = {z: ("listed" if (i == 0 or day % 7) else "clean") for i, z in enumerate(zones)}
            at = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=day)
            store.add_run("acme", "blacklist", bl("192.0.2.7", statuses), at=at)
    assert store.conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0] == 80_000
    assert store.listed_since("acme", "192.0.2.7", "z0.example").runs == 2000
    assert len(store.runs("acme", limit=50)) == 50
    comparison = store.compare_latest("acme", "blacklist")
    assert len(comparison.listed_now) == 40
    statements = []
    store.conn.set_trace_callback(statements.append)
    store.listed_since("acme", "192.0.2.7", "z1.example")
    store.conn.set_trace_callback(None)
    history_queries = [q for q in statements if "FROM facts" in q]
    assert len(history_queries) >= 4
    for query in history_queries:  # every history question is an index seek, never a table scan
        plan = " | ".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + query))
        assert "facts_streak" in plan and "SCAN" not in plan, plan


@pytest.mark.parametrize("seed", range(6))
def test_store_listed_since_agrees_with_the_reference_rules(store, bl, seed):
    """The SQL answer equals listed_streak() walking the same history, on random histories."""
    rng = random.Random(seed)
    store.add("Acme")
    zones = ["a.example", "b.example", "c.example"]
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    with store.transaction():
        for visit in range(rng.randint(0, 40)):
            statuses = {z: rng.choice(["listed", "listed", "clean", "error"]) for z in zones if rng.random() < 0.85}
            at = base + datetime.timedelta(hours=rng.choice([visit, visit, visit - 1]))  # some equal times
            store.add_run("acme", "blacklist", bl("192.0.2.7", statuses), at=at)
    for zone in zones:
        rows = []
        for run in store.runs("acme"):  # newest first, ties by id like the store
            states = {f.item: f.state for f in store.facts(run.id)}
            if zone in states:
                rows.append((run.at, states[zone]))
        assert store.listed_since("acme", "192.0.2.7", zone) == listed_streak("192.0.2.7", zone, rows)

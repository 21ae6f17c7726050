"""A maildns run in a client's history: one fact per check, and "since the last visit"."""

from __future__ import annotations

import json

from maildns_world import SERVER
from sbskit.core.maildns.engine import Options, Run
from sbskit.core.profiles.kinds import extract, guess_kind, has_history, target_of
from sbskit.core.profiles.store import ProfileStore


def doc_for(bind, domain):
    return Run(domain, Options(ip=SERVER, resolvers=[bind.address], timeout=1.0)).run()


def test_kind_is_registered_and_recognised(bind):
    doc = doc_for(bind, "nodmarc.test")
    assert guess_kind(json.loads(json.dumps(doc))) == "maildns" and has_history("maildns")
    assert target_of("maildns", doc) == f"nodmarc.test ({SERVER})"
    facts = {f.item: f for f in extract("maildns", doc)}
    # information checks leave no fact; the address-dependent checks are keyed by the address they judged
    assert set(facts) == {"mx", "spf", f"spf-ip@{SERVER}", "dmarc", "dkim", f"ptr@{SERVER}"}
    assert {f.target for f in facts.values()} == {"nodmarc.test"}  # with or without --ip: one history
    assert facts["dmarc"].state == "problem" and "no DMARC record" in facts["dmarc"].detail
    assert facts["dkim"].state == "ok"  # a warning is not a problem


def test_since_the_last_visit_says_what_was_fixed_and_never_fixes_an_error(bind, isolated_home):
    store = ProfileStore()
    try:
        store.add("Acme Dental", domains=["nodmarc.test"])
        before = doc_for(bind, "nodmarc.test")
        store.add_run("Acme Dental", "maildns", before, at="2026-03-03T10:00:00Z")
        after = json.loads(json.dumps(before))
        for check in after["checks"]:
            if check["id"] == "dmarc":
                check["status"] = "ok"
            if check["id"] == "ptr":
                check["status"] = "error"
        store.add_run("Acme Dental", "maildns", after, at="2026-04-07T10:00:00Z")
        comparison = [c for c in store.comparisons("Acme Dental") if c.kind == "maildns"][0]
        assert [c.item for c in comparison.buckets["fixed"]] == ["dmarc"]
        assert [c.item for c in comparison.buckets["unknown"]] == [f"ptr@{SERVER}"]  # could not tell now: never "fixed"
        assert "nodmarc.test: DMARC policy no longer has a problem (fixed since the last visit)" in comparison.sentences()
    finally:
        store.close()

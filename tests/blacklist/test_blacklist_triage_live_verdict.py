"""The triage's blocklist answer follows the sweep's own summary verdict (real BIND on loopback).

Only a "not listed" verdict that covers every blocklist asked is clean; allow-lists alone,
a list that could not answer, or a resolver problem are "could not tell", never clean.
"""

from __future__ import annotations

from blacklist_world import CLEAN_IP, LISTED_IP
from sbskit.core.dnsbl.summary import COULD_NOT_TELL, NOT_LISTED
from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.live import LiveChecks, blacklist_brief, blacklist_state, blacklist_summary, run_blacklist


def test_allow_list_alone_is_not_clean(bind):
    doc = run_blacklist(CLEAN_IP, [bind.address], ["list.dnswl.org"], 2.0)
    assert doc["targets"][0]["results"] and all(r["status"] != "error" for r in doc["targets"][0]["results"])
    assert doc["summary"]["verdict"] == COULD_NOT_TELL
    assert blacklist_state(doc) == "unknown"
    kind, text = blacklist_summary(doc)
    assert kind == "unknown" and "Could not tell" in text and "clean" not in text
    assert blacklist_brief(doc)["state"] == "unknown"
    live = LiveChecks(blacklist=doc)
    assert live.incomplete()
    assert analyse(answers=Answers({"queues_long": "yes"}), live=live).answers.get("ip_listed") is None


def test_clean_needs_every_blocklist_and_allow_lists_do_not_spoil_it(bind):
    doc = run_blacklist(CLEAN_IP, [bind.address], ["zen.spamhaus.org", "list.dnswl.org"], 2.0)
    assert doc["summary"]["verdict"] == NOT_LISTED
    assert blacklist_state(doc) == "clean" and blacklist_summary(doc)[0] == "good"


def test_partial_answer_is_could_not_tell(bind):
    doc = run_blacklist(CLEAN_IP, [bind.address], ["zen.spamhaus.org", "closed.bl.test"], 1.0)
    assert doc["summary"]["verdict"] == COULD_NOT_TELL
    assert blacklist_state(doc) == "unknown"
    assert blacklist_summary(doc)[0] == "unknown"


def test_stored_verdict_rules_over_the_rows(bind):
    """A document whose summary says could-not-tell (e.g. cancelled part-way) is never clean, whatever rows it kept."""
    doc = run_blacklist(CLEAN_IP, [bind.address], ["zen.spamhaus.org"], 2.0)
    assert blacklist_state(doc) == "clean"
    doc["summary"] = dict(doc["summary"], verdict="cancelled", not_asked=3)
    assert blacklist_state(doc) == "unknown" and blacklist_summary(doc)[0] == "unknown"
    listed = run_blacklist(LISTED_IP, [bind.address], ["zen.spamhaus.org"], 2.0)
    assert blacklist_state(listed) == "listed"

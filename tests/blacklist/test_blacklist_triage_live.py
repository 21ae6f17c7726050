"""The triage's live blocklist check against the session BIND: how real listings move the ranking.

Every document here is produced by the real engine asking the test BIND (``bind`` fixture,
zones from ``blacklist_world``); nothing is hand-written.
"""

from __future__ import annotations

import json

import pytest

from blacklist_world import CLEAN_IP, DQS_KEY, LISTED_IP
from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext
from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.live import LiveChecks, blacklist_state, blacklist_summary, run_blacklist

ZEN = ["zen.spamhaus.org"]  # LISTED_IP: 127.0.0.4 (XBL/CBL exploited host) and 127.0.0.11 (PBL)
CUSTOM = ["good.bl.test"]  # a list the catalogue does not know: listed, category unknown


def _scores(result) -> dict[str, float]:
    return {cause: s["confidence"] for cause, s in result.scores.items()}


def _sweep(bind, ip, zones, timeout=2.0):
    return run_blacklist(ip, [bind.address], zones, timeout)


def test_exploited_host_listing_overrides_the_answer_and_raises_the_bot(bind):
    doc = _sweep(bind, LISTED_IP, ZEN + CUSTOM)
    assert blacklist_state(doc) == "listed"
    kind, text = blacklist_summary(doc)
    assert kind == "bad" and "listed on 2 of 2 lists: Spamhaus ZEN, good.bl.test" in text

    said_no = Answers({"queues_long": "no", "ip_listed": "no"})
    before = analyse(answers=said_no)
    after = analyse(answers=said_no, live=LiveChecks(blacklist=doc))
    assert after.answers.get("ip_listed") == "yes"  # a real listing beats the admin's "no"
    assert "live blocklist check found it on Spamhaus ZEN, good.bl.test" in after.answers.derived["ip_listed"]
    b, a = _scores(before), _scores(after)
    assert a["compromised_workstation"] > b["compromised_workstation"] + 0.3
    assert after.findings[0].cause == "compromised_workstation"
    top = after.findings[0]
    assert top.reasons[0].startswith("Live blocklist check: Spamhaus ZEN lists it as an exploited host")
    assert top.evidence[0].file == "live check: blocklists" and top.evidence[0].line == 0
    assert top.evidence[0].where() == "live check: blocklists"
    assert "127.0.0.4" in top.evidence[0].text
    # ZEN's second code 127.0.0.11 is PBL (policy): a little weight for the configuration cause, said why
    config = after.scores["configuration_error"]
    assert config["reasons"][0].startswith("Live blocklist check: Spamhaus ZEN lists it as a range that should not send")
    assert config["evidence_logit"] > before.scores["configuration_error"]["evidence_logit"]

    live = after.as_dict()["live_checks"]["blacklist"]
    assert live["state"] == "listed" and live["target"] == LISTED_IP
    assert [(x["zone"], x["category"]) for x in live["listed_on"]] == [
        ("zen.spamhaus.org", "exploited-host"), ("good.bl.test", "listed")]
    json.dumps(after.as_dict())


def test_which_list_matters(bind):
    """An unknown list's listing says 'listed' but not 'exploited host': less for the bot."""
    answers = Answers({"queues_long": "no"})
    zen = analyse(answers=answers, live=LiveChecks(blacklist=_sweep(bind, LISTED_IP, ZEN)))
    custom = analyse(answers=answers, live=LiveChecks(blacklist=_sweep(bind, LISTED_IP, CUSTOM)))
    assert custom.answers.get("ip_listed") == "yes"
    assert _scores(zen)["compromised_workstation"] > _scores(custom)["compromised_workstation"]
    assert not any(r.startswith("Live blocklist check") for r in custom.scores["compromised_workstation"]["reasons"])


def test_spam_source_listing_raises_the_spam_causes_a_little(bind):
    """Through a DQS key ZEN answers 127.0.0.3 for LISTED_IP: SBL CSS, a spam source, not an exploited host."""
    doc = run_blacklist(LISTED_IP, [bind.address], ZEN, 2.0, dqs_key=DQS_KEY)
    assert [r["category"] for r in doc["targets"][0]["results"]] == ["spam-source"]
    answers = Answers({"queues_long": "yes", "ip_listed": "yes"})  # listed either way: only the category differs
    before, after = analyse(answers=answers), analyse(answers=answers, live=LiveChecks(blacklist=doc))
    b, a = _scores(before), _scores(after)
    for cause in ("authenticated_relay", "open_relay", "compromised_workstation"):
        assert b[cause] < a[cause] < b[cause] + 0.15, cause
        assert after.scores[cause]["reasons"][0] == "Live blocklist check: Spamhaus ZEN lists it as a spam source."
    for cause in ("ndr_backscatter", "directory_harvest", "configuration_error"):
        assert a[cause] == b[cause], cause
    assert DQS_KEY not in json.dumps(after.as_dict())


def test_clean_ip_fills_an_open_answer_but_not_a_given_one(bind):
    doc = _sweep(bind, CLEAN_IP, ZEN + CUSTOM)
    assert blacklist_state(doc) == "clean"
    assert blacklist_summary(doc) == ("good", f"{CLEAN_IP} is clean: not listed on any of 2 lists.")
    open_answer = analyse(answers=Answers({"queues_long": "yes"}), live=LiveChecks(blacklist=doc))
    assert open_answer.answers.get("ip_listed") == "no"
    listed_before = analyse(answers=Answers({"queues_long": "yes", "ip_listed": "yes"}))
    kept = analyse(answers=Answers({"queues_long": "yes", "ip_listed": "yes"}), live=LiveChecks(blacklist=doc))
    assert kept.answers.get("ip_listed") == "yes"  # lists we did not ask may still list it
    assert _scores(kept) == _scores(listed_before)
    assert _scores(open_answer)["compromised_workstation"] < _scores(listed_before)["compromised_workstation"]


def test_lists_that_cannot_answer_change_nothing(bind):
    doc = _sweep(bind, CLEAN_IP, ["closed.bl.test"], timeout=1.0)  # REFUSED by BIND
    assert blacklist_state(doc) == "unknown"
    kind, text = blacklist_summary(doc)
    assert (kind, text) == ("unknown", f"Could not tell for {CLEAN_IP}: no list could answer (1 refused).")
    answers = Answers({"queues_long": "yes"})
    assert _scores(analyse(answers=answers, live=LiveChecks(blacklist=doc))) == _scores(analyse(answers=answers))
    assert LiveChecks(blacklist=doc).incomplete()


def test_live_check_alone_is_enough_input_and_streams(bind):
    seen = []
    doc = run_blacklist(LISTED_IP, [bind.address], ZEN, 2.0, JobContext(result=seen.append))
    assert seen, "results stream through the job context"
    result = analyse(live=LiveChecks(blacklist=doc))
    assert result.findings and result.findings[0].cause == "compromised_workstation"


@pytest.mark.parametrize("bad", ["", "1.2.3", "mail.example.com", "192.0.2.10/24", "x" * 5000])
def test_bad_ip_is_a_user_error(bad):
    with pytest.raises(UserInputError, match="not an IP address"):
        run_blacklist(bad, ["127.0.0.1:1"], ZEN, 1.0)


# --- the CLI ------------------------------------------------------------------------------
def test_cli_check_blacklist(run_cli, bind):
    proc = run_cli("triage", "--queues-long", "no", "--check-blacklist", LISTED_IP, "--resolver", bind.address,
                   "--zone", "zen.spamhaus.org", "--zone", "good.bl.test", "--timeout", "2", "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["answers"]["ip_listed"] == "yes"
    assert doc["findings"][0]["cause"] == "compromised_workstation"
    evidence = doc["findings"][0]["evidence"][0]
    assert set(evidence) == {"file", "line", "text"} and evidence["file"] == "live check: blocklists"
    assert isinstance(evidence["line"], int)
    assert doc["live_checks"]["blacklist"]["state"] == "listed"
    assert "is listed on 2 of 2 lists" in proc.stderr

    text = run_cli("triage", "--check-blacklist", CLEAN_IP, "--resolver", bind.address, "--zone", "good.bl.test")
    # a clean listing alone does not cover the server's health (issue 11): not enough evidence, exit 3
    assert text.returncode == 3, text.stderr
    assert f"Blocklist check: {CLEAN_IP} is clean" in text.stdout
    assert text.stdout.startswith("Not enough evidence to tell")


def test_cli_incomplete_check_exits_3(run_cli, bind):
    proc = run_cli("triage", "--check-blacklist", CLEAN_IP, "--resolver", bind.address, "--zone", "closed.bl.test",
                   "--timeout", "1", "--json")
    assert proc.returncode == 3, proc.stderr
    assert json.loads(proc.stdout)["live_checks"]["blacklist"]["state"] == "unknown"


def test_cli_bad_live_options(run_cli):
    for args, message in (
        (("--check-blacklist", "300.1.1.1"), "not an IP address"),
        (("--zone", "zen.spamhaus.org", "--queues-long", "yes"), "--resolver, --zone and --dqs-key belong to --check-blacklist"),
        (("--check-blacklist", "192.0.2.1", "--relay-test", "host:0"), "not a port number"),
    ):
        proc = run_cli("triage", *args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr

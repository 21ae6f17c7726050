"""The triage's live relay test against real Postfix: how the result moves the open-relay cause.

``postfix_open`` trusts 127.0.0.0/8 (so it takes outside-to-outside recipients from the
test), ``postfix_closed`` trusts nobody. The relay test never sends DATA.
"""

from __future__ import annotations

import json

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.live import LiveChecks, relay_state, relay_summary, run_relay, split_host_port


def _open_relay(result) -> float:
    return result.scores["open_relay"]["confidence"]


def test_accepted_variant_is_strong_evidence(postfix_open):
    doc = run_relay("127.0.0.1", postfix_open.ports["smtp"], timeout=5, assume_untrusted=True)
    assert relay_state(doc) == "open" and doc["data_sent"] is False
    kind, text = relay_summary(doc)
    accepted = sum(a["relayed"] for a in doc["attempts"])
    assert kind == "bad" and f"accepted {accepted} of {len(doc['attempts'])} relay variants" in text
    answers = Answers({"queues_long": "yes"})
    before, after = analyse(answers=answers), analyse(answers=answers, live=LiveChecks(relay=doc))
    assert _open_relay(after) >= 0.8 > _open_relay(before)
    top = after.findings[0]
    assert top.cause == "open_relay"
    assert top.reasons[0].startswith("Live relay test: 127.0.0.1 port")
    assert top.evidence[0].file == "live check: relay test"
    assert "RCPT TO:<sbskit-relaytest@example.net> -> 250" in top.evidence[0].text


def test_nothing_accepted_lowers_open_relay(postfix_closed):
    doc = run_relay("127.0.0.1", postfix_closed.ports["smtp"], timeout=5)
    assert relay_state(doc) == "closed"
    assert relay_summary(doc)[1].endswith(f"accepted none of the {len(doc['attempts'])} relay variants. No DATA was sent.")
    answers = Answers({"queues_long": "yes", "ip_listed": "yes"})
    before, after = analyse(answers=answers), analyse(answers=answers, live=LiveChecks(relay=doc))
    assert _open_relay(after) < _open_relay(before) - 0.1
    assert "open_relay" not in [f.cause for f in after.findings]
    assert after.scores["open_relay"]["reasons"][0].startswith("Live relay test:")


def test_test_that_cannot_connect_changes_nothing(unused_port):
    doc = run_relay("127.0.0.1", unused_port, timeout=2)
    assert relay_state(doc) == "unknown"
    kind, text = relay_summary(doc)
    assert kind == "unknown" and "could not complete" in text
    answers = Answers({"queues_long": "yes"})
    after = analyse(answers=answers, live=LiveChecks(relay=doc))
    assert after.scores["open_relay"]["confidence"] == analyse(answers=answers).scores["open_relay"]["confidence"]
    assert "neither confirms nor rules out" in after.scores["open_relay"]["reasons"][0]


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as s:  # bound, then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_split_host_port():
    assert split_host_port("mail.example.com") == ("mail.example.com", 25)
    assert split_host_port("127.0.0.1:2525") == ("127.0.0.1", 2525)
    assert split_host_port("[::1]:2525") == ("::1", 2525)
    for bad in ("", "host:0", "host:70000"):
        with pytest.raises(UserInputError):
            split_host_port(bad)


# --- the CLI ------------------------------------------------------------------------------
def test_cli_relay_test_from_loopback_is_no_open_relay_verdict(run_cli, postfix_open):
    """Postfix trusts loopback (mynetworks): acceptance from here says nothing about the internet."""
    proc = run_cli("triage", "--relay-test", f"127.0.0.1:{postfix_open.ports['smtp']}", "--timeout", "5", "--json")
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    relay = doc["live_checks"]["relay"]
    assert relay["state"] == "unknown" and relay["open_relay"] is None and relay["data_sent"] is False
    assert "from the server itself (127.0.0.1), an address the server may trust" in relay["summary"]
    assert not doc["findings"] or doc["findings"][0]["confidence"] < 0.8
    assert "never DATA" in proc.stderr


def test_cli_relay_test_closed_and_unreachable(run_cli, postfix_closed, unused_port):
    proc = run_cli("triage", "--queues-long", "yes", "--relay-test", f"127.0.0.1:{postfix_closed.ports['smtp']}")
    # a closed relay explains no long queues: without logs the triage cannot tell (issue 11), exit 3, never 0
    assert proc.returncode == 3, proc.stderr
    assert "Relay test: 127.0.0.1 port" in proc.stdout and "accepted none of the" in proc.stdout
    down = run_cli("triage", "--relay-test", f"127.0.0.1:{unused_port}", "--timeout", "2", "--json")
    assert down.returncode == 3, down.stderr
    assert json.loads(down.stdout)["live_checks"]["relay"]["state"] == "unknown"

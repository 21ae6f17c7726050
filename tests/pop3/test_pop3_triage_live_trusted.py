"""A relay test run from inside the client's network (a trusted vantage) never confirms an open relay.

Real Postfix on loopback: ``postfix_open`` trusts 127.0.0.0/8 and takes the relay variants from here. From a trusted address the relay test's own verdict
is "could not tell" (``open_relay`` null), so the triage must not turn it into "Cause found:
open relay", whatever the answers say.
"""

from __future__ import annotations

import json

import pytest

from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.live import LiveChecks, relay_state, run_relay

LOUD = {"queues_long": "yes", "ip_listed": "yes", "users_get_ndrs": "yes"}  # every answer that points at a relay


def test_trusted_vantage_is_no_open_relay_verdict(postfix_open):
    postfix = postfix_open
    doc = run_relay("127.0.0.1", postfix.ports["smtp"], timeout=5)
    assert doc["open_relay"] is None and relay_state(doc) == "unknown"
    answers = Answers(dict(LOUD))
    before = analyse(answers=answers)
    after = analyse(answers=answers, live=LiveChecks(relay=doc))
    assert after.scores["open_relay"]["confidence"] == before.scores["open_relay"]["confidence"]
    assert after.scores["open_relay"]["evidence_logit"] == before.scores["open_relay"]["evidence_logit"]
    assert after.outcome != "cause", [(f.cause, f.confidence, f.confirmed) for f in after.findings]
    assert not any(f.cause == "open_relay" and (f.confirmed or f.confidence >= 0.8) for f in after.findings)
    assert "neither confirms nor rules out" in after.scores["open_relay"]["reasons"][0]
    assert not any("RCPT TO" in e.text for f in after.findings for e in f.evidence)  # no accepted line as evidence


def test_cli_trusted_vantage_never_says_cause_found(run_cli, postfix_open):
    args = ["triage", "--queues-long", "yes", "--ip-listed", "yes", "--users-get-ndrs", "yes",
            "--relay-test", f"127.0.0.1:{postfix_open.ports['smtp']}", "--timeout", "5"]
    text = run_cli(*args)
    assert text.returncode == 3, text.stdout + text.stderr
    assert "Cause found" not in text.stdout.splitlines()[0]
    proc = run_cli(*args, "--json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 3 and doc["outcome"] != "cause"
    assert doc["live_checks"]["relay"]["state"] == "unknown"
    assert not any(f["cause"] == "open_relay" and f["confidence"] >= 0.8 for f in doc["findings"])


@pytest.mark.gui
def test_gui_live_page_from_a_trusted_vantage(triage_tab, qtbot, postfix_open):
    """Through the wizard: the answers, the live page's relay test (confirmed), then the result page."""
    from sbskit.ui.triage.wizard import TriageWizard

    wizard = triage_tab.wizard
    for qid, value in LOUD.items():
        wizard.symptoms.set_answer(qid, value)
    wizard.symptoms.server_ip.setText("127.0.0.1")
    wizard.next()
    wizard.next()
    assert wizard.currentId() == TriageWizard.LIVE
    live = wizard.live
    live.port_spin.setValue(postfix_open.ports["smtp"])
    live.confirm = lambda host, port: True
    live.relay.run.click()
    qtbot.waitUntil(lambda: not live.relay.busy, timeout=30000)
    assert "an address the server may trust" in live.relay.result.text()
    wizard.next()
    result = wizard.state.result
    assert result.as_dict()["live_checks"]["relay"]["state"] == "unknown"
    assert result.outcome != "cause"
    assert not any(f.cause == "open_relay" and (f.confirmed or f.confidence >= 0.8) for f in result.findings)

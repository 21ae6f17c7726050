"""The four cases that once got "healthy, exit 0" (issue 11), run through the real CLI."""

from __future__ import annotations

import json

from sbskit.core.triage import samples as S
from triage_pasted import RECEIVE_HEADER, RECEIVE_LINES, postqueue_unverified, write

LAST_ERROR_535 = ('451 4.4.0 Primary target IP address responded with: "535 5.7.8 Error: authentication failed: '
                  'authentication failure." Attempted failover to alternate host, but that did not succeed. Either '
                  "there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint "
                  "attempted was 192.0.2.25:587")


def _triage(run_cli, *paths, extra=()):
    args = ["triage", "--json", *extra]
    for path in paths:
        args += ["--evidence", str(path)]
    proc = run_cli(*args)
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else proc.stderr


def test_312_retry_messages_with_535_is_a_configuration_error(run_cli, evidence_dir):
    queues = S.queue_export([
        {"Identity": "SBS01\\4", "DeliveryType": "SmartHostConnectorDelivery", "Status": "Retry", "MessageCount": 312,
         "NextHopDomain": "[smtp.isp.example]", "LastError": LAST_ERROR_535},
        {"Identity": "SBS01\\Submission", "DeliveryType": "Undefined", "Status": "Ready", "MessageCount": 0,
         "NextHopDomain": "Submission"}])
    path = S.write_text(evidence_dir / "queues.csv", queues, encoding="utf-16-le", bom=True)
    code, doc = _triage(run_cli, path)
    assert code == 1 and doc["outcome"] == "cause"
    top = doc["findings"][0]
    assert top["cause"] == "configuration_error" and top["confirmed"]
    assert "smart host refuses the logon" in top["summary"].lower() and "312" in top["summary"]
    (reply,) = [r for r in doc["replies"] if r["pattern"] == "auth_failed_578"]
    assert reply["count"] == 312 and reply["code"] == "5.7.8" and reply["sources"] == ["Get-Queue LastError"]
    commands = " ".join(s["command"] + " ".join(a["command"] for a in s["alternatives"]) for s in top["plan"])
    assert "-SmartHosts 'smtp.isp.example'" in commands  # the smart host named in the evidence is filled in
    assert doc["platform"] == "exchange"  # no version in a CSV export: commands per version, none assumed
    assert all(s["command"] == "" for s in top["plan"] if s["alternatives"])
    titles = [s["title"] for s in top["plan"]]  # only the "if ..." steps this evidence calls for
    assert any(t.startswith("If the smart host refuses the logon") for t in titles)
    assert not any(t.startswith(("If DNS lookups fail", "If 'A matching connector", "If connections time out")) for t in titles)


def test_postqueue_with_unverified_client_host_names_the_host_name(run_cli, evidence_dir):
    code, doc = _triage(run_cli, postqueue_unverified(evidence_dir))
    assert code == 1 and doc["outcome"] == "cause"
    top = doc["findings"][0]
    assert top["cause"] == "mail_dns" and "does not verify" in top["summary"]
    assert "Mail DNS health check" in top["summary"]
    assert doc["platform"] == "postfix"
    text = " ".join(top["actions"])
    assert "postconf" in text and "sbskit-cli maildns" in text
    for cmdlet in ("Get-Queue", "Set-SendConnector", "Get-SendConnector", "Retry-Queue"):
        assert cmdlet not in text and cmdlet not in json.dumps(doc["missing_evidence"])
    (reply,) = doc["replies"]
    assert reply["mail_dns_check"] and reply["code"] == "4.7.1"


def test_internet_host_failing_auth_login_is_shown(run_cli, evidence_dir):
    path = write(evidence_dir, "RECV2026112716-1.LOG", RECEIVE_HEADER + RECEIVE_LINES)
    code, doc = _triage(run_cli, path)
    assert code == 3 and doc["outcome"] == "not_enough_evidence"
    (logons,) = [n for n in doc["noteworthy"] if n["kind"] == "failed_logons"]
    assert logons["title"] == "1 failed logon from 1 internet address (password guessing?)"  # logged twice by Exchange, one attempt
    assert logons["lines"] == ["203.0.113.77: 1 failed logon, tried administrator@smallbiz.example"]
    assert any(r["code"] == "5.7.3" and r["direction"] == "inbound" for r in doc["replies"])
    proc = run_cli("triage", "--evidence", str(path))
    assert proc.returncode == 3 and "203.0.113.77: 1 failed logon, tried administrator@smallbiz.example" in proc.stdout


def test_two_tracking_records_are_not_enough(run_cli, evidence_dir):
    log = S.TrackingLog("2010", seed=3)
    mid = log.add("RECEIVE", "SMTP", "bob@partner.example", ["anna@smallbiz.example"], client_ip="203.0.113.5")
    log.add("DELIVER", "STOREDRIVER", "bob@partner.example", ["anna@smallbiz.example"], internal_id=mid)
    path = S.write_text(evidence_dir / "MSGTRK20261127-1.LOG", log.lines)
    code, doc = _triage(run_cli, path)
    assert code == 3 and doc["outcome"] == "not_enough_evidence" and doc["findings"] == []
    assert doc["rests_on"] == "" and "healthy" not in doc["verdict"].lower()
    assert any("working day" in g for g in doc["coverage"]["gaps"])
    assert doc["missing_evidence"] and doc["platform"] == "exchange-2010"

"""``sbskit-cli triage`` end to end: JSON per the contract, exit codes, report, one-line errors."""

from __future__ import annotations

import json

from triage_fixtures import auth_relay, backscatter, healthy, workstation

CONTRACT_FINDING_KEYS = {"cause", "confidence", "summary", "evidence", "actions"}


def test_json_contract_and_exit_1(run_cli, evidence_dir):
    tracking, queues = backscatter(evidence_dir)
    proc = run_cli("triage", "--tracking-log", str(tracking), "--queue-export", str(queues), "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert [i["file"] for i in doc["inputs"]] == [str(tracking), str(queues)]
    for item in doc["inputs"]:
        assert {"file", "format", "records", "skipped"} <= set(item)
    assert doc["inputs"][1]["encoding"] == "UTF-16LE with BOM"
    finding = doc["findings"][0]
    assert CONTRACT_FINDING_KEYS <= set(finding)
    assert finding["cause"] == "ndr_backscatter" and 0.0 <= finding["confidence"] <= 1.0
    assert {"file", "line", "text"} == set(finding["evidence"][0])
    assert {e["file"] for e in finding["evidence"]} <= {i["file"] for i in doc["inputs"]}  # joinable
    assert all(isinstance(a, str) for a in finding["actions"])
    confidences = [f["confidence"] for f in doc["findings"]]
    assert confidences == sorted(confidences, reverse=True)


def test_healthy_exit_0(run_cli, evidence_dir):
    files = healthy(evidence_dir)
    args = ["triage", "--json"]
    for f in files:
        args += ["--evidence", str(f)]
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout)["findings"] == []


def test_text_output_and_report(run_cli, evidence_dir, tmp_path):
    files = workstation(evidence_dir)
    report = tmp_path / "triage.html"
    proc = run_cli("triage", "--firewall-log", str(files[0]), "--firewall-log", str(files[1]),
                   "--server-ip", "192.168.1.10", "--ip-listed", "yes", "--queues-long", "no", "--report", str(report))
    assert proc.returncode == 1
    assert proc.stdout.startswith("Most likely cause: Compromised workstation")
    assert "192.168.1.37" in proc.stdout and "pfirewall.log:" in proc.stdout
    html = report.read_text(encoding="utf-8")
    assert "Action plan" in html and "192.168.1.37" in html and "<pre>" in html


def test_answers_only_are_not_enough_evidence(run_cli):
    """Answers point at a cause but never confirm one: exit 3, the suspect listed, what to collect named."""
    proc = run_cli("triage", "--queues-long", "no", "--ip-listed", "yes", "--shared-ip", "yes", "--json")
    assert proc.returncode == 3
    doc = json.loads(proc.stdout)
    assert doc["outcome"] == "not_enough_evidence" and doc["rests_on"] == ""
    assert doc["inputs"] == [] and doc["findings"][0]["cause"] == "compromised_workstation"
    assert doc["answers"]["ip_listed"] == "yes"
    assert doc["verdict"].startswith("Not enough evidence to tell: your answers point to possible causes")
    assert any(m["evidence"] == "firewall_log" for m in doc["missing_evidence"])
    assert doc["platform"] == "unknown"


def test_exit_2_cases(run_cli, evidence_dir):
    empty = evidence_dir / "empty.log"
    empty.write_bytes(b"")
    for args, words in (
        (("triage",), "nothing to analyse"),
        (("triage", "--evidence", str(empty)), "none of the files could be used"),
        (("triage", "--queues-long", "maybe"), "answer yes, no or unknown"),
        (("triage", "--ip-listed", "yes", "--server-ip", "not-an-ip"), "not an IP address"),
    ):
        proc = run_cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert words in proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_exchange_version_option(run_cli, evidence_dir):
    files = auth_relay(evidence_dir)
    proc = run_cli("triage", "--protocol-log", str(files[0]), "--exchange-version", "2007", "--json")
    doc = json.loads(proc.stdout)
    assert doc["exchange_version"] == "2007"
    assert any("Default $env:COMPUTERNAME" in a for a in doc["findings"][0]["actions"])

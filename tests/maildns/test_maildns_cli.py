"""``sbskit-cli maildns`` as a real process against the test BIND: contract keys, exit codes, reports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from maildns_world import SERVER

CHECK_KEYS = {"id", "status", "title", "detail", "evidence", "fix"}


def test_problem_exit_1_and_contract_json(bind, run_cli):
    proc = run_cli("maildns", "nodmarc.test", "--ip", SERVER, "--resolver", bind.address, "--timeout", "1", "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["domain"] == "nodmarc.test" and doc["ip"] == SERVER
    assert {"domain", "ip", "checks", "summary"} <= set(doc)
    for check in doc["checks"]:
        assert CHECK_KEYS <= set(check)
        assert check["status"] in ("ok", "warning", "problem", "error")
    ids = [c["id"] for c in doc["checks"]]
    assert ids[:6] == ["mx", "spf", "spf-ip", "dmarc", "dkim", "ptr"]
    assert doc["summary"]["problem"] == 1 and doc["summary"]["verdict"] == "problems"
    assert proc.stderr == ""


def test_healthy_exit_0_and_readable_text(bind, run_cli):
    proc = run_cli("maildns", "good.test", "--ip", SERVER, "--resolver", bind.address, "--timeout", "1")
    assert proc.returncode == 0, proc.stderr
    assert "Mail DNS health of good.test sending from 203.0.113.25" in proc.stdout
    assert "All 6 checks passed with evidence." in proc.stdout


def test_warnings_only_exit_0(bind, run_cli):
    proc = run_cli("maildns", "pnone.test", "--ip", SERVER, "--resolver", bind.address, "--timeout", "1")
    assert proc.returncode == 0, proc.stderr
    assert "WARN  dmarc" in proc.stdout


def test_could_not_tell_exit_3(bind, run_cli):
    proc = run_cli("maildns", "servfail.test", "--ip", SERVER, "--resolver", bind.address, "--timeout", "1", "--json")
    assert proc.returncode == 3
    assert json.loads(proc.stdout)["summary"]["verdict"] == "could-not-tell"


def test_text_shows_receivers_reply_fix_and_records(bind, run_cli):
    proc = run_cli("maildns", "nospf.test", "--ip", SERVER, "--resolver", bind.address, "--timeout", "1", "--evidence")
    assert proc.returncode == 1
    out = proc.stdout
    assert "PROBLEM  spf" in out and "Gmail: \"550-5.7.26" in out
    assert "Records to publish:" in out and 'nospf.test.  TXT  "v=spf1 mx ~all"' in out
    assert "TXT nospf.test: no TXT record" in out  # --evidence prints the DNS answers


def test_report_file(bind, run_cli, tmp_path):
    report = tmp_path / "maildns.html"
    proc = run_cli("maildns", "weakdkim.test", "--ip", SERVER, "--dkim-selector", "s512", "--resolver", bind.address,
                   "--timeout", "1", "--report", str(report))
    assert proc.returncode == 1
    html = report.read_text(encoding="utf-8")
    assert "Mail DNS health: weakdkim.test" in html and "512-bit" in html


@pytest.mark.parametrize("args,message", [
    (["not a domain"], "contains a space"),
    (["user@example.com"], "is an email address: give its domain (example.com)"),
    (["203.0.113.5"], "is an IP address: give the mail domain"),
    (["localhost"], "has no dot"),
    (["a..example.com"], "empty label"),
    (["x" * 64 + ".example.com"], "at most 63"),
    (["https://example.com/"], "is a web address"),
    (["example.com", "--ip", "999.1.1.1"], "is not a valid IP address"),
    (["example.com", "--resolver", "dns.example"], "is not an IP address"),
    (["example.com", "--dkim-selector", "bad selector"], "DKIM selector 'bad selector' is not valid"),
    (["example.com", "--timeout", "0"], "timeout must be more than 0 and at most 3600 seconds, not 0"),
])
def test_bad_input_exit_2_with_one_line(run_cli, args, message):
    proc = run_cli("maildns", *args, "--resolver", "127.0.0.1:9") if "--resolver" not in args else run_cli("maildns", *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_cli_does_not_import_dnspython_or_qt(bind):
    code = ("import sys; from sbskit.cli import main; rc = main(['maildns', 'good.test', '--resolver', %r, "
            "'--timeout', '1', '--json']); bad = [m for m in sys.modules if m == 'dns' or m.startswith(('dns.', "
            "'PySide6'))]; print('BAD', bad, file=sys.stderr); sys.exit(rc)" % bind.address)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "BAD []" in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1)

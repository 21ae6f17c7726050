"""The triage's live Mail DNS check against the maildns test BIND: how the records now move the DNS cause.

Every document here comes from the real maildns engine asking the loopback BIND (``bind``
fixture, zones from ``maildns_world``); the evidence is a maillog written here in Postfix's
shape. Records wrong now confirm the mail_dns cause, records in order weaken it, and a check
that could not finish (SERVFAIL) is "could not tell": it moves nothing and spoils "healthy".
"""

from __future__ import annotations

import json

import pytest

from maildns_world import SERVER
from sbskit.core.errors import UserInputError
from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.live import LiveChecks
from sbskit.core.triage.live_maildns import MAILDNS_FILE, maildns_state, maildns_summary, run_maildns

GMAIL_5726 = ("host mx.gmail.example[192.0.2.27] said: 550-5.7.26 This mail has been blocked because the sender is "
              "unauthenticated. 550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM. "
              "(in reply to end of DATA command)")
NO_PTR = "host mx.partner.example[192.0.2.28] said: 450 4.7.25 Client host rejected: cannot find your hostname, [{ip}]"


def _maillog(folder, reason: str, n: int = 4):
    lines = [f"Mar  3 10:0{i}:00 mx1 postfix/smtp[10{i}]: 4F2A{i}B: to=<ann{i}@gmail.example>, relay=mx.gmail.example"
             f"[192.0.2.27]:25, delay=1, delays=0.1/0/0.5/0.4, dsn=5.7.26, status=bounced ({reason})" for i in range(n)]
    path = folder / "mail.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _check(bind, domain, ip=SERVER):
    return run_maildns(domain, ip, [bind.address], 1.0)


def _mail_dns(result) -> dict:
    return result.scores["mail_dns"]


def test_records_wrong_now_confirm_the_dns_cause(bind, tmp_path):
    doc = _check(bind, "nospf.test")
    assert maildns_state(doc) == "problem"
    evidence = [_maillog(tmp_path, GMAIL_5726, n=1)]  # one refusal: a cause, but a modest one
    before = analyse(evidence)
    after = analyse(evidence, live=LiveChecks(maildns=doc))
    assert _mail_dns(after)["confidence"] > _mail_dns(before)["confidence"] + 0.2
    top = after.findings[0]
    assert top.cause == "mail_dns" and top.confirmed and after.exit_code == 1
    assert top.reasons[0].startswith(f"Live Mail DNS check of nospf.test ({SERVER}): SPF record, SPF for the IP wrong now")
    assert top.evidence[0].file == MAILDNS_FILE and top.evidence[0].where() == MAILDNS_FILE
    assert top.evidence[0].text.startswith("spf: problem")
    commands = " ".join(s["command"] for s in top.plan)
    assert f"sbskit-cli maildns nospf.test --ip {SERVER}" in commands  # filled from the check
    live = after.as_dict()["live_checks"]["maildns"]
    assert live["state"] == "problem" and live["domain"] == "nospf.test"
    assert {c["id"]: c["status"] for c in live["checks"]}["spf"] == "problem"
    json.dumps(after.as_dict())


def test_records_in_order_now_weaken_the_dns_cause(bind, tmp_path):
    doc = _check(bind, "good.test")
    assert maildns_state(doc) == "ok"
    assert maildns_summary(doc) == ("good", f"Mail DNS of good.test sending from {SERVER}: All 6 checks passed with evidence.")
    evidence = [_maillog(tmp_path, GMAIL_5726)]
    before, after = analyse(evidence), analyse(evidence, live=LiveChecks(maildns=doc))
    assert _mail_dns(after)["confidence"] < _mail_dns(before)["confidence"] - 0.2
    reason = _mail_dns(after)["reasons"][0]
    assert reason.startswith(f"Live Mail DNS check of good.test ({SERVER}): SPF record, SPF for the IP, DMARC, DKIM in order now")
    assert "predate a fix" in reason


def test_only_the_records_the_refusals_are_about_count(bind, tmp_path):
    """PTR refusals: nodmarc.test's missing DMARC is a problem, but not what these receivers refuse for."""
    doc = _check(bind, "nodmarc.test")
    evidence = [_maillog(tmp_path, NO_PTR.format(ip=SERVER))]
    result = analyse(evidence, live=LiveChecks(maildns=doc))
    assert _mail_dns(result)["reasons"][0].startswith(f"Live Mail DNS check of nodmarc.test ({SERVER}): PTR in order now")
    assert _mail_dns(result)["confidence"] < _mail_dns(analyse(evidence))["confidence"]


def test_a_check_that_could_not_finish_moves_nothing_and_spoils_healthy(bind, tmp_path):
    doc = _check(bind, "servfail.test")
    assert maildns_state(doc) == "unknown" and maildns_summary(doc)[0] == "unknown"
    evidence = [_maillog(tmp_path, GMAIL_5726)]
    before, after = analyse(evidence), analyse(evidence, live=LiveChecks(maildns=doc))
    assert _mail_dns(after)["confidence"] == _mail_dns(before)["confidence"]
    assert "could not tell" in _mail_dns(after)["reasons"][0]
    assert LiveChecks(maildns=doc).incomplete()
    assert "a live check could not be completed" in after.coverage.gaps


def test_a_clean_check_alone_is_not_healthy_and_a_problem_alone_is_a_cause(bind):
    clean = analyse(live=LiveChecks(maildns=_check(bind, "good.test")))
    assert clean.outcome == "not_enough_evidence" and clean.exit_code == 3
    wrong = analyse(live=LiveChecks(maildns=_check(bind, "nodmarc.test")))
    assert wrong.exit_code == 1 and wrong.findings[0].cause == "mail_dns"


def test_answers_do_not_override_the_check(bind, tmp_path):
    evidence = [_maillog(tmp_path, GMAIL_5726)]
    result = analyse(evidence, Answers({"users_get_ndrs": "no"}), live=LiveChecks(maildns=_check(bind, "nospf.test")))
    assert result.exit_code == 1 and result.findings[0].cause == "mail_dns"


@pytest.mark.parametrize("domain, ip, message", [("bad domain", None, "contains a space"),
                                                 ("example.com", "300.1.1.1", "not a valid IP address")])
def test_bad_input_is_a_user_error(domain, ip, message):
    with pytest.raises(UserInputError, match=message):
        run_maildns(domain, ip, ["127.0.0.1:1"], 1.0)


# --- the CLI ------------------------------------------------------------------------------
def test_cli_check_maildns(run_cli, bind, tmp_path):
    log = _maillog(tmp_path, GMAIL_5726, n=1)
    proc = run_cli("triage", "--evidence", str(log), "--check-maildns", "nospf.test", "--ip", SERVER,
                   "--resolver", bind.address, "--timeout", "1", "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["live_checks"]["maildns"]["state"] == "problem"
    top = doc["findings"][0]
    assert top["cause"] == "mail_dns" and top["evidence"][0]["file"] == MAILDNS_FILE
    assert f"Checking the mail DNS of nospf.test for {SERVER}" in proc.stderr
    assert "Mail DNS of nospf.test sending from 203.0.113.25:" in proc.stderr

    text = run_cli("triage", "--evidence", str(log), "--check-maildns", "good.test", "--check-blacklist", SERVER,
                   "--zone", "none.invalid", "--resolver", bind.address, "--timeout", "1")
    assert "Mail DNS check: Mail DNS of good.test sending from 203.0.113.25" in text.stdout  # the blocklist IP is used

    unknown = run_cli("triage", "--check-maildns", "servfail.test", "--ip", SERVER, "--resolver", bind.address,
                      "--timeout", "1", "--json")
    assert unknown.returncode == 3, unknown.stderr
    assert json.loads(unknown.stdout)["live_checks"]["maildns"]["state"] == "unknown"


def test_cli_bad_maildns_options(run_cli):
    for args, message in (
        (("--ip", "192.0.2.1", "--queues-long", "yes"), "--ip belongs to --check-maildns DOMAIN"),
        (("--check-maildns", "bad domain"), "contains a space"),
        (("--check-maildns", "example.com", "--ip", "300.1.1.1"), "not a valid IP address"),
        (("--check-maildns", "example.com", "--resolver", "not-a-resolver"), "not an IP address"),
        (("--check-maildns", "example.com", "--timeout", "90"), "at most 60 seconds"),
    ):
        proc = run_cli("triage", *args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr, (args, proc.stderr)

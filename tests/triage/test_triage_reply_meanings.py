"""Replies whose meaning decides the advice (issue 11, second round), through the whole triage.

A refused reverse DNS in free.fr's words, Cloudmark's block at Orange, a missing SASL plugin
(not a wrong password), Spamhaus refusing *our* lookups (not a listing), our own LMTP socket
missing (not an unknown recipient), our TLS policy demanding TLS (never fixed by demanding
it harder), a DNS "no data" answer. And no Postfix plan speaks of Exchange's connectors.
"""

from __future__ import annotations

import json
import re

import pytest

from sbskit.core.resources import load_json
from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.model import CAUSES
from sbskit.core.triage.plan import plan_for
from triage_pasted import write

EXCHANGE_WORDS = re.compile(r"connector|accepted domain|Get-Queue|Get-Message\b|-SendConnector|Exchange System Manager"
                            r"|Get-TransportService|Get-IPBlockListProvider|Enable-ExchangeCertificate", re.I)


def _maillog(evidence_dir, *messages, prog="postfix/smtp"):
    qid = "" if prog.endswith("smtpd") else "4F2A{}B: "
    lines = [f"Mar  3 10:0{i}:00 mx1 {prog}[10{i}]: {qid.format(i)}{m}" for i, m in enumerate(messages)]
    return write(evidence_dir, "mail.log", lines, crlf=False)


def _plan_text(result) -> str:
    return json.dumps([f.plan for f in result.findings])


def _deferred(reason: str, to: str = "ann@example.net", relay: str = "mx.example.net[192.0.2.8]:25") -> str:
    return (f"to=<{to}>, relay={relay}, delay=60, delays=55/1/4/0, dsn=4.0.0, status=deferred ({reason})")


FREE_PTR = "host mx.example.net[192.0.2.8] refused to talk to me: 421 Refused. Your reverse DNS entry does not resolve to an IP."


@pytest.mark.parametrize("answers", [{}, {"ip_listed": "no", "queues_long": "yes", "users_get_ndrs": "yes"},
                                     {"ip_listed": "yes", "queues_long": "yes", "users_get_ndrs": "yes"}])
def test_a_refused_reverse_dns_in_the_receivers_words(evidence_dir, answers):
    path = _maillog(evidence_dir, *[_deferred(FREE_PTR, f"u{i}@example.net") for i in range(4)])
    result = analyse([path], Answers(answers))
    assert result.replies[0]["pattern"] == "cannot_find_hostname" and result.replies[0]["count"] == 4
    assert result.exit_code == 1 and result.findings[0].cause == "mail_dns"
    assert "dig +short -x" in _plan_text(result)


def test_cloudmark_at_orange_is_a_block_of_our_ip(evidence_dir):
    reason = ("host mx.orange.example[192.0.2.9] refused to talk to me: 550 mwinf ME Adresse IP source bloquee pour "
              "incident de spam. Client host blocked for spamming issues. OFR006_102 Ref "
              "http://csi.cloudmark.example/reset-request/?ip=198.51.100.7 [102]")
    result = analyse([_maillog(evidence_dir, _deferred(reason))])
    (reply,) = result.replies
    assert reply["pattern"] == "cloudmark_orange" and reply["list"] == "Cloudmark CSI (Orange)"
    assert result.exit_code == 1 and result.findings[0].cause == "blocklisted"


@pytest.mark.parametrize("reason", [
    "SASL authentication failed; cannot authenticate to server smtp.example.org[192.0.2.7]: no mechanism available",
    "SASL authentication failed: server smtp.example.org[192.0.2.7] offered no compatible authentication mechanisms "
    "for this type of connection security",
])
def test_no_sasl_mechanism_is_a_missing_plugin_not_a_wrong_password(evidence_dir, reason):
    result = analyse([_maillog(evidence_dir, _deferred(reason, relay="smtp.example.org[192.0.2.7]:587"))])
    (reply,) = result.replies
    assert reply["pattern"] == "sasl_no_mechanism" and "not a wrong password" in reply["meaning"]
    assert "libsasl2-modules" in reply["fix"] and "needs no change" in reply["fix"]
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    plan = _plan_text(result)
    assert "libsasl2-modules" in plan and "cyrus-sasl-plain" in plan
    assert "echo '[" not in plan  # no rewriting of sasl_passwd


OPEN_RESOLVER = ("554 5.7.1 Service unavailable; Client host [192.0.2.20] blocked using zen.spamhaus.org; Error: open "
                 "resolver; https://www.spamhaus.org/returnc/pub/203.0.113.53")


def test_our_own_dnsbl_lookups_refused_is_a_configuration_error(evidence_dir):
    lines = [f"NOQUEUE: reject: RCPT from mail.partner{i}.example[192.0.2.2{i}]: {OPEN_RESOLVER}; "
             f"from=<a@partner{i}.example> to=<ann@example.com> proto=ESMTP helo=<mail.partner{i}.example>" for i in range(3)]
    result = analyse([_maillog(evidence_dir, *lines, prog="postfix/smtpd")], Answers({"ip_listed": "no"}))
    (reply,) = result.replies
    assert reply["pattern"] == "dnsbl_open_resolver" and reply["direction"] == "inbound"
    assert "refuses every sender" in reply["meaning"] and "local recursive resolver" in reply["fix"]
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    assert "postscreen_dnsbl_sites" in _plan_text(result)


def test_a_receivers_open_resolver_error_is_not_our_listing(evidence_dir):
    text = f"<bob@partner.example>: host mx.partner.example[192.0.2.30]\n    said: {OPEN_RESOLVER} (in reply to RCPT TO\n    command)\n"
    result = analyse([write(evidence_dir, "bounce.txt", text)])
    (reply,) = result.replies
    assert reply["direction"] == "outbound" and "Not a listing of our IP" in reply["meaning"]
    assert reply["cause"] is None and result.exit_code == 3
    assert result.answers.get("ip_listed") is None  # not taken for a listing either


def test_our_lmtp_socket_missing_is_not_an_unknown_recipient(evidence_dir):
    line = ("NOQUEUE: reject: RCPT from unknown[192.0.2.30]: 450 4.1.1 <bob@example.com>: Recipient address rejected: "
            "unverified address: connect to mx1.example.com[private/dovecot-lmtp]: No such file or directory; "
            "from=<ann@example.org> to=<bob@example.com> proto=ESMTP helo=<pc1.example.org>")
    result = analyse([_maillog(evidence_dir, line, prog="postfix/smtpd")])
    (reply,) = result.replies
    assert reply["pattern"] == "verify_local_agent_down" and reply["direction"] == "inbound"
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    assert "dovecot-lmtp" in _plan_text(result)
    assert not any(n["kind"] == "unknown_recipients" for n in result.noteworthy)


def test_tls_required_but_not_offered_never_gets_mandatory_tls(evidence_dir):
    reason = "TLS is required, but was not offered by host mx.hotmail.example[192.0.2.60]"
    result = analyse([_maillog(evidence_dir, _deferred(reason, "ann@hotmail.example", "mx.hotmail.example[192.0.2.60]:25"))])
    (reply,) = result.replies
    assert reply["pattern"] == "tls_policy_not_offered"
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    plan = _plan_text(result) + reply["fix"]
    assert "= encrypt" not in plan and "relayhost =" not in plan
    assert "smtp_tls_policy_maps" in plan and "SMTP inspection" in plan


def test_dns_no_data_is_not_a_domain_that_does_not_exist(evidence_dir):
    reason = ("Host or domain name not found. Name service error for name=mx.outlook.example type=A: Host found but no "
              "data record of requested type")
    line = _deferred(reason, "ann@outlook.example", "none").replace("status=deferred", "status=bounced")
    result = analyse([_maillog(evidence_dir, line)])
    (reply,) = result.replies
    assert reply["pattern"] == "dns_no_data" and reply["category"] == "dns_failure"
    assert "our own resolver" in reply["meaning"]


def test_our_certificate_unusable_in_an_exchange_plan(evidence_dir):
    lines = ['451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out." Attempted '
             "failover to alternate host, but that did not succeed.",
             "2024-03-03T10:00:00.100Z,Outbound to Partner,08DC000000000001,20,,,*,,TLS negotiation failed with "
             "error UnknownCredentials"]
    result = analyse([write(evidence_dir, "paste.txt", lines)], exchange_version="2016")
    assert any(r["pattern"] == "tls_own_certificate" for r in result.replies)
    assert result.exit_code == 1 and "Enable-ExchangeCertificate" in _plan_text(result)


# --- the catalogue's advice, checked for harm and for the platform's words ----------------------------
def test_postfix_plans_never_speak_exchange():
    for cause in CAUSES:
        for step in plan_for(cause, "postfix"):  # every step, whatever the evidence shows
            text = f"{step['title']} {step['detail']} {step['command']}"
            assert not EXCHANGE_WORDS.search(text), (cause, text)


def test_postfix_fixes_of_the_catalogue_never_speak_exchange():
    from sbskit.core.triage.replies import patterns

    data = {e["id"]: e for e in load_json("triage-replies.json")["patterns"]}
    for p in patterns():
        if data[p.id].get("platform") == "exchange":  # Exchange's own wording: only an Exchange server says it
            continue
        fix = p.fix_postfix or p.fix
        assert not re.search(r"connector|Exchange|Set-\w+|Get-\w+", fix), (p.id, fix)


def test_mandatory_tls_is_never_advised_for_a_tls_policy_error():
    steps = plan_for("configuration_error", "postfix", kinds=["tls_policy"])
    assert steps and not any("encrypt" in s["command"] and "may" not in s["command"] for s in steps)
    data = load_json("triage-replies.json")
    for entry in data["patterns"]:
        for key in ("fix", "fix_postfix", "inbound_fix"):
            text = entry.get(key, "")
            if "smtp_tls_security_level = encrypt" in text:
                assert "relay" in text and "policy" in text, entry["id"]  # only for the relay host, per destination

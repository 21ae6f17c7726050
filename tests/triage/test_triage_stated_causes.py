"""Causes the evidence states in so many words are found from the evidence alone (no answers).

Our DNS failing in queue errors, a Postfix line that carries a remote refusal without its
``to=... status=`` line, a verbose (-v) log's ``< host: 530`` answer with 'no auth info found',
Postfix's own transports and local mailboxes, our own domain that our DNS cannot see.
All inputs are written here in the shapes real logs have (documentation addresses).
"""

from __future__ import annotations

import pytest

from sbskit.core.triage import analyse
from triage_pasted import write


def _run(folder, name, lines):
    return analyse([write(folder, name, lines, crlf=False)])


@pytest.mark.parametrize("lines", [
    ["451 4.4.0 DNS query failed. The error was: DNS query failed with error ServerFailure",
     "451 4.4.0 DNS query failed. The error was: ErrorTimeout"],
    ["LastError : 451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry"],
])
def test_our_dns_failing_in_queue_errors_is_a_configuration_cause(evidence_dir, lines):
    result = _run(evidence_dir, "lasterror.txt", lines)
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    assert result.replies[0]["pattern"] == "dns_server_failure"


def test_one_partner_domain_with_broken_dns_is_not_our_configuration(evidence_dir):
    lines = [f"Mar  3 10:0{i}:00 mx1 postfix/smtp[10{i}]: 4F2A{i}B: to=<u{i}@partner.example>, relay=none, delay=60, "
             "delays=55/1/4/0, dsn=4.4.3, status=deferred (Host or domain name not found. Name service error for "
             "name=partner.example type=MX: Host not found, try again)" for i in range(3)]
    result = _run(evidence_dir, "mail.log", lines)
    assert result.exit_code == 3 and not any(f.confirmed for f in result.findings)


def test_the_same_failure_for_several_domains_is_our_resolver(evidence_dir):
    lines = [f"Mar  3 10:0{i}:00 mx1 postfix/smtp[10{i}]: 4F2A{i}B: to=<u{i}@partner{i}.example>, relay=none, delay=60, "
             f"delays=55/1/4/0, dsn=4.4.3, status=deferred (Host or domain name not found. Name service error for "
             f"name=partner{i}.example type=MX: Host not found, try again)" for i in range(3)]
    result = _run(evidence_dir, "mail.log", lines)
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"


def test_our_own_domain_that_our_dns_cannot_see_is_a_configuration_cause(evidence_dir):
    rows = ["Identity,DeliveryType,Status,MessageCount,NextHopDomain,LastError",
            'SBS01\\12,SmtpRelayToRemoteAdSite,Retry,14,corp.smallbiz.local,"451 4.4.0 DNS query failed. The error '
            'was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain"']
    result = _run(evidence_dir, "queues.csv", rows)
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    assert "corp.smallbiz.local" in result.findings[0].summary + " ".join(result.findings[0].reasons)
    meaning = result.replies[0]["meaning"]
    assert "our server's DNS cannot see the name" in meaning


def test_a_refusal_logged_without_its_status_line_is_read(evidence_dir):
    lines = ["Mar  3 10:00:00 mx1 postfix/smtp[1001]: 4F2A1B: host mx.example.net[192.0.2.5] refused to talk to me: "
             "554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org"]
    result = _run(evidence_dir, "mail.log", lines)
    assert result.replies and result.replies[0]["pattern"] == "spamhaus"
    assert result.exit_code == 1 and result.findings[0].cause == "blocklisted"


def test_the_status_line_after_it_does_not_count_the_refusal_twice(evidence_dir):
    said = ("host mx.example.net[192.0.2.5] said: 450 4.7.1 <dsl-198-51-100-7.example>: Unverified Client host "
            "rejected: Generic - Please relay via ISP (in reply to RCPT TO command)")
    lines = [f"Mar  3 10:00:00 mx1 postfix/smtp[1001]: 4F2A1B: {said}",
             f"Mar  3 10:00:01 mx1 postfix/smtp[1001]: 4F2A1B: to=<bob@example.net>, relay=mx.example.net[192.0.2.5]:25,"
             f" delay=2, delays=0.1/0/1/0.9, dsn=4.7.1, status=deferred ({said})"]
    result = _run(evidence_dir, "mail.log", lines)
    (reply,) = result.replies
    assert reply["pattern"] == "unverified_client_host" and reply["count"] == 1
    assert result.coverage.failures == 1


def test_a_verbose_log_without_credentials_for_the_relay(evidence_dir):
    lines = ["Mar  3 10:00:00 mx1 postfix/smtp[1001]: smtp_sasl_passwd_lookup: no auth info found (sender=`', "
             "host=`relay.example.net')",
             "Mar  3 10:00:00 mx1 postfix/smtp[1001]: > relay.example.net[192.0.2.7]:587: MAIL FROM:<> SIZE=2850",
             "Mar  3 10:00:01 mx1 postfix/smtp[1001]: < relay.example.net[192.0.2.7]:587: 530 5.7.0 Authentication "
             "required",
             "Mar  3 10:00:01 mx1 postfix/smtp[1001]: connect to subsystem private/bounce"]
    result = _run(evidence_dir, "mail.log", lines)
    patterns = [r["pattern"] for r in result.replies]
    assert sorted(patterns) == ["auth_required_530", "sasl_no_credentials"]
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    assert result.inputs[0].skipped == 0


def test_no_auth_info_for_mx_hosts_that_need_no_logon_is_normal(evidence_dir):
    lines = ["Mar  3 10:00:00 mx1 postfix/smtp[1001]: smtp_sasl_passwd_lookup: no auth info found (sender=`ann@example."
             "com', host=`mx.example.net')",
             "Mar  3 10:00:01 mx1 postfix/smtp[1001]: 4F2A1B: to=<bob@example.net>, relay=mx.example.net[192.0.2.5]:25, "
             "delay=1, delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 7D2)"]
    result = _run(evidence_dir, "mail.log", lines)
    assert not result.replies and result.exit_code == 3


@pytest.mark.parametrize("reason, pattern", [
    ("mail transport unavailable", "mail_transport_unavailable"),
    ("cannot update mailbox /var/mail/backup for user backup. destination /var/mail/backup is not owned by recipient",
     "local_mailbox_unwritable"),
])
def test_our_own_transports_and_mailboxes_are_configuration_errors(evidence_dir, reason, pattern):
    lines = [f"2026-03-03T10:0{i}:00.000000+01:00 mx1 postfix/{'error' if 'transport' in reason else 'local'}[70{i}]: "
             f"B5D7A{i}: to=<backup@mx1.example.com>, relay={'none' if 'transport' in reason else 'local'}, delay=734, "
             f"delays=734/0/0/0, dsn=4.3.0, status=deferred ({reason})" for i in range(3)]
    result = _run(evidence_dir, "mail.log", lines)
    assert result.replies[0]["pattern"] == pattern and result.replies[0]["count"] == 3
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"

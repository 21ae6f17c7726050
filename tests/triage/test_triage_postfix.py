"""Postfix evidence: maillog, mailq and postqueue -j are read, and only Postfix actions come back."""

from __future__ import annotations

import json
import re

from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.sniff import sniff_file
from triage_fixtures import mail_dns
from triage_pasted import MAILQ, maillog_lines, write

# Exchange cmdlets and tools (Windows PC firewall commands are fine on any site: the PCs run Windows)
EXCHANGE_ONLY = re.compile(
    r"\b(?:Get-Queue|Get-Message\b|Get-MessageTrackingLog|Retry-Queue|Resume-Queue|Suspend-Queue|Remove-Message|"
    r"\w+-SendConnector|\w+-ReceiveConnector|\w+-Transport(?:Service|Server)|\w+-AcceptedDomain|\w+-RemoteDomain|"
    r"\w+-RecipientFilterConfig|Get-EmailAddressPolicy|Get-ExchangeDiagnosticInfo)|Exchange System Manager")


def _commands(result) -> str:
    return json.dumps([f.plan for f in result.findings]) + json.dumps(result.missing)


def test_maillog_is_read(evidence_dir):
    path = write(evidence_dir, "mail.log", maillog_lines(hours=10, sent=30, deferred=4), crlf=False)
    assert sniff_file(path).format == "postfix_maillog"
    result = analyse([path])
    (summary,) = result.inputs
    assert summary.records == len(maillog_lines(hours=10, sent=30, deferred=4)) and summary.skipped == 0
    assert result.platform.id == "postfix"
    logons = next(n for n in result.noteworthy if n["kind"] == "failed_logons")
    assert logons["lines"] == ["203.0.113.77: 2 failed logons, tried admin"]
    relay = next(n for n in result.noteworthy if n["kind"] == "relay_refused")
    assert relay["lines"][0].startswith("gmail.example.com: 1 refusal")
    deferred = next(r for r in result.replies if r["pattern"] == "unverified_client_host")
    assert deferred["count"] == 4 and deferred["sources"] == ["Postfix maillog"]
    assert result.outcome == "cause" and result.findings[0].cause == "mail_dns"
    assert result.coverage.messages == 15 and result.coverage.delivered == 15 and result.coverage.hours > 9
    assert not EXCHANGE_ONLY.search(_commands(result))


def test_a_clean_maillog_over_a_working_day_is_healthy(evidence_dir):
    path = write(evidence_dir, "mail.log", maillog_lines(hours=10, sent=40), crlf=False)
    result = analyse([path])
    assert result.outcome == "healthy", result.coverage.gaps
    assert "h of delivery logs" in result.rests_on and "no queue snapshot" in result.rests_on
    assert any(n["kind"] == "failed_logons" for n in result.noteworthy)  # shown even when healthy


def test_mailq_reads_reasons_flags_and_bounces(evidence_dir):
    path = write(evidence_dir, "mailq.txt", MAILQ, crlf=False)
    assert sniff_file(path).format == "postfix_mailq"
    result = analyse([path])
    assert result.inputs[0].records == 3
    assert {r["pattern"] for r in result.replies} == {"unverified_client_host", "spamhaus"}
    spamhaus = next(r for r in result.replies if r["pattern"] == "spamhaus")
    assert "refused to talk to me" not in spamhaus["text"] and spamhaus["text"].startswith("554 5.7.1 Service unavailable")
    assert result.platform.id == "postfix"
    queues = next(n for n in result.noteworthy if n["kind"] == "queues")
    assert queues["title"] == "3 messages in the queues, 2 waiting for a retry"
    assert not EXCHANGE_ONLY.search(_commands(result))


def test_empty_mailq_is_a_reading(evidence_dir):
    path = write(evidence_dir, "mailq.txt", "Mail queue is empty", crlf=False)
    result = analyse([path])
    assert result.inputs[0].usable and result.outcome == "not_enough_evidence"
    assert result.coverage.queued == 0


def test_postqueue_json_with_answers_still_gets_postfix_actions(evidence_dir):
    """The old failure: the same Postfix queue, with answers, got an Exchange PowerShell plan."""
    answers = Answers({"queues_long": "yes", "users_get_ndrs": "yes", "smart_host": "no"})
    result = analyse(mail_dns(evidence_dir), answers)
    assert result.platform.id == "postfix" and result.findings
    text = _commands(result)
    assert "postconf" in text and not EXCHANGE_ONLY.search(text)


def test_chosen_exchange_version_does_not_override_postfix_evidence(evidence_dir):
    result = analyse(mail_dns(evidence_dir), exchange_version="2010")
    assert result.platform.id == "postfix" and "Postfix" in result.platform.note
    assert not EXCHANGE_ONLY.search(_commands(result))


def test_queue_growth_is_shown_from_arrival_times(evidence_dir):
    result = analyse(mail_dns(evidence_dir))  # 24 deferred messages, one every 10 minutes
    queues = next(n for n in result.noteworthy if n["kind"] == "queues")
    assert "The 24 queued messages arrived over 3.8 h since" in queues["lines"][-1]
    assert queues["lines"][-1].endswith("about 6 per hour")

"""Mixed evidence: each finding's commands follow the mail system of the evidence behind it.

An Exchange receive log next to a Postfix queue (a consultant's folder of several clients, or a
Postfix relay in front of Exchange): the reputation refusals are in the Postfix queue, so the
plan is Postfix's, and the mix is said.
"""

from __future__ import annotations

import json
import re

from sbskit.core.triage import analyse
from sbskit.core.triage.render import to_text
from triage_pasted import RECEIVE_HEADER, RECEIVE_LINES, write

EXCHANGE_ONLY = re.compile(r"Get-Queue|Get-Message\b|-SendConnector|-ReceiveConnector|-TransportService")
S775 = "451 4.7.650 The mail server [198.51.100.7] has been temporarily rate limited due to IP reputation. (S775)"


def _postqueue(folder, n=2):
    lines = [json.dumps({"queue_name": "deferred", "queue_id": f"4XcB7k2Jm{i}", "arrival_time": 1795759200 + i,
                         "message_size": 3174, "sender": "office@smallbiz.example",
                         "recipients": [{"address": f"ann{i}@outlook.example", "delay_reason": S775}]})
             for i in range(n)]
    return write(folder, "postqueue.json", lines, crlf=False)


def test_a_postfix_queue_next_to_an_exchange_log_gets_postfix_commands(evidence_dir):
    recv = write(evidence_dir, "RECV1.LOG", RECEIVE_HEADER + RECEIVE_LINES)
    result = analyse([recv, _postqueue(evidence_dir)])
    assert result.platform.id == "exchange-2013"  # most records: the receive log
    assert "from Postfix and from Exchange" in result.platform.note
    top = result.findings[0]
    assert top.cause == "blocklisted" and top.platform == "Postfix"
    plan = json.dumps(top.plan)
    assert "postqueue -j" in plan and not EXCHANGE_ONLY.search(plan)
    assert "Action plan (Postfix):" in to_text(result)
    assert result.as_dict()["findings"][0]["platform"] == "Postfix"
    missing = json.dumps(result.missing)
    assert not EXCHANGE_ONLY.search(missing)  # what to collect next, for the mail system behind the cause


def test_an_exchange_cause_in_a_mostly_postfix_set_gets_exchange_commands(evidence_dir):
    lasterror = ('451 4.4.0 Primary target IP address responded with: "451 5.7.3 Cannot achieve Exchange Server '
                 'authentication." Attempted failover to alternate host, but that did not succeed.')
    paste = write(evidence_dir, "lasterror.txt", [lasterror])
    mailq = write(evidence_dir, "mailq.txt", ["Mail queue is empty"], crlf=False)
    maillog = write(evidence_dir, "mail.log", [
        f"Mar  3 10:0{i}:00 mx1 postfix/smtp[10{i}]: A{i}B1C: to=<u{i}@example.net>, relay=mx.example.net[192.0.2.5]:25, "
        f"delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok)" for i in range(3)], crlf=False)
    result = analyse([paste, mailq, maillog], exchange_version="2010")
    assert result.platform.id == "postfix"
    config = next(f for f in result.findings if f.cause == "configuration_error")
    assert config.platform == "Exchange 2010"
    assert "Get-ReceiveConnector" in json.dumps(config.plan) or "Get-Queue" in json.dumps(config.plan)


def test_a_single_platform_set_says_nothing_about_a_mix(evidence_dir):
    result = analyse([_postqueue(evidence_dir)])
    assert result.platform.id == "postfix" and result.platform.note == ""
    assert result.findings[0].platform == "Postfix"


def test_postqueue_evidence_shows_the_reason_not_the_json_keys(evidence_dir):
    result = analyse([_postqueue(evidence_dir, n=5)])
    line = result.findings[0].evidence[0]
    assert line.text.startswith("deferred 4XcB7k2Jm0 from <office@smallbiz.example>: ann0@outlook.example: 451 4.7.650")


def test_slow_queue_growth_is_not_rounded_to_nothing(evidence_dir):
    lines = [json.dumps({"queue_name": "deferred", "queue_id": f"5XcB7k2Jm{i}", "arrival_time": 1795759200 + i * 18000,
                         "sender": "office@smallbiz.example",
                         "recipients": [{"address": f"bob{i}@outlook.example", "delay_reason": S775}]})
             for i in range(6)]  # six messages over 25 hours
    result = analyse([write(evidence_dir, "slow.json", lines, crlf=False)])
    queues = next(n for n in result.noteworthy if n["kind"] == "queues")
    assert queues["lines"][-1].endswith("arrived over 25.0 h since 2026-11-27 06:00, about 0.2 per hour")

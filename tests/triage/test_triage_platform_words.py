"""Each mail system in its own words: a Postfix run never speaks of Exchange's logs, connectors or cmdlets,
our own greylisting is not 'the receiver greylists', and one unreachable partner is not an ISP block."""

from __future__ import annotations

import json
import re

import pytest

from sbskit.core.triage import CAUSES, analyse
from sbskit.core.triage.plan import missing_evidence, plan_for
from sbskit.core.triage.render import to_text
from triage_pasted import maillog_lines, write

EXCHANGE_WORDS = re.compile(r"\bExchange\b|connector|protocol log|tracking log|LastError|Queue Viewer|\bGet-[A-Z]\w+"
                            r"|\bSet-(?!NetFirewallProfile)[A-Z]\w+|Exchange System Manager")


def test_evidence_to_collect_for_postfix_is_named_in_postfix_words():
    items = missing_evidence(list(CAUSES), set(), "postfix")
    for item in items:
        text = f"{item['title']} {item['why']} {item['command']} {item['note']}"
        assert not EXCHANGE_WORDS.search(text), text
    commands = [i["command"] for i in items]
    assert len([c for c in commands if "mail.log" in c]) == 1  # one maillog, not the same copy three times


def test_plan_details_for_postfix_are_in_postfix_words():
    for cause in CAUSES:
        for step in plan_for(cause, "postfix"):
            assert not EXCHANGE_WORDS.search(f"{step['title']} {step['detail']}"), (cause, step["title"])


def _deferred(i: int, reason: str, domain: str) -> str:
    return (f"Mar  3 1{i % 10}:0{i % 6}:00 mx1 postfix/smtp[10{i}]: 4F2A{i:02d}B: to=<u{i}@{domain}>, "
            f"relay=mx.{domain}[192.0.2.{10 + i}]:25, delay=60, delays=55/1/4/0, dsn=4.4.1, status=deferred ({reason})")


POSTFIX_RUNS = {
    "healthy": lambda: maillog_lines(hours=10, sent=60),
    "not enough": lambda: maillog_lines(hours=1, sent=4),
    "timeouts": lambda: [_deferred(i, f"connect to mx.p{i}.example[192.0.2.{10 + i}]:25: Connection timed out",
                                   f"p{i}.example") for i in range(6)],
    "blocklisted": lambda: [_deferred(i, "host mx.p.example[192.0.2.5] said: 554 5.7.1 Service unavailable; Client "
                                         "host [198.51.100.7] blocked using zen.spamhaus.org (in reply to RCPT TO "
                                         "command)", "p.example") for i in range(4)],
    "grey inbound": lambda: ["Mar  3 10:00:00 mx1 postfix/smtpd[900]: NOQUEUE: reject: RCPT from mail.example.org"
                             "[203.0.113.5]: 450 4.2.0 <ann@smallbiz.example>: Recipient address rejected: Greylisted, "
                             "see http://postgrey.example/help/smallbiz.example.html; from=<bob@example.org> "
                             "to=<ann@smallbiz.example> proto=ESMTP helo=<mail.example.org>"],
}


@pytest.mark.parametrize("name", sorted(POSTFIX_RUNS))
def test_a_postfix_run_reads_in_postfix_words_from_top_to_bottom(evidence_dir, name):
    result = analyse([write(evidence_dir, "mail.log", POSTFIX_RUNS[name](), crlf=False)])
    assert result.platform.id == "postfix"
    text = to_text(result)
    body = text.replace("Mail system: Postfix (from the evidence).", "")
    assert not EXCHANGE_WORDS.search(body), EXCHANGE_WORDS.search(body).group(0)


def test_our_own_greylisting_is_ours(evidence_dir):
    result = analyse([write(evidence_dir, "mail.log", POSTFIX_RUNS["grey inbound"](), crlf=False)])
    (grey,) = result.replies
    assert grey["direction"] == "inbound" and grey["meaning"].startswith("Our server greylists")
    assert "receiver greylists" not in to_text(result)


def test_one_unreachable_partner_is_not_an_isp_block(evidence_dir):
    lines = [_deferred(i, "connect to mx.p.example[192.0.2.5]:25: Connection timed out", "p.example") for i in range(12)]
    result = analyse([write(evidence_dir, "mail.log", lines, crlf=False)])
    plan = json.dumps([f.plan for f in result.findings])
    assert "ISP blocks outbound port 25" not in plan
    assert "only one destination" in plan


def test_many_unreachable_destinations_point_at_port_25(evidence_dir):
    result = analyse([write(evidence_dir, "mail.log", POSTFIX_RUNS["timeouts"](), crlf=False)])
    plan = json.dumps([f.plan for f in result.findings])
    assert "ISP blocks outbound port 25" in plan and "only one destination" not in plan

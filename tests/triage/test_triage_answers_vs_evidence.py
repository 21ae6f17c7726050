"""An admin's "no" cannot hide what a receiver spelled out; holes in a log are not coverage.

"Is the IP on a blocklist?" is answered from public lookups; Microsoft's S3150 list is
Microsoft's own. A relay host answering 535 proves a smart host is used. A log showing the
bounce being generated shows an NDR a user got. And two excerpts of a maillog pasted into
one file (morning and evening) cover minutes, not the day between them.
"""

from __future__ import annotations

from datetime import timedelta

from sbskit.core.triage import Answers, analyse
from sbskit.core.triage import samples as S
from triage_fixtures import healthy
from triage_pasted import write

S3150_BOUNCE = """Reporting-MTA: dns; mail.example.com
Final-Recipient: rfc822; bob@outlook.example
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. Please contact your
    Internet service provider since part of their network is on our block list (S3150).
"""

RELAY_535 = ("Mar  3 10:00:{s:02d} mx1 postfix/smtp[10{s:02d}]: 4F2A{s:02d}B: to=<ann{s}@example.net>, "
             "relay=smtp.relay.example[192.0.2.7]:587, delay=1, delays=0.1/0/0.5/0.4, dsn=5.7.8, status=bounced "
             "(host smtp.relay.example[192.0.2.7] said: 535 5.7.8 Error: authentication failed: authentication "
             "failure (in reply to AUTH command))")

GMAIL_5726 = [
    "Jan  2 07:31:13 mx1 postfix/qmgr[900]: 251A3372458: from=<office@example.com>, size=3863, nrcpt=1 (queue active)",
    "Jan  2 07:31:13 mx1 postfix/smtp[1050]: 251A3372458: to=<ann@gmail.example>, relay=mx.gmail.example[192.0.2.27]:25, "
    "delay=0.79, delays=0.04/0.05/0.2/0.5, dsn=5.7.26, status=bounced (host mx.gmail.example[192.0.2.27] said: "
    "550-5.7.26 Your email has been blocked because the sender is unauthenticated. 550-5.7.26 Gmail requires all "
    "senders to authenticate with either SPF or DKIM. (in reply to end of DATA command))",
    "Jan  2 07:31:13 mx1 postfix/bounce[1051]: 251A3372458: sender non-delivery notification: E504A372A05",
]


def test_s3150_is_microsofts_own_list_not_a_public_one(evidence_dir):
    path = write(evidence_dir, "bounce.txt", S3150_BOUNCE)
    assert analyse([path]).exit_code == 1
    result = analyse([path], Answers({"ip_listed": "no"}))
    assert result.exit_code == 1 and result.findings[0].cause == "blocklisted"
    reasons = " ".join(result.findings[0].reasons)
    assert "that is about public lists" in reasons and "no public lookup shows" in reasons
    assert "not counted: the evidence states this cause verbatim" in reasons


def test_short_queues_do_not_demote_a_535_from_the_relay_host(evidence_dir):
    path = write(evidence_dir, "mail.log", [RELAY_535.format(s=1)], crlf=False)
    result = analyse([path], Answers({"queues_long": "no"}))
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"


def test_no_smart_host_is_contradicted_by_a_relay_logon(evidence_dir):
    path = write(evidence_dir, "mail.log", [RELAY_535.format(s=s) for s in range(3)], crlf=False)
    result = analyse([path], Answers({"smart_host": "no", "queues_long": "no", "users_get_ndrs": "no"}))
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    reasons = " ".join(result.findings[0].reasons)
    assert "our server logs on to a relay host" in reasons and "mail does go through one" in reasons
    assert "the log shows 3 non-delivery reports generated" in reasons
    commands = " ".join(step["command"] for step in result.findings[0].plan)
    assert "'relayhost = [smtp.relay.example]:587'" in commands  # the relay host named in the reason is filled in


def test_no_ndrs_is_contradicted_by_the_bounce_in_the_log(evidence_dir):
    path = write(evidence_dir, "mail.log", GMAIL_5726, crlf=False)
    result = analyse([path], Answers({"users_get_ndrs": "no"}))
    assert result.exit_code == 1 and result.findings[0].cause == "mail_dns"
    assert any("the log shows 1 non-delivery report generated" in r for r in result.findings[0].reasons)


def test_a_no_still_counts_against_what_the_evidence_only_suggests(evidence_dir):
    """Three connection time-outs are not a receiver stating a cause: the answer keeps its weight."""
    lines = [f"Mar  3 10:0{s}:00 mx1 postfix/smtp[10{s}]: 4F2A{s}B: to=<ann{s}@example.net>, relay=none, delay=30, "
             f"delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.net[192.0.2.5]:25: Connection timed out)"
             for s in range(3)]
    path = write(evidence_dir, "mail.log", lines, crlf=False)
    plain = analyse([path]).scores["configuration_error"]["confidence"]
    said_no = analyse([path], Answers({"queues_long": "no", "users_get_ndrs": "no"}))
    assert said_no.scores["configuration_error"]["confidence"] < plain
    assert not any("not counted" in r for r in said_no.scores["configuration_error"]["reasons"])


def _sent(stamp: str, n: int) -> str:
    """A whole message's lines (queue manager, delivery, removal): not a log filtered to 'status=sent'."""
    return (f"Mar  3 {stamp} mx1 postfix/qmgr[900]: A{n:04d}B: from=<ann@example.com>, size=900, nrcpt=1 (queue active)\n"
            f"Mar  3 {stamp} mx1 postfix/smtp[100{n}]: A{n:04d}B: to=<user{n}@example.net>, relay=mx.example.net"
            f"[192.0.2.5]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X{n})\n"
            f"Mar  3 {stamp} mx1 postfix/qmgr[900]: A{n:04d}B: removed")


def test_a_nine_hour_hole_is_not_coverage(evidence_dir):
    lines = [_sent(f"08:0{i}:00", i) for i in range(10)] + [_sent(f"17:{30 + i}:00", 10 + i) for i in range(15)]
    result = analyse([write(evidence_dir, "mail.log", lines, crlf=False)])
    assert result.outcome == "not_enough_evidence" and result.exit_code == 3
    assert result.coverage.hours < 0.5
    assert any("9.3 h gap with no lines" in g and "cover only 0.4 h" in g for g in result.coverage.gaps)


def test_lines_all_day_long_still_cover_the_day(evidence_dir):
    """One line every 40 minutes from 07:00 to 18:20 (a lunch hole of 1.5 h is no gap)."""
    stamps = [7 * 60 + 40 * i for i in range(18)]
    stamps = [m + (90 if m >= 12 * 60 else 0) for m in stamps]
    lines = [_sent(f"{m // 60:02d}:{m % 60:02d}:00", i) for i, m in enumerate(stamps)]
    lines += [_sent(f"{m // 60:02d}:{m % 60:02d}:30", 100 + i) for i, m in enumerate(stamps)]
    result = analyse([write(evidence_dir, "mail.log", lines, crlf=False)])
    assert result.coverage.hours > 10, result.coverage.gaps
    assert result.outcome == "healthy", result.coverage.gaps


def test_a_tracking_log_with_a_hole_covers_its_pieces_only(evidence_dir):
    log = S.TrackingLog("2016", seed=8, gap=60.0)
    log.normal_traffic(60)  # about half an hour of mail from 06:00
    log.clock.now += timedelta(hours=10)
    log.normal_traffic(60)
    result = analyse([S.write_text(evidence_dir / "MSGTRK1.LOG", log.lines)])
    assert result.outcome == "not_enough_evidence" and result.coverage.hours < 2.5
    assert any("h gap with no lines" in g for g in result.coverage.gaps)
    assert analyse(healthy(evidence_dir)).outcome == "healthy"  # the steady working day still is

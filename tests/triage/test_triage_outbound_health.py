"""Healthy rests on mail that LEFT the server: local deliveries, content-filter hand-offs, hops to
another server of ours and a log filtered to successes cannot show outbound health.

Every log here is a full working day (08:00-17:40, a message every 20 minutes, queue manager
lines included) that would be called healthy if its deliveries had gone out to the internet;
only the kind of delivery changes. Written after the shapes of real Postfix and Exchange logs.
"""

from __future__ import annotations

import pytest

from sbskit.core.triage import analyse
from sbskit.core.triage import samples as S
from sbskit.core.triage.read_postfix_text import delivery_kind
from sbskit.core.triage.render import to_text
from triage_pasted import write

STAMPS = [f"{8 + (i * 20) // 60:02d}:{(i * 20) % 60:02d}:00" for i in range(30)]


def _day(delivery: str, whole: bool = True, prog: str = "postfix") -> list[str]:
    """30 messages; ``delivery`` is the 'daemon|relay|reply' of each delivery line."""
    daemon, relay, reply = delivery.split("|")
    lines = []
    for i, stamp in enumerate(STAMPS):
        qid = f"{0xC0DE00 + i:X}"
        if whole:
            lines.append(f"Mar  3 {stamp} mx1 {prog}/qmgr[900]: {qid}: from=<ann@example.com>, size=2048, nrcpt=1 "
                         "(queue active)")
        lines.append(f"Mar  3 {stamp} mx1 {prog}/{daemon}[{1000 + i}]: {qid}: to=<user{i}@example.net>, relay={relay}, "
                     f"delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent ({reply})")
        if whole:
            lines.append(f"Mar  3 {stamp} mx1 {prog}/qmgr[900]: {qid}: removed")
    return lines


OUTBOUND = {
    "internet MX": "smtp|mx.example.net[192.0.2.5]:25|250 2.0.0 Ok: queued as 7D2",
    "ISP smart host on 587": "smtp|[smtp.isp.example]:587|250 2.0.0 Ok: queued as 7D2",
    "smart host appliance on the LAN": "smtp|gw.example.com[192.168.1.5]:25|250 2.0.0 Ok: queued as 7D2",
    "IPv6 MX": "smtp|mx.example.net[2001:db8::25]:25|250 2.0.0 Ok: queued as 7D2",
}
NOT_OUTBOUND = {
    "lmtp to Dovecot's socket": "lmtp|mx1.example.com[private/dovecot-lmtp]|250 2.0.0 <u> abc Saved",
    "lmtp over TCP to loopback": "lmtp|127.0.0.1[127.0.0.1]:24|250 2.0.0 <u> abc Saved",
    "local mailbox": "local|local|delivered to mailbox",
    "virtual mailbox": "virtual|virtual|delivered to maildir",
    "pipe to a program": "pipe|dovecot|delivered via dovecot service",
    "amavis hand-off": "smtp|127.0.0.1[127.0.0.1]:10024|250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok",
    "amavis on IPv6 loopback": "smtp|[::1]:10024|250 2.0.0 Ok, id=1-2, from MTA([::1]:10025): 250 2.0.0 Ok",
    "content filter on another box": "smtp|filter.example.com[192.168.1.7]:10024|250 2.0.0 Ok: queued as 7D2",
    "localhost re-injection": "smtp|localhost[127.0.0.1]:10026|250 2.0.0 Ok: queued as 7D2",
}


@pytest.mark.parametrize("name", sorted(OUTBOUND))
def test_a_day_of_outbound_deliveries_is_healthy(evidence_dir, name):
    result = analyse([write(evidence_dir, "mail.log", _day(OUTBOUND[name]), crlf=False)])
    assert result.outcome == "healthy" and result.exit_code == 0, result.coverage.gaps
    assert result.coverage.messages == 30
    assert "30 messages sent out to remote hosts" in result.rests_on


@pytest.mark.parametrize("name", sorted(NOT_OUTBOUND))
def test_deliveries_that_did_not_leave_the_server_are_not_enough(evidence_dir, name):
    result = analyse([write(evidence_dir, "mail.log", _day(NOT_OUTBOUND[name]), crlf=False)])
    assert result.outcome == "not_enough_evidence" and result.exit_code == 3
    assert result.coverage.messages == 0
    assert any("no message sent out to a remote host" in g for g in result.coverage.gaps), result.coverage.gaps


def test_delivery_kinds_name_the_class():
    assert delivery_kind("smtp", "postfix/smtp", "mx.example.net[192.0.2.5]:25", "250 ok") == "outbound"
    assert delivery_kind("lmtp", "postfix/lmtp", "mx1[private/dovecot-lmtp]", "") == "local"
    assert delivery_kind("smtp", "postfix/smtp", "127.0.0.2[127.0.0.2]:25", "") == "hop"
    # a second Postfix instance named after its address hands mail to itself: a hop
    assert delivery_kind("smtp", "postfix-192.0.2.50/smtp", "192.0.2.50[192.0.2.50]:2501", "") == "hop"


def test_content_filter_hops_do_not_count_but_the_delivery_after_them_does(evidence_dir):
    lines = _day(NOT_OUTBOUND["amavis hand-off"]) + [
        line.replace("C0DE", "BEEF") for line in _day(OUTBOUND["internet MX"])]
    result = analyse([write(evidence_dir, "mail.log", sorted(lines, key=lambda x: x[:15]), crlf=False)])
    assert result.outcome == "healthy", result.coverage.gaps
    assert result.coverage.messages == 30 and result.coverage.hops == 30


def test_a_log_filtered_to_successes_cannot_be_healthy(evidence_dir):
    """What 'grep status=sent mail.log' gives: every delivery succeeded, because the failures were left out."""
    path = write(evidence_dir, "sent-only.log", _day(OUTBOUND["internet MX"], whole=False), crlf=False)
    result = analyse([path])
    assert result.outcome == "not_enough_evidence" and result.exit_code == 3
    assert any("sent-only.log looks filtered to successful deliveries only" in g for g in result.coverage.gaps)
    assert any("grep status=sent" in p for p in result.inputs[0].problems)


def test_a_filtered_log_with_a_failure_in_it_is_not_called_filtered(evidence_dir):
    lines = _day(OUTBOUND["internet MX"], whole=False)
    lines[5] = lines[5].replace("status=sent (250 2.0.0 Ok: queued as 7D2)",
                                "status=deferred (connect to mx.example.net[192.0.2.5]:25: Connection timed out)")
    result = analyse([write(evidence_dir, "status.log", lines, crlf=False)])
    assert not any("filtered" in g for g in result.coverage.gaps)


def _tracking(folder, events: list[tuple[str, str, str]], name: str = "MSGTRK.LOG"):
    """(event, source, connector) per message, 30 messages over the working day."""
    log = S.TrackingLog("2010", seed=3, gap=1200)
    for i in range(30):
        for event, source, connector in events:
            rcpt = [f"bob{i}@example.net"] if event != "DELIVER" else [f"user{i}@{S.LOCAL_DOMAIN}"]
            log.add(event, source, f"anna@{S.LOCAL_DOMAIN}", rcpt, connector=connector,
                    status="250 2.6.0 Queued mail for delivery" if event == "SEND" else "")
    return S.write_text(folder / name, log.lines)


def test_exchange_deliveries_to_mailboxes_only_are_not_enough(evidence_dir):
    result = analyse([_tracking(evidence_dir, [("RECEIVE", "SMTP", ""), ("DELIVER", "STOREDRIVER", "")])])
    assert result.outcome == "not_enough_evidence"
    assert any("30 local deliveries but no message sent out" in g for g in result.coverage.gaps)


def test_exchange_sends_inside_the_organisation_are_hops(evidence_dir):
    result = analyse([_tracking(evidence_dir, [("RECEIVE", "STOREDRIVER", ""),
                                               ("SEND", "SMTP", "Intra-Organization SMTP Send Connector")])])
    assert result.outcome == "not_enough_evidence" and result.coverage.messages == 0 and result.coverage.hops == 30


def test_exchange_sends_to_the_internet_are_healthy(evidence_dir):
    result = analyse([_tracking(evidence_dir, [("RECEIVE", "STOREDRIVER", ""), ("SEND", "SMTP", "Internet")])])
    assert result.outcome == "healthy", result.coverage.gaps


def test_an_export_of_send_events_only_is_filtered(evidence_dir):
    """Get-MessageTrackingLog -EventId SEND shows only what went well."""
    result = analyse([_tracking(evidence_dir, [("SEND", "SMTP", "Internet")])])
    assert result.outcome == "not_enough_evidence"
    assert any("looks filtered" in g for g in result.coverage.gaps)


def test_noteworthy_findings_stand_in_the_headline_of_a_healthy_verdict(evidence_dir):
    day = _tracking(evidence_dir, [("RECEIVE", "STOREDRIVER", ""), ("SEND", "SMTP", "Internet")])
    receive = S.ReceiveLog(seed=5)
    for n in range(40):
        receive.failed_logon(f"203.0.113.{10 + n % 7}", "administrator")
    recv = S.write_text(evidence_dir / "RECV.LOG", receive.lines)
    result = analyse([day, recv])
    assert result.outcome == "healthy" and result.exit_code == 0
    headline = result.verdict()
    assert headline.startswith("Mail flow healthy, but note: 40 failed logons from 7 internet addresses")
    assert "no problem found" not in headline.lower()
    text = to_text(result)
    assert "run the triage again" not in text
    assert "Optional: evidence that would make the healthy verdict stronger" in text or not result.missing


def test_a_healthy_verdict_without_warnings_says_what_it_rests_on(evidence_dir):
    result = analyse([_tracking(evidence_dir, [("RECEIVE", "STOREDRIVER", ""), ("SEND", "SMTP", "Internet")])])
    assert result.verdict().startswith("Healthy: outbound mail flows and no cause of queue trouble was found. "
                                       "This rests on ")
    assert "30 messages sent out to remote hosts" in result.verdict()

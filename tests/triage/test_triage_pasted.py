"""The forms admins really send: PowerShell screen output, logs without their header, indented or
quoted copies, saved bounces. Each is read, or the exact command for a better export is named."""

from __future__ import annotations

import pytest

from sbskit.core.triage import analyse
from sbskit.core.triage.sniff import sniff_file
from triage_pasted import (
    EXCHANGE_NDR,
    EXIM_BOUNCE,
    GET_MESSAGE_TABLE,
    GET_QUEUE_LIST,
    GET_QUEUE_TABLE_2010,
    GET_QUEUE_TABLE_2016,
    POSTFIX_BOUNCE,
    RECEIVE_HEADER,
    RECEIVE_LINES,
    TRACKING_TABLE,
    write,
)

EXPORT_QUEUES = ("Get-Queue | Select-Object Identity,DeliveryType,Status,MessageCount,NextHopDomain,LastError | "
                 "Export-Csv -Encoding UTF8 -NoTypeInformation")


def test_get_queue_table_2010_is_read_and_the_export_named(evidence_dir):
    from sbskit.core.triage.engine import read_evidence
    from sbskit.core.triage.evidence import Evidence

    path = write(evidence_dir, "queues.txt", GET_QUEUE_TABLE_2010, encoding="utf-16-le", bom=True)  # Out-File
    assert sniff_file(path).format == "get_queue_table"
    ev = Evidence()
    (summary,) = read_evidence([path], ev)
    assert summary.records == 3 and summary.format_name == "Get-Queue screen output (pasted)"
    assert any("without LastError" in p and EXPORT_QUEUES in p for p in summary.problems)
    rows = {r["identity"]: r for r in ev.queue_rows}
    assert rows["SBS01\\4"]["delivery"] == "SmartHostConnectorDelivery"  # 'SmartHost...' completed
    assert (rows["SBS01\\4"]["count"], rows["SBS01\\4"]["status"]) == (312, "Retry")
    assert rows["SBS01\\Unreachable"]["next_hop"] == "unreachable domain"
    # 312 messages wait, but nothing says why: neither healthy nor a guessed cause; the export is asked for
    result = analyse([path])
    assert result.outcome == "not_enough_evidence" and result.findings == []
    assert any(m["evidence"] == "queue_export" for m in result.missing)


def test_get_queue_table_2016_with_cut_cells(evidence_dir):
    path = write(evidence_dir, "q.txt", GET_QUEUE_TABLE_2016)
    result = analyse([path])
    assert result.inputs[0].records == 2
    queues = next(n for n in result.noteworthy if n["kind"] == "queues")
    assert queues["title"] == "41 messages in the queues, 41 waiting for a retry"


def test_get_queue_format_list_with_wrapped_last_error_finds_the_cause(evidence_dir):
    path = write(evidence_dir, "queue-list.txt", GET_QUEUE_LIST)
    assert sniff_file(path).format == "get_queue_table"
    result = analyse([path])
    assert result.inputs[0].records == 2 and result.inputs[0].problems == []
    assert result.outcome == "cause" and result.findings[0].cause == "configuration_error"
    (reply,) = result.replies
    assert reply["code"] == "5.7.8" and reply["count"] == 312
    assert "Attempted failover to alternate host" in reply["text"]  # the wrapped lines were joined


def test_tracking_table_without_timestamps_names_the_export(evidence_dir):
    path = write(evidence_dir, "tracking.txt", TRACKING_TABLE)
    assert sniff_file(path).format == "tracking_table"
    result = analyse([path])
    (summary,) = result.inputs
    assert summary.records == 3
    assert any("without Timestamp" in p and "Get-MessageTrackingLog -ResultSize Unlimited" in p and "Export-Csv" in p
               for p in summary.problems)
    assert result.outcome == "not_enough_evidence"  # no time span: never healthy


def test_get_message_table(evidence_dir):
    path = write(evidence_dir, "messages.txt", GET_MESSAGE_TABLE)
    assert sniff_file(path).format == "get_message_table"
    result = analyse([path])
    assert result.inputs[0].records == 2
    assert any(n["kind"] == "ndrs" for n in result.noteworthy)  # the '<>' sender is a bounce


@pytest.mark.parametrize("indent", ["    ", "\t", "> ", ">> "])
def test_indented_or_quoted_copies_are_read(evidence_dir, indent):
    path = write(evidence_dir, "pasted.log", [indent + line for line in RECEIVE_HEADER + RECEIVE_LINES])
    info = sniff_file(path)
    assert info.format == "smtp_receive_log" and info.indent == indent
    result = analyse([path])
    assert result.inputs[0].records == len(RECEIVE_LINES) and result.inputs[0].skipped == 0
    assert any("indented or quoted" in p for p in result.inputs[0].problems)
    assert next(n for n in result.noteworthy if n["kind"] == "failed_logons")["title"] == "1 failed logon from 1 internet address (password guessing?)"


def test_protocol_lines_without_fields_header(evidence_dir):
    path = write(evidence_dir, "recv-paste.txt", RECEIVE_LINES)
    info = sniff_file(path)
    assert info.format == "smtp_receive_log" and info.headerless
    result = analyse([path])
    assert result.inputs[0].records == len(RECEIVE_LINES)
    assert any("no #Fields header" in p for p in result.inputs[0].problems)
    assert any(n["kind"] == "failed_logons" for n in result.noteworthy)


def test_send_log_lines_without_header_are_told_apart(evidence_dir):
    lines = [
        "2026-11-27T06:10:00.000Z,Internet,08DB1C2A3F4F0001,0,,192.0.2.25:587,+,,",
        "2026-11-27T06:10:00.100Z,Internet,08DB1C2A3F4F0001,1,192.168.1.10:50123,192.0.2.25:587,<,220 smtp.isp.example ESMTP,",
        "2026-11-27T06:10:00.200Z,Internet,08DB1C2A3F4F0001,2,192.168.1.10:50123,192.0.2.25:587,>,EHLO SBS01.smallbiz.local,",
        "2026-11-27T06:10:00.300Z,Internet,08DB1C2A3F4F0001,3,192.168.1.10:50123,192.0.2.25:587,>,AUTH LOGIN,",
        "2026-11-27T06:10:00.400Z,Internet,08DB1C2A3F4F0001,4,192.168.1.10:50123,192.0.2.25:587,<,535 5.7.8 Error: authentication failed: authentication failure,",
        "2026-11-27T06:10:00.500Z,Internet,08DB1C2A3F4F0001,5,192.168.1.10:50123,192.0.2.25:587,-,,Local",
    ]
    path = write(evidence_dir, "send-paste.txt", lines)
    assert sniff_file(path).format == "smtp_send_log"
    result = analyse([path])
    assert result.replies[0]["pattern"] == "auth_failed_578" and result.outcome == "cause"


@pytest.mark.parametrize(
    "text, pattern, recipient_domain",
    [(POSTFIX_BOUNCE, "microsoft_banned_ip", "customer.example"),
     (EXCHANGE_NDR, "unverified_client_host", "partner.example"),
     (EXIM_BOUNCE, "gmail_unauthenticated_5726", "gmail.com")],
)
def test_saved_bounces_are_read(evidence_dir, text, pattern, recipient_domain):
    path = write(evidence_dir, "bounce.txt", text)
    assert sniff_file(path).format == "ndr_text"
    result = analyse([path])
    (reply,) = result.replies  # the body and the DSN part name the same failure once
    assert reply["pattern"] == pattern and reply["subjects"] == [recipient_domain]
    assert reply["sources"] == ["non-delivery report"] and result.outcome == "cause"

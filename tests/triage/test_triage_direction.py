"""Direction: a refusal our own server gave to an inbound sender is no cause for our outbound problem.

Our Sender ID agent failing a spammer, our content filter, our DNSBL check: the filters work.
Only what receivers answer about *our* mail supports a cause. The inputs are written here in
the shapes Exchange and Postfix give them (documentation addresses, made-up names).
"""

from __future__ import annotations

from sbskit.core.triage import analyse
from sbskit.core.triage import samples as S
from sbskit.core.triage.sniff import sniff_file
from triage_pasted import RECEIVE_HEADER, RECEIVE_LINES, write

SENDER_ID_LIST = """
Timestamp               : 03/03/2024 10:00:00
ClientIp                : 203.0.113.9
ClientHostname          : SRV01
ServerIp                : 192.168.1.10
SourceContext           : Sender Id Agent
ConnectorId             : SRV01\\Default SRV01
Source                  : SMTP
EventId                 : FAIL
Recipients              : {ann@example.com}
RecipientStatus         : {550 5.7.1 Sender ID (PRA) Not Permitted}
MessageSubject          : Invoice
Sender                  : offer@spam.example
"""


def _replies(result, pattern):
    return [r for r in result.replies if r["pattern"] == pattern]


def test_our_sender_id_agent_refusing_a_spammer_is_not_a_cause(evidence_dir):
    result = analyse([write(evidence_dir, "gmtl.txt", SENDER_ID_LIST)])
    assert result.inputs[0].format == "tracking_table"
    (reply,) = _replies(result, "spf_fail")
    assert reply["direction"] == "inbound" and "Our server refused a sender" in reply["meaning"]
    assert result.outcome == "not_enough_evidence" and result.exit_code == 3
    assert all(f.cause != "mail_dns" for f in result.findings)


def test_agent_name_alone_marks_the_refusal_as_ours(evidence_dir):
    """A table pasted with only SourceContext, RecipientStatus, Sender and a loopback ClientIP."""
    table = """
SourceContext     RecipientStatus                           Sender             ClientIP
-------------     ---------------                           ------             --------
Sender Id Agent   {550 5.7.1 Sender ID (PRA) Not Permitted} offer@spam.example 127.0.0.1
"""
    result = analyse([write(evidence_dir, "table.txt", table)])
    assert result.inputs[0].format == "tracking_table" and result.inputs[0].records == 1
    (reply,) = _replies(result, "spf_fail")
    assert reply["direction"] == "inbound"
    assert result.exit_code == 3 and result.platform.id.startswith("exchange")
    assert any("EventId" in p for p in result.inputs[0].problems)  # says what to export for the full picture


def _tracking(evidence_dir, name, rows):
    log = S.TrackingLog("2010", seed=4)
    for kwargs in rows:
        log.add(**kwargs)
    return S.write_text(evidence_dir / name, log.lines)


def test_tracking_csv_fail_from_an_internet_client_is_inbound(evidence_dir):
    rows = [dict(event="FAIL", source="SMTP", sender=f"x{i}@spam.example", recipients=[f"ann{i}@example.com"],
                 client_ip="203.0.113.9", status="550 5.7.1 Sender ID (PRA) Not Permitted", context="")
            for i in range(5)]
    result = analyse([_tracking(evidence_dir, "MSGTRK1.LOG", rows)])
    (reply,) = _replies(result, "spf_fail")
    assert reply["direction"] == "inbound" and reply["count"] == 5
    assert "mail_dns" not in {f.cause for f in result.findings}


def test_tracking_csv_fail_from_a_receiver_stays_outbound(evidence_dir):
    """The same refusal text, sent by a receiver about our mail (our server is the client): a cause."""
    rows = [dict(event="FAIL", source="SMTP", sender="office@smallbiz.example", recipients=[f"erik{i}@partner.example"],
                 client_ip="192.168.1.10", server_ip="192.0.2.44", context="",
                 status="550 5.7.1 Sender ID (PRA) Not Permitted") for i in range(5)]
    result = analyse([_tracking(evidence_dir, "MSGTRK2.LOG", rows)])
    (reply,) = _replies(result, "spf_fail")
    assert reply["direction"] == "outbound"
    assert result.outcome == "cause" and result.findings[0].cause == "mail_dns"


def test_receive_log_tracking_and_inbound_refusal_together(evidence_dir):
    """The evaluator's C5: a receive log with a failed logon, a quiet tracking log, the Sender ID refusal."""
    recv = write(evidence_dir, "RECV1.LOG", RECEIVE_HEADER + RECEIVE_LINES)
    log = S.TrackingLog("2010", seed=3)
    mid = log.add("RECEIVE", "SMTP", "bob@partner.example", ["anna@smallbiz.example"], client_ip="203.0.113.5")
    log.add("DELIVER", "STOREDRIVER", "bob@partner.example", ["anna@smallbiz.example"], internal_id=mid)
    track = S.write_text(evidence_dir / "MSGTRK3.LOG", log.lines)
    paste = write(evidence_dir, "gmtl.txt", SENDER_ID_LIST)
    result = analyse([recv, track, paste])
    assert result.exit_code == 3 and not any(f.confirmed for f in result.findings)
    assert any(n["kind"] == "failed_logons" for n in result.noteworthy)


def test_headerless_send_lines_are_a_send_log(evidence_dir):
    """No commands in the lines: a connector without 'SERVER\\' and a remote port 25 say we are the client."""
    lines = ["2024-03-03T10:00:00.100Z,Outbound to Partner,08DC000000000001,20,,,*,,TLS negotiation failed with "
             "error UnknownCredentials",
             "2024-03-03T10:00:00.200Z,Outbound to Partner,08DC000000000001,21,192.168.1.10:41000,192.0.2.40:25,-,,Local"]
    assert sniff_file(write(evidence_dir, "send.txt", lines)).format == "smtp_send_log"
    recv = ["2024-03-03T10:00:00.100Z,SRV01\\Default SRV01,08DC000000000002,0,192.168.1.10:25,203.0.113.7:41000,+,,",
            "2024-03-03T10:00:00.200Z,SRV01\\Default SRV01,08DC000000000002,1,192.168.1.10:25,203.0.113.7:41000,-,,Local"]
    assert sniff_file(write(evidence_dir, "recv.txt", recv)).format == "smtp_receive_log"

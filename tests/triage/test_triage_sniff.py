"""Formats are recognised by content, whatever the file is called."""

from __future__ import annotations

import codecs

import pytest

from triage_fixtures import auth_relay, backscatter, config_error, harvest, open_relay, postfix_backscatter, workstation
from sbskit.core.triage import samples as S
from sbskit.core.triage.sniff import sniff_file


def _formats(paths):
    return {p.name: sniff_file(p).format for p in paths}


def test_every_builder_is_recognised(evidence_dir):
    found = {}
    for builder in (backscatter, harvest, auth_relay, open_relay, workstation, config_error, postfix_backscatter):
        found.update(_formats(builder(evidence_dir)))
    assert found == {
        "MSGTRK20261127-1.LOG": "exchange_tracking",
        "queue-snapshot.txt": "get_queue_csv",
        "RECV2026112706-1.LOG": "smtp_receive_log",
        "queues.csv": "get_queue_csv",
        "RECV2026112707-1.LOG": "smtp_receive_log",
        "messages.csv": "get_message_csv",
        "pfirewall.log": "windows_firewall_log",
        "filter.log": "filterlog",
        "q.csv": "get_queue_csv",
        "SEND20261127-1.LOG": "smtp_send_log",
        "postqueue.json": "postfix_queue_json",
    }


def test_names_do_not_matter(evidence_dir):
    (tracking,) = [p for p in backscatter(evidence_dir) if p.name.startswith("MSGTRK")]
    renamed = tracking.rename(evidence_dir / "firewall.csv")
    assert sniff_file(renamed).format == "exchange_tracking"


def test_protocol_log_without_log_type_line_uses_the_command_direction(evidence_dir):
    (_, send) = config_error(evidence_dir)
    lines = [ln for ln in send.read_text().splitlines() if not ln.startswith("#Log-type")]
    stripped = S.write_text(evidence_dir / "x.log", lines)
    assert sniff_file(stripped).format == "smtp_send_log"
    (recv,) = harvest(evidence_dir)
    lines = [ln for ln in recv.read_text(encoding="utf-8-sig").splitlines() if not ln.startswith("#Log-type")]
    assert sniff_file(S.write_text(evidence_dir / "y.log", lines)).format == "smtp_receive_log"


@pytest.mark.parametrize(
    "lines, fmt",
    [
        (["#Software: Microsoft Internet Information Services 6.0", "#Version: 1.0", "#Date: 2026-11-27 06:00:00",
          "#Fields: date time c-ip cs-username s-sitename s-computername s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status",
          "2026-11-27 06:00:01 203.0.113.7 mail.example.net SMTPSVC1 SBS01 192.168.1.10 25 EHLO - +mail.example.net 250"],
         "iis_smtp_log"),
        (["# Message Tracking Log File", "# Exchange System Attendant Version 6.5.7638.1",
          "# Date\tTime\tclient-ip\tClient-hostname\tPartner-Name\tServer-hostname\tserver-IP\tRecipient-Address\tEvent-ID\tMSGID\tPriority\tRecipient-Report-Status\ttotal-bytes\tNumber-Recipients\tOrigination-Time\tEncryption\tservice-Version\tLinked-MSGID\tMessage-Subject\tSender-Address"],
         "exchange2003_tracking"),
        (['"Timestamp","ClientIp","ServerIp","Source","EventId","Recipients","Sender"',
          '"27.11.2026 06:00:01","203.0.113.5","192.168.1.10","SMTP","RECEIVE","anna@smallbiz.example","a@b.example"'],
         "exchange_tracking_csv"),
        (["Time,Source IP,Destination IP,Destination Port,Protocol,Action",
          "2026-11-27 06:00:00,192.168.1.37,203.0.113.5,25,TCP,allow"], "firewall_csv"),
    ],
)
def test_other_formats(evidence_dir, lines, fmt):
    assert sniff_file(S.write_text(evidence_dir / "evidence.dat", lines)).format == fmt


def test_iis_web_log_is_not_mistaken_for_smtp(evidence_dir):
    path = S.write_text(evidence_dir / "u_ex.log", [
        "#Software: Microsoft Internet Information Services 10.0",
        "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip sc-status",
        "2026-11-27 06:00:01 192.168.1.10 GET /owa/ - 443 - 203.0.113.5 200"])
    info = sniff_file(path)
    assert info.format is None and "web-site log" in info.problems[0]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "empty"),
        (b"\r\n  \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "PNG picture"),
        (b"\x00\x01\x02\x03binary stuff" * 50, "binary"),
        (b"PK\x03\x04" + b"\0" * 100, "ZIP"),
        (b"Hello, this is just a letter.\nNothing to see.\n", "text the triage does not know"),
        (b"{\\rtf1\\ansi Queue full}\n", "RTF document"),
        (b"<html><body>Queue Viewer</body></html>\n", "web page"),
        (b'{"mailbox": "anna", "size": 12}\n', "not 'postqueue -j'"),
        (b"From: anna@smallbiz.example\nTo: ben@smallbiz.example\nSubject: queues\n\nThe queues are full.\n",
         "not a non-delivery report"),
    ],
)
def test_unusable_files_get_a_message(evidence_dir, content, words):
    path = evidence_dir / "thing.log"
    path.write_bytes(content)
    info = sniff_file(path)
    assert info.format is None
    assert words in info.problems[0]


def test_folder_and_missing_file(evidence_dir):
    assert "folder" in sniff_file(evidence_dir).problems[0]
    assert "cannot read" in sniff_file(evidence_dir / "nope.log").problems[0]


def test_utf16_without_bom_and_odd_length(evidence_dir):
    (queues,) = [p for p in backscatter(evidence_dir) if p.name.startswith("queue")]
    raw = queues.read_bytes()
    assert raw.startswith(codecs.BOM_UTF16_LE)
    nobom = evidence_dir / "nobom.csv"
    nobom.write_bytes(raw[2:])
    info = sniff_file(nobom)
    assert (info.format, info.encoding.label) == ("get_queue_csv", "UTF-16LE without BOM")
    cut = evidence_dir / "cut.csv"
    cut.write_bytes(raw[:-1])
    assert any("cut off" in p for p in sniff_file(cut).problems)


def test_powershell_screen_output_is_read_and_the_export_named(evidence_dir):
    """A pasted Format-Table is read; the missing LastError column gets the exact Export-Csv to run."""
    from sbskit.core.triage import analyse

    path = S.write_text(evidence_dir / "queues.txt", [
        "", "Identity             DeliveryType Status MessageCount Velocity RiskLevel OutboundIPPool NextHopDomain",
        "--------             ------------ ------ ------------ -------- --------- -------------- -------------",
        "SBS01\\1234           DnsConnec... Retry  212          0        Normal    0              gmail.com"],
        encoding="utf-16-le", bom=True)
    info = sniff_file(path)
    assert info.format == "get_queue_table"
    (summary,) = analyse([path]).inputs
    assert summary.records == 1
    assert any("without LastError" in p and "Export-Csv -Encoding UTF8 -NoTypeInformation" in p for p in summary.problems)

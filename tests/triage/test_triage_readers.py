"""Readers: columns mapped by name per version, encodings, line numbers, bounded state."""

from __future__ import annotations

import pytest

from sbskit.core.triage import samples as S
from sbskit.core.triage.engine import read_evidence
from sbskit.core.triage.evidence import Evidence


def _read(paths, **kw):
    ev = Evidence(**kw)
    return ev, read_evidence(paths, ev)


@pytest.mark.parametrize("version", ["2007", "2010", "2016"])
@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("utf-16-le", True)])
def test_tracking_versions_and_encodings(evidence_dir, version, encoding, bom):
    log = S.TrackingLog(version, seed=3)
    mid = log.add("RECEIVE", "SMTP", "x@spam.example", [f"ghost@{S.LOCAL_DOMAIN}"], client_ip="203.0.113.8")
    log.add("FAIL", "ROUTING", "x@spam.example", [f"ghost@{S.LOCAL_DOMAIN}"],
            status="550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", internal_id=mid)
    log.add("DSN", "DSN", f"postmaster@{S.LOCAL_DOMAIN}", ["x@spam.example"], return_path="<>")
    log.add("DELIVER", "STOREDRIVER", "a@partner.example", [f"anna@{S.LOCAL_DOMAIN}"])
    path = S.write_text(evidence_dir / "MSGTRK.LOG", log.lines, encoding=encoding, bom=bom)
    ev, (summary,) = _read([path])
    assert summary.format == "exchange_tracking" and summary.records == 4 and summary.problems == []
    stat = ev.table("not_found_by_source")["203.0.113.8"]  # FAIL linked to the sender's IP via the message id
    assert stat.values == {f"ghost@{S.LOCAL_DOMAIN}"}
    assert stat.samples[0].line == 7  # 5 header lines, RECEIVE on 6, FAIL on 7
    assert ev.counts["dsn"] == 1 and ev.table("ndr_to")["all"].values == {"spam.example"}
    assert S.LOCAL_DOMAIN in ev.local_domains()
    assert summary.encoding.startswith("UTF-16LE" if encoding == "utf-16-le" else ("UTF-8 with BOM" if bom else "ASCII"))


def test_tracking_version_from_header(evidence_dir):
    log = S.TrackingLog("2010")
    log.normal_traffic(3)
    ev, _ = _read([S.write_text(evidence_dir / "a.log", log.lines)])
    assert ev.versions == {"2010": 1}


def test_cmdlet_tracking_export_maps_columns_by_name(evidence_dir):
    lines = ['#TYPE Selected.Microsoft.Exchange.Management.TransportLogSearchTasks.MessageTrackingEvent',
             '"Timestamp","ClientIp","ServerIp","Source","EventId","InternalMessageId","Recipients","RecipientStatus","Sender","ReturnPath"',
             '"27.11.2026 06:00:01","","192.168.1.10","DSN","DSN","77","a@far.example","","postmaster@smallbiz.example","<>"',
             '"27.11.2026 06:00:02","","192.168.1.10","DSN","DSN","78","b@away.example","","postmaster@smallbiz.example","<>"']
    ev, (summary,) = _read([S.write_text(evidence_dir / "t.csv", lines, encoding="utf-16-le", bom=True)])
    assert summary.format == "exchange_tracking_csv" and summary.records == 2
    assert ev.table("ndr_to")["all"].values == {"far.example", "away.example"}
    assert [s.line for s in ev.sample("dsn")] == [3, 4]


def test_truncated_tracking_log(evidence_dir):
    log = S.TrackingLog("2016")
    log.normal_traffic(5)
    data = ("\r\n".join(log.lines)).encode()
    path = evidence_dir / "cut.log"
    path.write_bytes(data[: len(data) - 300])
    _, (summary,) = _read([path])
    assert summary.records == len(log.lines) - 5 - 1
    assert any("cut off" in p for p in summary.problems)


def test_garbage_lines_are_counted_not_fatal(evidence_dir):
    log = S.TrackingLog("2016")
    log.normal_traffic(4)
    log.lines.insert(7, "this is not a log line")
    _, (summary,) = _read([S.write_text(evidence_dir / "g.log", log.lines)])
    assert summary.skipped == 1 and "line 8" in summary.problems[0]


def test_receive_log_sessions(evidence_dir):
    recv = S.ReceiveLog()
    recv.failed_logon("203.0.113.50", "admin", attempts=2)
    recv.authenticated_send("198.51.100.9", "SMALLBIZ\\ben", f"ben@{S.LOCAL_DOMAIN}", ["a@x.example", "b@y.example"])
    recv.inbound("203.0.113.51", "a@b.example", [("c@d.example", "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain")])
    ev, (summary,) = _read([S.write_text(evidence_dir / "r.log", recv.lines)])
    assert ev.table("auth_fail_by_ip")["203.0.113.50"].count == 2  # LogonDenied and 535 of one attempt count once
    assert ev.table("auth_fail_by_ip")["203.0.113.50"].values == {"admin"}
    user = ev.table("auth_user")["SMALLBIZ\\ben"]
    assert user.values == {"x.example", "y.example"} and user.ips == {"198.51.100.9"}
    assert ev.counts["relay_refused"] == 1
    assert S.LOCAL_DOMAIN in ev.local_domains()  # authenticated MAIL FROM votes for our domain
    assert "192.168.1.10" in ev.seen_server_ips


def test_iis_smtp_log(evidence_dir):
    head = ["#Software: Microsoft Internet Information Services 6.0", "#Version: 1.0",
            "#Fields: date time c-ip cs-username s-sitename s-computername s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status"]
    body = []
    for i in range(30):
        body.append(f"2026-11-27 06:00:{i:02d} 203.0.113.7 relay SMTPSVC1 SBS01 192.168.1.10 25 MAIL - +FROM:<x@spam.example> 250")
        body.append(f"2026-11-27 06:00:{i:02d} 203.0.113.7 relay SMTPSVC1 SBS01 192.168.1.10 25 RCPT - +TO:<v{i}@far{i}.example> 250")
    body.append("2026-11-27 06:01:00 203.0.113.9 x SMTPSVC1 SBS01 192.168.1.10 25 AUTH - +LOGIN 535")
    ev, (summary,) = _read([S.write_text(evidence_dir / "ex.log", head + body)])
    assert summary.format == "iis_smtp_log" and summary.records == 61
    assert ev.table("anon_accept")["203.0.113.7"].distinct() == 30
    assert ev.table("auth_fail_by_ip")["203.0.113.9"].count == 1


def test_exchange_2003_log(evidence_dir):
    cols = ("Date\tTime\tclient-ip\tClient-hostname\tPartner-Name\tServer-hostname\tserver-IP\tRecipient-Address\tEvent-ID\t"
            "MSGID\tPriority\tRecipient-Report-Status\ttotal-bytes\tNumber-Recipients\tOrigination-Time\tEncryption\t"
            "service-Version\tLinked-MSGID\tMessage-Subject\tSender-Address")
    lines = ["# Message Tracking Log File", "# Exchange System Attendant Version 6.5.7638.1", "# " + cols]
    for i in range(3):
        msg = f"<m{i}@spam.example>"
        lines.append(f"2026-11-27\t6:0:{i} GMT\t203.0.113.70\tspam\t-\tSBS01\t192.168.1.10\tnobody{i}@smallbiz.example\t1019\t{msg}\t0\t-1\t1200\t1\t2026-11-27 6:0:{i} GMT\t0\tVersion: 6.0.3790.3959\t-\thi\tx{i}@spam{i}.example\t-")
        lines.append(f"2026-11-27\t6:0:{i} GMT\t203.0.113.70\tspam\t-\tSBS01\t192.168.1.10\tnobody{i}@smallbiz.example\t1030\t{msg}\t0\t-1\t1200\t1\t2026-11-27 6:0:{i} GMT\t0\tVersion: 6.0.3790.3959\t-\thi\tx{i}@spam{i}.example\t-")
    lines.append("2026-11-27\t6:1:0 GMT\t-\t-\t-\tSBS01\t192.168.1.10\tanna@smallbiz.example\t1028\t<ok@partner.example>\t0\t0\t99\t1\t2026-11-27 6:1:0 GMT\t0\tVersion: 6.0.3790.3959\t-\thello\tp@partner.example\t-")
    ev, (summary,) = _read([S.write_text(evidence_dir / "20261127.log", lines)])
    assert summary.format == "exchange2003_tracking" and summary.records == 7
    assert ev.versions == {"2003": 1}
    assert ev.table("ndr_to")["all"].values == {"spam0.example", "spam1.example", "spam2.example"}
    assert ev.table("ndr2003_by_source")["203.0.113.70"].distinct() == 3
    (span,) = ev.spans  # the Date and Time columns ('6:0:1 GMT') give the time the log covers
    assert (span.kind, span.first.minute, span.last.minute, span.hours) == ("delivery", 0, 1, 1 / 60)


def test_firewall_formats_and_server_exclusion(evidence_dir):
    csv_lines = ["Date,Src IP,Dst IP,Dst Port,Protocol,Action"] + [
        f"2026-11-27 06:00:{i:02d},192.168.1.{60 + i % 2},203.0.113.{i + 1},25,TCP,Allow" for i in range(6)
    ] + ["2026-11-27 06:01:00,192.168.1.10,203.0.113.200,25,TCP,Allow"]
    wf = S.pfirewall_lines([("DROP", "192.168.1.37", "198.51.100.5", "TCP", 25), ("ALLOW", "192.168.1.37", "192.168.1.10", "TCP", 25)])
    fl = S.filterlog_lines([("block", "192.168.1.44", "203.0.113.9", 25)])
    files = [S.write_text(evidence_dir / "fw.csv", csv_lines), S.write_text(evidence_dir / "pf.log", wf),
             S.write_text(evidence_dir / "filter", fl)]
    ev, summaries = _read(files, server_ips={"192.168.1.10"})
    assert [s.format for s in summaries] == ["firewall_csv", "windows_firewall_log", "filterlog"]
    hosts = ev.table("smtp_out_host")
    assert set(hosts) == {"192.168.1.60", "192.168.1.61", "192.168.1.37", "192.168.1.44", "192.168.1.10"}
    assert hosts["192.168.1.37"].count == 1  # the LAN-internal connection to the server is not counted
    from sbskit.core.triage.detectors import compromised_workstation

    named = compromised_workstation.detect(ev).subjects
    assert "192.168.1.10" not in named and "192.168.1.37" in named


def test_postfix_queue(evidence_dir):
    lines = ['{"queue_name": "deferred", "queue_id": "A1", "sender": "", "recipients": [{"address": "a@x.example", "delay_reason": "Host or domain name not found"}]}',
             '{"queue_name": "active", "queue_id": "A2", "sender": "ben@smallbiz.example", "recipients": [{"address": "b@y.example"}]}',
             'not json']
    ev, (summary,) = _read([S.write_text(evidence_dir / "pq", lines, crlf=False)])
    assert summary.records == 2 and summary.skipped == 1
    assert ev.counts["dsn"] == 1
    (group,) = ev.replies.groups.values()  # the bounce's reason is shown but supports no cause of ours
    assert group.reply.category == "recipient_domain" and group.aside == group.count == 1
    assert ev.table("queued_by_sender")["ben@smallbiz.example"].values == {"y.example"}


def test_get_message_with_type_name_recipients(evidence_dir):
    lines = S.message_export([{"Identity": "SBS01\\5\\1", "FromAddress": "x@a.example", "SCL": "-1", "SourceIP": "203.0.113.3",
                               "Recipients": "System.Collections.Generic.List`1[Microsoft.Exchange.Data.QueueViewer.RecipientInfo]"}])
    ev, (summary,) = _read([S.write_text(evidence_dir / "m.csv", lines)])
    assert summary.records == 1
    stat = ev.table("auth_user")["x@a.example"]
    assert stat.count == 1 and stat.values == set()


def test_long_line_is_bounded(evidence_dir):
    log = S.TrackingLog("2016")
    log.normal_traffic(2)
    lines = log.lines[:7] + ["x" * 600_000] + log.lines[7:]
    ev, (summary,) = _read([S.write_text(evidence_dir / "long.log", lines)])
    assert summary.records == len(log.lines) - 5
    assert summary.skipped >= 1


def test_filterlog_inside_a_mixed_syslog(evidence_dir):
    lines = []
    for i, fl in enumerate(S.filterlog_lines([("pass", "192.168.1.77", "203.0.113.20", 25)] * 5)):
        lines += [f"Nov 27 06:00:{i:02d} fw dhcpd[311]: DHCPACK on 192.168.1.{i} to 00:11:22:33:44:55", fl,
                  f"Nov 27 06:00:{i:02d} fw sshd[99]: Accepted publickey for admin"]
    ipv6 = ("Nov 27 06:01:00 fw filterlog[4242]: 5,,,1000000103,igb1,match,block,in,6,0x00,0x00000,64,tcp,6,80,"
            "fd00::37,2001:db8::25,50000,25,0,S,1,,64800,,mss")
    lines.append(ipv6)
    ev, (summary,) = _read([S.write_text(evidence_dir / "system.log", lines, crlf=False)])
    assert summary.format == "filterlog" and summary.records == 6 and summary.skipped == 0
    assert ev.table("smtp_out_host")["192.168.1.77"].count == 5
    assert ev.table("smtp_out_host")["fd00::37"].ips == {"block"}

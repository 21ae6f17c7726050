"""Evidence files for the triage tests (a helper module, imported by name: unique in the repo), written the way the real tools write them.

Each builder takes a folder and returns the files of one situation. Line formats come
from ``sbskit.core.triage.samples`` (header lines, column order per Exchange version),
but every situation's content (who sends what to whom) is spelled out here.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from sbskit.core.triage import samples as S

LOCAL = S.LOCAL_DOMAIN
SERVER = S.SERVER_IP


def backscatter(folder: Path, version: str = "2010") -> list[Path]:
    """Spam with forged senders to made-up local users; the server NDRs every one of them."""
    rng = random.Random(11)
    log = S.TrackingLog(version, seed=11)
    log.normal_traffic(40)
    for i in range(160):
        forged = f"{rng.choice(S.WORDS)}{i}@{S.outside_domain(rng)}"
        ghost = [f"{rng.choice(S.WORDS)}.{rng.randint(1, 9999)}@{LOCAL}"]
        ip = S.outside_ip(rng)
        mid = log.add("RECEIVE", "SMTP", forged, ghost, client_ip=ip, subject="Cheap meds")
        log.add("FAIL", "ROUTING", forged, ghost, status="550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", internal_id=mid)
        log.add("DSN", "DSN", f"MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@{LOCAL}", [forged], return_path="<>",
                subject="Undeliverable: Cheap meds")
        log.add("SEND", "SMTP", f"MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@{LOCAL}", [forged], return_path="<>",
                status="250 2.6.0", subject="Undeliverable: Cheap meds")
    queues = S.queue_export(
        [{"Identity": f"SBS01\\{200 + i}", "DeliveryType": "DnsConnectorDelivery", "Status": "Retry",
          "MessageCount": rng.randint(1, 2), "NextHopDomain": S.outside_domain(rng),
          "LastError": "451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain"}
         for i in range(40)]
        + [{"Identity": "SBS01\\Submission", "DeliveryType": "Undefined", "Status": "Ready", "MessageCount": 0,
            "NextHopDomain": "Submission"}]
    )
    return [
        S.write_text(folder / "MSGTRK20261127-1.LOG", log.lines),
        S.write_text(folder / "queue-snapshot.txt", queues, encoding="utf-16-le", bom=True),
    ]


def harvest(folder: Path) -> list[Path]:
    """One address walks an alphabet of names; recipient filtering answers 550 5.1.10."""
    rng = random.Random(12)
    recv = S.ReceiveLog(seed=12)
    for _ in range(15):
        recv.inbound(S.outside_ip(rng), f"news@{S.outside_domain(rng)}", [(f"ben@{LOCAL}", "250 2.1.5 Recipient OK")])
    names = [f"{a}{b}" for a in ("a", "b", "c", "d", "e", "f", "g", "h") for b in ("dam", "nna", "rian", "arol", "ustin", "elen", "ohn", "ike", "ary", "ick", "tom", "ed")]
    attacker = "203.0.113.66"
    for chunk in range(0, len(names), 20):
        recv.inbound(attacker, f"test@{S.outside_domain(rng)}",
                     [(f"{n}@{LOCAL}", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup")
                      for n in names[chunk:chunk + 20]])
    return [S.write_text(folder / "RECV2026112706-1.LOG", recv.lines, encoding="utf-8", bom=True)]


def auth_relay(folder: Path) -> list[Path]:
    return S.scenario_authenticated_relay(folder)


def open_relay(folder: Path) -> list[Path]:
    """Anonymous sessions from the internet relaying outside to outside, and the queued result."""
    rng = random.Random(13)
    recv = S.ReceiveLog(seed=13, build="14.03.0123.004")
    for _ in range(10):
        recv.inbound(S.outside_ip(rng), f"orders@{S.outside_domain(rng)}", [(f"dora@{LOCAL}", "250 2.1.5 Recipient OK")])
    spammer = "198.51.100.23"
    for _ in range(8):
        recv.inbound(spammer, f"promo@{S.outside_domain(rng)}",
                     [(f"{rng.choice(S.WORDS)}@{S.outside_domain(rng)}", "250 2.1.5 Recipient OK") for _ in range(6)])
    messages = S.message_export(
        [{"Identity": f"SBS01\\{300 + i // 5}\\{i}", "FromAddress": f"promo@{S.outside_domain(rng)}", "Status": "Retry",
          "Size": "4.2 KB (4,301 bytes)", "SCL": "0", "Queue": f"SBS01\\{300 + i // 5}", "Subject": "Winner",
          "SourceIP": spammer, "MessageSourceName": "SMTP:Default SBS01",
          "Recipients": f"{rng.choice(S.WORDS)}@{S.outside_domain(rng)}"} for i in range(30)],
        type_line=True,
    )
    return [
        S.write_text(folder / "RECV2026112707-1.LOG", recv.lines, crlf=False),
        S.write_text(folder / "messages.csv", messages, encoding="utf-16-le", bom=True),
    ]


def workstation(folder: Path) -> list[Path]:
    """The PC 192.168.1.37 talks SMTP to the world; the server's own SMTP traffic is normal."""
    rng = random.Random(14)
    entries = [("ALLOW", SERVER, S.outside_ip(rng), "TCP", 25) for _ in range(10)]
    entries += [("ALLOW", "192.168.1.37", S.outside_ip(rng), "TCP", 25) for _ in range(60)]
    entries += [("ALLOW", "192.168.1.52", S.outside_ip(rng), "TCP", 443) for _ in range(30)]
    rng.shuffle(entries)
    filterlog = S.filterlog_lines([("pass", "192.168.1.41", S.outside_ip(rng), 25) for _ in range(8)]
                                  + [("pass", "192.168.1.52", S.outside_ip(rng), 443) for _ in range(8)])
    return [
        S.write_text(folder / "pfirewall.log", S.pfirewall_lines(entries)),
        S.write_text(folder / "filter.log", filterlog, crlf=False),
    ]


def config_error(folder: Path) -> list[Path]:
    """No route out: no connector for outside domains and a smart host refusing our logon."""
    queues = S.queue_export(
        [{"Identity": "SBS01\\Unreachable", "DeliveryType": "Unreachable", "Status": "Ready", "MessageCount": 212,
          "NextHopDomain": "Unreachable Domain",
          "LastError": "A matching connector cannot be found to route the external recipient"},
         {"Identity": "SBS01\\12", "DeliveryType": "SmartHostConnectorDelivery", "Status": "Retry", "MessageCount": 88,
          "NextHopDomain": "[smtp.isp.example]",
          "LastError": "451 4.4.0 Primary target IP address responded with: \"535 5.7.8 Error: authentication failed\""},
         {"Identity": "SBS01\\13", "DeliveryType": "DnsConnectorDelivery", "Status": "Retry", "MessageCount": 41,
          "NextHopDomain": "partner.example.com",
          "LastError": "451 4.4.0 Primary target IP address responded with: \"421 4.4.1 Connection timed out.\""}],
        type_line=False,
    )
    send = ["#Software: Microsoft Exchange Server", "#Version: 15.02.1118.007", "#Log-type: SMTP Send Protocol Log",
            "#Date: 2026-11-27T06:00:00.000Z", "#Fields: " + ",".join(S.PROTOCOL_FIELDS)]
    for i in range(6):
        sid = f"08DB1C2A3F4F{i:04X}"
        base = f"2026-11-27T06:1{i}:00.000Z,Internet,{sid},"
        send += [base + "0,,192.0.2.25:587,+,,", base + "1,192.168.1.10:50123,192.0.2.25:587,<,220 smtp.isp.example ESMTP,",
                 base + "2,192.168.1.10:50123,192.0.2.25:587,>,EHLO SBS01.smallbiz.example,",
                 base + "3,192.168.1.10:50123,192.0.2.25:587,>,AUTH LOGIN,",
                 base + "4,192.168.1.10:50123,192.0.2.25:587,<,535 5.7.8 Error: authentication failed: authentication failure,",
                 base + "5,192.168.1.10:50123,192.0.2.25:587,-,,Local"]
    return [S.write_text(folder / "q.csv", queues), S.write_text(folder / "SEND20261127-1.LOG", send)]


def healthy(folder: Path) -> list[Path]:
    """A quiet office over a working day: mail in and out, one refused relay attempt, empty queues."""
    rng = random.Random(15)
    log = S.TrackingLog("2016", seed=15, gap=90.0)
    log.normal_traffic(400)
    recv = S.ReceiveLog(seed=15)
    for _ in range(30):
        recv.inbound(S.outside_ip(rng), f"info@{S.outside_domain(rng)}", [(f"anna@{LOCAL}", "250 2.1.5 Recipient OK")])
    recv.inbound("203.0.113.9", "x@spam.example", [("someone@gmail.example.com", "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain")])
    entries = [("ALLOW", SERVER, S.outside_ip(rng), "TCP", 25) for _ in range(20)]
    entries += [("ALLOW", "192.168.1.52", S.outside_ip(rng), "TCP", 443) for _ in range(40)]
    queues = S.queue_export([{"Identity": "SBS01\\Submission", "DeliveryType": "Undefined", "Status": "Ready",
                              "MessageCount": 0, "NextHopDomain": "Submission"},
                             {"Identity": "SBS01\\3", "DeliveryType": "DnsConnectorDelivery", "Status": "Active",
                              "MessageCount": 1, "NextHopDomain": "partner.example.com"}], type_line=False)
    return [
        S.write_text(folder / "MSGTRK20261127-2.LOG", log.lines),
        S.write_text(folder / "RECV2026112708-1.LOG", recv.lines),
        S.write_text(folder / "pfirewall.log", S.pfirewall_lines(entries)),
        S.write_text(folder / "queues.csv", queues, encoding="utf-8", bom=True),
    ]


def postfix_backscatter(folder: Path) -> list[Path]:
    rng = random.Random(16)
    lines = []
    for i in range(60):
        lines.append(json.dumps({"queue_name": "deferred", "queue_id": f"4F{i:04X}A1B2", "arrival_time": 1764223200 + i,
                                 "message_size": 2411, "forced_expire": False, "sender": "",
                                 "recipients": [{"address": f"{rng.choice(S.WORDS)}@{S.outside_domain(rng)}",
                                                 "delay_reason": "connect to mx.nowhere.example[203.0.113.4]:25: Connection timed out"}]}))
    return [S.write_text(folder / "postqueue.json", lines, crlf=False)]


def blocklisted(folder: Path) -> list[Path]:
    """Big receivers refuse our mail by listing and reputation; nothing shows who sent the spam."""
    rows = [
        {"Identity": "SBS01\\21", "DeliveryType": "DnsConnectorDelivery", "Status": "Retry", "MessageCount": 64,
         "NextHopDomain": "outlook.com",
         "LastError": "451 4.4.0 Primary target IP address responded with: \"550 5.7.1 Unfortunately, messages from "
                      "[198.51.100.7] weren't sent. Please contact your Internet service provider since part of their "
                      "network is on our block list (S3150). You can also refer your provider to "
                      "http://mail.live.com/mail/troubleshooting.aspx#errors.\" Attempted failover to alternate host, but "
                      "that did not succeed."},
        {"Identity": "SBS01\\22", "DeliveryType": "DnsConnectorDelivery", "Status": "Retry", "MessageCount": 31,
         "NextHopDomain": "partner.example.com",
         "LastError": "451 4.4.0 Primary target IP address responded with: \"554 5.7.1 Service unavailable; Client host "
                      "[198.51.100.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/198.51.100.7\""},
        {"Identity": "SBS01\\23", "DeliveryType": "DnsConnectorDelivery", "Status": "Retry", "MessageCount": 18,
         "NextHopDomain": "gmail.com",
         "LastError": "451 4.4.0 Primary target IP address responded with: \"421-4.7.0 [198.51.100.7 15] Our system has "
                      "detected an unusual rate of 421-4.7.0 unsolicited mail originating from your IP address. To protect "
                      "our 421-4.7.0 users from spam, mail sent from your IP address has been temporarily 421-4.7.0 rate "
                      "limited. 421 4.7.0 https://support.google.com/mail/?p=UnsolicitedRateLimitError x5si1 - gsmtp\""},
    ]
    return [S.write_text(folder / "queues.csv", S.queue_export(rows), encoding="utf-8", bom=True)]


def mail_dns(folder: Path) -> list[Path]:
    """A Postfix server whose host name does not verify: the next hops defer with 'Unverified Client host'."""
    lines = []
    for i in range(24):
        rcpt = f"{S.WORDS[i % len(S.WORDS)]}@{('isp-customer.example', 'gmail.com', 'partner.example.net')[i % 3]}"
        if i % 3 == 1:
            reason = ("host gmail-smtp-in.l.google.com[192.0.2.26] said: 421-4.7.23 The sending IP address for this "
                      "message doesn't have a PTR record, or the PTR record's forward DNS entry doesn't match the sending "
                      "IP address. To protect users from spam, your email has been temporarily rate limited. "
                      "x12si99 - gsmtp (in reply to end of DATA command)")
        else:
            reason = ("host mx.isp-customer.example[192.0.2.40] said: 450 4.7.1 <dsl-198-51-100-7.dyn.example>: "
                      "Unverified Client host rejected: Generic - Please relay via ISP (isp.example) "
                      "(in reply to RCPT TO command)")
        lines.append(json.dumps({"queue_name": "deferred", "queue_id": f"4Xc{i:03d}Kq9z", "arrival_time": 1764223200 + 600 * i,
                                 "message_size": 3174, "forced_expire": False, "sender": f"office@{LOCAL}",
                                 "recipients": [{"address": rcpt, "delay_reason": reason}]}))
    return [S.write_text(folder / "postqueue-j.json", lines, crlf=False)]


SCENARIOS = {
    "ndr_backscatter": backscatter,
    "directory_harvest": harvest,
    "authenticated_relay": auth_relay,
    "open_relay": open_relay,
    "compromised_workstation": workstation,
    "configuration_error": config_error,
    "blocklisted": blocklisted,
    "mail_dns": mail_dns,
}

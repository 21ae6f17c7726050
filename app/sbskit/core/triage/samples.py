"""Generate small, realistic evidence files: for the GUI's labelled sample and for tests.

Every line is written the way Exchange, PowerShell, Windows Firewall or pfSense write it
(header lines, column order per version, quoting, CRLF, BOMs, UTF-16), with documentation
addresses (203.0.113.0/24, 198.51.100.0/24) for the internet and 192.168.1.0/24 for the LAN.
Nothing here is ever presented as a real result: the GUI labels it "sample".
"""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

LOCAL_DOMAIN = "smallbiz.example"
SERVER_IP = "192.168.1.10"
SERVER_NAME = "SBS01"

FIELDS_2016 = (
    "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,"
    "internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,"
    "recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,"
    "directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,"
    "schema-version"
).split(",")
FIELDS_2010 = FIELDS_2016[:11] + FIELDS_2016[12:26]
FIELDS_2007 = FIELDS_2016[:11] + FIELDS_2016[12:21]
TRACKING_FIELDS = {"2007": FIELDS_2007, "2010": FIELDS_2010, "2016": FIELDS_2016}
BUILDS = {"2007": "08.03.0083.006", "2010": "14.03.0123.004", "2016": "15.01.2507.006"}
PROTOCOL_FIELDS = "date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context".split(",")

WORDS = ("alpha", "baltic", "cedar", "delta", "ember", "fjord", "granite", "harbor", "indigo", "juniper", "kestrel",
         "lumen", "meadow", "nimbus", "orchid", "pioneer", "quartz", "raven", "summit", "tundra", "umber", "vertex")


def outside_domain(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}{rng.randint(1, 999)}.{rng.choice(('example.com', 'example.net', 'example.org'))}"


def outside_ip(rng: random.Random) -> str:
    return f"{rng.choice(('203.0.113', '198.51.100'))}.{rng.randint(1, 254)}"


def _csv_line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(values)
    return buf.getvalue()


class Clock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 27, 6, 0, 0, tzinfo=timezone.utc)

    def tick(self, rng: random.Random, max_seconds: float = 20.0) -> str:
        self.now += timedelta(seconds=rng.uniform(0.05, max_seconds))
        return self.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.now.microsecond // 1000:03d}Z"


def write_text(path: Path, lines: list[str], encoding: str = "utf-8", bom: bool = False, crlf: bool = True) -> Path:
    """Write lines as Windows tools do: CRLF by default, optional BOM, any encoding."""
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    data = text.encode(encoding)
    if bom:
        data = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding] + data
    path.write_bytes(data)
    return path


class TrackingLog:
    """Builds MSGTRK lines for one Exchange version; ``add(event=..., ...)`` one event."""

    def __init__(self, version: str = "2016", seed: int = 1, gap: float = 20.0) -> None:
        self.fields = TRACKING_FIELDS[version]
        self.version = version
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.gap = gap  # most seconds between two events
        self.lines = [
            "#Software: Microsoft Exchange Server",
            f"#Version: {BUILDS[version]}",
            "#Log-type: Message Tracking Log",
            "#Date: 2026-11-27T06:00:00.000Z",
            "#Fields: " + ",".join(self.fields),
        ]
        self.counter = 100000

    def add(self, event: str, source: str, sender: str, recipients: list[str], client_ip: str = "",
            status: str = "", return_path: str | None = None, subject: str = "", connector: str = "",
            internal_id: int | None = None, context: str | None = None, server_ip: str | None = None) -> int:
        """Append one event; events of one message share ``internal_id`` (returned for the next call).
        ``context`` and ``server_ip`` override the source-context and server-ip columns."""
        if internal_id is None:
            self.counter += 1
            internal_id = self.counter
        values = {
            "date-time": self.clock.tick(self.rng, self.gap),
            "client-ip": client_ip,
            "client-hostname": "" if not client_ip else ("mail." + outside_domain(self.rng) if not client_ip.startswith("192.168.") else "PC-" + client_ip.rsplit(".", 1)[1]),
            "server-ip": SERVER_IP if server_ip is None else server_ip,
            "server-hostname": SERVER_NAME,
            "source-context": context if context is not None else ("08DB1C2A3F4E5D6C;250 2.6.0" if source == "SMTP" else ""),
            "connector-id": connector or (f"{SERVER_NAME}\\Default Frontend {SERVER_NAME}" if event == "RECEIVE" and source == "SMTP" else ""),
            "source": source,
            "event-id": event,
            "internal-message-id": str(internal_id),
            "message-id": f"<{internal_id}.{self.rng.randint(1000, 9999)}@{domain(sender) or LOCAL_DOMAIN}>",
            "network-message-id": f"8f3c{internal_id:08x}-1c2d-4e5f-a6b7-08db1c2a3f4e",
            "recipient-address": ";".join(recipients),
            "recipient-status": status,
            "total-bytes": str(self.rng.randint(2000, 90000)),
            "recipient-count": str(len(recipients)),
            "related-recipient-address": "",
            "reference": "",
            "message-subject": subject,
            "sender-address": sender,
            "return-path": sender if return_path is None else return_path,
            "message-info": "2026-11-27T06:00:01.000Z;SRV=SBS01.smallbiz.example:TOTAL-SUB=0.123" if event == "RECEIVE" else "",
            "directionality": "Incoming" if event == "RECEIVE" else "Originating",
            "tenant-id": "",
            "original-client-ip": client_ip,
            "original-server-ip": "",
            "custom-data": "",
            "transport-traffic-type": "Email",
            "log-id": f"{self.counter}",
            "schema-version": "15.01.2507.006",
        }
        self.lines.append(_csv_line([values.get(f, "") for f in self.fields]))
        return internal_id

    def normal_traffic(self, messages: int) -> None:
        """Inbound and outbound mail of a quiet, healthy office."""
        users = [f"{n}@{LOCAL_DOMAIN}" for n in ("anna", "ben", "chris", "dora", "emil", "frida", "office")]
        partners = [outside_domain(self.rng) for _ in range(25)]
        for _ in range(messages):
            if self.rng.random() < 0.55:
                sender = f"{self.rng.choice(WORDS)}@{self.rng.choice(partners)}"
                rcpt = [self.rng.choice(users)]
                ip = outside_ip(self.rng)
                mid = self.add("RECEIVE", "SMTP", sender, rcpt, client_ip=ip, subject="Re: order")
                self.add("DELIVER", "STOREDRIVER", sender, rcpt, status="", subject="Re: order", internal_id=mid)
            else:
                sender = self.rng.choice(users)
                rcpt = [f"{self.rng.choice(WORDS)}@{self.rng.choice(partners)}"]
                mid = self.add("RECEIVE", "STOREDRIVER", sender, rcpt, subject="Quote")
                self.add("SEND", "SMTP", sender, rcpt, status="250 2.6.0 Queued mail for delivery", subject="Quote",
                         connector="Internet", internal_id=mid)


def domain(address: str) -> str:
    return address.rsplit("@", 1)[1] if "@" in address else ""


class ReceiveLog:
    """SMTP receive protocol log lines, session by session."""

    def __init__(self, seed: int = 2, build: str = "15.01.2507.006") -> None:
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.session = 0x08DB1C2A3F4E0000
        self.lines = [
            "#Software: Microsoft Exchange Server",
            f"#Version: {build}",
            "#Log-type: SMTP Receive Protocol Log",
            "#Date: 2026-11-27T06:00:00.000Z",
            "#Fields: " + ",".join(PROTOCOL_FIELDS),
        ]

    def session_lines(self, remote_ip: str, steps: list[tuple[str, str, str]]) -> None:
        """steps: (event, data, context) after the connect line."""
        self.session += 1
        sid = f"{self.session:016X}"
        port = self.rng.randint(1025, 65000)
        connector = f"{SERVER_NAME}\\Default Frontend {SERVER_NAME}"
        all_steps = [("+", "", "")] + [("*", "", "Set Session Permissions")] + [(">", f"220 {SERVER_NAME}.{LOCAL_DOMAIN} Microsoft ESMTP MAIL Service ready", "")] + steps + [("-", "", "Remote(SocketError)")]
        for seq, (event, data, context) in enumerate(all_steps):
            self.lines.append(_csv_line([self.clock.tick(self.rng, 2.0), connector, sid, str(seq), f"{SERVER_IP}:25",
                                         f"{remote_ip}:{port}", event, data, context]))

    def inbound(self, remote_ip: str, sender: str, rcpts: list[tuple[str, str]]) -> None:
        steps = [("<", "EHLO mail.example.net", ""), (">", "250-SBS01 Hello", ""), ("<", f"MAIL FROM:<{sender}>", ""),
                 (">", "250 2.1.0 Sender OK", "")]
        for rcpt, reply in rcpts:
            steps += [("<", f"RCPT TO:<{rcpt}>", ""), (">", reply, "")]
        steps += [("<", "QUIT", ""), (">", "221 2.0.0 Service closing transmission channel", "")]
        self.session_lines(remote_ip, steps)

    def failed_logon(self, remote_ip: str, user: str, attempts: int = 1) -> None:
        steps = [("<", "EHLO User", ""), (">", "250-SBS01 Hello", "")]
        for _ in range(attempts):
            steps += [("<", "AUTH LOGIN", ""), (">", "334 VXNlcm5hbWU6", ""), ("<", "****", ""),
                      ("*", "", "Inbound AUTH LOGIN failed because of LogonDenied"),
                      ("*", f"User Name: {user}", ""), (">", "535 5.7.3 Authentication unsuccessful", "")]
        self.session_lines(remote_ip, steps)

    def authenticated_send(self, remote_ip: str, account: str, sender: str, rcpts: list[str]) -> None:
        steps = [("<", "EHLO User", ""), (">", "250-SBS01 Hello", ""), ("<", "AUTH LOGIN", ""), (">", "334 VXNlcm5hbWU6", ""),
                 ("<", "****", ""), ("*", "SMTPSubmit SMTPAcceptAnyRecipient SMTPAcceptAnySender", "Set Session Permissions"),
                 ("*", account, "authenticated"), (">", "235 2.7.0 Authentication successful", ""),
                 ("<", f"MAIL FROM:<{sender}>", ""), (">", "250 2.1.0 Sender OK", "")]
        for rcpt in rcpts:
            steps += [("<", f"RCPT TO:<{rcpt}>", ""), (">", "250 2.1.5 Recipient OK", "")]
        steps += [("<", "DATA", ""), (">", "354 Start mail input; end with <CRLF>.<CRLF>", ""),
                  (">", "250 2.6.0 Queued mail for delivery", ""), ("<", "QUIT", "")]
        self.session_lines(remote_ip, steps)


def queue_export(rows: list[dict], type_line: bool = True) -> list[str]:
    header = ["Identity", "DeliveryType", "Status", "MessageCount", "Velocity", "NextHopDomain", "LastError",
              "RetryCount", "LastRetryTime", "NextRetryTime"]
    lines = ['#TYPE Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo'] if type_line else []
    lines.append(_csv_line(header))
    for row in rows:
        lines.append(_csv_line([str(row.get(h, "")) for h in header]))
    return lines


def message_export(rows: list[dict], type_line: bool = False) -> list[str]:
    header = ["Identity", "FromAddress", "Status", "Size", "SCL", "Queue", "Subject", "LastError", "SourceIP",
              "MessageSourceName", "Recipients"]
    lines = ['#TYPE Microsoft.Exchange.Data.QueueViewer.ExtensibleMessageInfo'] if type_line else []
    lines.append(_csv_line(header))
    for row in rows:
        lines.append(_csv_line([str(row.get(h, "")) for h in header]))
    return lines


def pfirewall_lines(entries: list[tuple[str, str, str, str, int]]) -> list[str]:
    """entries: (action, src, dst, protocol, dst-port)."""
    lines = ["#Version: 1.5", "#Software: Microsoft Windows Firewall", "#Time Format: Local",
             "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path pid",
             ""]
    for i, (action, src, dst, proto, port) in enumerate(entries):
        lines.append(f"2026-11-27 06:{i // 60 % 60:02d}:{i % 60:02d} {action} {proto} {src} {dst} {49152 + i % 1000} {port} 0 - - - - - - - SEND 4242")
    return lines


def filterlog_lines(entries: list[tuple[str, str, str, int]]) -> list[str]:
    """entries: (action, src, dst, dst-port) as pfSense writes them to syslog."""
    lines = []
    for i, (action, src, dst, port) in enumerate(entries):
        lines.append(
            f"Nov 27 06:{i // 60 % 60:02d}:{i % 60:02d} fw filterlog[4242]: 5,,,1000000103,igb1,match,{action},in,4,0x0,,64,"
            f"{1000 + i},0,DF,6,tcp,60,{src},{dst},{49152 + i % 1000},{port},0,S,12345678,,64240,,mss;sackOK;TS;nop;wscale"
        )
    return lines


# --- scenarios ------------------------------------------------------------------------------


def scenario_authenticated_relay(folder: Path, seed: int = 7) -> list[Path]:
    """Password guessing, then one account sending to dozens of outside domains (the GUI sample)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    recv = ReceiveLog(seed)
    for _ in range(12):
        recv.inbound(outside_ip(rng), f"info@{outside_domain(rng)}", [(f"anna@{LOCAL_DOMAIN}", "250 2.1.5 Recipient OK")])
    attackers = [outside_ip(rng) for _ in range(4)]
    for ip in attackers:
        for user in ("administrator", "scanner", "reception", "test"):
            recv.failed_logon(ip, user, attempts=3)
    bad_ip = outside_ip(rng)
    for _ in range(6):
        recv.authenticated_send(bad_ip, "SMALLBIZ\\reception", f"reception@{LOCAL_DOMAIN}",
                                [f"{rng.choice(WORDS)}@{outside_domain(rng)}" for _ in range(8)])
    queues = queue_export(
        [{"Identity": f"{SERVER_NAME}\\{100 + i}", "DeliveryType": "DnsConnectorDelivery", "Status": "Retry",
          "MessageCount": rng.randint(20, 300), "NextHopDomain": d, "Velocity": 0,
          "LastError": "451 4.7.0 Temporary server error. Please try again later. PRX5" if i % 2 else
          "550 5.7.1 Service unavailable; Client host [198.51.100.77] blocked using zen.spamhaus.org"}
         for i, d in enumerate(("gmail.example.com", "yahoo.example.com", "outlook.example.com", "web.example.de"))]
    )
    return [
        write_text(folder / "RECV2026112706-1.LOG", recv.lines),
        write_text(folder / "queues.csv", queues, encoding="utf-16-le", bom=True),
    ]

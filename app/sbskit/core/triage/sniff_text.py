"""Recognise the pasted and non-Exchange forms admins really send, by their shape.

PowerShell screen output (Format-Table with its dashed underline, Format-List 'Name : value'
blocks), protocol-log lines copied without their '#Fields' header, logs indented or quoted
in a mail, Postfix's maillog and mailq text, and non-delivery reports. Also names what an
unreadable file looks like, in one line.
"""

from __future__ import annotations

import csv
import re

_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_DASHES = re.compile(r"^\s*-{2,}(?:\s+-{2,})*\s*$")
_LIST_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\s+:(?:\s(.*))?$")
# Postfix's daemons: a syslog name that ends in one of them is Postfix whatever comes before the last '/'
# (postfix/smtp, postfix/submission/smtpd, postfix-out/smtp, example.com/smtp, server1-1/smtp)
POSTFIX_DAEMONS = ("smtp|smtpd|lmtp|qmgr|oqmgr|cleanup|bounce|defer|trace|pickup|local|virtual|pipe|error|retry|discard|"
                   "postscreen|dnsblog|tlsproxy|anvil|master|scache|showq|verify|proxymap|tlsmgr|trivial-rewrite|"
                   "flush|spawn|sendmail|postdrop|postqueue|postsuper|postfix-script|postlog|qmqpd")
# the date and host are optional: 'docker logs' and 'journalctl -o cat' print lines without them; a
# 'docker compose logs' line starts with the service name and a bar
MAILLOG = re.compile(
    r"^(?:[\w.-]+\s+\|\s+)?"
    # 'mail.log:' or '/var/log/maillog.1:1234:' in front: grep over several files (-n adds the line number)
    r"(?:(?P<grep>[\w./-]+):(?:\d+:)?(?=[A-Z][a-z]{2}\s+\d|\d{4}-\d\d-\d\dT))?"
    r"(?:(?P<ts>[A-Z][a-z]{2}\s+\d{1,2}\s\d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)"
    r"\s+)?(?:(?P<host>[^\s\[\]]+)\s+)?"  # each may be missing: 'mail postfix/...', 'INFO  postfix/...', 'Feb 25 12:11:46 postfix/...'
    rf"(?P<prog>(?:[\w.-]+/)+(?:{POSTFIX_DAEMONS})|postfix[\w.-]*(?:/[\w./-]+)?)\[\d+\]:\s(?P<msg>.*)$")
# a piece of a delivery line pasted without its start: ' to=<a@b>, relay=..., status=deferred (...)' or 'relay=...'
DELIVERY_FRAGMENT = re.compile(r"^\s*(?:[0-9A-Za-z]{5,}:\s+)?(?:to=<.*?>,\s*(?:orig_to=<.*?>,\s*)?)?relay=[^,\s]+,.*?\bstatus=\w+")
MAILQ_HEAD = re.compile(r"^-Queue ID-\s+--Size--")
# one mailq entry: 'id[*!#] size date sender' (copied without the header line above it)
MAILQ_ENTRY = re.compile(r"^(?P<qid>[0-9A-Za-z]{5,})(?P<flag>[*!#]?)\s+(?P<size>\d+)\s+"
                         r"(?P<when>\w{3} \w{3}\s+\d+ \d\d:\d\d:\d\d)\s+(?P<sender>\S*)\s*$")
NDR_MARKERS = ("diagnostic-code:", "remote server returned", "the mail system", "delivery has failed to these recipients",
               "permanent fatal errors", "created automatically by mail delivery software", "smtp error from remote",
               "the error that the other server returned was", "undeliverable", "delivery status notification",
               "i'm sorry to have to inform you", "could not be delivered to one or more recipients",
               "diagnostic information for administrators", "generating server:", "rejected your message",
               "#smtp#", "final-recipient:", "could not be reached", "did not reach some or all of the intended recipients")

QUEUE_COLUMNS = {"identity", "deliverytype", "status", "messagecount", "nexthopdomain"}
MESSAGE_COLUMNS = {"fromaddress", "status", "queue"}
TRACKING_COLUMNS = {"eventid", "sender"}
# properties only Get-MessageTrackingLog prints (a table with other columns than EventId is still one)
TRACKING_ONLY = {"eventid", "sourcecontext", "recipientstatus", "internalmessageid", "messagesubject", "clienthostname",
                 "serverhostname", "totalbytes", "connectorid"}


def _norm(name: str) -> str:
    return re.sub(r"[-_ \"'()]", "", name.strip().lower())


def common_indent(lines: list[str]) -> str:
    """The prefix every non-empty line shares: spaces or tabs, or a mail quote ('> ', '>> ')."""
    body = [ln for ln in lines[:200] if ln.strip()]
    if len(body) < 2:
        return ""
    match = re.match(r"^(?:>\s?)+|^[ \t]+", body[0])
    if not match:
        return ""
    prefix = match.group(0)
    for line in body[1:]:
        while prefix and not line.startswith(prefix):
            prefix = prefix[:-1]
        if not prefix:
            return ""
    return prefix


def dedent(lines: list[str], prefix: str) -> list[str]:
    return [ln[len(prefix):] if ln.startswith(prefix) else ln.lstrip(" \t>") for ln in lines]


def _table_columns(lines: list[str]) -> set[str]:
    """Column names of a Format-Table paste: the line above the first dashed underline."""
    for i, line in enumerate(lines[1:60], 1):
        if _DASHES.match(line) and lines[i - 1].strip():
            return {_norm(c) for c in lines[i - 1].split()}
    return set()


def _list_keys(lines: list[str]) -> set[str]:
    keys = set()
    for line in lines[:200]:
        m = _LIST_LINE.match(line.strip())
        if m:
            keys.add(_norm(m.group(1)))
    return keys


def powershell_kind(lines: list[str]) -> tuple[str | None, str]:
    """('get_queue_table' | 'get_message_table' | 'tracking_table' | None, 'table' | 'list')."""
    for names, style in ((_table_columns(lines), "table"), (_list_keys(lines), "list")):
        if not names:
            continue
        if ({"identity", "messagecount"} <= names and names & {"deliverytype", "nexthopdomain", "status"}) or (
                {"deliverytype", "nexthopdomain"} <= names and names & {"messagecount", "lasterror"}):  # no Identity
            return "get_queue_table", style
        if MESSAGE_COLUMNS <= names or {"fromaddress", "identity"} <= names:
            return "get_message_table", style
        if TRACKING_COLUMNS <= names or {"eventid", "recipients"} <= names or (
                names & TRACKING_ONLY and names & {"sender", "recipients", "recipientstatus"}):
            return "tracking_table", style
    return None, ""


def headerless_protocol(lines: list[str]) -> bool:
    """Protocol-log rows without '#' header lines: ISO time, 9 columns, an event of + - < > *."""
    rows = [ln for ln in lines[:50] if ln.strip() and not ln.startswith("#")]
    if not rows:
        return False
    good = 0
    for line in rows:
        try:
            row = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            continue
        if len(row) >= 8 and _ISO_TIME.match(row[0]) and row[6] in ("+", "-", "<", ">", "*"):
            good += 1
    return good >= max(1, len(rows) * 3 // 4)


def postfix_kind(lines: list[str]) -> str | None:
    body = [ln for ln in lines[:300] if ln.strip()]
    if not body:
        return None
    from sbskit.core.triage.sniff_paste import queue_preamble

    skip = queue_preamble(body)  # 'bash-5.0# postqueue -p' and 'postqueue: warning: ...' pasted above the listing
    first = body[skip].strip() if skip < len(body) else ""
    if MAILQ_HEAD.match(first) or first.startswith("Mail queue is empty"):
        return "postfix_mailq"
    if MAILQ_ENTRY.match(first) and any(ln.strip().startswith("(") or "@" in ln for ln in body[skip + 1:skip + 4]):
        return "postfix_mailq"  # entries copied without the '-Queue ID-' header
    hits = sum(1 for ln in body if MAILLOG.match(ln) or DELIVERY_FRAGMENT.match(ln))
    if hits and hits >= len(body) // 5:
        return "postfix_maillog"
    return None


# Postfix's reply of a remote server in a bounce, however the text was wrapped: 'host mx.x[192.0.2.5] said: 550'
# (also without the word 'host': a fragment copied from 'mx.example.net[192.0.2.5] said: 550 ...' on)
POSTFIX_SAID = re.compile(r"(?:\bhost\s+|^|[\s(])[^\s\[<>():,]+\s*\[[^\]]*\]\s*(?:said|refused to talk to me):\s*[45]\d\d\b",
                          re.I)
EX2003_REPLY = re.compile(r"<[^\s<>#]+\s*#[45]\.\d{1,3}\.\d{1,3}>")
# Exchange 2007-2019's NDR diagnostic: 'mx.example.net #550 5.7.1 Service unavailable ... ##' (or '#SMTP#')
EXCHANGE_HASH = re.compile(r"(?:^|\s)#[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b.*?(?:##|#SMTP#)", re.I | re.M)
EXIM_SAID = re.compile(r"(?:^|\]: )smtp error from remote (?:mail )?server (?:after|for) ", re.I | re.M)


def is_ndr(lines: list[str]) -> bool:
    text = "\n".join(lines[:400]).lower()
    flat = " ".join(text.split())
    if POSTFIX_SAID.search(flat) or (EX2003_REPLY.search(flat) and "could not be reached" in flat):
        return True  # a bounce or a fragment of one: the reply itself is the evidence
    if EXCHANGE_HASH.search(text) or EXIM_SAID.search(text):
        return True  # Exchange's '#550 5.x.x ... ##' diagnostic, Exim's 'SMTP error from remote mail server after'
    marks = sum(1 for m in NDR_MARKERS if m in text)
    has_reply = re.search(r"\b[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b|\b[45]\d\d [A-Za-z]", flat) is not None
    return has_reply and (marks >= 2 or "diagnostic-code:" in text or "remote server returned" in text)


_SYSLOG_LINE = re.compile(r"^(?:[A-Z][a-z]{2}\s+\d{1,2}\s\d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*)\s+\S+\s+"
                          r"(?P<prog>[^\s\[:]+)(?:\[\d+\])?:\s")
_EXIM_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? (?:[+-]\d{4} )?(?:\[\d+\] )?\w{6}-\w{6}-\w{2,4} ")
_XML_START = re.compile(r"^<(?:\?xml|[A-Za-z][\w:.-]*(?:\s[^>]*)?/?>)")

_PROTO_COMMANDS = ("EHLO", "HELO", "MAIL FROM", "RCPT TO", "AUTH", "STARTTLS", "DATA", "QUIT")
_LISTENING_PORTS = ("25", "587", "465", "2525", "717")


def _port(endpoint: str) -> str:
    return endpoint.rsplit(":", 1)[1] if ":" in endpoint else ""


def protocol_direction(lines: list[str]) -> str:
    """'send' when our side issues the SMTP commands, else 'receive'.

    Lines without commands (a pasted TLS failure) still tell: the side on port 25/587 is the
    server (our local endpoint there: a receive log), and receive connectors are named
    'SERVER\\Connector' while send connectors carry a plain name ('Outbound to Office 365')."""
    sent = received = 0
    send_hints = receive_hints = 0
    for line in lines:
        if line.startswith("#"):
            continue
        try:
            row = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            continue
        if len(row) < 8:
            continue
        event, data = row[6], row[7].upper()
        if data.startswith(_PROTO_COMMANDS):
            if event == ">":
                sent += 1
            elif event == "<":
                received += 1
        local, remote = _port(row[4]), _port(row[5])
        if local in _LISTENING_PORTS and remote not in _LISTENING_PORTS:
            receive_hints += 1
        elif remote in _LISTENING_PORTS and local not in _LISTENING_PORTS:
            send_hints += 1
        elif row[1]:
            if "\\" in row[1]:
                receive_hints += 1
            else:
                send_hints += 1
    if sent != received:
        return "send" if sent > received else "receive"
    return "send" if send_hints > receive_hints else "receive"


# Exchange's queue LastError wordings (Queue Viewer, Get-Queue): the outer code, then the next hop's answer
LASTERROR = re.compile(
    r"^\s*(?:LastError\s*:\s*)?[45]\d\d[ .][45]\.\d{1,3}\.\d{1,3}\s.*?(?:primary target IP address responded with"
    r"|attempted failover to alternate host|the last endpoint attempted was|DNS query failed\. The error was"
    r"|error encountered while communicating with primary target|SMTPSEND\.)", re.I)


def has_lasterror(lines: list[str]) -> bool:
    return any(LASTERROR.match(line) for line in lines[:400])


def looks_like(lines: list[str]) -> str:
    """One line naming what a file the triage cannot read looks like (what it is, not a guess at a format)."""
    body = [ln.strip() for ln in lines[:100] if ln.strip()]
    first = body[0] if body else ""
    low = "\n".join(body).lower()
    if first.startswith("{\\rtf"):
        return "an RTF document: save it as plain text (.txt) and add that"
    if low.startswith(("<!doctype html", "<html")) or "<body" in low[:2000]:
        return "a web page (HTML), not a log: save the log itself"
    if _XML_START.match(first) and "</" in low:
        return "an XML file, not a log or export the triage reads (export the events as CSV)"
    if first.startswith(("{", "[")):
        return "JSON, but not 'postqueue -j' output (one object per line with queue_id and recipients)"
    named = _other_mail_software(body, low)
    if named:
        return named
    syslog = [m.group("prog") for m in map(_SYSLOG_LINE.match, body) if m]
    if syslog and len(syslog) >= len(body) // 2:
        programs = ", ".join(sorted(set(syslog))[:4])
        return (f"a syslog file, but its lines come from {programs}, not from Postfix's smtp/smtpd: add the mail log "
                "(/var/log/mail.log, or 'journalctl -u postfix')")
    from sbskit.core.triage import sniff_paste as pastes

    described = pastes.pflogsumm(low) or pastes.firewall_table(body)
    if described:
        return described
    if sum(1 for line in body if _EXIM_LINE.match(line)) >= max(1, len(body) // 2):
        return ("an Exim main log: the triage reads Exchange and Postfix logs; add the bounce messages (with the "
                "remote server's SMTP error) instead")
    if re.search(r"^(received|from|to|subject|date|message-id|mime-version):", low, re.M):
        return "an e-mail message, but not a non-delivery report (no SMTP error in it): add the bounce itself"
    if "event id" in low or "eventid" in low and "level" in low:
        return "a Windows event log export: the triage reads message tracking and protocol logs, not events"
    if re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", first) and " get " in low:
        return "an IIS web-site log, not the SMTP service's log"
    try:
        columns = [len(next(csv.reader([line]), [])) for line in body[:20] if "," in line]
    except csv.Error:
        columns = []
    if columns and columns[0] >= 3 and (len(body) == 1 or columns.count(columns[0]) >= 2):
        return f"a CSV file whose columns are not a known export (first line {first[:60]!r})"
    return f"text the triage does not know (it starts with {first[:60]!r})"


_EXIM_MARKS = re.compile(r"(?:^|\s)(?:R=\S+ T=\S+|SMTP<< |SMTP>> |\d+ [RT]: \S+ for |exim\[\d+\]:|retry_defer|"
                         r"\*\* \S+@\S+|== \S+@\S+)")
_NGINX_AUTH = re.compile(r"client login failed: \"(?P<why>[^\"]*)\".*?client: (?P<ip>[\d.:a-f]+).*?login: \"(?P<user>[^\"]*)\"")


def _other_mail_software(body: list[str], low: str) -> str:
    """Name the mail software of a log the triage does not read (Exim, an IIS SMTP log in Microsoft's format,
    a Windows event's text, an nginx mail proxy, Postal), with what it shows and what to add instead."""
    exim = sum(1 for line in body if _EXIM_MARKS.search(line))
    if exim and exim >= max(1, len(body) // 4):
        return ("Exim output (its main log or a debug trace): the triage reads Exchange and Postfix logs; add the bounce "
                "messages Exim sent back (they carry the remote server's SMTP error), or paste those error lines alone")
    if re.search(r",\s*SMTPSVC\d+,", low, re.I):
        return ("an IIS SMTP log in the 'Microsoft IIS Log File Format' (comma-separated, no header): switch the SMTP "
                "virtual server's logging to 'W3C Extended Log File Format' (all extended properties) and add that log")
    if "smtp protocol error log for virtual server" in low or "this is an smtp protocol log for virtual server" in low:
        return ("the text of a Windows event (MSExchangeTransport 7002/7004/7010, Exchange 2003): the triage reads the "
                "SMTP logs themselves; enable SMTP logging on the virtual server and add the log, or paste the quoted "
                "reply alone")
    logons = [m for m in map(_NGINX_AUTH.search, body) if m]
    if logons:
        ips = len({m.group("ip") for m in logons})
        names = len({m.group("user") for m in logons})
        return (f"an nginx mail-proxy log (Mailu, mailcow): {len(logons)} failed logon(s) from {ips} address(es) trying "
                f"{names} user name(s) ('{logons[0].group('why')}'): password guessing from the internet; it shows no "
                "deliveries: add the Postfix log for those")
    if "connection opened from" in low and ("smtp." in low or "=> " in low):
        return ("a Postal SMTP server log: the triage reads Exchange and Postfix logs; add Postal's delivery log or the "
                "bounces it sent")
    if re.search(r"^\S+ \(\d+ recipients?\)$", body[0] if body else ""):
        return ("a summary of the deferred queue by destination (a report, not the queue itself): add 'postqueue -j' "
                "output or the mail log")
    return ""


PICTURES = {b"\x89PNG": "a PNG picture (a screenshot?)", b"\xff\xd8\xff": "a JPEG picture (a screenshot?)",
            b"GIF8": "a GIF picture", b"BM": "a bitmap picture"}


def picture(head: bytes) -> str | None:
    for magic, name in PICTURES.items():
        if head.startswith(magic):
            return f"this is {name}, not text: export or copy the log as text instead"
    return None

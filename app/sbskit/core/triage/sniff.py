"""Recognise an evidence file by its content, never by its name.

Admins rename exports ("queue.txt", "log (2).csv") and mail them around; the file name
says little. The first 64 KB say a lot: header lines (``#Log-Type``, ``#Fields``,
``#Software``), CSV column names, JSON keys or the ``filterlog`` tag.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sbskit.core.triage import sniff_paste as pastes
from sbskit.core.triage import sniff_text as shapes
from sbskit.core.triage.encoding import EncodingGuess, guess_encoding, known_binary, looks_binary

SNIFF_BYTES = 65536

FORMAT_NAMES = {
    "exchange_tracking": "Exchange message tracking log",
    "exchange_tracking_csv": "Get-MessageTrackingLog export (CSV)",
    "smtp_receive_log": "Exchange SMTP receive protocol log",
    "smtp_send_log": "Exchange SMTP send protocol log",
    "get_queue_csv": "Get-Queue export (CSV)",
    "get_message_csv": "Get-Message export (CSV)",
    "exchange2003_tracking": "Exchange 2003 message tracking log",
    "iis_smtp_log": "IIS SMTP log (W3C)",
    "postfix_queue_json": "Postfix queue (postqueue -j)",
    "windows_firewall_log": "Windows Firewall log (pfirewall.log)",
    "filterlog": "pfSense/OPNsense filterlog",
    "firewall_csv": "Firewall log (CSV)",
    "get_queue_table": "Get-Queue screen output (pasted)",
    "get_message_table": "Get-Message screen output (pasted)",
    "tracking_table": "Get-MessageTrackingLog screen output (pasted)",
    "postfix_mailq": "Postfix queue (mailq)",
    "postfix_maillog": "Postfix maillog",
    "ndr_text": "Non-delivery report (bounce text)",
    "queue_lasterror": "Exchange queue LastError (pasted)",
    "pasted_replies": "SMTP replies (pasted text)",
}

# which kind of evidence each format is (the CLI options name these kinds)
FORMAT_KIND = {
    "exchange_tracking": "tracking-log",
    "exchange_tracking_csv": "tracking-log",
    "exchange2003_tracking": "tracking-log",
    "postfix_queue_json": "queue-export",
    "smtp_receive_log": "protocol-log",
    "smtp_send_log": "protocol-log",
    "iis_smtp_log": "protocol-log",
    "get_queue_csv": "queue-export",
    "get_message_csv": "queue-export",
    "windows_firewall_log": "firewall-log",
    "filterlog": "firewall-log",
    "firewall_csv": "firewall-log",
    "get_queue_table": "queue-export",
    "get_message_table": "queue-export",
    "tracking_table": "tracking-log",
    "postfix_mailq": "queue-export",
    "postfix_maillog": "tracking-log",
    "ndr_text": "ndr",
    "queue_lasterror": "queue-export",
    "pasted_replies": "ndr",
}


@dataclass
class Sniffed:
    path: Path
    size: int
    encoding: EncodingGuess | None = None
    newline: str = ""  # "CRLF", "LF", "CR" or ""
    format: str | None = None
    problems: list[str] = field(default_factory=list)
    version: str = ""  # "#Version" header, e.g. 15.1.2507.6
    headerless: bool = False  # protocol-log or tracking lines pasted without their '#Fields' header
    columns: int = 0  # the width of header-less tracking rows: which version's column order they follow
    indent: str = ""  # a prefix every line carries (a log pasted indented or quoted in a mail): removed

    @property
    def usable(self) -> bool:
        return self.format is not None


def norm(name: str) -> str:
    """Column name without case, dashes, underscores, spaces or quotes: 'event-id' -> 'eventid'."""
    return re.sub(r"[-_ \"'()]", "", name.strip().lower())


SRC_COLUMNS = {"src", "srcip", "source", "sourceip", "sourceaddress", "srcaddr", "sourceipaddress", "clientip"}
DST_COLUMNS = {"dst", "dstip", "destination", "destinationip", "destinationaddress", "dstaddr", "destinationipaddress"}
DPORT_COLUMNS = {"dstport", "dport", "dpt", "destinationport", "destport", "dstportnumber", "destinationportnumber"}


def _csv_header(lines: list[str]) -> tuple[list[str], int]:
    """The CSV header row (after an optional ``#TYPE`` line) and its index in ``lines``."""
    for index, line in enumerate(lines[:3]):
        stripped = line.strip()
        if not stripped or stripped.startswith("#TYPE"):
            continue
        try:
            row = next(csv.reader([stripped]))
        except (csv.Error, StopIteration):
            return [], -1
        return row, index
    return [], -1


def _classify_csv(header: list[str]) -> str | None:
    names = {norm(h) for h in header}
    if {"identity", "deliverytype", "messagecount"} <= names or {"identity", "nexthopdomain", "messagecount"} <= names:
        return "get_queue_csv"
    if "fromaddress" in names and ("identity" in names or "queue" in names):
        return "get_message_csv"
    if "eventid" in names and ({"timestamp", "datetime"} & names) and ({"sender", "senderaddress"} & names):
        return "exchange_tracking_csv"
    if names & SRC_COLUMNS and names & DST_COLUMNS and names & DPORT_COLUMNS:
        return "firewall_csv"
    return None


_FILTERLOG = re.compile(r"(?:filterlog(?:\[\d+\])?:\s*)?\d+,[^,]*,[^,]*,[^,]*,[^,]+,\w+,(?:pass|block|reject),(?:in|out),[46],")


def classify_text(lines: list[str]) -> tuple[str | None, str]:
    """(format, version) from the first lines of a decoded file."""
    version = ""
    log_type = ""
    fields: list[str] = []
    fields_sep = ""
    software = ""
    for line in lines[:40]:
        if not line.startswith("#"):
            continue
        key, _, value = line[1:].partition(":")
        key = key.strip().lower()
        value = value.strip()
        if key == "log-type":
            log_type = value.lower()
        elif key == "version" and not version:
            version = value
        elif key == "software":
            software = value.lower()
        elif key == "fields" and not fields:
            fields_sep = "," if "," in value else ("\t" if "\t" in value else " ")
            fields = [norm(f) for f in value.split(fields_sep) if f.strip()]
        elif "message tracking log file" in line.lower():
            return "exchange2003_tracking", version
        elif "exchange system attendant version" in line.lower():
            version = line.split("Version", 1)[-1].strip()
    if "message tracking log" in log_type:
        return "exchange_tracking", version
    if "smtp receive protocol log" in log_type:
        return "smtp_receive_log", version
    if "smtp send protocol log" in log_type:
        return "smtp_send_log", version
    if "windows firewall" in software or ("srcip" in fields and "dstport" in fields):
        return "windows_firewall_log", version
    if fields:
        if "eventid" in fields and ("recipientaddress" in fields or "senderaddress" in fields):
            return ("exchange_tracking" if fields_sep == "," else "exchange2003_tracking"), version
        if "sessionid" in fields and "event" in fields and "data" in fields:
            direction = shapes.protocol_direction(lines)
            return ("smtp_send_log" if direction == "send" else "smtp_receive_log"), version
        if "csmethod" in fields and ("cip" in fields or "sip" in fields):
            methods = set()
            index = fields.index("csmethod")
            for line in lines:
                if line and not line.startswith("#"):
                    parts = line.split(" ")
                    if len(parts) > index:
                        methods.add(parts[index].upper())
            if methods & {"GET", "POST", "HEAD", "PUT", "OPTIONS"} and not methods & {"EHLO", "HELO", "RCPT", "MAIL"}:
                return None, "web"
            return "iis_smtp_log", version
    data = [line for line in lines if line.strip() and not line.startswith("#")]
    if not data:
        return None, version
    first = data[0].strip()
    # Exchange 2003 tracking logs without the comment header still name their columns
    if "\t" in first and "event-id" in first.lower() and "recipient-address" in first.lower():
        return "exchange2003_tracking", version
    if first.startswith("{"):
        try:
            obj = json.loads(first)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and "queue_id" in obj and "recipients" in obj:
            return "postfix_queue_json", version
    probe = data[:200]
    hits = sum(1 for line in probe if _FILTERLOG.search(line))
    if hits and hits >= len(probe) // 5:  # a syslog file may mix filterlog with other programs' lines
        return "filterlog", version
    postfix = shapes.postfix_kind(data)
    if postfix:
        return postfix, version
    if shapes.has_lasterror(data) and not shapes.powershell_kind(data)[0]:  # a LastError pasted alone or with a few
        # header-less protocol lines (a whole Get-Queue table or list is read as one)
        return "queue_lasterror", version
    if shapes.headerless_protocol(data):
        direction = shapes.protocol_direction(data)
        return ("smtp_send_log" if direction == "send" else "smtp_receive_log"), "headerless"
    width = pastes.headerless_tracking(data)
    if width:
        return "exchange_tracking", f"headerless:{width}"
    pasted, _style = shapes.powershell_kind(data)
    if pasted:
        return pasted, version
    if shapes.is_ndr(lines):  # with its lines that start with "#" (Exchange's "#550 5.7.1 ... ##")
        return "ndr_text", version
    header, _ = _csv_header(data if not lines[0].startswith("#TYPE") else lines)
    known = _classify_csv(header) if len(header) >= 3 else None
    if known:
        return known, version
    if pastes.reply_text(data):  # after the exports: a CSV row may carry a reply inside it
        return "pasted_replies", version
    return None, version


def _newline(text: str) -> str:
    if "\r\n" in text:
        return "CRLF"
    if "\n" in text:
        return "LF"
    if "\r" in text:
        return "CR"
    return ""


def sniff_file(path: Path) -> Sniffed:
    """Format, encoding and obvious problems of one file (reads at most 64 KB)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except IsADirectoryError:
        return Sniffed(path, 0, problems=["this is a folder, not a file: add the log files inside it"])
    except OSError as exc:
        return Sniffed(path, 0, problems=[f"cannot read the file: {exc.strerror or exc}"])
    info = Sniffed(path, size)
    if not head.strip(b" \t\r\n\0\xef\xbb\xbf\xff\xfe"):
        info.problems.append("the file is empty")
        return info
    meaning = known_binary(head)
    if meaning:
        info.problems.append(f"this is {meaning}")
        return info
    picture = shapes.picture(head)
    if picture:
        info.problems.append(picture)
        return info
    info.encoding = guess_encoding(head)
    if looks_binary(head, info.encoding):
        info.encoding = None  # no text encoding to speak of
        info.problems.append("this is a binary file, not a text log or export")
        return info
    decoder = codecs.getincrementaldecoder(info.encoding.codec)(errors="replace")
    text = decoder.decode(head, final=len(head) < SNIFF_BYTES)
    info.newline = _newline(text)
    lines = text.splitlines()
    if len(head) == SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-line
    info.indent = shapes.common_indent(lines)
    if info.indent:
        lines = shapes.dedent(lines, info.indent)
    fmt, version = classify_text(lines)
    info.headerless = version.startswith("headerless")
    if version.startswith("headerless:"):
        info.columns = int(version.split(":", 1)[1])
    info.version = "" if version == "web" or info.headerless else version
    if fmt is None:
        if version == "web":
            info.problems.append("this is an IIS web-site log, not the SMTP service's log")
        else:
            info.problems.append(f"this looks like {shapes.looks_like(lines)}")
        return info
    info.format = fmt
    if info.encoding.codec.startswith("utf-16") and size % 2:
        info.problems.append("odd number of bytes for UTF-16 text: the file was cut off")
    return info

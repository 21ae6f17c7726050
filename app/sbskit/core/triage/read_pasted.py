"""PowerShell screen output pasted into a file: Get-Queue, Get-Message and Get-MessageTrackingLog
as Format-Table (columns under a dashed underline) or Format-List ('Name : value' blocks).

Admins paste what they see. A table cuts long cells ('SmartHost...') and leaves out columns
(LastError, Timestamp); we read what is there, complete truncated delivery types, and say
exactly which Export-Csv command gives the rest.
"""

from __future__ import annotations

import re

from sbskit.core.triage.direction import inbound_refusal
from sbskit.core.triage.errtext import is_not_found
from sbskit.core.triage.evidence import Evidence, Line, clip, domain_of, is_null_sender
from sbskit.core.triage.read_queues import message_row, queue_row
from sbskit.core.triage.readers_base import NumberedLines, ReadResult
from sbskit.core.triage.sniff import Sniffed, norm
from sbskit.core.triage.sniff_text import powershell_kind
from sbskit.core.triage.textio import Progress, TextSource

MAX_PASTE_LINES = 200_000  # a screen paste is small; a bigger file is not one
_DASH_GROUP = re.compile(r"-+")
_LIST = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\s+:(?:\s(.*))?$")
DELIVERY_TYPES = ("DnsConnectorDelivery", "SmartHostConnectorDelivery", "SmtpRelayToRemoteAdSite", "MapiDelivery",
                  "SmtpDeliveryToMailbox", "ShadowRedundancy", "Undefined", "Unreachable", "NonSmtpGatewayDelivery",
                  "SmtpRelayToDag", "SmtpRelayToMailboxDeliveryGroup", "SmtpRelayWithinAdSite", "Heartbeat",
                  "DeliveryAgent", "SmtpRelayToTiRg", "SmtpRelayWithinAdSiteToEdge")
EXPORT = {
    "get_queue_table": ("Get-Queue | Select-Object Identity,DeliveryType,Status,MessageCount,NextHopDomain,LastError | "
                        "Export-Csv -Encoding UTF8 -NoTypeInformation C:\\Triage\\queues.csv"),
    "get_message_table": ("Get-Queue | Get-Message -ResultSize Unlimited | Select-Object Identity,FromAddress,Status,"
                          "SCL,Queue,LastError,SourceIP,MessageSourceName,@{n='Recipients';e={($_.Recipients | "
                          "ForEach-Object {$_.Address}) -join ';'}} | Export-Csv -Encoding UTF8 -NoTypeInformation "
                          "C:\\Triage\\messages.csv"),
    "tracking_table": ("Get-MessageTrackingLog -ResultSize Unlimited -Start (Get-Date).AddDays(-2) | Select-Object "
                       "Timestamp,ClientIp,ServerIp,Source,EventId,InternalMessageId,@{n='Recipients';e={$_.Recipients "
                       "-join ';'}},@{n='RecipientStatus';e={$_.RecipientStatus -join ';'}},Sender,ReturnPath,"
                       "MessageSubject | Export-Csv -Encoding UTF8 -NoTypeInformation C:\\Triage\\tracking.csv"),
}
NEEDED = {"get_queue_table": {"lasterror": "LastError"}, "get_message_table": {"lasterror": "LastError"},
          "tracking_table": {"eventid": "EventId", "timestamp": "Timestamp"}}


def _truncated(value: str) -> bool:
    return value.endswith(("...", "\u2026"))


def _complete(value: str, known: tuple[str, ...]) -> str:
    """'SmartHost...' -> 'SmartHostConnectorDelivery' when exactly one known value fits."""
    if not _truncated(value):
        return value
    stem = value.rstrip(".\u2026")
    fits = [k for k in known if k.startswith(stem)]
    return fits[0] if len(fits) == 1 else stem


def _table_records(lines: list[tuple[int, str]]):
    """(line number, {normalised column: value}) for each row of one or more Format-Table blocks."""
    spans: list[tuple[int, int]] = []
    names: list[str] = []
    current: dict[str, str] | None = None
    start = 0
    for i, (line_no, text) in enumerate(lines):
        if i and re.match(r"^\s*-{2,}(?:\s+-{2,})*\s*$", text):
            header = lines[i - 1][1]
            groups = [(m.start(), m.end()) for m in _DASH_GROUP.finditer(text)]
            spans = [(g[0], groups[k + 1][0] if k + 1 < len(groups) else 10**6) for k, g in enumerate(groups)]
            names = [norm(header[a:b]) for a, b in spans]
            if current is not None:
                yield start, current
                current = None
            continue
        if not spans or not text.strip() or (i + 1 < len(lines) and re.match(r"^\s*-{2,}", lines[i + 1][1])):
            continue
        cells = [text[a:b].strip() for a, b in spans]
        if current is not None and not cells[0] and any(cells):  # a wrapped row goes on (Format-Table -Wrap)
            for name, cell in zip(names, cells):
                if cell:
                    current[name] = (current.get(name, "") + " " + cell).strip()
            continue
        if current is not None:
            yield start, current
        current, start = dict(zip(names, cells)), line_no
    if current is not None:
        yield start, current


def _list_records(lines: list[tuple[int, str]]):
    """(line number, {normalised key: value}) per Format-List block; wrapped values are joined."""
    current: dict[str, str] = {}
    key = ""
    start = 0
    for line_no, text in lines:
        if not text.strip():
            if current:
                yield start, current
            current, key = {}, ""
            continue
        m = _LIST.match(text.strip()) if not text[:1].isspace() or not key else None
        if m:
            key = norm(m.group(1))
            if not current:
                start = line_no
            if key in current:  # a new record began without a blank line
                yield start, current
                current, start = {}, line_no
            current[key] = (m.group(2) or "").strip()
        elif key:
            current[key] = (current[key] + " " + text.strip()).strip()
    if current:
        yield start, current


def read_pasted(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    numbered = NumberedLines(src, progress)
    lines: list[tuple[int, str]] = []
    for line_no, raw in numbered:
        if line_no > MAX_PASTE_LINES:
            result.problems.append(f"only the first {MAX_PASTE_LINES:,} lines were read: export as CSV for more")
            break
        lines.append((line_no, raw.rstrip("\r\n")))
    kind, style = powershell_kind([t for _, t in lines[:400]])
    records = _table_records(lines) if style == "table" else _list_records(lines)
    seen: set[str] = set()
    truncated = False
    for line_no, row in records:
        seen.update(k for k, v in row.items() if v)
        truncated = truncated or any(_truncated(v) for v in row.values())
        if kind == "get_queue_table":
            if not row.get("identity") and not row.get("messagecount"):
                continue
            row["deliverytype"] = _complete(row.get("deliverytype", ""), DELIVERY_TYPES)
            queue_row(ev, label, line_no, row, "Get-Queue (pasted)")
            ev.platforms["exchange"] += 1
        elif kind == "get_message_table":
            message_row(ev, label, line_no, row)
            ev.platforms["exchange"] += 1
        else:
            _tracking_record(ev, label, line_no, row)
        result.records += 1
    lacking = [shown for column, shown in NEEDED.get(kind or "", {}).items() if column not in seen]
    if kind and lacking:
        result.problems.append(f"PowerShell {'table' if style == 'table' else 'list'} output without "
                               f"{' and '.join(lacking)}: for the full picture run {EXPORT[kind]}")
    elif truncated:
        result.problems.append(f"some cells are cut off ('...'): for the full text run {EXPORT[kind]}")
    if not result.records:
        result.problems.append("no rows under the column names")
    return result


def _tracking_record(ev: Evidence, label: str, line: int, row: dict[str, str]) -> None:
    """One Get-MessageTrackingLog record from a table or list paste (few columns, no hot path)."""
    sender = row.get("sender", "").lower()
    rcpts = [r.strip(" {}") for r in re.split(r"[,;]", row.get("recipients", "")) if "@" in r]
    status = row.get("recipientstatus", "").strip(" {}")
    # a table pasted without EventId: a refusal in RecipientStatus is a FAIL (4xx: DEFER)
    event = row.get("eventid", "").upper() or {"5": "FAIL", "4": "DEFER"}.get(status[:1], "")
    text = clip(" ".join(f"{k}={v}" for k, v in row.items() if v))
    ev.platforms["exchange"] += 1
    rdom = domain_of(rcpts[0]) if rcpts else ""
    local = ev.local_domains()
    if event == "DELIVER":
        ev.counts["delivered"] += 1
        for r in rcpts:
            ev.vote_local(domain_of(r))
    elif event == "SEND":
        ev.counts["sent"] += 1
        if is_null_sender(sender) or row.get("returnpath", "") == "<>":
            ev.counts["ndr_sent"] += 1
    elif event == "DSN":
        ev.note("dsn", label, line, text)
        stat = ev.group("ndr_to", "all")
        stat.count += 1
        for r in rcpts:
            stat.add(domain_of(r))
    elif event in ("FAIL", "DEFER") and status:
        inbound = rdom in local or inbound_refusal(ev, row.get("sourcecontext", ""), row.get("clientip", ""),
                                                   row.get("serverip", ""))
        if event == "FAIL" and is_not_found(status):
            source = row.get("clientip") or f"sender {sender}"
            stat = ev.group("not_found_by_source", source)
            stat.count += 1
            for r in rcpts:
                stat.add(r.lower())
                ev.vote_local(domain_of(r))
            if stat.want_sample():
                stat.samples.append(Line(label, line, text))
            inbound = True
        elif not inbound:
            ev.counts["delivery_failures"] += 1
        ev.reply(status, "inbound" if inbound else "outbound", "tracking", label, line, subject=rdom, shown=text)

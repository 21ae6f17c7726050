"""Firewall logs: who on the LAN talks SMTP (TCP 25) to the internet.

A compromised workstation with its own SMTP engine never touches Exchange: the queues look
clean while the shared public IP gets listed. Only the firewall sees it, as LAN addresses
other than the mail server connecting out on port 25. We read Windows Firewall
``pfirewall.log``, pfSense/OPNsense ``filterlog`` lines and CSV exports that name source,
destination and destination-port columns.
"""

from __future__ import annotations

import csv

from sbskit.core.triage.evidence import Evidence, Line, clip, ip_kind
from sbskit.core.triage.readers_base import NumberedLines, ReadResult, column_map, safe_rows
from sbskit.core.triage.sniff import DPORT_COLUMNS, DST_COLUMNS, SRC_COLUMNS, Sniffed, norm
from sbskit.core.triage.textio import TICK_ROWS, Progress, TextSource

SMTP_PORTS = {"25"}


def _smtp_out(ev: Evidence, src: str, dst: str, action: str, label: str, line: int, text: str) -> None:
    """Record one outbound TCP 25 connection attempt from ``src`` to ``dst``.

    The mail server is recorded too; the detector leaves it out, so the server's address
    may be given after the import (the GUI asks for it on another page).
    """
    if ip_kind(dst) != "public":
        return
    kind = ip_kind(src)
    if kind != "lan":
        return
    stat = ev.group("smtp_out_host", src)
    stat.count += 1
    stat.add(dst)
    if action:
        stat.ips.add(action.lower())  # the actions seen (allow/drop/pass/block)
    if stat.want_sample():
        stat.samples.append(Line(label, line, clip(text)))


def read_windows_firewall(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    cols = {"action": 2, "protocol": 3, "src": 4, "dst": 5, "dport": 7}  # the documented default order
    width = 8
    lines = NumberedLines(src, progress)
    for line_no, raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("#"):
            if line.startswith("#Fields:"):
                names = [norm(f) for f in line[8:].split()]
                found = column_map(names, {"action": ("action",), "protocol": ("protocol",), "src": ("srcip",),
                                           "dst": ("dstip",), "dport": ("dstport",)})
                if len(found) == 5:
                    cols = found
                    width = max(found.values()) + 1
            continue
        parts = line.split()
        if len(parts) < width:
            result.skip(line_no)
            continue
        result.records += 1
        if parts[cols["dport"]] in SMTP_PORTS and parts[cols["protocol"]].upper() == "TCP":
            _smtp_out(ev, parts[cols["src"]], parts[cols["dst"]], parts[cols["action"]], label, line_no, line)
    result.finish(lines.ended_cleanly(lambda last: len(last.split()) >= width), lines.count)
    return result


def read_filterlog(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    lines = NumberedLines(src, progress)
    for line_no, raw in lines:
        line = raw.strip()
        if not line:
            continue
        at = line.find("filterlog")
        body = line[line.find(":", at) + 1 :].strip() if at >= 0 else line
        fields = body.split(",")
        if len(fields) < 9 or fields[6] not in ("pass", "block", "reject"):
            if at >= 0 or line[:1].isdigit():
                result.skip(line_no)  # a filterlog line we cannot read; other programs' lines are ignored
            continue
        result.records += 1
        action = fields[6]
        if fields[8] == "4" and len(fields) >= 22:
            proto, source, dest, dport = fields[16], fields[18], fields[19], fields[21]
        elif fields[8] == "6" and len(fields) >= 19:
            proto, source, dest, dport = fields[12], fields[15], fields[16], fields[18]
        else:
            continue
        if proto.lower() == "tcp" and dport in SMTP_PORTS:
            _smtp_out(ev, source, dest, action, label, line_no, line)
    result.finish(lines.ended_cleanly(lambda last: len(last.split(",")) >= 22), lines.count)
    return result


CSV_ALIASES = {
    "src": tuple(sorted(SRC_COLUMNS)),
    "dst": tuple(sorted(DST_COLUMNS)),
    "dport": tuple(sorted(DPORT_COLUMNS)),
    "protocol": ("protocol", "proto", "ipprotocol", "protocolname"),
    "action": ("action", "disposition", "result", "decision"),
}


def read_firewall_csv(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    reader = csv.reader(src.lines())
    cols: dict[str, int] | None = None
    n = 0
    for row in safe_rows(reader, result):
        n += 1
        if not n % TICK_ROWS:
            progress.tick()
        if not row or not any(row) or row[0].startswith("#"):
            continue
        if cols is None:
            cols = column_map([norm(c) for c in row], CSV_ALIASES)
            continue
        if len(row) <= max(cols.values()):
            result.skip(reader.line_num)
            continue
        result.records += 1
        if row[cols["dport"]].strip() not in SMTP_PORTS:
            continue
        if "protocol" in cols and row[cols["protocol"]].strip().lower() not in ("tcp", "6", ""):
            continue
        action = row[cols["action"]] if "action" in cols else ""
        _smtp_out(ev, row[cols["src"]].strip(), row[cols["dst"]].strip(), action, label, reader.line_num, ",".join(row))
    result.finish(True, reader.line_num)
    return result

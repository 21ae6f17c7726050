"""Exchange 2007-2019 message tracking logs and Get-MessageTrackingLog CSV exports.

This is the hot path (a busy server writes millions of lines a week), so columns are
mapped to indices once from the ``#Fields`` header (older versions have fewer columns;
the cmdlet export names them differently), rows stay plain lists from ``csv.reader``,
and only the few event types that matter do any work beyond one string comparison.
"""

from __future__ import annotations

import csv
import itertools

from sbskit.core.triage.errtext import NOT_FOUND, classify_error
from sbskit.core.triage.evidence import Evidence, domain_of, ip_kind, is_null_sender
from sbskit.core.triage.readers_base import ReadResult, column_map, safe_rows
from sbskit.core.triage.sniff import Sniffed, norm
from sbskit.core.triage.textio import TICK_ROWS, Progress, TextSource

ALIASES = {
    "time": ("datetime", "timestamp"),
    "client_ip": ("clientip",),
    "server_ip": ("serverip",),
    "source": ("source",),
    "event": ("eventid",),
    "internal_id": ("internalmessageid",),
    "recipients": ("recipientaddress", "recipients"),
    "status": ("recipientstatus",),
    "sender": ("senderaddress", "sender"),
    "return_path": ("returnpath",),
}
REQUIRED = ("event", "recipients", "sender")
MSGID_MEMORY = 200_000  # internal message ids remembered to link FAIL events to the sending IP


def _row_text(row: list[str]) -> str:
    return ",".join(row)


def read_tracking(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    reader = csv.reader(src.lines())
    cols: dict[str, int] | None = None
    width = 0
    is_export = info.format == "exchange_tracking_csv"
    n = 0

    local = ev.declared_local  # grows with DELIVER votes below
    local_seen: set[str] = set(local)
    msgid_ip: dict[str, str] = {}
    vote_budget = 50_000
    note = ev.note
    group = ev.group

    pending: list[str] | None = None
    for row in safe_rows(reader, result):
        if not row or not any(row):
            continue
        first = row[0]
        if first.startswith("#"):
            if first.startswith("#Fields:"):
                names = [norm(first.split(":", 1)[1])] + [norm(c) for c in row[1:]]
                cols = column_map(names, ALIASES)
            elif first.startswith("#Version:") and not info.version:
                info.version = first.split(":", 1)[1].strip()
            continue
        if cols is None and is_export:
            cols = column_map([norm(c) for c in row], ALIASES)
            continue
        if cols is None:
            result.skip(reader.line_num)
            continue
        pending = row
        break

    if cols is None:
        result.problems.append("no #Fields header or column names found")
        return result
    if any(k not in cols for k in REQUIRED):
        result.problems.append("the header lacks the event-id, sender or recipient columns; nothing was read")
        return result
    width = max(cols.values()) + 1
    i_ev = cols["event"]
    i_rcpt = cols["recipients"]
    i_from = cols["sender"]
    i_src = cols.get("source", -1)
    i_cip = cols.get("client_ip", -1)
    i_sip = cols.get("server_ip", -1)
    i_stat = cols.get("status", -1)
    i_rp = cols.get("return_path", -1)
    i_mid = cols.get("internal_id", -1)
    kinds: dict[str, str] = {}
    records = 0
    if pending is not None and i_sip >= 0 and len(pending) > i_sip and ip_kind(pending[i_sip]) in ("lan", "public"):
        ev.seen_server_ips[pending[i_sip]] += 1
    row = []

    rows = itertools.chain((pending,) if pending is not None else (), reader)
    while True:  # restarted after a line csv cannot parse; no per-row try needed
        try:
            for row in rows:
                n += 1
                if not n % TICK_ROWS:
                    progress.tick()
                if len(row) < width:
                    if not row or row[0].startswith("#") or not any(row):
                        continue
                    result.skip(reader.line_num)
                    continue
                records += 1
                e = row[i_ev]
                if e == "RECEIVE":
                    if i_src >= 0 and row[i_src] != "SMTP" or i_cip < 0:
                        continue
                    cip = row[i_cip]
                    kind = kinds.get(cip)
                    if kind is None:
                        kind = kinds[cip] = ip_kind(cip)
                        if len(kinds) > 100_000:
                            kinds.clear()
                    if kind == "public":
                        rcpts = row[i_rcpt]
                        outside = [d for d in {domain_of(r) for r in rcpts.split(";")} if d and d not in local_seen]
                        if i_mid >= 0:
                            if len(msgid_ip) >= MSGID_MEMORY:
                                msgid_ip.clear()
                            msgid_ip[row[i_mid]] = cip
                        if outside:
                            sender = row[i_from].lower()
                            stat = group("sender_from_internet", sender)
                            stat.count += 1
                            for d in outside:
                                stat.add(d)
                            if len(stat.ips) < 50:
                                stat.ips.add(cip)
                            if stat.want_sample():
                                stat.samples.append(ev_line(label, reader.line_num, row))
                    elif kind == "lan" and i_sip >= 0:
                        if cip == row[i_sip] or ev.is_server(cip):
                            continue
                        rcpts = row[i_rcpt]
                        outside = [d for d in {domain_of(r) for r in rcpts.split(";")} if d and d not in local_seen]
                        if outside:
                            stat = group("lan_submit", cip)
                            stat.count += 1
                            for d in outside:
                                stat.add(d)
                            if stat.want_sample():
                                stat.samples.append(ev_line(label, reader.line_num, row))
                elif e == "DELIVER":
                    if vote_budget > 0:
                        vote_budget -= 1
                        for r in row[i_rcpt].split(";"):
                            d = domain_of(r)
                            if d:
                                ev.local_votes[d] += 1
                                local_seen.add(d)
                    ev.counts["delivered"] += 1
                elif e == "SEND":
                    ev.counts["sent"] += 1
                    sender = row[i_from]
                    if is_null_sender(sender) or (i_rp >= 0 and row[i_rp] == "<>"):
                        doms = {domain_of(r) for r in row[i_rcpt].split(";")}
                        stat = group("ndr_to", "all")
                        stat.count += 1
                        for d in doms:
                            if d:
                                stat.add(d)
                        note("ndr_sent", label, reader.line_num, _row_text(row))
                elif e == "DSN":
                    doms = {domain_of(r) for r in row[i_rcpt].split(";")}
                    stat = group("ndr_to", "all")
                    stat.count += 1
                    for d in doms:
                        if d:
                            stat.add(d)
                    note("dsn", label, reader.line_num, _row_text(row))
                elif e == "FAIL" or e == "DEFER":
                    status = row[i_stat] if i_stat >= 0 else ""
                    if e == "FAIL" and NOT_FOUND.search(status):
                        source = msgid_ip.get(row[i_mid], "") if i_mid >= 0 else ""
                        if not source:
                            source = row[i_cip] if i_cip >= 0 and row[i_cip] else "sender " + row[i_from].lower()
                        stat = group("not_found_by_source", source)
                        stat.count += 1
                        for r in row[i_rcpt].split(";"):
                            if r:
                                stat.add(r.lower())
                                ev.vote_local(domain_of(r))
                        if stat.want_sample():
                            stat.samples.append(ev_line(label, reader.line_num, row))
                        note("rcpt_not_found", label, reader.line_num)
                    else:
                        category = classify_error(status)
                        if category:
                            note(category, label, reader.line_num, _row_text(row))
                        else:
                            note("fail_other" if e == "FAIL" else "defer_other", label, reader.line_num, _row_text(row))
            break
        except csv.Error:
            result.skip(reader.line_num)
            row = []

    result.records = records
    ended = not row or len(row) >= width or row[0].startswith("#")
    result.finish(ended, reader.line_num)
    return result


def ev_line(label: str, line: int, row: list[str]):
    from sbskit.core.triage.evidence import Line, clip

    return Line(label, line, clip(_row_text(row)))

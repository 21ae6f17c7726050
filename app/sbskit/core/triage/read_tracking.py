"""Exchange 2007-2019 message tracking logs and Get-MessageTrackingLog CSV exports.

This is the hot path (a busy server writes millions of lines a week), so columns are
mapped to indices once from the ``#Fields`` header (older versions have fewer columns;
the cmdlet export names them differently), rows stay plain lists from ``csv.reader``,
and only the few event types that matter do any work beyond one string comparison.
Evidence text is built only while a signal still wants sample lines.
"""

from __future__ import annotations

import csv
import itertools

from sbskit.core.triage.direction import inbound_refusal
from sbskit.core.triage.errtext import is_not_found
from sbskit.core.triage.evidence import Evidence, Line, clip, domain_of, ip_kind, is_null_sender
from sbskit.core.triage.readers_base import ReadResult, fields_header, safe_rows
from sbskit.core.triage.tally import MAX_MARKS
from sbskit.core.triage.sniff import Sniffed
from sbskit.core.triage.sniff_paste import tracking_layout
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
    "context": ("sourcecontext",),
    "connector": ("connectorid",),
}
# send connectors that hand mail to another Exchange server or role of the organisation: a hop, not mail leaving
INTERNAL_CONNECTORS = ("intra-organization", "inbound proxy", "intraorg", "shadowredundancy")
MIN_FILTERED = 5  # rows, all SEND or DELIVER and nothing else: an export filtered to successes
REQUIRED = ("event", "recipients", "sender")
MSGID_MEMORY = 200_000  # internal message ids remembered to link FAIL events to the sending IP
LOCAL_VOTES = 50_000  # DELIVER events that vote for our own domains (enough to learn them)


def _row_text(row: list[str]) -> str:
    return ",".join(row)


def _line(label: str, line: int, row: list[str]) -> Line:
    return Line(label, line, clip(_row_text(row)))


def _outside_domains(rcpts: str, local_seen: set[str]):
    """Recipient domains that are not ours; the one-recipient case avoids building sets."""
    if ";" not in rcpts:
        at = rcpts.rfind("@")
        if at < 0:
            return ()
        d = rcpts[at + 1 :]
        if d in local_seen:
            return ()
        d = domain_of(rcpts)
        return () if d in local_seen else (d,)
    return [d for d in {domain_of(r) for r in rcpts.split(";")} if d and d not in local_seen]


def _count_ndr(group, rcpts: str) -> None:
    """One non-delivery report (sent by us or a DSN), and the recipient domains it went to."""
    stat = group("ndr_to", "all")
    stat.count += 1
    for r in rcpts.split(";"):
        d = domain_of(r)
        if d:
            stat.add(d)


def _internal_send(row: list[str], i_con: int, i_cip: int, i_sip: int) -> bool:
    """A SEND to another Exchange server of the organisation (or this one): a hop inside, not mail leaving."""
    if i_con >= 0 and row[i_con].lower().startswith(INTERNAL_CONNECTORS):
        return True
    if i_sip >= 0:
        sip = row[i_sip]
        if sip and (ip_kind(sip) == "loopback" or (i_cip >= 0 and sip == row[i_cip])):
            return True
    return False


def read_tracking(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    reader = csv.reader(src.lines())
    layout, default_names = tracking_layout(info.columns) if info.headerless else ("", None)
    cols, pending = fields_header(reader, safe_rows(reader, result), info, result, ALIASES,
                                  first_row_names=info.format == "exchange_tracking_csv", default_names=default_names)
    if info.headerless and cols is not None:
        result.problems.append(f"no #Fields header (pasted rows?): read in {layout}'s standard column order")
        if pending is not None and len(pending) == len(default_names or ()) and default_names[-1] == "schema-version":
            info.version = info.version or pending[-1]  # the build each row carries: 15.01 = 2016, 15.02 = 2019
        elif layout.endswith("or later"):
            ev.worded_versions["2013+"] += 1
    if cols is None:
        result.problems.append("no #Fields header or column names found")
        return result
    if any(k not in cols for k in REQUIRED):
        result.problems.append("the header lacks the event-id, sender or recipient columns; nothing was read")
        return result
    width = max(cols.values()) + 1
    i_ev, i_rcpt, i_from = cols["event"], cols["recipients"], cols["sender"]
    i_src = cols.get("source", -1)
    i_cip = cols.get("client_ip", -1)
    i_sip = cols.get("server_ip", -1)
    i_stat = cols.get("status", -1)
    i_rp = cols.get("return_path", -1)
    i_mid = cols.get("internal_id", -1)
    i_time = cols.get("time", -1)
    i_ctx = cols.get("context", -1)
    i_con = cols.get("connector", -1)
    first_time = pending[i_time] if pending is not None and 0 <= i_time < len(pending) else ""
    last_time = first_time
    if pending is not None and i_sip >= 0 and len(pending) > i_sip and ip_kind(pending[i_sip]) in ("lan", "public"):
        ev.seen_server_ips[pending[i_sip]] += 1

    local_seen: set[str] = set(ev.local_domains())  # grows with the DELIVER votes below
    msgid_ip: dict[str, str] = {}
    kinds: dict[str, str] = {}
    vote_budget = LOCAL_VOTES
    note, wants, group, counts, fail_hours = ev.note, ev.wants, ev.group, ev.counts, ev.fail_hours
    reply = ev.replies.add
    records = delivered = sent = failures = received = hops = 0
    marks: list[str] = []
    mark_key, previous_stamp = "\0", ""
    starts = str.startswith
    n = 0
    row: list[str] = []
    last_ok: list[str] = pending if pending is not None else []
    rows = itertools.chain((pending,) if pending is not None else (), reader)
    while True:  # restarted after a line csv cannot parse: no try block per row
        try:
            for row in rows:
                n += 1
                if not n % TICK_ROWS:
                    progress.tick()
                if len(row) < width:
                    if row and not row[0].startswith("#") and any(row):
                        result.skip(reader.line_num)
                    continue
                records += 1
                last_ok = row
                if i_time >= 0:  # first and last stamp of each 10 minutes with lines: holes are no coverage
                    stamp = row[i_time]
                    if not starts(stamp, mark_key):  # no slice per row: the hot loop
                        mark_key = stamp[:15] or "\0"  # an empty stamp must not match every later one
                        if len(marks) < MAX_MARKS:
                            marks.append(previous_stamp)
                            marks.append(stamp)
                    previous_stamp = stamp
                e = row[i_ev]
                if e == "RECEIVE":
                    received += 1
                    if i_cip < 0 or (i_src >= 0 and row[i_src] != "SMTP"):
                        continue
                    cip = row[i_cip]
                    kind = kinds.get(cip)
                    if kind is None:
                        if len(kinds) > 100_000:
                            kinds.clear()
                        kind = kinds[cip] = ip_kind(cip)
                    if kind == "public":
                        if i_mid >= 0:
                            if len(msgid_ip) >= MSGID_MEMORY:
                                msgid_ip.clear()
                            msgid_ip[row[i_mid]] = cip
                        rcpts = row[i_rcpt]
                        if ";" not in rcpts and rcpts[rcpts.rfind("@") + 1 :] in local_seen:
                            continue  # the usual inbound mail: one recipient, one of ours
                        outside = _outside_domains(rcpts, local_seen)
                        if outside:
                            stat = group("sender_from_internet", row[i_from].lower())
                            stat.count += 1
                            for d in outside:
                                stat.add(d)
                            if len(stat.ips) < 50:
                                stat.ips.add(cip)
                            if stat.want_sample():
                                stat.samples.append(_line(label, reader.line_num, row))
                    elif kind == "lan":
                        if (i_sip >= 0 and cip == row[i_sip]) or ev.is_server(cip):
                            continue
                        outside = _outside_domains(row[i_rcpt], local_seen)
                        if outside:
                            stat = group("lan_submit", cip)
                            stat.count += 1
                            for d in outside:
                                stat.add(d)
                            if stat.want_sample():
                                stat.samples.append(_line(label, reader.line_num, row))
                elif e == "DELIVER":
                    delivered += 1
                    if vote_budget > 0:
                        vote_budget -= 1
                        for r in row[i_rcpt].split(";"):
                            d = domain_of(r)
                            if d:
                                ev.local_votes[d] += 1
                                local_seen.add(d)
                elif e == "SEND" or e == "SENDEXTERNAL":
                    if _internal_send(row, i_con, i_cip, i_sip):
                        hops += 1
                        continue
                    sent += 1
                    sender = row[i_from]
                    if (i_rp >= 0 and row[i_rp] == "<>") or (sender[:1] in "<mMpP" and is_null_sender(sender)):
                        _count_ndr(group, row[i_rcpt])
                        note("ndr_sent", label, reader.line_num, _row_text(row) if wants("ndr_sent") else None)
                elif e == "DSN":
                    _count_ndr(group, row[i_rcpt])
                    note("dsn", label, reader.line_num, _row_text(row) if wants("dsn") else None)
                elif e == "FAIL" or e == "DEFER":
                    status = row[i_stat] if i_stat >= 0 else ""
                    rcpts = row[i_rcpt]
                    rdom = rcpts[rcpts.rfind("@") + 1:].split(";", 1)[0].lower()
                    # our own agents refusing an inbound sender: the filters work, no cause of ours
                    ours = inbound_refusal(ev, row[i_ctx] if i_ctx >= 0 else "", row[i_cip] if i_cip >= 0 else "",
                                           row[i_sip] if i_sip >= 0 else "")
                    if e == "FAIL" and is_not_found(status):
                        source = msgid_ip.get(row[i_mid], "") if i_mid >= 0 else ""
                        if not source:
                            source = row[i_cip] if i_cip >= 0 and row[i_cip] else "sender " + row[i_from].lower()
                        stat = group("not_found_by_source", source)
                        stat.count += 1
                        for r in rcpts.split(";"):
                            if r:
                                stat.add(r.lower())
                                ev.vote_local(domain_of(r))
                        if stat.want_sample():
                            stat.samples.append(_line(label, reader.line_num, row))
                        note("rcpt_not_found", label, reader.line_num)
                        # our categorizer's RecipNotFound is about our own recipients; a remote 5.1.1 comes via SMTP
                        remote = i_src >= 0 and row[i_src] == "SMTP" and rdom not in local_seen and not ours
                        reply(status, "outbound" if remote else "inbound", "tracking", label, reader.line_num, 1,
                              rdom, row)
                    elif status:
                        inbound = ours or rdom in local_seen
                        reply(status, "inbound" if inbound else "outbound", "tracking", label, reader.line_num, 1,
                              rdom, row)
                        if not inbound:
                            failures += 1
                            if i_time >= 0:
                                fail_hours[row[i_time][:13]] += 1
            break
        except csv.Error:
            result.skip(reader.line_num)
            row = []
    counts["delivered"] += delivered
    counts["sent"] += sent
    counts["internal_hops"] += hops
    counts["delivery_failures"] += failures
    if delivered + sent + hops >= MIN_FILTERED and records == delivered + sent + hops and not received:
        counts["filtered_logs"] += 1
        note("filtered_log", label, 1, label)
        result.problems.append(f"all {records} rows are successful SEND or DELIVER events, with no RECEIVE, DSN or FAIL "
                               "row: the log looks filtered (Get-MessageTrackingLog -EventId SEND?), so failures cannot "
                               "show in it; add the whole log")
    result.records = records
    ended = not row or len(row) >= width or row[0].startswith("#")
    if records:
        ev.platforms["exchange"] += records
        last_time = last_ok[i_time] if 0 <= i_time < len(last_ok) else last_time
        if first_time:
            ev.add_span("delivery", label, first_time, last_time, [m for m in marks if m] + [previous_stamp])
    result.finish(ended, reader.line_num)
    return result

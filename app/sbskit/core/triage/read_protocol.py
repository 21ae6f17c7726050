"""SMTP protocol logs: Exchange receive/send logs (2007-2019) and the IIS SMTP W3C log.

The receive log is where authentication failures, recipient lookups and relay decisions
are visible per session: a session is followed from ``+`` (connect) to ``-`` (disconnect)
with a small state record, and sessions are forgotten as soon as they end, so memory stays
bounded by the number of concurrently open sessions (capped, too).
"""

from __future__ import annotations

import csv

from sbskit.core.triage.errtext import NOT_FOUND, RELAY_DENIED
from sbskit.core.triage.evidence import Evidence, Line, bare_address, clip, domain_of, ip_kind, split_endpoint
from sbskit.core.triage.readers_base import NumberedLines, ReadResult, column_map, fields_header, safe_rows
from sbskit.core.triage.sniff import Sniffed, norm
from sbskit.core.triage.textio import TICK_ROWS, Progress, TextSource

ALIASES = {
    "time": ("datetime",),
    "seq": ("sequencenumber",),
    "session": ("sessionid",),
    "local": ("localendpoint",),
    "remote": ("remoteendpoint",),
    "event": ("event",),
    "data": ("data",),
    "context": ("context",),
}
MAX_SESSIONS = 20_000
# the column order Exchange 2007-2019 writes: used for lines pasted without their #Fields header
DEFAULT_FIELDS = ["date-time", "connector-id", "session-id", "sequence-number", "local-endpoint",
                  "remote-endpoint", "event", "data", "context"]


class _Session:
    __slots__ = ("remote", "user", "sender", "rcpt", "tried_user", "denied", "refused", "denied_seq")

    def __init__(self, remote: str) -> None:
        self.remote = remote
        self.user = ""
        self.sender = ""
        self.rcpt = ""
        self.tried_user = ""
        self.denied = 0  # "LogonDenied" lines
        self.refused = 0  # "535" replies: one failed attempt may log both
        self.denied_seq = ""  # Exchange 2013+ logs LogonDenied twice under one sequence number


def _open_session_log(src: TextSource, info: Sniffed, result: ReadResult):
    """A receive or send log opened as CSV, its header read: (reader, rows, column map, first
    data row); the map is None, with the problem noted, when it lacks the columns a session needs."""
    reader = csv.reader(src.lines())
    rows = safe_rows(reader, result)
    cols, row = fields_header(reader, rows, info, result, ALIASES,
                              default_names=DEFAULT_FIELDS if info.headerless else None)
    if info.headerless and cols is not None:
        result.problems.append("no #Fields header (pasted lines?): read with Exchange's standard column order")
    if cols is None or any(k not in cols for k in ("session", "remote", "event", "data")):
        result.problems.append("no #Fields header with session-id, remote-endpoint, event and data columns")
        return reader, rows, None, None
    return reader, rows, cols, row


class _Records:
    """The data rows of a receive or send log wide enough to read, from ``first`` on; shorter
    rows (other than comments and blank rows) are counted as skipped, with a progress tick
    every TICK_ROWS rows. ``ended_cleanly()`` afterwards: the last row was not cut off."""

    def __init__(self, reader, first: list[str] | None, rows, width: int, result: ReadResult,
                 progress: Progress) -> None:
        self._reader, self._first, self._rows = reader, first, rows
        self._width, self._result, self._progress = width, result, progress
        self.last: list[str] = []

    def __iter__(self):
        reader, rows, width, result, tick = self._reader, self._rows, self._width, self._result, self._progress.tick
        row = self._first
        n = 0
        last: list[str] = []
        try:
            while row is not None:
                n += 1
                if not n % TICK_ROWS:
                    tick()
                last = row
                if len(row) < width:
                    if row and not row[0].startswith("#") and any(row):
                        result.skip(reader.line_num)
                else:
                    result.records += 1
                    yield row
                row = next(rows, None)
        finally:
            self.last = last

    def ended_cleanly(self) -> bool:
        return not self.last or len(self.last) >= self._width


def read_receive_log(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    reader, rows, cols, row = _open_session_log(src, info, result)
    if cols is None:
        return result
    c = _Columns(cols)
    sessions: dict[str, _Session] = {}
    records = _Records(reader, row, rows, c.width, result, progress)
    first: list[str] | None = None
    for row in records:
        first = first or row
        _receive_row(row, c, sessions, ev, label, reader.line_num)
    ev.counts["receive_sessions_open_at_end"] += len(sessions)
    _span(ev, label, c, first, records.last)
    if result.records:
        ev.platforms["exchange"] += result.records
    result.finish(records.ended_cleanly(), reader.line_num)
    return result


class _Columns:
    """Column indices of a protocol log (-1 when absent) and the width a row needs."""

    __slots__ = ("s", "r", "e", "d", "c", "l", "t", "q", "width")

    def __init__(self, cols: dict[str, int]) -> None:
        self.s, self.r, self.e, self.d = cols["session"], cols["remote"], cols["event"], cols["data"]
        self.c, self.l, self.t, self.q = (cols.get(k, -1) for k in ("context", "local", "time", "seq"))
        top = max(cols.values())
        self.width = top + 1 - (1 if self.c == top else 0)  # Exchange leaves an empty last context out


def _span(ev: Evidence, label: str, c: _Columns, first: list[str] | None, last: list[str]) -> None:
    if first and last and 0 <= c.t < min(len(first), len(last)):
        ev.add_span("protocol", label, first[c.t], last[c.t])


def _server_name(data: str) -> str:
    """'220 SBS01.smallbiz.example Microsoft ESMTP MAIL Service ready ...' -> 'sbs01.smallbiz.example'."""
    parts = data.split()
    name = parts[1].strip("[]").lower() if len(parts) > 1 else ""
    return name if "." in name and not name.replace(".", "").isdigit() else ""


def _receive_row(row, c: _Columns, sessions, ev: Evidence, label: str, line: int) -> None:
    sid = row[c.s]
    event = row[c.e]
    data = row[c.d]
    context = row[c.c] if 0 <= c.c < len(row) else ""
    session = sessions.get(sid)
    if session is None:
        if len(sessions) >= MAX_SESSIONS:
            sessions.clear()
        session = sessions[sid] = _Session(split_endpoint(row[c.r]))
        if c.l >= 0:
            local_ip = split_endpoint(row[c.l])
            if ip_kind(local_ip) in ("lan", "public") and len(ev.seen_server_ips) < 50:
                ev.seen_server_ips[local_ip] += 1
    if event == "-":
        sessions.pop(sid, None)
        return
    if event == "*":
        if "LogonDenied" in context or "LogonDenied" in data or "AUTH LOGIN failed" in context:
            seq = row[c.q] if 0 <= c.q < len(row) else ""
            if seq and seq == session.denied_seq:
                return  # the same failed attempt logged twice
            session.denied_seq = seq
            session.denied += 1
            if session.denied > session.refused:
                _auth_failed(session, ev, label, line, row)
        elif context.strip().lower() == "authenticated" and data:
            session.user = data.strip()
        elif data.startswith("User Name:") or context.startswith("User Name:"):
            session.tried_user = (data or context).split(":", 1)[1].strip()
            stat = ev.group("auth_fail_by_ip", session.remote)
            stat.add(session.tried_user.lower())
            ev.group("auth_fail_user", session.tried_user.lower()).add(session.remote)
        return
    if event == "<":
        upper = data[:10].upper()
        if upper.startswith("MAIL FROM"):
            session.sender = bare_address(data).lower()
            if session.user and session.sender:
                ev.group("auth_sender", session.user).add(session.sender)
                ev.vote_local(domain_of(session.sender))
        elif upper.startswith("RCPT TO"):
            session.rcpt = bare_address(data).lower()
        return
    if event != ">":
        return
    head = data[:1]
    if head == "2" and data.startswith("220 ") and len(ev.server_names) < 20:
        name = _server_name(data)
        if name:
            ev.server_names[name] += 1
    if head in ("4", "5"):
        text = ",".join(row)
        ev.reply(data, "inbound", "receive", label, line, subject=session.remote,
                 shown=f"RCPT TO:<{session.rcpt}> from {session.remote}: {text}" if session.rcpt else text)
        if data.startswith("535"):
            session.refused += 1
            if session.refused > session.denied:
                _auth_failed(session, ev, label, line, row)
    if not session.rcpt:
        return
    rcpt = session.rcpt
    session.rcpt = ""
    if data.startswith("250"):
        text = ",".join(row)
        rdom = domain_of(rcpt)
        if session.user:
            stat = ev.group("auth_user", session.user)
            stat.count += 1
            stat.add(rdom)
            if len(stat.ips) < 50:
                stat.ips.add(session.remote)
            if stat.want_sample():
                stat.samples.append(Line(label, line, clip(f"{session.user} from {session.remote}: {text}")))
        else:
            stat = ev.group("anon_accept", session.remote)
            stat.count += 1
            stat.add(f"{domain_of(session.sender)}>{rdom}")
            if stat.want_sample():
                stat.samples.append(Line(label, line, clip(f"MAIL FROM:<{session.sender}> {text}")))
    elif NOT_FOUND.search(data):
        stat = ev.group("not_found_by_source", session.remote)
        stat.count += 1
        stat.add(rcpt)
        ev.vote_local(domain_of(rcpt))
        if stat.want_sample():
            stat.samples.append(Line(label, line, clip(",".join(row))))
        ev.note("rcpt_not_found_smtp", label, line)
    elif RELAY_DENIED.search(data):
        shown = f"RCPT TO:<{rcpt}> from {session.remote}: {','.join(row)}"
        ev.note("relay_refused", label, line, shown)
        stat = ev.group("relay_refused_domain", domain_of(rcpt))
        stat.count += 1
        stat.add(session.remote)
        if stat.want_sample():
            stat.samples.append(Line(label, line, clip(shown)))


def _auth_failed(session: _Session, ev: Evidence, label: str, line: int, row: list[str]) -> None:
    stat = ev.group("auth_fail_by_ip", session.remote)
    stat.count += 1
    if stat.want_sample():
        stat.samples.append(Line(label, line, clip(",".join(row))))


_SEND_TROUBLE = ("fail", "error", "timed out", "refused", "unreachable", "denied", "not ")


def _known(text: str) -> bool:
    """A send-log information line the reply catalogue knows (a connect failure, a TLS error)."""
    from sbskit.core.triage.replies import classify

    reply = classify(text)
    return reply is not None and reply.pattern is not None and reply.category not in ("permanent_other", "transient")


def read_send_log(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    """Send logs show what remote servers and the smart host answer us."""
    result = ReadResult()
    reader, rows, cols, row = _open_session_log(src, info, result)
    if cols is None:
        return result
    c = _Columns(cols)
    records = _Records(reader, row, rows, max(c.r, c.e, c.d) + 1, result, progress)
    first: list[str] | None = None
    for row in records:
        first = first or row
        event = row[c.e]
        if event == "+":
            ev.group("send_remote", split_endpoint(row[c.r])).count += 1
        elif event == "<":
            data = row[c.d]
            if data[:1] in ("4", "5"):
                ev.reply(data, "outbound", "send", label, reader.line_num, subject=split_endpoint(row[c.r]),
                         shown=",".join(row))
        elif event == ">":
            data = row[c.d]
            if data[:4].upper() in ("EHLO", "HELO") and len(ev.server_names) < 20:
                name = data[5:].strip().lower()
                if "." in name:
                    ev.server_names[name] += 1
        elif event == "*":
            text = row[c.d] + (" " + row[c.c] if 0 <= c.c < len(row) else "")
            lowered = text.lower()
            if any(word in lowered for word in _SEND_TROUBLE) and _known(text):
                ev.reply(text, "outbound", "send", label, reader.line_num, subject=split_endpoint(row[c.r]),
                         shown=",".join(row))
    _span(ev, label, c, first, records.last)
    if result.records:
        ev.platforms["exchange"] += result.records
    result.finish(records.ended_cleanly(), reader.line_num)
    return result


IIS_ALIASES = {
    "cip": ("cip",),
    "method": ("csmethod",),
    "query": ("csuriquery",),
    "status": ("scstatus",),
    "user": ("csusername",),
    "sip": ("sip",),
}


def read_iis_smtp(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    """IIS SMTP (Exchange 2003 / SBS 2003): one line per command, sessions keyed by client IP."""
    result = ReadResult()
    cols: dict[str, int] | None = None
    width = 0
    last_from: dict[str, str] = {}
    authed: set[str] = set()
    lines = NumberedLines(src, progress)
    for line_no, raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("#"):
            if line.startswith("#Fields:"):
                cols = column_map([norm(f) for f in line[8:].split()], IIS_ALIASES)
                width = max(cols.values()) + 1 if cols else 0
            continue
        parts = line.split(" ")
        if cols is None or len(parts) < width or "method" not in cols:
            result.skip(line_no)
            continue
        result.records += 1
        cip = parts[cols["cip"]] if "cip" in cols else ""
        method = parts[cols["method"]].upper()
        query = parts[cols["query"]] if "query" in cols else ""
        status = parts[cols["status"]] if "status" in cols else ""
        if "sip" in cols and len(ev.seen_server_ips) < 50:
            sip = parts[cols["sip"]]
            if ip_kind(sip) in ("lan", "public"):
                ev.seen_server_ips[sip] += 1
        if len(last_from) > MAX_SESSIONS:
            last_from.clear()
        if method == "MAIL":
            last_from[cip] = bare_address(query.lstrip("+")).lower()
        elif method == "AUTH":
            if status.startswith("235"):
                authed.add(cip)
            elif status.startswith("535"):
                stat = ev.group("auth_fail_by_ip", cip)
                stat.count += 1
                if stat.want_sample():
                    stat.samples.append(Line(label, line_no, clip(line)))
        elif method == "RCPT":
            rcpt = bare_address(query.lstrip("+")).lower()
            if status.startswith("250"):
                sender = last_from.get(cip, "")
                if cip in authed:
                    stat = ev.group("auth_user", f"(authenticated client {cip})")
                    stat.ips.add(cip)
                    stat.add(domain_of(rcpt))
                else:
                    stat = ev.group("anon_accept", cip)
                    stat.add(f"{domain_of(sender)}>{domain_of(rcpt)}")
                stat.count += 1
                if stat.want_sample():
                    stat.samples.append(Line(label, line_no, clip(line)))
            elif status.startswith("550"):
                # IIS logs no text: a 550 on a local domain is an unknown user, elsewhere a refused relay
                stat = ev.group("iis_rcpt_550", cip)
                stat.count += 1
                stat.add(rcpt)
                if stat.want_sample():
                    stat.samples.append(Line(label, line_no, clip(line)))
        elif method == "QUIT":
            last_from.pop(cip, None)
    result.finish(lines.ended_cleanly(lambda last: len(last.split(" ")) >= width), lines.count)
    return result

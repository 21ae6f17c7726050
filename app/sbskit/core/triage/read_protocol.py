"""SMTP protocol logs: Exchange receive/send logs (2007-2019) and the IIS SMTP W3C log.

The receive log is where authentication failures, recipient lookups and relay decisions
are visible per session: a session is followed from ``+`` (connect) to ``-`` (disconnect)
with a small state record, and sessions are forgotten as soon as they end, so memory stays
bounded by the number of concurrently open sessions (capped, too).
"""

from __future__ import annotations

import csv

from sbskit.core.triage.errtext import NOT_FOUND, RELAY_DENIED, classify_error
from sbskit.core.triage.evidence import Evidence, Line, bare_address, clip, domain_of, ip_kind, split_endpoint
from sbskit.core.triage.readers_base import NumberedLines, ReadResult, column_map, fields_header, safe_rows
from sbskit.core.triage.sniff import Sniffed, norm
from sbskit.core.triage.textio import TICK_ROWS, Progress, TextSource

ALIASES = {
    "session": ("sessionid",),
    "local": ("localendpoint",),
    "remote": ("remoteendpoint",),
    "event": ("event",),
    "data": ("data",),
    "context": ("context",),
}
MAX_SESSIONS = 20_000


class _Session:
    __slots__ = ("remote", "user", "sender", "rcpt", "tried_user", "denied", "refused")

    def __init__(self, remote: str) -> None:
        self.remote = remote
        self.user = ""
        self.sender = ""
        self.rcpt = ""
        self.tried_user = ""
        self.denied = 0  # "LogonDenied" lines
        self.refused = 0  # "535" replies: one failed attempt may log both


def _open_session_log(src: TextSource, info: Sniffed, result: ReadResult):
    """A receive or send log opened as CSV, its header read: (reader, rows, column map, first
    data row); the map is None, with the problem noted, when it lacks the columns a session needs."""
    reader = csv.reader(src.lines())
    rows = safe_rows(reader, result)
    cols, row = fields_header(reader, rows, info, result, ALIASES)
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
    i_s, i_r, i_e, i_d = cols["session"], cols["remote"], cols["event"], cols["data"]
    i_c = cols.get("context", -1)
    i_l = cols.get("local", -1)
    width = max(cols.values()) + 1 - (1 if i_c == max(cols.values()) else 0)
    sessions: dict[str, _Session] = {}
    records = _Records(reader, row, rows, width, result, progress)
    for row in records:
        _receive_row(row, i_s, i_r, i_e, i_d, i_c, i_l, sessions, ev, label, reader.line_num)
    ev.counts["receive_sessions_open_at_end"] += len(sessions)
    result.finish(records.ended_cleanly(), reader.line_num)
    return result


def _receive_row(row, i_s, i_r, i_e, i_d, i_c, i_l, sessions, ev: Evidence, label: str, line: int) -> None:
    sid = row[i_s]
    event = row[i_e]
    data = row[i_d]
    context = row[i_c] if 0 <= i_c < len(row) else ""
    session = sessions.get(sid)
    if session is None:
        if len(sessions) >= MAX_SESSIONS:
            sessions.clear()
        session = sessions[sid] = _Session(split_endpoint(row[i_r]))
        if i_l >= 0:
            local_ip = split_endpoint(row[i_l])
            if ip_kind(local_ip) in ("lan", "public") and len(ev.seen_server_ips) < 50:
                ev.seen_server_ips[local_ip] += 1
    if event == "-":
        sessions.pop(sid, None)
        return
    if event == "*":
        if "LogonDenied" in context or "LogonDenied" in data or "AUTH LOGIN failed" in context:
            session.denied += 1
            if session.denied > session.refused:
                _auth_failed(session, ev, label, line, row)
        elif context.strip().lower() == "authenticated" and data:
            session.user = data.strip()
        elif data.startswith("User Name:") or context.startswith("User Name:"):
            session.tried_user = (data or context).split(":", 1)[1].strip()
            stat = ev.group("auth_fail_by_ip", session.remote)
            stat.add(session.tried_user.lower())
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
    if event != ">" or not session.rcpt:
        if event == ">" and data.startswith("535"):
            session.refused += 1
            if session.refused > session.denied:
                _auth_failed(session, ev, label, line, row)
        return
    rcpt = session.rcpt
    session.rcpt = ""
    text = ",".join(row)
    if data.startswith("250"):
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
            stat.samples.append(Line(label, line, clip(text)))
        ev.note("rcpt_not_found_smtp", label, line)
    elif RELAY_DENIED.search(data):
        ev.note("relay_refused", label, line, f"RCPT TO:<{rcpt}> from {session.remote}: {text}")


def _auth_failed(session: _Session, ev: Evidence, label: str, line: int, row: list[str]) -> None:
    stat = ev.group("auth_fail_by_ip", session.remote)
    stat.count += 1
    if stat.want_sample():
        stat.samples.append(Line(label, line, clip(",".join(row))))
    ev.note("auth_fail", label, line)


def read_send_log(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    """Send logs show what remote servers and the smart host answer us."""
    result = ReadResult()
    reader, rows, cols, row = _open_session_log(src, info, result)
    if cols is None:
        return result
    i_r, i_e, i_d = cols["remote"], cols["event"], cols["data"]
    i_c = cols.get("context", -1)
    width = max(i_r, i_e, i_d) + 1
    records = _Records(reader, row, rows, width, result, progress)
    for row in records:
        event = row[i_e]
        if event == "+":
            ev.group("send_remote", split_endpoint(row[i_r])).count += 1
        elif event in ("<", "*"):
            text = row[i_d] + (" " + row[i_c] if 0 <= i_c < len(row) else "")
            if event == "<" and text[:1] not in ("4", "5"):
                pass
            else:
                category = classify_error(text)
                if category:
                    ev.note(category, label, reader.line_num, ",".join(row))
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
                ev.note("auth_fail", label, line_no)
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

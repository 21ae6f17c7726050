"""A queue's LastError pasted as text, alone or next to a few protocol-log lines.

Admins copy the one line Queue Viewer shows ("451 4.4.0 Primary target IP address responded
with: ... Attempted failover to alternate host, but that did not succeed") and perhaps the
send-log lines of the failing session, without any header. The wording is Exchange
2007-2019's own. Each LastError is a reply about our outbound mail; the protocol lines are
read one by one (no sessions to follow in a paste): failures ('TLS negotiation failed with
error UnknownCredentials') and error replies, in the direction the lines show.
"""

from __future__ import annotations

import csv
import re

from sbskit.core.triage.evidence import Evidence, split_endpoint
from sbskit.core.triage.platform import note_connector
from sbskit.core.triage.readers_base import NumberedLines, ReadResult
from sbskit.core.triage.sniff import Sniffed
from sbskit.core.triage.sniff_paste import split_replies, unlink
from sbskit.core.triage.sniff_text import LASTERROR, protocol_direction
from sbskit.core.triage.textio import Progress, TextSource

MAX_PASTE_LINES = 200_000
MAX_REPLY_PASTE = 1_000
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_SHORT = re.compile(r"^[<>*+-],")
_AUTH_OFFER = re.compile(r"250[ -]AUTH[ =]([A-Z0-9 _-]+?),?$")
_TROUBLE = ("fail", "error", "timed out", "refused", "unreachable", "denied")


def read_lasterror(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    lines: list[tuple[int, str]] = []
    for line_no, raw in NumberedLines(src, progress):
        if line_no > MAX_PASTE_LINES:
            result.problems.append(f"only the first {MAX_PASTE_LINES:,} lines were read")
            break
        lines.append((line_no, raw.strip()))
    rows = [(n, text) for n, text in lines if _ISO.match(text)]
    short: list[str] = []
    direction = "outbound" if protocol_direction([t for _, t in rows]) == "send" else "inbound"
    source = "send" if direction == "outbound" else "receive"
    for line_no, text in lines:
        if not text:
            continue
        if LASTERROR.match(text):
            error = re.sub(r"^LastError\s*:\s*", "", text, flags=re.I)
            ev.reply(error, "outbound", "queue", label, line_no, shown=error)
            ev.counts["delivery_failures"] += 1
            result.records += 1
        elif _ISO.match(text):
            _protocol_line(ev, text, direction, source, label, line_no)
            result.records += 1
        elif _SHORT.match(text):
            short.append(text)
            _short_line(ev, text, label, line_no)
            result.records += 1
        else:
            result.skip(line_no)
    if result.records:
        ev.platforms["exchange"] += result.records
    if rows:
        result.problems.append("protocol-log lines without their #Fields header (pasted?): read one by one in "
                               "Exchange's standard column order")
    if short:
        result.problems.append(_short_summary(short))
    if not result.records:
        result.problems.append("no LastError line found")
    return result


def _short_line(ev: Evidence, text: str, label: str, line_no: int) -> None:
    """A send-log line copied without its first columns ('<,550 5.7.1 ...,'): the relay's error replies count."""
    data = text[2:].rstrip(",").strip().strip('"')
    if text[0] == "<" and data[:1] in ("4", "5"):
        ev.reply(data, "outbound", "send", label, line_no, shown=text)


def _short_summary(short: list[str]) -> str:
    """What the short send-log lines show about logging on: which AUTH methods the relay offered, and whether
    our server tried one (Exchange 2007/2010 speak AUTH LOGIN, not PLAIN)."""
    offered = sorted({m for line in short if line.startswith("<") for m in _AUTH_OFFER.findall(line.upper())
                      for m in m.split()})
    tried = any(line.upper().startswith(">,AUTH") for line in short)
    said = f"{len(short)} send-log line(s) without their time and session columns (copied from the log's last columns)"
    if offered and not tried:
        return (f"{said}: the relay offered AUTH {' '.join(offered)} and our server never sent AUTH"
                + ("; it offers no LOGIN, which Exchange 2007/2010 need" if "LOGIN" not in offered else ""))
    return f"{said}: read for error replies only"

def _protocol_line(ev: Evidence, text: str, direction: str, source: str, label: str, line_no: int) -> None:
    """One header-less protocol-log line: a failure note or an error reply, without session context."""
    from sbskit.core.triage.replies import classify

    try:
        row = next(csv.reader([text]))
    except (csv.Error, StopIteration):
        return
    if len(row) < 8:
        return
    note_connector(ev, row[1])
    event, data = row[6], row[7]
    context = row[8] if len(row) > 8 else ""
    remote = split_endpoint(row[5]) if row[5] else ""
    if event == "*":
        note = f"{data} {context}".strip()
        if any(word in note.lower() for word in _TROUBLE):
            reply = classify(note)
            if reply is not None and reply.pattern is not None:
                ev.reply(note, direction, source, label, line_no, subject=remote, shown=text)
    elif data[:1] in ("4", "5") and event == ("<" if direction == "outbound" else ">"):
        ev.reply(data, direction, source, label, line_no, subject=remote, shown=text)


def read_replies(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    """SMTP replies pasted on their own (a bounce's reply line, a LastError in a receiver's words, Gmail's text
    with its codes inside the sentences). Whose server gave them the paste does not say: they are read as answers
    to our mail, and the meaning says what they mean when our own server gave them."""
    result = ReadResult()
    lines: list[tuple[int, str]] = []
    for line_no, raw in NumberedLines(src, progress):
        if line_no > MAX_REPLY_PASTE:
            result.problems.append(f"only the first {MAX_REPLY_PASTE} lines were read")
            break
        lines.append((line_no, unlink(raw.rstrip("\r\n"))))
    exchange = 0
    for line_no, text in split_replies(lines):
        source = "queue" if re.match(r"^\s*LastError\s*:", text, re.I) else "pasted"
        reply = re.sub(r"^\s*(?:LastError\s*:|Diagnostic-Code:\s*smtp;|Remote Server returned)\s*", "", text, flags=re.I)
        found = ev.reply(reply.strip(" '"), "outbound", source, label, line_no, shown=text)
        if found is not None:
            result.records += 1
            # a LastError, or a wording only Exchange writes (its front end's PRX, its rate limit), names the system
            pattern = found.pattern
            exchange += source == "queue" or (pattern is not None and pattern.platform == "exchange")
            if pattern is not None and pattern.platform == "exchange" and pattern.category == "transport_service":
                ev.worded_versions["2013+"] += 1
    if exchange:
        ev.platforms["exchange"] += exchange
    if result.records:
        result.problems.append("replies pasted without the log or bounce around them: read as answers to our mail "
                               "(if your own server gave them, see what each means when our server says it)")
    else:
        result.problems.append("no SMTP reply found in the text")
    return result

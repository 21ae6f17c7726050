"""Non-delivery reports (bounces) saved or pasted as text: the reason each recipient failed.

Every mail system words its bounce differently; the reason is in one of a few places:
the DSN part's ``Diagnostic-Code: smtp; 550 ...`` (folded over several lines), Postfix's
``<addr>: host X said: 550 ... (in reply to ...)``, Exchange's ``Remote Server returned
'550 ...'``, Exim's ``SMTP error from remote mail server after ...:`` and Gmail's ``The
error that the other server returned was:``. Each reason goes to the reply catalogue;
the same reason for the same recipient found twice (body and DSN part) counts once.
"""

from __future__ import annotations

import re

from sbskit.core.triage.evidence import Evidence, domain_of
from sbskit.core.triage.readers_base import NumberedLines, ReadResult
from sbskit.core.triage.sniff import Sniffed
from sbskit.core.triage.textio import Progress, TextSource

MAX_NDR_LINES = 50_000
_ADDRESS = re.compile(r"[\w.+'-]+@[\w.-]+\.\w+")
_STARTS = (
    (re.compile(r"^diagnostic-code:\s*(?:smtp|x-[\w-]+)?;?\s*(.*)$", re.I), "dsn"),
    (re.compile(r"^(?:<?([^\s<>]+@[^\s<>]+?)>?:\s+)?host \S+(?: \[[\d.:a-f]+\])? (?:said|refused to talk to me):\s*(.*)$", re.I), "said"),
    (re.compile(r"remote server returned '(.*?)'?\s*$", re.I), "exchange"),
    (re.compile(r"^smtp error from remote (?:mail )?server (?:after|for) [^:]*:[^:]*?:?\s*(.*)$", re.I), "exim"),
    (re.compile(r"^the error that the other server returned was:\s*(.*)$", re.I), "gmail"),
    (re.compile(r"^\(?reason:\s*(.*?)\)?$", re.I), "reason"),
    (re.compile(r"#<[^#]*#([45]\.\d{1,3}\.\d{1,3})\s+smtp;\s*(.*?)>?\s*(?:#SMTP#)?\s*$", re.I), "exchange_short"),
    (re.compile(r"^remote host said:\s*(.*)$", re.I), "qmail"),
)
_RECIPIENT = re.compile(r"^(?:final|original)-recipient:\s*rfc822;\s*(\S+)", re.I)


def read_ndr(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    lines = NumberedLines(src, progress)
    seen: set[tuple[str, str]] = set()
    recipient = ""
    pending: list[str] | None = None
    pending_line = 0
    kind = ""

    def flush() -> None:
        nonlocal pending
        if pending is None:
            return
        text = " ".join(part.strip() for part in pending if part.strip())
        pending = None
        if not re.search(r"\b[45]\d\d\b|\b[45]\.\d{1,3}\.\d{1,3}\b", text):
            return
        from sbskit.core.triage.replies import classify

        reply = classify(text)
        if reply is None:
            return
        key = (recipient, reply.key)
        if key in seen:
            return
        seen.add(key)
        ev.reply(text, "outbound", "ndr", label, pending_line, subject=domain_of(recipient), shown=text)
        result.records += 1

    for line_no, raw in lines:
        if line_no > MAX_NDR_LINES:
            result.problems.append(f"only the first {MAX_NDR_LINES:,} lines were read")
            break
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if pending is not None:
            folded = line[:1] in (" ", "\t") and kind in ("dsn", "said", "exim", "gmail", "qmail")
            continues = stripped and (folded or (kind in ("said", "exim", "gmail") and not _starts(stripped)))
            if continues and not _RECIPIENT.match(stripped) and ":" not in stripped[:20].replace("said:", ""):
                pending.append(stripped)
                continue
            if continues and kind in ("exim", "gmail") and re.match(r"^[45]\d\d[ -]", stripped):
                pending.append(stripped)
                continue
            flush()
        r = _RECIPIENT.match(stripped)
        if r:
            recipient = r.group(1).strip("<>")
            continue
        found = _starts(stripped)
        if found:
            kind, groups = found
            address = next((g for g in groups[:-1] if g and "@" in g), "")
            if address:
                recipient = address
            elif kind != "dsn":
                near = _ADDRESS.search(stripped)
                recipient = near.group(0) if near and kind == "said" else recipient
            pending, pending_line = [groups[-1]], line_no
            continue
        address = _ADDRESS.fullmatch(stripped.strip("<>:"))
        if address:
            recipient = address.group(0)
    flush()
    if not result.records:
        result.problems.append("no SMTP error found in the text")
    return result


def _starts(text: str):
    for pattern, kind in _STARTS:
        m = pattern.search(text) if kind in ("exchange", "exchange_short") else pattern.match(text)
        if m:
            return kind, tuple(g or "" for g in m.groups())
    return None

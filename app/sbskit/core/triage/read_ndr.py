"""Non-delivery reports (bounces) saved or pasted as text: the reason each recipient failed.

Every mail system words its bounce differently; the reason is in one of a few places:
the DSN part's ``Diagnostic-Code: smtp; 550 ...`` (folded over several lines), Postfix's
``<addr>: host X said: 550 ... (in reply to ...)`` (wrapped anywhere, even before "said:",
read per paragraph), Exchange's ``Remote Server returned '550 ...'`` and Exchange 2003's
``<domain #5.2.2>``, Exim's ``SMTP error from remote mail server after ...:`` and Gmail's
``The error that the other server returned was:``. Each reason goes to the reply catalogue;
the same reason for the same recipient found twice (body and DSN part) counts once. The
wording also names the mail system that wrote the bounce (Postfix, Exchange 2003).
"""

from __future__ import annotations

import re

from sbskit.core.triage.evidence import Evidence, domain_of
from sbskit.core.triage.readers_base import NumberedLines, ReadResult
from sbskit.core.triage.sniff import Sniffed
from sbskit.core.triage.sniff_paste import unlink
from sbskit.core.triage.textio import Progress, TextSource

MAX_NDR_LINES = 50_000
_ADDRESS = re.compile(r"[\w.+'-]+@[\w.-]+\.\w+")
_STARTS = (
    (re.compile(r"^diagnostic-code:\s*(?:smtp|x-[\w-]+)?;?\s*(.*)$", re.I), "dsn"),
    (re.compile(r"remote server returned '(.*?)'?\s*$", re.I), "exchange"),
    # (also in Exim's main log or debug trace: 'H=mx.example.net [192.0.2.5]: SMTP error from remote mail server ...')
    (re.compile(r"^(?:.*?\]:\s*)?smtp error from remote (?:mail )?server (?:after|for) [^:]*:[^:]*?:?\s*(.*)$", re.I),
     "exim"),
    (re.compile(r"^the error that the other server returned was:\s*(.*)$", re.I), "gmail"),
    (re.compile(r"^\(?reason:\s*(.*?)\)?$", re.I), "reason"),
    (re.compile(r"#<[^#]*#([45]\.\d{1,3}\.\d{1,3})\s+smtp;\s*(.*?)>?\s*(?:#SMTP#)?\s*$", re.I), "exchange_short"),
    # Exchange 2007-2019: 'mx.example.net #550 5.7.1 Service unavailable; ... ##' under 'Diagnostic information'
    (re.compile(r"(?:^|\s)#([45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b.*?)\s*(?:##|#SMTP#)\s*$", re.I), "exchange_hash"),
    (re.compile(r"^remote host said:\s*(.*)$", re.I), "qmail"),
)
_RECIPIENT = re.compile(r"^(?:final|original)-recipient:\s*rfc822;\s*(\S+)", re.I)
# Postfix: '<bob@x>: host mx.x[192.0.2.5] said: 550 ... (in reply to RCPT TO command)', in a paragraph joined
# into one line (the wrapping may fall anywhere, even between the host and "said:"); a bare '(host ... said: ...)'
_SAID = re.compile(r"(?:<?(?P<rcpt>[^\s<>():,]+@[^\s<>():,]+?)>?:\s+)?\(?(?:host\s+(?P<host>[^\s\[]+)\s*(?:\[[^\]]*\])?"
                   r"|(?<![\w.-])(?P<bare>[A-Za-z0-9][\w.-]*)\[[^\]]*\])\s*"  # a fragment may start at the host name
                   r"(?:said|refused to talk to me):\s*(?P<reply>.+?)"
                   r"(?=\s*\(in reply to [^)]*\)|\s*<?[^\s<>():,]+@[^\s<>():,]+>?:\s+\(?host\s|\s*$)", re.I)
# Exchange 2000/2003: 'The message could not be delivered because ... <example.net #5.2.2>'
_EX2003 = re.compile(r"<(?P<domain>[^\s<>#]+)\s*#(?P<code>[45]\.\d{1,3}\.\d{1,3})>")  # also '<host#4.4.7>'
_EXIM_MARKS = ("smtp error from remote mail server", "this message was created automatically by mail delivery software")
_EX2003_WHO = re.compile(r"^.*?\bon \d{1,2}[./]\d{1,2}[./]\d{2,4} \d{1,2}:\d\d(?::\d\d)?(?:\s*[AP]M)?\s*", re.I)
_POSTFIX_MARKS = ("x-postfix-queue-id", "this is the mail system at host", "\nthe mail system\n")
MAX_PARAGRAPH = 80  # lines: a longer "paragraph" is a message body, read in pieces


def read_ndr(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    lines = NumberedLines(src, progress)
    seen: set[tuple[str, str]] = set()
    recipient = ""
    pending: list[str] | None = None
    pending_line = 0
    kind = ""

    paragraph: list[tuple[int, str]] = []
    marks = {"postfix": 0, "exchange2003": 0, "exchange": 0}

    def add(text: str, rcpt: str, line_no: int) -> bool:
        text = unlink(text)
        if not re.search(r"\b[45]\d\d\b|\b[45]\.\d{1,3}\.\d{1,3}\b", text):
            return False
        from sbskit.core.triage.replies import classify

        reply = classify(text)
        if reply is None:
            return False
        key = (rcpt, reply.key)
        if key in seen:
            return True
        seen.add(key)
        ev.reply(text, "outbound", "ndr", label, line_no, subject=domain_of(rcpt), shown=text)
        result.records += 1
        return True

    def flush() -> None:
        nonlocal pending
        if pending is None:
            return
        text = " ".join(part.strip() for part in pending if part.strip())
        pending = None
        add(text, recipient, pending_line)

    def end_paragraph() -> None:
        """Postfix's 'host X said:' and Exchange 2003's '<domain #5.x.x>' replies of one paragraph."""
        nonlocal recipient
        if not paragraph:
            return
        starts, parts, offset = [], [], 0
        for line_no, text in paragraph:
            starts.append((offset, line_no))
            parts.append(unlink(text.strip()))
            offset += len(parts[-1]) + 1
        joined = " ".join(parts)
        paragraph.clear()

        def line_at(pos: int) -> int:
            return next((n for o, n in reversed(starts) if o <= pos), starts[0][1])

        for m in _SAID.finditer(joined):
            rcpt = (m.group("rcpt") or recipient).strip("<>")
            if not rcpt and m.group("bare"):
                rcpt = "@" + m.group("bare")  # a fragment without the recipient: the host names the destination
            recipient = rcpt
            if add(m.group("reply"), rcpt, line_at(m.start("reply"))):
                marks["postfix"] += 1
        for m in _EX2003.finditer(joined):
            reason = _EX2003_WHO.sub("", joined[:m.start()]).strip()
            if add(f"{m.group('code')} {reason}", recipient or f"@{m.group('domain')}", line_at(m.start())):
                marks["exchange2003"] += 1

    wording = ""
    for line_no, raw in lines:
        if line_no > MAX_NDR_LINES:
            result.problems.append(f"only the first {MAX_NDR_LINES:,} lines were read")
            break
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if len(wording) < 4000:
            wording += stripped.lower() + "\n"
        if stripped and len(paragraph) < MAX_PARAGRAPH:
            paragraph.append((line_no, line))
        else:
            end_paragraph()
            if stripped:
                paragraph.append((line_no, line))
        if pending is not None:
            folded = line[:1] in (" ", "\t") and kind in ("dsn", "exim", "gmail", "qmail")
            if stripped and folded and kind == "dsn":  # a folded header line: 'https://...' is no new header
                pending.append(stripped)
                continue
            continues = stripped and (folded or (kind in ("exim", "gmail") and not _starts(stripped)))
            if continues and not _RECIPIENT.match(stripped) and ":" not in stripped[:20]:
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
            if kind in ("exchange", "exchange_hash", "exchange_short"):
                marks["exchange"] += 1
            address = next((g for g in groups[:-1] if g and "@" in g), "")
            if address:
                recipient = address
            pending, pending_line = [groups[-1]], line_no
            continue
        address = _ADDRESS.fullmatch(stripped.strip("<>:"))
        if address:
            recipient = address.group(0)
    flush()
    end_paragraph()
    _platform(ev, marks, wording, result.records)
    if marks["exchange"] and "generating server:" in wording:
        server = wording.split("generating server:", 1)[1].split("\n", 1)[0].strip()
        result.problems.append(f"written by Exchange 2007 or later (generating server: {server or 'not named'}): if that "
                               "is your server, choose its Exchange version to get its commands")
    if not result.records:
        result.problems.append("no SMTP error found in the text")
    return result


def _platform(ev: Evidence, marks: dict[str, int], wording: str, records: int) -> None:
    """The mail system that wrote the bounce: Postfix's wording or Exchange 2003's '<domain #5.x.x>'; Exim's
    wording names a mail system that is neither (its plan gets no Exchange or Postfix commands). Exchange
    2007+ and Gmail wordings name no platform of ours: that bounce may come from anywhere (the receiver)."""
    if not records:
        return
    if marks["exchange2003"]:
        ev.platforms["exchange"] += records
        ev.worded_versions["2003"] += 1
    elif marks["postfix"] or any(m in wording for m in _POSTFIX_MARKS):
        ev.platforms["postfix"] += records
    elif any(m in wording for m in _EXIM_MARKS):
        ev.other_platforms["Exim"] += records


def _starts(text: str):
    for pattern, kind in _STARTS:
        m = pattern.search(text) if kind in ("exchange", "exchange_short", "exchange_hash") else pattern.match(text)
        if m:
            return kind, tuple(g or "" for g in m.groups())
    return None

"""More pasted forms admins send: recognised by shape, when the whole export or log is not there.

SMTP replies pasted on their own (a line from a bounce, a LastError in another wording, a
reply whose codes sit inside the sentence), message tracking rows copied without their
'#Fields' header (the column order of Exchange 2007, 2010 and 2013+ told apart by the row's
width), a 'mailq' listing with the shell prompt and postqueue's warning above it, and the
summaries and tables the triage cannot read but can name: pflogsumm, a firewall log shown
as a PowerShell table.
"""

from __future__ import annotations

import csv
import re

_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_EVENT = re.compile(r"^[A-Z]{3,20}$")
_SOURCE = re.compile(r"^[A-Z][A-Z_]{1,20}$")

# Exchange's message tracking columns (what '#Fields' names), by version
FIELDS_2013 = (
    "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,"
    "internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,"
    "recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,"
    "directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,"
    "schema-version"
).split(",")
FIELDS_2010 = FIELDS_2013[:11] + FIELDS_2013[12:27]
FIELDS_2007 = FIELDS_2013[:11] + FIELDS_2013[12:22]


def tracking_layout(columns: int) -> tuple[str, list[str]]:
    """('Exchange 2013 or later', its column names) for a header-less tracking row of ``columns`` fields."""
    if columns >= 28:
        return "Exchange 2013 or later", FIELDS_2013
    if columns >= 23:
        return "Exchange 2010", FIELDS_2010
    return "Exchange 2007", FIELDS_2007


def headerless_tracking(lines: list[str]) -> int:
    """The width of message tracking rows pasted without '#Fields' (0 when these are not such rows): an ISO
    time first, the source (SMTP, STOREDRIVER, ...) and event (RECEIVE, SEND, ...) in columns 8 and 9."""
    rows = [ln for ln in lines[:50] if ln.strip() and not ln.startswith("#")]
    widths = []
    for line in rows:
        try:
            row = next(csv.reader([line]))
        except (csv.Error, StopIteration):
            continue
        if len(row) >= 19 and _ISO_TIME.match(row[0]) and _SOURCE.match(row[7]) and _EVENT.match(row[8]):
            widths.append(len(row))
    if not rows or len(widths) < max(1, len(rows) * 3 // 4):
        return 0
    return max(set(widths), key=widths.count)


# a line that starts with an SMTP reply, or a wrapper admins copy with it
# (also the lead-ins a bounce or a client puts in front: 'permanent: ', 'smtp;'; and a reply that starts with its
# enhanced code, as Microsoft's documentation and some clients show it: '5.7.708 Service unavailable ...')
REPLY_START = re.compile(r"^\s*(?:LastError\s*:\s*|Diagnostic-Code:\s*smtp;\s*|Remote Server returned '\s*"
                         r"|(?:permanent|temporary|transient)(?: (?:error|failure))?:\s*|smtp;\s*)?[\"'`\u201c]?"
                         r"(?:(?P<code>[45]\d\d)(?P<sep>[ -])(?=\S)|(?P<enhanced>[45]\.\d{1,3}\.\d{1,3}) (?=[A-Za-z]))")
# the words a client or a log puts before the server's reply in the middle of a line
# ('... The server response was: 4.3.111 ...', 'Remote server replied: 550-5.7.26 ...', 'response="550 5.7.606')
LEAD_IN = re.compile(r"(?:(?:the )?server response(?: was)?|remote server replied|(?:mail )?server said|\bresponse=)\s*:?\s*[\"']?"
                     r"(?=[45]\d\d[ -]|[45]\.\d{1,3}\.\d{1,3}\s)", re.I)
_LOG_TIME = re.compile(r"^(?:[A-Z][a-z]{2}\s+\d{1,2}\s\d\d:\d\d|\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:)")
_ANY_CODE = re.compile(r"(?<![\d.])(?:[45]\d\d(?=[ -]|$)|[45]\.\d{1,3}\.\d{1,3}(?![\d.]))")
_STACK_FRAME = re.compile(r"^\s+at [\w.`<>]+\(")
_INLINE_CODE = re.compile(r"\b[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b")
_WORDS = re.compile(r"[A-Za-z]{3,}")
MAX_REPLY_LINES = 40


def reply_text(lines: list[str]) -> bool:
    """A few lines of SMTP reply text and nothing else: they start with a reply code, or carry a code inside
    ordinary sentences (Gmail's '... does not have a 550-5.7.25 PTR record ...')."""
    body = [ln.strip() for ln in lines if ln.strip()]
    if not body or len(body) > MAX_REPLY_LINES:
        return False
    text = " ".join(body)
    if len(_WORDS.findall(text)) < 3 or _columns(body):
        return False
    starts = sum(1 for ln in body if REPLY_START.match(ln))
    if REPLY_START.match(body[0]) or LEAD_IN.search(body[0]):
        return True
    return starts == 0 and _INLINE_CODE.search(text) is not None and len(_WORDS.findall(text)) >= 8


def _columns(body: list[str]) -> bool:
    """Rows of a table (the same number of commas or tabs, three or more, on every line): not prose."""
    for sep in (",", "\t"):
        counts = {line.count(sep) for line in body}
        if len(body) >= 2 and len(counts) == 1 and counts.pop() >= 3:
            return True
    return False


def split_replies(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(first line, reply text) per reply: a line starting with a code begins a reply once the one before
    ended ('550 ' ends a multi-line reply, '550-' goes on); other lines continue the reply before them."""
    replies: list[tuple[int, list[str]]] = []
    ended = True
    for line_no, raw in lines:
        if _STACK_FRAME.match(raw):
            continue  # a .NET client's stack trace under its exception: not part of the reply
        text = raw.strip()
        lead = LEAD_IN.search(text)
        if lead:
            text = text[lead.end():].strip()  # the client's or log's words before the reply are not the reply
        if not text:
            ended = True
            continue
        m = REPLY_START.match(text)
        if m and ended or not replies or (ended and _LOG_TIME.match(text)):
            replies.append((line_no, [text]))  # a new reply, or a log line of its own (dropped below if no code)
        else:
            replies[-1][1].append(text)
        if m:
            ended = m.group("sep") in (" ", None)
    joined = [(line_no, " ".join(parts)) for line_no, parts in replies]
    coded = [(n, t) for n, t in joined if _ANY_CODE.search(t)]
    return coded or joined  # the log lines around the replies (a client's 'CONNECTING') are not replies


# 'bash-5.0# postqueue -p', 'root@mx:~# mailq', '$ mailq', and what postqueue prints before the listing
_PROMPT = re.compile(r"^\s*(?:\S*[#$%>]\s*)?(?:sudo\s+)?(?:postqueue\s+-p|mailq|sendmail\s+-bp)\b")
_QUEUE_NOISE = re.compile(r"^\s*(?:postqueue|postdrop|sendmail|mailq): (?:warning|fatal|error): ")


def queue_preamble(lines: list[str]) -> int:
    """How many leading lines are the command and its warnings, pasted above a mailq listing."""
    count = 0
    for line in lines:
        if not line.strip() or _PROMPT.match(line) or _QUEUE_NOISE.match(line):
            count += 1
            continue
        break
    return count


def is_queue_noise(line: str) -> bool:
    return bool(_PROMPT.match(line) or _QUEUE_NOISE.match(line))


_MARKDOWN_LINK = re.compile(r"\[([^\]\[]*)\]\((?:mailto:|https?://)[^)\s]*\)")


def unlink(text: str) -> str:
    """'[ann@example.com](mailto:ann@example.com)' -> 'ann@example.com' (a paste rendered by GitHub or a chat)."""
    return _MARKDOWN_LINK.sub(r"\1", text) if "](" in text else text


_PFLOGSUMM_COUNT = re.compile(r"^\s*(\d+)\s+(received|delivered|deferred|bounced|rejected)\b", re.M)


def pflogsumm(low: str) -> str:
    """One line for a pflogsumm report (its counts, and what to add), '' when it is not one."""
    if "grand totals" not in low or not _PFLOGSUMM_COUNT.search(low):
        return ""
    counts = {what: int(n) for n, what in _PFLOGSUMM_COUNT.findall(low)}
    shown = ", ".join(f"{counts[k]} {k}" for k in ("delivered", "deferred", "bounced") if k in counts)
    return (f"a pflogsumm summary ({shown}): it has counts but no reason per message, so it can neither show a "
            "cause nor prove health; add the maillog itself (or pflogsumm's 'message deferral detail' section)")


def firewall_table(lines: list[str]) -> str:
    """One line for a firewall log shown as a PowerShell/console table, '' when it is not one."""
    head = " ".join(lines[:3]).lower()
    if re.search(r"\baction\b", head) and re.search(r"\bsrc ?ip\b", head) and re.search(r"\bdst ?ip\b", head):
        return ("a Windows Firewall log shown as a table (its columns cut): add pfirewall.log itself "
                "(%SystemRoot%\\System32\\LogFiles\\Firewall\\pfirewall.log)")
    return ""

"""Postfix as text: the maillog (what was delivered, deferred, bounced, refused) and mailq output.

The maillog is Postfix's tracking log and protocol log in one: the smtp client's
``status=sent/deferred/bounced (reason)`` lines, smtpd's ``NOQUEUE: reject: RCPT from ...``
refusals, SASL logon failures, and the ``client=..., sasl_username=...`` line that ties a
queued message to the account that logged on. ``mailq`` lists the queue with the last
deferral reason above each message's recipients.
"""

from __future__ import annotations

import re
from datetime import datetime

from sbskit.core.triage.errtext import NOT_FOUND, RELAY_DENIED
from sbskit.core.triage.evidence import Evidence, Line, clip, domain_of, ip_kind, is_null_sender
from sbskit.core.triage.postfix_session import SessionReplies
from sbskit.core.triage.read_queues import PostfixDestinations, postfix_message
from sbskit.core.triage.readers_base import NumberedLines, ReadResult
from sbskit.core.triage.sniff import Sniffed
from sbskit.core.triage.sniff_paste import is_queue_noise, unlink
from sbskit.core.triage.sniff_text import DELIVERY_FRAGMENT, MAILLOG, MAILQ_ENTRY, MAILQ_HEAD
from sbskit.core.triage.tally import TimeMarks, parse_times, with_year
from sbskit.core.triage.textio import Progress, TextSource

LOCAL_RELAYS = ("local", "virtual", "dovecot", "private/dovecot-lmtp", "lmtp", "none", "maildrop", "procmail")
# delivery agents that hand mail to a mailbox or a program on this host: never mail that left the server
LOCAL_AGENTS = frozenset({"lmtp", "local", "virtual", "pipe", "error", "retry", "discard", "maildrop"})
# where content filters listen (amavis 10024 -> 10025, milter proxies, rspamd): a hand-off there is a hop, not a delivery
FILTER_PORTS = frozenset({"10024", "10025", "10026", "10027", "10028", "10029", "10030", "11332", "11333"})
_RELAY_ADDR = re.compile(r"\[(?P<addr>[^\]]*)\](?::(?P<port>\d+))?$")
MIN_FILTERED = 3  # status lines, all 'sent', and nothing else: a grep for successes
# 'to=<bob@<redacted>>': admins redact addresses with a nested <...>; a fragment may lack the queue id and to=
_ADDR = r"(?:[^<>]|<[^<>]*>)*"
_DELIVERY = re.compile(rf"^(?:(?P<qid>\w+): )?(?:to=<(?P<to>{_ADDR})>,\s*)?(?:orig_to=<{_ADDR}>,\s*)?.*?"
                       r"\brelay=(?P<relay>[^,\s]+),.*?\bstatus=(?P<status>\w+)(?: \((?P<reason>.*?)\)?)?$")  # a cut line may lack the ')'
_REJECT = re.compile(r"^(?:(?:\w+|NOQUEUE): )?(?:reject|milter-reject): (?P<stage>\w+) from (?P<client>[^:]*?\[?[\w.:]+\]?)(?::\d+)?: "
                     r"(?P<reply>.*?)(?:; from=<(?P<from>[^>]*)>,?)?(?: to=<(?P<to>[^>]*)>,?)?(?: proto=.*)?$")
_SASL_FAIL = re.compile(r"^warning: (?P<client>\S*?)\[(?P<ip>[^\]]+)\]: SASL (?P<mech>\S+) authentication failed: "
                        r"(?P<why>[^,]*)(?:, sasl_username=(?P<user>\S+))?")
_SYSLOG_START = re.compile(r"^(?:[\w.-]+\s+\|\s+)?(?:[A-Z][a-z]{2}\s+\d{1,2}\s\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:|\S+\[\d+\]:|-Queue ID-"
                           r"|[0-9A-F]{6,}[*!]?\s)")
_CLIENT = re.compile(r"^(?P<qid>\w+): client=(?P<client>\S*?)\[(?P<ip>[^\]]+)\](?:.*?sasl_username=(?P<user>\S+))?")
_FROM = re.compile(r"^(?P<qid>\w+): from=<(?P<from>[^>]*)>")
_BOUNCE = re.compile(r"^(?P<qid>\w+): sender non-delivery notification: (?P<new>\w+)")
_CLIENT_SASL = re.compile(r"^(?P<qid>\w+): SASL authentication failed; (?P<reason>.*)$")
MAX_IDS = 100_000


class _Ids:
    """Queue id -> (sender, logged-on user), bounded: a busy log reuses ids and forgets old ones."""

    def __init__(self) -> None:
        self.sender: dict[str, str] = {}
        self.user: dict[str, str] = {}

    def remember(self, table: dict[str, str], qid: str, value: str) -> None:
        if len(table) >= MAX_IDS:
            table.clear()
        table[qid] = value


def read_maillog(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    lines = NumberedLines(src, progress)
    ids = _Ids()
    first_ts = last_ts = ""
    marks = TimeMarks()  # one time stamp per 10 minutes with lines
    local_seen = set(ev.local_domains())
    undated = 0
    shape = _Shape()
    session = SessionReplies()
    grep = ""
    times = _Times()
    for line_no, raw, m in _joined(lines):
        if m:
            prog, msg, stamp = m.group("prog"), m.group("msg").rstrip(), m.group("ts")
            grep = grep or m.group("grep") or ""
        elif DELIVERY_FRAGMENT.match(raw):  # ' to=<...>, relay=..., status=...' pasted without its start
            prog, msg, stamp = "smtp", raw.strip(), None
        else:
            if raw.strip() and "postfix" in raw:
                result.skip(line_no)
            continue
        if stamp:
            times.saw(stamp)
            last_ts = stamp
            if not first_ts:
                first_ts = stamp
                marks.width = 15 if stamp[:1].isdigit() else 11  # '2021-04-21T17:1' or 'Nov 27 06:1'
            marks.add(stamp)
        else:
            undated += 1
        daemon = prog[prog.rfind("/") + 1:]
        shape.other += " status=" not in msg
        if daemon in ("smtpd", "postscreen"):
            _smtpd_line(ev, msg, ids, label, line_no)
        elif daemon == "qmgr":
            f = _FROM.match(msg)
            if f:
                ids.remember(ids.sender, f.group("qid"), f.group("from").lower())
        elif daemon == "bounce":
            if _BOUNCE.match(msg):
                ev.note("ndr_sent", label, line_no, msg)
        elif not _delivery_line(ev, msg, ids, label, line_no, last_ts, local_seen, (daemon, prog, shape, session)):
            result.skip(line_no)  # a delivery line we could not take apart: said, never silently dropped
            continue
        result.records += 1
    if undated:
        result.problems.append(f"{undated} line(s) carry no date and time (copied from 'docker logs' or "
                               "'journalctl -o cat'?): the time the log covers is not known")
    session.finish(ev, label)
    ev.platforms["postfix"] += result.records
    if shape.filtered():
        ev.counts["filtered_logs"] += 1
        ev.note("filtered_log", label, 1, label)
        result.problems.append(f"every one of its {shape.sent} lines is a successful delivery (status=sent) and no other "
                               "line is there: the log looks filtered (grep status=sent?), so failures cannot show in it; "
                               "add the whole log")
    if grep:
        result.problems.append(f"the lines carry a file name in front ('{grep}:'; grep over several files?): read "
                               "without it")
    if first_ts:
        first_ts, last_ts, stamps = times.span(first_ts, last_ts, marks.values())
        if times.mixed:
            result.problems.append(f"times in two formats (syslog without a year and RFC 3339): the year-less ones were "
                                   f"read in {times.year}, the year of the others")
        ev.add_span("delivery", label, first_ts, last_ts, stamps)
    result.finish(lines.ended_cleanly(lambda last: MAILLOG.match(last) is not None
                                      or DELIVERY_FRAGMENT.match(last) is not None), lines.count)
    return result


def _joined(lines):
    """(line number, text, MAILLOG match or None) per log line, with the lines a paste wrapped joined back onto
    the line they belong to (a reject reason cut over three lines by a mail client): a continuation is a
    non-blank line after a Postfix line that is not itself a log line of any program."""
    pending: list | None = None  # [line number, text, match, joined?]
    for line_no, raw in lines:
        text = raw.rstrip("\r\n")
        m = MAILLOG.match(text)
        if pending is not None:
            if m is None and text.strip() and not DELIVERY_FRAGMENT.match(text) and not _SYSLOG_START.match(text):
                pending[1] = f"{pending[1]} {text.strip()}"
                pending[3] = True
                continue
            yield pending[0], pending[1], MAILLOG.match(pending[1]) if pending[3] else pending[2]
            pending = None
        if m is not None or DELIVERY_FRAGMENT.match(text):
            pending = [line_no, text, m, False]
        else:
            yield line_no, raw, None
    if pending is not None:
        yield pending[0], pending[1], MAILLOG.match(pending[1]) if pending[3] else pending[2]


def _smtpd_line(ev: Evidence, msg: str, ids: _Ids, label: str, line_no: int) -> None:
    r = _REJECT.match(msg)
    if r:
        client = r.group("client")
        ip = client[client.rfind("[") + 1:].rstrip("]") if "[" in client else client
        reply, rcpt = r.group("reply"), (r.group("to") or "").lower()
        ev.reply(reply, "inbound", "maillog", label, line_no, subject=ip, shown=msg)
        if NOT_FOUND.search(reply):
            stat = ev.group("not_found_by_source", ip)
            stat.count += 1
            stat.add(rcpt)
            ev.vote_local(domain_of(rcpt))
            if stat.want_sample():
                stat.samples.append(Line(label, line_no, clip(msg)))
        elif RELAY_DENIED.search(reply):
            ev.note("relay_refused", label, line_no, msg)
            stat = ev.group("relay_refused_domain", domain_of(rcpt))
            stat.count += 1
            stat.add(ip)
            if stat.want_sample():
                stat.samples.append(Line(label, line_no, clip(msg)))
        return
    s = _SASL_FAIL.match(msg)
    if s:
        ip = s.group("ip")
        stat = ev.group("auth_fail_by_ip", ip)
        stat.count += 1
        if s.group("user"):
            stat.add(s.group("user").lower())
            ev.group("auth_fail_user", s.group("user").lower()).add(ip)
        if stat.want_sample():
            stat.samples.append(Line(label, line_no, clip(msg)))
        return
    c = _CLIENT.match(msg)
    if c and c.group("user"):
        ids.remember(ids.user, c.group("qid"), c.group("user"))
        if ip_kind(c.group("ip")) == "public":
            ev.group("auth_user", c.group("user")).ips.add(c.group("ip"))


class _Times:
    """Syslog times carry no year, RFC 3339 times do: a file with both (docker logs next to syslog) reads the
    year-less ones in the year of the others, so the two formats do not make a gap of decades."""

    __slots__ = ("year", "syslog", "mixed")

    def __init__(self) -> None:
        self.year = 0
        self.syslog = False
        self.mixed = False

    def saw(self, stamp: str) -> None:
        if stamp[:1].isdigit():
            self.year = self.year or int(stamp[:4])
        else:
            self.syslog = True

    def span(self, first: str, last: str, marks: list[str]) -> tuple[str, str, list[str]]:
        self.mixed = bool(self.year and self.syslog)
        if not self.mixed:
            return first, last, marks
        stamps = sorted({with_year(t, self.year) for t in [first, last, *marks] if t},
                        key=lambda t: (parse_times(t) or [datetime.min])[0])
        return stamps[0], stamps[-1], stamps


class _Shape:
    """What kinds of lines a maillog holds: only 'status=sent' lines and nothing else is a log filtered to successes."""

    __slots__ = ("sent", "failed", "other")

    def __init__(self) -> None:
        self.sent = self.failed = self.other = 0

    def filtered(self) -> bool:
        return self.sent >= MIN_FILTERED and not self.failed and not self.other


def delivery_kind(daemon: str, prog: str, relay: str, reason: str) -> str:
    """'local' (a mailbox or program on this host), 'hop' (a content filter or another instance of this
    Postfix: not a delivery), or 'outbound' (the mail left the server for a remote host)."""
    if daemon in LOCAL_AGENTS or relay.split("[", 1)[0] in LOCAL_RELAYS:
        return "local"
    m = _RELAY_ADDR.search(relay)
    addr, port = (m.group("addr"), m.group("port") or "") if m else ("", "")
    if addr.startswith(("private/", "public/", "unix:")) or "/" in addr:
        return "local"
    if (ip_kind(addr) == "loopback" or port in FILTER_PORTS or (addr and addr in prog)
            or "from MTA(smtp:[" in reason or relay.startswith(("127.", "[127.", "localhost"))):
        return "hop"
    return "outbound"


def _delivery_line(ev: Evidence, msg: str, ids: _Ids, label: str, line_no: int, ts: str, local_seen: set[str],
                   where: tuple = ("smtp", "postfix/smtp", None, None)) -> bool:
    """Read one smtp/lmtp/local delivery line; False when it names a status we could not take apart.

    ``where``: the daemon and syslog name that logged it, the log's line-shape counter and the answers read
    from lines without a status (postfix_session)."""
    daemon, prog, shape, session = where
    d = _DELIVERY.match(msg)
    if d is None:
        sasl = _CLIENT_SASL.match(msg)
        if sasl:  # our smtp client could not log on to the relay host
            ev.reply(sasl.group("reason"), "outbound", "maillog", label, line_no, shown=msg)
            ev.counts["delivery_failures"] += 1
        elif session is not None and daemon in ("smtp", "lmtp"):
            session.line(ev, msg, label, line_no)
        return " status=" not in msg
    qid, to, relay, status = d.group("qid") or "", (d.group("to") or "").lower(), d.group("relay"), d.group("status")
    rdom = domain_of(to)
    kind = delivery_kind(daemon, prog, relay, d.group("reason") or "")
    local = kind == "local"
    if shape is not None:
        if status == "sent":
            shape.sent += 1
        else:
            shape.failed += 1
    if status == "sent":
        if local:
            ev.counts["delivered"] += 1
            if rdom:
                ev.vote_local(rdom)
                local_seen.add(rdom)
        elif kind == "hop":
            ev.counts["filter_hops"] += 1  # handed to amavis/a milter proxy: the delivery comes later, or not at all
        elif rdom and rdom in local_seen:
            ev.counts["delivered"] += 1  # relayed on to an inside server for one of our own domains: inbound mail
        else:
            ev.counts["sent"] += 1
            user = ids.user.get(qid)
            if user and rdom not in local_seen:
                stat = ev.group("auth_user", user)
                stat.count += 1
                stat.add(rdom)
                if stat.want_sample():
                    stat.samples.append(Line(label, line_no, clip(msg)))
        return True
    reason = d.group("reason") or status
    sender = ids.sender.get(qid, "?")
    bounce = sender != "?" and is_null_sender(sender)
    if session is not None and session.already_counted(qid, reason):
        return True  # the answer was counted from the line before (host ... said), with its failure
    agent = daemon if daemon in _LOCAL_DAEMONS else relay.split("[", 1)[0]
    if local and agent in _LOCAL_DAEMONS:
        reason = _local_reason(agent, reason)
    ev.reply(reason, "outbound", "maillog", label, line_no, subject=rdom, shown=msg, counted=not bounce)
    if status == "bounced" and not bounce:
        ev.counts["bounced_own"] += 1  # a non-delivery report goes back to our sender
    if not local:
        ev.counts["delivery_failures"] += 1
        if ts:
            ev.fail_hours[ts[:13] if ts[:1].isdigit() else ts[:9]] += 1
    return True


_LOCAL_DAEMONS = frozenset({"lmtp", "local", "virtual", "pipe", "maildrop"})
_GENERIC = frozenset({"unknown", "connect_failure", "transient", "permanent_other", "dns_failure", "remote_busy"})


def _local_reason(daemon: str, reason: str) -> str:
    """A local delivery (lmtp, local, pipe) that failed for a reason read generically ('connect to ...:2525:
    Connection refused', 'user lookup error') is our own delivery agent's problem, not a remote host's: say
    so, so the catalogue reads it as such; specific reasons (mailbox full, unknown user) stay as they are."""
    from sbskit.core.triage.replies import classify

    found = classify(reason)
    if found is None or found.category in _GENERIC:
        return f"local delivery ({daemon}): {reason}"
    return reason


_ENTRY = MAILQ_ENTRY


def read_mailq(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    """``mailq`` / ``postqueue -p``: entries of 'id[*!#] size date sender', '(reason)', recipients."""
    result = ReadResult()
    destinations = PostfixDestinations()
    lines = NumberedLines(src, progress)
    entry: dict | None = None
    reason = ""
    in_reason = False

    def flush() -> None:
        if entry is not None:
            queue = {"*": "active", "!": "hold", "#": "deferred"}.get(entry["flag"], "deferred")
            postfix_message(ev, label, entry["line"], clip(entry["text"]), queue, entry["sender"], 0,
                            entry["rcpts"], destinations, "postfix_queue")
            result.records += 1

    preamble = 0
    for line_no, raw in lines:
        line = unlink(raw.rstrip("\r\n"))
        if not line.strip():
            flush()
            entry, reason, in_reason = None, "", False
            continue
        if MAILQ_HEAD.match(line) or line.startswith("--"):
            continue
        if entry is None and is_queue_noise(line):  # the command and postqueue's warnings, pasted with the listing
            preamble += 1
            if "mail system is down" in line.lower():
                result.problems.append("postqueue says the mail system is down: Postfix is not running, so nothing is "
                                       "delivered while it is stopped (postfix status; start it with postfix start "
                                       "unless it was stopped on purpose)")
            continue
        if line.startswith("Mail queue is empty"):
            result.records += 1  # an empty queue is a reading too
            ev.counts["queues"] += 1
            ev.platforms["postfix"] += 1
            continue
        m = _ENTRY.match(line)
        if m:
            flush()
            entry = {"flag": m.group("flag"), "sender": m.group("sender").lower(), "rcpts": [], "line": line_no,
                     "text": line.strip()}
            reason, in_reason = "", False
            continue
        if entry is None:
            result.skip(line_no)
            continue
        stripped = line.strip()
        if stripped.startswith("(") and not in_reason:
            reason, in_reason = stripped[1:], not stripped.endswith(")")
            if not in_reason:
                reason = reason[:-1]
        elif in_reason:
            reason += " " + stripped
            if stripped.endswith(")"):
                reason, in_reason = reason[:-1], False
        else:
            entry["rcpts"].append((stripped, reason))
            entry["text"] += f" {stripped} ({reason})" if reason else f" {stripped}"
    flush()
    if preamble:
        result.problems.append(f"{preamble} line(s) of the shell command and postqueue's messages above the listing "
                               "were left out")
    result.finish(True, lines.count)
    return result

"""Postfix as text: the maillog (what was delivered, deferred, bounced, refused) and mailq output.

The maillog is Postfix's tracking log and protocol log in one: the smtp client's
``status=sent/deferred/bounced (reason)`` lines, smtpd's ``NOQUEUE: reject: RCPT from ...``
refusals, SASL logon failures, and the ``client=..., sasl_username=...`` line that ties a
queued message to the account that logged on. ``mailq`` lists the queue with the last
deferral reason above each message's recipients.
"""

from __future__ import annotations

import re

from sbskit.core.triage.errtext import NOT_FOUND, RELAY_DENIED
from sbskit.core.triage.evidence import Evidence, Line, clip, domain_of, ip_kind, is_null_sender
from sbskit.core.triage.read_queues import PostfixDestinations, postfix_message
from sbskit.core.triage.readers_base import NumberedLines, ReadResult
from sbskit.core.triage.sniff import Sniffed
from sbskit.core.triage.sniff_text import DELIVERY_FRAGMENT, MAILLOG, MAILQ_HEAD
from sbskit.core.triage.tally import TimeMarks
from sbskit.core.triage.textio import Progress, TextSource

LOCAL_RELAYS = ("local", "virtual", "dovecot", "private/dovecot-lmtp", "lmtp", "none", "maildrop", "procmail")
# 'to=<bob@<redacted>>': admins redact addresses with a nested <...>; a fragment may lack the queue id and to=
_ADDR = r"(?:[^<>]|<[^<>]*>)*"
_DELIVERY = re.compile(rf"^(?:(?P<qid>\w+): )?(?:to=<(?P<to>{_ADDR})>,\s*)?(?:orig_to=<{_ADDR}>,\s*)?.*?"
                       r"\brelay=(?P<relay>[^,\s]+),.*?\bstatus=(?P<status>\w+)(?: \((?P<reason>.*)\))?$")
_REJECT = re.compile(r"^(?:\w+|NOQUEUE): (?:reject|milter-reject): (?P<stage>\w+) from (?P<client>[^:]*?\[?[\w.:]+\]?)(?::\d+)?: "
                     r"(?P<reply>.*?)(?:; from=<(?P<from>[^>]*)>,?)?(?: to=<(?P<to>[^>]*)>,?)?(?: proto=.*)?$")
_SASL_FAIL = re.compile(r"^warning: (?P<client>\S*?)\[(?P<ip>[^\]]+)\]: SASL (?P<mech>\S+) authentication failed: "
                        r"(?P<why>[^,]*)(?:, sasl_username=(?P<user>\S+))?")
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
    for line_no, raw in lines:
        m = MAILLOG.match(raw.rstrip("\r\n"))
        if m:
            prog, msg, stamp = m.group("prog"), m.group("msg").rstrip(), m.group("ts")
        elif DELIVERY_FRAGMENT.match(raw):  # ' to=<...>, relay=..., status=...' pasted without its start
            prog, msg, stamp = "smtp", raw.strip(), None
        else:
            if raw.strip() and "postfix" in raw:
                result.skip(line_no)
            continue
        if stamp:
            last_ts = stamp
            if not first_ts:
                first_ts = stamp
                marks.width = 15 if stamp[:1].isdigit() else 11  # '2021-04-21T17:1' or 'Nov 27 06:1'
            marks.add(stamp)
        else:
            undated += 1
        daemon = prog[prog.rfind("/") + 1:]
        if daemon in ("smtpd", "postscreen"):
            _smtpd_line(ev, msg, ids, label, line_no)
        elif daemon == "qmgr":
            f = _FROM.match(msg)
            if f:
                ids.remember(ids.sender, f.group("qid"), f.group("from").lower())
        elif daemon == "bounce":
            if _BOUNCE.match(msg):
                ev.note("ndr_sent", label, line_no, msg)
        elif not _delivery_line(ev, msg, ids, label, line_no, last_ts, local_seen):
            result.skip(line_no)  # a delivery line we could not take apart: said, never silently dropped
            continue
        result.records += 1
    if undated:
        result.problems.append(f"{undated} line(s) carry no date and time (copied from 'docker logs' or "
                               "'journalctl -o cat'?): the time the log covers is not known")
    ev.platforms["postfix"] += result.records
    if first_ts:
        ev.add_span("delivery", label, first_ts, last_ts, marks.values())
    result.finish(lines.ended_cleanly(lambda last: MAILLOG.match(last) is not None
                                      or DELIVERY_FRAGMENT.match(last) is not None), lines.count)
    return result


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


def _delivery_line(ev: Evidence, msg: str, ids: _Ids, label: str, line_no: int, ts: str, local_seen: set[str]) -> bool:
    """Read one smtp/lmtp/local delivery line; False when it names a status we could not take apart."""
    d = _DELIVERY.match(msg)
    if d is None:
        sasl = _CLIENT_SASL.match(msg)
        if sasl:  # our smtp client could not log on to the relay host
            ev.reply(sasl.group("reason"), "outbound", "maillog", label, line_no, shown=msg)
            ev.counts["delivery_failures"] += 1
        return " status=" not in msg
    qid, to, relay, status = d.group("qid") or "", (d.group("to") or "").lower(), d.group("relay"), d.group("status")
    rdom = domain_of(to)
    local = relay.split("[", 1)[0] in LOCAL_RELAYS or relay.startswith(("private/", "127.0.0.1", "[127.0.0.1]"))
    if status == "sent":
        if local:
            ev.counts["delivered"] += 1
            if rdom:
                ev.vote_local(rdom)
                local_seen.add(rdom)
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
    ev.reply(reason, "outbound", "maillog", label, line_no, subject=rdom, shown=msg, counted=not bounce)
    if status == "bounced" and not bounce:
        ev.counts["bounced_own"] += 1  # a non-delivery report goes back to our sender
    if not local:
        ev.counts["delivery_failures"] += 1
        if ts:
            ev.fail_hours[ts[:13] if ts[:1].isdigit() else ts[:9]] += 1
    return True


_ENTRY = re.compile(r"^(?P<qid>[0-9A-Za-z]{5,})(?P<flag>[*!#]?)\s+(?P<size>\d+)\s+(?P<when>\w{3} \w{3}\s+\d+ \d\d:\d\d:\d\d)"
                    r"\s+(?P<sender>\S*)\s*$")


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

    for line_no, raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            flush()
            entry, reason, in_reason = None, "", False
            continue
        if MAILQ_HEAD.match(line) or line.startswith("--"):
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
    result.finish(True, lines.count)
    return result

"""Postfix smtp client lines that carry a remote server's answer without a ``to=... status=`` line.

Postfix logs a refusal of one MX host on its own line before it tries the next one
(``QID: host mx[ip] refused to talk to me: 554 ...``, ``QID: host mx[ip] said: 450 ...``),
a verbose (``-v``) log shows every answer (``< relay[ip]:587: 530 5.7.57 ...``), and it notes
a relay host it has no credentials for (``smtp_sasl_passwd_lookup: no auth info found``).
These are read here so a log holding only them is not empty, and counted once: the status
line of the same message that repeats the answer does not count it again.
"""

from __future__ import annotations

import re
from collections import Counter

from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.replies import classify

# 'QID: host mx.x[192.0.2.5] said: 450 ... (in reply to RCPT TO command)' / '... refused to talk to me: 554 ...'
_HOST_ANSWER = re.compile(r"^(?P<qid>[0-9A-Za-z]{5,}): (?P<reason>host (?P<host>[^\s\[]+)\[[^\]]*\] "
                          r"(?:said|refused to talk to me): .*)$")
# 'QID: lost connection with mx.x[192.0.2.5] while receiving the initial server greeting' and friends
_CONVERSATION = re.compile(r"^(?P<qid>[0-9A-Za-z]{5,}): (?P<reason>(?:lost connection|conversation) with "
                           r"(?P<host>[^\s\[]+)\[[^\]]*\] .*)$")
# verbose: '< relay.x[192.0.2.7]:587: 530 5.7.57 Client not authenticated ...' (only refusals are read)
_VERBOSE_ANSWER = re.compile(r"^< (?P<host>[^\s\[]+)\[[^\]]*\](?::\d+)?: (?P<reason>[45]\d\d[ -].*)$")
_NO_AUTH = re.compile(r"^smtp_sasl_passwd_lookup: no auth info found \(sender=[^,]*, host=[`'\"]?(?P<host>[^`'\")]+)")
MAX_PENDING = 10_000


class SessionReplies:
    """Answers read from lines without a status, remembered per queue id (bounded) to count each once."""

    def __init__(self) -> None:
        self.pending: dict[str, set[str]] = {}  # queue id -> reply keys already counted from its host lines
        self.verbose: Counter = Counter()  # reply keys counted from verbose lines (which carry no queue id)
        self.no_auth: dict[str, tuple[int, str]] = {}  # relay host -> (line, text) of 'no auth info found'

    def line(self, ev: Evidence, msg: str, label: str, line_no: int) -> bool:
        """Read one smtp client line; False when it is none of the shapes above."""
        m = _HOST_ANSWER.match(msg) or _CONVERSATION.match(msg)
        if m:
            reply = ev.reply(m.group("reason"), "outbound", "maillog", label, line_no, subject=m.group("host").lower(),
                             shown=msg)
            if reply is not None:
                if len(self.pending) >= MAX_PENDING:
                    self.pending.clear()
                self.pending.setdefault(m.group("qid"), set()).add(reply.key)
                ev.counts["delivery_failures"] += 1
            return True
        m = _VERBOSE_ANSWER.match(msg)
        if m:
            reply = ev.reply(m.group("reason"), "outbound", "maillog", label, line_no,
                             subject=m.group("host").lower(), shown=msg)
            if reply is not None:
                self.verbose[reply.key] += 1
                ev.counts["delivery_failures"] += 1
            return True
        m = _NO_AUTH.match(msg)
        if m:
            self.no_auth.setdefault(m.group("host").strip("[]").lower(), (line_no, msg))
            return True
        return False

    def already_counted(self, qid: str, reason: str) -> bool:
        """True when the status line's reason was counted from an earlier line of the same message."""
        reply = classify(reason)
        if reply is None:
            return False
        keys = self.pending.get(qid)
        if keys and reply.key in keys:
            keys.discard(reply.key)
            return True
        if self.verbose.get(reply.key, 0) > 0:
            self.verbose[reply.key] -= 1
            return True
        return False

    def finish(self, ev: Evidence, label: str) -> None:
        """'no auth info found' is normal for MX hosts that need no logon; it is the reason only when a host
        then asks for a logon our server cannot give."""
        if not self.no_auth:
            return
        asked = {s for g in ev.replies.groups.values() if g.direction == "outbound"
                 and g.reply.category == "smarthost_auth" for s in g.subjects}
        for host, (line_no, text) in self.no_auth.items():
            if host in asked:
                ev.reply(text, "outbound", "maillog", label, line_no, subject=host, shown=text)

"""The safe open-relay test: MAIL FROM / RCPT TO variants, RSET when the sender changes, never DATA.

A server that answers 250 to RCPT TO for a foreign address *may* relay; only DATA
would prove it, and DATA is exactly what we never send, so nothing can be delivered.
The variants follow the address tricks nmap's smtp-open-relay script tries (null
sender, the server's own domain, %-hack, quoted local parts, [IP] literals, source
routes, bang paths). From inside the LAN a 250 can be legitimate (trusted network).

Bounded three ways: every answer has its timeout (plus a tarpit allowance after a
refusal, and for every RCPT once one was held back), every connection the overall
deadline, and the whole test the same deadline;
the variants are spread over at most four connections at once (:mod:`relaylanes`), so a
tarpit of 5 s per refusal costs about 20 s rather than minutes.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext, null_context
from sbskit.core.mailprobe import relayreplies, relayverdict, smtp
from sbskit.core.mailprobe.hosts import check_port, normalise_host
from sbskit.core.mailprobe.netio import Conn, ProbeError
from sbskit.core.mailprobe.relaylanes import TARPIT_ALLOWANCE, Lane, Shared, greet, run_lane
from sbskit.core.mailprobe.vantage import Vantage

MAX_LANES = 4  # connections at once

DEFAULT_FROM = "sbskit-relaytest@example.org"
DEFAULT_TO = "sbskit-relaytest@example.net"

NOTE = (
    "A 250 answer to RCPT TO means the server possibly relays; the test never sends DATA, so no mail "
    "was sent. Run it from outside the network: from inside the LAN a trusted address may pass legitimately."
)


@dataclass
class Attempt:
    variant: str
    mail_from: str
    rcpt_to: str
    reply_code: int | None = None
    reply: str = ""
    relayed: bool = False
    stage: str = "rcpt"  # which command produced reply_code: mail / rcpt / none (no answer)
    seconds: float | None = None  # how long the answer took (a tarpit shows here)

    @property
    def meaning(self) -> str:
        """accepted / relay-denied / refused / greylisted / rate-limited / temporary / other"""
        return relayreplies.meaning(self.reply_code, self.reply, self.stage).kind

    def to_dict(self) -> dict[str, Any]:
        return {"variant": self.variant, "mail_from": self.mail_from, "rcpt_to": self.rcpt_to,
                "reply_code": self.reply_code, "reply": self.reply, "relayed": self.relayed, "stage": self.stage,
                "seconds": None if self.seconds is None else round(self.seconds, 2), "meaning": self.meaning,
                "meaning_text": relayreplies.describe(self.reply_code, self.reply, self.stage)}


@dataclass
class RelayReport:
    host: str
    port: int
    banner: str = ""
    open_relay: bool | None = None
    verdict: str = "incomplete"  # possibly-open / closed / temporary-only / incomplete
    summary: str = ""  # the headline in words: what was seen, not just a yes or no
    attempts: list[Attempt] = field(default_factory=list)
    error: str | None = None
    detail: str = ""
    transcript: list[str] = field(default_factory=list)
    unanswered: list[dict[str, str]] = field(default_factory=list)  # {variant, reason}: the open questions
    notes: list[str] = field(default_factory=list)  # how the server behaved: tarpit, hang-ups, reconnects
    connections: int = 0
    reconnects: int = 0
    tarpit_seconds: float | None = None
    vantage: Vantage = field(default_factory=Vantage)
    deadline_seconds: float = 0.0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "banner": self.banner, "open_relay": self.open_relay,
                "verdict": self.verdict, "summary": self.summary, "vantage": self.vantage.to_dict(relay=True),
                "attempts": [a.to_dict() for a in self.attempts], "error": self.error, "detail": self.detail,
                "unanswered": [dict(u) for u in self.unanswered], "notes": list(self.notes),
                "connections": self.connections, "reconnects": self.reconnects,
                "tarpit_seconds": self.tarpit_seconds, "deadline_seconds": round(self.deadline_seconds, 1),
                "seconds": round(self.seconds, 1), "note": NOTE, "data_sent": False}


def _check_address(address: str, what: str) -> str:
    address = (address or "").strip()
    if (not address or len(address) > 254 or address.count("@") != 1 or any(c in address for c in "<>\r\n \t")
            or address.startswith("@") or address.endswith("@")):
        raise UserInputError(f"{what} must be a plain mail address like user@example.com, not {address[:60]!r}")
    return address


def variants(mail_from: str, rcpt_to: str, server_name: str, server_ip: str) -> list[tuple[str, str, str]]:
    """(name, MAIL FROM path, RCPT TO path) for every trick; paths without angle brackets."""
    to_user, to_domain = rcpt_to.split("@", 1)
    ip = f"[{server_ip}]" if ":" not in server_ip else f"[IPv6:{server_ip}]"
    name = server_name or ip
    own = f"sbskit-relaytest@{name}"
    own_ip = f"sbskit-relaytest@{ip}"
    return [
        ("external to external", mail_from, rcpt_to),
        ("null sender", "", rcpt_to),
        ("server's own domain as sender", own, rcpt_to),
        ("server's IP literal as sender", own_ip, rcpt_to),
        ("%-hack via IP literal", own_ip, f"{to_user}%{to_domain}@{ip}"),
        ("%-hack via server name", own_ip, f"{to_user}%{to_domain}@{name}"),
        ("quoted address", own_ip, f'"{rcpt_to}"'),
        ("quoted %-hack", own_ip, f'"{to_user}%{to_domain}"'),
        ("address at IP literal", own_ip, f"{rcpt_to}@{ip}"),
        ("quoted address at IP literal", own_ip, f'"{rcpt_to}"@{ip}'),
        ("address at server name", own_ip, f"{rcpt_to}@{name}"),
        ("source route via IP literal", own_ip, f"@{ip}:{rcpt_to}"),
        ("source route via server name", own_ip, f"@{name}:{rcpt_to}"),
        ("bang path", own_ip, f"{to_domain}!{to_user}"),
        ("bang path at IP literal", own_ip, f"{to_domain}!{to_user}@{ip}"),
        ("bang path at server name", own_ip, f"{to_domain}!{to_user}@{name}"),
    ]


def default_deadline(timeout: float) -> float:
    """The whole test's deadline when none is given: room for a 5 s tarpit, never unbounded."""
    return max(60.0, 6.0 * timeout)


def plan_lanes(tries: list[tuple[str, str, str]], lanes: int = MAX_LANES) -> list[list[int]]:
    """Variant indices per lane: even lanes, and as few sender changes (RSETs) per lane as can be."""
    count = max(1, min(lanes, len(tries)))
    out: list[list[int]] = [[] for _ in range(count)]
    groups: dict[str, list[int]] = {}
    for index, (_name, sender, _rcpt) in enumerate(tries):
        groups.setdefault(sender, []).append(index)
    for _sender, indices in sorted(groups.items(), key=lambda item: (len(item[1]), item[1][0])):
        for index in indices:
            sender = tries[index][1]
            best = min(range(count), key=lambda n: (len(out[n]), 0 if out[n] and tries[out[n][-1]][1] == sender else 1, n))
            out[best].append(index)
    return [lane for lane in out if lane]


def run_relay_test(host: str, port: int = 25, mail_from: str = DEFAULT_FROM, rcpt_to: str = DEFAULT_TO,
                   timeout: float = 8.0, ctx: JobContext | None = None, deadline: float | None = None,
                   lanes: int = MAX_LANES, assume_untrusted: bool = False,
                   tarpit_allowance: float = TARPIT_ALLOWANCE) -> RelayReport:
    """Try every variant, spread over up to ``lanes`` connections; stream each :class:`Attempt`.

    ``assume_untrusted``: the user says the server does not trust this address (``--as-outsider``);
    without it, recipients accepted from loopback or a private address are no open-relay verdict.
    """
    ctx = ctx or null_context()
    host = normalise_host(host)
    port = check_port(port, "the SMTP port")
    if port == 0:
        raise UserInputError("the SMTP port must be a port number from 1 to 65535")
    mail_from = _check_address(mail_from, "--mail-from")
    rcpt_to = _check_address(rcpt_to, "--rcpt-to")
    if not 0 < timeout <= 3600:
        raise UserInputError(f"the timeout must be between 0 and 3600 seconds, not {timeout}")
    budget = default_deadline(timeout) if deadline is None else deadline
    if not 0 < budget <= 86400:
        raise UserInputError(f"the deadline must be between 0 and 86400 seconds, not {budget}")
    report = RelayReport(host, port, deadline_seconds=budget, vantage=Vantage(assumed_untrusted=assume_untrusted))
    started = time.monotonic()
    ends = started + budget
    try:
        first = Conn(host, port, timeout, ends, ctx.is_cancelled)
    except ProbeError as exc:
        report.error, report.detail = exc.kind, exc.detail
        relayverdict.decide(report, 0)
        report.seconds = time.monotonic() - started
        return report
    report.vantage.peer, report.vantage.local = first.peer_ip, first.local_ip
    if report.vantage.trusted:
        report.notes.append(report.vantage.note(relay=True))
    try:
        report.banner = greet(first)
    except ProbeError as exc:
        report.error, report.detail = exc.kind, exc.detail
        report.transcript = first.transcript[:400]
        first.close()
        relayverdict.decide(report, 0)
        report.seconds = time.monotonic() - started
        return report
    tries = variants(mail_from, rcpt_to, smtp.banner_name(report.banner), first.peer_ip or host)
    shared = Shared(tarpit_allowance)
    fast = _run_lanes(report, tries, first, host, port, timeout, ends, ctx, lanes, shared)
    ctx.check()  # a cancelled test ends as cancelled, not as a verdict
    relayverdict.decide(report, len(tries))
    relayverdict.timing_notes(report, fast, min(MAX_LANES, lanes, len(tries)))
    relayverdict.timeout_hint(report, timeout, tarpit_allowance, shared.held_back.is_set())
    report.seconds = time.monotonic() - started
    return report


def _run_lanes(report: RelayReport, tries, first: Conn, host: str, port: int, timeout: float, ends: float,
               ctx: JobContext, lanes: int, shared: Shared) -> list[float]:
    """Run the lanes; returns how long the answers that were not refusals took (MAIL FROM 250, ...)."""
    events: queue.Queue = queue.Queue()
    plan = []
    for number, indices in enumerate(plan_lanes(tries, lanes), start=1):
        plan.append(Lane(number))
        plan[-1].pending.extend(indices)
    threads = [threading.Thread(target=run_lane, name=f"relay-lane-{lane.number}", daemon=True,
                                args=(lane, first if lane.number == 1 else None, tries, host, port, timeout, ends,
                                      ctx.is_cancelled, events, shared)) for lane in plan]
    for thread in threads:
        thread.start()
    answers: dict[int, Attempt] = {}
    running = len(threads)
    ended: list[tuple[int, str, int]] = []
    fast: list[float] = []
    held_back = 0
    while running:
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            continue
        kind = event[0]
        if kind == "answer":
            _kind, index, stage, code, reply, seconds = event
            name, sender, recipient = tries[index]
            attempt = Attempt(name, sender, recipient, code, reply, stage == "rcpt" and code in (250, 251), stage, seconds)
            answers[index] = attempt
            ctx.result(attempt)
            ctx.progress(len(answers), len(tries), f"{name}: {code}")
        elif kind == "no-answer":
            report.unanswered.append({"variant": tries[event[1]][0], "reason": event[2]})
        elif kind == "session":
            report.connections += 1
        elif kind == "timing":
            fast.append(event[1])
        elif kind == "held-back":
            held_back += 1
        elif kind == "ended":
            ended.append((event[1], event[2], event[3]))
            report.reconnects += 1  # the lane carries on with a new session if anything is left
        elif kind in ("lane-error", "give-up"):
            detail = event[-1]
            report.notes.append(f"connection lane {event[1]} stopped: {detail}")
            if kind == "lane-error" and report.error is None:
                report.error, report.detail = event[2], detail
        elif kind == "lane-done":
            running -= 1
    for thread in threads:
        thread.join(5)
    for lane in plan:
        report.transcript += lane.transcript
        for index in lane.pending:
            reason = "cancelled" if ctx.is_cancelled() else (
                f"the overall deadline of {report.deadline_seconds:g} s ran out" if time.monotonic() >= ends
                else "its connection lane stopped (see the notes)")
            report.unanswered.append({"variant": tries[index][0], "reason": reason})
    report.transcript = report.transcript[:400]
    report.attempts = [answers[i] for i in sorted(answers)]
    _notes_on_hangups(report, ended)
    if held_back and not report.unanswered:
        report.notes.append(f"The first refused recipient of {held_back} session(s) was held back longer than "
                            f"{timeout:g} s (a tarpit from the first refusal on, as Exchange does); the test asked "
                            f"again with {shared.allowance:g} s more and carried on.")
    if report.unanswered and report.error is None:
        report.error = "incomplete"
        report.detail = f"{len(report.unanswered)} of {len(tries)} variants got no answer: {report.unanswered[0]['reason']}"
    return fast


def _notes_on_hangups(report: RelayReport, ended: list[tuple[int, str, int]]) -> None:
    if not ended:
        return
    counts = sorted({refusals for _lane, _how, refusals in ended})
    shown = " or ".join(str(c) for c in counts)
    report.notes.append(f"The server ended {len(ended)} session(s) ({ended[0][1]}) after {shown} refusal(s); "
                        "the test reconnected and carried on where it stopped.")

"""One lane of the relay test: its share of the variants, on one connection at a time.

Servers slow down clients that collect refusals: Exchange tarpits every refused recipient
(5 s on its default receive connectors), Postfix sleeps ``smtpd_error_sleep_time`` before
each reply once a client passes ``smtpd_soft_error_limit`` errors and hangs up at
``smtpd_hard_error_limit``. So the variants are spread over a few lanes (a few connections
at once), variants with the same sender share one MAIL FROM, a new sender gets RSET
before any refusal and a fresh session after one (a new session starts the server's
error count afresh, where RSET and MAIL FROM would each wait out the tarpit), a session
the server tarpits is ended by hanging up (QUIT would be held for the full delay and keep
a server process busy), an answer after a refusal may take the timeout plus
a tarpit allowance, and a session the server ends (421 or a hang-up) is reconnected,
carrying on where it stopped. Exchange holds even the first refused recipient: an RCPT
answer that does not come within the timeout alone is asked again on a new session with
the allowance, and from then on every lane gives RCPT answers the allowance.
Never DATA: a lane only ever sends EHLO, MAIL FROM, RCPT TO, RSET and QUIT.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from sbskit.core.mailprobe import smtp
from sbskit.core.mailprobe.netio import Conn, ProbeError

TARPIT_ALLOWANCE = 10.0  # seconds an answer may take beyond the timeout once the server holds answers back
MAX_SESSIONS = 8  # connections one lane may open before it gives up on its remaining variants


class Shared:
    """What every lane learns about the server: once one RCPT answer was held back past the timeout
    (Exchange tarpits even the first refused recipient), every RCPT gets the tarpit allowance."""

    def __init__(self, allowance: float = TARPIT_ALLOWANCE) -> None:
        self.allowance = allowance
        self.held_back = threading.Event()


class _HeldBack(Exception):
    """An RCPT answer did not come within the timeout alone: ask it again, with the allowance."""


class _NewSession(Exception):
    """This lane's next variant wants a fresh session (a new sender after a refusal)."""


class SessionEnded(Exception):
    """The server ended the session (421 or hang-up) before answering the variant at hand."""

    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how


@dataclass
class Lane:
    number: int
    pending: deque = field(default_factory=deque)  # variant indices still to ask
    sessions: int = 0
    refusals_per_session: list[int] = field(default_factory=list)  # refusals seen before the server hung up
    transcript: list[str] = field(default_factory=list)


def greet(conn: Conn) -> str:
    """Greeting and EHLO; the banner, or ProbeError when the server will not talk."""
    code, lines = smtp.read_reply(conn)
    banner = " ".join(lines)[:300]
    if code != 220:
        raise ProbeError("rejected", f"the server greets with {code}: {banner}")
    code, _caps = smtp.ehlo(conn)
    if code != 250:
        raise ProbeError("refused", f"EHLO and HELO were refused ({code})")
    return banner


def _ask(conn: Conn, text: str, wait: float) -> tuple[int, list[str]]:
    try:
        code, lines = smtp.command(conn, text, wait=wait)
    except ProbeError as exc:
        if exc.kind == "closed":
            raise SessionEnded("hung up") from None
        raise
    if code == 421:
        raise SessionEnded("421 " + " ".join(lines)[:120])
    return code, lines


def _quit(conn: Conn, refusals: int) -> None:
    """QUIT politely, or, once the server tarpits this session, just hang up.

    A tarpitting server would sit on QUIT for its full delay, holding a session (one of its
    processes) open after we have gone; a plain hang-up frees it at once.
    """
    if refusals:
        conn.transcript.append("C: (hangs up without QUIT: the server is tarpitting this session)")
        return
    try:
        conn.send_line("QUIT")
        smtp.read_reply(conn)
    except ProbeError:
        pass


def _session(lane: Lane, conn: Conn, plan: list[tuple[str, str, str]], events: queue.Queue, shared: Shared) -> int:
    """Ask this lane's pending variants on one session; returns how many were answered."""
    answered = refusals = 0
    sender_open: str | None = None
    try:
        while lane.pending:
            index = lane.pending[0]
            _name, sender, recipient = plan[index]
            wait = conn.timeout + (shared.allowance if refusals else 0.0)
            if sender != sender_open:
                if sender_open is not None and refusals:
                    raise _NewSession()
                if sender_open is not None:
                    _ask(conn, "RSET", wait)
                    sender_open = None
                started = time.monotonic()
                code, lines = _ask(conn, f"MAIL FROM:<{sender}>", wait)
                if code != 250:
                    refusals += code >= 400
                    events.put(("answer", index, "mail", code, " ".join(lines)[:200], time.monotonic() - started))
                    lane.pending.popleft()
                    answered += 1
                    continue
                events.put(("timing", time.monotonic() - started))
                sender_open = sender
            held_back_known = bool(refusals) or shared.held_back.is_set()
            rcpt_wait = conn.timeout + (shared.allowance if held_back_known else 0.0)
            started = time.monotonic()
            try:
                code, lines = _ask(conn, f"RCPT TO:<{recipient}>", rcpt_wait)
            except ProbeError as exc:
                if exc.kind != "timeout" or held_back_known or shared.allowance <= 0:
                    raise
                shared.held_back.set()  # from now on every lane waits the allowance for RCPT answers
                raise _HeldBack(exc.detail) from None
            refusals += code >= 400
            events.put(("answer", index, "rcpt", code, " ".join(lines)[:200], time.monotonic() - started))
            lane.pending.popleft()
            answered += 1
        _quit(conn, refusals)
    except _NewSession:
        _quit(conn, refusals)
    except SessionEnded as ended:
        lane.refusals_per_session.append(refusals)
        events.put(("ended", lane.number, ended.how, refusals))
    return answered


def run_lane(lane: Lane, first: Conn | None, plan: list[tuple[str, str, str]], host: str, port: int,
             timeout: float, deadline: float, cancelled, events: queue.Queue, shared: Shared | None = None) -> None:
    """Work through ``lane.pending``, reconnecting when the server ends a session; report via ``events``."""
    conn = first
    stalled = 0
    shared = shared or Shared()
    try:
        while lane.pending and not cancelled() and time.monotonic() < deadline:
            if lane.sessions >= MAX_SESSIONS:
                events.put(("give-up", lane.number, f"the server ended {lane.sessions} sessions on this lane"))
                return
            if conn is None:
                try:
                    conn = Conn(host, port, timeout, deadline, cancelled)
                    greet(conn)
                except ProbeError as exc:
                    events.put(("lane-error", lane.number, exc.kind, f"reconnecting: {exc.detail}"))
                    return
            lane.sessions += 1
            events.put(("session", lane.number, lane.sessions))
            try:
                answered = _session(lane, conn, plan, events, shared)
            except _HeldBack as held:
                events.put(("held-back", lane.number, held.args[0]))  # the same variant again, with the allowance
                answered = 0
            except ProbeError as exc:
                if exc.kind != "timeout" or cancelled() or time.monotonic() >= deadline or not lane.pending:
                    events.put(("lane-error", lane.number, exc.kind, exc.detail))
                    return
                events.put(("no-answer", lane.pending.popleft(), exc.detail))  # the rest go on a new session
                answered = 0
            finally:
                lane.transcript += [f"-- lane {lane.number}, session {lane.sessions} --"] + conn.transcript
                conn.close()
                conn = None
            stalled = stalled + 1 if answered == 0 else 0
            if stalled >= 2:
                events.put(("give-up", lane.number, "two sessions in a row ended before any answer"))
                return
    finally:
        if conn is not None:
            conn.close()
        events.put(("lane-done", lane.number))

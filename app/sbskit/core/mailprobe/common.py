"""Pieces every protocol dialogue shares: TLS upgrade, the made-up login, its lock, wording.

The cleartext-login test never uses a real account and decides from the earliest answer
that settles it: ``+OK`` to ``USER`` or a ``+``/``334`` continuation to ``AUTH PLAIN``
means a client's password would cross next, in the clear, so no password (not even the
dummy) needs to follow. Only IMAP ``LOGIN`` carries the dummy password in the same line;
there the verdict is *how* the server refuses it: "authentication failed" means it checked
a password sent in the clear, a refusal naming TLS/plaintext means it will not.

Servers slow failed logins on purpose (Dovecot waits 2 s, plus a per-address penalty
that doubles up to 15 s; Exchange tarpits), so login answers get a longer allowance, and
only one login test per host runs at a time: parallel tests would pay each other's penalty.
The made-up user name is fixed, so repeated probes look like one client retrying the same
wrong password, which Dovecot does not penalise further.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from sbskit.core.mailprobe import tlsinfo
from sbskit.core.mailprobe.model import ServiceResult
from sbskit.core.mailprobe.netio import Conn

DUMMY_PASSWORD = "sbskit-dummy-not-a-password"
MADE_UP_USER = "sbskit-probe-nobody"
CLIENT_NAME = "sbskit-probe.invalid"  # EHLO name: .invalid can never be a real host
LOGIN_DELAY_ALLOWANCE = 18.0  # Dovecot: up to 15 s penalty before the attempt + 2 s failure delay + 1 s timer slack
_LOGIN_LOCKS: dict[str, threading.Lock] = {}
_LOGIN_LOCKS_GUARD = threading.Lock()

REFUSAL_WORDS = (
    "plaintext",
    "plain text",
    "cleartext",
    "clear text",
    "privacyrequired",
    "encrypt",
    "ssl",
    "tls",
    "secure",
    "not valid in this state",
    "disabled",
    "disallowed",
    "not allowed",
    "not permitted",
    "not supported",
    "unsupported",
    "not available",
    "unknown command",
    "unrecognized",
    "command not implemented",
)


def made_up_user() -> str:
    """A user name no server has; the same every time (see the module docstring)."""
    return MADE_UP_USER


def cancel_and_leave(conn: Conn, goodbye: str) -> None:
    """After a continuation settled the login question: cancel (``*``), say goodbye, wait for nothing.

    The cancel's answer may itself be held back (servers tarpit aborted logins too); the
    verdict is already in hand, so no answer is read.
    """
    conn.send_line("*")
    conn.send_line(goodbye)


def login_wait(conn: Conn, allowance: float) -> float:
    """How long to wait for the answer to a login step: the timeout plus the expected server delay."""
    return max(0.1, conn.timeout + allowance)


@contextmanager
def login_turn(host: str, cancelled: Callable[[], bool]) -> Iterator[float]:
    """Hold this host's login lock (one login test at a time); yields the seconds waited for it."""
    from sbskit.core.mailprobe.netio import ProbeError

    with _LOGIN_LOCKS_GUARD:
        lock = _LOGIN_LOCKS.setdefault(host.lower(), threading.Lock())
    started = time.monotonic()
    while not lock.acquire(timeout=0.1):
        if cancelled():
            raise ProbeError("cancelled", "cancelled")
    try:
        yield time.monotonic() - started
    finally:
        lock.release()


def mentions_refusal(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in REFUSAL_WORDS)


def sni_name(host: str) -> str | None:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        return host or None


def upgrade(conn: Conn, res: ServiceResult, host: str) -> None:
    """TLS on ``conn`` (accept any certificate), then record session and certificate facts.

    The name clients use (``res.client_name``, when given) goes into SNI and is the name the
    certificate is checked against; else the host probed.
    """
    host = res.client_name or host
    conn.start_tls(tlsinfo.probe_context(), sni_name(host))
    tls = conn.tls_socket
    if tls is None:
        return
    res.tls_session = tlsinfo.session_facts(tls)
    der = tls.getpeercert(binary_form=True) or b""
    res.certificate = tlsinfo.describe_certificate(der, host) if der else None
    if res.certificate is not None:
        chain = tlsinfo.peer_chain(tls)  # None: this Python cannot tell (public API from 3.13)
        res.certificate["chain"] = chain or []
        res.certificate["chain_length"] = len(chain) if chain else None


def words(line: str) -> list[str]:
    return [w for w in line.split() if w]


def summarise(values: list[str], limit: int = 60) -> list[str]:
    """Capability lists are shown to people: keep them short and printable."""
    out = []
    for value in values[:limit]:
        out.append("".join(ch for ch in value if ch.isprintable())[:120])
    return out


def ntlm_record(res: ServiceResult, info: dict[str, Any] | None) -> None:
    if info is None:
        res.ntlm = {"offered": True, "decoded": False}
        return
    res.ntlm = {"offered": True, "decoded": True, **info}

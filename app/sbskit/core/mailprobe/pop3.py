"""POP3 (110 with STLS, 995 implicit TLS): CAPA, STLS and the certificate, then the login question.

Two dialogues on two connections, so a slow answer to the login question can never cost
what the first one learned. :func:`facts`: greeting, CAPA, NTLM, STLS and the certificate,
CAPA after TLS. :func:`login`: ``USER <made-up>`` before TLS; ``+OK`` settles it (RFC 2595:
the client's PASS would follow in the clear), so PASS is never sent. Only when USER is
refused and SASL PLAIN/LOGIN is offered, ``AUTH PLAIN`` without an initial response
(RFC 5034): a ``+`` continuation settles it too, and ``*`` cancels before anything is sent.
"""

from __future__ import annotations

import time

from sbskit.core.mailprobe import ntlm
from sbskit.core.mailprobe.common import (
    LOGIN_DELAY_ALLOWANCE,
    cancel_and_leave,
    login_wait,
    made_up_user,
    mentions_refusal,
    ntlm_record,
    summarise,
    upgrade,
)
from sbskit.core.mailprobe.model import ServiceResult
from sbskit.core.mailprobe.netio import MAX_LINES, Conn, ProbeError


def _capa(conn: Conn) -> list[str]:
    conn.send_line("CAPA")
    first = conn.read_line()
    if not first.startswith("+OK"):
        return []
    caps = []
    for _ in range(MAX_LINES):
        line = conn.read_line()
        if line == ".":
            return caps
        caps.append(line)
    raise ProbeError("too-long", "endless CAPA list")


def sasl(caps: list[str]) -> list[str]:
    for cap in caps:
        parts = cap.split()
        if parts and parts[0].upper() == "SASL":
            return [p.upper() for p in parts[1:]]
    return []


def _greeting(conn: Conn) -> str:
    greeting = conn.read_line()
    if greeting.startswith("-ERR"):
        raise ProbeError("rejected", f"the server refuses the session: {greeting[:200]}")
    if not greeting.startswith("+OK"):
        raise ProbeError("garbage", f"not a POP3 greeting: {greeting[:80]!r}")
    return greeting[3:].strip()


def _ntlm(conn: Conn, res: ServiceResult) -> None:
    conn.send_line("AUTH NTLM")
    reply = conn.read_line()
    if not reply.startswith("+"):
        return
    conn.send_line(ntlm.negotiate_message())
    reply = conn.read_line()
    info = ntlm.parse_challenge(reply[1:].strip()) if reply.startswith("+") else None
    ntlm_record(res, info)
    if reply.startswith("+"):
        conn.send_line("*", wait=login_wait(conn, LOGIN_DELAY_ALLOWANCE))  # an aborted login may be tarpitted
        conn.read_line()


def _quit(conn: Conn) -> None:
    try:
        conn.send_line("QUIT")
        conn.read_line()
    except ProbeError:
        pass


def facts(conn: Conn, res: ServiceResult, host: str, implicit: bool) -> list[str]:
    """Everything but the login question; returns the capabilities seen before TLS."""
    if implicit:
        res.asking = "tls"
        upgrade(conn, res, host)
    res.asking = "greeting"
    res.banner = _greeting(conn)
    res.asking = "capabilities"
    caps = _capa(conn)
    res.capabilities = summarise(caps)
    upper = [c.upper() for c in caps]
    mechanisms = sasl(caps)
    if implicit:
        res.cleartext_login_before_tls = False
        res.starttls_offered = False
        if "NTLM" in mechanisms:
            _ntlm(conn, res)
        _quit(conn)
        return caps
    res.login_offered_before_tls = (["USER"] if "USER" in upper else []) + [
        f"SASL {m}" for m in mechanisms if m in ("PLAIN", "LOGIN")]
    res.starttls_offered = "STLS" in upper
    if res.starttls_offered:
        res.tls = "starttls"  # offered; a refusal or a broken handshake below becomes a finding
    if "NTLM" in mechanisms:
        _ntlm(conn, res)
    if res.starttls_offered or not caps:  # no CAPA at all (old servers): just try STLS
        res.asking = "tls"
        conn.send_line("STLS")
        reply = conn.read_line()
        if not reply.startswith("+OK"):
            if caps:
                res.add("tls-failed", "medium", "STLS is offered but refused", reply)
            _quit(conn)
            return caps
        res.tls = "starttls"
        res.starttls_offered = True
        upgrade(conn, res, host)
        res.asking = "after-tls"
        res.capabilities_after_tls = summarise(_capa(conn))
    _quit(conn)
    return caps


def settled_without_asking(res: ServiceResult, caps: list[str]) -> bool:
    """True (verdict recorded) when CAPA before TLS offers no way to send a password.

    Dovecot with plaintext authentication disabled leaves USER out of CAPA and PLAIN/LOGIN
    out of SASL before TLS; asking USER anyway would cost a logged failed login (Dovecot
    logs "auth failed, 1 attempts", which fail2ban counts). An empty CAPA (old servers
    without it) settles nothing: then USER is asked.
    """
    if not caps:
        return False
    upper = [c.upper() for c in caps]
    if "USER" in upper or any(m in ("PLAIN", "LOGIN") for m in sasl(caps)):
        return False
    res.cleartext_login_before_tls = False
    offered = ", ".join(sasl(caps)) or "none"
    res.login_test = (f"CAPA before TLS offers neither USER nor a cleartext SASL mechanism (SASL: {offered}): "
                      "no way to send a password before STLS. Nothing was asked, so no failed login was logged.")
    return True


def login(conn: Conn, res: ServiceResult, caps: list[str], allowance: float = LOGIN_DELAY_ALLOWANCE) -> None:
    """The cleartext-login question on a fresh connection, decided by the earliest decisive answer."""
    res.asking = "login"
    _greeting(conn)
    user = made_up_user()
    conn.send_line(f"USER {user}")
    answer = conn.read_line()
    if answer.startswith("+OK"):
        res.prove("pop3-user-accepted", f"USER {user} -> {answer}")
        res.login_test = (f"USER {user} was answered '{answer}' before TLS: a mail client's password (PASS) "
                          "would follow in the clear. PASS was not sent.")
        _quit(conn)
        return
    res.failed_logins += 1  # Dovecot logs a refused USER as a failed login
    mechanisms = [m for m in ("PLAIN", "LOGIN") if m in sasl(caps)]
    if not mechanisms:
        res.cleartext_login_before_tls = False
        res.login_test = f"USER refused before TLS and no cleartext SASL offered: {answer}"
        _quit(conn)
        return
    mechanism = mechanisms[0]
    started = time.monotonic()
    conn.send_line(f"AUTH {mechanism}", wait=login_wait(conn, allowance))
    reply = conn.read_line()
    waited = time.monotonic() - started
    if reply.startswith("+") and not reply.startswith("+OK"):
        res.prove("sasl-continuation", f"AUTH {mechanism} -> {reply.strip() or '+'}")
        res.login_test = (f"USER refused ({answer}), but AUTH {mechanism} before TLS was answered with a "
                          f"'+' continuation after {waited:.1f} s: the credentials would follow in the clear. "
                          "The exchange was cancelled before anything was sent.")
        cancel_and_leave(conn, "QUIT")
        return
    res.failed_logins += 1
    res.cleartext_login_before_tls = False
    why = "refused" if mentions_refusal(reply) else "not accepted"
    res.login_test = f"USER refused ({answer}); AUTH {mechanism} before TLS {why}: {reply}"
    _quit(conn)

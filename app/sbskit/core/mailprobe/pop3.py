"""POP3 (110 with STLS, 995 implicit TLS): CAPA, what is offered before TLS, a made-up login."""

from __future__ import annotations

import base64

from sbskit.core.mailprobe import ntlm
from sbskit.core.mailprobe.common import (
    DUMMY_PASSWORD,
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


def _sasl(caps: list[str]) -> list[str]:
    for cap in caps:
        parts = cap.split()
        if parts and parts[0].upper() == "SASL":
            return [p.upper() for p in parts[1:]]
    return []


def _login_test(conn: Conn, res: ServiceResult, caps: list[str]) -> None:
    user = made_up_user()
    conn.send_line(f"USER {user}")
    answer = conn.read_line()
    if answer.startswith("+OK"):
        conn.send_line(f"PASS {DUMMY_PASSWORD}", log_as="PASS <dummy password>")
        answer = conn.read_line()
        if answer.startswith("+OK"):
            res.cleartext_login_before_tls = True
            res.login_test = f"the made-up user {user} was let in with a dummy password (!): {answer}"
            conn.send_line("QUIT")
            return
        refused = mentions_refusal(answer)
        res.cleartext_login_before_tls = not refused
        res.login_test = (
            f"USER/PASS refused before TLS: {answer}" if refused
            else f"USER/PASS accepted for checking before TLS (made-up user {user} rejected only as wrong): {answer}"
        )
        return
    sasl = _sasl(caps)
    if "PLAIN" in sasl:
        token = base64.b64encode(f"\0{user}\0{DUMMY_PASSWORD}".encode()).decode()
        conn.send_line(f"AUTH PLAIN {token}", log_as="AUTH PLAIN <made-up user, dummy password>")
        reply = conn.read_line()
        if reply.startswith("+ "):  # server wants the initial response separately
            conn.send_line(token, log_as="<made-up user, dummy password>")
            reply = conn.read_line()
        res.cleartext_login_before_tls = reply.startswith("+OK") or not mentions_refusal(reply)
        res.login_test = f"USER refused ({answer}); AUTH PLAIN before TLS answered: {reply}"
        return
    res.cleartext_login_before_tls = False
    res.login_test = f"USER refused before TLS and no cleartext SASL offered: {answer}"


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
        conn.send_line("*")
        conn.read_line()


def probe(conn: Conn, res: ServiceResult, host: str, implicit: bool) -> None:
    if implicit:
        upgrade(conn, res, host)
    greeting = conn.read_line()
    if greeting.startswith("-ERR"):
        raise ProbeError("rejected", f"the server refuses the session: {greeting[:200]}")
    if not greeting.startswith("+OK"):
        raise ProbeError("garbage", f"not a POP3 greeting: {greeting[:80]!r}")
    res.banner = greeting[3:].strip()
    caps = _capa(conn)
    res.capabilities = summarise(caps)
    upper = [c.upper() for c in caps]
    if not implicit:
        sasl = _sasl(caps)
        res.login_offered_before_tls = (["USER"] if "USER" in upper else []) + [
            f"SASL {m}" for m in sasl if m in ("PLAIN", "LOGIN")]
        if "NTLM" in sasl:
            _ntlm(conn, res)
        _login_test(conn, res, caps)
        if res.cleartext_login_before_tls and res.login_test.startswith("the made-up"):
            return
        if "STLS" in upper or not caps:  # no CAPA at all (old servers): just try STLS
            conn.send_line("STLS")
            reply = conn.read_line()
            if not reply.startswith("+OK"):
                if caps:
                    res.add("tls-failed", "medium", "STLS is offered but refused", reply)
                else:
                    conn.send_line("QUIT")
                return
            res.tls = "starttls"
            upgrade(conn, res, host)
            res.capabilities_after_tls = summarise(_capa(conn))
    else:
        res.cleartext_login_before_tls = False
        if "NTLM" in _sasl(caps):
            _ntlm(conn, res)
    conn.send_line("QUIT")
    try:
        conn.read_line()
    except ProbeError:
        pass

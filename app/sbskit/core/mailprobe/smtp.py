"""SMTP (25, 587 with STARTTLS, 465 implicit TLS): banner, EHLO, STARTTLS, AUTH before TLS.

:func:`facts` (banner, EHLO, NTLM, STARTTLS, certificate) and :func:`login` (the AUTH
question) run on separate connections. ``AUTH PLAIN`` is sent without an initial
response: a ``334`` continuation proves the server would take credentials in the clear,
and ``*`` cancels (RFC 4954) before anything is sent. Shared with the relay test:
:func:`read_reply` and :func:`command` read a bounded multi-line SMTP reply.
"""

from __future__ import annotations

import time

from sbskit.core.mailprobe import ntlm
from sbskit.core.mailprobe.common import (
    CLIENT_NAME,
    LOGIN_DELAY_ALLOWANCE,
    cancel_and_leave,
    login_wait,
    mentions_refusal,
    ntlm_record,
    summarise,
    upgrade,
)
from sbskit.core.mailprobe.model import ServiceResult
from sbskit.core.mailprobe.netio import MAX_LINES, Conn, ProbeError


def read_reply(conn: Conn) -> tuple[int, list[str]]:
    """(code, text lines) of one reply; ``garbage`` if it is not SMTP."""
    lines: list[str] = []
    for _ in range(MAX_LINES):
        line = conn.read_line()
        code = line[:3]
        if len(line) < 3 or not code.isdigit() or (len(line) > 3 and line[3] not in " -"):
            raise ProbeError("garbage", f"not an SMTP reply: {line[:80]!r}")
        lines.append(line[4:])
        if len(line) == 3 or line[3] == " ":
            return int(code), lines
    raise ProbeError("too-long", "an SMTP reply with no last line")


def command(conn: Conn, text: str, log_as: str | None = None, wait: float | None = None) -> tuple[int, list[str]]:
    conn.send_line(text, log_as=log_as, wait=wait)
    return read_reply(conn)


def ehlo(conn: Conn) -> tuple[int, list[str]]:
    code, lines = command(conn, f"EHLO {CLIENT_NAME}")
    if code != 250:
        code, lines = command(conn, f"HELO {CLIENT_NAME}")
        return code, []
    return code, lines[1:]


def auth_mechanisms(caps: list[str]) -> list[str]:
    mechs: list[str] = []
    for cap in caps:
        upper = cap.upper()
        if upper.startswith("AUTH ") or upper.startswith("AUTH="):
            mechs.extend(upper[5:].split())
    return sorted(set(mechs))


def banner_name(banner: str) -> str:
    """The host name a 220 greeting announces (its first word)."""
    first = banner.split()[0] if banner.split() else ""
    return first.strip("[]").rstrip(".").lower()


def settled_without_asking(res: ServiceResult, caps: list[str]) -> bool:
    """True (verdict recorded) when the EHLO answer alone settles the login question."""
    mechs = auth_mechanisms(caps)
    if not mechs:
        res.cleartext_login_before_tls = False
        res.login_test = "no AUTH offered before TLS"
        return True
    if "PLAIN" not in mechs and "LOGIN" not in mechs:
        res.cleartext_login_before_tls = False
        res.login_test = f"only {', '.join(mechs)} offered before TLS (no cleartext password mechanism)"
        return True
    return False


def _greeting(conn: Conn) -> str:
    code, lines = read_reply(conn)
    banner = " ".join(lines)[:300]
    if code != 220:
        raise ProbeError("rejected", f"the server refuses the session with {code}: {banner}")
    return banner


def login(conn: Conn, res: ServiceResult, caps: list[str], allowance: float = LOGIN_DELAY_ALLOWANCE) -> None:
    """AUTH PLAIN (or LOGIN) without credentials before TLS: does a continuation come?"""
    res.asking = "login"
    _greeting(conn)
    ehlo(conn)
    mechanism = "PLAIN" if "PLAIN" in auth_mechanisms(caps) else "LOGIN"
    started = time.monotonic()
    code, lines = command(conn, f"AUTH {mechanism}", wait=login_wait(conn, allowance))
    waited = time.monotonic() - started
    text = " ".join(lines)
    if code == 334:
        res.prove("smtp-auth-continuation", f"AUTH {mechanism} -> 334 {text}".rstrip())
        res.login_test = (f"AUTH {mechanism} before TLS was answered with a 334 continuation after {waited:.1f} s: "
                          "the credentials would follow in the clear. The exchange was cancelled before "
                          "anything was sent.")
        cancel_and_leave(conn, "QUIT")
        return
    res.failed_logins += 1
    res.cleartext_login_before_tls = False
    why = "refused" if code in (530, 538) or mentions_refusal(text) else "not accepted"
    res.login_test = f"AUTH {mechanism} offered but {why} before TLS: {code} {text}"
    _quit(conn)


def _ntlm(conn: Conn, res: ServiceResult) -> None:
    code, lines = command(conn, f"AUTH NTLM {ntlm.negotiate_message()}")
    if code != 334:
        return
    ntlm_record(res, ntlm.parse_challenge(lines[0] if lines else ""))
    command(conn, "*", wait=login_wait(conn, LOGIN_DELAY_ALLOWANCE))  # Exchange tarpits failed or aborted AUTH


def _quit(conn: Conn) -> None:
    try:
        command(conn, "QUIT")
    except ProbeError:
        pass


def facts(conn: Conn, res: ServiceResult, host: str, implicit: bool) -> list[str]:
    """Everything but the login question; returns the EHLO capabilities seen before TLS."""
    if implicit:
        res.asking = "tls"
        upgrade(conn, res, host)
    res.asking = "greeting"
    res.banner = _greeting(conn)
    res.asking = "capabilities"
    _code, caps = ehlo(conn)
    res.capabilities = summarise(caps)
    mechs = auth_mechanisms(caps)
    if "NTLM" in mechs:
        _ntlm(conn, res)
    if implicit:
        res.cleartext_login_before_tls = False
        res.starttls_offered = False
        _quit(conn)
        return caps
    res.login_offered_before_tls = [f"AUTH {m}" for m in mechs if m in ("PLAIN", "LOGIN")]
    res.starttls_offered = any(c.upper() == "STARTTLS" for c in caps)
    if res.starttls_offered:
        res.tls = "starttls"
        res.asking = "tls"
        code, lines = command(conn, "STARTTLS")
        if code != 220:
            res.add("tls-failed", "medium", "STARTTLS is offered but refused", f"{code} {' '.join(lines)}")
        else:
            upgrade(conn, res, host)
            res.asking = "after-tls"
            _code, after = ehlo(conn)
            res.capabilities_after_tls = summarise(after)
    _quit(conn)
    return caps

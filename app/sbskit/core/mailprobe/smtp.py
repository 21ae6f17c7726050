"""SMTP (25, 587 with STARTTLS, 465 implicit TLS): banner, EHLO, STARTTLS, AUTH before TLS.

Shared with the relay test: :func:`read_reply` and :func:`command` read a bounded
multi-line SMTP reply.
"""

from __future__ import annotations

import base64

from sbskit.core.mailprobe import ntlm
from sbskit.core.mailprobe.common import (
    CLIENT_NAME,
    DUMMY_PASSWORD,
    made_up_user,
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


def command(conn: Conn, text: str, log_as: str | None = None) -> tuple[int, list[str]]:
    conn.send_line(text, log_as=log_as)
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


def _login_test(conn: Conn, res: ServiceResult, mechs: list[str]) -> None:
    if not mechs:
        res.cleartext_login_before_tls = False
        res.login_test = "no AUTH offered before TLS"
        return
    if "PLAIN" not in mechs and "LOGIN" not in mechs:
        res.cleartext_login_before_tls = False
        res.login_test = f"only {', '.join(mechs)} offered before TLS (no cleartext password mechanism)"
        return
    user = made_up_user()
    if "PLAIN" in mechs:
        token = base64.b64encode(f"\0{user}\0{DUMMY_PASSWORD}".encode()).decode()
        code, lines = command(conn, f"AUTH PLAIN {token}", log_as="AUTH PLAIN <made-up user, dummy password>")
    else:
        code, lines = command(conn, "AUTH LOGIN")
        if code == 334:
            code, lines = command(conn, base64.b64encode(user.encode()).decode())
        if code == 334:
            code, lines = command(conn, base64.b64encode(DUMMY_PASSWORD.encode()).decode(), log_as="<dummy password>")
    text = " ".join(lines)
    if code == 235:
        res.cleartext_login_before_tls = True
        res.login_test = f"the made-up user {user} was let in with a dummy password (!): {code} {text}"
    elif code in (530, 538) or mentions_refusal(text):
        res.cleartext_login_before_tls = False
        res.login_test = f"AUTH offered but refused before TLS: {code} {text}"
    else:
        res.cleartext_login_before_tls = True
        res.login_test = f"AUTH {'PLAIN' if 'PLAIN' in mechs else 'LOGIN'} accepted for checking before TLS: {code} {text}"


def _ntlm(conn: Conn, res: ServiceResult) -> None:
    code, lines = command(conn, f"AUTH NTLM {ntlm.negotiate_message()}")
    if code != 334:
        return
    ntlm_record(res, ntlm.parse_challenge(lines[0] if lines else ""))
    command(conn, "*")


def probe(conn: Conn, res: ServiceResult, host: str, implicit: bool) -> None:
    if implicit:
        upgrade(conn, res, host)
    code, lines = read_reply(conn)
    res.banner = " ".join(lines)[:300]
    if code != 220:
        raise ProbeError("rejected", f"the server refuses the session with {code}: {res.banner}")
    code, caps = ehlo(conn)
    res.capabilities = summarise(caps)
    mechs = auth_mechanisms(caps)
    if "NTLM" in mechs:
        _ntlm(conn, res)
    if implicit:
        res.cleartext_login_before_tls = False
    else:
        res.login_offered_before_tls = [f"AUTH {m}" for m in mechs if m in ("PLAIN", "LOGIN")]
        _login_test(conn, res, mechs)
        if any(c.upper() == "STARTTLS" for c in caps):
            res.tls = "starttls"
            code, lines = command(conn, "STARTTLS")
            if code != 220:
                res.add("tls-failed", "medium", "STARTTLS is offered but refused", f"{code} {' '.join(lines)}")
            else:
                upgrade(conn, res, host)
                code, after = ehlo(conn)
                res.capabilities_after_tls = summarise(after)
    try:
        command(conn, "QUIT")
    except ProbeError:
        pass

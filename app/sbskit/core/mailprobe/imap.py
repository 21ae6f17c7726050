"""IMAP (143 with STARTTLS, 993 implicit TLS): capabilities, STARTTLS, then the login question.

:func:`facts` learns the greeting, capabilities, STARTTLS and certificate on one
connection; :func:`login` asks the login question on another. LOGINDISABLED before TLS
(and no cleartext SASL mechanism) settles it without a word sent (RFC 3501/9051: clients
MUST NOT send LOGIN then). When AUTH=PLAIN or AUTH=LOGIN is offered before TLS,
``AUTHENTICATE`` without credentials asks whether a ``+`` continuation comes, and ``*``
cancels it at once: no password, not even a dummy, no failed login in the server's log
(Dovecot logs "client didn't finish SASL auth", which fail2ban's stock filter does not
count) and no failed-login delay to wait out. Only when nothing else can decide is
``LOGIN <made-up> <dummy>`` sent: a tagged NO [AUTHENTICATIONFAILED], after the server's
failed-login delay, proves the server checked a password sent in the clear; a NO
[PRIVACYREQUIRED] or one naming TLS is a refusal. Each LOGIN or refused AUTHENTICATE is
counted in ``failed_logins``.
"""

from __future__ import annotations

import re
import time

from sbskit.core.mailprobe import ntlm
from sbskit.core.mailprobe.common import (
    DUMMY_PASSWORD,
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

_CAPS_IN_BRACKETS = re.compile(r"\[CAPABILITY ([^\]]*)\]", re.IGNORECASE)


class _Tags:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return f"s{self.n}"


def _command(conn: Conn, tags: _Tags, text: str, log_as: str | None = None,
             wait: float | None = None) -> tuple[str, list[str]]:
    """Send a tagged command; return (tagged reply line, untagged lines)."""
    tag = tags.next()
    conn.send_line(f"{tag} {text}", log_as=f"{tag} {log_as}" if log_as else None, wait=wait)
    untagged = []
    for _ in range(MAX_LINES):
        line = conn.read_line()
        if line.startswith(tag + " "):
            return line[len(tag) + 1 :], untagged
        untagged.append(line)
    raise ProbeError("too-long", f"no end to the answer to {text.split()[0]}")


def _caps_from(untagged: list[str]) -> list[str]:
    caps: list[str] = []
    for line in untagged:
        if line.upper().startswith("* CAPABILITY "):
            caps.extend(line.split()[2:])
    return caps


def _capabilities(conn: Conn, tags: _Tags, greeting: str) -> list[str]:
    found = _CAPS_IN_BRACKETS.search(greeting)
    if found:
        return found.group(1).split()
    _status, untagged = _command(conn, tags, "CAPABILITY")
    return _caps_from(untagged)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _greeting(conn: Conn) -> str:
    greeting = conn.read_line()
    if greeting.upper().startswith("* BYE"):
        raise ProbeError("rejected", f"the server refuses the session: {greeting[:200]}")
    if not (greeting.startswith("* OK") or greeting.startswith("* PREAUTH")):
        raise ProbeError("garbage", f"not an IMAP greeting: {greeting[:80]!r}")
    return greeting


def _ntlm(conn: Conn, tags: _Tags, res: ServiceResult) -> None:
    tag = tags.next()
    conn.send_line(f"{tag} AUTHENTICATE NTLM")
    reply = conn.read_line()
    if not reply.startswith("+"):
        return
    conn.send_line(ntlm.negotiate_message())
    reply = conn.read_line()
    ntlm_record(res, ntlm.parse_challenge(reply[1:].strip()) if reply.startswith("+") else None)
    if reply.startswith("+"):
        conn.send_line("*", wait=login_wait(conn, LOGIN_DELAY_ALLOWANCE))  # an aborted login may be tarpitted
    for _ in range(MAX_LINES):
        if conn.read_line().startswith(tag + " "):
            return


def _logout(conn: Conn, tags: _Tags) -> None:
    try:
        _command(conn, tags, "LOGOUT")
    except ProbeError:
        pass


def facts(conn: Conn, res: ServiceResult, host: str, implicit: bool) -> list[str]:
    """Everything but the login question; returns the capabilities seen before TLS."""
    if implicit:
        res.asking = "tls"
        upgrade(conn, res, host)
    res.asking = "greeting"
    greeting = _greeting(conn)
    res.banner = _CAPS_IN_BRACKETS.sub("", greeting[4:]).strip()
    tags = _Tags()
    res.asking = "capabilities"
    caps = _capabilities(conn, tags, greeting)
    res.capabilities = summarise(caps)
    upper = [c.upper() for c in caps]
    if "AUTH=NTLM" in upper:
        _ntlm(conn, tags, res)
    if implicit:
        res.cleartext_login_before_tls = False
        res.starttls_offered = False
        _logout(conn, tags)
        return caps
    res.login_offered_before_tls = ([] if "LOGINDISABLED" in upper else ["LOGIN"]) + [
        c for c in upper if c in ("AUTH=PLAIN", "AUTH=LOGIN")]
    res.starttls_offered = "STARTTLS" in upper
    if res.starttls_offered:
        res.tls = "starttls"
        res.asking = "tls"
        status, _ = _command(conn, tags, "STARTTLS")
        if not status.upper().startswith("OK"):
            res.add("tls-failed", "medium", "STARTTLS is offered but refused", status)
            _logout(conn, tags)
            return caps
        upgrade(conn, res, host)
        res.asking = "after-tls"
        _status, untagged = _command(conn, tags, "CAPABILITY")
        res.capabilities_after_tls = summarise(_caps_from(untagged))
    _logout(conn, tags)
    return caps


def _cleartext_mechanisms(upper: list[str]) -> list[str]:
    return [m for m in ("PLAIN", "LOGIN") if f"AUTH={m}" in upper]


def settled_without_asking(res: ServiceResult, caps: list[str]) -> bool:
    """True (verdict recorded) when the capabilities alone answer the login question."""
    upper = [c.upper() for c in caps]
    if "LOGINDISABLED" in upper and not _cleartext_mechanisms(upper):
        res.cleartext_login_before_tls = False
        res.login_test = "LOGINDISABLED is advertised before TLS and no cleartext SASL mechanism: LOGIN waits for STARTTLS"
        return True
    return False


def login(conn: Conn, res: ServiceResult, caps: list[str], allowance: float = LOGIN_DELAY_ALLOWANCE) -> None:
    """The cleartext-login question on a fresh connection (see the module docstring)."""
    res.asking = "login"
    _greeting(conn)
    tags = _Tags()
    upper = [c.upper() for c in caps]
    mechanisms = _cleartext_mechanisms(upper)
    if mechanisms and _authenticate_test(conn, tags, res, mechanisms[0], allowance, "LOGINDISABLED" in upper):
        return  # cancelled at the continuation: already said goodbye
    if "LOGINDISABLED" not in upper and res.cleartext_login_before_tls is None:
        _login_test(conn, tags, res, allowance)  # nothing else can decide: one failed login with a dummy password
    _logout(conn, tags)


def _login_test(conn: Conn, tags: _Tags, res: ServiceResult, allowance: float) -> None:
    user = made_up_user()
    started = time.monotonic()
    status, _ = _command(conn, tags, f"LOGIN {_quote(user)} {_quote(DUMMY_PASSWORD)}",
                         log_as=f"LOGIN {user} <dummy password>", wait=login_wait(conn, allowance))
    waited = time.monotonic() - started
    verb = status.split(" ", 1)[0].upper()
    if verb == "OK":
        res.prove("login-accepted", f"LOGIN {user} -> {status}")
        res.login_test = f"the made-up user {user} was let in with a dummy password (!): {status}"
        return
    res.failed_logins += 1
    if verb == "BAD" or mentions_refusal(status) or "PRIVACYREQUIRED" in status.upper():
        res.cleartext_login_before_tls = False
        res.login_test = f"LOGIN refused before TLS: {status}"
        return
    res.login_delay_seconds = round(waited, 1)
    res.prove("imap-login-checked", f"LOGIN {user} -> {status} (after {waited:.1f} s)")
    res.login_test = (f"no cleartext SASL mechanism and no LOGINDISABLED is advertised, and LOGIN before TLS was "
                      f"answered '{status}' after {waited:.1f} s: the server checked a password sent in the clear "
                      f"(a dummy one, for the made-up user {user}).")


def _authenticate_test(conn: Conn, tags: _Tags, res: ServiceResult, mechanism: str, allowance: float,
                       logindisabled: bool) -> bool:
    """``AUTHENTICATE <mech>`` without credentials; True when a continuation proved the path (and it was cancelled).

    A refusal settles "no" only when LOGINDISABLED closes the LOGIN path too; otherwise LOGIN is left to ask.
    """
    tag = tags.next()
    started = time.monotonic()
    conn.send_line(f"{tag} AUTHENTICATE {mechanism}", wait=login_wait(conn, allowance))
    reply = conn.read_line()
    waited = time.monotonic() - started
    offered = "LOGINDISABLED is advertised, but" if logindisabled else f"AUTH={mechanism} is offered before TLS and"
    if reply.startswith("+"):
        res.prove("sasl-continuation", f"AUTHENTICATE {mechanism} -> {reply.strip()}")
        res.login_test = (f"{offered} AUTHENTICATE {mechanism} before TLS was answered with a '+' continuation "
                          f"after {waited:.1f} s: the credentials would follow in the clear. The exchange was "
                          "cancelled ('*') before anything was sent, so the server counts no failed login.")
        cancel_and_leave(conn, f"{tags.next()} LOGOUT")
        return True
    while not reply.startswith(tag + " "):
        reply = conn.read_line()
    res.failed_logins += 1
    if logindisabled:
        res.cleartext_login_before_tls = False
        res.login_test = f"LOGINDISABLED is advertised and AUTHENTICATE {mechanism} before TLS was refused: {reply}"
    return False

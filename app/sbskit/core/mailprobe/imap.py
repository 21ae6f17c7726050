"""IMAP (143 with STARTTLS, 993 implicit TLS): capabilities, LOGINDISABLED, a made-up LOGIN."""

from __future__ import annotations

import re

from sbskit.core.mailprobe import ntlm
from sbskit.core.mailprobe.common import DUMMY_PASSWORD, made_up_user, mentions_refusal, ntlm_record, summarise, upgrade
from sbskit.core.mailprobe.model import ServiceResult
from sbskit.core.mailprobe.netio import MAX_LINES, Conn, ProbeError

_CAPS_IN_BRACKETS = re.compile(r"\[CAPABILITY ([^\]]*)\]", re.IGNORECASE)


class _Tags:
    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return f"s{self.n}"


def _command(conn: Conn, tags: _Tags, text: str, log_as: str | None = None) -> tuple[str, list[str]]:
    """Send a tagged command; return (tagged reply line, untagged lines)."""
    tag = tags.next()
    conn.send_line(f"{tag} {text}", log_as=f"{tag} {log_as}" if log_as else None)
    untagged = []
    for _ in range(MAX_LINES):
        line = conn.read_line()
        if line.startswith(tag + " "):
            return line[len(tag) + 1 :], untagged
        untagged.append(line)
    raise ProbeError("too-long", f"no end to the answer to {text.split()[0]}")


def _capabilities(conn: Conn, tags: _Tags, greeting: str) -> list[str]:
    found = _CAPS_IN_BRACKETS.search(greeting)
    if found:
        return found.group(1).split()
    status, untagged = _command(conn, tags, "CAPABILITY")
    caps: list[str] = []
    for line in untagged:
        if line.upper().startswith("* CAPABILITY "):
            caps.extend(line.split()[2:])
    return caps


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _login_test(conn: Conn, tags: _Tags, res: ServiceResult, upper: list[str]) -> None:
    if "LOGINDISABLED" in upper:
        res.cleartext_login_before_tls = False
        res.login_test = "LOGINDISABLED is advertised before TLS: LOGIN is refused until STARTTLS"
        return
    user = made_up_user()
    status, _ = _command(conn, tags, f"LOGIN {_quote(user)} {_quote(DUMMY_PASSWORD)}",
                         log_as=f"LOGIN {user} <dummy password>")
    verb = status.split(" ", 1)[0].upper()
    if verb == "OK":
        res.cleartext_login_before_tls = True
        res.login_test = f"the made-up user {user} was let in with a dummy password (!): {status}"
        return
    refused = verb == "BAD" or mentions_refusal(status) or "PRIVACYREQUIRED" in status.upper()
    res.cleartext_login_before_tls = not refused
    res.login_test = (
        f"LOGIN refused before TLS: {status}" if refused
        else f"LOGIN accepted for checking before TLS (made-up user {user} rejected only as wrong): {status}"
    )


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
        conn.send_line("*")
    for _ in range(MAX_LINES):
        if conn.read_line().startswith(tag + " "):
            return


def probe(conn: Conn, res: ServiceResult, host: str, implicit: bool) -> None:
    if implicit:
        upgrade(conn, res, host)
    greeting = conn.read_line()
    if greeting.upper().startswith("* BYE"):
        raise ProbeError("rejected", f"the server refuses the session: {greeting[:200]}")
    if not (greeting.startswith("* OK") or greeting.startswith("* PREAUTH")):
        raise ProbeError("garbage", f"not an IMAP greeting: {greeting[:80]!r}")
    res.banner = _CAPS_IN_BRACKETS.sub("", greeting[4:]).strip()
    tags = _Tags()
    caps = _capabilities(conn, tags, greeting)
    res.capabilities = summarise(caps)
    upper = [c.upper() for c in caps]
    if "AUTH=NTLM" in upper:
        _ntlm(conn, tags, res)
    if implicit:
        res.cleartext_login_before_tls = False
    else:
        res.login_offered_before_tls = ([] if "LOGINDISABLED" in upper else ["LOGIN"]) + [
            c for c in upper if c in ("AUTH=PLAIN", "AUTH=LOGIN")]
        _login_test(conn, tags, res, upper)
        if res.cleartext_login_before_tls and res.login_test.startswith("the made-up"):
            return
        if "STARTTLS" in upper:
            res.tls = "starttls"
            status, _ = _command(conn, tags, "STARTTLS")
            if not status.upper().startswith("OK"):
                res.add("tls-failed", "medium", "STARTTLS is offered but refused", status)
                return
            upgrade(conn, res, host)
            status, untagged = _command(conn, tags, "CAPABILITY")
            after = []
            for line in untagged:
                if line.upper().startswith("* CAPABILITY "):
                    after.extend(line.split()[2:])
            res.capabilities_after_tls = summarise(after)
    try:
        _command(conn, tags, "LOGOUT")
    except ProbeError:
        pass

"""The safe open-relay test: MAIL FROM / RCPT TO variants, RSET between, never DATA.

A server that answers 250 to RCPT TO for a foreign address *may* relay; only DATA
would prove it, and DATA is exactly what we never send, so nothing can be delivered.
The variants follow the address tricks nmap's smtp-open-relay script tries (null
sender, the server's own domain, %-hack, quoted local parts, [IP] literals, source
routes, bang paths). From inside the LAN a 250 can be legitimate (trusted network).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext, null_context
from sbskit.core.mailprobe import smtp
from sbskit.core.mailprobe.netio import Conn, ProbeError
from sbskit.core.mailprobe.probe import check_port, normalise_host

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
    stage: str = "rcpt"  # which command produced reply_code: mail / rcpt / none

    def to_dict(self) -> dict[str, Any]:
        return {"variant": self.variant, "mail_from": self.mail_from, "rcpt_to": self.rcpt_to,
                "reply_code": self.reply_code, "reply": self.reply, "relayed": self.relayed, "stage": self.stage}


@dataclass
class RelayReport:
    host: str
    port: int
    banner: str = ""
    open_relay: bool | None = None
    attempts: list[Attempt] = field(default_factory=list)
    error: str | None = None
    detail: str = ""
    transcript: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "banner": self.banner, "open_relay": self.open_relay,
                "attempts": [a.to_dict() for a in self.attempts], "error": self.error, "detail": self.detail,
                "note": NOTE, "data_sent": False}


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


def run_relay_test(host: str, port: int = 25, mail_from: str = DEFAULT_FROM, rcpt_to: str = DEFAULT_TO,
                   timeout: float = 8.0, ctx: JobContext | None = None) -> RelayReport:
    """Try every variant on one connection (RSET between); stream each :class:`Attempt`."""
    ctx = ctx or null_context()
    host = normalise_host(host)
    port = check_port(port, "the SMTP port")
    if port == 0:
        raise UserInputError("the SMTP port must be a port number from 1 to 65535")
    mail_from = _check_address(mail_from, "--mail-from")
    rcpt_to = _check_address(rcpt_to, "--rcpt-to")
    report = RelayReport(host, port)
    # tarpits (Exchange waits 5 s after each rejection) make a slow but honest server: allow for it
    deadline = time.monotonic() + 30.0 + 18 * 1.5 * timeout
    try:
        conn = Conn(host, port, timeout, deadline, ctx.is_cancelled)
    except ProbeError as exc:
        report.error, report.detail = exc.kind, exc.detail
        return report
    try:
        code, lines = smtp.read_reply(conn)
        report.banner = " ".join(lines)[:300]
        if code != 220:
            report.error, report.detail = "rejected", f"the server greets with {code}: {report.banner}"
            return report
        code, _caps = smtp.ehlo(conn)
        if code != 250:
            report.error, report.detail = "refused", f"EHLO and HELO were refused ({code})"
            return report
        tries = variants(mail_from, rcpt_to, smtp.banner_name(report.banner), conn.peer_ip or host)
        for index, (name, sender, recipient) in enumerate(tries):
            ctx.check()
            attempt = Attempt(name, sender, recipient)
            code, lines = smtp.command(conn, f"MAIL FROM:<{sender}>")
            if code != 250:
                attempt.stage, attempt.reply_code, attempt.reply = "mail", code, " ".join(lines)[:200]
            else:
                code, lines = smtp.command(conn, f"RCPT TO:<{recipient}>")
                attempt.reply_code, attempt.reply = code, " ".join(lines)[:200]
                attempt.relayed = code in (250, 251)
            report.attempts.append(attempt)
            ctx.result(attempt)
            ctx.progress(index + 1, len(tries), f"{name}: {attempt.reply_code}")
            if code == 421:
                report.error, report.detail = "closed", "the server ended the session (421)"
                break
            smtp.command(conn, "RSET")
        try:
            smtp.command(conn, "QUIT")
        except ProbeError:
            pass
    except ProbeError as exc:
        report.error, report.detail = exc.kind, exc.detail
    finally:
        report.transcript = conn.transcript[:400]
        conn.close()
    if any(a.relayed for a in report.attempts):
        report.open_relay = True
    elif report.error is None and report.attempts and all(
        a.reply_code is not None and a.reply_code >= 500 for a in report.attempts
    ):
        report.open_relay = False
    elif report.error is None and report.attempts and not any(
        a.reply_code is not None and 400 <= a.reply_code < 500 for a in report.attempts
    ):
        report.open_relay = False
    return report

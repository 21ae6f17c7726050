"""Pieces every protocol dialogue shares: TLS upgrade, the made-up login, wording.

The cleartext-login test never uses a real account: the user name is random and the
password a fixed dummy. What matters is *how* the server refuses it: a plain
"authentication failed" means it evaluated a password sent in the clear; a refusal that
mentions TLS/encryption/plaintext means it will not take passwords before TLS.
"""

from __future__ import annotations

import ipaddress
import secrets
from typing import Any

from sbskit.core.mailprobe import tlsinfo
from sbskit.core.mailprobe.model import ServiceResult
from sbskit.core.mailprobe.netio import Conn

DUMMY_PASSWORD = "sbskit-dummy-not-a-password"
CLIENT_NAME = "sbskit-probe.invalid"  # EHLO name: .invalid can never be a real host

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
    "not available",
    "unknown command",
    "unrecognized",
    "command not implemented",
)


def made_up_user() -> str:
    """A user name that cannot exist on any server."""
    return f"sbskit-probe-{secrets.token_hex(4)}"


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
    """TLS on ``conn`` (accept any certificate), then record session and certificate facts."""
    conn.start_tls(tlsinfo.probe_context(), sni_name(host))
    tls = conn.tls_socket
    if tls is None:
        return
    res.tls_session = tlsinfo.session_facts(tls)
    der = tls.getpeercert(binary_form=True) or b""
    res.certificate = tlsinfo.describe_certificate(der, host) if der else None
    if res.certificate is not None:
        chain = tlsinfo.peer_chain(tls)
        res.certificate["chain"] = chain
        res.certificate["chain_length"] = len(chain) or None


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

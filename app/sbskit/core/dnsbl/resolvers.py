"""Which DNS server answers the sweep: the system's, one the admin names, or Spamhaus DQS.

The resolver matters more than anything else for blocklists: public resolvers are
refused (or silently lied to) by several operators, so the admin must be able to point
the check at the server's own resolver, a local BIND, or use a Spamhaus DQS key.
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys

from sbskit.core.errors import UserInputError

_DQS_KEY = re.compile(r"^[A-Za-z0-9]{8,63}$")


def parse_resolver(text: str) -> tuple[str, int]:
    """``IP``, ``IP:PORT``, ``[IPv6]``, ``[IPv6]:PORT`` or a bare IPv6 -> (host, port)."""
    spec = text.strip()
    port = 53
    host = spec
    if spec.startswith("["):
        if "]" not in spec:
            raise UserInputError(f"resolver {text!r}: missing ']' after the IPv6 address")
        host, rest = spec[1:].split("]", 1)
        if rest:
            if not rest.startswith(":"):
                raise UserInputError(f"resolver {text!r}: expected [IPv6]:PORT")
            port = _port(rest[1:], text)
    elif spec.count(":") == 1:
        host, port_text = spec.split(":", 1)
        port = _port(port_text, text)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise UserInputError(f"resolver {text!r} is not an IP address (give it as IP or IP:PORT, IPv6 as [::1]:5353)") from None
    return str(ip), port


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise UserInputError(f"resolver {whole!r}: the port must be a number from 1 to 65535")
    return int(text)


def format_resolver(host: str, port: int) -> str:
    if ":" in host:
        return f"[{host}]:{port}" if port != 53 else host
    return f"{host}:{port}" if port != 53 else host


def system_resolvers(resolv_conf: str = "/etc/resolv.conf") -> list[tuple[str, int]]:
    """The resolvers this computer uses (resolv.conf; the registry on Windows)."""
    found: list[str] = []
    if sys.platform != "win32" and os.path.exists(resolv_conf):
        try:
            with open(resolv_conf, encoding="utf-8", errors="replace") as handle:
                for line in handle.read(65536).splitlines():
                    parts = line.split()
                    if len(parts) >= 2 and parts[0] == "nameserver":
                        found.append(parts[1].split("%", 1)[0])
        except OSError:
            pass
    else:
        try:
            import dns.resolver  # only on Windows: reads the registry

            found = [str(s) for s in dns.resolver.Resolver().nameservers]
        except Exception:  # noqa: BLE001 - any failure means "no system resolver found"
            found = []
    servers = []
    for host in found:
        try:
            servers.append((str(ipaddress.ip_address(host)), 53))
        except ValueError:
            continue
    if not servers:
        raise UserInputError("no DNS resolver is configured on this computer; name one with --resolver IP[:PORT]")
    return servers[:3]


def check_dqs_key(key: str) -> str:
    key = key.strip()
    if not _DQS_KEY.match(key):
        raise UserInputError("the Spamhaus DQS key must be 8-63 letters and digits (as shown in the Spamhaus portal)")
    return key

"""Reading DNS answers for the sweep: address codes, TXT reasons, the resolver a list saw.

Also the RFC 5782 section 5 test points used for lists the catalogue does not know.
"""

from __future__ import annotations

import re

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.targets import query_label
from sbskit.core.dnsbl.transport import Answer

_IP_IN_TEXT = r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])|([0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7})"


RFC_TEST_POINTS = {"ipv4": ("127.0.0.2", "127.0.0.1"), "ipv6": ("::ffff:7f00:2", "::ffff:7f00:1"),
                   "domain": ("test", "invalid")}


def probe_label(point: str) -> str:
    if ":" in point:
        return query_label(point, "ipv6")
    if point.replace(".", "").isdigit():
        return query_label(point, "ipv4")
    return point.lower()


def a_records(answer: Answer | None) -> list[str]:
    if answer is None or answer.msg is None or answer.msg.rcode != wire.NOERROR:
        return []
    return answer.msg.values(wire.A)


def txt_records(answer: Answer | None) -> list[str]:
    if answer is None or answer.msg is None or answer.msg.rcode != wire.NOERROR:
        return []
    return [t[:500] for t in answer.msg.values(wire.TXT)[:5]]


def resolver_in_txt(texts: list[str]) -> str | None:
    """The address an operator says it saw (Spamhaus: '.../returnc/pub/172.70.1.2/')."""
    import ipaddress

    for text in texts:
        for match in re.finditer(_IP_IN_TEXT, text):
            candidate = match.group(1) or match.group(2)
            try:
                ip = ipaddress.ip_address(candidate)
            except ValueError:
                continue
            if ip.version == 4 and str(ip).startswith("127."):
                continue
            return str(ip)
    return None

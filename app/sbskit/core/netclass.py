"""Which kind of IP address this is: public, or one of the ranges that never send mail on the Internet.

One table for the whole kit, so the blocklist lookup, the triage's evidence readers, its live
checks and the mail DNS checks agree on what "not a public address" means (they used to keep
three tables that disagreed on 0.0.0.0/8, 240.0.0.0/4, the benchmarking range and the IETF
ranges Python's ``is_global`` knows). Each class carries the reason in words the admin sees
("a private (RFC 1918) address, used only inside networks").

The documentation ranges (RFC 5737, RFC 3849) are their own class: no blocklist lists them,
so the blocklist lookup refuses them, but examples, tests and anonymised logs use them for
public addresses, so :func:`counts_as_public` treats them as public.
"""

from __future__ import annotations

import ipaddress

PUBLIC = "public"
PRIVATE = "private"  # RFC 1918, IPv6 unique local
CGNAT = "cgnat"  # RFC 6598 shared address space
LOOPBACK = "loopback"
LINK_LOCAL = "link-local"
DOCUMENTATION = "documentation"
MULTICAST = "multicast"
UNSPECIFIED = "unspecified"
RESERVED = "reserved"  # "this network", benchmarking, future use, IETF assignments ...

LAN = frozenset({PRIVATE, CGNAT, LINK_LOCAL})  # addresses of hosts inside a site's own network

# (network, class, reason), most specific first; checked before Python's generic is_global
_TABLE = [
    ("0.0.0.0/32", UNSPECIFIED, "the unspecified address 0.0.0.0"),
    ("0.0.0.0/8", RESERVED, "a 'this network' address"),
    ("127.0.0.0/8", LOOPBACK, "a loopback address (this computer)"),
    ("10.0.0.0/8", PRIVATE, "a private (RFC 1918) address, used only inside networks"),
    ("172.16.0.0/12", PRIVATE, "a private (RFC 1918) address, used only inside networks"),
    ("192.168.0.0/16", PRIVATE, "a private (RFC 1918) address, used only inside networks"),
    ("100.64.0.0/10", CGNAT, "a carrier-grade NAT (shared) address, not reachable from the internet"),
    ("169.254.0.0/16", LINK_LOCAL, "a link-local address"),
    ("192.0.2.0/24", DOCUMENTATION, "a documentation address (TEST-NET-1)"),
    ("198.51.100.0/24", DOCUMENTATION, "a documentation address (TEST-NET-2)"),
    ("203.0.113.0/24", DOCUMENTATION, "a documentation address (TEST-NET-3)"),
    ("198.18.0.0/15", RESERVED, "a benchmarking address"),
    ("224.0.0.0/4", MULTICAST, "a multicast address"),
    ("240.0.0.0/4", RESERVED, "a reserved address"),
    ("::/128", UNSPECIFIED, "the unspecified IPv6 address"),
    ("::1/128", LOOPBACK, "the IPv6 loopback address"),
    ("fc00::/7", PRIVATE, "a private (unique local) IPv6 address"),
    ("fe80::/10", LINK_LOCAL, "a link-local IPv6 address"),
    ("2001:db8::/32", DOCUMENTATION, "a documentation IPv6 address"),
    ("ff00::/8", MULTICAST, "a multicast IPv6 address"),
]
_OTHER_REASON = "a special-purpose address that is not used on the internet"
_NETS: list = []


class AddressClass:
    """``category`` (one of the constants above) and ``reason`` (words for the admin; '' when public)."""

    __slots__ = ("address", "category", "reason")

    def __init__(self, address, category: str, reason: str) -> None:
        self.address = address
        self.category = category
        self.reason = reason

    @property
    def is_public(self) -> bool:
        return self.category == PUBLIC

    def __repr__(self) -> str:
        return f"AddressClass({str(self.address)!r}, {self.category!r})"


def parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """``203.0.113.5``, ``[2001:db8::1]`` or ``fe80::1%eth0`` -> the address; ValueError if it is none."""
    return ipaddress.ip_address(str(text).strip().strip("[]").split("%")[0])


def classify(address) -> AddressClass:
    """The class of an address (text or ipaddress object); IPv4-mapped IPv6 is judged as its IPv4."""
    ip = address if isinstance(address, (ipaddress.IPv4Address, ipaddress.IPv6Address)) else parse(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not _NETS:
        _NETS.extend((ipaddress.ip_network(net), category, why) for net, category, why in _TABLE)
    for net, category, why in _NETS:
        if ip.version == net.version and ip in net:
            return AddressClass(ip, category, why)
    if not ip.is_global:
        return AddressClass(ip, RESERVED, _OTHER_REASON)
    return AddressClass(ip, PUBLIC, "")


def is_public(address) -> bool:
    """Strictly public: a blocklist could list it."""
    return classify(address).is_public


def counts_as_public(address) -> bool:
    """Public, or a documentation address standing for one (examples, tests, anonymised logs)."""
    return classify(address).category in (PUBLIC, DOCUMENTATION)

"""What the admin typed or pasted, turned into lookup targets (or one clear complaint).

Accepts IPv4, IPv6 (brackets allowed), domain names (also out of an e-mail address or
URL), and CIDR blocks up to 256 addresses. Builds the RFC 5782 query labels: reversed
octets for IPv4, 32 reversed nibbles for IPv6, the name itself for domains. Knows which
addresses no public list can ever list (private, loopback, documentation...: ``core/netclass.py``),
so the kit says so instead of sending pointless queries about them.
"""

from __future__ import annotations

import ipaddress
import re

from sbskit.core import netclass
from sbskit.core.errors import UserInputError

MAX_TARGETS = 4096
MAX_INPUT_CHARS = 1_000_000
MAX_CIDR_ADDRESSES = 256

_SPLIT = re.compile(r"[\s,;]+")
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_DOTTED_NUMBERS = re.compile(r"^[0-9.]+$")

class Target:
    """One thing to look up: ``kind`` is ipv4, ipv6 or domain; ``text`` the normal form."""

    __slots__ = ("text", "kind", "source", "label")

    def __init__(self, text: str, kind: str, source: dict | None = None) -> None:
        self.text = text
        self.kind = kind
        self.source = source  # for MX-derived addresses: {"domain": ..., "mx": ...}
        self.label = query_label(text, kind)

    def __repr__(self) -> str:
        return f"Target({self.text!r}, {self.kind!r})"


def query_label(text: str, kind: str) -> str:
    """The name to prepend to a zone (RFC 5782 section 2)."""
    if kind == "ipv4":
        a, b, c, d = text.split(".")
        return f"{d}.{c}.{b}.{a}"
    if kind == "ipv6":
        # the 32 nibbles from the bytes: Python 3.13 writes IPv4-mapped addresses as ::ffff:1.2.3.4
        return ".".join(reversed(ipaddress.IPv6Address(text).packed.hex()))
    return text


def special_reason(address: str) -> str | None:
    """Why no public blocklist can list ``address`` (or None for a global address)."""
    found = netclass.classify(address)
    return None if found.is_public else found.reason


def _ipv4_problem(text: str) -> str:
    parts = text.split(".")
    if len(parts) != 4:
        return f"{text!r} is not a valid IPv4 address: it has {len(parts)} parts, an IPv4 address has 4 (like 203.0.113.7)"
    for part in parts:
        if part == "":
            return f"{text!r} is not a valid IPv4 address: it has an empty part"
        if int(part) > 255:
            return f"{text!r} is not a valid IPv4 address: {part} is larger than 255"
        if len(part) > 1 and part.startswith("0"):
            return f"{text!r} is not a valid IPv4 address: leading zeros ({part}) are ambiguous"
    return f"{text!r} is not a valid IPv4 address"


def _strip_decoration(token: str) -> str:
    """Take the host out of an e-mail address, URL or bracketed IPv6 address."""
    if "://" in token:
        token = token.split("://", 1)[1].split("/", 1)[0]
        if "@" in token:
            token = token.rsplit("@", 1)[1]
        if token.startswith("[") and "]" in token:
            return token[1 : token.index("]")]
        if token.count(":") == 1:
            token = token.split(":", 1)[0]
        return token
    if "@" in token and ":" not in token:
        token = token.rsplit("@", 1)[1]
    if token.startswith("[") and token.endswith("]"):
        token = token[1:-1]
    return token


def parse_target(token: str) -> Target:
    """One token -> a Target, or :class:`UserInputError` saying what is wrong with it."""
    raw = token
    token = _strip_decoration(token.strip())
    if not token:
        raise UserInputError("an empty target was given")
    if ":" in token:
        try:
            ip6 = ipaddress.IPv6Address(token.split("%", 1)[0])
        except ValueError:
            raise UserInputError(f"{raw[:80]!r} is not a valid IPv6 address") from None
        if ip6.ipv4_mapped is not None:
            return Target(str(ip6.ipv4_mapped), "ipv4")
        return Target(str(ip6), "ipv6")
    if _DOTTED_NUMBERS.match(token):
        try:
            return Target(str(ipaddress.IPv4Address(token)), "ipv4")
        except ValueError:
            raise UserInputError(_ipv4_problem(token)) from None
    name = token.rstrip(".").lower()
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise UserInputError(f"{raw[:80]!r} is not a valid domain name") from None
    labels = name.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or len(name) > 253:
        shown = raw if len(raw) <= 80 else raw[:77] + "..."
        if len(labels) < 2 and all(_LABEL.match(label) for label in labels):
            raise UserInputError(f"{shown!r} is not an IP address or a domain name (a domain needs a dot, like example.com)")
        raise UserInputError(f"{shown!r} is not an IP address or a domain name")
    if labels[-1].isdigit():
        raise UserInputError(_ipv4_problem(token))
    return Target(name, "domain")


def _expand_cidr(token: str) -> list[Target]:
    try:
        net = ipaddress.ip_network(token, strict=False)
    except ValueError:
        raise UserInputError(f"{token[:80]!r} is not a valid address block (like 203.0.113.0/24)") from None
    if net.num_addresses > MAX_CIDR_ADDRESSES:
        largest = "/24" if net.version == 4 else "/120"
        raise UserInputError(f"the block {token} has {net.num_addresses} addresses; check at most {largest} ({MAX_CIDR_ADDRESSES} addresses) at a time")
    hosts = list(net.hosts()) if net.version == 4 and net.prefixlen < 31 else list(net)
    kind = "ipv4" if net.version == 4 else "ipv6"
    return [Target(str(ip), kind) for ip in hosts]


def parse_targets(texts: list[str] | str) -> list[Target]:
    """Split pasted text (spaces, commas, new lines) into unique targets, in order."""
    if isinstance(texts, str):
        texts = [texts]
    total = sum(len(t) for t in texts)
    if total > MAX_INPUT_CHARS:
        raise UserInputError(f"too much text ({total:,} characters); paste at most {MAX_TARGETS} targets at a time")
    if any("\x00" in t for t in texts):
        raise UserInputError("the targets contain binary data (NUL characters); give addresses or domain names as text")
    found: list[Target] = []
    seen: set[str] = set()
    for text in texts:
        for token in _SPLIT.split(text):
            if not token:
                continue
            items = _expand_cidr(token) if "/" in token and "://" not in token else [parse_target(token)]
            for item in items:
                if item.text not in seen:
                    seen.add(item.text)
                    found.append(item)
            if len(found) > MAX_TARGETS:
                raise UserInputError(f"more than {MAX_TARGETS} targets; check at most {MAX_TARGETS} at a time")
    if not found:
        raise UserInputError("no target given: type an IP address or a domain name")
    return found

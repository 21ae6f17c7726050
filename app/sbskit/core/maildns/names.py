"""Domain and address input: one clear sentence for anything unusable, and the organizational domain."""

from __future__ import annotations

import ipaddress
import re

from sbskit.core import netclass
from sbskit.core.errors import UserInputError

_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_\-]{0,61}[a-z0-9_])?")


def parse_domain(text: str) -> str:
    """A mail domain as typed (IDN allowed) -> its ASCII form; UserInputError says what is wrong."""
    raw = (text or "").strip()
    if not raw:
        raise UserInputError("give a domain name (like example.com)")
    if "@" in raw:
        raise UserInputError(f"'{raw[:80]}' is an email address: give its domain ({raw.rsplit('@', 1)[1][:80]})")
    if "://" in raw or "/" in raw:
        raise UserInputError(f"'{raw[:80]}' is a web address: give only the domain name (like example.com)")
    try:
        ipaddress.ip_address(raw.strip("[]"))
        is_address = True
    except ValueError:
        is_address = False
    if is_address:
        raise UserInputError(f"'{raw}' is an IP address: give the mail domain, and the address with --ip")
    name = raw.rstrip(".").lower()
    if any(ord(c) > 127 for c in name):
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise UserInputError(f"'{raw[:80]}' is not a valid international domain name") from None
    if " " in name:
        raise UserInputError(f"'{raw[:80]}' contains a space; a domain name has none")
    if len(name) > 253:
        raise UserInputError(f"the domain name is {len(name)} characters long; DNS allows at most 253")
    labels = name.split(".")
    if len(labels) < 2:
        raise UserInputError(f"'{raw[:80]}' has no dot: give the full domain (like example.com), not a single name")
    for label in labels:
        if not label:
            raise UserInputError(f"'{raw[:80]}' has an empty label (two dots in a row, or a leading dot)")
        if len(label) > 63:
            raise UserInputError(f"the label '{label[:20]}...' is {len(label)} characters long; DNS allows at most 63")
        if not _LABEL.fullmatch(label):
            bad = next((c for c in label if not (c.isalnum() or c in "-_")), None)
            why = f"the character {bad!r}" if bad else "a hyphen at the start or end of a label"
            raise UserInputError(f"'{raw[:80]}' is not a valid domain name: {why}")
    if labels[-1].isdigit():
        raise UserInputError(f"'{raw[:80]}' ends in a number; a domain ends in a name like .com")
    return name


def parse_ip(text: str) -> str:
    raw = (text or "").strip()
    try:
        address = ipaddress.ip_address(raw.strip("[]"))
    except ValueError:
        if raw.count(".") == 3 or ":" in raw:
            raise UserInputError(f"'{raw[:60]}' is not a valid IP address") from None
        raise UserInputError(f"'{raw[:60]}' is not an IP address (give the server's sending address, like 203.0.113.25)") from None
    return str(address)


def parse_selector(text: str) -> str:
    raw = (text or "").strip().rstrip(".").lower()
    if raw.endswith("._domainkey") or "._domainkey." in raw:
        raw = raw.split("._domainkey", 1)[0]
    if not raw or len(raw) > 63 * 3 or not all(_LABEL.fullmatch(l) for l in raw.split(".")):
        raise UserInputError(f"DKIM selector '{text[:60]}' is not valid (the s= value of a DKIM-Signature, like selector1)")
    return raw


def org_domain(domain: str) -> str:
    """The organizational domain (RFC 7489 3.2): the last two labels, or three under the two-level
    public suffixes listed in resources/maildns.json (a small subset of the Public Suffix List)."""
    from sbskit.core.resources import load_json

    labels = domain.rstrip(".").lower().split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in load_json("maildns.json")["two_level_suffixes"]:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def is_public(address) -> bool:
    """Whether receivers on the Internet could see mail coming from this address (``core/netclass.py``).

    Private, shared (CGNAT), loopback, link-local, multicast and reserved ranges are not; the
    documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32)
    stand for public addresses in examples and tests, so they count as public here.
    """
    return netclass.counts_as_public(address)

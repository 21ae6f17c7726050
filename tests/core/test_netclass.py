"""One classification of addresses for the whole kit, and every former table now answers from it."""

from __future__ import annotations

import ipaddress

import pytest

from sbskit.core import netclass
from sbskit.core.dnsbl.targets import special_reason
from sbskit.core.maildns.names import is_public as maildns_is_public
from sbskit.core.triage.evidence import ip_kind
from sbskit.core.triage.live import is_public as triage_live_is_public

CASES = [
    ("8.8.8.8", netclass.PUBLIC, ""),
    ("2a00:1450:4001::1", netclass.PUBLIC, ""),
    ("10.1.2.3", netclass.PRIVATE, "RFC 1918"),
    ("172.31.255.255", netclass.PRIVATE, "RFC 1918"),
    ("172.32.0.1", netclass.PUBLIC, ""),
    ("192.168.1.10", netclass.PRIVATE, "RFC 1918"),
    ("fd12:3456::1", netclass.PRIVATE, "unique local"),
    ("100.64.0.1", netclass.CGNAT, "carrier-grade NAT"),
    ("100.128.0.1", netclass.PUBLIC, ""),
    ("127.0.0.53", netclass.LOOPBACK, "loopback"),
    ("::1", netclass.LOOPBACK, "loopback"),
    ("169.254.10.1", netclass.LINK_LOCAL, "link-local"),
    ("fe80::1%eth0", netclass.LINK_LOCAL, "link-local"),
    ("192.0.2.7", netclass.DOCUMENTATION, "TEST-NET-1"),
    ("198.51.100.1", netclass.DOCUMENTATION, "TEST-NET-2"),
    ("203.0.113.25", netclass.DOCUMENTATION, "TEST-NET-3"),
    ("2001:db8::25", netclass.DOCUMENTATION, "documentation"),
    ("[2001:db8::25]", netclass.DOCUMENTATION, "documentation"),
    ("224.0.0.251", netclass.MULTICAST, "multicast"),
    ("ff02::1", netclass.MULTICAST, "multicast"),
    ("0.0.0.0", netclass.UNSPECIFIED, "unspecified"),
    ("::", netclass.UNSPECIFIED, "unspecified"),
    ("0.1.2.3", netclass.RESERVED, "this network"),
    ("198.18.0.1", netclass.RESERVED, "benchmarking"),
    ("240.0.0.1", netclass.RESERVED, "reserved"),
    ("255.255.255.255", netclass.RESERVED, "reserved"),
    ("192.0.0.1", netclass.RESERVED, "special-purpose"),  # IETF protocol assignments: Python's is_global knows it
    ("::ffff:192.168.1.10", netclass.PRIVATE, "RFC 1918"),  # IPv4-mapped: judged as the IPv4 address
    ("::ffff:8.8.4.4", netclass.PUBLIC, ""),
]


@pytest.mark.parametrize("text, category, reason", CASES)
def test_classify(text, category, reason):
    found = netclass.classify(text)
    assert found.category == category
    assert (reason in found.reason) if reason else found.reason == ""
    assert found.is_public == (category == netclass.PUBLIC)


def test_public_is_always_global_and_every_class_has_a_reason():
    for text, _category, _ in CASES:
        found = netclass.classify(text)
        if found.is_public:
            assert found.address.is_global, text
        else:
            assert found.reason, text


def test_not_an_address_is_a_value_error():
    for bad in ("", "1.2.3", "mail.example.com", "256.1.1.1", "2001:db8::g"):
        with pytest.raises(ValueError):
            netclass.classify(bad)


@pytest.mark.parametrize("text, category, _", CASES)
def test_every_caller_agrees_with_the_one_table(text, category, _):
    """The blocklist lookup, the triage's evidence and live checks and mail DNS used to keep three
    tables that disagreed (0.0.0.0/8, 240.0.0.0/4, 198.18.0.0/15, 192.0.0.0/24 ...)."""
    strictly_public = category == netclass.PUBLIC
    stands_for_public = category in (netclass.PUBLIC, netclass.DOCUMENTATION)
    assert (special_reason(text.strip("[]").split("%")[0]) is None) == strictly_public
    assert triage_live_is_public(text.strip("[]").split("%")[0]) == stands_for_public
    assert maildns_is_public(text.strip("[]").split("%")[0]) == stands_for_public
    assert (ip_kind(text) == "public") == stands_for_public
    assert (ip_kind(text) == "lan") == (category in netclass.LAN)
    assert (ip_kind(text) == "loopback") == (category == netclass.LOOPBACK)


def test_ipaddress_objects_are_accepted():
    assert netclass.classify(ipaddress.ip_address("10.0.0.1")).category == netclass.PRIVATE
    assert netclass.counts_as_public(ipaddress.ip_address("203.0.113.1"))
    assert not netclass.is_public(ipaddress.ip_address("203.0.113.1"))

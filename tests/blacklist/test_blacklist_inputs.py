"""Target parsing, resolver parsing and the DNS wire format: bad input gets one clear sentence."""

from __future__ import annotations

import struct

import pytest

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.resolvers import format_resolver, parse_resolver
from sbskit.core.dnsbl.targets import parse_targets, special_reason
from sbskit.core.errors import UserInputError


def test_kinds_labels_and_order():
    found = parse_targets("203.0.113.7, 2001:DB8::1\nExample.COM. 203.0.113.7")
    assert [(t.text, t.kind) for t in found] == [("203.0.113.7", "ipv4"), ("2001:db8::1", "ipv6"), ("example.com", "domain")]
    assert found[0].label == "7.113.0.203"
    assert found[1].label == "1." + "0." * 23 + "8.b.d.0.1.0.0.2"
    assert len(found[1].label.split(".")) == 32


def test_decorations_are_removed():
    found = parse_targets(["postmaster@Mail.Example.org", "https://www.example.net/path", "[2001:db8::5]", "::ffff:192.0.2.9"])
    assert [t.text for t in found] == ["mail.example.org", "www.example.net", "2001:db8::5", "192.0.2.9"]


def test_idna_domain():
    assert parse_targets("bücher.example")[0].text == "xn--bcher-kva.example"


def test_cidr_up_to_24():
    assert len(parse_targets("192.0.2.0/24")) == 254
    assert len(parse_targets("2001:db8::/120")) == 256
    with pytest.raises(UserInputError, match="at most /24"):
        parse_targets("192.0.2.0/23")


@pytest.mark.parametrize("text,needle", [
    ("999.1.1.1", "larger than 255"),
    ("1.2.3", "has 3 parts"),
    ("01.2.3.4", "leading zeros"),
    ("junk", "not an IP address or a domain name"),
    ("exa mple!.com", "not an IP address or a domain name"),
    ("2001:db8::zz", "not a valid IPv6"),
    ("-bad-.example", "not an IP address"),
    ("", "no target"),
    ("a" * 300 + ".com", "not an IP address"),
    ("192.0.2.0/33", "not a valid address block"),
])
def test_bad_targets(text, needle):
    with pytest.raises(UserInputError, match=needle):
        parse_targets(text)


def test_huge_paste_and_binary():
    with pytest.raises(UserInputError, match="too much text"):
        parse_targets("192.0.2.1 " * 200_000)
    with pytest.raises(UserInputError, match="binary"):
        parse_targets("192.0.2.1\x00\x01")
    with pytest.raises(UserInputError, match="at most"):
        parse_targets(" ".join(f"10.{i // 256}.{i % 256}.1" for i in range(5000)))


@pytest.mark.parametrize("ip,needle", [
    ("127.0.0.5", "loopback"), ("10.0.0.1", "private"), ("172.20.1.1", "private"), ("192.168.1.1", "private"),
    ("100.64.1.1", "carrier-grade"), ("192.0.2.1", "documentation"), ("198.51.100.1", "documentation"),
    ("203.0.113.1", "documentation"), ("fd00::1", "unique local"), ("fe80::1", "link-local"),
    ("2001:db8::1", "documentation"), ("::1", "loopback"), ("224.0.0.1", "multicast"),
])
def test_special_addresses(ip, needle):
    assert needle in special_reason(ip)


def test_global_addresses_are_fine():
    assert special_reason("8.8.8.8") is None
    assert special_reason("2a00:1450:4001::1") is None


@pytest.mark.parametrize("text,expected", [
    ("127.0.0.1", ("127.0.0.1", 53)), ("127.0.0.1:5353", ("127.0.0.1", 5353)), ("::1", ("::1", 53)),
    ("[::1]:5353", ("::1", 5353)), ("[::1]", ("::1", 53)),
])
def test_resolver_forms(text, expected):
    assert parse_resolver(text) == expected


@pytest.mark.parametrize("text", ["dns.google", "127.0.0.1:0", "127.0.0.1:99999", "[::1", "[::1]x", "1.2.3.4:port"])
def test_bad_resolvers(text):
    with pytest.raises(UserInputError):
        parse_resolver(text)


def test_format_resolver():
    assert format_resolver("::1", 5353) == "[::1]:5353"
    assert format_resolver("127.0.0.1", 53) == "127.0.0.1"


def _response(qid, qname, answers=b"", ancount=0, rcode=0, extra_header=b""):
    header = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, ancount, 0, 0)
    return header + wire.encode_name(qname) + struct.pack("!HH", wire.A, 1) + answers


def test_wire_round_trip_with_compression():
    query = wire.build_query(0x1234, "2.0.0.127.zen.spamhaus.org", wire.A)
    assert query[:2] == b"\x12\x34" and query[2:4] == b"\x01\x00"
    a = b"\xc0\x0c" + struct.pack("!HHIH", wire.A, 1, 60, 4) + bytes([127, 0, 0, 2])
    txt = b"\xc0\x0c" + struct.pack("!HHIH", wire.TXT, 1, 30, 6) + b"\x05hello"
    msg = wire.parse_response(_response(0x1234, "2.0.0.127.zen.spamhaus.org", a + txt, ancount=2))
    assert msg.id == 0x1234 and msg.rcode == wire.NOERROR and msg.qname == "2.0.0.127.zen.spamhaus.org"
    assert msg.values(wire.A) == ["127.0.0.2"] and msg.values(wire.TXT) == ["hello"]
    assert msg.min_ttl() == 30


@pytest.mark.parametrize("packet", [
    b"",
    b"\x00" * 11,
    struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x00\x00\x01\x00\x01",  # a query, not a response
    struct.pack("!HHHHHH", 1, 0x8180, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01",  # pointer loop
    struct.pack("!HHHHHH", 1, 0x8180, 1, 1, 0, 0) + b"\x00\x00\x01\x00\x01" + b"\x00\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x10\x7f",
    struct.pack("!HHHHHH", 1, 0x8180, 1, 0, 0, 0) + b"\x3fabc",  # label past the end
])
def test_wire_rejects_malformed_packets(packet):
    with pytest.raises(wire.WireError):
        wire.parse_response(packet)


def test_encode_name_limits():
    with pytest.raises(ValueError):
        wire.encode_name("a" * 64 + ".example")
    with pytest.raises(ValueError):
        wire.encode_name(".".join(["abcdefghij"] * 30))


def test_system_resolvers_from_resolv_conf(tmp_path):
    from sbskit.core.dnsbl.resolvers import system_resolvers

    conf = tmp_path / "resolv.conf"
    conf.write_text("# comment\nsearch example\nnameserver 127.0.0.53\nnameserver fe80::1%eth0\nnameserver junk\n"
                    "nameserver ::1\nnameserver 127.0.0.2\nnameserver 127.0.0.3\n")
    assert system_resolvers(str(conf)) == [("127.0.0.53", 53), ("fe80::1", 53), ("::1", 53)]
    conf.write_text("search example\n")
    with pytest.raises(UserInputError, match="--resolver"):
        system_resolvers(str(conf))

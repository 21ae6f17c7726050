"""The DNS wire parser on real BIND answers, on records that lie about their lengths, and under fuzzing.

A hostile or broken packet must raise :class:`WireError` (the parser's own error) and
nothing else, and must never make the parser loop. The fuzzing is a seeded random loop:
every run tests the same packets, so a failure can be replayed.
"""

from __future__ import annotations

import random
import socket
import struct

import pytest
from blacklist_world import LISTED_IP, MAIL_DOMAIN

from sbskit.core.dnsbl import wire

HEADER = struct.Struct("!HHHHHH")


def _rr(owner: bytes, rtype: int, rdata: bytes, ttl: int = 60) -> bytes:
    return owner + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def _response(qname: str, qtype: int, records: list[bytes], rcode: int = 0) -> bytes:
    return (HEADER.pack(0x1234, 0x8180 | rcode, 1, len(records), 0, 0) + wire.question(qname, qtype)
            + b"".join(records))


def test_txt_strings_are_joined():
    packet = _response("x.bl.test", wire.TXT, [_rr(b"\xc0\x0c", wire.TXT, b"\x05hello\x06 world")])
    assert wire.parse_response(packet).values(wire.TXT) == ["hello world"]


def test_txt_string_running_past_its_record_is_rejected():
    # the length byte says 40, the record holds 5: today's bytes of the next record must not become text
    bad = _rr(b"\xc0\x0c", wire.TXT, b"\x28abcd")
    following = _rr(b"\xc0\x0c", wire.A, bytes([127, 0, 0, 2]))
    packet = _response("x.bl.test", wire.TXT, [bad, following])
    with pytest.raises(wire.WireError, match="TXT string runs past its record"):
        wire.parse_response(packet)


@pytest.mark.parametrize("rtype,rdata", [
    (wire.PTR, b"\x04mail\x07example"),  # the name's end (and its root label) is in the next record
    (wire.MX, b"\x00\x0a\x04mail\x07example"),
])
def test_names_running_past_their_record_are_rejected(rtype, rdata):
    following = _rr(b"\xc0\x0c", wire.A, bytes([192, 0, 2, 1]))
    packet = _response("x.example", rtype, [_rr(b"\xc0\x0c", rtype, rdata), following])
    with pytest.raises(wire.WireError, match="runs past"):
        wire.parse_response(packet)


def _ask(bind, qname: str, qtype: int) -> bytes:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2)
        sock.sendto(wire.build_query(0x4242, qname, qtype), ("127.0.0.1", bind.port))
        data, _ = sock.recvfrom(4096)
    return data


@pytest.fixture(scope="module")
def real_answers(bind):
    """Raw answers of the test BIND: A with several codes, TXT, MX, PTR, AAAA, NXDOMAIN with SOA."""
    rev = ".".join(reversed(LISTED_IP.split(".")))
    questions = [(f"{rev}.zen.spamhaus.org", wire.A), (f"{rev}.good.bl.test", wire.TXT), (MAIL_DOMAIN, wire.MX),
                 (f"{rev.split('.')[0]}.2.0.192.in-addr.arpa", wire.PTR), (f"mx1.{MAIL_DOMAIN}", wire.AAAA),
                 ("nothing-here.good.bl.test", wire.A)]
    return [(q, t, _ask(bind, q, t)) for q, t in questions]


def test_real_answers_parse(real_answers):
    parsed = {t: wire.parse_response(data) for _q, t, data in real_answers[:-1]}
    assert sorted(parsed[wire.A].values(wire.A)) == ["127.0.0.11", "127.0.0.4"]
    assert "spam trap hits" in parsed[wire.TXT].values(wire.TXT)[0]
    assert sorted(parsed[wire.MX].values(wire.MX)) == [(10, f"mx1.{MAIL_DOMAIN}"), (20, f"mx2.{MAIL_DOMAIN}")]
    assert parsed[wire.PTR].values(wire.PTR) == [f"mx1.{MAIL_DOMAIN}"]
    assert parsed[wire.AAAA].values(wire.AAAA) == ["2001:db8::10"]
    nx = wire.parse_response(real_answers[-1][2])
    assert nx.rcode == wire.NXDOMAIN and nx.min_ttl() == 60  # the SOA's negative TTL


def _parse_or_wire_error(data: bytes, question: bytes | None = None, name: str = "", qtype: int = 0) -> None:
    """Parse; anything but a Message or WireError fails the test (with the packet to replay)."""
    try:
        msg = wire.parse_response(data, question, name, qtype)
    except wire.WireError:
        return
    except Exception as exc:  # noqa: BLE001 - the point of the test
        raise AssertionError(f"{type(exc).__name__}: {exc} for packet {data.hex()}") from exc
    for rtype in (wire.A, wire.AAAA, wire.TXT, wire.MX, wire.PTR):
        msg.values(rtype)
    msg.min_ttl()


@pytest.mark.timeout(120)
def test_fuzz_truncated_and_mutated_real_answers(real_answers):
    rng = random.Random(5782)
    for qname, qtype, data in real_answers:
        question = wire.question(qname, qtype)
        for cut in range(len(data) + 1):  # every truncation, both parsing paths
            _parse_or_wire_error(data[:cut])
            _parse_or_wire_error(data[:cut], question, qname, qtype)
        for _ in range(3000):  # random byte changes, insertions and deletions past the id
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 6)):
                where = rng.randrange(2, len(mutated))
                action = rng.random()
                if action < 0.6:
                    mutated[where] = rng.randrange(256)
                elif action < 0.8:
                    mutated.insert(where, rng.randrange(256))
                elif len(mutated) > 13:
                    del mutated[where]
            _parse_or_wire_error(bytes(mutated), question if rng.random() < 0.5 else None, qname, qtype)


@pytest.mark.timeout(120)
def test_fuzz_random_packets():
    rng = random.Random(1536)
    for _ in range(20000):
        size = rng.randrange(0, 300)
        body = bytes(rng.randrange(256) for _ in range(size))
        if size >= 12 and rng.random() < 0.8:  # mostly plausible headers, so the parser goes deep
            counts = (1, rng.randrange(0, 6), rng.randrange(0, 3), 0)
            body = HEADER.pack(rng.randrange(65536), 0x8180 | rng.randrange(6), *counts) + body[12:]
        _parse_or_wire_error(body)


def test_a_name_pointing_at_itself_ends_in_a_wire_error():
    head = HEADER.pack(1, 0x8180, 1, 1, 0, 0) + b"\x00" + struct.pack("!HH", wire.CNAME, 1)
    rdata_at = len(head) + 1 + 10  # owner (root), then type, class, TTL, length
    packet = head + _rr(b"\x00", wire.CNAME, bytes([0xC0 | rdata_at >> 8, rdata_at & 0xFF]))
    with pytest.raises(wire.WireError, match="compression loop"):
        wire.parse_response(packet)


def _nxdomain_with_soa(owner: bytes, ttl: int = 300, minimum: int = 60) -> bytes:
    soa = b"\x02ns\x04test\x00\x0ahostmaster\x04test\x00" + struct.pack("!IIIII", 1, 3600, 600, 86400, minimum)
    return (HEADER.pack(0x1234, 0x8183, 1, 0, 1, 0) + wire.question("1.0.0.127.bl.test", wire.A)
            + _rr(owner, wire.SOA, soa, ttl))


@pytest.mark.parametrize("owner", [b"\x02bl\x04test\x00", b"\xc0\x15", b"\x00"])
def test_the_authority_owner_is_stepped_over_however_it_is_written(owner):
    # BIND writes the SOA owner of an NXDOMAIN in full (not compressed): it is stepped over, not decoded
    question = wire.question("1.0.0.127.bl.test", wire.A)
    for expect in (None, question):
        msg = wire.parse_response(_nxdomain_with_soa(owner), expect, "1.0.0.127.bl.test", wire.A)
        assert msg.rcode == wire.NXDOMAIN and msg.answers == [] and msg.min_ttl() == 60


@pytest.mark.parametrize("owner,needle", [
    (b"\x02bl\x04te", "past the end"),  # the packet ends inside the owner's labels
    (b"\x02bl\x44test\x00", "label type"),  # a label length with the reserved bits set
])
def test_a_broken_authority_owner_is_a_wire_error(owner, needle):
    packet = HEADER.pack(0x1234, 0x8183, 1, 0, 1, 0) + wire.question("1.0.0.127.bl.test", wire.A) + owner
    with pytest.raises(wire.WireError, match=needle):
        wire.parse_response(packet)

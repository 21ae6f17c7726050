"""DNS wire format, just enough for blocklist lookups (RFC 1035, RFC 6891 EDNS0).

Hand-rolled instead of dnspython because ``sbskit-cli blacklist`` must start fast: this
module imports only ``struct`` and builds a query in microseconds. Parsing is strict
and bounded: a malformed or hostile packet raises :class:`WireError`, never loops.
"""

from __future__ import annotations

import struct

A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, OPT = 1, 2, 5, 6, 12, 15, 16, 28, 41
TYPE_NAMES = {A: "A", NS: "NS", CNAME: "CNAME", SOA: "SOA", PTR: "PTR", MX: "MX", TXT: "TXT", AAAA: "AAAA"}

NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED = 0, 1, 2, 3, 4, 5

_HEADER = struct.Struct("!HHHHHH")
_RR = struct.Struct("!HHIH")
_U32 = struct.Struct("!I")
# EDNS0 OPT record: root name, type OPT, UDP payload 1232, no extended flags, no options
_OPT_RR = b"\x00" + struct.pack("!HHIH", OPT, 1232, 0, 0)


class WireError(ValueError):
    """A packet that is not a well-formed DNS message."""


def encode_name(name: str) -> bytes:
    """``example.com`` -> length-prefixed labels; raises ValueError for unusable names.

    Sweeps ask for thousands of names that share their tails (``x.113.0.203.zone``), so
    encodings are cached by tail: most names cost one label's work.
    """
    name = name.rstrip(".")
    if not name:
        return b"\x00"
    hit = _ENCODED.get(name)
    if hit is not None:
        return hit
    head, dot, rest = name.partition(".")
    raw = head.encode("ascii")
    if not 0 < len(raw) < 64:
        raise ValueError(f"bad DNS label in {name!r}")
    out = _LEN[len(raw)] + raw + (encode_name(rest) if dot else b"\x00")
    if len(out) > 255:
        raise ValueError(f"DNS name too long: {name[:60]}...")
    if len(_ENCODED) > 50_000:
        _ENCODED.clear()
    _ENCODED[name] = out
    return out


_ENCODED: dict[str, bytes] = {}
_LEN = [bytes([n]) for n in range(64)]


def build_query(qid: int, qname: str, qtype: int) -> bytes:
    """A recursive query (RD set) with an EDNS0 OPT record so TXT answers fit in UDP."""
    return _HEADER.pack(qid, 0x0100, 1, 0, 0, 1) + question(qname, qtype) + _OPT_RR


def query_packet(qid: int, question_bytes: bytes) -> bytes:
    """A query from a question built earlier with :func:`question`."""
    return _HEADER.pack(qid, 0x0100, 1, 0, 0, 1) + question_bytes + _OPT_RR


def question(qname: str, qtype: int) -> bytes:
    """The question section (name, type, class IN) as it appears in the query and its answer."""
    return encode_name(qname) + _QTAIL[qtype]


class _QTail(dict):
    def __missing__(self, qtype: int) -> bytes:
        value = self[qtype] = struct.pack("!HH", qtype, 1)
        return value


_QTAIL = _QTail()


def _read_name(data: bytes, pos: int) -> tuple[str, int]:
    """Decode a possibly compressed name at ``pos``; returns (name, position after it)."""
    labels: list[str] = []
    end = -1
    jumps = 0
    size = len(data)
    while True:
        if pos >= size:
            raise WireError("name runs past the end of the packet")
        length = data[pos]
        if length == 0:
            pos += 1
            break
        if length & 0xC0 == 0xC0:
            if pos + 1 >= size:
                raise WireError("truncated compression pointer")
            if end < 0:
                end = pos + 2
            pos = ((length & 0x3F) << 8) | data[pos + 1]
            jumps += 1
            if jumps > 64:
                raise WireError("compression loop")
            continue
        if length & 0xC0:
            raise WireError("unsupported label type")
        pos += 1
        if pos + length > size:
            raise WireError("label runs past the end of the packet")
        labels.append(data[pos : pos + length].decode("ascii", "replace"))
        pos += length
    return ".".join(labels), (end if end >= 0 else pos)


def _skip_name(data: bytes, pos: int) -> int:
    """The position after the name at ``pos``, without decoding it; a name running past the packet or an
    unknown label type is a :class:`WireError` as in :func:`_read_name` (a pointer is not followed: the name ends there)."""
    size = len(data)
    while True:
        if pos >= size:
            raise WireError("name runs past the end of the packet")
        length = data[pos]
        if length == 0:
            return pos + 1
        if length & 0xC0 == 0xC0:
            if pos + 1 >= size:
                raise WireError("truncated compression pointer")
            return pos + 2  # a pointer ends the name where it stands
        if length & 0xC0:
            raise WireError("unsupported label type")
        pos += 1 + length
        if pos > size:
            raise WireError("label runs past the end of the packet")


class TxtStrings(str):
    """A TXT record of several character-strings: the joined text (RFC 7208 3.3: no space added),
    with the strings as published in ``strings`` (so a missing space at a boundary can be shown)."""

    strings: tuple[str, ...]

    def __new__(cls, parts: list[str]) -> "TxtStrings":
        value = super().__new__(cls, "".join(parts))
        value.strings = tuple(parts)
        return value


class Message:
    """A parsed response: header fields, the question, and answer records.

    ``answers`` holds ``(owner, type, ttl, value)`` where value is text for A/AAAA (the
    address), CNAME/PTR/NS (a name), MX (``(preference, host)``) and TXT (the joined
    strings); other types keep their raw bytes. ``min_ttl`` is the SOA minimum for
    negative answers (RFC 2308) when present.
    """

    __slots__ = ("id", "flags", "rcode", "qname", "qtype", "answers", "negative_ttl", "truncated")

    def __init__(self) -> None:
        self.answers: list[tuple[str, int, int, object]] = []
        self.negative_ttl: int | None = None

    def values(self, rtype: int) -> list:
        return [value for _owner, t, _ttl, value in self.answers if t == rtype]

    def min_ttl(self, default: int = 300) -> int:
        ttls = [ttl for _o, _t, ttl, _v in self.answers]
        if ttls:
            return min(ttls)
        return self.negative_ttl if self.negative_ttl is not None else default


def _ip6_text(raw: bytes) -> str:
    import ipaddress

    return str(ipaddress.IPv6Address(raw))


def parse_response(data: bytes, expect: bytes | None = None, expect_name: str = "", expect_type: int = 0) -> Message:
    """Parse a response packet; raises :class:`WireError` on anything malformed.

    With ``expect`` (the question bytes of our query) the question is compared as bytes
    (case-insensitively) instead of decoded: the common case on a busy sweep.
    """
    if len(data) < 12:
        raise WireError("packet shorter than a DNS header")
    qid, flags, qdcount, ancount, nscount, _arcount = _HEADER.unpack_from(data)
    if not flags & 0x8000:
        raise WireError("not a response")
    msg = Message()
    msg.id = qid
    msg.flags = flags
    msg.rcode = flags & 0x000F
    msg.truncated = bool(flags & 0x0200)
    if qdcount != 1:
        raise WireError("response without exactly one question")
    pos = 12
    if expect is not None and (data.startswith(expect, 12) or data[12 : 12 + len(expect)].lower() == expect):
        msg.qname = expect_name
        msg.qtype = expect_type
        pos += len(expect)
    else:
        msg.qname, pos = _read_name(data, pos)
        if pos + 4 > len(data):
            raise WireError("truncated question")
        msg.qtype = struct.unpack_from("!H", data, pos)[0]
        pos += 4
    size = len(data)
    for section, count in ((0, ancount), (1, nscount)):
        for _ in range(count):
            if pos < size and data[pos] & 0xC0 == 0xC0:  # owner is a compression pointer: skip it
                if pos + 1 >= size:
                    raise WireError("truncated compression pointer")
                owner = ""
                pos += 2
            elif section == 1:  # an authority owner is never used: step over it (most NXDOMAINs carry one)
                owner = ""
                pos = _skip_name(data, pos)
            else:
                owner, pos = _read_name(data, pos)
            if pos + 10 > size:
                if msg.truncated:
                    return msg
                raise WireError("truncated resource record")
            rtype, _rclass, ttl, rdlength = _RR.unpack_from(data, pos)
            pos += 10
            rdata_end = pos + rdlength
            if rdata_end > size:
                if msg.truncated:
                    return msg
                raise WireError("record data runs past the end of the packet")
            if section == 1:
                if rtype == SOA:
                    # minimum is the last 4 bytes of SOA rdata; negative TTL = min(SOA TTL, minimum)
                    if rdlength >= 20:
                        minimum = _U32.unpack_from(data, rdata_end - 4)[0]
                        msg.negative_ttl = min(ttl, minimum)
                pos = rdata_end
                continue
            value: object
            if rtype == A:
                if rdlength != 4:
                    raise WireError("A record with a bad length")
                value = "%d.%d.%d.%d" % tuple(data[pos:rdata_end])
            elif rtype == AAAA:
                if rdlength != 16:
                    raise WireError("AAAA record with a bad length")
                value = _ip6_text(data[pos:rdata_end])
            elif rtype in (CNAME, PTR, NS):
                value, end = _read_name(data, pos)
                if end > rdata_end:
                    raise WireError("name runs past its record")
            elif rtype == MX:
                if rdlength < 3:
                    raise WireError("MX record too short")
                pref = struct.unpack_from("!H", data, pos)[0]
                host, end = _read_name(data, pos + 2)
                if end > rdata_end:
                    raise WireError("MX host name runs past its record")
                value = (pref, host)
            elif rtype == TXT:
                parts = []
                p = pos
                while p < rdata_end:
                    n = data[p]
                    if p + 1 + n > rdata_end:  # else the next record's bytes would read as text
                        raise WireError("TXT string runs past its record")
                    parts.append(data[p + 1 : p + 1 + n].decode("utf-8", "replace"))
                    p += 1 + n
                value = "".join(parts) if len(parts) < 2 else TxtStrings(parts)
            else:
                value = bytes(data[pos:rdata_end])
            msg.answers.append((owner, rtype, ttl, value))
            pos = rdata_end
    return msg

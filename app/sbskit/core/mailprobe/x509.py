"""Read the few X.509 fields the report needs straight from the DER bytes a server sent.

The probe's TLS context does not verify (a self-signed certificate is a finding, not a
reason to stop), and then the public ``ssl`` API gives the peer certificate only as DER
(``getpeercert(binary_form=True)``). Decoding it here keeps the kit on public, documented
APIs (no private ``_ssl`` helpers) and off the disk (no temporary files on the client's
USB stick), without shipping a crypto package. Only what the report shows is read:
subject, issuer, serial, validity, and the DNS and IP names of subjectAltName (RFC 5280).
A certificate comes from a server we do not trust: every length is checked, and anything
malformed raises ``ValueError``.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
from typing import Any

MAX_DEPTH = 12
ATTRIBUTE_NAMES = {  # the names the ssl module uses for the same attributes
    "2.5.4.3": "commonName",
    "2.5.4.4": "surname",
    "2.5.4.5": "serialNumber",
    "2.5.4.6": "countryName",
    "2.5.4.7": "localityName",
    "2.5.4.8": "stateOrProvinceName",
    "2.5.4.9": "streetAddress",
    "2.5.4.10": "organizationName",
    "2.5.4.11": "organizationalUnitName",
    "2.5.4.12": "title",
    "2.5.4.15": "businessCategory",
    "2.5.4.42": "givenName",
    "2.5.4.97": "organizationIdentifier",
    "1.2.840.113549.1.9.1": "emailAddress",
    "0.9.2342.19200300.100.1.25": "domainComponent",
    "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionCountryName",
}
SUBJECT_ALT_NAME = "2.5.29.17"
_STRING_CODECS = {12: "utf-8", 19: "ascii", 22: "ascii", 20: "latin-1", 26: "ascii", 30: "utf-16-be", 28: "utf-32-be"}


class _Reader:
    """Tag-length-value items of one DER buffer, bounds-checked."""

    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = start
        self.end = len(data) if end is None else end

    def more(self) -> bool:
        return self.pos < self.end

    def next(self) -> tuple[int, int, int]:
        """(tag, start of content, end of content); moves past the item."""
        data, pos = self.data, self.pos
        if pos + 2 > self.end:
            raise ValueError("truncated DER item")
        tag = data[pos]
        if tag & 0x1F == 0x1F:
            raise ValueError("multi-byte DER tags are not used in certificates")
        length = data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4 or pos + count > self.end:
                raise ValueError("bad DER length")
            length = int.from_bytes(data[pos : pos + count], "big")
            pos += count
        if pos + length > self.end:
            raise ValueError("DER item longer than its container")
        self.pos = pos + length
        return tag, pos, pos + length

    def expect(self, tag: int) -> tuple[int, int]:
        got, start, end = self.next()
        if got != tag:
            raise ValueError(f"expected DER tag {tag:#x}, found {got:#x}")
        return start, end


def _oid(raw: bytes) -> str:
    if not raw:
        raise ValueError("empty OID")
    parts, value = [], 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    first = min(parts[0] // 40, 2)
    return ".".join(str(p) for p in [first, parts[0] - 40 * first, *parts[1:]])


def _string(tag: int, raw: bytes) -> str:
    codec = _STRING_CODECS.get(tag)
    if codec is None:
        return raw.hex()
    return raw.decode(codec, "replace")


def _name(data: bytes, start: int, end: int) -> tuple[tuple[tuple[str, str], ...], ...]:
    """A Name as the ssl module shapes it: RDNs, each a tuple of (attribute, value)."""
    rdns = []
    outer = _Reader(data, start, end)
    while outer.more():
        set_start, set_end = outer.expect(0x31)
        rdn = []
        inner = _Reader(data, set_start, set_end)
        while inner.more():
            seq_start, seq_end = inner.expect(0x30)
            pair = _Reader(data, seq_start, seq_end)
            oid_start, oid_end = pair.expect(0x06)
            tag, value_start, value_end = pair.next()
            oid = _oid(data[oid_start:oid_end])
            rdn.append((ATTRIBUTE_NAMES.get(oid, oid), _string(tag, data[value_start:value_end])))
        rdns.append(tuple(rdn))
    return tuple(rdns)


def _time(tag: int, raw: bytes) -> _dt.datetime:
    text = raw.decode("ascii")
    if tag == 0x17:  # UTCTime: YYMMDDHHMMSSZ, years 1950-2049 (RFC 5280 4.1.2.5.1)
        moment = _dt.datetime.strptime(text, "%y%m%d%H%M%SZ")
        if moment.year >= 2050:
            moment = moment.replace(year=moment.year - 100)
    elif tag == 0x18:
        moment = _dt.datetime.strptime(text, "%Y%m%d%H%M%SZ")
    else:
        raise ValueError("a validity time is neither UTCTime nor GeneralizedTime")
    return moment.replace(tzinfo=_dt.timezone.utc)


def _alt_names(data: bytes, start: int, end: int) -> tuple[list[str], list[str]]:
    dns, ips = [], []
    reader = _Reader(data, start, end)
    seq_start, seq_end = reader.expect(0x30)
    names = _Reader(data, seq_start, seq_end)
    while names.more():
        tag, value_start, value_end = names.next()
        raw = data[value_start:value_end]
        if tag == 0x82:
            dns.append(raw.decode("ascii", "replace"))
        elif tag == 0x87 and len(raw) in (4, 16):
            ips.append(str(ipaddress.ip_address(raw)))
    return dns, ips


def _extensions(data: bytes, start: int, end: int) -> dict[str, tuple[int, int]]:
    found = {}
    reader = _Reader(data, start, end)
    seq_start, seq_end = reader.expect(0x30)
    items = _Reader(data, seq_start, seq_end)
    while items.more():
        ext_start, ext_end = items.expect(0x30)
        ext = _Reader(data, ext_start, ext_end)
        oid_start, oid_end = ext.expect(0x06)
        tag, value_start, value_end = ext.next()
        if tag == 0x01:  # the optional "critical" flag
            tag, value_start, value_end = ext.next()
        if tag != 0x04:
            raise ValueError("an extension value is not an OCTET STRING")
        found[_oid(data[oid_start:oid_end])] = (value_start, value_end)
    return found


def decode_certificate(der: bytes) -> dict[str, Any]:
    """Subject, issuer, serial, validity and subjectAltName of one DER certificate."""
    if not der or len(der) > 64 * 1024:
        raise ValueError("no certificate, or an implausibly large one")
    top = _Reader(der)
    cert_start, cert_end = top.expect(0x30)
    tbs_start, tbs_end = _Reader(der, cert_start, cert_end).expect(0x30)
    tbs = _Reader(der, tbs_start, tbs_end)
    tag, start, end = tbs.next()
    if tag == 0xA0:  # [0] version
        tag, start, end = tbs.next()
    if tag != 0x02:
        raise ValueError("no serial number")
    serial = der[start:end].lstrip(b"\x00").hex().upper() or "0"
    tbs.expect(0x30)  # signature algorithm
    issuer = _name(der, *tbs.expect(0x30))
    validity = _Reader(der, *tbs.expect(0x30))
    tag, start, end = validity.next()
    not_before = _time(tag, der[start:end])
    tag, start, end = validity.next()
    not_after = _time(tag, der[start:end])
    subject = _name(der, *tbs.expect(0x30))
    tbs.expect(0x30)  # subject public key info
    dns_names: list[str] = []
    ip_addresses: list[str] = []
    while tbs.more():
        tag, start, end = tbs.next()
        if tag == 0xA3:  # [3] extensions
            extensions = _extensions(der, start, end)
            if SUBJECT_ALT_NAME in extensions:
                dns_names, ip_addresses = _alt_names(der, *extensions[SUBJECT_ALT_NAME])
    return {
        "subject": subject,
        "issuer": issuer,
        "serial": serial,
        "not_before": not_before,
        "not_after": not_after,
        "dns_names": dns_names,
        "ip_addresses": ip_addresses,
    }


def safe_decode(der: bytes) -> dict[str, Any]:
    """:func:`decode_certificate`, or ``{}`` for anything that is not a well-formed certificate."""
    try:
        return decode_certificate(der)
    except (ValueError, IndexError, UnicodeError, OverflowError):
        return {}

"""What a server's TLS offers: protocol, cipher, certificate, trust, name match, expiry.

The probe's own dialogue uses a non-verifying context so it can always look at the
certificate (a self-signed one is a finding, not a reason to stop). Trust is checked by
a separate handshake with a verifying context. Certificates are read through the public
``ssl`` API only (``getpeercert(binary_form=True)``, ``get_unverified_chain`` where Python
has it) and decoded by :mod:`x509`: no private helpers, no temporary files.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import ssl
import threading
from typing import Any

from sbskit.core.mailprobe.x509 import safe_decode

WEAK_CIPHER_MARKERS = ("RC4", "DES", "NULL", "EXPORT", "MD5", "ANON")
OLD_PROTOCOLS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")
_LEGACY: ssl.SSLContext | None = None
_LEGACY_LOCK = threading.Lock()


def probe_context() -> ssl.SSLContext:
    """A context that accepts any certificate and any protocol the local OpenSSL allows."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    except (ValueError, AttributeError):
        pass
    return ctx


def legacy_context() -> ssl.SSLContext | None:
    """A context that offers only TLS 1.0/1.1, to see whether the server still accepts them.

    None when the local OpenSSL cannot speak them at all (then the question stays open).
    """
    import warnings

    global _LEGACY
    try:
        with _LEGACY_LOCK:  # catch_warnings is not thread-safe; the context is built once and shared
            if _LEGACY is not None:
                return _LEGACY
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                ctx.minimum_version = ssl.TLSVersion.TLSv1
                ctx.maximum_version = ssl.TLSVersion.TLSv1_1
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            _LEGACY = ctx
            return ctx
    except (ValueError, ssl.SSLError, AttributeError):
        return None


def verify_context(ca_file: str | None) -> ssl.SSLContext:
    """A context that checks the chain (system store, or only ``ca_file`` when given)."""
    if ca_file:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(cafile=ca_file)
    else:
        ctx = ssl.create_default_context()
    ctx.check_hostname = False  # the name is matched separately, so both facts are reported
    return ctx


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cert_time(moment: _dt.datetime) -> str:
    """The ssl module's text form of a certificate time ('Mar  5 12:00:00 2031 GMT'), locale-free."""
    return f"{_MONTHS[moment.month - 1]} {moment.day:2d} {moment:%H:%M:%S} {moment.year} GMT"


def _name(rdns: Any) -> str:
    parts = []
    for rdn in rdns or ():
        for key, value in rdn:
            parts.append(f"{key}={value}")
    return ", ".join(parts)


def _common_name(rdns: Any) -> str:
    for rdn in rdns or ():
        for key, value in rdn:
            if key == "commonName":
                return value
    return ""


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def hostname_matches(host: str, names: list[str], ips: list[str]) -> bool:
    """RFC 6125 style: exact or single left-most wildcard label; IP literals against IP SANs."""
    host = host.strip("[]").lower().rstrip(".")
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        addr = None
    if addr is not None:
        for ip in ips:
            try:
                if ipaddress.ip_address(ip.strip()) == addr:
                    return True
            except ValueError:
                continue
        return False
    for name in names:
        name = name.lower().rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and "." in host:
            if host.split(".", 1)[1] == name[2:] and name.count(".") >= 2:
                return True
    return False


def name_match(host: str, names: list[str], ips: list[str]) -> bool | None:
    """Does the certificate name ``host``? None when that cannot be told.

    Mail clients connect by name. A probe by IP address can only confirm an IP SAN; a
    certificate without one for that address says nothing about the name clients use, so
    that is "not checked" (None), never "wrong name".
    """
    if is_ip_literal(host) and not hostname_matches(host, names, ips):
        return None
    return hostname_matches(host, names, ips)


def describe_certificate(der: bytes, host: str, now: _dt.datetime | None = None) -> dict[str, Any]:
    """The certificate facts the report shows (trust is filled in later by the caller).

    ``host`` is the name the certificate is checked against: the name clients use when
    it was given, else the host probed.
    """
    info = safe_decode(der)
    dns_names = list(info.get("dns_names", []))
    ip_names = list(info.get("ip_addresses", []))
    cn = _common_name(info.get("subject"))
    names_for_match = dns_names or ([cn] if cn else [])
    days = expires = not_after = not_before = None
    if info:
        now = now or _dt.datetime.now(_dt.timezone.utc)
        expires = info["not_after"].strftime("%Y-%m-%d")
        days = int((info["not_after"] - now).total_seconds() // 86400)
        not_after, not_before = cert_time(info["not_after"]), cert_time(info["not_before"])
    subject = _name(info.get("subject"))
    issuer = _name(info.get("issuer"))
    return {
        "subject": subject,
        "issuer": issuer,
        "common_name": cn,
        "dns_names": dns_names,
        "ip_addresses": ip_names,
        "serial": info.get("serial"),
        "not_before": not_before,
        "not_after": not_after,
        "expires": expires,
        "days_to_expiry": days,
        "self_signed": bool(subject) and subject == issuer,
        "hostname_match": name_match(host, names_for_match, ip_names) if info else None,
        "checked_name": host.strip("[]"),
        "trusted": None,
        "trust_error": None,
        "decoded": bool(info),
    }


def peer_chain(tls: ssl.SSLSocket) -> list[dict[str, Any]] | None:
    """Subject and issuer of every certificate the server sent, leaf first; None if unknown.

    ``get_unverified_chain`` is public from Python 3.13 on (a list of DER certificates);
    older Pythons keep it private, so there the chain stays an open question.
    """
    getter = getattr(tls, "get_unverified_chain", None)
    if getter is None:
        return None
    try:
        chain = getter() or []
    except (ValueError, ssl.SSLError, AttributeError, OSError):
        return None
    out = []
    for der in chain[:10]:
        info = safe_decode(der) if isinstance(der, (bytes, bytearray)) else {}
        out.append({"subject": _name(info.get("subject")), "issuer": _name(info.get("issuer")),
                    "not_after": cert_time(info["not_after"]) if info else None})
    return out


def session_facts(tls: ssl.SSLSocket) -> dict[str, Any]:
    cipher = tls.cipher() or ("", "", 0)
    return {"version": tls.version(), "cipher": cipher[0], "bits": cipher[2]}


def weak_cipher(name: str, bits: int | None) -> bool:
    upper = (name or "").upper()
    return any(m in upper for m in WEAK_CIPHER_MARKERS) or (bits is not None and 0 < bits < 128)

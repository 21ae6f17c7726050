"""Impossible hosts are bad input before any lookup; certificates decode from DER via the public API.

The certificates come from the real ``openssl`` command (the fixture CA, and ones made here
with UTF-8 names, IPv6 names and dates past 2049); what ``openssl x509`` prints about them is
the reference the kit's own decoder must match.
"""

from __future__ import annotations

import random
import re
import socket
import ssl
import subprocess
from pathlib import Path

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.mailprobe import netio
from sbskit.core.mailprobe.hosts import normalise_host
from sbskit.core.mailprobe.probe import run_probe
from sbskit.core.mailprobe.relay import run_relay_test
from sbskit.core.mailprobe.tlsinfo import cert_time, describe_certificate
from sbskit.core.mailprobe.x509 import decode_certificate, safe_decode

MAILPROBE = Path(__file__).resolve().parents[2] / "app" / "sbskit" / "core" / "mailprobe"


@pytest.mark.parametrize("text,why", [
    ("999.1.1.1", "999 is more than 255"),
    ("10.0.0.256", "256 is more than 255"),
    ("1.2.3", "four numbers separated by dots, this has 3"),
    ("1.2.3.4.5", "this has 5"),
    ("010.0.0.1", "leading zero"),
    ("0x7f.1", "cannot end in a number"),
    ("0x7f000001", "cannot end in a number"),
    ("mail.example.123", "cannot end in a number"),
    ("-mail.example.com", "not a host name"),
    ("mail..example.com", "not a host name"),
    ("mail.example.com:25", "not a host name"),
])
def test_impossible_hosts_are_bad_input(text, why):
    with pytest.raises(UserInputError) as caught:
        normalise_host(text)
    assert why in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["123.example.com", "mail-1.example.com", "localhost", "xn--mller-kva.example.",
                                  "1.2.3.4", "[::1]", "fe80::1%lo"])
def test_possible_hosts_pass(text):
    assert normalise_host(text)


def test_no_lookup_is_made_for_an_impossible_host(monkeypatch):
    def no_dns(*_args, **_kwargs):
        raise AssertionError("a name lookup was attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setattr(netio, "resolve_bounded", no_dns)
    for host in ("999.1.1.1", "1.2.3", "10.0.0.256"):
        with pytest.raises(UserInputError):
            run_probe(host, timeout=1)
        with pytest.raises(UserInputError):
            run_relay_test(host, 25, timeout=1)


def test_certificates_are_read_through_the_public_ssl_api_only():
    source = "\n".join(p.read_text() for p in sorted(MAILPROBE.glob("*.py")))
    for private in ("_ssl.", "_sslobj", "_test_decode_cert", "tempfile", "mkstemp"):
        assert private not in source, private


def openssl_facts(pem: Path) -> dict[str, str]:
    out = subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-serial", "-enddate", "-startdate",
                          "-subject", "-nameopt", "sep_multiline,utf8", "-ext", "subjectAltName"],
                         capture_output=True, text=True, check=True).stdout
    return {"serial": re.search(r"serial=(\w+)", out).group(1),
            "not_after": re.search(r"notAfter=(.+)", out).group(1).strip(),
            "not_before": re.search(r"notBefore=(.+)", out).group(1).strip(),
            "text": out}


def der_of(pem: Path) -> bytes:
    return ssl.PEM_cert_to_DER_cert(pem.read_text())


def test_fixture_certificate_matches_openssl(certs):
    facts = openssl_facts(certs.server_cert)
    info = decode_certificate(der_of(certs.server_cert))
    assert info["serial"].lstrip("0") == facts["serial"].lstrip("0").upper()
    assert cert_time(info["not_after"]) == facts["not_after"]
    assert cert_time(info["not_before"]) == facts["not_before"]
    assert info["dns_names"] == ["mail.sbskit.test"] and info["ip_addresses"] == ["127.0.0.2", "127.0.0.1"]
    assert info["subject"] == ((("commonName", "mail.sbskit.test"),),)
    assert info["issuer"] == ((("commonName", "SBS Kit Test CA"),),)
    described = describe_certificate(der_of(certs.server_cert), "mail.sbskit.test")
    assert described["decoded"] and described["hostname_match"] and not described["self_signed"]
    assert describe_certificate(der_of(certs.server_cert), "127.0.0.2")["hostname_match"] is True


def test_utf8_names_ipv6_and_dates_after_2049(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "k.pem"),
                    "-out", str(tmp_path / "c.pem"), "-days", "10000", "-utf8",
                    "-subj", "/C=DE/O=Müller & Söhne GmbH/OU=IT/CN=mx.müller.example",
                    "-addext", "subjectAltName=DNS:mx.example,DNS:*.mail.example,IP:::1,IP:192.0.2.7"],
                   capture_output=True, check=True)
    facts = openssl_facts(tmp_path / "c.pem")
    info = decode_certificate(der_of(tmp_path / "c.pem"))
    assert info["not_after"].year > 2049  # GeneralizedTime
    assert cert_time(info["not_after"]) == facts["not_after"]
    assert info["dns_names"] == ["mx.example", "*.mail.example"]
    assert info["ip_addresses"] == ["::1", "192.0.2.7"]
    flat = dict(pair for rdn in info["subject"] for pair in rdn)
    assert flat == {"countryName": "DE", "organizationName": "Müller & Söhne GmbH",
                    "organizationalUnitName": "IT", "commonName": "mx.müller.example"}
    assert "Müller & Söhne GmbH" in facts["text"]
    described = describe_certificate(der_of(tmp_path / "c.pem"), "a.mail.example")
    assert described["hostname_match"] is True and described["self_signed"] is True


def test_damaged_certificates_never_raise(certs):
    der = der_of(certs.self_cert)
    rng = random.Random(12)
    samples = [der[:cut] for cut in range(0, len(der), 37)]
    for _ in range(300):
        damaged = bytearray(der)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        samples.append(bytes(damaged))
    samples += [b"", b"\x30\x84\xff\xff\xff\xff", b"\x30\x80" + der, b"\x30" * 5000]
    for sample in samples:
        assert isinstance(safe_decode(sample), dict)
        assert describe_certificate(sample, "x.example")["decoded"] in (True, False)
    assert describe_certificate(der[:100], "x.example")["decoded"] is False

"""Pure parts of maildns: SPF syntax positions, macros, DMARC tags, DKIM key sizes, names, generic PTRs."""

from __future__ import annotations

import base64
import ipaddress

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.maildns import spf_macros
from sbskit.core.maildns.check_dkim import parse_key_record
from sbskit.core.maildns.check_dmarc import parse_dmarc, report_domains
from sbskit.core.maildns.check_ptr import is_generic
from sbskit.core.maildns.model import exit_code, make_check, summarize
from sbskit.core.maildns.names import is_public, org_domain, parse_domain, parse_selector
from sbskit.core.maildns.spf_syntax import is_spf, parse_record


def test_every_syntax_error_is_reported_with_its_column():
    record = parse_record("v=spf1 ip4:10.0.0.1/33 mx:example -alll redirect=x.test redirect=y.test")
    messages = [(p.column, p.term) for p in record.problems]
    assert (20, "ip4:10.0.0.1/33") in messages
    assert (27, "mx:example") in messages
    assert (35, "-alll") in messages
    assert any("appears more than once" in p.message for p in record.problems)


def test_a_record_that_is_fine_parses_into_terms():
    record = parse_record("v=spf1 +mx a:mail.example.com/28//64 include:_spf.example.net ~all exp=why.example.com")
    assert record.ok
    a = record.terms[1]
    assert (a.name, a.spec, a.cidr4, a.cidr6) == ("a", "mail.example.com", 28, 64)
    assert record.all_term.qualifier == "~" and record.exp.spec == "why.example.com"


@pytest.mark.parametrize("text,spf", [("v=spf1", True), ("v=spf1 -all", True), ("V=SPF1 -all", True),
                                      ("v=spf10", False), ("v=spf1mx", False), ("spf1 -all", False)])
def test_version_tag(text, spf):
    assert is_spf(text) is spf


def test_an_ip_address_where_a_domain_belongs_gets_a_hint():
    problem = parse_record("v=spf1 a:192.0.2.1 -all").problems[0]
    assert "write ip4:192.0.2.1 instead" in problem.message


def test_macro_expansion_rfc_7208_section_7_4_examples():
    ctx = spf_macros.Context(ipaddress.ip_address("192.0.2.3"), "strong-bad@email.example.com", "mx.example.org",
                             "email.example.com")
    def ex(text):
        return spf_macros.expand(spf_macros.parse(text), ctx)
    assert ex("%{s}") == "strong-bad@email.example.com"
    assert ex("%{o}") == "email.example.com"
    assert ex("%{d2}") == "example.com"
    assert ex("%{d1r}") == "email"
    assert ex("%{dr}") == "com.example.email"
    assert ex("%{l-}") == "strong.bad"
    assert ex("%{lr-}") == "bad.strong"
    assert ex("%{l1r-}") == "strong"
    assert ex("%{ir}.%{v}._spf.%{d2}") == "3.2.0.192.in-addr._spf.example.com"
    assert ex("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}") == "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"
    ctx6 = spf_macros.Context(ipaddress.ip_address("2001:db8::cb01"), "a@email.example.com", "h", "email.example.com")
    assert spf_macros.expand(spf_macros.parse("%{ir}.%{v}._spf.%{d2}"), ctx6) == (
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com")


@pytest.mark.parametrize("text,position", [("%(ir)", 0), ("abc%", 3), ("%{x}", 0), ("%{d0}", 0), ("%{d2r!}", 0)])
def test_macro_syntax_errors_have_positions(text, position):
    with pytest.raises(spf_macros.MacroError) as err:
        spf_macros.parse(text)
    assert err.value.position == position


def test_dmarc_tags_and_report_domains():
    tags, errors = parse_dmarc("v=DMARC1; p=quarantine; sp=reject; pct=50; rua=mailto:a@x.test,mailto:b@y.test!10m")
    assert errors == [] and tags["sp"] == "reject" and tags["pct"] == "50"
    assert report_domains(tags) == [("rua", "x.test"), ("rua", "y.test")]
    _tags, errors = parse_dmarc("p=reject; v=DMARC1")
    assert "the record must start with v=DMARC1" in errors
    _tags, errors = parse_dmarc("v=DMARC1; p=reject; rua=https://x.test/")
    assert any("is not a mailto: address" in e for e in errors)


def _spki(bits: int) -> str:
    modulus = (1 << (bits - 1)) | 1
    n = modulus.to_bytes(bits // 8, "big")
    def der(tag, body):
        length = len(body)
        enc = bytes([length]) if length < 128 else bytes([0x80 | ((length.bit_length() + 7) // 8)]) + length.to_bytes((length.bit_length() + 7) // 8, "big")
        return bytes([tag]) + enc + body
    rsa = der(0x30, der(0x02, b"\x00" + n) + der(0x02, b"\x01\x00\x01"))
    algo = der(0x30, der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
    return base64.b64encode(der(0x30, algo + der(0x03, b"\x00" + rsa))).decode()


@pytest.mark.parametrize("bits", [512, 1024, 2048, 4096])
def test_dkim_rsa_key_size_is_read_from_the_key(bits):
    assert parse_key_record(f"v=DKIM1; k=rsa; p={_spki(bits)}")["bits"] == bits


def test_dkim_key_record_oddities():
    assert parse_key_record("v=DKIM1; p=")["revoked"]
    assert "not valid base64" in parse_key_record("v=DKIM1; p=***")["error"]
    assert parse_key_record("v=DKIM1; k=ed25519; p=" + base64.b64encode(b"x" * 32).decode())["bits"] == 256
    assert parse_key_record("v=DKIM1; t=y; p=" + _spki(2048))["testing"]
    assert "must be DKIM1" in parse_key_record("v=DKIM2; p=abc")["error"]


@pytest.mark.parametrize("name,generic", [
    ("203-0-113-7.dyn.example.net", True), ("7.113.0.203.broadband.example.net", True),
    ("host203000113007.example.net", True), ("ip-203-0-113-7.example.net", True),
    ("mail.example.com", False), ("smtp7.example.com", False)])
def test_generic_ptr_names(name, generic):
    assert is_generic(name, "203.0.113.7") is generic


def test_domain_input_and_idn():
    assert parse_domain("Example.COM.") == "example.com"
    assert parse_domain("bücher.example") == "xn--bcher-kva.example"
    with pytest.raises(UserInputError):
        parse_domain("")
    assert parse_selector("selector1._domainkey.example.com") == "selector1"


def test_org_domain_and_public_addresses():
    assert org_domain("mail.example.co.uk") == "example.co.uk"
    assert org_domain("a.b.example.com") == "example.com"
    assert is_public("203.0.113.5") and not is_public("192.168.1.10") and not is_public("100.64.0.1")


def test_info_checks_do_not_change_the_exit_status():
    checks = [make_check("spf", "ok", "t"), make_check("mta-sts", "error", "t")]
    summary = summarize(checks)
    assert summary["verdict"] == "healthy" and exit_code(summary) == 0
    checks.append(make_check("dkim", "error", "t"))
    assert exit_code(summarize(checks)) == 3
    checks.append(make_check("mx", "problem", "t"))
    assert exit_code(summarize(checks)) == 1

"""Pure parts of the POP3-risk core: NTLM decoding, host and port checks, TLS name match,
banner rules, the checklist store and the memo."""

from __future__ import annotations

import base64
import json
import struct

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.mailprobe import checklist as cl
from sbskit.core.mailprobe import ntlm
from sbskit.core.mailprobe.findings import banner_findings
from sbskit.core.mailprobe.memo import render_memo
from sbskit.core.mailprobe.model import ServiceResult
from sbskit.core.mailprobe.probe import build_specs, normalise_host
from sbskit.core.mailprobe.tlsinfo import hostname_matches


def challenge(av: dict[int, str], version=(6, 1, 7601), target="CONTOSO") -> str:
    """A type 2 message laid out as MS-NLMP 2.2.1.2 describes it."""
    target_b = target.encode("utf-16-le")
    info = b"".join(struct.pack("<HH", k, len(v.encode("utf-16-le"))) + v.encode("utf-16-le") for k, v in av.items())
    info += struct.pack("<HH", 0, 0)
    header_len = 56
    flags = 0x1 | 0x00800000 | 0x02000000
    msg = b"NTLMSSP\x00" + struct.pack("<I", 2)
    msg += struct.pack("<HHI", len(target_b), len(target_b), header_len)
    msg += struct.pack("<I", flags) + b"\x11" * 8 + b"\x00" * 8
    msg += struct.pack("<HHI", len(info), len(info), header_len + len(target_b))
    msg += struct.pack("<BBH", *version) + b"\x00\x00\x00\x0f"
    return base64.b64encode(msg + target_b + info).decode()


def test_ntlm_challenge_reveals_names_and_build():
    info = ntlm.parse_challenge(challenge({1: "SBS01", 2: "CONTOSO", 3: "sbs01.contoso.local", 4: "contoso.local"}))
    assert info == {
        "target_name": "CONTOSO",
        "netbios_computer": "SBS01",
        "netbios_domain": "CONTOSO",
        "dns_computer": "sbs01.contoso.local",
        "dns_domain": "contoso.local",
        "os_version": "6.1.7601",
    }
    assert "DNS computer sbs01.contoso.local" in ntlm.leak_summary(info)


@pytest.mark.parametrize("text", ["", "not base64!", base64.b64encode(b"NTLMSSP\x00\x01").decode(),
                                  base64.b64encode(b"\x00" * 100).decode()])
def test_ntlm_garbage_is_none(text):
    assert ntlm.parse_challenge(text) is None


def test_ntlm_truncated_target_info_does_not_crash():
    raw = base64.b64decode(challenge({3: "host.example"}))
    info = ntlm.parse_challenge(base64.b64encode(raw[:-10]).decode())
    assert info is not None and "dns_computer" not in info


def test_negotiate_message_is_type1():
    raw = base64.b64decode(ntlm.negotiate_message())
    assert raw.startswith(b"NTLMSSP\x00") and struct.unpack_from("<I", raw, 8)[0] == 1


@pytest.mark.parametrize("text,expected", [("mail.example.com", "mail.example.com"), ("[::1]", "::1"),
                                           ("127.0.0.1", "127.0.0.1"), (" ::1 ", "::1")])
def test_hosts(text, expected):
    assert normalise_host(text) == expected


@pytest.mark.parametrize("text", ["", "bad host", "x" * 300, "a;b", "mail.example.com:25", "\x00"])
def test_bad_hosts(text):
    with pytest.raises(UserInputError):
        normalise_host(text)


def test_zero_skips_a_port_and_bad_ports_are_refused():
    specs = build_specs({"pop3": 0, "smtp": 2525})
    names = [s.name for s in specs]
    assert "POP3" not in names and ("SMTP", 2525) in [(s.name, s.port) for s in specs]
    with pytest.raises(UserInputError):
        build_specs({"imap": 70000})


def test_hostname_match_rules():
    assert hostname_matches("mail.example.com", ["*.example.com"], [])
    assert not hostname_matches("a.b.example.com", ["*.example.com"], [])
    assert not hostname_matches("example.com", ["*.example.com"], [])
    assert hostname_matches("192.0.2.1", [], ["192.0.2.1"])
    assert not hostname_matches("192.0.2.1", ["192.0.2.1"], [])  # an IP must be in an IP SAN


@pytest.mark.parametrize("banner,fid", [
    ("Microsoft Exchange Server 2003 POP3 server version 6.5.7638.1 (sbs.contoso.local) ready.", "version-banner"),
    ("sbs.contoso.local Microsoft ESMTP MAIL Service, Version: 6.0.3790.4675 ready", "version-banner"),
    ("mail.example.com ESMTP Exim 4.96 Sat, 28 Nov 2026 01:02:03 +0000", "version-banner"),
    ("Dovecot (Debian) ready.", "product-banner"),
    ("mail.example.com ESMTP [127.0.0.1] ready at 01:02:03", None),
])
def test_banner_rules(banner, fid):
    res = ServiceResult("SMTP", "smtp", 25, reachable=True, banner=banner)
    banner_findings(res)
    assert [f.id for f in res.findings] == ([fid] if fid else [])


def test_catalogue_has_every_version_and_command():
    data = cl.catalogue()
    assert cl.version_ids() == ["2003", "2007-2010", "2013-2019", "se"]
    text = json.dumps(data)
    for needle in ("Set-CASMailbox -PopEnabled", "ADModify", "Set-PopSettings -LoginType SecureLogin",
                   "MSExchangePOP3", "POP3Svc", "995", "ProtocolLogEnabled"):
        assert needle in text, needle
    kinds = {i["kind"] for i in data["items"]}
    assert kinds == {"question", "risk", "mitigation"}
    assert set(data["statuses"]) == set(cl.STATUSES)


def test_checklist_state_round_trips_through_its_dict():
    """(Saving lives with the client profile now: tests/profiles/test_profiles_checklists.py.)"""
    sheet = cl.Checklist(client="Contoso Ltd", exchange_version="2007-2010")
    sheet.set_status("cleartext", "at-risk")
    sheet.state("cleartext").notes = "port 110 open on the router"
    again = cl.Checklist.from_dict(json.loads(json.dumps(sheet.to_dict())))
    assert again.client == "Contoso Ltd" and again.exchange_version == "2007-2010"
    assert again.state("cleartext").status == "at-risk" and "110" in again.state("cleartext").notes
    with pytest.raises(UserInputError):
        sheet.set_status("cleartext", "maybe")
    with pytest.raises(ValueError):
        cl.Checklist.from_dict([1, 2])


def test_memo_has_the_five_parts():
    sheet = cl.Checklist(client="Contoso <Ltd>", requested_by="Sales manager",
                         request="POP3 for the sales team's phones")
    sheet.set_status("cleartext", "at-risk")
    sheet.state("why").notes = "phone app only speaks POP3"
    probe = {"host": "mail.contoso.com", "risk": "high", "reasons": ["POP3 (110): Passwords are accepted before encryption"],
             "services": [{"name": "POP3", "port": 110, "reachable": True, "tls": "starttls"}]}
    html = render_memo(sheet, probe, author="A. Admin")
    for needle in ("What was asked", "POP3 for the sales team", "phone app only speaks POP3", "risks in plain words",
                   "User name and password in the clear", "At risk", "mail.contoso.com", "HIGH",
                   "Passwords are accepted before encryption", "Recommendation", "port 995", "Signature",
                   "Contoso &lt;Ltd&gt;"):
        assert needle in html, needle
    assert "No live test" in render_memo(sheet, None)


def test_ptr_mismatch_rule():
    from sbskit.core.mailprobe.findings import ptr_findings

    res = ServiceResult("SMTP", "smtp", 25, reachable=True, banner="mail.contoso.com ESMTP")
    res.ptr = {"checked": True, "address": "203.0.113.5", "name": "dsl-203-0-113-5.isp.example",
               "banner_name": "mail.contoso.com", "matches": False}
    ptr_findings(res)
    assert [f.id for f in res.findings] == ["ptr-mismatch"] and "dsl-203-0-113-5" in res.findings[0].detail
    ok = ServiceResult("SMTP", "smtp", 25, reachable=True)
    ok.ptr = {"checked": True, "matches": True}
    ptr_findings(ok)
    assert ok.findings == []


def test_a_name_lookup_that_never_answers_is_bounded(monkeypatch):
    """The system resolver has no timeout: a hung lookup must become a finding, not a hang."""
    import socket
    import threading
    import time

    from sbskit.core.mailprobe import netio

    release = threading.Event()

    def hung_getaddrinfo(*_args, **_kwargs):
        release.wait(10)
        raise socket.gaierror("released")

    monkeypatch.setattr(netio.socket, "getaddrinfo", hung_getaddrinfo)
    start = time.monotonic()
    try:
        with pytest.raises(netio.ProbeError) as caught:
            netio.resolve_bounded("mail.example.invalid", 110, 0.3)
    finally:
        release.set()
    assert time.monotonic() - start < 2
    assert "did not answer" in str(caught.value) or "did not answer" in caught.value.detail


def test_a_failed_name_lookup_is_unreachable(monkeypatch):
    import socket

    from sbskit.core.mailprobe import netio

    def failing(*_args, **_kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(netio.socket, "getaddrinfo", failing)
    with pytest.raises(netio.ProbeError) as caught:
        netio.resolve_bounded("nowhere.invalid", 110, 2)
    assert "cannot resolve nowhere.invalid" in str(caught.value) or "cannot resolve" in caught.value.detail


def test_memo_says_how_it_knows_and_what_is_still_open():
    sheet = cl.Checklist(client="Contoso")
    probe = {"host": "mail.contoso.com", "risk": "high", "reasons": [],
             "services": [
                 {"name": "POP3", "port": 110, "reachable": True, "tls": "starttls",
                  "login_proof": {"kind": "pop3-user-accepted", "seen": "USER sbskit-probe-nobody -> +OK"},
                  "findings": [], "open_questions": []},
                 {"name": "IMAP", "port": 143, "reachable": True, "tls": "starttls", "login_proof": None,
                  "findings": [{"id": "login-delay", "severity": "good", "title": "The server delays failed logins by 6 s",
                                "detail": ""}],
                  "open_questions": [{"id": "trust", "question": "Is the certificate trusted?",
                                      "reason": "no complete answer to the TLS handshake within 8 s"}]}]}
    html = render_memo(sheet, probe)
    assert "How we know passwords can cross unencrypted" in html
    assert "POP3 110: USER sbskit-probe-nobody -&gt; +OK" in html
    assert "Working in the server's favour: IMAP 143: The server delays failed logins by 6 s" in html
    assert "Not yet known" in html and "Is the certificate trusted? (no complete answer to the TLS handshake" in html


@pytest.mark.parametrize("code,text,kind", [
    (454, "4.7.1 <a@example.net>: Relay access denied", "relay-denied"),
    (554, "5.7.1 <a@example.net>: Relay access denied", "relay-denied"),
    (550, "5.7.54 SMTP; Unable to relay recipient in non-accepted domain", "relay-denied"),
    (550, "5.7.1 Unable to relay", "relay-denied"),
    (450, "4.2.0 <a@example.net>: Recipient address rejected: Greylisted, see https://postgrey.example/help", "greylisted"),
    (451, "4.7.1 Greylisting in action, please come back later", "greylisted"),
    (452, "4.5.3 Error: too many recipients", "rate-limited"),
    (450, "4.7.1 Rate limit exceeded, try again in 60 seconds", "rate-limited"),
    (451, "4.3.0 <a@example.net>: Temporary lookup failure", "temporary"),
    (550, "5.1.1 <a@example.net>: Recipient address rejected: User unknown", "refused"),
    (250, "2.1.5 Ok", "accepted"),
])
def test_relay_answers_are_read_for_their_meaning(code, text, kind):
    from sbskit.core.mailprobe.relayreplies import meaning

    found = meaning(code, text)
    assert found.kind == kind, found
    assert found.refusal is (kind in ("relay-denied", "refused"))


def test_relay_timing_tells_a_tarpit_from_a_slow_link():
    from sbskit.core.mailprobe.relay import Attempt, RelayReport
    from sbskit.core.mailprobe.relayverdict import timing_notes

    def refused(seconds):
        return Attempt("v", "a@b.c", "d@e.f", 554, "5.7.1 <d@e.f>: Relay access denied", False, "rcpt", seconds)

    exchange = RelayReport("h", 25, attempts=[refused(5.0) for _ in range(16)])
    timing_notes(exchange, [0.01] * 8, 4)
    assert exchange.tarpit_seconds == 5.0 and "holds every refused recipient about 5.0 s" in exchange.notes[0]
    postfix = RelayReport("h", 25, attempts=[refused(0.01)] * 8 + [refused(5.0)] * 8)
    timing_notes(postfix, [0.01] * 8, 4)
    assert postfix.notes[0].startswith("8 of 16 refusals were held back about 5.0 s")
    drip = RelayReport("h", 25, attempts=[refused(6.0) for _ in range(16)])
    timing_notes(drip, [5.8] * 8, 4)  # MAIL FROM's 250 was as slow as the refusals: not a tarpit
    assert drip.tarpit_seconds is None and drip.notes[0].startswith("The server answers every command slowly")


def test_decision_lines_show_the_evidence_for_no_too():
    from sbskit.core.mailprobe.textout import decision_lines

    svc = {"name": "POP3", "port": 110, "reachable": True, "cleartext_login_before_tls": False,
           "login_test": "USER refused before TLS and no cleartext SASL offered: -ERR [AUTH] Plaintext "
                         "authentication disallowed on non-secure (SSL/TLS) connections."}
    assert decision_lines(svc) == ["  POP3 (110): no: " + svc["login_test"]]

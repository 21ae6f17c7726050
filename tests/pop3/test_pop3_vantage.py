"""Tested from where? Results from the server itself, loopback or the LAN are not the internet's view.

Dovecot treats a connection from its own address as secure (passwords before TLS allowed
whatever its settings); Postfix relays for loopback with Debian's stock ``mynetworks``.
The probe and the relay test must say so, and a "yes" seen only from there must not
become a HIGH finding or an open-relay verdict.
"""

from __future__ import annotations

import pytest

from sbskit.core.mailprobe.probe import run_probe
from sbskit.core.mailprobe.relay import run_relay_test
from sbskit.core.mailprobe.textout import probe_text, relay_text
from sbskit.core.mailprobe.vantage import Vantage, classify

OFF = {"smtp": 0, "submission": 0, "smtps": 0}


@pytest.mark.parametrize("peer,local,kind", [
    ("127.0.0.1", "127.0.0.1", "same-address"), ("192.168.1.10", "192.168.1.10", "same-address"),
    ("127.0.0.2", "127.0.0.1", "this-machine"), ("::1", "::1", "same-address"),
    ("10.0.0.5", "10.0.0.9", "private"), ("192.168.1.10", "192.168.1.20", "private"),
    ("fe80::1%eth0", "fe80::2", "private"), ("100.64.0.1", "100.64.0.2", "private"),
    ("::ffff:10.1.1.1", "10.1.1.2", "private"), ("203.0.113.10", "10.0.0.9", "public"),
    (None, None, None),
])
def test_addresses_are_classified_without_any_lookup(peer, local, kind):
    assert classify(peer, local) == kind


def test_outsider_override_never_covers_the_servers_own_address():
    assert not Vantage("127.0.0.1", "127.0.0.1", assumed_untrusted=True).login_evidence_counts
    assert Vantage("127.0.0.2", "127.0.0.1", assumed_untrusted=True).login_evidence_counts
    assert not Vantage("192.168.1.10", "192.168.1.20").login_evidence_counts
    assert Vantage("198.51.100.7", "192.168.1.20").login_evidence_counts


def test_tls_only_dovecot_probed_on_the_server_itself_is_could_not_tell_not_high(dovecot_same_host, certs):
    ports = {**dovecot_same_host.ports, **OFF}
    for outsider in (False, True):  # --as-outsider cannot override Dovecot's rule for its own address
        report = run_probe("127.0.0.1", ports, timeout=5, ca_file=str(certs.ca), assume_untrusted=outsider)
        doc = report.to_dict()
        assert doc["vantage"]["kind"] == "same-address" and doc["vantage"]["trusted"] is True
        assert report.risk == "unknown", report.reasons
        assert not any(f.severity == "high" for s in report.services for f in s.findings)
        pop3 = next(s for s in report.services if s.name == "POP3")
        assert pop3.cleartext_login_before_tls is None and pop3.login_proof is None
        assert pop3.login_seen_from_trusted_network == {"kind": "pop3-user-accepted",
                                                         "seen": "USER sbskit-probe-nobody -> +OK"}
        (question,) = [q for q in pop3.open_questions if q["id"] == "login"]
        assert question["reason"].startswith("could not tell from here: the server answered "
                                             "'USER sbskit-probe-nobody -> +OK', but this computer is the server itself")
        assert "test from another machine" in question["reason"]
        assert report.reasons[0].startswith("tested from a trusted network: results may be more permissive than "
                                            "from the internet: tested from the server itself (127.0.0.1)")
        assert probe_text(doc).startswith("Mail server 127.0.0.1: ")
        assert "tested from a trusted network" in probe_text(doc).splitlines()[1]
    assert "secured" in dovecot_same_host.log_text()  # Dovecot's own word for why it let USER through


def test_loopback_yes_is_open_unless_the_user_says_the_server_does_not_trust_it(dovecot_risky):
    ports = {k: 0 for k in ("pop3s", "imap", "imaps")} | {"pop3": dovecot_risky.ports["pop3"]} | OFF
    here = run_probe(dovecot_risky.addr, ports, timeout=5)
    (pop3,) = here.services
    assert here.to_dict()["vantage"]["kind"] == "this-machine"
    assert pop3.cleartext_login_before_tls is None
    assert "--as-outsider" in pop3.open_questions[-1]["reason"]
    assert here.risk != "high"
    outside = run_probe(dovecot_risky.addr, ports, timeout=5, assume_untrusted=True)
    assert outside.services[0].cleartext_login_before_tls is True and outside.risk == "high"
    assert outside.to_dict()["vantage"]["assumed_untrusted"] is True


def test_relay_accepted_from_loopback_is_not_called_open(postfix_open):
    """Debian's stock mynetworks trusts loopback: a 250 from here says nothing about the internet."""
    report = run_relay_test("127.0.0.1", postfix_open.ports["smtp"], timeout=5)
    doc = report.to_dict()
    assert report.open_relay is None and report.verdict == "accepted-from-trusted-network", doc
    assert doc["vantage"]["kind"] == "same-address" and doc["vantage"]["trusted"] is True
    assert report.summary.startswith("could not tell: 16 of 16 variants were accepted, but from the server itself")
    assert "mynetworks" in report.summary
    assert relay_text(doc).splitlines()[0].startswith(f"Relay test 127.0.0.1 port {postfix_open.ports['smtp']}: "
                                                      "could not tell")
    assert any(n.startswith("tested from a trusted network") for n in report.notes)
    told = run_relay_test("127.0.0.1", postfix_open.ports["smtp"], timeout=5, assume_untrusted=True)
    assert told.open_relay is True and told.verdict == "possibly-open"


def test_relay_refused_from_loopback_still_counts(postfix_closed):
    report = run_relay_test("127.0.0.1", postfix_closed.ports["smtp"], timeout=5)
    assert report.open_relay is False and report.verdict == "closed"
    assert any(n.startswith("tested from a trusted network") for n in report.notes)


def test_headline_is_not_final_while_a_question_could_raise_the_risk(dovecot_risky):
    """Certificate findings make it MEDIUM; the login question, open from loopback, could make it HIGH."""
    from sbskit.core.mailprobe.checklist import Checklist
    from sbskit.core.mailprobe.memo import render_memo

    port = dovecot_risky.ports["pop3"]
    report = run_probe(dovecot_risky.addr, {"pop3s": 0, "imap": 0, "imaps": 0, "pop3": port, **OFF}, timeout=5)
    doc = report.to_dict()
    assert doc["risk"] == "medium" and doc["risk_final"] is False and doc["risk_could_be"] == "high"
    assert doc["headline"].startswith(f"overall risk at least MEDIUM, could be HIGH: 1 question open: POP3 ({port}): "
                                      "Does it take a password before TLS? (could not tell from here")
    assert probe_text(doc).splitlines()[0] == f"Mail server {dovecot_risky.addr}: {doc['headline']}"
    memo = render_memo(Checklist(), doc)
    assert "overall risk at least <span class='medium'>" in memo and "<b>Not final:</b> it could be HIGH" in memo
    final = run_probe(dovecot_risky.addr, {"pop3s": port and dovecot_risky.ports["pop3s"], "imap": 0, "imaps": 0,
                                           "pop3": 0, **OFF}, timeout=5)
    assert final.to_dict()["risk_final"] is True and final.to_dict()["headline"] == "overall risk MEDIUM"


def test_a_real_plain_port_probed_as_implicit_tls_is_not_that_service(dovecot_risky, postfix_closed):
    """Dovecot's plain POP3 port given as POP3S, Postfix's port 25 given as SMTPS: they greet in plain text."""
    report = run_probe(dovecot_risky.addr, {"pop3": 0, "imap": 0, "imaps": 0, "pop3s": dovecot_risky.ports["pop3"],
                                            **OFF}, timeout=5)
    (pop3s,) = report.services
    assert pop3s.error == "not-tls" and "+OK Dovecot ready." in pop3s.detail, pop3s.to_dict()
    assert [f.severity for f in pop3s.findings] == ["info"] and report.risk == "unknown"
    smtp = run_probe("127.0.0.1", {"pop3": 0, "pop3s": 0, "imap": 0, "imaps": 0, "smtp": 0, "submission": 0,
                                   "smtps": postfix_closed.ports["smtp"]}, timeout=5)
    (smtps,) = smtp.services
    assert smtps.error == "not-tls" and "220 relay.sbskit.test ESMTP" in smtps.detail, smtps.to_dict()
    assert not any(f.id == "tls-failed" for f in smtps.findings)

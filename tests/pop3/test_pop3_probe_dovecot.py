"""The probe against real Dovecot: one risky configuration, one that insists on TLS.

Both keep Dovecot's stock failed-login delay (2 s) and per-address penalty on; the probe
must cope with them, not the fixture hide them.
"""

from __future__ import annotations

import ssl

import pytest

from sbskit.core.mailprobe.probe import run_probe
from servers.dovecot import auth_users

OFF = {"smtp": 0, "submission": 0, "smtps": 0}


def dovecot_ports(server) -> dict[str, int]:
    return {**server.ports, **OFF}


def by_name(report):
    return {s.name: s for s in report.services}


def finding_ids(service):
    return {f.id for f in service.findings}


def assert_no_real_login(server, expect_auth: bool = True, since: int = 0):
    """Nobody logged in, and every user name Dovecot's auth process saw (from log offset ``since``) was the made-up one."""
    log = server.log_text()[since:]
    assert "Login: user=" not in log, log
    users = auth_users(log)  # Dovecot 2.3 and 2.4 log it differently
    if expect_auth:
        assert users, "the made-up IMAP LOGIN should have reached Dovecot's auth process"
    assert users <= {"sbskit-probe-nobody"}, users
    assert "alice" not in log


def assert_no_password_sent(service):
    sent = [line for line in service.transcript if line.startswith("C: ")]
    assert not any(line.startswith("C: PASS") for line in sent), sent
    assert "sbskit-dummy" not in "\n".join(service.transcript)


CHAIN_IS_PUBLIC = hasattr(ssl.SSLSocket, "get_unverified_chain")  # Python 3.13+


@pytest.mark.slow  # four services, each with trust and legacy-TLS handshakes
def test_risky_dovecot_is_high_risk(dovecot_risky, certs):
    since = len(dovecot_risky.log_text())  # other tests' clients (a penalty test logs in as alice) came before
    report = run_probe(dovecot_risky.addr, dovecot_ports(dovecot_risky), timeout=5, ca_file=str(certs.ca),
                       assume_untrusted=True)  # 127.0.0.1 -> 127.0.0.2: loopback, but Dovecot does not trust it
    services = by_name(report)
    assert report.risk == "high"
    pop3 = services["POP3"]
    assert pop3.status == "ok" and pop3.reachable
    assert pop3.tls == "starttls" and pop3.starttls_offered is True
    assert "STLS" in pop3.capabilities and "USER" in pop3.capabilities
    assert pop3.cleartext_login_before_tls is True
    assert pop3.login_offered_before_tls == ["USER", "SASL PLAIN", "SASL LOGIN"]
    assert pop3.login_proof == {"kind": "pop3-user-accepted", "seen": "USER sbskit-probe-nobody -> +OK"}
    assert "PASS was not sent" in pop3.login_test
    assert_no_password_sent(pop3)
    assert pop3.login_delay_seconds is None  # no failed login was needed for the POP3 verdict
    assert "cleartext-login" in finding_ids(pop3)
    imap = services["IMAP"]
    assert imap.cleartext_login_before_tls is True
    assert imap.login_offered_before_tls == ["LOGIN", "AUTH=PLAIN", "AUTH=LOGIN"]
    assert "LOGINDISABLED" not in imap.capabilities
    assert imap.login_proof == {"kind": "sasl-continuation", "seen": "AUTHENTICATE PLAIN -> +"}
    assert imap.login_delay_seconds is None and imap.failed_logins == 0  # no password, no delay to wait out
    assert report.to_dict()["failed_logins"] == 0
    for name in ("POP3S", "IMAPS"):
        assert services[name].tls == "implicit" and services[name].cleartext_login_before_tls is False
    cert = pop3.certificate
    assert cert["decoded"] is True and cert["self_signed"] is True
    assert cert["subject"] == "commonName=oldbox.sbskit.test"
    if CHAIN_IS_PUBLIC:
        assert cert["chain"][0]["subject"] == "commonName=oldbox.sbskit.test" and cert["chain_length"] == 1
    else:  # only the private API would tell on this Python: the chain stays unknown
        assert cert["chain"] == [] and cert["chain_length"] is None
    assert cert["hostname_match"] is None  # names oldbox.sbskit.test, probed by IP: the name cannot be checked
    assert cert["trusted"] is False and "self-signed" in cert["trust_error"]
    assert 0 <= cert["days_to_expiry"] <= 10
    assert {"cert-self-signed", "cert-name-not-checked", "cert-expiring", "old-tls"} <= finding_ids(pop3)
    assert pop3.tls_session["legacy_accepted"] in ("TLSv1", "TLSv1.1")
    assert services["IMAPS"].tls_session["legacy_accepted"] in ("TLSv1", "TLSv1.1")
    assert pop3.tls_session["version"] in ("TLSv1.2", "TLSv1.3")
    assert all(s.open_questions == [] and s.status == "ok" for s in report.services), report.to_dict()
    p = dovecot_risky.ports
    assert report.reasons[0].startswith("tested from a trusted network: results may be more permissive")
    assert "--as-outsider" in report.reasons[0]
    assert report.reasons[1] == f"Passwords are accepted before encryption: POP3 ({p['pop3']}), IMAP ({p['imap']})"
    assert_no_real_login(dovecot_risky, expect_auth=False, since=since)  # nothing reached the password check


def test_safe_dovecot_is_low_risk_with_its_ca(dovecot_safe, certs):
    report = run_probe(dovecot_safe.addr, dovecot_ports(dovecot_safe), timeout=5, ca_file=str(certs.ca))
    services = by_name(report)
    pop3, imap = services["POP3"], services["IMAP"]
    assert pop3.cleartext_login_before_tls is False
    assert "USER" not in pop3.capabilities  # Dovecot hides USER before TLS when plaintext auth is off
    assert pop3.login_test.startswith("CAPA before TLS offers neither USER nor a cleartext SASL mechanism")
    assert pop3.failed_logins == 0 and report.to_dict()["failed_logins"] == 0  # USER was not even asked
    assert pop3.login_proof is None
    assert "USER" in pop3.capabilities_after_tls
    assert imap.cleartext_login_before_tls is False
    assert pop3.login_offered_before_tls == [] and imap.login_offered_before_tls == []
    assert "LOGINDISABLED" in imap.capabilities
    assert imap.login_test.startswith("LOGINDISABLED is advertised before TLS")
    assert not any("LOGIN" in line for line in imap.transcript if line.startswith("C: "))  # settled unasked
    for svc in report.services:
        assert svc.status == "ok", svc.to_dict()
        assert svc.certificate["trusted"] is True
        assert svc.certificate["hostname_match"] is True
        assert svc.certificate["self_signed"] is False
        assert svc.tls_session["legacy_accepted"] is None  # ssl_min_protocol = TLSv1.2
        assert not any(f.severity in ("high", "medium") for f in svc.findings), svc.findings
    assert report.risk == "low", report.reasons
    assert_no_real_login(dovecot_safe, expect_auth=False)  # no login was needed to settle anything


def test_safe_dovecot_without_the_ca_is_untrusted(dovecot_safe):
    ports = {**dovecot_ports(dovecot_safe), "pop3": 0, "imap": 0, "imaps": 0}
    report = run_probe(dovecot_safe.addr, ports, timeout=5)
    (pop3s,) = report.services
    assert pop3s.certificate["trusted"] is False
    assert pop3s.certificate["trust_error"]
    assert "cert-untrusted" in finding_ids(pop3s)
    assert report.risk == "medium"


def test_results_stream_as_they_arrive(dovecot_safe, certs):
    from sbskit.core.jobs import JobContext

    seen, progress = [], []
    ctx = JobContext(progress=lambda d, t, m: progress.append((d, t)), result=seen.append)
    report = run_probe(dovecot_safe.addr, dovecot_ports(dovecot_safe), timeout=5, ctx=ctx, ca_file=str(certs.ca))
    assert sorted(s.name for s in seen) == sorted(s.name for s in report.services)
    assert progress[-1] == (4, 4)
    assert [s.name for s in report.services] == ["POP3", "POP3S", "IMAP", "IMAPS"]  # standard order in the end


def test_well_set_up_server_probed_by_ip_is_low_and_says_the_name_was_not_checked(dovecot_named, certs):
    """A CA-signed certificate for mail.sbskit.test, no IP SAN, probed by IP: the name is not checked, not wrong."""
    report = run_probe(dovecot_named.addr, dovecot_ports(dovecot_named), timeout=5, ca_file=str(certs.ca))
    assert report.risk == "low", report.reasons
    for svc in report.services:
        assert svc.certificate["hostname_match"] is None and svc.certificate["trusted"] is True
        assert svc.certificate["checked_name"] == "127.0.0.3"
        unchecked = [f for f in svc.findings if f.id == "cert-name-not-checked"]
        assert [f.severity for f in unchecked] == ["info"]
        assert "mail.sbskit.test" in unchecked[0].detail and "--name" in unchecked[0].detail
        assert "cert-name-mismatch" not in finding_ids(svc)
    assert any("name was not checked" in r for r in report.reasons)
    from sbskit.core.mailprobe.textout import probe_text

    assert "wrong name" not in probe_text(report.to_dict()) and "name not checked (IP)" in probe_text(report.to_dict())


def test_the_name_clients_use_is_checked_against_the_certificate(dovecot_named, certs):
    ports = {**dovecot_ports(dovecot_named), "pop3": 0, "imap": 0}
    right = run_probe(dovecot_named.addr, ports, timeout=5, ca_file=str(certs.ca), name="mail.sbskit.test")
    assert right.risk == "low" and right.to_dict()["name"] == "mail.sbskit.test"
    for svc in right.services:
        assert svc.certificate["hostname_match"] is True and svc.certificate["checked_name"] == "mail.sbskit.test"
        assert not {"cert-name-not-checked", "cert-name-mismatch"} & finding_ids(svc)
    wrong = run_probe(dovecot_named.addr, ports, timeout=5, ca_file=str(certs.ca), name="webmail.sbskit.test")
    assert wrong.risk == "medium"
    mismatch = next(f for f in wrong.services[0].findings if f.id == "cert-name-mismatch")
    assert mismatch.detail == "clients connect to webmail.sbskit.test; the certificate names mail.sbskit.test"


def test_a_bad_name_is_bad_input():
    from sbskit.core.errors import UserInputError

    with pytest.raises(UserInputError):
        run_probe("127.0.0.1", {"pop3": 1}, name="999.1.1.1")

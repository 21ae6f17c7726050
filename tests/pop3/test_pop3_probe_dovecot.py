"""The probe against real Dovecot: one risky configuration, one that insists on TLS.

Both keep Dovecot's stock failed-login delay (2 s) and per-address penalty on; the probe
must cope with them, not the fixture hide them.
"""

from __future__ import annotations

import re
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


def assert_no_real_login(server, expect_auth: bool = True):
    """Nobody logged in, and every user name Dovecot's auth process saw was the made-up one."""
    log = server.log_text()
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


@pytest.mark.slow  # IMAP LOGIN waits out Dovecot's failed-login delay (2 s, more with its penalty)
def test_risky_dovecot_is_high_risk(dovecot_risky, certs):
    report = run_probe(dovecot_risky.addr, dovecot_ports(dovecot_risky), timeout=5, ca_file=str(certs.ca))
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
    assert imap.login_proof["kind"] == "imap-login-checked"
    assert "NO [AUTHENTICATIONFAILED]" in imap.login_proof["seen"]
    assert imap.login_delay_seconds >= 1.0  # Dovecot's auth_failure_delay (2 s on a 1 s clock), kept on
    assert "login-delay" in finding_ids(imap)
    delay = next(f for f in imap.findings if f.id == "login-delay")
    assert delay.severity == "good" and delay.title.startswith("The server delays failed logins by ")
    for name in ("POP3S", "IMAPS"):
        assert services[name].tls == "implicit" and services[name].cleartext_login_before_tls is False
    cert = pop3.certificate
    assert cert["decoded"] is True and cert["self_signed"] is True
    assert cert["subject"] == "commonName=oldbox.sbskit.test"
    if CHAIN_IS_PUBLIC:
        assert cert["chain"][0]["subject"] == "commonName=oldbox.sbskit.test" and cert["chain_length"] == 1
    else:  # only the private API would tell on this Python: the chain stays unknown
        assert cert["chain"] == [] and cert["chain_length"] is None
    assert cert["hostname_match"] is False  # names oldbox.sbskit.test, we asked 127.0.0.2
    assert cert["trusted"] is False and "self-signed" in cert["trust_error"]
    assert 0 <= cert["days_to_expiry"] <= 10
    assert {"cert-self-signed", "cert-name-mismatch", "cert-expiring", "old-tls"} <= finding_ids(pop3)
    assert pop3.tls_session["legacy_accepted"] in ("TLSv1", "TLSv1.1")
    assert services["IMAPS"].tls_session["legacy_accepted"] in ("TLSv1", "TLSv1.1")
    assert pop3.tls_session["version"] in ("TLSv1.2", "TLSv1.3")
    assert all(s.open_questions == [] and s.status == "ok" for s in report.services), report.to_dict()
    p = dovecot_risky.ports
    assert report.reasons[0] == f"Passwords are accepted before encryption: POP3 ({p['pop3']}), IMAP ({p['imap']})"
    assert_no_real_login(dovecot_risky)


def test_safe_dovecot_is_low_risk_with_its_ca(dovecot_safe, certs):
    report = run_probe(dovecot_safe.addr, dovecot_ports(dovecot_safe), timeout=5, ca_file=str(certs.ca))
    services = by_name(report)
    pop3, imap = services["POP3"], services["IMAP"]
    assert pop3.cleartext_login_before_tls is False
    assert "USER" not in pop3.capabilities  # Dovecot hides USER before TLS when plaintext auth is off
    assert re.search(r"(Plaintext|Cleartext) authentication disallowed", pop3.login_test)  # Dovecot 2.3 | 2.4
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

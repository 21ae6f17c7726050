"""The probe against real Dovecot: one risky configuration, one that insists on TLS."""

from __future__ import annotations

import re

from sbskit.core.mailprobe.probe import run_probe
from servers.dovecot import auth_users

OFF = {"smtp": 0, "submission": 0, "smtps": 0}


def dovecot_ports(server) -> dict[str, int]:
    return {**server.ports, **OFF}


def by_name(report):
    return {s.name: s for s in report.services}


def finding_ids(service):
    return {f.id for f in service.findings}


def assert_no_real_login(server):
    log = server.log_text()
    assert "Login: user=" not in log, log
    users = auth_users(log)
    assert users, "the made-up logins should have reached Dovecot's auth process"
    assert all(u.startswith("sbskit-probe-") or u == "warmup-nobody" for u in users), users
    assert "alice" not in users


def test_risky_dovecot_is_high_risk(dovecot_risky, certs):
    report = run_probe(dovecot_risky.addr, dovecot_ports(dovecot_risky), timeout=5, ca_file=str(certs.ca))
    services = by_name(report)
    assert report.risk == "high"
    pop3 = services["POP3"]
    assert pop3.status == "ok" and pop3.reachable
    assert pop3.tls == "starttls"
    assert "STLS" in pop3.capabilities and "USER" in pop3.capabilities
    assert pop3.cleartext_login_before_tls is True
    assert pop3.login_offered_before_tls == ["USER", "SASL PLAIN", "SASL LOGIN"]
    assert "Authentication failed" in pop3.login_test
    assert "cleartext-login" in finding_ids(pop3)
    imap = services["IMAP"]
    assert imap.cleartext_login_before_tls is True
    assert imap.login_offered_before_tls == ["LOGIN", "AUTH=PLAIN", "AUTH=LOGIN"]
    assert "LOGINDISABLED" not in imap.capabilities
    assert "AUTHENTICATIONFAILED" in imap.login_test
    for name in ("POP3S", "IMAPS"):
        assert services[name].tls == "implicit" and services[name].cleartext_login_before_tls is False
    cert = pop3.certificate
    assert cert["self_signed"] is True
    assert cert["chain"][0]["subject"] == "commonName=oldbox.sbskit.test" and cert["chain_length"] == 1
    assert cert["hostname_match"] is False  # names oldbox.sbskit.test, we asked 127.0.0.2
    assert cert["trusted"] is False and "self-signed" in cert["trust_error"]
    assert 0 <= cert["days_to_expiry"] <= 10
    assert {"cert-self-signed", "cert-name-mismatch", "cert-expiring", "old-tls"} <= finding_ids(pop3)
    assert pop3.tls_session["legacy_accepted"] in ("TLSv1", "TLSv1.1")
    assert services["IMAPS"].tls_session["legacy_accepted"] in ("TLSv1", "TLSv1.1")
    assert pop3.tls_session["version"] in ("TLSv1.2", "TLSv1.3")
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
    assert "USER" in pop3.capabilities_after_tls
    assert imap.cleartext_login_before_tls is False
    assert pop3.login_offered_before_tls == [] and imap.login_offered_before_tls == []
    assert "LOGINDISABLED" in imap.capabilities
    for svc in report.services:
        assert svc.status == "ok", svc.to_dict()
        assert svc.certificate["trusted"] is True
        assert svc.certificate["hostname_match"] is True
        assert svc.certificate["self_signed"] is False
        assert svc.tls_session["legacy_accepted"] is None  # ssl_min_protocol = TLSv1.2
        assert not any(f.severity in ("high", "medium") for f in svc.findings), svc.findings
    assert report.risk == "low", report.reasons
    assert_no_real_login(dovecot_safe)


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

"""SMTP parts of the probe against real Postfix: banner, STARTTLS, implicit TLS, no AUTH."""

from __future__ import annotations

from sbskit.core.mailprobe.probe import run_probe

ONLY_SMTP = {"pop3": 0, "pop3s": 0, "imap": 0, "imaps": 0, "submission": 0}


def test_postfix_smtp_and_smtps(postfix_closed):
    ports = {**ONLY_SMTP, "smtp": postfix_closed.ports["smtp"], "smtps": postfix_closed.ports["smtps"]}
    report = run_probe("127.0.0.1", ports, timeout=5)
    smtp, smtps = report.services
    assert smtp.name == "SMTP" and smtp.status == "ok"
    assert smtp.banner.startswith("relay.sbskit.test ESMTP")
    assert "STARTTLS" in smtp.capabilities
    assert smtp.tls == "starttls"
    assert smtp.cleartext_login_before_tls is False
    assert smtp.login_test == "no AUTH offered before TLS"
    assert smtp.tls_session and smtp.tls_session["version"].startswith("TLS")
    assert smtp.certificate["common_name"] == "oldbox.sbskit.test"
    assert smtp.capabilities_after_tls and "STARTTLS" not in smtp.capabilities_after_tls
    assert smtp.ptr["checked"] is False  # loopback: no reverse lookup leaves the machine
    assert smtps.tls == "implicit" and smtps.status == "ok"
    assert smtps.banner.startswith("relay.sbskit.test")
    assert report.risk == "medium"  # self-signed, wrong name
    log = postfix_closed.log_text()
    assert "starttls=1" in log


def test_ipv6_loopback_host_is_accepted_and_closed_ports_are_not_reachable():
    from sbskit.core.mailprobe.probe import normalise_host

    assert normalise_host("[::1]") == "::1"
    report = run_probe("[::1]", {"pop3": _free6(), "pop3s": 0, "imap": 0, "imaps": 0, "smtp": 0, "submission": 0,
                                 "smtps": 0}, timeout=2)
    (svc,) = report.services
    assert svc.reachable is False and svc.status == "not-reachable" and svc.error == "refused"
    assert report.risk == "unknown"
    assert "no mail service answered" in report.reasons[0]


def _free6() -> int:
    import socket

    with socket.socket(socket.AF_INET6) as s:
        s.bind(("::1", 0))
        return s.getsockname()[1]

"""Replies once given the wrong meaning, through the whole triage (the catalogue tests check the patterns):
a stopped Exchange Transport service is no ISP block, a PTR refusal no busy receiver, our own sender domain's
DNS no unknown recipient, a full mailbox no greylisting; and the version the wording shows is named."""

from __future__ import annotations

from sbskit.core.triage import analyse
from sbskit.core.triage.render import platform_line, to_text
from triage_pasted import write


def test_the_front_end_refused_on_port_2525_is_our_transport_service(evidence_dir):
    lines = [
        "2026-03-03T10:00:00.000Z,Inbound Proxy Internal Send Connector,08DC0000000000A1,0,,192.168.1.10:2525,*,,"
        "attempting to connect",
        "2026-03-03T10:00:01.000Z,Inbound Proxy Internal Send Connector,08DC0000000000A1,1,,192.168.1.10:2525,*,,"
        '"Failed to connect. Winsock error code: 10061, Win32 error code: 10061, Destination domain: internalproxy, '
        'Error Message: No connection could be made because the target machine actively refused it 192.168.1.10:2525."',
    ]
    result = analyse([write(evidence_dir, "send-paste.log", lines)])
    assert result.replies[0]["pattern"] == "exchange_transport_down"
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    assert result.platform.id == "exchange-2013+" and "Exchange 2013 or later" in platform_line(result)
    text = to_text(result)
    assert "MSExchangeTransport" in text and "ISP" not in text


def test_our_sender_domain_without_mx_is_a_mail_dns_cause(evidence_dir):
    line = ("Diagnostic-Code: smtp; 550-Requested action not taken: mailbox unavailable 550 invalid DNS MX or A/AAAA "
            "resource record")
    result = analyse([write(evidence_dir, "diag.txt", [line])])
    assert result.replies[0]["pattern"] == "sender_domain_no_mx"
    assert result.exit_code == 1 and result.findings[0].cause == "mail_dns"
    assert "Check the address" not in to_text(result)


def test_a_full_mailbox_until_expiry_is_the_recipients_problem(evidence_dir):
    lines = [f"Sep {20 + d} 1{h}:00:00 mx1 postfix/smtp[10{d}{h}]: 4F2A1B: to=<bob@example.net>, "
             "relay=mx.example.net[192.0.2.5]:25, delay=2, delays=0.2/0/1.6/0.2, dsn=4.2.2, status=deferred (host "
             "mx.example.net[192.0.2.5] said: 452 4.1.1 <bob@example.net> user is over quota, please try again later "
             "(in reply to RCPT TO command))" for d in range(5) for h in range(0, 10, 3)]
    result = analyse([write(evidence_dir, "mail.log", lines, crlf=False)])
    assert [r["pattern"] for r in result.replies] == ["mailbox_full"]
    assert result.exit_code == 3 and not any(f.confirmed for f in result.findings)


def test_an_exchange_2003_ndr_names_its_version_from_the_evidence_not_the_log_headers(evidence_dir):
    text = ("The following recipient(s) could not be reached:\n"
            "      ann@example.net on 3/5/2026 10:05 AM\n"
            "            The recipient's mailbox is full and can't accept messages now.\n"
            "            <mail.example.net #5.2.2>\n")
    result = analyse([write(evidence_dir, "ndr.txt", text)])
    assert result.platform.id == "exchange-2003" and "(from the evidence)" in platform_line(result)


def test_a_front_end_receive_connector_names_exchange_2013_or_later(evidence_dir):
    lines = ["2026-03-03T10:00:00.026Z,SRV01\\Default Frontend SRV01,08DC1DB8591B229A,0,192.168.1.10:25,"
             "203.0.113.9:53228,+,,",
             "2026-03-03T10:00:00.027Z,SRV01\\Default Frontend SRV01,08DC1DB8591B229A,1,192.168.1.10:25,"
             '203.0.113.9:53228,>,"220 srv01.smallbiz.example Microsoft ESMTP MAIL Service ready",']
    result = analyse([write(evidence_dir, "recv-paste.log", lines)])
    assert result.platform.id == "exchange-2013+"
    assert result.missing and all(not m["alternatives"] for m in result.missing)  # one command, not one per version
    assert any("$env:ExchangeInstallPath" in m["command"] for m in result.missing)  # the 2013-or-later paths

"""Round 4 on fresh real evidence: the forms and wordings a third sample showed misread. Each case is a few
self-written lines (documentation addresses) with the shape of the real one: our own Postfix refusing an
inbound sender through a blocklist is no listing of ours, a maillog line without its date or host is still
Postfix's, a local LMTP delivery that fails is our own delivery agent, a smart host that wants a logon is a
configuration error, and a reply pasted with the lead-in a client or bounce gave it is still read."""

from __future__ import annotations

import pytest

from sbskit.core.triage import analyse
from sbskit.core.triage.render import to_text
from triage_pasted import write


def _causes(result) -> list[str]:
    return [f.cause for f in result.findings]


@pytest.mark.parametrize("line", [
    "mx1 postfix/postscreen[2101]: NOQUEUE: reject: RCPT from [198.51.100.20]:40028: 550 5.7.1 Service unavailable; "
    "client [198.51.100.20] blocked using zen.spamhaus.org; from=<ann@example.net>, to=<bob@example.com>, "
    "proto=ESMTP, helo=<mail.example.net>",
    "Mar  3 10:00:00 postfix/smtpd[2102]: NOQUEUE: reject: RCPT from mail.example.net[198.51.100.20]: 554 5.7.1 "
    "Service unavailable; Client host [198.51.100.20] blocked using zen.spamhaus.org; from=<ann@example.net> "
    "to=<bob@example.com> proto=ESMTP helo=<mail.example.net>",
])
def test_our_own_blocklist_refusing_an_inbound_sender_is_not_our_listing(evidence_dir, line):
    result = analyse([write(evidence_dir, "mail.log", [line], crlf=False)])
    assert result.inputs[0].format == "postfix_maillog" and result.platform.id == "postfix"
    assert "blocklisted" not in _causes(result)
    assert result.exit_code != 0 and all(r["direction"] == "inbound" for r in result.replies)


def test_an_open_resolver_answer_in_our_own_reject_is_our_dnsbl_setup(evidence_dir):
    line = ("Mar  3 10:00:00 postfix/smtpd[2102]: NOQUEUE: reject: RCPT from out.example.net[198.51.100.20]: 554 5.7.1 "
            "Service unavailable; Client host [198.51.100.20] blocked using cbl.abuseat.org; Error: open resolver; "
            "https://www.spamhaus.org/returnc/pub/192.0.2.53; from=<ann@example.net> to=<bob@example.com> proto=ESMTP")
    result = analyse([write(evidence_dir, "mail.log", [line], crlf=False)])
    assert "blocklisted" not in _causes(result)
    assert result.replies[0]["category"] == "dnsbl_query" and result.replies[0]["direction"] == "inbound"


def test_a_level_prefixed_container_line_is_read_as_postfix(evidence_dir):
    line = ("INFO    postfix/smtp[256]: 2C35B61E6B: to=<ann@example.net>, relay=smtp.example.org[192.0.2.25]:587, "
            "delay=551, delays=551/0.1/0.2/0, dsn=4.7.0, status=deferred (SASL authentication failed; cannot "
            "authenticate to server smtp.example.org[192.0.2.25]: bad protocol / cancel)")
    result = analyse([write(evidence_dir, "docker.log", [line], crlf=False)])
    assert result.inputs[0].format == "postfix_maillog"
    assert result.exit_code == 1 and _causes(result)[0] == "configuration_error"


def test_a_reject_reason_wrapped_over_lines_is_joined_not_dropped(evidence_dir):
    lines = ["Aug 10 10:29:14 mx1 postfix/smtpd[11005]: reject: RCPT from unknown[198.51.100.124]: 554 Service "
             "unavailable; [198.51.100.124]",
             "blocked using bl.spamcop.net, reason: Blocked - see",
             "http://www.spamcop.net/bl.shtml?198.51.100.124; from=ann@example.net to=bob@example.com"]
    result = analyse([write(evidence_dir, "mail.log", lines, crlf=False)])
    assert result.inputs[0].records == 1 and result.inputs[0].skipped == 0
    reply = result.replies[0]
    assert reply["direction"] == "inbound" and reply["category"] == "blocklist" and "spamcop" in reply["text"].lower()
    assert "blocklisted" not in _causes(result)


@pytest.mark.parametrize("line, pattern", [
    ("2019-04-11T19:41:56.554496+00:00 mx1 postfix/lmtp[238]: 87F043F2BE: to=<info@example.com>, relay=none, "
     "delay=2370, delays=2370/0.07/0/0, dsn=4.4.1, status=deferred (connect to 192.0.2.6[192.0.2.6]:2525: "
     "Connection refused)", "local_agent_failed"),
    ("Mar  3 10:00:00 mx1 postfix/local[301]: 11FDF5F62A: to=<ann@example.com>, relay=local, delay=80, "
     "delays=80/0.02/0/0, dsn=4.0.0, status=deferred (user lookup error)", "local_agent_failed"),
])
def test_a_failing_local_delivery_is_our_delivery_agent_not_the_internet(evidence_dir, line, pattern):
    result = analyse([write(evidence_dir, "mail.log", [line], crlf=False)])
    assert result.replies[0]["pattern"] == pattern
    assert result.exit_code == 1 and _causes(result)[0] == "configuration_error"
    assert "port 25" not in to_text(result).split("What the evidence says")[-1][:400]


def test_a_local_mailbox_over_quota_stays_a_full_mailbox(evidence_dir):
    line = ("Oct 15 23:48:15 mx1 postfix/lmtp[48460]: C88761F60D: to=<ann@example.com>, relay=mx1.example.com"
            "[private/dovecot-lmtp], delay=5.1, delays=2.4/0/0/2.7, dsn=5.2.2, status=bounced (host mx1.example.com"
            "[private/dovecot-lmtp] said: 552 5.2.2 <ann@example.com> Quota exceeded (mailbox for user is full) "
            "(in reply to end of DATA command))")
    result = analyse([write(evidence_dir, "mail.log", [line], crlf=False)])
    assert result.replies[0]["category"] == "mailbox_full" and result.exit_code == 3


def test_a_smart_host_demanding_a_logon_in_a_queue_error_is_a_configuration_error(evidence_dir):
    text = ('451 4.4.0 Primary target IP address responded with: "451 5.7.3 Require basic authentication." Attempted '
            "failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery "
            "failed to all alternate hosts.\n")
    result = analyse([write(evidence_dir, "lasterror.txt", text)])
    assert result.replies[0]["pattern"] == "smarthost_requires_auth"
    assert result.exit_code == 1 and _causes(result)[0] == "configuration_error"


@pytest.mark.parametrize("text, category, exit_code", [
    ("permanent: 5.7.1 Service unavailable; client [192.0.2.44] blocked using zen.spamhaus.org\n", "blocklist", 1),
    ("5.7.708 Service unavailable. Access denied, traffic not accepted from this IP\n", "reputation", 1),
    ("4.7.500 Server busy. Please try again later from [192.0.2.44]. (S77719)\n", "remote_busy", 3),
    ("smtp;450 4.7.3 Organization queue quota exceeded. [outlook.example]\n", "remote_busy", 3),
    ("5.7.1 Client was not authenticated\n", "smarthost_auth", 1),
    ("System.Net.Mail.SmtpException: Error in processing. The server response was: 4.3.111 Temporary server error. "
     "Please try again later MRH1 [Hostname=AB1PR01MB0001.example.test]\n"
     "   at System.Net.Mail.DataStopCommand.CheckResponse(SmtpStatusCode statusCode, String serverResponse)\n"
     "   at System.Net.Mail.SmtpClient.Send(MailMessage message)\n", "remote_busy", 3),
])
def test_a_reply_pasted_with_a_lead_in_or_starting_with_its_enhanced_code_is_read(evidence_dir, text, category,
                                                                                   exit_code):
    result = analyse([write(evidence_dir, "reply.txt", text)])
    assert result.inputs[0].format == "pasted_replies"
    assert [r["category"] for r in result.replies] == [category]
    assert "at System.Net" not in result.replies[0]["text"]
    assert result.exit_code == exit_code


def test_the_log_lines_around_a_pasted_reply_are_not_replies_of_their_own(evidence_dir):
    lines = ["May 16 06:41:21 relay1 mta: info Sender 1636695418.001 CONNECTING",
             "May 16 06:41:22 relay1 mta: info Sender 1636695418.001 DEFERRED[defer]",
             'May 16 06:41:22 relay1 mta: info Sender 1636695418.001 SMTPCLOSE Connection closed response="550 5.7.606 ',
             "May 16 10:13:00 relay1 mta: info Sender 1636695418.001 CONNECTING",
             'May 16 10:13:01 relay1 mta: info Sender 1636695418.001 SMTPCLOSE Connection closed response="550 5.7.606 ']
    result = analyse([write(evidence_dir, "mta.log", lines, crlf=False)])
    assert [(r["category"], r["count"]) for r in result.replies] == [("blocklist", 2)]


def test_a_get_queue_list_without_identity_and_with_a_placeholder_count_is_an_unknown_not_empty_queue(evidence_dir):
    text = ("DeliveryType : DnsConnectorDelivery\n"
            "NextHopDomain : contoso.mail.onmicrosoft.example\n"
            "Status : Active\n"
            "MessageCount : MessagesWaiting\n"
            "LastError : [{LED=451 4.4.397 Error communicating with target host. -> 421 4.4.2 Connection dropped due to "
            "TimedOut};{MSG=};{FQDN=contoso.mail.protection.example};{IP=192.0.2.80};{LRT=8/20/2026 12:00:39 AM}]\n")
    result = analyse([write(evidence_dir, "queue.txt", text)])
    assert result.inputs[0].format == "get_queue_table"
    assert result.platform.id == "exchange-2013+"
    assert result.exit_code != 0 and any("no readable message count" in g for g in result.coverage.gaps)


@pytest.mark.parametrize("lines, says", [
    (["  301 T: remote_smtp_smarthost for ann@example.com", "  301 LOG: retry_defer MAIN",
      "  301   == ann@example.com R=smarthost T=remote_smtp_smarthost defer (-53): retry time not reached for any host"],
     "Exim output"),
    (["Mar  3 10:00:00 mx1 exim[4648]: 2026-03-03 10:00:00.470 [4648] 1tixMn-00000000C5j-1wRa <= root@example.com U=root",
      "Mar  3 10:00:00 mx1 exim[4701]: 2026-03-03 10:00:00.501 [4701] 1tixMn-00000000C5j-1wRa ** ann@example.com "
      "R=dovecot_user T=dovecot_delivery: Child process of dovecot_delivery transport returned 127"], "Exim output"),
    (["192.0.2.1, mail.example.net, 3/3/26, 10:00:00, SMTPSVC1, MAIL01, 192.0.2.10, 90, 42, 0, 250, 0, MAIL FROM, -, "
      "FROM:<ann@example.net>,",
      "192.0.2.1, mail.example.net, 3/3/26, 10:00:00, SMTPSVC1, MAIL01, 192.0.2.10, 0, 32, 0, 250, 0, RCPT TO, -, "
      "TO:<bob@example.com>,"], "Microsoft IIS Log File Format"),
    (['This is an SMTP protocol error log for virtual server ID 1, connection #6. The remote host "mail.example.com", '
      'responded to the SMTP command "xexch50" with "504 Need to authenticate first ".'], "Windows event"),
    (['2026/03/03 10:25:52 [info] 74#74: *5672 client login failed: "AUTH not supported" while in http auth state, '
      'client: 198.51.100.40, server: 0.0.0.0:25, login: "admin"',
      '2026/03/03 10:25:53 [info] 74#74: *5673 client login failed: "AUTH not supported" while in http auth state, '
      'client: 198.51.100.41, server: 0.0.0.0:25, login: "test"'], "2 failed logon(s) from 2 address(es)"),
    (["cm.example.net (1 recipients)", "  1: connect to cm.example.net[192.0.2.50]:25: Connection timed out"],
     "a summary of the deferred queue"),
])
def test_other_mail_software_is_named_with_what_to_add(evidence_dir, lines, says):
    from sbskit.core.triage.sniff import sniff_file

    info = sniff_file(write(evidence_dir, "x.txt", lines, crlf=False))
    assert info.format is None and says in info.problems[0], info.problems
    assert "journalctl -u postfix" not in info.problems[0]


def test_the_remote_reply_in_an_exim_debug_trace_is_read(evidence_dir):
    lines = ["  308 Connecting to mx1.example.net [192.0.2.42]:25 ... connected",
             "  308   SMTP<< 451 Internal resource temporarily unavailable - https://support.example.test/451 [AbCd]",
             "  308 LOG: MAIN",
             "  308   H=mx1.example.net [192.0.2.42]: SMTP error from remote mail server after RCPT TO:<bob@example.net>: "
             "451 Internal resource temporarily unavailable - https://support.example.test/451 [AbCd]",
             "  308   SMTP>> QUIT"]
    result = analyse([write(evidence_dir, "exim-debug.txt", lines, crlf=False)])
    assert [r["category"] for r in result.replies] == ["remote_busy"]
    assert result.exit_code == 3


def test_mailq_entries_copied_without_the_header_are_read(evidence_dir):
    text = ("E980B183AF8     2622 Thu Mar 30 14:49:54  ann@example.com\n"
            "(delivery temporarily suspended: connect to mbox.example.com[192.0.2.15]:7025: Connection refused)\n"
            "                                         bob@example.com\n")
    result = analyse([write(evidence_dir, "mailq.txt", text)])
    assert result.inputs[0].format == "postfix_mailq" and result.platform.id == "postfix"
    assert result.replies and result.exit_code != 0


@pytest.mark.parametrize("text", [
    '"5.7.1 Unfortunately, messages from [192.0.2.30] weren\'t sent. Please contact your Internet service provider '
    'since part of their network is on our block list (S3140)."\n',
    "> Server response: 550 550 OU-001 (AB1-MC11F3) Unfortunately, messages from 192.0.2.18 weren't sent. Please "
    "contact your Internet service provider since part of their network is on our block list.\n",
])
def test_a_quoted_reply_or_one_after_server_response_is_read(evidence_dir, text):
    result = analyse([write(evidence_dir, "reply.txt", text)])
    assert [r["category"] for r in result.replies] == ["blocklist"]
    assert result.exit_code == 1 and _causes(result)[0] == "blocklisted"


def test_gmail_saying_the_sender_must_authenticate_is_mail_dns_not_a_smart_host_logon(evidence_dir):
    line = ("Sep 12 10:09:42 mx1 postfix/smtp[3137]: 91FE61053F6: to=<bob@gmail.example>, relay=mx.gmail.example"
            "[192.0.2.27]:25, delay=93, delays=92/0.05/1/0.55, dsn=5.7.26, status=bounced (host mx.gmail.example"
            "[192.0.2.27] said: 550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender "
            "and Gmail users, and has been blocked. The sender must authenticate with at least one of SPF or DKIM. "
            "(in reply to end of DATA command))")
    result = analyse([write(evidence_dir, "mail.log", [line], crlf=False)])
    assert result.replies[0]["category"] == "spf_dkim_dmarc" and _causes(result)[0] == "mail_dns"


def test_short_send_log_lines_under_a_lasterror_are_read_and_show_the_missing_logon(evidence_dir):
    text = ('451 4.4.0 Primary target IP address responded with: "451 5.7.3 Require basic authentication." Attempted '
            "failover to alternate host, but that did not succeed.\n\n"
            "<,220 relay.example.net ESMTP\n>,EHLO mail.example.com,\n<,250-relay.example.net,\n<,250-STARTTLS,\n"
            ">,STARTTLS,\n<,220 2.0.0 Ready to start TLS,\n>,EHLO mail.example.com,\n<,250-AUTH PLAIN,\n"
            "<,250 DSN,\n>,QUIT,\n<,221 2.0.0 Bye,\n")
    result = analyse([write(evidence_dir, "queue-and-log.txt", text)])
    (info,) = result.inputs
    assert info.skipped == 0 and info.records == 12
    assert any("offered AUTH PLAIN and our server never sent AUTH" in p for p in info.problems)
    assert result.exit_code == 1 and _causes(result)[0] == "configuration_error"


def test_a_german_journalctl_month_is_a_readable_time(evidence_dir):
    lines = [f"Okt 15 {h:02d}:48:15 mx1 postfix/smtp[4846]: C8876{h:02d}F60D: to=<ann@example.net>, "
             "relay=mx.example.net[192.0.2.5]:25, delay=1.1, delays=0.1/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)"
             for h in (8, 9)]
    result = analyse([write(evidence_dir, "mail.log", lines, crlf=False)])
    assert not any("no readable timestamps" in g for g in result.coverage.gaps)
    assert result.coverage.hours == pytest.approx(1.0, abs=0.2) and result.exit_code == 3

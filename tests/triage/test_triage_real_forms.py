"""The forms admins really paste, read (issue 11, second round): self-written in the shapes of real posts.

Postfix lines under another syslog name or without date and host, delivery-line fragments,
bounces whose reply is wrapped anywhere, Exchange 2003 bounces, a queue's LastError line
(alone or with header-less send-log lines), a redacted address, a header-only log, and a
one-line reason that names what an unreadable file really is.
"""

from __future__ import annotations

import pytest

from sbskit.core.triage import analyse
from sbskit.core.triage.sniff import sniff_file
from triage_pasted import write

DEFER_4728 = ("to=<ann@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=300, delays=299/0/1/0, dsn=4.7.28, "
              "status=deferred (host mx.example.net[192.0.2.5] said: 421-4.7.28 Our system has detected an unusual "
              "rate of unsolicited mail originating from your IP address. (in reply to end of DATA command))")


def _one(evidence_dir, name, text, crlf=False):
    path = write(evidence_dir, name, text, crlf=crlf)
    return sniff_file(path), analyse([path])


@pytest.mark.parametrize("prog", ["relay/smtp", "example.com/smtp", "server1-1/smtp", "postfix-out/smtp",
                                  "postfix/submission/smtp"])
def test_any_syslog_name_ending_in_a_postfix_daemon_is_postfix(evidence_dir, prog):
    line = f"Mar  3 10:00:00 mx1 {prog}[1001]: 4F2A1B: {DEFER_4728}"
    info, result = _one(evidence_dir, "mail.log", [line])
    assert info.format == "postfix_maillog"
    assert result.inputs[0].records == 1 and result.platform.id == "postfix"
    assert result.exit_code == 1 and result.findings[0].cause == "blocklisted"


def test_rfc3339_time_and_a_foreign_syslog_name(evidence_dir):
    line = f"2021-04-21T17:16:28+02:00 server1 server1-1/smtp[17514]: EEC614DD: {DEFER_4728}   "  # trailing blanks
    info, result = _one(evidence_dir, "mail.log", [line])
    assert info.format == "postfix_maillog" and result.exit_code == 1


@pytest.mark.parametrize("start", [" ", "", "4F2A1B: "])
def test_a_delivery_line_fragment_is_read(evidence_dir, start):
    text = start + DEFER_4728 if start != "" else DEFER_4728.split(", ", 1)[1]  # '' : starts at 'relay='
    info, result = _one(evidence_dir, "fragment.txt", [text])
    assert info.format == "postfix_maillog"
    assert result.inputs[0].records == 1
    assert result.exit_code == 1 and result.findings[0].cause == "blocklisted" and result.platform.id == "postfix"


def test_lines_without_date_and_host_are_read_and_said_so(evidence_dir):
    lines = ["postfix/smtp[813]: 64EA72: to=<ann@example.net>, relay=none, delay=1.5, delays=0.8/0.1/0.6/0, dsn=4.4.3, "
             "status=deferred (Host or domain name not found. Name service error for name=mx.example.net type=A: "
             "Host not found, try again)",
             "postfix/smtpd[2717]: NOQUEUE: reject: RCPT from unknown[198.51.100.7]: 450 4.7.1 Client host rejected: "
             "cannot find your reverse hostname, [198.51.100.7]; from=<scan@example.com> to=<ann@example.com> "
             "proto=ESMTP helo=<[10.0.0.50]>"]
    info, result = _one(evidence_dir, "docker.log", lines)
    assert info.format == "postfix_maillog" and result.inputs[0].records == 2
    assert any("carry no date and time" in p for p in result.inputs[0].problems)
    directions = {r["pattern"]: r["direction"] for r in result.replies}
    assert directions == {"dns_server_failure": "outbound", "cannot_find_hostname": "inbound"}
    assert result.exit_code == 3 and result.platform.id == "postfix"
    assert any("no readable timestamps" in g for g in result.coverage.gaps)


BOUNCE_WRAPPED = """This is the mail system at host mail.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<bob@example.net>: host mta.example.net[192.0.2.6] said: 421
4.7.0 [TSS04] Messages from 198.51.100.7 temporarily deferred due to
user complaints - 4.16.55.1; see https://postmaster.example.net/error-codes (in reply to MAIL FROM command)
"""

FRAGMENT_SAID_NEXT_LINE = """carl@example.org: host mx.example.org[192.0.2.8]
    said: 550 5.7.1 Client host rejected: cannot find your hostname,
   [198.51.100.7](in reply to RCPT TO command)
"""

FRAGMENT_S3140 = """host    mx.outlook.example[192.0.2.9] said: 550 5.7.1
    Unfortunately, messages from [198.51.100.7] weren't sent. Please contact
    your Internet service provider since part of their network is on our block
    list (S3140). You can also refer your provider to
    http://mail.example.com/troubleshooting.aspx#errors. (in reply to MAIL
    FROM command)
"""


@pytest.mark.parametrize("text, pattern, cause", [
    (BOUNCE_WRAPPED, "yahoo_tss04", "blocklisted"),
    (FRAGMENT_SAID_NEXT_LINE, "cannot_find_hostname", "mail_dns"),
    (FRAGMENT_S3140, "microsoft_s3150", "blocklisted"),
    ("(host mx.example.jp[192.0.2.22] said: 450 4.7.25 Client host rejected: cannot find your hostname, "
     "[198.51.100.7] (in reply to RCPT TO command))", "cannot_find_hostname", "mail_dns"),
])
def test_postfix_bounces_with_wrapped_replies(evidence_dir, text, pattern, cause):
    info, result = _one(evidence_dir, "bounce.txt", text)
    assert info.format == "ndr_text"
    (reply,) = result.replies
    assert reply["pattern"] == pattern and "in reply to" not in reply["text"]
    assert result.exit_code == 1 and result.findings[0].cause == cause
    assert result.platform.id == "postfix"


def test_two_recipients_in_one_paragraph(evidence_dir):
    text = ("<a@example.net>: host mx.example.net[192.0.2.5] refused to talk to me: 554 5.7.1 Service unavailable; "
            "Client host [198.51.100.7] blocked using bl.spamcop.example\n"
            "<b@example.org>: host mx.example.org[192.0.2.6] said: 550 5.1.1 <b@example.org>: Recipient address "
            "rejected: User unknown (in reply to RCPT TO command)\n")
    _, result = _one(evidence_dir, "bounce.txt", text)
    assert {r["pattern"]: r["subjects"] for r in result.replies} == {"spamcop": ["example.net"],
                                                                      "recipient_unknown": ["example.org"]}


EX2003_NDR = """Your message did not reach some or all of the intended recipients.

      Subject:\tQuote
      Sent:\t3/3/2008 10:00 AM

The following recipient(s) could not be reached:

      Bob on 3/3/2008 10:05 AM
            The message could not be delivered because the recipient's mailbox is full.
            <example.net #5.2.2>
"""


def test_exchange_2003_bounce(evidence_dir):
    info, result = _one(evidence_dir, "ndr.txt", EX2003_NDR, crlf=True)
    assert info.format == "ndr_text"
    (reply,) = result.replies
    assert reply["pattern"] == "mailbox_full" and reply["code"] == "5.2.2"
    assert result.exit_code == 3 and result.platform.id == "exchange-2003"


LASTERROR_573 = ('451 4.4.0 Primary target IP address responded with: "451 5.7.3 Cannot achieve Exchange Server '
                 'authentication." Attempted failover to alternate host, but that did not succeed. Either there are '
                 "no alternate hosts, or delivery failed to all alternate hosts.")


def test_a_pasted_lasterror_line(evidence_dir):
    info, result = _one(evidence_dir, "lasterror.txt", [LASTERROR_573])
    assert info.format == "queue_lasterror"
    (reply,) = result.replies
    assert reply["pattern"] == "exchange_auth_internal" and reply["sources"] == ["Get-Queue LastError"]
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    assert result.platform.id.startswith("exchange")


def test_lasterror_with_unable_to_connect_reads_the_inner_reply(evidence_dir):
    line = ('451 4.4.0 primary target IP address responded with "421.4.4.2 unable to connect." Attempted failover '
            "to alternate host, but that did not succeed.")
    _, result = _one(evidence_dir, "lasterror.txt", [line])
    (reply,) = result.replies
    assert reply["category"] == "connect_failure"


def test_lasterror_with_header_less_send_lines(evidence_dir):
    lines = ['451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out." Attempted '
             "failover to alternate host, but that did not succeed.", "",
             "    2024-03-03T10:00:00.100Z,Outbound to Partner,08DC000000000001,20,,,*,,TLS negotiation failed with "
             "error UnknownCredentials",
             "    2024-03-03T10:00:00.200Z,Outbound to Partner,08DC000000000001,21,192.168.1.10:41000,192.0.2.40:25,-,,Local"]
    info, result = _one(evidence_dir, "paste.txt", lines)
    assert info.format == "queue_lasterror" and result.inputs[0].records == 3
    tls = [r for r in result.replies if "UnknownCredentials" in r["text"]]
    assert tls and tls[0]["direction"] == "outbound" and tls[0]["sources"] == ["send protocol log"]
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"


def test_a_format_list_get_queue_with_lasterror_is_still_a_queue_paste(evidence_dir):
    text = f"Identity     : SBS01\\4\nDeliveryType : SmartHostConnectorDelivery\nStatus       : Retry\n" \
           f"MessageCount : 12\nNextHopDomain : smtp.isp.example\nLastError    : {LASTERROR_573}\n"
    info, _ = _one(evidence_dir, "queue.txt", text)
    assert info.format == "get_queue_table"


def test_a_redacted_address_keeps_the_line(evidence_dir):
    line = ("Mar  3 10:00:00 mx1 postfix/smtp[1001]: 4F2A1B: to=<bob@<redacted>>, relay=relay.isp.example[192.0.2.50]:25, "
            "delay=0.4, delays=0.2/0/0.1/0.1, dsn=5.7.1, status=bounced (host relay.isp.example[192.0.2.50] said: "
            "554 5.7.1 <bob@<redacted>>: Relay access denied (in reply to RCPT TO command))")
    _, result = _one(evidence_dir, "mail.log", [line])
    (reply,) = result.replies
    assert reply["pattern"] == "relay_denied" and reply["direction"] == "outbound"
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"


def test_a_delivery_line_that_cannot_be_taken_apart_is_counted_as_skipped(evidence_dir):
    line = "Mar  3 10:00:00 mx1 postfix/smtp[1001]: 4F2A1B: status=deferred, this is not how Postfix writes it"
    good = f"Mar  3 10:00:01 mx1 postfix/smtp[1002]: 4F2A1D: {DEFER_4728}"
    _, result = _one(evidence_dir, "mail.log", [line, good, line.replace("4F2A1B", "4F2A1C")])
    assert result.inputs[0].skipped == 2 and result.inputs[0].records == 1
    assert any("2 line(s) could not be read (first at line 1)" in p for p in result.inputs[0].problems)


def test_header_only_exchange_2003_tracking_log(evidence_dir):
    lines = ["# Message Tracking Log File", "# Exchange System Attendant Version 6.5.7638.1",
             "# Date\tTime\tclient-ip\tClient-hostname\tPartner-Name\tServer-hostname\tserver-IP\tRecipient-Address\t"
             "Event-ID\tMSGID\tPriority\tRecipient-Report-Status\ttotal-bytes\tNumber-Recipients\tOrigination-Time\t"
             "Encryption\tservice-Version\tLinked-MSGID\tMessage-Subject\tSender-Address"]
    info, result = _one(evidence_dir, "20080303.log", lines, crlf=True)
    assert info.format == "exchange2003_tracking"
    (summary,) = result.inputs
    assert summary.empty and summary.format_name == "Exchange 2003 message tracking log"
    assert any("no records" in p and "header lines" in p for p in summary.problems)
    assert result.exit_code == 3 and result.platform.id == "exchange-2003"


def test_an_empty_mailq_is_said(evidence_dir):
    _, result = _one(evidence_dir, "mailq.txt", ["Mail queue is empty"])
    (queues,) = [n for n in result.noteworthy if n["kind"] == "queues"]
    assert queues["title"] == "The queue is empty"


@pytest.mark.parametrize("lines, says", [
    (["<bob@example.net>: sent", "<carl@example.net>: sent"], "text the triage does not know"),
    (["Mar  3 10:00:00 mx1 dovecot[12]: imap-login: Login: user=<ann>", "Mar  3 10:00:01 mx1 dovecot[12]: imap(ann): "
      "Logged out"], "a syslog file, but its lines come from dovecot, not from Postfix"),
    (["2024-03-03 10:00:00 1rABCd-000123-Ab <= ann@example.com H=pc1 [192.168.1.5] P=esmtpa S=1234",
      "2024-03-03 10:00:01 1rABCd-000123-Ab => bob@example.net R=dnslookup T=remote_smtp"], "Exim output (its main log"),
    (["name,age,town", "ann,31,Bern", "bob,42,Basel"], "a CSV file whose columns are not a known export"),
    (["<?xml version='1.0'?>", "<Events><Event>1</Event></Events>"], "an XML file"),
])
def test_unreadable_files_are_named_for_what_they_are(evidence_dir, lines, says):
    info = sniff_file(write(evidence_dir, "x.txt", lines, crlf=False))
    assert info.format is None and says in info.problems[0], info.problems


def test_postscreen_reject_with_commas_keeps_the_reply_clean(evidence_dir):
    line = ("Mar  2 19:25:35 mail postfix/postscreen[3222]: NOQUEUE: reject: RCPT from [192.0.2.77]:17308: 550 5.7.1 "
            "Service unavailable; client [192.0.2.77] blocked using zen.spamhaus.org; from=<ann@example.com>, "
            "to=<ann@example.com>, proto=ESMTP, helo=<[192.168.1.5]>")
    _, result = _one(evidence_dir, "mail.log", [line])
    (reply,) = result.replies
    assert reply["direction"] == "inbound" and reply["text"].endswith("blocked using zen.spamhaus.org")
    assert result.exit_code == 3

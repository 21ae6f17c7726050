"""More forms admins paste (issue 11, third round): every one read, or named in one clear line.

Bounce fragments that start at the host name, Exchange 2007-2019's '#550 ... ##' and Exchange
2003's '<host#4.4.7>' diagnostics, tracking rows without '#Fields', SMTP replies on their own,
'postqueue -p' with the shell prompt above it, Exim bounces, grep output over several
maillogs, files mixing syslog and RFC 3339 times; pflogsumm and firewall tables are named.
All written here in the shapes of real pastes, with documentation addresses.
"""

from __future__ import annotations

import json
import re

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.render import to_text
from sbskit.core.triage.sniff import sniff_file
from sbskit.core.triage.sniff_paste import FIELDS_2007, FIELDS_2010, FIELDS_2013
from triage_pasted import write

EXCHANGE_CMDS = re.compile(r"Get-Queue|Set-SendConnector|Get-ReceiveConnector|Exchange System Manager")
POSTFIX_CMDS = re.compile(r"postconf|postqueue|postfix reload")


def _plans(result) -> str:
    return json.dumps([f.plan for f in result.findings])


@pytest.mark.parametrize("text, pattern, cause", [
    ("    mx.example.net[192.0.2.5] refused to talk to me: 554-mx.example.net\n"
     "    (mx042) Service not available 554-No SMTP service 554-IP\n"
     "    address is black listed. 554 For explanation visit\n"
     "    https://postmaster.example.net/en/error-messages?ip=198.51.100.7&c=bip\n",
     "generic_blocked_using", "blocklisted"),
    ("    mx.example.net[2001:db8::1b] said: 550-5.7.25\n"
     "    [2001:db8::7] The IP address sending this message does not\n"
     "    550-5.7.25 have a PTR record setup. As a policy, we do not accept\n"
     "    messages 550-5.7.25 from IPs with missing PTR records. (in reply to end\n"
     "    of DATA command)\n",
     "gmail_ptr", "mail_dns"),
])
def test_a_bounce_fragment_that_starts_at_the_host_name(evidence_dir, text, pattern, cause):
    path = write(evidence_dir, "fragment.txt", text, crlf=False)
    assert sniff_file(path).format == "ndr_text"
    result = analyse([path])
    assert result.replies[0]["pattern"] == pattern
    assert result.exit_code == 1 and result.findings[0].cause == cause


EX2010_NDR = """Delivery has failed to these recipients or groups:

ann@example.net
The e-mail system was unable to deliver the message, but did not report a specific reason.

Diagnostic information for administrators:

Generating server: SRV01.corp.example.com

ann@example.net
mx.example.net #{reply} ##
"""


@pytest.mark.parametrize("reply, pattern, exit_code", [
    ("550 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org", "spamhaus", 1),
    ("550 4.4.7 QUEUE.Expired; message expired", "expired_447", 3),
])
def test_exchange_2007_and_later_ndr_diagnostics(evidence_dir, reply, pattern, exit_code):
    path = write(evidence_dir, "ndr.txt", EX2010_NDR.format(reply=reply), crlf=True)
    result = analyse([path])
    assert result.replies[0]["pattern"] == pattern and result.exit_code == exit_code
    assert any("Exchange 2007 or later" in p and "SRV01.corp.example.com".lower() in p.lower()
               for p in result.inputs[0].problems)


def test_an_exchange_2003_ndr_without_a_space_before_the_code(evidence_dir):
    text = ("Your message did not reach some or all of the intended recipients.\n"
            "      Subject:  Quote\n      Sent:     3/3/2026 10:00 AM\n"
            "The following recipient(s) could not be reached:\n"
            "      ann@example.net on 3/5/2026 10:05 AM\n"
            "            Could not deliver the message in the time limit specified.  Please retry or contact your "
            "administrator.\n            <mail.smallbiz.example#4.4.7>\n")
    result = analyse([write(evidence_dir, "ndr2003.txt", text)])
    assert result.replies[0]["pattern"] == "expired_447"
    assert result.platform.id == "exchange-2003" and result.exit_code == 3


def _row(fields: list[str], event: str, source: str, build: str = "15.01.2507.035") -> str:
    values = {"date-time": "2026-03-03T10:00:00.000Z", "client-ip": "192.168.1.10", "server-ip": "192.0.2.5",
              "server-hostname": "mx.example.net", "connector-id": "Internet", "source": source, "event-id": event,
              "internal-message-id": "1234", "message-id": "<m1@smallbiz.example>",
              "recipient-address": "ann@example.net", "recipient-status": "250 2.0.0 OK",
              "sender-address": "bob@smallbiz.example", "schema-version": build}
    return ",".join(values.get(f, "") for f in fields)


@pytest.mark.parametrize("fields, platform", [(FIELDS_2013, "exchange-2016"), (FIELDS_2010, "exchange"),
                                              (FIELDS_2007, "exchange")])
def test_tracking_rows_without_their_fields_header(evidence_dir, fields, platform):
    rows = [_row(fields, "RECEIVE", "STOREDRIVER"), _row(fields, "SEND", "SMTP")]
    path = write(evidence_dir, "msgtrk-paste.log", rows)
    info = sniff_file(path)
    assert info.format == "exchange_tracking" and info.headerless
    result = analyse([path])
    assert result.inputs[0].records == 2 and result.coverage.messages == 1
    assert any("no #Fields header" in p for p in result.inputs[0].problems)
    assert result.platform.id == platform


@pytest.mark.parametrize("text, pattern, cause", [
    ("454 4.7.0 Failed to establish appropriate TLS channel: Access Denied (in reply to RCPT TO command))",
     "tls_channel_required", "configuration_error"),
    ("550 5.1.8 Access denied, bad outbound sender AS(42003)", "microsoft_account_blocked", "authenticated_relay"),
    ("LastError : 550 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org",
     "spamhaus", "blocklisted"),
    ("The IP address sending this message does not have a 550-5.7.25 PTR record setup, or the corresponding forward "
     "DNS entry does not 550-5.7.25 point to the sending IP. As a policy, we do not accept messages 550-5.7.25 from "
     "IPs with missing PTR records.", "gmail_ptr", "mail_dns"),
])
def test_a_reply_pasted_on_its_own_is_read(evidence_dir, text, pattern, cause):
    path = write(evidence_dir, "reply.txt", [text])
    assert sniff_file(path).format == "pasted_replies"
    result = analyse([path])
    assert result.replies[0]["pattern"] == pattern
    assert result.exit_code == 1 and result.findings[0].cause == cause
    assert any("read as answers to our mail" in p for p in result.inputs[0].problems)


@pytest.mark.parametrize("text, pattern, platform", [
    ("451 4.7.0 Temporary server error. Please try again later. PRX2", "prx_proxy_failure", "exchange-2013+"),
    ("421 4.4.2 Message submission rate for this client has exceeded the configured limit", "rate_limit_exchange",
     "exchange"),
])
def test_replies_only_exchange_writes_name_exchange(evidence_dir, text, pattern, platform):
    result = analyse([write(evidence_dir, "reply.txt", [text])])
    assert result.replies[0]["pattern"] == pattern and result.platform.id == platform
    assert result.exit_code == 3  # whose server said it the paste does not tell: the meaning says both
    assert "OUR" in result.replies[0]["meaning"]
    assert "inspection" not in to_text(result).lower()


def test_several_reply_lines_are_several_replies(evidence_dir):
    lines = ["451 4.4.0 DNS query failed. The error was: DNS query failed with error ServerFailure",
             "451 4.4.0 DNS query failed. The error was: ErrorTimeout"]
    result = analyse([write(evidence_dir, "replies.txt", lines)])
    assert result.inputs[0].records == 2


def test_a_csv_row_with_a_reply_inside_is_not_prose(evidence_dir):
    lines = ["a,b,c,d,e", "1,2,3,451 4.4.0 DNS query failed. The error was: ErrorTimeout,5"]
    assert sniff_file(write(evidence_dir, "table.csv", lines)).format != "pasted_replies"


MAILQ = """{prompt}
postqueue: warning: Mail system is down -- accessing queue directly
-Queue ID- --Size-- ----Arrival Time---- -Sender/Recipient-------
4F2A1B*     2048 Tue Mar  3 09:00:00  [ann@smallbiz.example](mailto:ann@smallbiz.example)
(connect to mx1.example.net[192.0.2.5]:25: Connection timed out)
                                         [bob@example.net](mailto:bob@example.net)

4F2A1C      2048 Tue Mar  3 09:05:00  ann@smallbiz.example
(connect to mx.example.org[192.0.2.9]:25: Connection timed out)
                                         carol@example.org

4F2A1D      2048 Tue Mar  3 09:07:00  ann@smallbiz.example
(connect to mx.example.com[2001:db8::1b]:25: Address not available)
                                         dave@example.com
"""


@pytest.mark.parametrize("prompt", ["# postqueue -p", "bash-5.0# postqueue -p", "root@mx1:~# mailq", "$ sudo mailq"])
def test_mailq_with_the_shell_prompt_above_it(evidence_dir, prompt):
    path = write(evidence_dir, "mailq.txt", MAILQ.format(prompt=prompt), crlf=False)
    assert sniff_file(path).format == "postfix_mailq"
    result = analyse([path])
    assert result.inputs[0].records == 3 and result.inputs[0].skipped == 0
    assert any("mail system is down" in p for p in result.inputs[0].problems)
    assert result.exit_code == 1 and result.findings[0].cause == "configuration_error"
    subjects = {s for r in result.replies for s in r["subjects"]}
    assert "example.net" in subjects and not any("mailto" in s for s in subjects)


def test_an_exim_bounce_is_read_and_gets_no_exchange_or_postfix_commands(evidence_dir):
    text = ("This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its\n"
            "recipients. This is a temporary error. The following address(es) deferred:\n\n"
            "  ann@example.net\n"
            "    SMTP error from remote mail server after RCPT TO:<ann@example.net>:\n"
            "    550 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using\n"
            "    zen.spamhaus.org\n")
    result = analyse([write(evidence_dir, "exim-bounce.txt", text)])
    assert result.replies[0]["pattern"] == "spamhaus" and result.exit_code == 1
    assert result.platform.id == "other" and "Exim" in result.platform.name
    assert not EXCHANGE_CMDS.search(_plans(result)) and not POSTFIX_CMDS.search(_plans(result))
    assert result.findings[0].plan  # the steps both systems share are still there


def test_exims_greylisting_reply_after_the_rcpt_line(evidence_dir):
    text = ("SMTP error from remote mail server after RCPT TO:<ann@example.net>:\n"
            "450 4.2.0 <ann@example.net>: Recipient address rejected: Greylisted,\n"
            "see http://postgrey.example.net/help/example.net.html\n")
    result = analyse([write(evidence_dir, "exim.txt", text)])
    assert result.replies[0]["pattern"] == "greylisted" and result.exit_code == 3
    assert result.replies[0]["meaning"].startswith("The receiver greylists")


@pytest.mark.parametrize("text, words", [
    ("Grand Totals\n------------\nmessages\n\n   3336   received\n  15865   delivered\n      0   forwarded\n"
     "    388   deferred  (6839  deferrals)\n     16   bounced\n", ("pflogsumm", "388 deferred", "add the maillog")),
    ("    Date       Time     Action  Protocol SrcIp         DstIp          Src Port\n"
     "    ----       ----     ------  -------- -----         -----          --------\n"
     "    2026-03-03 08:05:57 DROP    UDP      192.0.2.10    198.51.100.255 137\n",
     ("Windows Firewall log shown as a table", "pfirewall.log")),
])
def test_summaries_and_tables_the_triage_cannot_read_are_named(evidence_dir, text, words):
    path = write(evidence_dir, "paste.txt", text, crlf=False)
    with pytest.raises(UserInputError) as err:
        analyse([path])
    assert all(w in str(err.value) for w in words), str(err.value)
    assert "does not know" not in str(err.value)


def test_grep_output_over_several_maillogs(evidence_dir):
    lines = [
        "mail.log:Mar  3 10:00:00 mx1 postfix/smtp[1001]: 4F2A1B: to=<ann@example.net>, relay=mx.example.net"
        "[192.0.2.5]:25, delay=5, delays=0.1/0/5/0, dsn=5.7.1, status=bounced (host mx.example.net[192.0.2.5] said: "
        "554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org (in reply to RCPT TO "
        "command))",
        "/var/log/mail.log.1:1234:Mar  3 11:00:00 mx1 postfix/smtp[1002]: 4F2A1C: to=<bob@example.net>, "
        "relay=mx.example.net[192.0.2.5]:25, delay=5, delays=0.1/0/5/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
    ]
    path = write(evidence_dir, "grep.txt", lines, crlf=False)
    assert sniff_file(path).format == "postfix_maillog"
    result = analyse([path])
    assert result.inputs[0].records == 2 and result.coverage.messages == 1
    assert result.exit_code == 1 and result.findings[0].cause == "blocklisted"
    assert any("file name in front" in p for p in result.inputs[0].problems)


def test_a_cut_status_line_still_gives_its_reason(evidence_dir):
    line = ("Mar  3 10:00:00 mx1 postfix/smtp[1001]: 4F2A1B: to=<ann@example.net>, relay=mx.example.net[192.0.2.5]:25, "
            "delay=3600, delays=3600/0/0.2/0, dsn=4.0.0, status=deferred (host mx.example.net[192.0.2.5] refused to "
            "talk to me: 554-mx.example.net No SMTP service 554-Service not available 554 Bad DNS PTR resource record.")
    result = analyse([write(evidence_dir, "mail.log", [line], crlf=False)])
    assert result.replies[0]["pattern"] == "ptr_missing" and result.inputs[0].skipped == 0
    assert result.exit_code == 1 and result.findings[0].cause == "mail_dns"


def test_syslog_and_rfc3339_times_in_one_file_make_no_gap_of_decades(evidence_dir):
    sent = ("mx1 postfix/smtp[100{n}]: 4F2A{n}B: to=<u{n}@example.net>, relay=mx.example.net[192.0.2.5]:25, delay=1, "
            "delays=0.1/0/0.5/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok)")
    lines = [f"Mar  3 10:0{n}:00 " + sent.format(n=n) for n in range(3)]
    lines += [f"2024-03-03T10:1{n}:00.000000+00:00 " + sent.format(n=n + 3) for n in range(3)]
    result = analyse([write(evidence_dir, "mixed.log", lines, crlf=False)])
    assert result.coverage.hours < 1 and not any("gap" in g for g in result.coverage.gaps), result.coverage.gaps
    assert any("two formats" in p and "2024" in p for p in result.inputs[0].problems)


def test_an_unreadable_file_is_not_called_no_files(evidence_dir):
    path = write(evidence_dir, "notes.txt", ["just some notes", "nothing here"])
    result = analyse([path], Answers({"queues_long": "yes"}))
    assert "there are no evidence files" not in result.verdict()
    assert "could not be read" in result.verdict()

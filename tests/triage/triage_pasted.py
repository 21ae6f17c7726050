"""Evidence in the forms admins paste and in Postfix's own formats, written for the tests.

The shapes follow what PowerShell prints (Format-Table with the dashed underline and cut
cells, Format-List with wrapped values), what Postfix writes (maillog lines, mailq,
postqueue -j) and what bounce messages look like (Postfix, Exchange, Exim); contents use
documentation addresses and made-up names.
"""

from __future__ import annotations

import json
from pathlib import Path

from sbskit.core.triage import samples as S

GET_QUEUE_TABLE_2010 = """
Identity                        DeliveryType Status MessageCount NextHopDomain
--------                        ------------ ------ ------------ -------------
SBS01\\Submission                Undefined    Ready  0            Submission
SBS01\\4                         SmartHost... Retry  312          smtp.isp.example
SBS01\\Unreachable               Unreachable  Ready  3            Unreachable Domain
"""

GET_QUEUE_TABLE_2016 = """
Identity                 DeliveryType Status MessageCount Velocity RiskLevel OutboundIPPool NextHopDomain
--------                 ------------ ------ ------------ -------- --------- -------------- -------------
EX01\\7                   DnsConnec... Retry  41           0        Normal    0              partner.example.com
EX01\\Submission          Undefined    Ready  0            0        Normal    0              Submission
"""

GET_QUEUE_LIST = """
Identity           : SBS01\\4
DeliveryType       : SmartHostConnectorDelivery
NextHopDomain      : smtp.isp.example
Status             : Retry
MessageCount       : 312
LastError          : 451 4.4.0 Primary target IP address responded with: "535 5.7.8 Error: authentication
                     failed: authentication failure." Attempted failover to alternate host, but that did not
                     succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts.
RetryCount         : 41
LastRetryTime      : 11/27/2026 9:41:12 AM

Identity           : SBS01\\Submission
DeliveryType       : Undefined
NextHopDomain      : Submission
Status             : Ready
MessageCount       : 0
LastError          :
"""

TRACKING_TABLE = """
EventId  Source   Sender                            Recipients                        MessageSubject
-------  ------   ------                            ----------                        --------------
RECEIVE  SMTP     bob@partner.example               {anna@smallbiz.example}           Order 4711
DELIVER  STORE... bob@partner.example               {anna@smallbiz.example}           Order 4711
SEND     SMTP     anna@smallbiz.example             {carl@customer.example}           Re: Order 4711
"""

GET_MESSAGE_TABLE = """
Identity             FromAddress                 Status  Queue                 Subject
--------             -----------                 ------  -----                 -------
SBS01\\4\\12           office@smallbiz.example     Retry   SBS01\\4               Offer
SBS01\\4\\13           <>                          Retry   SBS01\\4               Undeliverable: Cheap
"""

RECEIVE_LINES = [
    "2026-11-27T15:59:51.433Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,0,192.168.1.10:25,203.0.113.77:56026,+,,",
    '2026-11-27T15:59:51.433Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,1,192.168.1.10:25,203.0.113.77:56026,>,'
    '"220 SBS01.smallbiz.example Microsoft ESMTP MAIL Service ready at Fri, 27 Nov 2026 16:59:51 +0100",',
    "2026-11-27T15:59:53.909Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,2,192.168.1.10:25,203.0.113.77:56026,<,EHLO [203.0.113.77],",
    "2026-11-27T16:00:03.115Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,3,192.168.1.10:25,203.0.113.77:56026,<,AUTH LOGIN,",
    "2026-11-27T16:00:06.195Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,4,192.168.1.10:25,203.0.113.77:56026,>,334 <authentication response>,",
    "2026-11-27T16:00:10.644Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,5,192.168.1.10:25,203.0.113.77:56026,*,,Inbound AUTH LOGIN failed because of LogonDenied",
    "2026-11-27T16:00:10.644Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,5,192.168.1.10:25,203.0.113.77:56026,*,,Inbound AUTH LOGIN failed because of LogonDenied",
    "2026-11-27T16:00:10.644Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,5,192.168.1.10:25,203.0.113.77:56026,*,,User Name: administrator@smallbiz.example",
    "2026-11-27T16:00:10.650Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,6,192.168.1.10:25,203.0.113.77:56026,>,535 5.7.3 Authentication unsuccessful,",
    "2026-11-27T16:00:12.000Z,SBS01\\Default Frontend SBS01,08DE1A2B3C4D5E6F,7,192.168.1.10:25,203.0.113.77:56026,-,,Remote(SocketError)",
]
RECEIVE_HEADER = ["#Software: Microsoft Exchange Server", "#Version: 15.0.0.0", "#Log-type: SMTP Receive Protocol Log",
                  "#Date: 2026-11-27T16:00:04.113Z",
                  "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context"]

UNVERIFIED = ("host mx.customer.example[192.0.2.40] said: 450 4.7.1 <dsl-198-51-100-7.dyn.example[198.51.100.7]>: "
              "Unverified Client host rejected: Generic - Please relay via ISP (isp.example) (in reply to RCPT TO command)")

MAILQ = f"""-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
4F2D81A0B3      3174 Fri Nov 27 06:02:00  office@smallbiz.example
({UNVERIFIED})
                                         anna@customer.example

8C2F41A0D91*    2148 Fri Nov 27 06:10:44  office@smallbiz.example
                                         sre@customer.example

91AB41A0E02!    1902 Fri Nov 27 06:20:31  MAILER-DAEMON
(host mx1.nowhere.example[203.0.113.25] refused to talk to me:
 554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org)
                                         forged@nowhere.example

-- 7 Kbytes in 3 Requests.
"""

POSTFIX_BOUNCE = """This is the mail system at host mail.smallbiz.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<carl@customer.example>: host
    customer-example.mail.protection.outlook.com[192.0.2.33] said: 550 5.7.606
    Access denied, banned sending IP [198.51.100.7]. To request removal from
    this list please visit https://sender.office.com/ and follow the
    directions. AS(1430) (in reply to RCPT TO command)

Reporting-MTA: dns; mail.smallbiz.example
Final-Recipient: rfc822; carl@customer.example
Action: failed
Status: 5.7.606
Diagnostic-Code: smtp; 550 5.7.606 Access denied, banned sending IP
    [198.51.100.7]. To request removal from this list please visit
    https://sender.office.com/ and follow the directions. AS(1430)
"""

EXCHANGE_NDR = """Delivery has failed to these recipients or groups:

dora@partner.example
A problem occurred during the delivery of this message to this e-mail address.

Diagnostic information for administrators:

Generating server: SBS01.smallbiz.local

dora@partner.example
mx.partner.example #<mx.partner.example #5.7.1 smtp;550 5.7.1 <dora@partner.example>: Recipient address rejected: Unverified Client host rejected> #SMTP#
"""

EXIM_BOUNCE = """This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  erik@gmail.com
    host gmail-smtp-in.l.google.com [192.0.2.27]
    SMTP error from remote mail server after end of data:
    550-5.7.26 This mail has been blocked because the sender is unauthenticated.
    550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.
    550 5.7.26 Authentication results: DKIM = did not pass SPF [smallbiz.example] with ip: [198.51.100.7] = did not pass.
"""


def maillog_lines(hours: int = 10, sent: int = 30, deferred: int = 0) -> list[str]:
    """A Postfix maillog: SASL guessing, a refused relay, deliveries over ``hours`` hours, optional deferrals."""
    lines = [
        "Nov 27 06:00:02 mail postfix/smtpd[2101]: warning: unknown[203.0.113.77]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
        "Nov 27 06:00:04 mail postfix/smtpd[2101]: warning: unknown[203.0.113.77]: SASL LOGIN authentication failed: "
        "authentication failure, sasl_username=admin",
        "Nov 27 06:01:10 mail postfix/smtpd[2102]: NOQUEUE: reject: RCPT from unknown[198.51.100.23]: 554 5.7.1 "
        "<victim@gmail.example.com>: Relay access denied; from=<spam@random.example> to=<victim@gmail.example.com> "
        "proto=ESMTP helo=<x.example>",
    ]
    for i in range(deferred):  # early in the day: a log runs in time order
        qid = f"{0x4F2D8100 + i:X}"
        lines.append(f"Nov 27 06:0{2 + i % 7}:03 mail postfix/qmgr[900]: {qid}: from=<office@smallbiz.example>, size=3174, nrcpt=1 (queue active)")
        lines.append(f"Nov 27 06:0{2 + i % 7}:04 mail postfix/smtp[2105]: {qid}: to=<anna{i}@customer.example>, "
                     "relay=mx.customer.example[192.0.2.40]:25, delay=3.1, delays=0.1/0/0.5/2.5, dsn=4.7.1, "
                     f"status=deferred ({UNVERIFIED})")
    for i in range(sent):
        minute = 10 + i * hours * 60 // max(sent, 1)
        stamp = f"Nov 27 {6 + minute // 60:02d}:{minute % 60:02d}:{i % 60:02d}"
        qid = f"{0x5A1B2C00 + i:X}"
        lines.append(f"{stamp} mail postfix/qmgr[900]: {qid}: from=<office@smallbiz.example>, size=3174, nrcpt=1 (queue active)")
        if i % 2:
            lines.append(f"{stamp} mail postfix/local[2106]: {qid}: to=<ben@smallbiz.example>, relay=local, delay=0.02, "
                         "delays=0/0/0/0.02, dsn=2.0.0, status=sent (delivered to mailbox)")
        else:
            lines.append(f"{stamp} mail postfix/smtp[2107]: {qid}: to=<erik{i}@partner.example>, relay=mx.partner.example"
                         "[192.0.2.26]:25, delay=1.4, delays=0.01/0.01/0.52/0.83, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued)")
    return lines


def write(folder: Path, name: str, text: str | list[str], encoding: str = "utf-8", bom: bool = False,
          crlf: bool = True) -> Path:
    lines = text if isinstance(text, list) else text.strip("\n").split("\n")
    return S.write_text(folder / name, lines, encoding=encoding, bom=bom, crlf=crlf)


def postqueue_unverified(folder: Path) -> Path:
    """The issue's second case: a real-shaped postqueue -j dump with one deferral for an unverified host name."""
    obj = {"queue_name": "deferred", "queue_id": "4XcB7k2Jm9z1", "arrival_time": 1795759200, "message_size": 3174,
           "forced_expire": False, "sender": "office@smallbiz.example",
           "recipients": [{"address": "anna@customer.example", "delay_reason": UNVERIFIED}]}
    return write(folder, "postqueue-j.txt", [json.dumps(obj)], crlf=False)

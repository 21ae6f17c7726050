"""The reply catalogue: every pattern recognises its own real-world wording, in the forms it arrives.

The examples are written after real replies (Exchange, Microsoft 365/Outlook.com, Gmail,
Yahoo, Postfix, blocklist operators), with documentation addresses; several arrive the
way the evidence carries them: wrapped in Exchange's "Primary target IP address responded
with", in Postfix's "host X said: ... (in reply to ...)", or as Gmail's multi-line reply
flattened into one line.
"""

from __future__ import annotations

import re

import pytest

from sbskit.core.resources import load_json, load_toml
from sbskit.core.triage.model import CAUSES
from sbskit.core.triage.replies import classify, codes_in, group_key, normalise, patterns
from sbskit.core.triage.tally import ReplyTally

EXAMPLES: dict[str, list[str]] = {
    "greeting_refused_bare_554": ["554 mx-in-3.example.net", "host mx-in-3.example.net[192.0.2.106] refused to talk to "
                                                             "me: 554 mx-in-3.example.net"],
    "local_agent_failed": ["local delivery (lmtp): connect to 192.0.2.7[192.0.2.7]:2525: Connection refused",
                           "local delivery (local): user lookup error"],
    "smarthost_requires_auth": [
        "451 4.4.0 Primary target IP address responded with: \"451 5.7.3 Require basic authentication.\" Attempted "
        "failover to alternate host, but that did not succeed.",
        "504 Need to authenticate first"],
    "sasl_no_credentials": ["smtp_sasl_passwd_lookup: no auth info found (sender=`', host=`smtp.isp.example')"],
    "tls_channel_required": ["454 4.7.0 Failed to establish appropriate TLS channel: Access Denied"],
    "exchange_transport_down": [
        "Failed to connect. Winsock error code: 10061, Win32 error code: 10061, Destination domain: internalproxy, Error "
        "Message: No connection could be made because the target machine actively refused it 192.168.1.10:2525.",
        "451 4.4.0 Primary target IP address responded with: \"No connection could be made because the target machine "
        "actively refused it 192.168.1.10:2525\""],
    "prx_proxy_failure": ["451 4.7.0 Temporary server error. Please try again later. PRX2",
                          "421 4.3.2 Service not available PRX5"],
    "ipv6_unavailable": ["connect to mx.partner.example[2001:db8::1b]:25: Address not available"],
    "connect_code_only": ["451 4.4.1 No answer from host"],
    "expired_code_only": ["550 4.4.7 #mx.partner.example"],
    "bad_connection_code_only": ["421 4.4.2 mx.partner.example closing transmission channel"],
    "mail_transport_unavailable": ["mail transport unavailable"],
    "local_mailbox_unwritable": ["cannot update mailbox /var/mail/backup for user backup. destination /var/mail/backup "
                                 "is not owned by recipient"],
    "ptr_missing": ["554-mx.partner.example No SMTP service 554-Service not available 554 Bad DNS PTR resource record.",
                    "550 5.7.1 [198.51.100.7] Messages without PTR are not accepted"],
    "sender_domain_no_mx": ["550-Requested action not taken: mailbox unavailable 550 invalid DNS MX or A/AAAA resource "
                            "record"],
    "tonline_blocklist": ["554 IP=198.51.100.7 - A problem occurred. (Ask your postmaster for help or to contact "
                          "tosa@rx.t-online.de to clarify.) (BL)"],
    "proofpoint_block": ["554 Blocked - see https://ipcheck.proofpoint.com/?ip=198.51.100.7"],
    "rate_limit_exchange": ["421 4.4.2 Message submission rate for this client has exceeded the configured limit"],
    "rate_limit_exceeded": ["450 4.7.1 Error: message rate limit exceeded for sender, try again later"],
    "auth_failed_578": [
        '451 4.4.0 Primary target IP address responded with: "535 5.7.8 Error: authentication failed: authentication '
        'failure." Attempted failover to alternate host, but that did not succeed.',
        "535 5.7.8 Error: authentication failed: (reason unavailable)"],
    "auth_unsuccessful_573": ["535 5.7.3 Authentication unsuccessful [DB6P18901CA0015.EURP189.PROD.OUTLOOK.COM]"],
    "auth_o365_57139": ["535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. "
                        "[SN4PR0601CA0012.namprd06.prod.outlook.com]"],
    "client_not_authenticated_5757": ["530 5.7.57 Client not authenticated to send mail. [BN6PR1101CA0012.namprd11.prod.outlook.com]",
                                      "530 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM"],
    "client_not_authenticated_571": ["530 5.7.1 Client was not authenticated"],
    "starttls_required_530": ["530 5.7.0 Must issue a STARTTLS command first. x12sm345678wrt.4 - gsmtp",
                              "421 4.7.0 TLS required for RCPT domain, closing connection. a1si2 - gsmtp"],
    "tls_unavailable": ["454 4.7.0 TLS not available due to local problem",
                        "TLS is required, but our TLS engine is unavailable"],
    "tls_policy_not_offered": ["TLS is required, but was not offered by host smtp.isp.example[192.0.2.25]"],
    "tls_own_certificate": ["TLS negotiation failed with error UnknownCredentials"],
    "sasl_no_mechanism": ["SASL authentication failed; cannot authenticate to server smtp.isp.example[192.0.2.25]: "
                          "no mechanism available",
                          "SASL authentication failed: server smtp.isp.example[192.0.2.25] offered no compatible "
                          "authentication mechanisms for this type of connection security"],
    "dnsbl_open_resolver": ["554 5.7.1 Service unavailable; Client host [192.0.2.20] blocked using zen.spamhaus.org; "
                            "Error: open resolver; https://www.spamhaus.org/returnc/pub/203.0.113.53"],
    "cloudmark_orange": ["550 mwinf ME Adresse IP source bloquee pour incident de spam. Client host blocked for "
                         "spamming issues. OFR006_102 Ref http://csi.cloudmark.example/reset-request/?ip=198.51.100.7"],
    "dns_no_data": ["Host or domain name not found. Name service error for name=mx.outlook.example type=A: Host found "
                    "but no data record of requested type"],
    "verify_local_agent_down": ["450 4.1.1 <bob@example.net>: Recipient address rejected: unverified address: "
                                "connect to mx1.example.com[private/dovecot-lmtp]: No such file or directory"],
    "unverified_address": ["450 4.1.1 <bob@example.net>: Recipient address rejected: unverified address: host "
                           "mx.example.net[192.0.2.5] said: 451 4.3.0 try again later"],
    "exo_directory_block": ["550 5.4.1 Recipient address rejected: Access denied. AS(201806281) "
                            "[DB5EUR01FT012.eop-EUR01.prod.protection.outlook.com]"],
    "auth_required_530": ["530 Authentication required"],
    "app_password_required": ["534-5.7.9 Application-specific password required. Learn more at 534 5.7.9 "
                              "https://support.google.com/mail/?p=InvalidSecondFactor a2sm1 - gsmtp"],
    "username_password_not_accepted": ["535-5.7.8 Username and Password not accepted. For more information, go to "
                                       "535 5.7.8 https://support.google.com/mail/?p=BadCredentials a3sm9 - gsmtp",
                                       "535 Incorrect authentication data"],
    "postfix_sasl_failed": ["SASL authentication failed; server smtp.isp.example[192.0.2.25] said: 535 5.7.0 Invalid login or password"],
    "sender_not_owned": ["553 5.7.1 <office@smallbiz.example>: Sender address rejected: not owned by user relay@isp.example"],
    "relay_denied": ["554 5.7.1 <anna@customer.example>: Relay access denied",
                     "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain",
                     "550 5.7.1 Unable to relay", "Relay access denied"],
    "relay_service_not_registered": ["550-5.7.0 Mail relay denied [198.51.100.7]. Invalid credentials for relay for one "
                                     "of the domains in: smallbiz.example (as obtained from HELO and MAIL FROM)."],
    "no_connector": ["A matching connector cannot be found to route the external recipient",
                     "550 5.4.4 Unable to route: no connector found for address type SMTP"],
    "dns_server_failure": ["451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry",
                           "Host or domain name not found. Name service error for name=partner.example type=MX: Host not found, try again"],
    "dns_nxdomain": ["451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain",
                     "Host or domain name not found. Name service error for name=typo-domain.example type=A: Host not found"],
    "dns_54x_route": ["550 5.4.0 Authoritative host not found"],
    "connect_timeout": ['451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out." '
                        "Attempted failover to alternate host, but that did not succeed.",
                        "connect to mx.partner.example[203.0.113.4]:25: Connection timed out",
                        'Primary target IP address responded with: "421 4.2.1 Unable to connect."'],
    "connect_refused": ["connect to smtp.isp.example[192.0.2.25]:587: Connection refused",
                        "451 4.4.0 Primary target IP address responded with: \"No connection could be made because the "
                        "target machine actively refused it 192.0.2.25:25\""],
    "network_unreachable": ["connect to mx.partner.example[2001:db8::25]:25: Network is unreachable"],
    "connection_dropped": ['451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped due to SocketError."',
                           "lost connection with mx.partner.example[203.0.113.9] while sending message body"],
    "expired_447": ["550 4.4.7 QUEUE.Expired; message expired", "4.4.7 Message delayed",
                    "message expired after 5 days in queue",
                    "4.4.7 Could not deliver the message in the time limit specified. Please retry or contact your "
                    "administrator."],
    "mail_loop": ["554 5.4.6 Hop count exceeded - possible mail loop",
                  "mail for smallbiz.example loops back to myself",
                  "host mail.smallbiz.example[192.0.2.10] greeted me with my own hostname mail.smallbiz.example"],
    "exchange_auth_internal": ["530 5.7.3 Cannot achieve Exchange Server authentication"],
    "back_pressure": ["452 4.3.1 Insufficient system resources"],
    "spamhaus_pbl": ["554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org; "
                     "https://www.spamhaus.org/query/ip/198.51.100.7 (PBL)",
                     "550 5.7.1 Message rejected because of the Spamhaus PBL, see https://www.spamhaus.org/pbl/"],
    "spamhaus": ["554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org; "
                 "https://www.spamhaus.org/sbl/query/SBL468702",
                 "550 5.7.1 Service unavailable, Client host [198.51.100.7] blocked using Spamhaus. To request removal "
                 "from this list see http://www.spamhaus.org/lookup.lasso (AS16012611)",
                 "553 5.7.1 [BL23] Connections not accepted from IP addresses on Spamhaus XBL"],
    "spamcop": ["554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using bl.spamcop.net; Blocked - see "
                "https://www.spamcop.net/bl.shtml?198.51.100.7"],
    "barracuda": ["554 Service unavailable; Client host [198.51.100.7] blocked using Barracuda Reputation; "
                  "http://www.barracudanetworks.com/reputation/?pr=1&ip=198.51.100.7",
                  "550 5.7.1 Service unavailable; client [198.51.100.7] blocked using b.barracudacentral.org"],
    "sorbs_uceprotect": ["554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using dnsbl-1.uceprotect.net"],
    "microsoft_s3150": ["550 5.7.1 Unfortunately, messages from [198.51.100.7] weren't sent. Please contact your Internet "
                        "service provider since part of their network is on our block list (S3150). You can also refer "
                        "your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. "
                        "[DB3EUR04FT007.eop-eur04.prod.protection.outlook.com]",
                        "host hotmail-com.olc.protection.outlook.com[104.47.34.33] said: 550 5.7.1 Unfortunately, messages "
                        "from [198.51.100.7] weren't sent. Please contact your Internet service provider since part of "
                        "their network is on our block list (AS3140). (in reply to MAIL FROM command)"],
    "microsoft_legacy_sc": ["550 SC-001 (SNT004-MC10F17) Unfortunately, messages from 198.51.100.7 weren't sent. "
                            "Please contact your Internet service provider."],
    "microsoft_dynamic_dy": ["550 DY-001 (BAY004-MC1F51) Unfortunately, messages from 198.51.100.7 weren't sent. Please "
                             "contact your Internet service provider. You can tell them that Hotmail does not relay "
                             "dynamically-assigned IP ranges."],
    "microsoft_banned_ip": ["550 5.7.606 Access denied, banned sending IP [198.51.100.7]. To request removal from this "
                            "list please visit https://sender.office.com/ and follow the directions. For more "
                            "information please go to http://go.microsoft.com/fwlink/?LinkID=526655 AS(1430)"],
    "microsoft_banned_ip_text": ["550 Access denied, banned sending IP [198.51.100.7]"],
    "microsoft_customer_block": ["550 5.7.513 Service unavailable, Client host [198.51.100.7] blocked by customer.example "
                                 "using Customer Block list (AS16012607)"],
    "microsoft_ip_reputation": ["451 4.7.650 The mail server [198.51.100.7] has been temporarily rate limited due to IP "
                                "reputation. For e-mail delivery information, see https://postmaster.live.com (S775)",
                                "451 4.7.500 Access denied, please try again later. (AS761)"],
    "microsoft_account_blocked": ["550 5.1.8 Access denied, bad outbound sender",
                                  "550 5.7.501 Access denied, spam abuse detected"],
    "gmail_unusual_rate": [
        "550-5.7.1 [198.51.100.7 1] Our system has detected an unusual rate of 550-5.7.1 unsolicited mail originating "
        "from your IP address. To protect our 550-5.7.1 users from spam, mail sent from your IP address has been "
        "blocked. 550-5.7.1 Please visit 550-5.7.1 https://support.google.com/mail/?p=UnsolicitedIPError to review our "
        "550 5.7.1 Bulk Email Senders Guidelines. s25si6573124wmj.54 - gsmtp",
        "421-4.7.28 Gmail has detected an unusual rate of unsolicited mail. To protect 421-4.7.28 our users from spam, "
        "mail has been temporarily rate limited."],
    "gmail_likely_unsolicited": ["550-5.7.1 [198.51.100.7 12] Our system has detected that this message is 550-5.7.1 "
                                 "likely unsolicited mail. To reduce the amount of spam sent to Gmail, 550-5.7.1 this "
                                 "message has been blocked. h52si12217192ede.134 - gsmtp"],
    "gmail_low_reputation": ["421 4.7.0 This message is suspicious due to the very low reputation of the sending IP "
                             "address. To protect our users from spam, mail sent from your IP address has been "
                             "temporarily rate limited."],
    "yahoo_tss04": ["421 4.7.0 [TSS04] Messages from 198.51.100.7 temporarily deferred due to unexpected volume or user "
                    "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
                    "553 5.7.2 [TSS09] All messages from 198.51.100.7 will be permanently deferred; Retrying will NOT succeed."],
    "trend_micro_ers": ["554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using "
                        "ASHB2VH2LBAJDLPVLNZ7XFLPCMMA4HP.r.mail-abuse.com; Mail from 198.51.100.7 blocked using Trend "
                        "Micro Email Reputation database."],
    "generic_blocked_using": ["554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using dnsbl.example.net",
                              "550 Your IP 198.51.100.7 is listed in our RBL"],
    "generic_bad_reputation": ["554 5.5.4 Your IP 198.51.100.7 address has a bad reputation. To unblock visit "
                               "http://unblock.example/?ip=198.51.100.7"],
    "unverified_client_host": ["host mx.customer.example[192.0.2.40] said: 450 4.7.1 <dsl-198-51-100-7.dyn.example"
                               "[198.51.100.7]>: Unverified Client host rejected: Generic - Please relay via ISP "
                               "(isp.example) (in reply to RCPT TO command)",
                               "450 4.7.1 Unverified Client host rejected: Access denied"],
    "cannot_find_hostname": ["450 4.7.1 Client host rejected: cannot find your hostname, [198.51.100.7]",
                             "550 5.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.7]",
                             "550 5.7.25 Access denied, the sending IPv6 address [2001:db8::7] must have a reverse dns record",
                             "421 Refused. Your reverse DNS entry does not resolve to an IP."],
    "gmail_ptr": ["421-4.7.23 The sending IP address for this message doesn't have a PTR record, or the PTR record's "
                  "forward DNS entry doesn't match the sending IP address.",
                  "550-5.7.25 The IP address sending this message does not have a PTR record setup, or the corresponding "
                  "forward DNS entry does not point to the sending IP. As a policy, Gmail does not accept messages from "
                  "IPs with missing PTR records."],
    "ptr_code_only": ["450 4.7.25 Client host rejected"],
    "helo_rejected": ["504 5.5.2 <SBS01>: Helo command rejected: need fully-qualified hostname",
                      "450 4.7.1 <SBS01.smallbiz.local>: Helo command rejected: Host not found",
                      "550 5.7.506 Access denied, bad HELO"],
    "sender_domain_unresolvable": ["450 4.1.8 <anna@smallbiz.local>: Sender address rejected: Domain not found",
                                   "451 Message temporarily deferred due to unresolvable RFC.5321 from domain."],
    "gmail_unauthenticated_5726": ["550-5.7.26 This mail has been blocked because the sender is unauthenticated. "
                                   "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.",
                                   "550-5.7.1 This message does not have authentication information or fails to pass "
                                   "550-5.7.1 authentication checks. To best protect our users from spam, the 550-5.7.1 "
                                   "message has been blocked.",
                                   "550 5.7.26 Unauthenticated email from smallbiz.example is not accepted due to domain's "
                                   "DMARC policy."],
    "spf_fail": ["550 5.7.23 The message was rejected because of Sender Policy Framework violation",
                 "421-4.7.27 Your email has been rate limited because SPF authentication didn't pass for this message."],
    "spf_code_only": ["550 5.7.27 rejected"],
    "dkim_fail": ["550-5.7.30 This mail has been blocked because DKIM does not pass. Gmail requires all large senders "
                  "to authenticate with DKIM."],
    "dkim_code_only": ["421 4.7.30 rate limited"],
    "dmarc_fail": ["550 5.7.509 Access denied, sending domain [smallbiz.example] does not pass DMARC verification and "
                   "has a DMARC policy of reject."],
    "dmarc_code_only": ["421-4.7.32 Your email has been rate limited because the From: header (RFC5322) in this message "
                        "isn't aligned with either the authenticated SPF or DKIM organizational domain."],
    "microsoft_auth_level_515": ["550 5.7.515 Access denied, sending domain [smallbiz.example] does not meet the "
                                 "required authentication level."],
    "yahoo_unauthenticated": ["550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo "
                              "requires all senders to authenticate with either SPF or DKIM."],
    "recipient_not_found_exchange": ["550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
                                     "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"],
    "recipient_unknown": ["550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 "
                          "double-checking the recipient's email address for typos.",
                          "550 5.1.1 <old@customer.example>: Recipient address rejected: User unknown in virtual mailbox table",
                          "550 User unknown"],
    "recipient_unknown_code": ["550 5.1.1 bad destination"],
    "mailbox_full": ["452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to "
                     "452 4.2.2 https://support.google.com/mail/?p=OverQuotaTemp",
                     "552 5.2.2 Mailbox full",
                     "452 4.1.1 <bob@example.net> user is over quota, please try again later"],
    "mailbox_full_code": ["552 5.2.2 <anna@customer.example>"],
    "mailbox_disabled": ["550 5.2.1 The email account that you tried to reach is disabled."],
    "message_too_big": ["552 5.3.4 Message size exceeds fixed maximum message size",
                        "552-5.2.3 Your message exceeded Google's message size limits."],
    "message_too_big_code": ["552 5.3.4 rejected"],
    "recipient_policy": ["550 5.7.1 RESOLVER.RST.AuthRequired; authentication required [Stage: CreateMessage] "
                         "delivery not authorized",
                         "550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup; sender not authenticated for group"],
    "remote_busy": ["451 4.7.500 Server busy. Please try again later from [198.51.100.7]. (AS843)",
                    "421 4.7.0 Error: too many connections from 198.51.100.7",
                    "450 4.2.1 The user you are trying to contact is receiving mail too quickly.",
                    "450 4.7.3 Organization queue quota exceeded."],
    "service_unavailable": [
        "451 Internal resource temporarily unavailable - https://support.example.test/docs#451 [AbCdEf]",
        "421 4.3.2 Service not available, closing transmission channel",
        "451 4.3.0 Temporary system problem. Try again later."],
    "greylisted": ["450 4.7.1 <anna@customer.example>: Recipient address rejected: Greylisted, see "
                   "http://postgrey.schweikert.ch/help/customer.example.html",
                   "451 4.7.1 Greylisting in action, please come back later",
                   "450 4.2.0 Temporarily rejected. Try again in 300 seconds"],
    "content_refused": ["552-5.7.0 This message was blocked because its content presents a potential security issue."],
    "protocol_error": ["503 5.5.1 Bad sequence of commands", "550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; invalid characters"],
    "generic_policy_571": ["550 5.7.1 Message rejected"],
    "generic_temporary": ["451 4.3.5 Server configuration problem", "451 4.7.1 Please try again later"],
    "generic_permanent": ["554 5.6.0 Mail message is malformed. Not accepted."],
}


def test_every_pattern_has_examples_and_the_catalogue_is_big_enough():
    ids = [p.id for p in patterns()]
    assert len(ids) >= 60 and len(ids) == len(set(ids))
    assert set(EXAMPLES) == set(ids), (set(ids) - set(EXAMPLES), set(EXAMPLES) - set(ids))
    assert "triage-replies.json" in load_toml("MANIFEST.toml")["files"]


def test_every_pattern_is_complete_and_names_a_known_cause():
    data = load_json("triage-replies.json")
    for entry in data["patterns"]:
        assert entry.get("text") or entry.get("codes"), entry["id"]
        assert entry["meaning"] and entry["fix"] and entry["title"], entry["id"]
        assert entry["category"] in data["categories"], entry["id"]
        for key in ("cause", "inbound_cause"):
            assert entry.get(key) is None or entry[key] in CAUSES, entry["id"]
        if entry.get("mail_dns_check"):
            assert "Mail DNS health check" in entry["fix"] or "smart host" in entry["fix"], entry["id"]


@pytest.mark.parametrize("pattern_id, text", [(pid, text) for pid, texts in EXAMPLES.items() for text in texts])
def test_each_pattern_recognises_its_real_wording(pattern_id, text):
    reply = classify(text)
    assert reply is not None and reply.pattern is not None, text
    assert reply.pattern.id == pattern_id, (text, reply.pattern.id)


@pytest.mark.parametrize(
    "text, code",
    [
        ('451 4.4.0 Primary target IP address responded with: "535 5.7.8 Error: authentication failed."', "5.7.8"),
        ("550 5.7.606 Access denied, banned sending IP [198.51.100.7]", "5.7.606"),
        ("550 4.4.7 QUEUE.Expired; message expired [{LRT=};{LED=451 4.4.0 DNS query failed. The error was: DNS query "
         "failed with error ErrorRetry};{FQDN=};{IP=}]", "4.4.0"),
        ("421 4.7.0 [TSS04] Messages from 198.51.100.7 temporarily deferred - 4.16.55.1", "4.7.0"),
    ],
)
def test_the_code_that_matters_is_named(text, code):
    assert classify(text).code == code


def test_multi_line_replies_are_flattened():
    text = ("550-5.7.1 [198.51.100.7 1] Our system has detected an unusual rate of\n550-5.7.1 unsolicited mail "
            "originating from your IP address.\n550 5.7.1 Please visit https://support.google.com/mail/ - gsmtp")
    norm = normalise(text)
    assert norm.count("5.7.1") == 1 and "rate of unsolicited mail" in norm
    postfix = "host mx.example.net[192.0.2.4] said: 550 5.1.1 <a@example.net>: User unknown (in reply to RCPT TO command)"
    assert normalise(postfix) == "550 5.1.1 <a@example.net>: User unknown"


def test_grouping_blanks_addresses_and_ids():
    one = classify("550 5.7.606 Access denied, banned sending IP [198.51.100.7]. AS(1430) [AM5EUR02FT008.eop-EUR02.prod.protection.outlook.com]")
    two = classify("550 5.7.606 Access denied, banned sending IP [203.0.113.9]. AS(1430) [VE1EUR02FT006.eop-EUR02.prod.protection.outlook.com]")
    assert one.key == two.key
    a = classify("550 5.1.1 <anna@customer.example>: Recipient address rejected: User unknown")
    b = classify("550 5.1.1 <ben@other.example>: Recipient address rejected: User unknown")
    assert a.key == b.key and "<addr>" in a.key
    assert group_key("5.7.1", "x12si345678wmj.54 - gsmtp") == "5.7.1 <id> - gsmtp"


def test_direction_decides_the_meaning():
    tally = ReplyTally()
    tally.add("550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain", "inbound", "receive", "RECV.LOG", 4)
    tally.add("550 5.7.1 Unable to relay", "outbound", "queue", "queues.csv", 2, weight=40)
    inbound, outbound = sorted(tally.groups.values(), key=lambda g: g.direction)
    assert inbound.cause is None and "relay protection works" in inbound.reply.meaning("inbound")
    assert outbound.cause == "configuration_error" and tally.weight("outbound", "relay_denied") == 40
    assert [g.count for g in tally.ordered()] == [40, 1]


def test_unknown_and_success_replies():
    assert classify("250 2.1.5 Recipient OK") is None
    unknown = classify("Frobnication of the flux capacitor went sideways")
    assert unknown is not None and unknown.pattern is None and unknown.category == "unknown"


# --- the catalogue's order and overlaps: specific wordings first, every overlap intended ----------------------------
ENTRIES = {e["id"]: e for e in load_json("triage-replies.json")["patterns"]}
ORDER = {e: i for i, e in enumerate(ENTRIES)}


def _all_matches(text: str) -> list[str]:
    """Every pattern whose parts match ``text`` (not only the first)."""
    norm = normalise(text)
    enhanced, basic = codes_in(norm)
    return [p.id for p in patterns() if p.matches(norm, enhanced, basic)]


@pytest.mark.parametrize("pattern_id, text", [(pid, text) for pid, texts in EXAMPLES.items() for text in texts])
def test_examples_match_only_their_pattern_or_a_more_general_one_it_names(pattern_id, text):
    """A wording may also reach a later, more general pattern the entry names in 'general' (a Spamhaus refusal says
    'blocked using' and 'service unavailable' too), or a code-only fallback; any other overlap means a pattern is too
    broad (greylisting's 'please try again later' caught over-quota replies) or in the wrong place."""
    allowed = {pattern_id} | set(ENTRIES[pattern_id].get("general", []))
    unplanned = [q for q in _all_matches(text) if q not in allowed and ENTRIES[q].get("text")]
    assert not unplanned, (text, unplanned)


def test_declared_general_patterns_come_later_and_really_are_more_general():
    for pid, entry in ENTRIES.items():
        for general in entry.get("general", []):
            assert ORDER[general] > ORDER[pid], (pid, general)  # the specific wording must be tried first
            # the overlap runs one way: the general pattern's own wordings are not caught by the specific one
            assert not any(pid in _all_matches(text) for text in EXAMPLES[general]), (pid, general)
            # and the declaration is not stale: some wording of the specific pattern does reach the general one
            assert any(general in _all_matches(text) for text in EXAMPLES[pid]), (pid, general)


def test_fixes_speak_the_language_of_their_platform():
    """The Postfix wording of a fix names no Exchange cmdlet or connector, the Exchange wording no Postfix setting,
    unless only that mail system ever writes the reply ('platform')."""
    exchange = re.compile(r"connector|accepted domain|\b(?:Get|Set|Enable|New|Start)-[A-Z]\w+|Exchange System Manager", re.I)
    postfix = re.compile(r"postconf|postfix reload|sasl_passwd|postmap|postqueue|master\.cf|\bsmtpd?_\w+_\w+|relayhost"
                         r"|/etc/|\bdig\b|nc -vz")
    for p in patterns():
        only = ENTRIES[p.id].get("platform")
        if only != "exchange":
            for direction in ("outbound", "inbound"):
                text = p.fix_postfix or p.fix if direction == "outbound" else p.inbound_fix_postfix or p.inbound_fix
                assert not exchange.search(text), (p.id, direction, text)
        if only != "postfix":
            for text in (p.fix, p.inbound_fix):
                assert not postfix.search(text), (p.id, text)


HARMFUL = [
    # (reply, the pattern it is, advice it must never get)
    ("Failed to connect. Winsock error code: 10061, Win32 error code: 10061, Destination domain: internalproxy, Error "
     "Message: No connection could be made because the target machine actively refused it 192.168.1.10:2525.",
     "exchange_transport_down", r"ISP|smart host|port 25\b"),
    ("554-mx.partner.example No SMTP service 554-Service not available 554 Bad DNS PTR resource record.",
     "ptr_missing", r"Wait for the retry"),
    ("550-Requested action not taken: mailbox unavailable 550 invalid DNS MX or A/AAAA resource record",
     "sender_domain_no_mx", r"Check the address"),
    ("421 4.4.2 Message submission rate for this client has exceeded the configured limit", "rate_limit_exchange",
     r"inspection|firewall"),
    ("452 4.1.1 <bob@example.net> user is over quota, please try again later", "mailbox_full", r"Nothing to do"),
    ("454 4.7.0 Failed to establish appropriate TLS channel: Access Denied", "tls_channel_required",
     r"security_level = encrypt\b(?! for)"),
    ("connect to mx.partner.example[2001:db8::1b]:25: Address not available", "ipv6_unavailable", r"ISP|port 25"),
]


@pytest.mark.parametrize("text, pattern_id, forbidden", HARMFUL)
def test_replies_once_misread_get_their_own_meaning_and_no_harmful_advice(text, pattern_id, forbidden):
    reply = classify(text)
    assert reply.pattern is not None and reply.pattern.id == pattern_id
    for platform in ("", "postfix"):
        assert not re.search(forbidden, reply.fix("outbound", platform)), (platform, reply.fix("outbound", platform))


VENDOR = re.compile(r"Gmail|Microsoft|Outlook|Hotmail|Yahoo|T-Online|Proofpoint|Cloudmark|provider|relay host|smart host"
                    r"|next hop|Our (?:own )?server|RFC 3463|Exchange found|Exchange has no|An internal hop|Postfix")


def test_generic_replies_say_what_they_mean_when_our_own_server_gives_them():
    """A reply our server may give to a client (greylisting, a full mailbox, a size limit) needs an inbound meaning:
    'the receiver greylists' is wrong when the receiver is us. Replies only a provider or a next hop gives are exempt."""
    for entry in ENTRIES.values():
        if entry.get("text") is None and entry["category"] in ("transient", "permanent_other", "connect_failure",
                                                                "expired"):
            continue  # code-only fallbacks: their meaning names no side
        if VENDOR.search(entry["meaning"]) or entry["category"] in ("transport_service", "transport_config",
                                                                    "local_mailbox", "ipv6_route", "dns_failure"):
            continue
        assert entry.get("inbound"), entry["id"]
    grey = classify("450 4.2.0 <ann@example.com>: Recipient address rejected: Greylisted, see http://postgrey.example/")
    assert grey.meaning("inbound").startswith("Our server greylists") and "receiver" not in grey.meaning("inbound")

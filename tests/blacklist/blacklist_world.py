"""The blocklist world the test BIND serves: names, addresses and zone files.

Catalogue zone names (zen.spamhaus.org, dbl.spamhaus.org, multi.surbl.org, ...) are
served here too, on 127.0.0.1 only, so the catalogue's own decoding is tested against
real DNS answers. Tests assert on the names and addresses below.
(A module with a unique name, so tests never import another area's ``conftest``.)
"""

from __future__ import annotations

from servers.bind import BindServer

LISTED_IP = "192.0.2.10"  # listed on several lists with several codes
CLEAN_IP = "192.0.2.11"
ODD_IP = "192.0.2.12"  # answered with an undocumented code on ZEN
LISTED_IP6 = "2001:db8::10"
SPAM_DOMAIN = "spam-domain.example"
MAIL_DOMAIN = "mail.example"  # MX mx1.mail.example -> 192.0.2.10 and 2001:db8::10
DQS_KEY = "abcdefghijklmnopqrstuvwxyz"  # a made-up Spamhaus DQS key


def _rev4(ip: str) -> str:
    return ".".join(reversed(ip.split(".")))


def _rev6(ip: str) -> str:
    import ipaddress

    return ".".join(reversed(ipaddress.IPv6Address(ip).packed.hex()))  # .exploded has dots on 3.13


def build_world(server: BindServer) -> None:
    t2 = _rev4("127.0.0.2")
    # a well-behaved custom IPv4+IPv6 list with TXT reasons
    server.add_zone("good.bl.test", f"""
{t2} A 127.0.0.2
{t2} TXT "RFC 5782 test point"
{_rev4(LISTED_IP)} A 127.0.0.2
{_rev4(LISTED_IP)} A 127.0.0.3
{_rev4(LISTED_IP)} TXT "Listed: spam trap hits, see https://good.bl.test/lookup?ip={LISTED_IP}"
{_rev6('::ffff:7f00:2')} A 127.0.0.2
{_rev6(LISTED_IP6)} A 127.0.0.2
{_rev6(LISTED_IP6)} TXT "IPv6 listing"
""")
    # catalogue names: Spamhaus ZEN with real codes, an undocumented code for ODD_IP
    server.add_zone("zen.spamhaus.org", f"""
{t2} A 127.0.0.2
{t2} A 127.0.0.4
{t2} A 127.0.0.10
{_rev4(LISTED_IP)} A 127.0.0.4
{_rev4(LISTED_IP)} A 127.0.0.11
{_rev4(LISTED_IP)} TXT "https://check.spamhaus.org/sbl/query/SBLCSS"
{_rev4(ODD_IP)} A 127.0.0.99
{_rev6('::ffff:7f00:2')} A 127.0.0.2
{_rev6(LISTED_IP6)} A 127.0.0.4
""")
    # Spamhaus refusing a public resolver: every name answers 127.255.255.254 with a TXT naming it
    server.add_zone("sbl.spamhaus.org", """
* A 127.255.255.254
* TXT "Error: open resolver; https://check.spamhaus.org/returnc/pub/203.0.113.99/"
""")
    # Spamhaus through a resolver that hides everything (Google-style NXDOMAIN): no test point
    server.add_zone("xbl.spamhaus.org", "")
    # Spamhaus rate limit
    server.add_zone("pbl.spamhaus.org", "* A 127.255.255.255\n")
    # domain lists
    server.add_zone("dbl.spamhaus.org", f"""
dbltest.com A 127.0.1.2
{SPAM_DOMAIN} A 127.0.1.4
{SPAM_DOMAIN} TXT "https://check.spamhaus.org/listed/?searchterm={SPAM_DOMAIN}"
""")
    server.add_zone("multi.surbl.org", f"""
test.surbl.org A 127.0.0.72
{SPAM_DOMAIN} A 127.0.0.8
""")
    server.add_zone("multi.uribl.com", "* A 127.0.0.1\n")  # URIBL refusing the resolver
    server.add_zone("dom.bl.test", f"""
test A 127.0.0.2
{SPAM_DOMAIN} A 127.0.0.2
{SPAM_DOMAIN} TXT "domain seen in spam"
""")
    # broken lists
    server.add_zone("wild.bl.test", "* A 127.0.0.2\n")  # lists everything
    server.add_zone("empty.bl.test", "")  # no RFC 5782 test entry
    server.add_zone("missing.bl.test", "", missing_file=True)  # SERVFAIL
    server.add_zone("closed.bl.test", f"{t2} A 127.0.0.2\n", options="allow-query { none; };")  # REFUSED
    server.add_zone("slow.bl.test", f"{t2} A 127.0.0.2\n")
    server.drop("slow.bl.test")  # timeouts
    server.add_zone("parked.bl.test", "* A 198.51.100.80\n")  # parking address for everything
    # Spamhaus through a DQS key: the key is part of the zone name
    server.add_zone(f"{DQS_KEY}.zen.dq.spamhaus.net", f"""
{t2} A 127.0.0.2
{_rev4(LISTED_IP)} A 127.0.0.3
""")
    # allow-list on the catalogue name
    server.add_zone("list.dnswl.org", f"""
{t2} A 127.0.10.0
{_rev4(LISTED_IP)} A 127.0.15.2
""")
    # answers that expire within a second: the shared answer cache expires while sweeps run
    server.add_zone("ttl1.bl.test", f"""
{t2} A 127.0.0.2
{_rev4(LISTED_IP)} A 127.0.0.2
{_rev4(LISTED_IP)} TXT "short-lived listing"
""", negative_ttl=1, ttl=1)
    # a mail domain and reverse DNS
    server.add_zone(MAIL_DOMAIN, f"""
@ MX 10 mx1
@ MX 20 mx2
mx1 A {LISTED_IP}
mx1 AAAA {LISTED_IP6}
mx2 A {CLEAN_IP}
""")
    server.add_zone("nomx.example", f"@ A {CLEAN_IP}\n")
    server.add_zone("2.0.192.in-addr.arpa", f"""
10 PTR mx1.{MAIL_DOMAIN}.
11 PTR unconfirmed.{MAIL_DOMAIN}.
""")

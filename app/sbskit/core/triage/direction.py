"""Which way a refusal went: our server refusing an inbound sender, or a receiver refusing our mail.

A refusal our own server gave to an inbound sender (our Sender ID agent failing a spammer's
SPF, our content filter, our DNSBL check) says the filters work; it is no cause for our
outbound problem. Message tracking logs say so in three places: the transport agent named
in SourceContext, the client address (an internet host) and the server address (ours).
"""

from __future__ import annotations

import re

from sbskit.core.triage.evidence import Evidence, ip_kind

# SourceContext of a FAIL written by one of our own transport agents (Exchange's anti-spam agents,
# transport rules, third-party filters such as Sophos PureMessage's PmE12Transport)
OUR_AGENTS = re.compile(r"\bagent\b|filter|protocol analysis|PmE12|sophos|anti-?spam|malware|transport rule", re.I)


def inbound_refusal(ev: Evidence, context: str, client_ip: str, server_ip: str) -> bool:
    """True when a tracking-log FAIL/DEFER is our server refusing an inbound message."""
    if context and OUR_AGENTS.search(context):
        return True
    client = client_ip.strip()
    if not client or ip_kind(client) != "public" or ev.is_server(client):
        return False
    server = server_ip.strip()
    return ip_kind(server) in ("lan", "loopback") or ev.is_server(server)

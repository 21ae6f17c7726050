"""Where the test ran from, seen from the server: its own address, this machine, the LAN, or outside.

Mail servers are more permissive towards addresses they trust. Dovecot treats a
connection whose remote address equals its local address as secure, and then takes
passwords before TLS whatever ``disable_plaintext_auth`` says (its log marks such
sessions "secured"); ``login_trusted_networks`` does the same for configured networks.
Postfix relays for ``mynetworks`` (Debian's stock value is loopback; with no value, the
server's own networks), Exchange for the IP ranges of its relay connectors. So a
"yes" from such an address is not the internet's view: a password accepted before TLS
or a relayed recipient there proves nothing about other clients, while a refusal holds
for everyone. The peer and local addresses of the connection tell which case this is.

The user may know better for configured trust (``--as-outsider``: the server does not
trust this address); Dovecot's same-address rule is not configurable, so it always holds.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

SAME_ADDRESS = "same-address"  # the server's own address: the test runs on the server
THIS_MACHINE = "this-machine"  # loopback: the same machine
PRIVATE = "private"  # a LAN, VPN or link-local address
PUBLIC = "public"  # what the internet sees
TRUSTED_KINDS = (SAME_ADDRESS, THIS_MACHINE, PRIVATE)
# LANs, VPNs, carrier-grade NAT and link-local: the networks a server may trust as "inside"
_INSIDE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                                                   "169.254.0.0/16", "fc00::/7", "fe80::/10"))
HEADLINE = "tested from a trusted network: results may be more permissive than from the internet"


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        addr = ipaddress.ip_address((text or "").split("%")[0])
    except ValueError:
        return None
    mapped = getattr(addr, "ipv4_mapped", None)
    return mapped or addr


def classify(peer: str | None, local: str | None) -> str | None:
    """same-address / this-machine / private / public (None: not connected)."""
    peer_addr, local_addr = _address(peer), _address(local)
    if peer_addr is None:
        return None
    if local_addr is not None and peer_addr == local_addr:
        return SAME_ADDRESS
    if peer_addr.is_loopback:
        return THIS_MACHINE
    if any(peer_addr.version == net.version and peer_addr in net for net in _INSIDE):
        return PRIVATE
    return PUBLIC


@dataclass
class Vantage:
    peer: str | None = None
    local: str | None = None
    assumed_untrusted: bool = False  # --as-outsider: the user says the server does not trust this address

    @property
    def kind(self) -> str | None:
        return classify(self.peer, self.local)

    @property
    def trusted(self) -> bool:
        return self.kind in TRUSTED_KINDS

    @property
    def login_evidence_counts(self) -> bool:
        """Does a password accepted before TLS from here show what other clients get?"""
        if self.kind == SAME_ADDRESS:
            return False  # Dovecot's rule for its own address is not configurable
        return not self.trusted or self.assumed_untrusted

    @property
    def relay_evidence_counts(self) -> bool:
        """Does a recipient accepted from here show what the internet gets?"""
        return not self.trusted or self.assumed_untrusted

    def where(self) -> str:
        """A few words: 'the server itself (127.0.0.1)'."""
        return {SAME_ADDRESS: f"the server itself ({self.local})",
                THIS_MACHINE: f"loopback ({self.local} to {self.peer})",
                PRIVATE: f"a private network ({self.local} to {self.peer})",
                PUBLIC: f"outside ({self.local} to {self.peer})"}.get(self.kind or "", "nowhere (no connection)")

    def note(self, relay: bool = False) -> str:
        """The prominent sentence for a trusted vantage (for the relay test: ``relay``); empty for an outside one."""
        if not self.trusted:
            return ""
        if relay:
            why = ("servers relay for addresses they trust: Postfix for mynetworks (Debian's stock value is "
                   "loopback; with none set, the server's own networks), Exchange for its relay connectors' ranges")
            return (f"{HEADLINE}: tested from {self.where()}; {why}. Run the test from outside the network"
                    + (". You said the server does not trust this address (--as-outsider), so what it accepts counts."
                       if self.assumed_untrusted else "."))
        why = {SAME_ADDRESS: "Dovecot treats connections from its own address as secure (passwords are taken before "
                             "TLS whatever its settings) and Postfix trusts its own addresses",
               THIS_MACHINE: "servers often trust loopback (Debian's stock Postfix mynetworks is 127.0.0.0/8; "
                             "Dovecot's login_trusted_networks may list it)",
               PRIVATE: "servers often trust their LAN (Postfix mynetworks, Dovecot login_trusted_networks, "
                        "Exchange relay connectors)"}[self.kind or ""]
        text = f"{HEADLINE}: tested from {self.where()}; {why}. Run the test from another machine, ideally outside the network"
        if self.assumed_untrusted:
            text += (". You said the server does not trust this address (--as-outsider), so what it accepts counts"
                     + (", except a password taken before TLS: Dovecot's rule for its own address always applies"
                        if self.kind == SAME_ADDRESS else ""))
        return text + "."

    def to_dict(self, relay: bool = False) -> dict[str, Any]:
        return {"peer": self.peer, "local": self.local, "kind": self.kind, "trusted": self.trusted,
                "assumed_untrusted": self.assumed_untrusted, "note": self.note(relay)}

"""A blocklist world whose answers change between visits, served by a real BIND on loopback.

Three custom lists (RFC 5782 rules: an A record under the reversed address is a listing);
:func:`set_listed` lists or delists an address with a DNS UPDATE, as a blocklist operator
would between two visits. The clients' domains are served too: Baker's MX is at a hoster
(``198.51.100.99``), so a blocklist check of his domain that reaches DNS also checks that
address, and one that does not reach DNS does not. (Addresses from the documentation range
appear only inside query names: every packet goes to the loopback BIND.)
(A module with a unique name, so tests never import another area's ``conftest``.)
"""

from __future__ import annotations

from servers.bind import BindServer

LISTS = ("one.bl.test", "two.bl.test", "three.bl.test")
ACME_IP, ACME_DOMAIN = "198.51.100.20", "acme-dental.test"
BAKER_IP, BAKER_DOMAIN, BAKER_MX_IP = "198.51.100.30", "bakers.test", "198.51.100.99"


def reversed_name(ip: str) -> str:
    return ".".join(reversed(ip.split(".")))


def build_world(server: BindServer) -> None:
    for zone in LISTS:
        server.add_zone(zone, "2.0.0.127 A 127.0.0.2\ntest A 127.0.0.2\n", negative_ttl=0, ttl=0,
                        options="allow-update { 127.0.0.1; };")
    server.add_zone(ACME_DOMAIN, "@ A 127.0.0.77\n")
    server.add_zone(BAKER_DOMAIN, "@ MX 10 mx.hoster.test.\n")
    server.add_zone("hoster.test", f"mx A {BAKER_MX_IP}\n")


def set_listed(server: BindServer, zone: str, ip: str, listed: bool) -> None:
    """List (or delist) ``ip`` on ``zone`` with a DNS UPDATE to the test BIND."""
    import dns.query
    import dns.rcode
    import dns.update

    update = dns.update.Update(zone)
    name = reversed_name(ip)
    if listed:
        update.replace(name, 0, "A", "127.0.0.2")
    else:
        update.delete(name)
    response = dns.query.tcp(update, "127.0.0.1", port=server.port, timeout=5)
    assert response.rcode() == dns.rcode.NOERROR, dns.rcode.to_text(response.rcode())


def only(server: BindServer, ip: str, *zones: str) -> None:
    """``ip`` listed on exactly ``zones`` (and on none of the other lists)."""
    for zone in LISTS:
        set_listed(server, zone, ip, zone in zones)

"""The ``mx`` check: where mail for the domain goes, null MX (RFC 7505), and no MX and no address."""

from __future__ import annotations

import ipaddress

from sbskit.core.dnsbl import wire
from sbskit.core.maildns import advice
from sbskit.core.maildns.lookups import ERROR, NXDOMAIN, OK, Resolver
from sbskit.core.maildns.names import is_public
from sbskit.core.maildns.model import ERROR as E, OK as K, PROBLEM, WARNING, make_check, worst

MAX_HOSTS = 8


def mx_hosts(resolver: Resolver, domain: str) -> list[str]:
    lookup = resolver.get(domain, wire.MX)
    return [host for _pref, host in sorted(lookup.records) if host][:MAX_HOSTS] if lookup.status == OK else []


def mx_addresses(resolver: Resolver, domain: str) -> dict[str, list[str]]:
    """Each MX host's addresses (A then AAAA), asked in one batch."""
    hosts = mx_hosts(resolver, domain)
    resolver.fetch([(h, t) for h in hosts for t in (wire.A, wire.AAAA)])
    return {h: resolver.get(h, wire.A).records + resolver.get(h, wire.AAAA).records for h in hosts}


def check(resolver: Resolver, domain: str) -> dict:
    lookup = resolver.get(domain, wire.MX)
    evidence = [lookup.evidence()]
    title = "MX (where the domain receives mail)"
    if lookup.status == ERROR:
        return make_check("mx", E, title, f"The MX records could not be looked up: {lookup.detail}. Could not tell "
                          "where the domain receives mail.", evidence,
                          "Check again; if it persists, the domain's name servers are not answering (ask the DNS host).")
    if lookup.status == NXDOMAIN:
        return make_check("mx", PROBLEM, title, f"{domain} does not exist in DNS (NXDOMAIN): nobody can reply to "
                          "its mail, and receivers that check the sender's domain refuse it.", evidence,
                          f"Register the domain or fix its delegation, then publish an MX record: {domain}. MX 10 "
                          f"mail.{domain}.", advice.receivers("mx-none", domain))
    records = sorted(lookup.records)
    if any(not host for _p, host in records):
        if len(records) > 1:
            return make_check("mx", PROBLEM, title, "A null MX ('MX 0 .') is published together with other MX "
                              "records; RFC 7505 says a null MX must be the only one, so receivers may treat the "
                              "domain as accepting no mail.", evidence,
                              f"Remove the 'MX 0 .' record from {domain} (keep the real mail servers).",
                              advice.receivers("mx-null", domain))
        return make_check("mx", PROBLEM, title, f"{domain} publishes a null MX (RFC 7505): it declares that it "
                          "accepts no mail. Receivers may refuse mail from it, because replies and bounces cannot "
                          "reach it.", evidence,
                          f"If {domain} sends mail, replace the null MX with the real mail server: {domain}. MX 10 "
                          f"mail.{domain}. (If it never sends mail either, publish 'v=spf1 -all' and keep the null MX.)",
                          advice.receivers("mx-null", domain), null_mx=True)
    if not records:
        resolver.fetch([(domain, wire.A), (domain, wire.AAAA)])
        a4, a6 = resolver.get(domain, wire.A), resolver.get(domain, wire.AAAA)
        evidence += [a4.evidence(), a6.evidence()]
        if a4.records or a6.records:
            return make_check("mx", WARNING, title, f"{domain} has no MX record; senders fall back to its address "
                              f"({', '.join(a4.records + a6.records)}), as RFC 5321 allows, but many treat a domain "
                              "without MX as not receiving mail.", evidence,
                              f"Publish an MX record: {domain}. MX 10 mail.{domain}.")
        if a4.failed or a6.failed:
            return make_check("mx", E, title, "There is no MX record and the domain's address could not be "
                              "looked up, so it could not be told whether mail can reach it.", evidence,
                              "Check again later.")
        return make_check("mx", PROBLEM, title, f"{domain} has neither an MX record nor an address: mail to it "
                          "cannot be delivered, and receivers that check the sender's domain refuse mail from it.",
                          evidence, f"Publish an MX record: {domain}. MX 10 mail.{domain}. (and an A record for "
                          f"mail.{domain})", advice.receivers("mx-none", domain))
    hosts = [host for _p, host in records][:MAX_HOSTS]
    addresses = mx_addresses(resolver, domain)
    status = K
    notes = []
    unreachable = []
    for host in hosts:
        a4, a6 = resolver.get(host, wire.A), resolver.get(host, wire.AAAA)
        evidence += [a4.evidence()] + ([a6.evidence()] if a6.records else [])
        try:
            ipaddress.ip_address(host)
            status = worst(status, PROBLEM)
            notes.append(f"{host} is an IP address, not a host name: an MX must name a host")
            continue
        except ValueError:
            pass
        if a4.cnames or a6.cnames:
            status = worst(status, WARNING)
            notes.append(f"{host} is an alias (CNAME); RFC 2181 10.3 says an MX must point to the host's real name")
        if a4.failed and a6.failed:
            status = worst(status, E)
            notes.append(f"the address of {host} could not be looked up ({a4.detail})")
        elif not addresses.get(host):
            unreachable.append(host)
        for address in addresses.get(host, []):
            if not is_public(address):
                status = worst(status, WARNING)
                notes.append(f"{host} has the private or reserved address {address}: senders on the Internet cannot reach it")
    if unreachable:
        if len(unreachable) == len(hosts):
            status = worst(status, PROBLEM)
            notes.append("no MX host has an address: mail to the domain cannot be delivered")
        else:
            status = worst(status, WARNING)
            notes.append(f"{', '.join(unreachable)} has no address (senders skip it)")
    provider = advice.provider_for_hosts(hosts)
    served = f" ({provider['name']})" if provider else ""
    detail = f"Mail for {domain} goes to {', '.join(hosts)}{served}."
    if notes:
        detail += " " + "; ".join(n[0].upper() + n[1:] for n in notes) + "."
    fix = ""
    if status in (PROBLEM, WARNING):
        fix = "Point every MX at a host name that has an A (or AAAA) record of a public address."
    return make_check("mx", status, title, detail, evidence, fix,
                      advice.receivers("mx-none", domain) if status == PROBLEM else None,
                      hosts=hosts, provider=provider["name"] if provider else None)

"""The ``mx`` check: where mail for the domain goes, null MX (RFC 7505), and no MX and no address."""

from __future__ import annotations

import ipaddress

from sbskit.core.dnsbl import wire
from sbskit.core.maildns import advice
from sbskit.core.maildns.lookups import ERROR, NXDOMAIN, OK, Resolver
from sbskit.core.maildns.names import is_public
from sbskit.core.maildns.model import PROBLEM, WARNING, ERROR as E, OK as K, make_check, sentences, worst

MAX_HOSTS = 8


def _null_mx(resolver: Resolver, domain: str, title: str, evidence: list[str]) -> dict:
    """RFC 7505 null MX: correct for a parked domain (its SPF authorises no one), a problem for one that sends."""
    from sbskit.core.maildns.spf_syntax import is_spf, parse_record

    txt = resolver.get(domain, wire.TXT)
    evidence.append(txt.evidence())
    records = [parse_record(t) for t in txt.texts() if is_spf(t)]
    record = records[0] if len(records) == 1 and records[0].ok else None
    senders = [t for t in record.mechanisms if t.name != "all" and t.qualifier == "+"] if record else []
    parked = record is not None and not senders and record.redirect is None and record.all_term is not None \
        and record.all_term.qualifier == "-"
    if parked:
        return make_check("mx", K, title, f"{domain} publishes a null MX (RFC 7505) and the SPF record "
                          f"'{record.text}': the domain neither receives nor sends mail. It is correctly parked.",
                          evidence, null_mx=True, parked=True)
    if record is None or not senders:
        return make_check("mx", WARNING, title, f"{domain} publishes a null MX (RFC 7505): it accepts no mail. Its SPF "
                          "record does not say that it sends none either.", evidence,
                          f"If {domain} never sends mail, publish 'v=spf1 -all' and a DMARC record with p=reject "
                          f"(a parked domain). If it does send, replace the null MX with the real mail server: "
                          f"{domain}. MX 10 mail.{domain}.", null_mx=True, parked=False)
    return make_check("mx", PROBLEM, title, f"{domain} publishes a null MX (RFC 7505): it declares that it accepts no "
                      f"mail, yet its SPF record authorises senders ({', '.join(t.text for t in senders[:3])}). "
                      "Receivers may refuse its mail, because replies and bounces cannot reach it.", evidence,
                      f"Replace the null MX with the real mail server: {domain}. MX 10 mail.{domain}.",
                      advice.receivers("mx-null", domain), null_mx=True, parked=False)


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
        return _null_mx(resolver, domain, title, evidence)
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
    lan_only = []
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
        private = [a for a in addresses.get(host, []) if not is_public(a)]
        for address in private:
            status = worst(status, WARNING)
            notes.append(f"{host} has the private or reserved address {address}: senders on the Internet cannot reach it")
        if private and len(private) == len(addresses.get(host, [])):
            lan_only.append(host)
    if lan_only and len(lan_only) == len(hosts):
        status = worst(status, PROBLEM)
        notes.append("no MX host has a public address, so no mail from the Internet can be delivered to the domain "
                     "(an internal address published in the public DNS)")
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
        detail += " " + sentences(notes)
    fix = ""
    if status in (PROBLEM, WARNING):
        fix = "Point every MX at a host name that has an A (or AAAA) record of a public address."
        if lan_only:
            fix += (f" Publish the public address of {lan_only[0]} (the firewall's outside address that forwards "
                    "port 25) in the public zone; keep the internal address in the internal DNS only.")
    elif status == E:
        fix = "Check again later; if it persists, the MX hosts' name servers are not answering (ask their DNS host)."
    return make_check("mx", status, title, detail, evidence, fix,
                      advice.receivers("mx-none", domain) if status == PROBLEM else None,
                      hosts=hosts, provider=provider["name"] if provider else None)

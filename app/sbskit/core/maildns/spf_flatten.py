"""Bringing a suggested SPF record under the 10-lookup limit, only where that is safe.

Writing a term as the addresses it finds today ("flattening") saves its lookups but
freezes those addresses into the record. That is acceptable for the domain's own hosts
and own include records (the admin changes them and can update the record), never for a
provider's include, whose addresses change without notice. Terms are flattened one at a
time, the costliest first, only until the record fits; when the domain's own terms are
not enough, no record can fix it alone and the kit says what to do instead.
"""

from __future__ import annotations

import ipaddress

from sbskit.core.dnsbl import wire
from sbskit.core.maildns.names import org_domain
from sbskit.core.maildns.spf_eval import check_host
from sbskit.core.maildns.spf_syntax import is_spf, parse_record
from sbskit.core.maildns.spf_tree import analyze

MAX_ADDRESSES = 10  # a flattened term with more addresses than this is left as it is


def _own(domain: str, target: str) -> bool:
    """Whether ``target`` is the domain's own name (its organizational domain), not a third party's."""
    return org_domain(target) == org_domain(domain)


def _addresses(resolver, target: str, kind: str, depth: int = 0) -> list[str] | None:
    """The ip4:/ip6: terms a term stands for today, or None when it cannot be written as addresses."""
    if kind == "a":
        resolver.fetch([(target, wire.A), (target, wire.AAAA)])
        found = resolver.get(target, wire.A).records + resolver.get(target, wire.AAAA).records
        return [_ip_term(a) for a in found] if 0 < len(found) <= MAX_ADDRESSES else None
    if kind == "mx":
        hosts = [h for _p, h in sorted(resolver.get(target, wire.MX).records) if h]
        resolver.fetch([(h, t) for h in hosts for t in (wire.A, wire.AAAA)])
        found = [a for h in hosts for a in resolver.get(h, wire.A).records + resolver.get(h, wire.AAAA).records]
        return [_ip_term(a) for a in dict.fromkeys(found)] if 0 < len(found) <= MAX_ADDRESSES else None
    return _include_addresses(resolver, target, depth)


def _include_addresses(resolver, target: str, depth: int) -> list[str] | None:
    """An own include record written out: only '+' ip4/ip6/a/mx and own includes, ending in -all or ~all."""
    records = [t for t in resolver.get(target, wire.TXT).texts() if is_spf(t)]
    if len(records) != 1 or depth > 3:
        return None
    record = parse_record(records[0])
    if record.problems or record.redirect is not None:
        return None
    out: list[str] = []
    for term in record.mechanisms:
        if term.name == "all":
            if term.qualifier not in "-~":
                return None
            break
        if term.qualifier != "+" or term.has_macros or term.name in ("ptr", "exists"):
            return None
        if term.name in ("ip4", "ip6"):
            out.append(term.text.lstrip("+"))
            continue
        name = (term.spec or target).rstrip(".").lower()
        if term.name == "include" and not _own(target, name):
            return None
        if term.name in ("a", "mx") and (term.cidr4 != 32 or term.cidr6 != 128):
            return None
        part = _addresses(resolver, name, term.name, depth + 1)
        if part is None:
            return None
        out += part
    return list(dict.fromkeys(out)) if len(out) <= MAX_ADDRESSES * 2 else None


def _covered(builder, terms: list[str]) -> set[str]:
    """The ip4:/ip6: terms whose address the record (without them) lets send already."""
    text, domain = builder.text(), builder.domain
    return {t for t in terms if "/" not in t and check_host(builder.resolver, t.split(":", 1)[1], domain,
                                                            sender=f"postmaster@{domain}", helo=domain,
                                                            record=text).result == "pass"}


def _ip_term(address: str) -> str:
    ip = ipaddress.ip_address(address)
    return f"ip{ip.version}:{ip}"


def _candidates(builder) -> list[tuple[int, str, str, str]]:
    """(cost, term, kind, target) of the record's own lookup terms, costliest first."""
    analysis = analyze(builder.resolver, builder.domain, builder.text())
    out = []
    for term in builder.terms:
        body = term.lstrip("+")
        if body[:1] in "-~?" or "%" in body:
            continue
        name, _sep, rest = body.partition(":")
        kind = name.split("/", 1)[0].lower()
        if kind not in ("a", "mx", "include") or "/" in body:
            continue
        target = (rest or builder.domain).rstrip(".").lower()
        if not _own(builder.domain, target):
            continue
        cost = analysis.include_costs.get(target, 1) if kind == "include" else 1
        out.append((cost, term, kind, target))
    return sorted(out, key=lambda item: -item[0])


def flatten_own(builder) -> tuple[int, tuple[str, str] | None]:
    """(lookups of the record, None) once it fits; (lookups, (why no record, what to do)) when it cannot."""
    resolver, domain = builder.resolver, builder.domain
    lookups = analyze(resolver, domain, builder.text()).lookups
    if lookups <= 10:
        return lookups, None
    before = lookups
    for _cost, term, kind, target in _candidates(builder):
        addresses = _addresses(resolver, target, kind)
        if addresses is None:
            continue
        index = builder.terms.index(term)
        del builder.terms[index]
        covered = _covered(builder, addresses)
        fresh = [a for a in addresses if a not in covered and a.lower() not in (t.lower() for t in builder.terms)]
        builder.terms[index:index] = fresh
        if fresh:
            builder.notes.append(f"'{term}' is written as the addresses it finds today ({', '.join(fresh)}) to stay "
                                 "under 10 lookups: update the record when they change")
        else:
            builder.notes.append(f"'{term}' is dropped: the addresses it finds today pass through the record's "
                                 "other terms already")
        lookups = analyze(resolver, domain, builder.text()).lookups
        if lookups <= 10:
            return lookups, None
    analysis = analyze(resolver, domain, builder.text())
    costs = ", ".join(f"include:{t} {c}" for t, c in analysis.include_costs.items() if not _own(domain, t))
    return lookups, (
        f"every record that keeps all of the domain's senders needs {before} DNS lookups (the limit is 10), "
        f"still {lookups} with the domain's own names written as addresses, and a provider's include cannot "
        "safely be written out",
        f"What each service costs: {costs}. Remove the includes of services the client no longer uses, or have a "
        "bulk-mail service send with its own return-path domain (a subdomain such as bounce.<domain> set up in "
        "the service: SPF is then checked there, and its include is not needed in this record). Do not copy a "
        "provider's addresses into the record: they change without notice.")

"""The ``ptr`` check: reverse DNS of the sending address, forward confirmation, generic ISP names."""

from __future__ import annotations

import ipaddress
import re

from sbskit.core.dnsbl import wire
from sbskit.core.maildns import advice, spf_macros
from sbskit.core.maildns.lookups import ERROR, Resolver
from sbskit.core.maildns.names import is_public
from sbskit.core.maildns.model import ERROR as E, OK, PROBLEM, WARNING, make_check, worst

MAX_NAMES = 4
_DYNAMIC = re.compile(r"(?:^|[.\-_])(dyn|dynamic|dhcp|dsl|adsl|vdsl|cable|ppp|pppoe|pool|client|broadband|"
                      r"customer|cust|dialup|dial|residential|res|user|host|ip)\d*(?:[.\-_]|$)")


def generic_reason(name: str, ip: str) -> str:
    """Why a PTR name looks like an ISP's name for a home or dynamic line ('' when it does not).

    The address's numbers in it (203-0-113-7.dyn.example.net), or the words ISPs use for such
    lines (resources/maildns.json 'generic_ptr'): a whole label ('.cable.') left of the
    registered domain, or a word with a number ('cust123', 'pool-17').
    """
    from sbskit.core.maildns.advice import data
    from sbskit.core.maildns.names import org_domain

    if _has_address_digits(name, ip):
        return "an ISP's generic name with the address's numbers in it"
    words = data().get("generic_ptr") or {}
    name = name.lower().rstrip(".")
    own = org_domain(name)
    labels = name[: -len(own)].rstrip(".").split(".") if name.endswith(own) and name != own else []
    hits = [label for label in labels if label in words.get("labels", [])]
    if words.get("numbered"):
        numbered = re.compile(r"(?:^|[-_])(" + "|".join(map(re.escape, words["numbered"])) + r")-?[0-9]+(?=$|[-_])")
        hits += [m.group(0).strip("-_") for label in labels for m in numbered.finditer(label)]
    if hits:
        shown = ", ".join(f"'{h}'" for h in dict.fromkeys(hits))
        return f"an ISP's name for a home or dynamic line ({shown} in it)"
    return ""


def is_generic(name: str, ip: str) -> bool:
    return bool(generic_reason(name, ip))


def _has_address_digits(name: str, ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    name = name.lower()
    tokens = re.findall(r"[0-9]+", name)
    if address.version == 4:
        octets = str(address).split(".")
        joined = "".join(f"{int(o):03d}" for o in octets)
        if joined in name or "".join(octets) in tokens:
            return True
        found = sum(1 for o in octets if o in tokens)
        return found >= 3 or (found >= 2 and bool(_DYNAMIC.search(name)))
    hexes = [h.lstrip("0") or "0" for h in address.exploded.split(":")]
    return sum(1 for h in hexes[4:] if h != "0" and h in re.findall(r"[0-9a-f]+", name)) >= 2


def check(resolver: Resolver, addresses: list[str], from_mx: bool, helo: str = "", no_address: str = "") -> dict:
    title = "Reverse DNS (PTR) of the sending address"
    if not addresses:
        return make_check("ptr", E, title, no_address.replace("evaluate", "check") or "No address to check.", [],
                          "Give the server's public sending address (--ip).")
    ips = [spf_macros.client_ip(a) for a in addresses]
    resolver.fetch([(spf_macros.reverse_name(ip), wire.PTR) for ip in ips])
    status = OK
    evidence: list[str] = []
    lines = []
    key = None
    private = False
    helo_fix = ""
    for ip in ips:
        text = str(ip)
        lookup = resolver.get(spf_macros.reverse_name(ip), wire.PTR)
        evidence.append(lookup.evidence())
        if not is_public(ip):
            status = worst(status, WARNING)
            private = True
            lines.append(f"{text} is a private or reserved address: receivers see the server's public address "
                         "instead; check that one")
            continue
        if lookup.status == ERROR:
            status = worst(status, E)
            lines.append(f"{text}: the PTR lookup failed ({lookup.detail}), so it could not be told")
            continue
        names = lookup.records[:MAX_NAMES]
        if not names:
            status = worst(status, PROBLEM)
            key = key or "ptr-missing"
            lines.append(f"{text} has no PTR record")
            continue
        qtype = wire.A if ip.version == 4 else wire.AAAA
        resolver.fetch([(n, qtype) for n in names])
        confirmed = []
        unsure = False
        for name in names:
            forward = resolver.get(name, qtype)
            evidence.append(forward.evidence())
            if forward.status == ERROR:
                unsure = True
            elif text in {str(spf_macros.client_ip(a)) for a in forward.records}:
                confirmed.append(name)
        if not confirmed:
            if unsure:
                status = worst(status, E)
                lines.append(f"{text} -> {', '.join(names)}, but the forward lookup failed, so it could not be "
                             "confirmed")
            else:
                status = worst(status, PROBLEM)
                key = key or "ptr-missing"
                lines.append(f"{text} -> {', '.join(names)}, but that name does not point back to {text} (not "
                             "forward-confirmed)")
            continue
        generic = [(n, generic_reason(n, text)) for n in confirmed]
        generic = [(n, why) for n, why in generic if why]
        if generic and len(generic) == len(confirmed):
            status = worst(status, WARNING)
            key = key or "ptr-generic"
            lines.append(f"{text} -> {generic[0][0]} (forward-confirmed) is {generic[0][1]}")
        else:
            lines.append(f"{text} -> {confirmed[0]}, which points back to it (forward-confirmed)")
        if helo:
            helo_name = helo.rstrip(".").lower()
            if helo_name not in confirmed:
                status = worst(status, WARNING)
                helo_fix = (f"Make the server introduce itself as {confirmed[0]} (Exchange: the FQDN of the send "
                            "connector; Postfix: myhostname), or have the PTR changed to the name it uses.")
                lines.append(f"the server introduces itself as '{helo_name}' (HELO/EHLO), which is not its PTR name "
                             f"{confirmed[0]}; many receivers expect them to match")
    source = " (the MX hosts' addresses: no --ip was given)" if from_mx else ""
    detail = "; ".join(lines) + "." if lines else ""
    detail = detail[0].upper() + detail[1:] if detail else detail
    fixes = []
    if status in (PROBLEM, WARNING) and key:
        fixes.append("Ask whoever owns the address (the ISP or hosting provider; a PTR cannot be set in your own DNS "
                     "zone) to set its PTR to a name such as mail.<your domain>, and publish that name's A record with "
                     "the same address. The server's HELO/EHLO name should be that name too.")
    if helo_fix:
        fixes.append(helo_fix)
    if private:
        fixes.append("Give the server's public address (--ip), the one receivers see, to check its reverse DNS.")
    if status == E:
        fixes.append("Check again later; if it keeps failing, the reverse zone's name servers (the ISP's) are not "
                     "answering.")
    fix = " ".join(fixes)
    return make_check("ptr", status, title + source, detail, evidence, fix,
                      advice.receivers(key, "", ", ".join(addresses)) if key and status != OK else None,
                      addresses=[str(ip) for ip in ips])

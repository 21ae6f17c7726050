"""The ``spf`` and ``spf-ip`` checks, and the SPF record to publish instead.

``spf`` judges the record for every sender (the whole tree: lookups, void lookups, loops,
syntax, the final 'all'); ``spf-ip`` runs RFC 7208 check_host() for this server's
address and names the term that decided. The suggested record is built from what was
found: the terms that work are kept, the server's address and the mail provider's
include are added, and its lookup count is computed from the walked tree.
"""

from __future__ import annotations

import ipaddress

from sbskit.core.maildns import advice
from sbskit.core.maildns.lookups import ERROR as LOOKUP_ERROR, Resolver
from sbskit.core.maildns.names import is_public
from sbskit.core.maildns.model import ERROR, OK, PROBLEM, WARNING, make_check, worst
from sbskit.core.maildns.spf_eval import SpfResult, check_host
from sbskit.core.maildns.spf_syntax import parse_record
from sbskit.core.maildns.spf_tree import Analysis, analyze, tree_lines

TITLE = "SPF record (which servers may send for the domain)"


def _kept_terms(analysis: Analysis) -> tuple[list[str], str]:
    """Terms worth keeping from every record found, and the old 'all' qualifier."""
    kept: list[str] = []
    qualifier = ""
    broken_targets = {p.split("'")[1] for p in analysis.problems if p.startswith("'include:")}
    for text in analysis.records:
        record = parse_record(text)
        for term in record.terms:
            if term.kind == "modifier":
                continue
            if term.name == "all":
                qualifier = qualifier or term.qualifier
                continue
            if term.name == "ptr" or term.text in broken_targets:
                continue
            if term.qualifier != "+" or any(p.column == term.column for p in record.problems):
                continue
            bare = term.text.lstrip("+")
            if bare not in kept:
                kept.append(bare)
    return kept, qualifier


def suggest_record(domain: str, analysis: Analysis, ips: list[str], ip_passes: bool, mx_hosts: list[str]) -> dict:
    """The record to publish, its DNS-lookup count, and what the admin should know about it."""
    kept, old_all = _kept_terms(analysis)
    notes = []
    provider = advice.provider_for_hosts(mx_hosts)
    if provider and f"include:{provider['spf_include']}" not in kept:
        kept.append(f"include:{provider['spf_include']}")
        notes.append(f"include:{provider['spf_include']} lets {provider['name']} send for {domain}")
    if not ip_passes:
        for ip in ips:
            address = ipaddress.ip_address(ip)
            term = f"ip{address.version}:{address}"
            if is_public(address) and term not in kept:
                kept.insert(0, term)
                notes.append(f"{term} authorises this server's address")
    if not kept and mx_hosts and not provider:
        kept.append("mx")
        notes.append("'mx' authorises the domain's own mail servers (they usually send too)")
    ending = "-all" if old_all == "-" else "~all"
    record = " ".join(["v=spf1"] + kept + [ending])
    lookups = 0
    for term in kept:
        name = term.split(":", 1)[0].split("/", 1)[0]
        if name == "include":
            target = term.split(":", 1)[1].lower()
            known = analysis.include_costs.get(target)
            lookups += known if known is not None else (advice.provider_for_include(target) or {}).get("spf_lookups", 1)
        elif name in ("a", "mx", "exists"):
            lookups += 1
    if lookups > 10:
        notes.append(f"it still needs {lookups} DNS lookups (limit 10): drop the includes of services the domain "
                     "no longer uses, or replace an include with the provider's published ip4:/ip6: ranges")
    if ending == "~all":
        notes.append("~all (soft fail) is the safe start; change to -all once every sender is listed")
    return {"name": domain, "type": "TXT", "value": record, "lookups": lookups, "notes": notes}


def check_record(resolver: Resolver, domain: str, ips: list[str], ip_passes: bool, mx_hosts: list[str]) -> tuple[dict, Analysis]:
    analysis = analyze(resolver, domain)
    evidence = list(dict.fromkeys(analysis.evidence)) + tree_lines(analysis.top)[1:]
    top = analysis.top.lookup
    if top is not None and top.status == LOOKUP_ERROR:
        return make_check("spf", ERROR, TITLE, f"The domain's TXT records could not be read ({top.detail}): could "
                          "not tell whether it has an SPF record.", evidence, "Check again later."), analysis
    suggestion = suggest_record(domain, analysis, ips, ip_passes, mx_hosts)
    record_fix = f"Publish exactly one TXT record at {domain}: {suggestion['value']}"
    if suggestion["notes"]:
        record_fix += " (" + "; ".join(suggestion["notes"]) + ")"
    if not analysis.records:
        missing = "does not exist" if not analysis.exists else "has no SPF record (no TXT record starting with v=spf1)"
        return make_check("spf", PROBLEM, TITLE, f"{domain} {missing}: receivers cannot tell which servers may send "
                          "its mail.", evidence, record_fix, advice.receivers("spf-missing", domain),
                          [suggestion], lookups=0), analysis
    status = OK
    details = []
    key = None
    if analysis.problems:
        status = PROBLEM
        key = "spf-permerror"
        details += analysis.problems
    final_all = analysis.final_all()
    if final_all is None and not any("redirect" in p for p in analysis.problems) and analysis.top.record is not None:
        status = worst(status, PROBLEM)
        key = key or "spf-weak-all"
        details.append("the record does not end with an 'all' term: every server not listed gets 'neutral', as "
                       "with ?all, so forged mail in the domain's name is not stopped")
    elif final_all is not None and final_all.qualifier in "+?":
        status = worst(status, PROBLEM)
        key = key or "spf-weak-all"
        what = "lets every server on the Internet pass" if final_all.qualifier == "+" else \
            "gives every other server 'neutral' (as if there were no record)"
        details.append(f"'{final_all.text}' {what}")
    elif final_all is not None:
        kind = "fail (-all): receivers may reject mail from other servers" if final_all.qualifier == "-" else \
            "soft fail (~all): other servers' mail is accepted but marked; with DMARC enforcement that is enough"
        details.append(f"ends with {kind}")
    if analysis.errors:
        status = worst(status, ERROR)
        details += [f"could not tell: {e}" for e in analysis.errors]
    if 8 <= analysis.lookups <= 10 and status == OK:
        status = WARNING
        details.append(f"{analysis.lookups} of the 10 allowed DNS lookups are used: one more include breaks it")
    if analysis.warnings:
        status = worst(status, WARNING)
        details += analysis.warnings
    if analysis.uses_macros:
        details.append("macros make part of the record depend on the sender; those terms are evaluated for the "
                       "server's address below (spf-ip)")
    count = f"{analysis.lookups} DNS lookup(s) of 10, {len(analysis.void)} void lookup(s) of 2"
    detail = f"{domain}: {analysis.records[0]} ({count}). " + ". ".join(d[0].upper() + d[1:] for d in details) + "."
    fix = record_fix if status in (PROBLEM, WARNING) else ""
    return make_check("spf", status, TITLE, detail, evidence + analysis.void, fix,
                      advice.receivers(key, domain) if key else None, [suggestion] if fix else None,
                      lookups=analysis.lookups, void_lookups=len(analysis.void)), analysis


RESULT_TEXT = {
    "pass": "is authorised (pass)", "fail": "is not authorised (fail: receivers may reject the mail)",
    "softfail": "is not authorised (softfail: receivers accept but distrust the mail)",
    "neutral": "is neither authorised nor refused (neutral: the record says nothing about it)",
    "none": "cannot be checked: the domain has no SPF record (none)",
    "permerror": "cannot be checked: the record is broken (permerror)",
    "temperror": "could not be checked: a DNS lookup failed (temperror)",
}


def evaluate_ips(resolver: Resolver, domain: str, ips: list[str], helo: str = "") -> list[SpfResult]:
    return [check_host(resolver, ip, domain, sender=f"postmaster@{domain}", helo=helo or domain) for ip in ips]


def check_ip(resolver: Resolver, domain: str, ips: list[str], results: list[SpfResult], from_mx: bool,
             suggestion: dict | None) -> dict:
    title = "SPF result for the sending address"
    if not ips:
        return make_check("spf-ip", ERROR, title, "No address to evaluate: no --ip was given and the domain's MX "
                          "hosts have no address.", [], "Give the server's public sending address (--ip).")
    status = OK
    lines = []
    evidence = []
    for ip, result in zip(ips, results):
        verdict = RESULT_TEXT[result.result]
        where = f": decided by '{result.term}' in {result.domain}'s record" if result.term else ""
        reason = f" ({result.reason})" if result.reason and not result.term else ""
        lines.append(f"{ip} sending as postmaster@{domain} {verdict}{where}{reason}")
        evidence += [f"check_host({ip}, {domain}): {result.result}"] + [f"  {t}" for t in result.trace[:40]]
        if result.result == "pass":
            continue
        if result.result == "temperror":
            status = worst(status, ERROR)
        else:
            status = worst(status, WARNING if from_mx else PROBLEM)
    detail = "; ".join(lines) + "."
    if from_mx and status != OK:
        detail += (" These are the MX hosts' addresses (no --ip was given): if the server sends through another "
                   "address or a provider, give that address.")
    fix = ""
    records = None
    key = None
    if status in (PROBLEM, WARNING):
        worst_result = next(r.result for r in results if r.result != "pass")
        key = {"none": "spf-missing", "permerror": "spf-permerror"}.get(worst_result, "spf-ip-fail")
        if suggestion:
            fix = f"Publish at {domain}: {suggestion['value']}"
            records = [suggestion]
    return make_check("spf-ip", status, title, detail, evidence, fix,
                      advice.receivers(key, domain, ", ".join(ips)) if key else None, records,
                      results=[dict(r.as_dict(), ip=ip) for ip, r in zip(ips, results)])

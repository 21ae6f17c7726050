"""The ``spf`` and ``spf-ip`` checks, and the SPF record to publish instead.

``spf`` judges the record for every sender (the whole tree: lookups, void lookups, loops,
syntax, the final 'all'); ``spf-ip`` runs RFC 7208 check_host() for this server's
address and names the term that decided. The record to publish instead is built and
proved by spf_suggest.py; a check only carries it (or the reason none is offered).
"""

from __future__ import annotations

from sbskit.core.maildns import advice
from sbskit.core.maildns.lookups import ERROR as LOOKUP_ERROR, SPF_TYPE, Resolver
from sbskit.core.maildns.model import ERROR, OK, PROBLEM, WARNING, make_check, sentences, worst
from sbskit.core.maildns.names import is_public
from sbskit.core.maildns.spf_eval import SpfResult, check_host
from sbskit.core.maildns.spf_intent import Unusable, unusable_records
from sbskit.core.maildns.spf_suggest import Suggestion
from sbskit.core.maildns.spf_syntax import is_spf
from sbskit.core.maildns.spf_tree import Analysis, analyze, tree_lines

TITLE = "SPF record (which servers may send for the domain)"


class Judged:
    """The ``spf`` check before its record to publish is attached, and what the suggestion is built from."""

    def __init__(self, check: dict, analysis: Analysis, unusable: list[Unusable]) -> None:
        self.check = check
        self.analysis = analysis
        self.unusable = unusable

    @property
    def texts(self) -> list:
        """The published v=spf1 records as the DNS gave them (several strings kept apart)."""
        top = self.analysis.top
        if top is None or top.lookup is None:
            return []
        return [t for t in top.lookup.texts() if is_spf(t)]

    @property
    def readable(self) -> bool:
        """Whether the domain's TXT records could be read at all (else no record can be suggested)."""
        top = self.analysis.top.lookup if self.analysis.top else None
        return top is not None and top.status != LOOKUP_ERROR


def check_record(resolver: Resolver, domain: str) -> Judged:
    analysis = analyze(resolver, domain)
    evidence = list(dict.fromkeys(analysis.evidence)) + tree_lines(analysis.top)[1:]
    top = analysis.top.lookup
    if top is not None and top.status == LOOKUP_ERROR:
        return Judged(make_check("spf", ERROR, TITLE, f"The domain's TXT records could not be read ({top.detail}): "
                                 "could not tell whether it has an SPF record.", evidence,
                                 "Check again later; if it keeps failing, the domain's name servers are not "
                                 "answering (ask its DNS host)."), analysis, [])
    if not analysis.records:
        unusable = unusable_records(resolver, domain) if analysis.exists else []
        evidence += [resolver.get(domain, SPF_TYPE).evidence()] if any(u.text == u.meant for u in unusable) else []
        missing = "does not exist" if not analysis.exists else "has no SPF record receivers can read" if unusable \
            else "has no SPF record (no TXT record starting with v=spf1)"
        why = "".join(f" {u.message[0].upper()}{u.message[1:]}." for u in unusable)
        return Judged(make_check("spf", PROBLEM, TITLE, f"{domain} {missing}: receivers cannot tell which servers may "
                                 f"send its mail.{why}", evidence, "", advice.receivers("spf-missing", domain),
                                 lookups=0), analysis, unusable)
    status = OK
    details = []
    key = None
    if analysis.problems:
        status = PROBLEM
        key = "spf-permerror"
        details += analysis.problems
    final_all = analysis.final_all()
    record = analysis.top.record
    if final_all is None and not any("redirect" in p for p in analysis.problems) and record is not None \
            and not record.aborted:
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
    detail = f"{domain}: {analysis.records[0]} ({count}). " + sentences(details)
    fix = "Check again later; the parts that could not be looked up decide nothing yet." if status == ERROR else ""
    return Judged(make_check("spf", status, TITLE, detail, evidence + analysis.void, fix,
                             advice.receivers(key, domain) if key else None,
                             lookups=analysis.lookups, void_lookups=len(analysis.void)), analysis, [])


def attach(check: dict, suggestion: Suggestion | None, analysis: Analysis) -> dict:
    """Put the proved record to publish (or why none is offered) on a check that needs a fix."""
    if check["status"] not in (PROBLEM, WARNING) or suggestion is None:
        return check
    if suggestion.record is not None:
        check["records"] = [suggestion.record]
        check["fix"] = suggestion.fix
    elif suggestion.withheld:
        check["withheld"] = suggestion.withheld
        check["fix"] = suggestion.fix
    elif not check["fix"]:
        check["fix"] = _nothing_to_publish(check, analysis)
    return check


def _nothing_to_publish(check: dict, analysis: Analysis) -> str:
    if 8 <= analysis.lookups <= 10:
        return (f"Nothing to change now; {analysis.lookups} of the 10 lookups are used, so before adding another "
                "service's include, remove one the client no longer uses.")
    return "The published record already lists what the kit would suggest; see the details above."


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
             suggestion: Suggestion | None, no_address: str = "") -> dict:
    title = "SPF result for the sending address"
    if not ips:
        return make_check("spf-ip", ERROR, title, no_address or "No address to evaluate.", [],
                          "Give the server's public sending address (--ip).")
    status = OK
    lines = []
    evidence = []
    private = [ip for ip in ips if not is_public(ip)]
    for ip in private:
        status = WARNING
        lines.append(f"{ip} is a private (LAN) or reserved address: receivers on the Internet never see it, they see "
                     "the public address the firewall translates it to (NAT), so its SPF result tells nothing")
    for ip, result in zip(ips, results):
        if ip in private:
            continue
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
    if status == ERROR:
        fix = "Check again later: a lookup failed, so the result (and any record to publish) cannot be proved now."
    if private and len(private) == len(ips):
        return make_check("spf-ip", WARNING, title, "; ".join(lines) + ".", evidence,
                          "Give the server's public address, the one receivers see (the firewall's outside address "
                          "the mail leaves from), with --ip.",
                          results=[dict(r.as_dict(), ip=ip) for ip, r in zip(ips, results)])
    if status in (PROBLEM, WARNING) and any(r.result != "pass" for ip, r in zip(ips, results) if ip not in private):
        worst_result = next(r.result for ip, r in zip(ips, results) if r.result != "pass" and ip not in private)
        key = {"none": "spf-missing", "permerror": "spf-permerror"}.get(worst_result, "spf-ip-fail")
        if suggestion is not None and suggestion.record is not None:
            fix = f"Publish at {domain}: {suggestion.record['value']}"
            records = [suggestion.record]
        elif suggestion is not None and suggestion.withheld:
            fix = suggestion.fix
        else:
            fix = ("Make the domain's SPF record list this address (or the provider it sends through), then check "
                   "again.")
    return make_check("spf-ip", status, title, detail, evidence, fix,
                      advice.receivers(key, domain, ", ".join(ips)) if key else None, records,
                      results=[dict(r.as_dict(), ip=ip) for ip, r in zip(ips, results)])

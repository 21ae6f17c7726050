"""RFC 7208 check_host(): the SPF result for one sending address, and the term that decided it.

Written for the kit's lean DNS engine instead of using pyspf, which imports dnspython at
import time and asks one question at a time (see the report in issue 16). Limits follow
section 4.6.4: ten terms that cause DNS lookups, two void lookups, ten MX names per mx,
ten PTR names per ptr; exceeding one is a permerror. An answer that could not be had is a
temperror, never a guess.
"""

from __future__ import annotations

from sbskit.core.dnsbl import wire
from sbskit.core.maildns import spf_macros
from sbskit.core.maildns.lookups import ERROR, Resolver, valid_query_name
from sbskit.core.maildns.spf_macros import Context, MacroError
from sbskit.core.maildns.spf_syntax import Record, Term, is_spf, parse_record

MAX_LOOKUPS = 10
MAX_VOID = 2
MAX_MX = 10
MAX_PTR = 10
DEFAULT_EXPLANATION = "DEFAULT"


class PermError(Exception):
    pass


class TempError(Exception):
    pass


class SpfResult:
    """``result``: pass, fail, softfail, neutral, none, permerror or temperror."""

    def __init__(self, result: str, reason: str = "", term: str = "", domain: str = "", record: str = "") -> None:
        self.result = result
        self.reason = reason
        self.term = term  # the term that decided ("" for the default result)
        self.domain = domain  # whose record holds that term
        self.record = record
        self.explanation = ""  # the exp= text (fail only), or DEFAULT
        self.trace: list[str] = []
        self.lookups = 0
        self.void_lookups = 0
        self.exp_source: tuple | None = None

    def as_dict(self) -> dict:
        return {"result": self.result, "reason": self.reason, "term": self.term, "domain": self.domain,
                "record": self.record, "explanation": self.explanation, "lookups": self.lookups,
                "void_lookups": self.void_lookups, "trace": self.trace}


def valid_domain(domain: str) -> bool:
    """RFC 7208 4.3: a multi-label name with labels of 1-63 characters (else the result is none)."""
    domain = domain.rstrip(".")
    return "." in domain and valid_query_name(domain) and not domain.startswith("[")


def find_records(resolver: Resolver, domain: str) -> tuple[list[str], object]:
    """The v=spf1 TXT records of ``domain`` and the lookup (raises TempError on a DNS failure)."""
    lookup = resolver.get(domain, wire.TXT)
    if lookup.status == ERROR:
        raise TempError(f"TXT {domain}: {lookup.detail}")
    return [t for t in lookup.texts() if is_spf(t)], lookup


class _Evaluation:
    def __init__(self, resolver: Resolver, ip, sender: str, helo: str, record: str | None = None) -> None:
        self.resolver = resolver
        self.record = record  # a record to evaluate instead of the top domain's published one
        self.ip = spf_macros.client_ip(ip)
        self.sender = sender
        self.helo = helo
        self.lookups = 0
        self.void = 0
        self.trace: list[str] = []
        self.stack: list[str] = []

    # --- limits ---------------------------------------------------------------------------
    def count_lookup(self, term: Term, domain: str) -> None:
        self.lookups += 1
        if self.lookups > MAX_LOOKUPS:
            raise PermError(f"more than {MAX_LOOKUPS} DNS lookups (the 11th is '{term.text}' in {domain}'s record)")

    def count_void(self, term: Term, domain: str, what: str) -> None:
        self.void += 1
        if self.void > MAX_VOID:
            raise PermError(f"more than {MAX_VOID} void lookups: '{term.text}' in {domain}'s record found {what}")

    def get(self, name: str, qtype: int):
        lookup = self.resolver.get(name, qtype)
        if lookup.status == ERROR:
            raise TempError(f"{lookup.type_name} {name}: {lookup.detail}")
        return lookup

    # --- check_host -----------------------------------------------------------------------
    def check_host(self, domain: str) -> SpfResult:
        domain = domain.rstrip(".").lower()
        if not valid_domain(domain):
            return SpfResult("none", f"'{domain}' is not a usable domain name", domain=domain)
        if domain in self.stack:
            raise PermError(f"loop: {' -> '.join(self.stack + [domain])}")
        if self.record is not None and not self.stack:
            records = [self.record]
        else:
            records, _lookup = find_records(self.resolver, domain)
        if not records:
            return SpfResult("none", f"{domain} has no SPF record", domain=domain)
        if len(records) > 1:
            raise PermError(f"{domain} has {len(records)} SPF records; exactly one is allowed")
        record = parse_record(records[0])
        if record.problems:
            raise PermError(f"syntax error in {domain}'s record at {record.problems[0]}")
        self.stack.append(domain)
        try:
            return self._evaluate(domain, record)
        finally:
            self.stack.pop()

    def _context(self, domain: str) -> Context:
        return Context(self.ip, self.sender, self.helo, domain, validated_name=lambda: self._validated_name(domain))

    def _evaluate(self, domain: str, record: Record) -> SpfResult:
        ctx = self._context(domain)
        for term in record.mechanisms:
            if term.does_lookup:
                self.count_lookup(term, domain)
            matched = self._matches(term, domain, ctx)
            self.trace.append(f"{domain}: {term.text} -> {'match' if matched else 'no match'}")
            if matched:
                result = SpfResult(term.result, term=term.text, domain=domain, record=record.text)
                result.exp_source = (record, ctx)  # the explanation is fetched once, at the top (RFC 7208 6.2)
                return result
        if record.redirect is not None:
            term = record.redirect
            self.count_lookup(term, domain)
            target = self._target(term, ctx)
            self.trace.append(f"{domain}: redirect={target}")
            if not valid_domain(target):
                raise PermError(f"redirect target '{target}' is not a usable domain name")
            result = self.check_host(target)
            if result.result == "none":
                raise PermError(f"redirect={target}: {target} has no SPF record")
            return result
        return SpfResult("neutral", f"no mechanism in {domain}'s record matched and it has no 'all'",
                         domain=domain, record=record.text)

    def _target(self, term: Term, ctx: Context) -> str:
        return spf_macros.expand_domain(term.parts, ctx).lower() if term.parts else ctx.domain

    def _addresses(self, name: str, term: Term, domain: str, count_void: bool) -> list:
        qtype = wire.A if self.ip.version == 4 else wire.AAAA
        lookup = self.get(name, qtype)
        if lookup.void and count_void:
            self.count_void(term, domain, f"no {lookup.type_name} record for {name}")
        return lookup.records

    def _in_network(self, addresses, term: Term) -> bool:
        import ipaddress

        bits = term.cidr4 if self.ip.version == 4 else term.cidr6
        for text in addresses:
            try:
                net = ipaddress.ip_network(f"{text}/{bits}", strict=False)
            except ValueError:
                continue
            if net.version == self.ip.version and self.ip in net:
                return True
        return False

    def _matches(self, term: Term, domain: str, ctx: Context) -> bool:
        name = term.name
        if name == "all":
            return True
        if name in ("ip4", "ip6"):
            return term.network.version == self.ip.version and self.ip in term.network
        target = self._target(term, ctx)
        usable = valid_query_name(target)
        if name == "include":
            if not valid_domain(target):
                raise PermError(f"include:{target} is not a usable domain name")
            result = self.check_host(target)
            if result.result == "pass":
                return True
            if result.result in ("fail", "softfail", "neutral"):
                return False
            if result.result == "temperror":
                raise TempError(result.reason)
            raise PermError(f"include:{target}: {result.reason or target + ' has no SPF record'}")
        if not usable:
            return False  # a name DNS cannot hold does not exist: no match (RFC 7208 4.8)
        if name == "a":
            return self._in_network(self._addresses(target, term, domain, True), term)
        if name == "exists":
            lookup = self.get(target, wire.A)
            if lookup.void:
                self.count_void(term, domain, f"no A record for {target}")
            return bool(lookup.records)
        if name == "mx":
            lookup = self.get(target, wire.MX)
            if lookup.void:
                self.count_void(term, domain, f"no MX record for {target}")
            hosts = [host for _pref, host in lookup.records if host]
            if len(lookup.records) > MAX_MX:
                raise PermError(f"'{term.text}': {target} has {len(lookup.records)} MX records; at most {MAX_MX} may be checked")
            qtype = wire.A if self.ip.version == 4 else wire.AAAA
            self.resolver.fetch([(h, qtype) for h in hosts if valid_query_name(h)])
            for host in hosts:
                if valid_query_name(host) and self._in_network(self.get(host, qtype).records, term):
                    return True
            return False
        if name == "ptr":
            return any(n == target or n.endswith("." + target) for n in self._validated_names(term, domain))
        raise PermError(f"unknown mechanism {name}")

    def _validated_names(self, term: Term | None, domain: str) -> list[str]:
        """RFC 7208 5.5: PTR names of the IP whose own addresses include the IP (first 10 only)."""
        lookup = self.resolver.get(spf_macros.reverse_name(self.ip), wire.PTR)
        if lookup.status == ERROR:
            return []  # a DNS error during the PTR lookup: the mechanism does not match
        if lookup.void and term is not None:
            self.count_void(term, domain, "no PTR record for the address")
        names = [n for n in lookup.records[:MAX_PTR] if valid_query_name(n)]
        qtype = wire.A if self.ip.version == 4 else wire.AAAA
        self.resolver.fetch([(n, qtype) for n in names])
        validated = []
        for name in names:
            forward = self.resolver.get(name, qtype)
            if forward.status == ERROR:
                continue
            if str(self.ip) in {str(spf_macros.client_ip(a)) for a in forward.records}:
                validated.append(name)
        return validated

    def _validated_name(self, domain: str) -> str:
        names = self._validated_names(None, domain)
        for choice in (lambda n: n == domain, lambda n: n.endswith("." + domain), lambda n: True):
            for name in names:
                if choice(name):
                    return name
        return "unknown"

    def _explain(self, record: Record, ctx: Context) -> str:
        """RFC 7208 6.2: the exp= text, or DEFAULT when it cannot be had (never an error)."""
        if record.exp is None:
            return DEFAULT_EXPLANATION
        try:
            target = self._target(record.exp, ctx)
            if not valid_query_name(target):
                return DEFAULT_EXPLANATION
            lookup = self.resolver.get(target, wire.TXT)
            texts = lookup.texts() if lookup.status == "ok" else []
            if len(texts) != 1 or any(ord(c) > 0x7E or ord(c) < 0x20 for c in texts[0]):
                return DEFAULT_EXPLANATION
            return spf_macros.expand(spf_macros.parse(texts[0], explanation=True), ctx)
        except (MacroError, TempError, PermError):
            return DEFAULT_EXPLANATION


def check_host(resolver: Resolver, ip, domain: str, sender: str = "", helo: str = "",
               record: str | None = None) -> SpfResult:
    """Evaluate SPF for ``ip`` sending as ``sender`` (default postmaster@domain) from ``helo``.

    ``record`` evaluates that text as if ``domain`` published it (a suggested record is proved
    this way against the same DNS before the kit offers it).

    Follows RFC 7208 4.3: an empty sender becomes postmaster@helo, a sender without a
    local part gets "postmaster".
    """
    helo = helo or domain
    if not sender:
        sender = f"postmaster@{helo}" if not domain else f"postmaster@{domain}"
    elif "@" not in sender:
        sender = f"postmaster@{sender}"
    elif sender.startswith("@"):
        sender = "postmaster" + sender
    evaluation = _Evaluation(resolver, ip, sender, helo, record)
    try:
        result = evaluation.check_host(domain)
        if result.result == "fail" and result.exp_source is not None:
            result.explanation = evaluation._explain(*result.exp_source)
    except PermError as exc:
        result = SpfResult("permerror", str(exc), domain=domain)
    except TempError as exc:
        result = SpfResult("temperror", str(exc), domain=domain)
    result.trace = evaluation.trace
    result.lookups = evaluation.lookups
    result.void_lookups = evaluation.void
    return result

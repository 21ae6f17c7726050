"""The SPF record to publish instead, built from what the published one meant, and proved before it is offered.

A consultant pastes the suggestion into a client's DNS, so a wrong one is worse than
none. The record keeps every sender the published record meant (spf_intent.py), adds the
detected mail provider's include and this server's address only when they do not pass
already, and stays under the 10-lookup limit (the domain's own hosts and includes are
written as addresses when that is what it takes; a third party's include never is).
Then it is proved: the kit's RFC 7208 evaluator runs it against the same DNS for this
server, the provider's published senders, a sample of every sender kept from the old
record, and a stranger. A record that does not pass for all of them is withheld, with
the reason and what to do instead.
"""

from __future__ import annotations

import ipaddress

from sbskit.core.dnsbl import wire
from sbskit.core.maildns import advice
from sbskit.core.maildns.lookups import Resolver
from sbskit.core.maildns.names import is_public
from sbskit.core.maildns.spf_eval import check_host
from sbskit.core.maildns.spf_flatten import flatten_own
from sbskit.core.maildns.spf_intent import Intent, Unusable, read_intent
from sbskit.core.maildns.spf_syntax import is_spf, parse_record
from sbskit.core.maildns.spf_tree import analyze

STRANGER = "198.18.0.1"  # benchmarking range (RFC 2544): in no sender's record, only ever evaluated
MAX_SAMPLES = 2  # sending addresses drawn from each kept include or range
MAX_LOOKUPS = 10


class Suggestion:
    """``record`` to publish (None when withheld or not needed) and ``withheld``: why none is offered."""

    def __init__(self, record: dict | None = None, withheld: str = "", advice_text: str = "") -> None:
        self.record = record
        self.withheld = withheld
        self.advice = advice_text  # what to do instead, when withheld

    @property
    def fix(self) -> str:
        if self.record is not None:
            fix = f"Publish exactly one TXT record at {self.record['name']}: {self.record['value']}"
            notes = self.record.get("notes") or []
            return fix + (". Why: " + "; ".join(notes) + "." if notes else "")
        if self.withheld:
            return f"No record is suggested: {self.withheld}." + (f" {self.advice}" if self.advice else "")
        return ""


def host_in(network) -> str:
    """One address inside a range: the range's second address (its first when it is one address)."""
    if network.num_addresses <= 2:
        return str(network.network_address)
    return str(network.network_address + 1)


def tree_samples(resolver: Resolver, target: str, limit: int = MAX_SAMPLES, depth: int = 0) -> list[str]:
    """Addresses the SPF record at ``target`` (and its includes) authorises, for the proof."""
    lookup = resolver.get(target, wire.TXT)
    records = [t for t in lookup.texts() if is_spf(t)]
    if len(records) != 1:
        return []
    record = parse_record(records[0])
    if record.problems:
        return []
    out: list[str] = []
    for term in record.mechanisms:
        if len(out) >= limit:
            break
        if term.qualifier != "+":
            continue
        if term.name in ("ip4", "ip6") and term.network is not None:
            out.append(host_in(term.network))
        elif term.name == "include" and not term.has_macros and depth < 4:
            out += tree_samples(resolver, term.spec.rstrip(".").lower(), limit - len(out), depth + 1)
        elif term.name in ("a", "mx") and not term.has_macros:
            out += _term_samples(resolver, target, term.text)[:limit - len(out)]
    if not out and record.redirect is not None and not record.redirect.has_macros and depth < 4:
        out = tree_samples(resolver, record.redirect.spec.rstrip(".").lower(), limit, depth + 1)
    return out[:limit]


def _term_samples(resolver: Resolver, domain: str, term: str) -> list[str]:
    """Addresses one kept term authorises today (empty when it cannot be told without a sender)."""
    body = term.lstrip("+")
    if body[:1] in "-~?" or "%" in body:
        return []
    name, _sep, rest = body.partition(":")
    name = name.split("/", 1)[0].lower()
    if name in ("ip4", "ip6"):
        try:
            return [host_in(ipaddress.ip_network(rest, strict=False))]
        except ValueError:
            return []
    if name == "include":
        return tree_samples(resolver, rest.rstrip(".").lower())
    target = (rest.split("/", 1)[0] if rest else domain).rstrip(".").lower()
    if name == "a":
        return (resolver.get(target, wire.A).records + resolver.get(target, wire.AAAA).records)[:MAX_SAMPLES]
    if name == "mx":
        hosts = [h for _p, h in sorted(resolver.get(target, wire.MX).records) if h][:MAX_SAMPLES]
        resolver.fetch([(h, wire.A) for h in hosts])
        return [a for h in hosts for a in resolver.get(h, wire.A).records][:MAX_SAMPLES]
    return []


def _passes(resolver: Resolver, domain: str, ip: str, record: str) -> str:
    return check_host(resolver, ip, domain, sender=f"postmaster@{domain}", helo=domain, record=record).result


def _compose(terms: list[str], ending: str, exp: str) -> str:
    return " ".join(["v=spf1", *terms, ending] + ([exp] if exp else []))


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


class _Builder:
    def __init__(self, resolver: Resolver, domain: str, intent: Intent, servers: list[str], provider: dict | None,
                 own_mx: list[str]) -> None:
        self.resolver = resolver
        self.domain = domain
        self.intent = intent
        self.servers = servers
        self.provider = provider
        self.own_mx = own_mx
        self.terms = list(intent.terms)
        self.notes = list(intent.notes)
        self.ending = "-all" if intent.ending == "-" else "~all"
        self.proof: list[tuple[str, str]] = []  # (address, whose it is)

    def text(self) -> str:
        return _compose(self.terms, self.ending, self.intent.exp)

    def build(self) -> None:
        intent = self.intent
        if intent.redirect:
            self.terms.append(f"include:{intent.redirect}")
            if intent.redirect_ignored:
                self.notes.append(f"redirect={intent.redirect} was never used (the record also has 'all'); it is "
                                  f"kept as include:{intent.redirect}")
            elif not intent.ending:
                self.ending = self._redirect_ending(intent.redirect)
                self.notes.append(f"redirect={intent.redirect} becomes include:{intent.redirect} so this server "
                                  f"can be listed too; the record ends as {intent.redirect}'s does ({self.ending})")
        if intent.plus_all:
            self._add_own_hosts()
        if self.provider:
            self._add_provider()
        if not self.terms and self.own_mx:
            self.terms.append("mx")
            self.notes.append("'mx' authorises the domain's own mail servers (they usually send too)")
        if self.ending == "~all" and intent.ending != "-":
            self.notes.append("~all (soft fail) is the safe start; change to -all once every sender is listed")

    def add_servers(self) -> None:
        """This server's address, unless the record lets it send already (never a provider's shared address)."""
        from sbskit.core.maildns.spf_macros import client_ip

        for ip in self.servers:
            self.proof.append((ip, "this server"))
            result = check_host(self.resolver, ip, self.domain, sender=f"postmaster@{self.domain}", helo=self.domain,
                                record=self.text())
            if result.result == "pass":
                continue
            address = client_ip(ip)  # an IPv4-mapped IPv6 address is the IPv4 one (RFC 7208 5)
            term = f"ip{address.version}:{address}"
            if term not in self.terms:
                self.terms.insert(0, term)
                refused = "" if not result.term or result.term.lstrip("+-~?").lower() == "all" else \
                    f" (the record refused it explicitly with '{result.term}': check that this is the server meant)"
                self.notes.append(f"{term} authorises this server's address{refused}")

    def _redirect_ending(self, target: str) -> str:
        records = [t for t in self.resolver.get(target, wire.TXT).texts() if is_spf(t)]
        term = parse_record(records[0]).all_term if len(records) == 1 else None
        return "-all" if term is not None and term.qualifier == "-" else "~all"

    def _add_own_hosts(self) -> None:
        self.notes.append("'+all' let every server on the Internet pass; the record now lists the senders instead")
        names = [t.lower() for t in self.terms]
        if self.own_mx and "mx" not in names:
            self.terms.append("mx")
            self.notes.append("'mx' keeps the domain's own mail servers")
        domain_a = self.resolver.get(self.domain, wire.A).records + self.resolver.get(self.domain, wire.AAAA).records
        if domain_a and "a" not in names:
            self.terms.append("a")
            self.notes.append("'a' keeps the web server's address (websites often send contact-form mail); remove "
                              "it if the website sends no mail")

    def _add_provider(self) -> None:
        include = self.provider["spf_include"]
        samples = tree_samples(self.resolver, include)
        self.proof += [(ip, f"{self.provider['name']} (include:{include})") for ip in samples]
        if f"include:{include}" in (t.lower() for t in self.terms):
            return
        if samples and all(_passes(self.resolver, self.domain, ip, self.text()) == "pass" for ip in samples):
            return  # the record already lets the provider send (another of its includes, or its ranges)
        self.terms.append(f"include:{include}")
        self.notes.append(f"include:{include} lets {self.provider['name']} send for {self.domain}")


def suggest(resolver: Resolver, domain: str, texts: list, unusable: list[Unusable], servers: list[str],
            mx_hosts: list[str]) -> Suggestion:
    """The record to publish for ``domain``, proved; ``servers`` are the addresses that must pass."""
    intent = read_intent(resolver, domain, texts, unusable)
    provider = advice.provider_for_hosts(mx_hosts)
    own_mx = [] if provider else list(mx_hosts)
    builder = _Builder(resolver, domain, intent, [ip for ip in servers if is_public(ip)], provider, own_mx)
    builder.build()
    lookups, unfixable = flatten_own(builder)  # the domain's own hosts as addresses, when over the limit
    if unfixable:
        return Suggestion(withheld=unfixable[0], advice_text=unfixable[1])
    builder.add_servers()
    text = builder.text()
    if len(texts) == 1 and not unusable and _normalised(text) == _normalised(str(texts[0])):
        return Suggestion()  # the published record is already what the kit would suggest
    failures, verified, unsure = prove(resolver, domain, text, builder, intent)
    if unsure:
        return Suggestion(withheld=f"it could not be proved against the DNS ({unsure})",
                          advice_text="Check again when the lookups answer.")
    if failures:
        return Suggestion(withheld="the record the kit would build " + "; ".join(failures),
                          advice_text="List the missing senders by hand (their provider's include or their "
                          "ip4:/ip6: ranges) and check again.")
    return Suggestion({"name": domain, "type": "TXT", "value": text, "lookups": lookups,
                       "notes": list(dict.fromkeys(builder.notes)), "verified": verified})


def prove(resolver: Resolver, domain: str, text: str, builder: _Builder, intent: Intent):
    """Evaluate ``text`` for every sender it must let through; (failures, verified, could-not-tell)."""
    analysis = analyze(resolver, domain, text)
    if analysis.errors:
        return [], [], analysis.errors[0]
    if analysis.problems:
        return [f"is still broken ({p})" for p in analysis.problems[:2]], [], ""
    required = list(builder.proof)
    for term in intent.terms + ([f"include:{intent.redirect}"] if intent.redirect else []):
        required += [(ip, f"'{term}' kept from the published record") for ip in _term_samples(resolver, domain, term)]
    seen = set()
    failures, verified = [], []
    for ip, whose in required:
        if ip in seen or not _usable(ip):
            continue
        seen.add(ip)
        result = _passes(resolver, domain, ip, text)
        verified.append({"ip": ip, "for": whose, "result": result})
        if result == "temperror":
            return [], [], f"a lookup failed while evaluating it for {ip}"
        if result != "pass":
            failures.append(f"does not pass for {ip} ({whose}: {result})")
    result = _passes(resolver, domain, STRANGER, text)
    verified.append({"ip": STRANGER, "for": "any other server", "result": result})
    if result in ("permerror", "temperror", "none", "neutral"):
        failures.append(f"gives {result} for any other server")
    return failures, verified, ""


def _usable(ip: str) -> bool:
    try:
        return is_public(ip)
    except ValueError:
        return False



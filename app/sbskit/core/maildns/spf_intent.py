"""What the published SPF record(s) meant: the terms to keep, the ones to drop, and why.

Reads every record the domain publishes the way its author meant it (the repairs of
spf_repair.py), then judges each term against the DNS: a term that finds nothing (a void
lookup), an include of a domain without a usable SPF record, 'ptr', and broken syntax
are dropped with a sentence saying so; everything else is kept in its order, including
'redirect=' (its target is kept as an include) and terms written after 'all'. Also finds
the SPF records receivers cannot see (in quote marks, Sender ID, the type-99 record).
"""

from __future__ import annotations

from sbskit.core.dnsbl import wire
from sbskit.core.maildns.lookups import ERROR, SPF_TYPE, Resolver, valid_query_name
from sbskit.core.maildns.spf_repair import missing_spaces, repair_term, respaced, sender_id, typography, unquoted
from sbskit.core.maildns.spf_syntax import is_spf, parse_record


class Unusable:
    """An SPF record receivers do not see as one, with the record it stands for."""

    def __init__(self, text: str, meant: str, message: str) -> None:
        self.text = text
        self.meant = meant
        self.message = message


def unusable_records(resolver: Resolver, domain: str) -> list[Unusable]:
    """SPF records in the wrong form: quoted, Sender ID (spf2.0), a special space after v=spf1, type 99."""
    found = []
    lookup = resolver.get(domain, wire.TXT)
    for text in lookup.texts():
        if is_spf(text):
            continue
        inner = unquoted(text)
        if inner:
            shown = text if len(text) <= 60 else text[:57] + "..."
            found.append(Unusable(text, inner, "a TXT record holds an SPF record wrapped in literal quote marks "
                                  f"({shown}): receivers see a record that does not start with v=spf1 and ignore "
                                  "it; remove the quote marks in the DNS panel (it adds its own)"))
            continue
        meant = sender_id(text)
        if meant:
            found.append(Unusable(text, meant, f"the only SPF-like record is a Sender ID record ('{text[:60]}', "
                                  "RFC 4406, retired): SPF "
                                  "receivers ignore it; publish the same terms as a v=spf1 record"))
            continue
        plain, changes = typography(text)
        if changes and is_spf(plain.strip()):
            found.append(Unusable(text, plain.strip(), f"a TXT record looks like SPF but {changes[0]}: receivers do "
                                  "not recognise it as v=spf1; retype it with plain characters"))
    if not found and lookup.status != ERROR:
        spf99 = resolver.get(domain, SPF_TYPE)
        for text in spf99.texts():
            if is_spf(text):
                found.append(Unusable(text, text, "the SPF record is published only as the obsolete SPF record type "
                                      "(type 99): RFC 7208 3.1 retired it and receivers ask for TXT only; publish "
                                      "the same text as a TXT record"))
    return found


class Intent:
    """The terms to keep (in order), how the record ended, and what was changed or dropped."""

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.ending = ""  # the qualifier of the first 'all' ("" when there is none)
        self.redirect = ""  # a redirect= target (kept as an include when something is added)
        self.redirect_ignored = False  # the record has 'all' too, so receivers never used the redirect
        self.exp = ""
        self.notes: list[str] = []
        self.dropped: list[str] = []  # terms dropped on purpose (their senders are not kept)
        self.plus_all = False

    def add(self, term: str) -> None:
        if term.lower() not in (t.lower() for t in self.terms):
            self.terms.append(term)


def read_intent(resolver: Resolver, domain: str, texts: list, unusable: list[Unusable]) -> Intent:
    """The intent of the published ``texts`` (raw TXT values) or, without any, of the unusable records."""
    intent = Intent()
    sources = [_clean(value, intent) for value in texts] or [u.meant for u in unusable]
    endings = []
    for text in sources:
        after_all = False
        ending = ""
        for token in text[6:].split():
            term, why = repair_term(token)
            if term is None:
                intent.dropped.append(token)
                intent.notes.append(f"'{token}' is dropped: {why}")
                continue
            if why:
                intent.notes.append(why)
            _read_term(term, intent, after_all)
            name = term.lstrip("+-~?").lower()
            if name == "all" and not after_all:
                after_all = True
                ending = term[0] if term[0] in "+-~?" else "+"
        endings.append(ending)
        if ending and intent.redirect:
            intent.redirect_ignored = True
    if len(sources) > 1:
        intent.notes.append(f"the {len(sources)} SPF records are merged into one (RFC 7208 allows exactly one)")
    intent.ending = "-" if "-" in endings else next((e for e in endings if e), "")
    differing = sorted({e for e in endings if e})
    if len(differing) > 1:  # a merge that changes how some receivers end never passes silently
        shown = ", ".join(f"{e}all" for e in differing)
        intent.notes.append(f"the records ended differently ({shown}): the merged record keeps {intent.ending}all, "
                            "as the strictest one said; if a sender may be missing, publish ~all first and tighten it "
                            "once the reports show every server")
    intent.plus_all = "+" in endings
    _drop_dead_terms(resolver, domain, intent)
    return intent


def _clean(value: object, intent: Intent) -> str:
    text = str(value)
    if missing_spaces(value):
        text = respaced(value)
        intent.notes.append("a space is added where two of the record's strings were joined without one")
    plain, changes = typography(text)
    if changes:
        intent.notes.append("; ".join(changes) + ", as a word processor had changed it")
    return plain


def _read_term(term: str, intent: Intent, after_all: bool) -> None:
    bare = term.lstrip("+")
    name = bare.lstrip("-~?").split(":", 1)[0].split("/", 1)[0].split("=", 1)[0].lower()
    if "=" in bare.split(":", 1)[0]:
        key, _eq, value = bare.partition("=")
        if key.lower() == "redirect":
            intent.redirect = value.rstrip(".").lower()
        elif key.lower() == "exp":
            intent.exp = bare
        return  # other modifiers are ignored by receivers and not carried over
    if name == "all":
        return
    if name == "ptr":
        intent.dropped.append(term)
        intent.notes.append(f"'{term}' is dropped: RFC 7208 5.5 says not to use ptr (slow, unreliable; many "
                            "receivers skip it)")
        return
    too_wide = _too_wide(bare)
    if too_wide:
        intent.dropped.append(term)
        intent.notes.append(f"'{term}' is dropped: it authorises {too_wide}, practically anyone, like '+all'")
        return
    if after_all:
        intent.notes.append(f"'{term}' came after 'all', where receivers never read it: it is now before the 'all'")
    intent.add(bare)


def _too_wide(term: str) -> str:
    """An ip4 range wider than /8 or an ip6 range wider than /16 (a typo, or a record that gives up)."""
    import ipaddress

    name, _sep, value = term.partition(":")
    if name.lower() not in ("ip4", "ip6") or "/" not in value:
        return ""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return ""
    if network.prefixlen < (8 if network.version == 4 else 16):
        return f"{network.num_addresses:,} addresses"
    return ""


def _target(term: str, domain: str) -> tuple[str, str] | None:
    """(mechanism, literal target) of a term that looks something up; None with macros or none."""
    body = term.lstrip("+-~?")
    name, _sep, rest = body.partition(":")
    name = name.split("/", 1)[0].lower()
    if name not in ("include", "a", "mx", "exists"):
        return None
    target = rest.split("/", 1)[0] if name in ("a", "mx") else rest
    if "%" in target:
        return None
    return name, (target or domain).rstrip(".").lower()


def _drop_dead_terms(resolver: Resolver, domain: str, intent: Intent) -> None:
    """Drop terms that find nothing (void lookups) and includes of domains without a usable SPF record."""
    targets = [(t, _target(t, domain)) for t in intent.terms]
    questions = []
    for _term, found in targets:
        if found and valid_query_name(found[1]):
            kind, name = found
            questions += {"include": [(name, wire.TXT)], "mx": [(name, wire.MX)],
                          "a": [(name, wire.A), (name, wire.AAAA)], "exists": [(name, wire.A)]}[kind]
    if intent.redirect and valid_query_name(intent.redirect):
        questions.append((intent.redirect, wire.TXT))
    resolver.fetch(questions)
    kept = []
    for term, found in targets:
        why = _dead(resolver, found, domain) if found else ""
        if why:
            intent.dropped.append(term)
            intent.notes.append(f"'{term}' is dropped: {why}")
        else:
            kept.append(term)
    intent.terms = kept
    if intent.redirect:
        why = _dead(resolver, ("include", intent.redirect), domain)
        if why:
            intent.dropped.append(f"redirect={intent.redirect}")
            intent.notes.append(f"'redirect={intent.redirect}' is dropped: {why}")
            intent.redirect = ""


def _dead(resolver: Resolver, found: tuple[str, str], domain: str) -> str:
    kind, name = found
    if not valid_query_name(name):
        return f"'{name}' is not a usable domain name"
    if kind == "include" and name == domain:
        return f"it points back to {domain} itself (a loop)"
    if kind == "include":
        lookup = resolver.get(name, wire.TXT)
        if lookup.status == ERROR:
            return ""  # could not tell: kept, and the proof of the suggestion fails honestly
        records = [t for t in lookup.texts() if is_spf(t)]
        if not records:
            return f"{name} has no SPF record ({lookup.evidence()}), so receivers get a permerror there"
        if len(records) > 1 or parse_record(records[0]).problems:
            return f"{name}'s own SPF record is broken (its owner must fix it), so receivers get a permerror there"
        from sbskit.core.maildns.spf_tree import analyze

        tree = analyze(resolver, name)
        if tree.errors:
            return ""
        loops = [p for p in tree.problems if p.startswith("loop:") and domain in p.split(" -> ")]
        if loops:
            return f"it leads back to {domain} ({loops[0]})"
        if tree.problems:
            return f"the SPF records behind it are broken ({tree.problems[0]}), so receivers get a permerror there"
        return ""
    lookups = [resolver.get(name, wire.A), resolver.get(name, wire.AAAA)] if kind == "a" else \
        [resolver.get(name, wire.MX if kind == "mx" else wire.A)]
    if any(lookup.status == ERROR for lookup in lookups) or not all(lookup.void for lookup in lookups):
        return ""
    what = {"a": "no address", "mx": "no MX record", "exists": "no A record"}[kind]
    return f"{name} has {what} any more (a void lookup: it authorises no one and counts against the limit of 2)"

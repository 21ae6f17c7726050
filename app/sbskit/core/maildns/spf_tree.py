"""The whole SPF tree of a domain, walked once: lookup count, void lookups, loops, every syntax error.

check_host() for one address stops at the first match, so it cannot say whether the
record is sound for every sender; receivers do evaluate the rest for other addresses
(and for this server's mail when its term comes late). This walk follows every include
and redirect the way checkdmarc counts them: the worst case a receiver can meet. Each
record's questions go out in one batch, so the walk costs one round trip per level.
"""

from __future__ import annotations

from sbskit.core.dnsbl import wire
from sbskit.core.maildns.lookups import ERROR, NXDOMAIN, Resolver, txt_strings, valid_query_name
from sbskit.core.maildns.spf_repair import missing_spaces
from sbskit.core.maildns.spf_syntax import Record, Term, is_spf, parse_record

MAX_DEPTH = 12


class Node:
    """One domain's SPF record in the tree."""

    def __init__(self, domain: str, via: str) -> None:
        self.domain = domain
        self.via = via  # the term that led here ("" for the top)
        self.texts: list[str] = []  # its v=spf1 records
        self.record: Record | None = None
        self.lookup = None
        self.children: list[Node] = []
        self.cost = 0  # DNS-lookup terms in this record and everything below it


class Analysis:
    def __init__(self, domain: str) -> None:
        self.domain = domain
        self.top: Node | None = None
        self.lookups = 0
        self.void: list[str] = []  # one line per void lookup
        self.problems: list[str] = []  # each makes receivers' check_host() a permerror
        self.warnings: list[str] = []
        self.errors: list[str] = []  # what could not be looked up
        self.evidence: list[str] = []
        self.include_costs: dict[str, int] = {}  # include target -> lookups it costs (itself included)
        self.uses_macros = False

    @property
    def records(self) -> list[str]:
        return self.top.texts if self.top else []

    @property
    def exists(self) -> bool:
        return bool(self.top and self.top.lookup is not None and self.top.lookup.status != NXDOMAIN)

    def final_all(self) -> Term | None:
        """The 'all' that ends evaluation, following redirect= when the record has none."""
        node = self.top
        seen = set()
        while node is not None and node.record is not None and node.domain not in seen:
            seen.add(node.domain)
            term = node.record.all_term
            if term is not None:
                return term
            if node.record.redirect is None:
                return None
            node = next((c for c in node.children if c.via.startswith("redirect=")), None)
        return None


def _target(term: Term, domain: str) -> str | None:
    """The literal target of a term, or None when it holds macros (known only at evaluation)."""
    if not term.spec:
        return domain
    if term.has_macros:
        return None
    return term.spec.rstrip(".").lower()


class _Walker:
    def __init__(self, resolver: Resolver, analysis: Analysis) -> None:
        self.resolver = resolver
        self.a = analysis

    def walk(self, domain: str, via: str, path: list[str], text: str | None = None) -> Node:
        node = Node(domain, via)
        where = f"{via} ({domain})" if via else domain
        if text is not None:  # a record to judge as if the domain published it (a suggestion)
            node.texts = [text]
        else:
            lookup = node.lookup = self.resolver.get(domain, wire.TXT)
            self.a.evidence.append(lookup.evidence())
            if lookup.status == ERROR:
                self.a.errors.append(f"the SPF record of {domain} could not be read: {lookup.detail}")
                return node
            node.texts = [t for t in lookup.texts() if is_spf(t)]
            for value in node.texts:
                for _index, head, tail in missing_spaces(value):
                    parts = " ".join('"' + part + '"' for part in txt_strings(value))
                    self.a.problems.append(
                        f"the record at {domain} is published as {len(txt_strings(value))} strings ({parts}); receivers "
                        f"join them with no space between (RFC 7208 3.3), so '{head}' and '{tail}' become the "
                        f"single term '{head}{tail}': add a space at the end of the string that ends in '{head}'")
        if not node.texts:
            if via:
                self.a.problems.append(f"'{via}' points to {domain}, which has no SPF record: receivers get a "
                                       "permerror for every message that reaches this term")
            return node
        if len(node.texts) > 1:
            self.a.problems.append(f"{domain} publishes {len(node.texts)} SPF records; RFC 7208 allows exactly one, "
                                   "so every receiver gets a permerror")
        record = node.record = parse_record(node.texts[0])
        for problem in record.problems:
            self.a.problems.append(f"syntax error in {where}'s record at {problem}")
        if record.problems:
            return node
        self._prefetch(record, domain)
        after_all = False
        for term in record.terms:
            if term.kind == "mechanism" and after_all:
                self.a.warnings.append(f"'{term.text}' in {domain}'s record comes after 'all' and is never used")
                continue  # never evaluated, so it costs no lookup either
            if term.kind == "mechanism" and term.name == "all":
                after_all = True
            if term.kind == "modifier" and term.name == "redirect" and record.all_term is not None:
                self.a.warnings.append(f"{domain}'s record has both 'all' and '{term.text}': the redirect is never used")
                continue
            if not term.does_lookup:
                continue
            node.cost += 1
            child = self._term(term, domain, path)
            if child is not None:
                node.children.append(child)
                node.cost += child.cost
        return node

    def _prefetch(self, record: Record, domain: str) -> None:
        questions = []
        for term in record.terms:
            target = _target(term, domain)
            if target is None:
                self.a.uses_macros = True
                continue
            if not valid_query_name(target):
                continue
            qtype = {"include": wire.TXT, "redirect": wire.TXT, "a": wire.A, "exists": wire.A, "mx": wire.MX}.get(term.name)
            if qtype:
                questions.append((target, qtype))
        self.resolver.fetch(questions)

    def _void(self, lookup, term: Term, domain: str) -> None:
        if lookup.status == ERROR:
            self.a.errors.append(f"'{term.text}' in {domain}'s record: {lookup.evidence()}")
        elif lookup.void:
            self.a.void.append(f"'{term.text}' in {domain}'s record: {lookup.evidence()}")
            self.a.evidence.append(lookup.evidence())

    def _term(self, term: Term, domain: str, path: list[str]) -> Node | None:
        name = term.name
        target = _target(term, domain)
        if name == "ptr":
            self.a.warnings.append(f"'{term.text}' in {domain}'s record: the ptr mechanism is slow and unreliable, "
                                   "RFC 7208 5.5 says not to use it (list the addresses with ip4:/ip6: or a:)")
        if target is None:
            return None  # macros: the name depends on the sender; counted, not followed
        if name in ("include", "redirect"):
            via = f"{term.text}" if name == "include" else f"redirect={term.spec}"
            if not valid_query_name(target):
                self.a.problems.append(f"'{term.text}' in {domain}'s record names an impossible domain")
                return None
            if target in path:
                self.a.problems.append(f"loop: {' -> '.join(path + [target])} (receivers get a permerror)")
                return None
            if len(path) >= MAX_DEPTH:
                self.a.problems.append(f"includes nested deeper than {MAX_DEPTH} levels at {target}")
                return None
            child = self.walk(target, via, path + [target])
            if name == "include" and len(path) == 1:
                self.a.include_costs[target] = 1 + child.cost
            return child
        if name in ("a", "exists") and valid_query_name(target):
            self._void(self.resolver.get(target, wire.A), term, domain)
        elif name == "mx" and valid_query_name(target):
            lookup = self.resolver.get(target, wire.MX)
            self._void(lookup, term, domain)
            if len(lookup.records) > 10:
                self.a.problems.append(f"'{term.text}' in {domain}'s record: {target} has {len(lookup.records)} MX "
                                       "records, more than the 10 an SPF check may look up (permerror)")
        return None


def analyze(resolver: Resolver, domain: str, text: str | None = None) -> Analysis:
    """Walk ``domain``'s published SPF tree (or ``text`` as if the domain published it)."""
    analysis = Analysis(domain)
    walker = _Walker(resolver, analysis)
    analysis.top = walker.walk(domain, "", [domain], text)
    analysis.lookups = analysis.top.cost
    if analysis.lookups > 10:
        analysis.problems.append(f"{analysis.lookups} DNS lookups in the whole record (the limit is 10): receivers "
                                 "give up with a permerror when they reach the 11th")
    if len(analysis.void) > 2:
        analysis.problems.append(f"{len(analysis.void)} lookups find nothing (void lookups; the limit is 2): "
                                 "receivers give up with a permerror at the third")
    return analysis


def tree_lines(node: Node | None, indent: str = "") -> list[str]:
    """The include/redirect tree as indented lines with each branch's lookup cost."""
    if node is None:
        return []
    head = node.via or node.domain
    text = node.texts[0] if node.texts else "(no SPF record)"
    lines = [f"{indent}{head}: {text}  [{node.cost} lookup(s) below]" if node.via else f"{indent}{head}: {text}"]
    for child in node.children:
        lines.extend(tree_lines(child, indent + "  "))
    return lines

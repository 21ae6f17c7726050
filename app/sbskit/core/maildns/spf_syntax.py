"""SPF record syntax (RFC 7208 sections 4.5, 4.6, 5, 6, 7.1), every error with its position.

``parse_record`` never stops at the first mistake: the admin gets every bad term, each
with its 1-based column in the record, so one fix round is enough. Terms keep their raw
text and parsed parts (qualifier, mechanism, domain-spec, CIDR lengths) for the
evaluator and for generating a corrected record.
"""

from __future__ import annotations

import ipaddress
import re

from sbskit.core.maildns import spf_macros
from sbskit.core.maildns.spf_macros import MacroError

MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
LOOKUP_TERMS = ("include", "a", "mx", "ptr", "exists", "redirect")
QUALIFIERS = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
# characters word processors and web pages put where SPF has plain ASCII (named, and repaired in spf_repair.py)
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
QUOTES = "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a\u2032\u2033"
SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

_MODIFIER = re.compile(r"([A-Za-z][A-Za-z0-9_.\-]*)=")
_MECHANISM = re.compile(r"([+\-~?]?)([A-Za-z][A-Za-z0-9]*)")
_DUAL_CIDR = re.compile(r"(?:/(0|[1-9][0-9]*))?(?://(0|[1-9][0-9]*))?$")
_TOPLABEL = re.compile(r"(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9\-]*[A-Za-z0-9])")
_IP4 = re.compile(r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}")


class Problem:
    """One syntax error: ``column`` is 1-based within the record text."""

    __slots__ = ("column", "term", "message")

    def __init__(self, column: int, term: str, message: str) -> None:
        self.column = column
        self.term = term
        self.message = message

    def __str__(self) -> str:
        return f"column {self.column}, '{self.term}': {self.message}"


class Term:
    __slots__ = ("text", "column", "kind", "name", "qualifier", "spec", "parts", "network", "cidr4", "cidr6", "value")

    def __init__(self, text: str, column: int) -> None:
        self.text = text
        self.column = column
        self.kind = "mechanism"  # or "modifier"
        self.name = ""
        self.qualifier = "+"
        self.spec = ""  # the domain-spec as written ("" when absent)
        self.parts: list = []  # the parsed domain-spec (macro parts)
        self.network = None  # ip4/ip6 network
        self.cidr4 = 32
        self.cidr6 = 128
        self.value = ""  # modifier value

    @property
    def result(self) -> str:
        return QUALIFIERS[self.qualifier]

    @property
    def does_lookup(self) -> bool:
        return self.name in LOOKUP_TERMS

    @property
    def has_macros(self) -> bool:
        return spf_macros.has_macros(self.parts)


class Record:
    def __init__(self, text: str) -> None:
        self.text = text
        self.terms: list[Term] = []
        self.problems: list[Problem] = []
        self.redirect: Term | None = None
        self.exp: Term | None = None
        self.aborted = False  # parsing stopped early (a character no term may hold): later terms are unknown

    @property
    def mechanisms(self) -> list[Term]:
        return [t for t in self.terms if t.kind == "mechanism"]

    @property
    def all_term(self) -> Term | None:
        for term in self.mechanisms:
            if term.name == "all":
                return term
        return None

    @property
    def ok(self) -> bool:
        return not self.problems


def odd_character(ch: str) -> str:
    """Why a character outside printable ASCII breaks the record, naming the typographic mistakes."""
    code = f"U+{ord(ch):04X}"
    if ch in DASHES:
        return (f"a typographic dash {ch!r} ({code}) where '-' belongs (a word processor or web page replaced "
                "it): receivers reject the whole record; type a plain '-'")
    if ch in QUOTES:
        return f"a typographic quote mark {ch!r} ({code}): SPF records hold no quotes; remove it"
    if ch in SPACES:
        return f"a special space ({code}, e.g. a non-breaking space) where a plain space belongs"
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"a control character ({code}): SPF records are plain ASCII, terms separated by spaces"
    return f"the non-ASCII character {ch!r} ({code}): SPF records are plain ASCII, terms separated by spaces"


def is_spf(text: str) -> bool:
    """RFC 7208 4.5: exactly "v=spf1", or "v=spf1" followed by a space (case-insensitive)."""
    head = text[:7].lower()
    return head == "v=spf1 " or text.lower() == "v=spf1"


def check_domain_spec(spec: str, column: int, term: str, problems: list[Problem]) -> list:
    """Parse a domain-spec (macro-string ending in "." toplabel or a macro); record problems."""
    if not spec:
        problems.append(Problem(column, term, "the domain is missing"))
        return []
    try:
        parts = spf_macros.parse(spec)
    except MacroError as exc:
        problems.append(Problem(column + exc.position, term, str(exc)))
        return []
    if parts and not isinstance(parts[-1], str):
        return parts  # ends in a macro: fine
    tail = parts[-1] if parts else ""
    name = tail[:-1] if tail.endswith(".") else tail
    if "." not in name:
        problems.append(Problem(column, term, f"'{spec}' is not a domain name (it needs a dot and a top-level label)"))
        return []
    top = name.rsplit(".", 1)[-1]
    if not _TOPLABEL.fullmatch(top):
        if _IP4.fullmatch(spec.rstrip(".")):
            message = f"'{spec}' is an IP address: write ip4:{spec.rstrip('.')} instead"
        else:
            message = f"'{spec}' does not end in a valid top-level label ('{top}')"
        problems.append(Problem(column, term, message))
        return []
    return parts


def _parse_mechanism(term: Term, problems: list[Problem]) -> None:
    text = term.text
    match = _MECHANISM.match(text)
    if not match:
        problems.append(Problem(term.column, text, "not a mechanism or a modifier"))
        return
    term.qualifier = match.group(1) or "+"
    name = match.group(2).lower()
    term.name = name
    rest = text[match.end():]
    at = term.column + match.end()
    if name not in MECHANISMS:
        hint = " (redirect is a modifier: write redirect=domain)" if name == "redirect" else ""
        problems.append(Problem(term.column, text, f"unknown mechanism '{match.group(2)}'{hint}"))
        return
    if name == "all":
        if rest:
            problems.append(Problem(at, text, "'all' takes no domain or CIDR length"))
        return
    if name in ("include", "exists"):
        if not rest.startswith(":"):
            problems.append(Problem(at, text, f"'{name}' needs ':' and a domain"))
            return
        term.spec = rest[1:]
        if name == "include" and _DUAL_CIDR.search(term.spec).group(0):
            problems.append(Problem(at, text, f"'{name}' takes no CIDR length"))
            return
        if name == "exists" and re.search(r"/[0-9]+$", term.spec):
            problems.append(Problem(at, text, "'exists' takes no CIDR length"))
            return
        term.parts = check_domain_spec(term.spec, at + 1, text, problems)
        return
    if name in ("ip4", "ip6"):
        _parse_ip(term, rest, at, problems)
        return
    # a, mx, ptr: [":" domain-spec] and (a, mx) a dual CIDR length
    spec = rest
    if name != "ptr":
        cidr = _DUAL_CIDR.search(rest)
        tail = cidr.group(0)
        spec = rest[: len(rest) - len(tail)]
        if cidr.group(1) is not None:
            term.cidr4 = int(cidr.group(1))
        if cidr.group(2) is not None:
            term.cidr6 = int(cidr.group(2))
        if term.cidr4 > 32:
            problems.append(Problem(at, text, f"IPv4 CIDR length /{term.cidr4} is more than 32"))
        if term.cidr6 > 128:
            problems.append(Problem(at, text, f"IPv6 CIDR length //{term.cidr6} is more than 128"))
    if not spec:
        return
    if not spec.startswith(":"):
        problems.append(Problem(at, text, f"unexpected '{spec}' after '{name}' (a domain comes after ':', "
                                          "an IPv4 CIDR length as /24, an IPv6 one as //64)"))
        return
    term.spec = spec[1:]
    term.parts = check_domain_spec(term.spec, at + 1, text, problems)


def _parse_ip(term: Term, rest: str, at: int, problems: list[Problem]) -> None:
    text = term.text
    if not rest.startswith(":") or len(rest) < 2:
        problems.append(Problem(at, text, f"'{term.name}' needs ':' and an address"))
        return
    body = rest[1:]
    address, slash, length = body.partition("/")
    limit = 32 if term.name == "ip4" else 128
    if slash:
        if not re.fullmatch(r"0|[1-9][0-9]*", length) or int(length) > limit:
            problems.append(Problem(at + 1 + len(address), text,
                                    f"bad CIDR length '/{length}' (a number from 0 to {limit}, no leading zeros)"))
            return
    bits = int(length) if slash else limit
    if term.name == "ip4":
        if not _IP4.fullmatch(address):
            problems.append(Problem(at + 1, text, f"'{address}' is not a full IPv4 address (four numbers 0-255, "
                                                  "no leading zeros; use a CIDR length for a range)"))
            return
        term.network = ipaddress.IPv4Network(f"{address}/{bits}", strict=False)
        term.cidr4 = bits
    else:
        try:
            if "%" in address or "." in address.rsplit(":", 1)[0]:
                raise ValueError(address)
            term.network = ipaddress.IPv6Network(f"{address}/{bits}", strict=False)
        except ValueError:
            problems.append(Problem(at + 1, text, f"'{address}' is not an IPv6 address"))
            return
        term.cidr6 = bits


def _parse_modifier(term: Term, name: str, value: str, record: Record) -> None:
    problems = record.problems
    term.kind = "modifier"
    term.name = name.lower()
    term.value = value
    at = term.column + len(name) + 1
    if term.name in ("redirect", "exp"):
        if getattr(record, term.name) is not None:
            problems.append(Problem(term.column, term.text, f"'{term.name}=' appears more than once"))
        setattr(record, term.name, term)
        term.spec = value
        term.parts = check_domain_spec(value, at, term.text, problems)
        return
    try:
        spf_macros.parse(value)
    except MacroError as exc:
        problems.append(Problem(at + exc.position, term.text, str(exc)))


def parse_record(text: str) -> Record:
    """Parse one SPF record (the text starting with v=spf1); problems are collected, not raised."""
    record = Record(text)
    for index, ch in enumerate(text):
        if not 0x20 <= ord(ch) <= 0x7E:
            start = text.rfind(" ", 0, index) + 1
            end = text.find(" ", index)
            record.problems.append(Problem(index + 1, text[start:end if end >= 0 else len(text)], odd_character(ch)))
            record.aborted = True
            return record
    pos = 6  # after "v=spf1"
    size = len(text)
    while pos < size:
        if text[pos] != " ":
            record.problems.append(Problem(pos + 1, text[pos:].split(" ", 1)[0], "terms must be separated by spaces"))
            return record
        while pos < size and text[pos] == " ":
            pos += 1
        if pos >= size:
            break
        end = text.find(" ", pos)
        end = size if end < 0 else end
        term = Term(text[pos:end], pos + 1)
        record.terms.append(term)
        modifier = _MODIFIER.match(term.text)
        if modifier:
            _parse_modifier(term, modifier.group(1), term.text[modifier.end():], record)
        elif term.text.startswith("="):
            term.kind = "modifier"
            record.problems.append(Problem(term.column, term.text, "a modifier needs a name before '='"))
        else:
            _parse_mechanism(term, record.problems)
        pos = end
    return record

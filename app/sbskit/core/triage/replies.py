"""What an SMTP reply means: the reply catalogue (``resources/triage-replies.json``) applied.

Every reason the evidence holds (queue LastError, tracking RecipientStatus, protocol-log
replies, NDR text, Postfix delay_reason) goes through :func:`classify`: the text is
normalised (multi-line replies flattened, Postfix's "host X said: ... (in reply to ...)"
unwrapped), its status codes are read, and the first catalogue pattern whose parts all
match names the meaning, the cause it supports and the fix. The same text gets a
grouping key with the variable parts (addresses, IPs, queue ids) blanked, so a thousand
deferrals with one reason become one line with a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sbskit.core.resources import load_json

_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
_BASIC = re.compile(r"(?<![\d.\w])([245]\d\d)(?=[ -]|$)")
_FIRST_CODE = re.compile(r"(?<!\S)([245]\d\d)[- ]([245]\.\d{1,3}\.\d{1,3})\s")
_HOST_SAID = re.compile(r"^host \S+ (?:said|refused to talk to me):\s*", re.I)
_IN_REPLY = re.compile(r"\s*\(in reply to [^)]*\)\s*$", re.I)
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_IPV6 = re.compile(r"\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b", re.I)
_ADDRESS = re.compile(r"<?[^\s<>\"';,()\[\]]+@[^\s<>\"';,()\[\]]+>?")
_URL = re.compile(r"https?://\S+", re.I)
_TOKEN_ID = re.compile(r"\b(?=[\w.-]*\d)(?=[\w.-]*[a-z])[\w.-]{10,}\b", re.I)
_NUMBER = re.compile(r"\b\d{4,}\b")
_BRACKETED_HOST = re.compile(r"\[[A-Z0-9]{6,}[\w.-]*\]")
KEY_LENGTH = 150
CACHE_LIMIT = 20_000


@dataclass(frozen=True)
class Pattern:
    """One catalogue entry, compiled."""

    id: str
    title: str
    category: str
    cause: str | None
    meaning: str
    fix: str  # what to do when a receiver says it about our mail (Exchange wording)
    fix_postfix: str  # the same for a Postfix server ('' : the fix above fits both)
    inbound_fix: str  # what to do when our own server says it and that is our problem ('' : nothing)
    inbound_fix_postfix: str  # the same for a Postfix server ('' : the inbound fix fits both)
    inbound: str
    inbound_cause: str | None
    lists: str
    platform: str  # "exchange" / "postfix": only that mail system writes this wording ('' : any)
    mail_dns_check: bool
    text: re.Pattern[str] | None
    codes: tuple[tuple[int, int, int, int], ...]  # (class, subject, low, high)
    basic: tuple[str, ...]

    def matches(self, norm: str, enhanced: list[tuple[int, int, int]], basic: list[str]) -> bool:
        if self.text is not None and not self.text.search(norm):
            return False
        if self.codes:
            if not enhanced and self.text is None:
                return False
            if enhanced and not any(c == k and s == j and lo <= d <= hi
                                    for c, s, d in enhanced for k, j, lo, hi in self.codes):
                return False
        if self.basic and not any(b in self.basic for b in basic):
            return False
        return True


def _parse_code(text: str) -> tuple[int, int, int, int]:
    """'5.7.606-649' -> (5, 7, 606, 649); '5.7.8' -> (5, 7, 8, 8)."""
    head, _, high = text.partition("-")
    k, j, lo = (int(x) for x in head.split("."))
    return k, j, lo, int(high) if high else lo


def _compile(entry: dict) -> Pattern:
    return Pattern(
        id=entry["id"],
        title=entry["title"],
        category=entry["category"],
        cause=entry.get("cause"),
        meaning=entry["meaning"],
        fix=entry["fix"],
        fix_postfix=entry.get("fix_postfix", ""),
        inbound_fix=entry.get("inbound_fix", ""),
        inbound_fix_postfix=entry.get("inbound_fix_postfix", ""),
        inbound=entry.get("inbound", ""),
        inbound_cause=entry.get("inbound_cause"),
        lists=entry.get("list", ""),
        platform=entry.get("platform", ""),
        mail_dns_check=bool(entry.get("mail_dns_check")),
        text=re.compile(entry["text"], re.I) if entry.get("text") else None,
        codes=tuple(_parse_code(c) for c in entry.get("codes") or ()),
        basic=tuple(entry.get("basic") or ()),
    )


_PATTERNS: list[Pattern] | None = None


def patterns() -> list[Pattern]:
    """The catalogue, compiled once, in matching order."""
    global _PATTERNS
    if _PATTERNS is None:
        _PATTERNS = [_compile(e) for e in load_json("triage-replies.json")["patterns"]]
    return _PATTERNS


def category_label(category: str) -> str:
    return load_json("triage-replies.json")["categories"].get(category, category.replace("_", " "))


@dataclass(frozen=True)
class Reply:
    """A classified reply: its codes, readable text, grouping key and catalogue pattern."""

    code: str  # enhanced status code the pattern refers to, else the first one, else the basic code
    basic: str
    text: str  # normalised, for reading
    key: str  # code + text with the variable parts blanked
    pattern: Pattern | None

    @property
    def category(self) -> str:
        return self.pattern.category if self.pattern else "unknown"

    def cause(self, direction: str) -> str | None:
        if self.pattern is None:
            return None
        return self.pattern.inbound_cause if direction == "inbound" else self.pattern.cause

    def fix(self, direction: str, platform: str = "") -> str:
        """The fix for our side: the Postfix wording on Postfix; for our own server's answers only when
        that answer is our problem (an inbound fix), else '' (the filter works, nothing to do)."""
        p = self.pattern
        if p is None:
            return ""
        postfix = platform == "postfix"
        if direction == "inbound":
            return p.inbound_fix_postfix if postfix and p.inbound_fix_postfix else p.inbound_fix
        return p.fix_postfix if postfix and p.fix_postfix else p.fix

    def meaning(self, direction: str) -> str:
        if self.pattern is None:
            return "A reply the catalogue does not know; read its text."
        if direction == "inbound" and self.pattern.inbound:
            return self.pattern.inbound
        return self.pattern.meaning


def normalise(text: str) -> str:
    """One line of readable reply text: whitespace collapsed, continuation codes and Postfix's wrapper removed.

    '550-5.7.1 [192.0.2.1 1] Our system ... 550-5.7.1 unsolicited mail ...' becomes
    '550-5.7.1 [192.0.2.1 1] Our system ... unsolicited mail ...'.
    """
    text = " ".join(str(text).replace("\\n", " ").split())
    text = text.strip("\"' ")
    text = _HOST_SAID.sub("", text)
    text = _IN_REPLY.sub("", text)
    first = _FIRST_CODE.search(text)
    if first:
        basic, code = first.group(1), re.escape(first.group(2))
        rest = re.sub(rf"(?<!\S){basic}[- ]{code}\s", "", text[first.end():])
        text = text[: first.end()] + re.sub(rf"(?<!\S){code}\s", "", rest)
    return text


def group_key(code: str, norm: str) -> str:
    """The text with addresses, IPs, URLs, ids and long numbers blanked, prefixed by the code."""
    body = _URL.sub("<url>", norm)
    body = _ADDRESS.sub("<addr>", body)
    body = _BRACKETED_HOST.sub("[host]", body)
    body = _IPV4.sub("<ip>", body)
    body = _IPV6.sub("<ip>", body)
    body = _TOKEN_ID.sub("<id>", body)
    body = _NUMBER.sub("#", body)
    return f"{code} {body[:KEY_LENGTH]}".strip()


def codes_in(norm: str) -> tuple[list[tuple[int, int, int]], list[str]]:
    enhanced = [(int(a), int(b), int(c)) for a, b, c in _ENHANCED.findall(norm)]
    basic = _BASIC.findall(norm)
    return enhanced, basic


_CACHE: dict[str, Reply | None] = {}


def classify(text: str) -> Reply | None:
    """The classified reply of one reason text (None for empty text or a plain success)."""
    cached = _CACHE.get(text)
    if cached is not None or text in _CACHE:
        return cached
    reply = _classify(text)
    if len(_CACHE) >= CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[text] = reply
    return reply


def _classify(text: str) -> Reply | None:
    norm = normalise(text)
    if len(norm) < 3:
        return None
    enhanced, basic = codes_in(norm)
    if (basic and basic[0][0] == "2" and not any(c[0] in (4, 5) for c in enhanced)) or (
            not basic and enhanced and all(c[0] == 2 for c in enhanced)):
        return None  # 250 2.6.0 Queued mail for delivery: not a reason
    pattern = next((p for p in patterns() if p.matches(norm, enhanced, basic)), None)
    code = ""
    if pattern is not None and pattern.codes:
        code = next((f"{c}.{s}.{d}" for c, s, d in enhanced
                     if any(c == k and s == j and lo <= d <= hi for k, j, lo, hi in pattern.codes)), "")
    if not code:
        failing = [e for e in enhanced if e[0] in (4, 5)]
        if failing:
            code = ".".join(str(x) for x in failing[-1])  # the innermost reply of a wrapped one
    first_basic = next((b for b in basic if b[0] in "45"), basic[0] if basic else "")
    if not code:
        code = first_basic
    return Reply(code=code, basic=first_basic, text=norm, key=group_key(code, norm), pattern=pattern)

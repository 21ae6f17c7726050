"""What one answer of the relay test means: accepted, refused, or only "not now", and why.

A 4xx code alone does not make an answer inconclusive. Postfix's
``defer_unauth_destination`` (the default that Debian and Ubuntu ship) answers a foreign
recipient with ``454 4.7.1 <...>: Relay access denied``: a relay refusal that carries a
temporary code on purpose, and is as definitive as a 554 for the relay question. Greylisting,
rate limits and real temporary failures, on the other hand, say nothing about relaying yet.
The wordings live in ``resources/relay-replies.json`` (they change with the world).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sbskit.core.resources import load_json

_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")


@dataclass(frozen=True)
class Meaning:
    kind: str  # accepted / relay-denied / refused / greylisted / rate-limited / temporary / other
    title: str
    refusal: bool  # settles the variant as refused
    explain: str
    pattern: str = ""  # the catalogue entry that matched


@dataclass(frozen=True)
class _Pattern:
    id: str
    meaning: str
    text: re.Pattern[str] | None
    codes: tuple[str, ...]
    classes: tuple[int, ...]

    def matches(self, code: int, text: str, enhanced: str | None) -> bool:
        if self.classes and code // 100 not in self.classes:
            return False
        if self.codes and enhanced not in self.codes:
            return False
        if self.text is not None and not self.text.search(text):
            return False
        return True


@functools.lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, dict], tuple[_Pattern, ...]]:
    data = load_json("relay-replies.json")
    patterns = tuple(_Pattern(p["id"], p["meaning"], re.compile(p["text"], re.I) if p.get("text") else None,
                              tuple(p.get("codes", ())), tuple(p.get("classes", ()))) for p in data["patterns"])
    return data["meanings"], patterns


def enhanced_code(text: str) -> str | None:
    """The first enhanced status code (``4.7.1``) in a reply text, if any."""
    match = _ENHANCED.search(text or "")
    return ".".join(match.groups()) if match else None


def meaning(code: int | None, text: str, stage: str = "rcpt") -> Meaning:
    """What ``code text`` (the answer to MAIL FROM or RCPT TO) means for the relay question."""
    meanings, patterns = _catalogue()

    def make(kind: str, pattern: str = "") -> Meaning:
        entry = meanings[kind]
        return Meaning(kind, entry["title"], bool(entry["refusal"]), entry["explain"], pattern)

    if code is None:
        return make("other")
    if code in (250, 251) and stage == "rcpt":
        return make("accepted")
    if code < 400:
        return make("other")
    enhanced = enhanced_code(text)
    for pattern in patterns:
        if pattern.matches(code, text or "", enhanced):
            return make(pattern.meaning, pattern.id)
    return make("other")


def describe(code: int | None, text: str, stage: str = "rcpt") -> str:
    """``454 4.7.1 ... Relay access denied`` -> a few words for a table cell."""
    found = meaning(code, text, stage)
    if found.kind == "relay-denied" and code is not None and 400 <= code < 500:
        return "relay denied, 4xx on purpose"
    return found.title

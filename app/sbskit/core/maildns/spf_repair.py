"""What the author of a broken SPF record meant, so a suggested record keeps it (each repair said aloud).

Receivers are strict: a typographic dash, literal quote marks, a record split into two
strings without a space, a Sender ID (spf2.0) record or the obsolete type-99 record are
all "no SPF" or a permerror for them. The kit reads the same text the way its author
meant it, so the record it suggests keeps every sender and the intended '-all'. Nothing
here decides a verdict: the checks stay as strict as the receivers.
"""

from __future__ import annotations

import difflib
import ipaddress
import re

from sbskit.core.maildns.spf_syntax import DASHES, INVISIBLE, MECHANISMS, QUOTES, SPACES, is_spf, parse_record

_TERM_START = re.compile(r"[+\-~?]?(?:all\b|include:|exists:|ip4:|ip6:|a\b|a:|a/|mx\b|mx:|mx/|ptr\b|ptr:|"
                         r"redirect=|exp=)", re.IGNORECASE)


def typography(text: str) -> tuple[str, list[str]]:
    """The text with typographic dashes, quotes and special spaces made plain, and what was changed."""
    out, changes = [], []
    for index, ch in enumerate(text):
        if ch in DASHES:
            out.append("-")
            changes.append(f"the typographic dash '{ch}' (U+{ord(ch):04X}) at column {index + 1} is written as '-'")
        elif ch in QUOTES or ch in INVISIBLE:
            changes.append(f"the typographic quote '{ch}' (U+{ord(ch):04X}) at column {index + 1} is removed" if ch in QUOTES else
                           f"an invisible character (U+{ord(ch):04X}) at column {index + 1} removed")
        elif ch in SPACES:
            out.append(" ")
            changes.append(f"the special space (U+{ord(ch):04X}) at column {index + 1} is written as a plain space")
        else:
            out.append(ch)
    return "".join(out), changes


def unquoted(text: str) -> str | None:
    """The SPF record inside literal quote marks ('"v=spf1 ... -all"' as a DNS panel stored it), else None."""
    stripped = text.strip()
    inner = stripped.strip('"\'' + QUOTES).strip()
    if inner != stripped and is_spf(inner):
        return inner
    return None


def sender_id(text: str) -> str | None:
    """A Sender ID record (RFC 4406 'spf2.0/pra ...') rewritten as the v=spf1 record it stands for."""
    match = re.match(r"spf2\.0/[a-z,]+(?: +(.*))?$", text.strip(), re.IGNORECASE)
    if not match:
        return None
    return "v=spf1 " + (match.group(1) or "").strip() if match.group(1) else "v=spf1"


def missing_spaces(value: object) -> list[tuple[int, str, str]]:
    """Boundaries of a multi-string TXT record that join two terms into one (no space on either side).

    RFC 7208 3.3 joins the strings with nothing between them; that is right when a long term
    was split on purpose, and a mistake when the second string starts a new term. Returns
    ``(index, end_of_first_string, start_of_second_string)`` for each such boundary.
    """
    strings = getattr(value, "strings", None)
    if not strings or len(strings) < 2:
        return []
    found = []
    for index in range(len(strings) - 1):
        left, right = strings[index], strings[index + 1]
        if not left or not right or left.endswith(" ") or right.startswith(" "):
            continue
        head = left.rsplit(" ", 1)[-1]
        if not _TERM_START.match(right):
            continue
        if head.lower() == "v=spf1" or not parse_record("v=spf1 " + head).problems:
            found.append((index, head, right.split(" ", 1)[0]))
    return found


def respaced(value: object) -> str:
    """The record with a space at every boundary :func:`missing_spaces` found."""
    strings = list(getattr(value, "strings", None) or [str(value)])
    for index, _head, _tail in missing_spaces(value):
        strings[index] += " "
    return "".join(strings)


def repair_term(text: str) -> tuple[str | None, str]:
    """A broken term and its obvious repair, or (None, why it cannot be kept)."""
    record = parse_record("v=spf1 " + text)
    if not record.problems:
        return text, ""
    why = record.problems[0].message
    qualifier = text[0] if text[:1] in "+-~?" else ""
    body = text[len(qualifier):]
    name, sep, value = body.partition(":")
    lowered = name.lower()
    if lowered in ("ip4", "ip6") and sep:
        fixed = _cidr_typo(lowered, value)
        if fixed:
            return f"{qualifier}{lowered}:{fixed}", f"'{text}' has a mistyped CIDR length: read as '{lowered}:{fixed}' " \
                                                     "(the address starts that range; check it is the range meant)"
    if lowered == "a" and sep:
        try:
            address = ipaddress.ip_address(value.split("/", 1)[0])
        except ValueError:
            address = None
        if address is not None:
            fixed = f"{qualifier}ip{address.version}:{value}"
            return fixed, f"'{text}' names an address, not a host: written as '{fixed}'"
    if sep and lowered not in MECHANISMS and "=" not in name:
        close = difflib.get_close_matches(lowered, ("include", "exists", "ip4", "ip6"), n=1, cutoff=0.75)
        if close:
            fixed = f"{qualifier}{close[0]}:{value}"
            if not parse_record("v=spf1 " + fixed).problems:
                return fixed, f"'{text}' is a misspelt '{close[0]}': written as '{fixed}'"
    return None, why


def _cidr_typo(kind: str, value: str) -> str | None:
    """'81.2.69.0/244' -> '81.2.69.0/24': a length with an extra digit, when the address starts that range."""
    address, slash, length = value.partition("/")
    if not slash or not length.isdigit():
        return None
    limit = 32 if kind == "ip4" else 128
    for cut in range(len(length) - 1, 0, -1):
        bits = int(length[:cut])
        if bits > limit or bits < (8 if kind == "ip4" else 16):
            continue
        try:
            ipaddress.ip_network(f"{address}/{bits}", strict=True)
        except ValueError:
            return None
        return f"{address}/{bits}"
    return None

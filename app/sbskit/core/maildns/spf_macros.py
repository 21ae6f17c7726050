"""SPF macro strings (RFC 7208 section 7): parsing with positions, and expansion.

``exists:%{ir}.%{l1r+-}._spf.%{d}`` and ``exp=`` texts are macro strings. Parsing finds
the first syntax error with its position (a '%' not followed by '{', '%', '_' or '-', an
unknown letter, a zero part count); expansion applies the transformers (rightmost N
parts, reversal, custom delimiters) and URL-escapes upper-case macros.
"""

from __future__ import annotations

import ipaddress

DOMAIN_LETTERS = "slodipvh"
EXP_LETTERS = DOMAIN_LETTERS + "crt"
DELIMITERS = ".-+,/_="
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class MacroError(ValueError):
    """A macro-string syntax error at ``position`` (0-based, within the string)."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position


class Macro:
    __slots__ = ("letter", "digits", "reverse", "delimiters", "upper")

    def __init__(self, letter: str, digits: int | None, reverse: bool, delimiters: str, upper: bool) -> None:
        self.letter = letter
        self.digits = digits
        self.reverse = reverse
        self.delimiters = delimiters
        self.upper = upper


def parse(text: str, explanation: bool = False) -> list:
    """``text`` -> a list of literal strings and :class:`Macro` items; raises :class:`MacroError`."""
    letters = EXP_LETTERS if explanation else DOMAIN_LETTERS
    parts: list = []
    literal: list[str] = []
    i = 0
    size = len(text)
    while i < size:
        ch = text[i]
        if ch != "%":
            if not explanation and not (0x21 <= ord(ch) <= 0x7E):
                raise MacroError(i, f"character {ch!r} is not allowed here")
            literal.append(ch)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < size else ""
        if nxt == "%":
            literal.append("%")
            i += 2
            continue
        if nxt == "_":
            literal.append(" ")
            i += 2
            continue
        if nxt == "-":
            literal.append("%20")
            i += 2
            continue
        if nxt != "{":
            raise MacroError(i, "a '%' must be followed by '{', '%', '_' or '-' (write %% for a percent sign)")
        end = text.find("}", i + 2)
        if end < 0:
            raise MacroError(i, "macro '%{' is not closed with '}'")
        body = text[i + 2:end]
        if not body or body[0].lower() not in letters:
            letter = body[:1] or "}"
            allowed = "s, l, o, d, i, p, v, h" + (", c, r, t" if explanation else " (c, r and t only in exp text)")
            raise MacroError(i, f"unknown macro letter {letter!r} (allowed: {allowed})")
        j = 1
        while j < len(body) and body[j].isdigit():
            j += 1
        digits = int(body[1:j]) if j > 1 else None
        if digits == 0:
            raise MacroError(i, "a macro's part count must not be 0")
        reverse = False
        if j < len(body) and body[j] in "rR":
            reverse = True
            j += 1
        delims = body[j:]
        if any(c not in DELIMITERS for c in delims):
            raise MacroError(i, f"bad delimiter in macro %{{{body}}} (allowed: {DELIMITERS})")
        if literal:
            parts.append("".join(literal))
            literal = []
        parts.append(Macro(body[0].lower(), digits, reverse, delims or ".", body[0].isupper()))
        i = end + 1
    if literal:
        parts.append("".join(literal))
    return parts


def has_macros(parts: list) -> bool:
    return any(isinstance(p, Macro) for p in parts)


class Context:
    """What macros expand to during one check_host() evaluation."""

    def __init__(self, ip, sender: str, helo: str, domain: str, validated_name=None) -> None:
        self.ip = ip
        self.sender = sender
        local, _, sender_domain = sender.rpartition("@")
        self.local = local or "postmaster"
        self.sender_domain = sender_domain
        self.helo = helo
        self.domain = domain
        self._validated_name = validated_name  # callable -> str, only called when %{p} is used
        self._p: str | None = None

    def value(self, letter: str) -> str:
        ip = self.ip
        if letter == "s":
            return f"{self.local}@{self.sender_domain}"
        if letter == "l":
            return self.local
        if letter == "o":
            return self.sender_domain
        if letter == "d":
            return self.domain
        if letter == "i":
            if ip.version == 4:
                return str(ip)
            return ".".join(ip.exploded.replace(":", ""))
        if letter == "v":
            return "in-addr" if ip.version == 4 else "ip6"
        if letter == "h":
            return self.helo
        if letter == "c":
            return str(ip)
        if letter == "r":
            return "unknown"
        if letter == "t":
            import time

            return str(int(time.time()))
        if letter == "p":
            if self._p is None:
                self._p = self._validated_name() if self._validated_name else "unknown"
            return self._p
        raise ValueError(letter)


def _transform(value: str, macro: Macro) -> str:
    pieces = [value]
    for delim in macro.delimiters:
        pieces = [sub for piece in pieces for sub in piece.split(delim)]
    if macro.reverse:
        pieces.reverse()
    if macro.digits is not None and macro.digits < len(pieces):
        pieces = pieces[-macro.digits:]
    return ".".join(pieces)


def _url_escape(value: str) -> str:
    return "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in value.encode("utf-8"))


def expand(parts: list, ctx: Context) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = _transform(ctx.value(part.letter), part)
        out.append(_url_escape(value) if part.upper else value)
    return "".join(out)


def expand_domain(parts: list, ctx: Context) -> str:
    """Expand a domain-spec for a query: trailing dot dropped, cut to 253 characters from the left."""
    name = expand(parts, ctx).rstrip(".") if parts else ctx.domain
    while len(name) > 253 and "." in name:
        name = name.split(".", 1)[1]
    return name


def reverse_name(ip) -> str:
    """The PTR query name of an address (in-addr.arpa / ip6.arpa)."""
    if ip.version == 4:
        return ".".join(reversed(str(ip).split("."))) + ".in-addr.arpa"
    return ".".join(reversed(ip.exploded.replace(":", ""))) + ".ip6.arpa"


def client_ip(text_or_ip):
    """An address as check_host() sees it: an IPv4-mapped IPv6 address is IPv4 (RFC 7208 5)."""
    ip = ipaddress.ip_address(text_or_ip) if not isinstance(text_or_ip, (ipaddress.IPv4Address, ipaddress.IPv6Address)) else text_or_ip
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip

"""The text rules of cmd.exe and its tools, as plain functions on strings.

find: literal substring (``/I`` ignores case, ``/V`` inverts). findstr: its own regular
expressions (``.`` any character, ``*`` repeat, ``^``/``$`` line ends, ``[class]``, ``\\x``
escape, ``\\<``/``\\>`` word ends; no ``+ ? | {}``); several space-separated strings are
alternatives unless given with ``/C:``; whether plain strings are literal or regular
expressions is decided by the first one (regex when it has an unescaped meta-character),
``/L`` and ``/R`` force it; ``\\x`` stands for the character x in both modes (the FINDSTR
notes in Stack Overflow question 8844868 and Microsoft's findstr page). ``if`` compares as
numbers only when both sides are whole numbers (decimal, ``0x`` hex, leading-zero octal),
otherwise as text. ``for /f`` splits lines into tokens.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# --- find / findstr ------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def find_match(lines: tuple[str, ...], needle: str, icase: bool, invert: bool) -> tuple[str, ...]:
    """find over some lines; memoized per distinct text (releases and languages share most ver texts)."""
    if icase:
        low = needle.lower()
        hit = [line for line in lines if (low in line.lower()) != invert]
    else:
        hit = [line for line in lines if (needle in line) != invert]
    return tuple(hit)


@dataclass(frozen=True)
class FindstrSpec:
    patterns: tuple[str, ...]  # Python regular expressions
    shown: tuple[str, ...]  # the search strings as written
    regex: bool
    icase: bool
    invert: bool
    unescaped_dot: bool  # a regex with a bare '.', which matches any character


META = set(".*^$[\\")


def _has_meta(s: str) -> bool:
    i = 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            if s[i + 1] in "<>":
                return True
            i += 2
            continue
        if s[i] in ".*^$[":
            return True
        i += 1
    return False


def findstr_regex(s: str) -> str:
    """findstr's regular expression as a Python one."""
    out, i, n = [], 0, len(s)
    while i < n:
        ch = s[i]
        if ch == "\\" and i + 1 < n:
            nxt = s[i + 1]
            out.append(r"\b(?=\w)" if nxt == "<" else r"\b(?<=\w)" if nxt == ">" else re.escape(nxt))
            i += 2
            continue
        if ch == ".":
            out.append(".")
        elif ch == "*":
            out.append("*" if out else re.escape("*"))
        elif ch == "^" and i == 0:
            out.append("^")
        elif ch == "$" and i == n - 1:
            out.append("$")
        elif ch == "[":
            j = s.find("]", i + 2 if s[i + 1:i + 2] == "^" else i + 1)
            if j == -1:
                out.append(re.escape(ch))
            else:
                body = s[i + 1:j]
                neg = body.startswith("^")
                body = body[1:] if neg else body
                cls = "".join(c if c == "-" else re.escape(c) for c in body)
                out.append(f"[{'^' if neg else ''}{cls}]")
                i = j + 1
                continue
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def literal_regex(s: str) -> str:
    """A literal findstr string: ``\\x`` stands for x, everything else for itself."""
    return "".join(re.escape(s[i + 1]) if s[i] == "\\" and i + 1 < len(s) else re.escape(s[i])
                   for i in _literal_positions(s))


def _literal_positions(s: str):
    i = 0
    while i < len(s):
        yield i
        i += 2 if s[i] == "\\" and i + 1 < len(s) else 1


def findstr_spec(options: set[str], c_strings: list[str], plain: list[str]) -> FindstrSpec:
    """Build the matcher from findstr's options, its /C: strings and its plain strings."""
    words = [w for s in plain for w in s.split()]
    force_r, force_l = "r" in options, "l" in options
    if force_r:
        regex = True
    elif force_l:
        regex = False
    elif words:
        regex = _has_meta(words[0])
    else:
        regex = False
    strings = words + c_strings
    c_regex = force_r  # /C: strings are literal unless /R
    pats, dot = [], False
    for s in strings:
        is_regex = regex if s in words else c_regex
        body = findstr_regex(s) if is_regex else literal_regex(s)
        if is_regex and re.search(r"(?<!\\)\.", s):
            dot = True
        if "x" in options:
            body = f"^(?:{body})$"
        else:
            if "b" in options:
                body = f"^(?:{body})"
            if "e" in options:
                body = f"(?:{body})$"
        pats.append(body)
    return FindstrSpec(tuple(pats), tuple(strings), regex or c_regex, "i" in options, "v" in options, dot)


@functools.lru_cache(maxsize=8192)
def findstr_match(lines: tuple[str, ...], spec: FindstrSpec) -> tuple[str, ...]:
    flags = re.IGNORECASE if spec.icase else 0
    rx = re.compile("|".join(f"(?:{p})" for p in spec.patterns) or "(?!)", flags)
    return tuple(line for line in lines if (rx.search(line.rstrip("\r")) is not None) != spec.invert)


# --- for /f ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForOptions:
    tokens: tuple[int, ...]  # 1-based token numbers
    rest: bool  # a trailing * takes the rest of the line
    delims: str
    skip: int
    eol: str
    usebackq: bool


def parse_for_options(text: str) -> ForOptions:
    tokens: list[int] = [1]
    rest = False
    delims, skip, eol, usebackq = " \t", 0, ";", False
    m = re.search(r"(?i)\bdelims=(.*?)(?=\s+(?:tokens|skip|eol|usebackq)\b|$)", text)
    if m:
        delims = m.group(1)
    m = re.search(r"(?i)\btokens=([0-9,\-*]+)", text)
    if m:
        spec = m.group(1)
        rest = spec.endswith("*")
        spec = spec.rstrip("*").rstrip(",")
        tokens = []
        for part in filter(None, spec.split(",")):
            if "-" in part:
                a, b = part.split("-", 1)
                if a.isdigit() and b.isdigit() and int(a) <= int(b):
                    tokens.extend(range(int(a), int(b) + 1))
            elif part.isdigit():
                tokens.append(int(part))
        tokens = sorted(set(tokens))
    m = re.search(r"(?i)\bskip=(\d+)", text)
    if m:
        skip = int(m.group(1))
    m = re.search(r"(?i)\beol=(.)", text)
    if m:
        eol = m.group(1)
    usebackq = bool(re.search(r"(?i)\busebackq\b", text))
    return ForOptions(tuple(tokens), rest, delims, skip, eol, usebackq)


def for_iterations(lines: tuple[str, ...], opts: ForOptions) -> tuple[tuple[str, ...], ...]:
    """The token tuples for /f hands to its body: skip lines first (empty ones count), then
    empty lines and lines starting with eol are ignored, and so is a line without any
    requested token."""
    out = []
    count = len(opts.tokens) + (1 if opts.rest else 0)
    for line in lines[opts.skip:]:
        if not line or (opts.eol and line.startswith(opts.eol)):
            continue
        if opts.delims:
            pieces = [p for p in re.split("[" + re.escape(opts.delims) + "]", line)]
            spans = []
            pos = 0
            for p in pieces:
                if p:
                    spans.append((pos, p))
                pos += len(p) + 1
        else:
            spans = [(0, line)]
        if not opts.tokens and not opts.rest:
            continue
        values = []
        for t in opts.tokens:
            values.append(spans[t - 1][1] if t - 1 < len(spans) else "")
        if opts.rest:
            last = (opts.tokens[-1] if opts.tokens else 0)
            values.append(line[spans[last][0]:] if last < len(spans) else "")
        if not any(values):
            continue
        out.append(tuple(values[:count]))
    return tuple(out)


# --- if and set /a ---------------------------------------------------------------------------
_NUM = re.compile(r"[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def cmd_number(text: str) -> int | None:
    """The number cmd reads from an if operand (whole string), or None for text."""
    if not _NUM.fullmatch(text):
        return None
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body.lower().startswith("0x"):
        return sign * int(body, 16)
    if body.startswith("0") and len(body) > 1:
        return sign * int(body, 8)
    return sign * int(body)


OPS = {"EQU": lambda c: c == 0, "NEQ": lambda c: c != 0, "LSS": lambda c: c < 0, "LEQ": lambda c: c <= 0,
       "GTR": lambda c: c > 0, "GEQ": lambda c: c >= 0}


def cmd_compare(left: str, op: str, right: str, icase: bool) -> bool:
    """``if left OP right`` as cmd evaluates it (quotes are part of the strings)."""
    if op == "==":
        return left.lower() == right.lower() if icase else left == right
    a, b = cmd_number(left), cmd_number(right)
    if a is not None and b is not None:
        c = (a > b) - (a < b)
    else:
        x, y = (left.lower(), right.lower()) if icase else (left, right)
        c = (x > y) - (x < y)
    return OPS[op](c)


def is_text_compare(left: str, op: str, right: str) -> bool:
    return op != "==" and op != "EQU" and op != "NEQ" and (cmd_number(left) is None or cmd_number(right) is None)


def substring(value: str, mod: str) -> str:
    """``%v:~a,b%`` and ``%v:x=y%`` (``*x=y`` replaces up to the first x)."""
    if mod.startswith("~"):
        m = re.fullmatch(r"~(-?\d*)(?:,(-?\d+))?", mod)
        if not m:
            return value
        start = int(m.group(1) or 0)
        if start < 0:
            start = max(len(value) + start, 0)
        text = value[start:]
        if m.group(2) is not None:
            length = int(m.group(2))
            text = text[:length] if length >= 0 else text[:max(len(text) + length, 0)]
        return text
    old, _, new = mod.partition("=")
    if not old:
        return value
    if old.startswith("*"):
        idx = value.lower().find(old[1:].lower())
        return value if idx == -1 else new + value[idx + len(old) - 1:]
    return re.sub(re.escape(old), lambda _m: new, value, flags=re.IGNORECASE)


_SETA_TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][\w.]*|<<|>>|[-+*/%()&|^!~,=])")


def set_a(expr: str, lookup) -> list[tuple[str, int]]:
    """``set /a``: returns the assignments made. ``lookup(name)`` gives a variable's text."""
    assignments = []
    for part in expr.split(","):
        part = part.strip().strip('"')
        m = re.fullmatch(r"([A-Za-z_][\w.]*)\s*([-+*/%]?)=(.*)", part, re.DOTALL)
        if not m:
            continue
        name, op, rhs = m.groups()
        value = _eval_arith(rhs, lookup)
        if op:
            cur = cmd_number(lookup(name).strip()) or 0
            value = {"+": cur + value, "-": cur - value, "*": cur * value,
                     "/": int(cur / value) if value else 0, "%": cur % value if value else 0}[op]
        assignments.append((name, value))
    return assignments


def _eval_arith(text: str, lookup) -> int:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _SETA_TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"set /a cannot read {text[pos:]!r}")
        tok = m.group(1)
        pos = m.end()
        if re.fullmatch(r"[A-Za-z_][\w.]*", tok):
            out.append(str(cmd_number(lookup(tok).strip()) or 0))
        elif re.fullmatch(r"0[xX][0-9a-fA-F]+|\d+", tok):
            num = cmd_number(tok)
            out.append(str(num if num is not None else 0))
        elif tok == "/":
            out.append("//")
        elif tok in "!~^":
            out.append({"!": " not ", "~": "~", "^": "^"}[tok])
        else:
            out.append(tok)
    if not out:
        return 0
    joined = "".join(out)
    if "**" in joined or len(joined) > 200:
        raise ValueError("set /a expression not evaluated")
    return int(eval(joined, {"__builtins__": {}}, {}))  # noqa: S307 - digits and operators only

"""The pieces of a parsed batch file: words (literal text and %var% references, kept apart so
the evaluator expands them when the line runs) and the statement nodes the parser builds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# --- words -------------------------------------------------------------------------------
# A word is a tuple of parts: ("lit", text) | ("var", name, modifier) | ("forvar", letter, mods)
# | ("dvar", name, modifier) | ("arg", n, mods)
Word = tuple


@dataclass
class Redirect:
    op: str  # ">", ">>", "<", "2>", "2>>", "2>&1"
    target: Word


@dataclass
class Simple:
    name: str  # lower-case command name ("" when the name is not plain text)
    name_word: Word
    rest: Word  # everything after the name, as written (echo and set read it whole)
    args: list[Word]
    redirects: list[Redirect]
    line: int
    text: str


@dataclass
class Label:
    name: str
    line: int
    text: str


@dataclass
class Block:
    items: list
    line: int


@dataclass
class Pipe:
    commands: list
    line: int
    text: str


@dataclass
class Seq:
    items: list
    line: int


@dataclass
class AndOr:
    left: object
    op: str  # "&&" or "||"
    right: object
    line: int
    text: str


@dataclass
class If:
    negate: bool
    ignore_case: bool
    kind: str  # "compare", "errorlevel", "exist", "defined", "cmdextversion"
    args: list  # compare: [left Word, op, right Word, left_quoted, right_quoted]; others: [Word]
    then: object
    otherwise: object | None
    line: int
    text: str


@dataclass
class For:
    mode: str  # "f", "list", "l", "dir"
    options: str
    letter: str
    source: str  # raw text between the parentheses
    source_line: int
    body: object
    line: int
    text: str
    source_parsed: object | None = None  # for /f ('command'): the parsed command
    extra: dict = field(default_factory=dict)
    options_word: tuple | None = None  # for /f %OPTS% ...: the options come from a variable


@dataclass
class Unreadable:
    """A line the parser cannot read (a bash line in a bash/cmd polyglot, a typo). cmd reads lines
    only when it reaches them, so this matters only if the run gets here."""

    line: int
    text: str
    why: str


class ParseError(ValueError):
    pass


_VAR_MOD = re.compile(r"([^%:\r\n]+)(?::(~-?\d*(?:,-?\d+)?|[^=%]*=[^%]*))?%")
_FOR_VAR = re.compile(r"%(~[a-zA-Z$:]*)?([a-zA-Z0-9?@#$])")
_ARG = re.compile(r"%(~[a-zA-Z]*)?([0-9*])")


def parse_word(text: str) -> Word:
    """Split raw text into literal parts and variable references (no quote handling)."""
    parts: list = []
    buf: list[str] = []
    i, n = 0, len(text)

    def flush():
        if buf:
            parts.append(("lit", "".join(buf)))
            buf.clear()

    while i < n:
        ch = text[i]
        if ch == "%":
            if text.startswith("%%", i):
                m = _FOR_VAR.match(text, i + 1)
                if m:
                    flush()
                    parts.append(("forvar", m.group(2), m.group(1) or ""))
                    i = m.end()
                    continue
                buf.append("%")
                i += 2
                continue
            m = _ARG.match(text, i)
            if m:
                flush()
                parts.append(("arg", m.group(2), m.group(1) or ""))
                i = m.end()
                continue
            m = _VAR_MOD.match(text, i + 1)
            if m:
                flush()
                parts.append(("var", m.group(1), m.group(2)))
                i = m.end()
                continue
            i += 1  # a lone % disappears in a batch file
            continue
        if ch == "!":
            j = text.find("!", i + 1)
            if j > i + 1 and re.fullmatch(r"[^!%\s][^!%]*?(?::(?:~-?\d*(?:,-?\d+)?|[^=!]*=[^!]*))?", text[i + 1:j]):
                name, _, mod = text[i + 1:j].partition(":")
                flush()
                parts.append(("dvar", name, mod or None, text[i:j + 1]))
                i = j + 1
                continue
        buf.append(ch)
        i += 1
    flush()
    return tuple(parts)


def word_text(word: Word) -> str:
    """The word as written (for messages)."""
    out = []
    for p in word:
        if p[0] == "lit":
            out.append(p[1])
        elif p[0] == "var":
            out.append(f"%{p[1]}{':' + p[2] if p[2] else ''}%")
        elif p[0] == "forvar":
            out.append(f"%%{p[2]}{p[1]}")
        elif p[0] == "dvar":
            out.append(p[3])
        else:
            out.append(f"%{p[2]}{p[1]}")
    return "".join(out)


def literal(word: Word) -> str | None:
    """The word's text when it has no variable parts."""
    if all(p[0] == "lit" for p in word):
        return "".join(p[1] for p in word)
    return None



def _split_args(text: str) -> list[str]:
    """Arguments split at white space and commas outside quotes and outside %var:~a,b% references."""
    out, buf, quote, i = [], [], False, 0
    while i < len(text):
        ch = text[i]
        if ch == "%" and not quote:
            j = text.find("%", i + 1)
            if j > i + 1 and not re.search(r"\s", text[i + 1:j].split(":", 1)[0]):
                buf.append(text[i:j + 1])
                i = j + 1
                continue
        if ch == '"':
            quote = not quote
            buf.append(ch)
        elif ch in " \t," and not quote:
            if buf:
                out.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
        i += 1
    if buf:
        out.append("".join(buf))
    return out


def unescape_carets(text: str) -> str:
    """cmd removes ^ escapes outside double quotes when it reads a line."""
    out, quote, i = [], False, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quote = not quote
        elif ch == "^" and not quote and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)

"""Undo what copying does to console output before it is parsed.

Output reaches the kit through README code blocks (four leading spaces, ``` fences), e-mail
replies (``> `` quoting, sometimes nested), forum posts (no-break spaces, bullets) and
terminals (tabs). Those prefixes shift the fixed-width columns of PowerShell tables and
hide ``Name : value`` lines, so a paste is unwrapped here first, block by block: a block's
common indentation is removed, never the indentation that is part of the output itself
(``reg query`` values, systeminfo continuation lines stay indented under their key).
"""

from __future__ import annotations

import re

_SPACES = {"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u3000": "  "}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_FENCE = re.compile(r"^[ \t>]*(```|~~~)")
_BULLET = re.compile(r"^[ \t]*[-*\u2022][ \t]+")


def _share(lines: list[str], test) -> float:
    body = [line for line in lines if line.strip()]
    return sum(1 for line in body if test(line)) / len(body) if body else 0.0


def _dedent_blocks(lines: list[str]) -> tuple[list[str], bool]:
    """Remove each blank-line-separated block's common leading spaces."""
    out: list[str] = []
    changed = False
    block: list[str] = []

    def flush() -> None:
        nonlocal changed
        body = [line for line in block if line.strip()]
        cut = min((len(line) - len(line.lstrip(" ")) for line in body), default=0)
        if cut:
            changed = True
        out.extend(line[cut:] if line.strip() else "" for line in block)
        block.clear()

    for line in lines:
        if not line.strip():
            flush()
            out.append("")
        else:
            block.append(line)
    flush()
    return out, changed


def unwrap_paste(text: str) -> tuple[str, list[str]]:
    """The text without quoting, fences, bullets and indentation added by copying; and what was removed."""
    notes: list[str] = []
    for bad, good in _SPACES.items():
        text = text.replace(bad, good)
    text = text.translate(_INVISIBLE)
    lines = text.split("\n")
    if _share(lines, lambda line: _QUOTE.match(line) is not None) >= 0.6:
        lines = [_QUOTE.sub("", line, count=1) for line in lines]
        notes.append("removed e-mail quoting ('> ') from the lines")
    if any(_FENCE.match(line) for line in lines):
        lines = [line for line in lines if not _FENCE.match(line)]
        notes.append("removed Markdown code fences")
    if _share(lines, lambda line: _BULLET.match(line) is not None) >= 0.6:
        lines = [_BULLET.sub("", line, count=1) for line in lines]
        notes.append("removed list bullets")
    if any("\t" in line for line in lines):
        lines = [_expand_leading_tabs(line) for line in lines]
    lines, dedented = _dedent_blocks(lines)
    if dedented:
        notes.append("removed the indentation the paste added")
    return "\n".join(lines), notes


def _expand_leading_tabs(line: str) -> str:
    """A tab before the text is a paste prefix; tabs inside the line are column gaps."""
    stripped = line.lstrip(" \t")
    lead = line[: len(line) - len(stripped)]
    return lead.expandtabs(4) + stripped.expandtabs(8)


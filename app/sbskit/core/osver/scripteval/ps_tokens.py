"""PowerShell's tokens for the script checker's parser (:mod:`ps_parse`): variables, type names,
strings, numbers, -operators and -parameters, operators and bare words, with their line numbers."""

from __future__ import annotations

import re

from sbskit.core.errors import UserInputError

_TOKEN = re.compile(r"""
    (?P<ws>[ \t]+|`\r?\n)
  | (?P<nl>\r?\n|;)
  | (?P<comment>\#[^\n]*)
  | (?P<var>\$\{[^}]+\}|\$(?:env:|global:|script:)?[\w?^]+)
  | (?P<type>\[[\w.]+(?:\[\])?\](?=\s*(?:::|\$|\(|\[|['"\w-])))
  | (?P<dq>"(?:[^"`]|`.|"")*")
  | (?P<sq>'(?:[^']|'')*')
  | (?P<num>0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[kKmMgG][bB])?)
  | (?P<dop>-(?:i|c)?(?:eq|ne|lt|le|gt|ge|like|notlike|match|notmatch|contains|notcontains|in|notin|and|or|xor|not|split|replace|join|is|isnot|as|f)\b)
  | (?P<param>-[A-Za-z][\w]*)
  | (?P<op>::|\|\||&&|[-+*/%!=<>]=?|[(){}\[\],.|@$&])
  | (?P<word>[\w\\:.\-*?]+(?<![.]))
""", re.VERBOSE | re.IGNORECASE)


def tokenize(text: str) -> list[tuple[str, str, int]]:
    text = re.sub(r"<#.*?#>", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.DOTALL)
    out, pos, line = [], 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise UserInputError(f"line {line}: cannot read {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        value = m.group(kind)
        if kind not in ("ws", "comment"):
            out.append((kind, value, line))
        line += value.count("\n")
        pos = m.end()
    return out

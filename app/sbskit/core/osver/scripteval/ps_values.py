"""PowerShell's values on one computer: System.Version, conversions and comparisons.

PowerShell converts the right operand to the type of the left one: a string on the left makes
the comparison text (case-insensitive), a number makes it numeric (and fails when the right
side is not a number), a [version] makes it compare versions. ``-like`` is a wildcard match,
``-match`` a regular expression, both case-insensitive.
"""

from __future__ import annotations

import fnmatch
import re
from functools import total_ordering


class PsError:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __eq__(self, other) -> bool:
        return isinstance(other, PsError) and other.message == self.message

    def __hash__(self) -> int:
        return hash(self.message)

    def __repr__(self) -> str:  # pragma: no cover
        return f"<PsError {self.message}>"


@total_ordering
class PsVersion:
    """System.Version: unset parts are -1, so 10.0 < 10.0.0."""

    __slots__ = ("parts",)

    def __init__(self, *parts: int) -> None:
        self.parts = tuple(parts) + (-1,) * (4 - len(parts))

    @classmethod
    def parse(cls, text: str):
        text = str(text).strip()
        if not re.fullmatch(r"\d+(\.\d+){1,3}", text):
            return PsError(f'Cannot convert value "{text}" to type "System.Version"')
        return cls(*(int(p) for p in text.split(".")))

    def member(self, name: str):
        return {"major": self.parts[0], "minor": self.parts[1], "build": self.parts[2],
                "revision": self.parts[3]}.get(name, PsError(f"Version has no {name}"))

    def __eq__(self, other) -> bool:
        return isinstance(other, PsVersion) and self.parts == other.parts

    def __lt__(self, other) -> bool:
        return self.parts < other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __str__(self) -> str:
        return ".".join(str(p) for p in self.parts if p >= 0)


def to_str(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, tuple):
        return " ".join(to_str(x) for x in v)
    return str(v)


def to_num(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float)):
        return v
    if v is None:
        return 0
    text = to_str(v).strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if re.fullmatch(r"[-+]?\d*\.\d+|[-+]?\d+\.", text):
        return float(text)
    if re.fullmatch(r"0x[0-9a-fA-F]+", text):
        return int(text, 16)
    return PsError(f'Cannot convert value "{text}" to type "System.Int32"')


def cast(type_name: str, v):
    t = type_name.lower().replace("system.", "")
    if isinstance(v, PsError):
        return v
    if t in ("int", "int32", "int64", "long", "uint32", "byte"):
        n = to_num(v)
        return n if isinstance(n, PsError) else int(round(n))
    if t in ("double", "float", "decimal", "single"):
        n = to_num(v)
        return n if isinstance(n, PsError) else float(n)
    if t == "version":
        return v if isinstance(v, PsVersion) else PsVersion.parse(to_str(v))
    if t == "string":
        return to_str(v)
    if t == "bool":
        return truthy(v)
    return v


def truthy(v) -> bool:
    if isinstance(v, tuple):
        return len(v) > 0
    if isinstance(v, str):
        return v != ""
    return bool(v) if v is not None else False


def _as_left(left, right):
    """The right operand converted to the left operand's type."""
    if isinstance(left, str):
        return to_str(right).lower()
    if isinstance(left, bool):
        return truthy(right)
    if isinstance(left, (int, float)):
        return to_num(right)
    if isinstance(left, PsVersion):
        return right if isinstance(right, PsVersion) else PsVersion.parse(to_str(right))
    return right


def compare(left, op: str, right):
    """``left op right`` (op without a leading c/i); True/False or PsError."""
    for v in (left, right):
        if isinstance(v, PsError):
            return v
    if op in ("like", "notlike"):
        hit = fnmatch.fnmatchcase(to_str(left).lower(), to_str(right).lower())
        return hit if op == "like" else not hit
    if op in ("match", "notmatch"):
        try:
            hit = re.search(to_str(right), to_str(left), re.IGNORECASE) is not None
        except re.error:
            return PsError(f"invalid regular expression {to_str(right)!r}")
        return hit if op == "match" else not hit
    if op in ("contains", "notcontains", "in", "notin"):
        seq, item = (left, right) if op in ("contains", "notcontains") else (right, left)
        items = seq if isinstance(seq, tuple) else (seq,)
        hit = any(compare(x, "eq", item) is True for x in items)
        return hit if op in ("contains", "in") else not hit
    if left is None:
        if op in ("eq", "ne"):
            return (right is None) == (op == "eq")
        left = "" if isinstance(right, str) else 0
    r = _as_left(left, right)
    if isinstance(r, PsError):
        return r
    a = left.lower() if isinstance(left, str) else left
    c = (a > r) - (a < r)
    return {"eq": c == 0, "ne": c != 0, "lt": c < 0, "le": c <= 0, "gt": c > 0, "ge": c >= 0}[op]


def compare_kind(left) -> str:
    if isinstance(left, str):
        return "text"
    if isinstance(left, PsVersion):
        return "version"
    return "number"


STRING_METHODS = {
    "startswith": lambda s, x, *r: s.lower().startswith(to_str(x).lower()),
    "endswith": lambda s, x, *r: s.lower().endswith(to_str(x).lower()),
    "contains": lambda s, x, *r: to_str(x) in s,
    "indexof": lambda s, x, *r: s.find(to_str(x)),
    "split": lambda s, x=" ", *r: tuple(s.split(to_str(x))) if to_str(x) else (s,),
    "substring": lambda s, a, b=None, *r: s[int(a):] if b is None else s[int(a):int(a) + int(b)],
    "tolower": lambda s, *r: s.lower(), "toupper": lambda s, *r: s.upper(),
    "trim": lambda s, *r: s.strip(), "replace": lambda s, a, b, *r: s.replace(to_str(a), to_str(b)),
    "tostring": lambda s, *r: s,
}

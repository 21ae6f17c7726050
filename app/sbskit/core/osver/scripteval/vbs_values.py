"""VBScript's values on one computer: conversions, comparisons and the built-in functions.

Comparisons follow VBScript's rules for variants (Microsoft's comparison-operator page and
Eric Lippert's "Typing Hard Can Trip You Up"): two strings compare as text (binary, case
matters), two numbers as numbers; a string against a number depends on which side is a
literal ("hard"): hard string ~ hard number and soft string ~ hard number convert the string
to a number; hard string ~ soft number converts the number to a string and compares text;
soft string ~ soft number: the string is always greater. Converting text to a number uses the
user's locale (CDbl("6.1") is 61 where '.' groups thousands).
"""

from __future__ import annotations

import re


class VbError:
    """A run-time error (Type mismatch, ...) as a value, so per-computer errors can be split on."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __repr__(self) -> str:  # pragma: no cover
        return f"<VbError {self.message}>"

    def __eq__(self, other) -> bool:
        return isinstance(other, VbError) and other.message == self.message

    def __hash__(self) -> int:
        return hash(self.message)


DECIMAL = {"en": (".", ","), "ja": (".", ","), "zh-CN": (".", ","), "de": (",", "."), "es": (",", "."),
           "it": (",", "."), "nl": (",", "."), "fr": (",", "\u00a0"), "ru": (",", "\u00a0")}


def is_num(v) -> bool:
    return isinstance(v, (int, float, bool))


def to_num(v, lang: str = "en"):
    """A value as a number, the way CDbl/implicit conversion does it in ``lang``'s locale."""
    if isinstance(v, bool):
        return -1 if v else 0
    if isinstance(v, (int, float)):
        return v
    if v is None:
        return 0
    if isinstance(v, str):
        text = v.strip()
        if re.fullmatch(r"&[hH][0-9a-fA-F]+", text):
            return int(text[2:], 16)
        dec, group = DECIMAL.get(lang, (".", ","))
        text = text.replace(group, "") if group != " " else text
        if dec != ".":
            if "." in text and group != ".":
                return VbError("Type mismatch")
            text = text.replace(dec, ".")
        if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
            num = float(text)
            return int(num) if num.is_integer() and "." not in text and "e" not in text.lower() else num
        return VbError(f'Type mismatch: "{v}" is not a number')
    return VbError("Type mismatch")


def to_str(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def truthy(v):
    if isinstance(v, VbError):
        return v
    if isinstance(v, str):
        if v.lower() in ("true", "false"):
            return v.lower() == "true"
        n = to_num(v)
        return n if isinstance(n, VbError) else n != 0
    return bool(v) if v is not None else False


OPS = {"=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0, ">": lambda c: c > 0,
       "<=": lambda c: c <= 0, ">=": lambda c: c >= 0}


def _cmp(a, b) -> int:
    return (a > b) - (a < b)


def compare(a, a_hard: bool, op: str, b, b_hard: bool, lang: str = "en"):
    """``a op b`` as VBScript answers it: True/False, or a VbError."""
    for v in (a, b):
        if isinstance(v, VbError):
            return v
    if a is None and b is None:
        return OPS[op](0)
    if a is None:
        a = "" if isinstance(b, str) else 0
    if b is None:
        b = "" if isinstance(a, str) else 0
    if is_num(a) and is_num(b):
        return OPS[op](_cmp(to_num(a), to_num(b)))
    if isinstance(a, str) and isinstance(b, str):
        return OPS[op](_cmp(a, b))
    s_left = isinstance(a, str)
    s, s_hard, n, n_hard = (a, a_hard, b, b_hard) if s_left else (b, b_hard, a, a_hard)
    if n_hard:  # the number is a literal: the string becomes a number
        sn = to_num(s, lang)
        if isinstance(sn, VbError):
            return sn
        c = _cmp(sn, to_num(n))
    elif s_hard:  # the string is a literal, the number a variable: compare as text
        c = _cmp(s, to_str(n))
    else:  # both variables: any string is greater than any number
        c = 1
    return OPS[op](c if s_left else -c)


def compare_kind(a, a_hard: bool, b, b_hard: bool) -> str:
    """How the comparison was made: 'number', 'text' or 'string-greater'."""
    if is_num(a) and is_num(b):
        return "number"
    if isinstance(a, str) and isinstance(b, str):
        return "text"
    s_hard, n_hard = (a_hard, b_hard) if isinstance(a, str) else (b_hard, a_hard)
    if n_hard:
        return "number"
    return "text" if s_hard else "string-greater"


# --- built-in functions (plain values) -------------------------------------------------------
def _int_arg(v, default: int = 1) -> int:
    n = to_num(v) if v is not None else default
    return default if isinstance(n, VbError) else int(n)


def instr(*args):
    if len(args) >= 3 and is_num(args[0]):
        start, s1, s2 = _int_arg(args[0]), to_str(args[1]), to_str(args[2])
        icase = len(args) > 3 and _int_arg(args[3], 0) == 1
    else:
        start, s1, s2 = 1, to_str(args[0]), to_str(args[1])
        icase = len(args) > 2 and _int_arg(args[2], 0) == 1
    if icase:
        s1, s2 = s1.lower(), s2.lower()
    return s1.find(s2, max(start - 1, 0)) + 1


def instrrev(s1, s2, *_rest):
    return to_str(s1).rfind(to_str(s2)) + 1


def mid(s, start, length=None):
    s = to_str(s)
    i = max(_int_arg(start) - 1, 0)
    return s[i:] if length is None else s[i:i + _int_arg(length)]


def cnum(kind: str, lang: str):
    def convert(v):
        n = to_num(v, lang)
        if isinstance(n, VbError):
            return n
        if kind in ("cint", "clng", "cbyte"):
            return int(round(n))
        if kind in ("int", "fix"):
            return int(n // 1) if kind == "int" else int(n)
        return float(n)
    return convert


def split(s, delim=" ", *_rest):
    return tuple(to_str(s).split(to_str(delim))) if delim != "" else (to_str(s),)


BUILTINS = {
    "instr": instr, "instrrev": instrrev, "mid": mid,
    "left": lambda s, n: to_str(s)[:_int_arg(n)],
    "right": lambda s, n: to_str(s)[-_int_arg(n):] if _int_arg(n) else "",
    "len": lambda s: len(to_str(s)), "lcase": lambda s: to_str(s).lower(), "ucase": lambda s: to_str(s).upper(),
    "trim": lambda s: to_str(s).strip(" "), "ltrim": lambda s: to_str(s).lstrip(" "),
    "rtrim": lambda s: to_str(s).rstrip(" "),
    "replace": lambda s, a, b, *r: to_str(s).replace(to_str(a), to_str(b)),
    "split": split, "join": lambda arr, d=" ": to_str(d).join(to_str(x) for x in arr),
    "ubound": lambda arr, *r: len(arr) - 1, "lbound": lambda arr, *r: 0,
    "cstr": to_str, "isempty": lambda v: v is None, "isnull": lambda v: v is None,
    "isnumeric": lambda v: not isinstance(to_num(v), VbError),
    "isobject": lambda v: not isinstance(v, (str, int, float, bool)) and v is not None,
    "abs": lambda v: abs(to_num(v)), "now": lambda: "now", "date": lambda: "today",
}
NUMERIC = ("cint", "clng", "cdbl", "csng", "int", "fix", "cbyte", "ccur")

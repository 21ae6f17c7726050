"""Tiny evaluators for the conditions scripts and WMI filters use to test the OS version.

They exist so the kit can *prove* things against the release table: which releases a WQL
filter really matches under WMI's string comparison, and which releases a generated
batch / PowerShell / VBScript condition matches when read back from its own text.
They understand only the small expression subset those conditions use.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from sbskit.core.osver.releases import Release

_TOKEN = re.compile(
    r"""\s*(?:(?P<num>\d+(?:\.\d+)*)|(?P<str>"[^"]*"|'[^']*')|(?P<op>-[a-z]+|<>|!=|<=|>=|==|=|<|>|\(|\))|(?P<name>[$\w.%]+))""",
    re.IGNORECASE,
)


class EvalError(ValueError):
    pass


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise EvalError(f"cannot read {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
    return tokens


def like(value: str, pattern: str) -> bool:
    """WQL LIKE: % any run, _ one character, [abc] a set; case-insensitive."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "[":
            j = pattern.find("]", i)
            if j == -1:
                out.append(re.escape(ch))
            else:
                out.append("[" + pattern[i + 1:j].replace("^", "\\^", 0) + "]")
                i = j
        else:
            out.append(re.escape(ch))
        i += 1
    return re.fullmatch("".join(out), value, re.IGNORECASE | re.DOTALL) is not None


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text))


class _Parser:
    """Recursive descent over: or_expr := and_expr (OR and_expr)*; and_expr := not_expr (AND not_expr)*."""

    def __init__(self, tokens, words, compare: Callable[[Any, str, Any], bool], value: Callable[[tuple[str, str]], Any]):
        self.tokens, self.i = tokens, 0
        self.words, self.compare, self.value = words, compare, value

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise EvalError("the condition ends too early")
        self.i += 1
        return tok

    def is_word(self, tok, word) -> bool:
        return tok is not None and tok[1].lower() in self.words[word]

    def parse(self) -> bool:
        result = self.or_expr()
        if self.peek() is not None:
            raise EvalError(f"unexpected {self.peek()[1]!r}")
        return result

    def or_expr(self) -> bool:
        result = self.and_expr()
        while self.is_word(self.peek(), "or"):
            self.take()
            right = self.and_expr()
            result = result or right
        return result

    def and_expr(self) -> bool:
        result = self.not_expr()
        while self.is_word(self.peek(), "and"):
            self.take()
            right = self.not_expr()
            result = result and right
        return result

    def not_expr(self) -> bool:
        if self.is_word(self.peek(), "not"):
            self.take()
            return not self.not_expr()
        return self.atom()

    def atom(self) -> bool:
        tok = self.peek()
        if tok and tok[1] == "(":
            self.take()
            result = self.or_expr()
            if self.take()[1] != ")":
                raise EvalError("missing )")
            return result
        left = self.value(self.take())
        op_tok = self.take()
        right = self.value(self.take())
        return self.compare(left, op_tok[1].lower(), right)


# --- WQL -------------------------------------------------------------------------------
WQL_WORDS = {"and": {"and"}, "or": {"or"}, "not": {"not"}}


def wmi_properties(r: Release, product_type: int | None = None) -> dict[str, Any]:
    """What Win32_OperatingSystem says on release ``r`` (strings where WMI has strings)."""
    return {
        "version": f"{r.major}.{r.minor}.{r.build}",
        "buildnumber": str(r.build),
        "producttype": product_type if product_type is not None else (1 if r.family == "client" else 3),
        "caption": "Microsoft " + r.product,
        "operatingsystemsku": r.skus[0] if r.skus else 0,
    }


STRING_PROPS = {"version", "buildnumber", "caption", "csdversion", "name"}


def eval_wql(where: str, props: dict[str, Any], numeric_versions: bool = False) -> bool:
    """Evaluate a WQL WHERE clause. WMI compares string properties as strings; with
    ``numeric_versions`` Version/BuildNumber compare as numbers (what the author meant)."""

    def value(tok):
        kind, text = tok
        if kind == "str":
            return ("lit", text[1:-1])
        if kind == "num":
            return ("lit", text)
        key = text.lower()
        if key not in props:
            raise EvalError(f"unknown property {text}")
        return ("prop", key)

    def compare(left, op, right):
        if left[0] == "lit" and right[0] == "prop":
            left, right = right, left
            op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        if left[0] != "prop":
            raise EvalError("a comparison needs a property")
        key, lit = left[1], right[1]
        actual = props[key]
        if op == "like":
            return like(str(actual), lit)
        if key in STRING_PROPS:
            if numeric_versions and key in ("version", "buildnumber") and re.fullmatch(r"[\d.]+", lit):
                a, b = _version_tuple(str(actual)), _version_tuple(lit)
            else:
                a, b = str(actual).lower(), lit.lower()
        else:
            a, b = int(actual), int(float(lit))
        return _cmp(a, op, b)

    m = re.search(r"\bwhere\b(.*)$", where, re.IGNORECASE | re.DOTALL)
    clause = m.group(1) if m else where
    tokens = [(k, v) for k, v in tokenize(clause.replace("\n", " "))]
    tokens = [("op", "like") if (k == "name" and v.lower() == "like") else (k, v) for k, v in tokens]
    return _Parser(tokens, WQL_WORDS, compare, value).parse()


def _cmp(a, op, b) -> bool:
    if op in ("=", "==", "-eq"):
        return a == b
    if op in ("<>", "!=", "-ne"):
        return a != b
    if op in ("<", "-lt"):
        return a < b
    if op in ("<=", "-le"):
        return a <= b
    if op in (">", "-gt"):
        return a > b
    if op in (">=", "-ge"):
        return a >= b
    raise EvalError(f"unknown operator {op}")


# --- PowerShell / VBScript conditions over typed variables ------------------------------
PS_WORDS = {"and": {"-and"}, "or": {"-or"}, "not": {"-not"}}
VBS_WORDS = {"and": {"and"}, "or": {"or"}, "not": {"not"}}


def eval_expression(text: str, language: str, env: dict[str, Any]) -> bool:
    """Evaluate a PowerShell or VBScript condition with variables from ``env`` (name -> value).

    Comparisons follow the language: PowerShell converts the right operand to the left's
    type (a string on the left means a string comparison); VBScript compares two strings
    as text and numbers as numbers."""
    words = PS_WORDS if language == "powershell" else VBS_WORDS

    def value(tok):
        kind, text_ = tok
        if kind == "str":
            return text_[1:-1]
        if kind == "num":
            return int(text_) if text_.isdigit() else text_
        key = text_.lstrip("$").lower()
        if key in ("true", "$true"):
            return True
        if key not in env:
            raise EvalError(f"unknown variable {text_}")
        return env[key]

    def compare(a, op, b):
        op = op.lower()
        if language == "powershell":
            if isinstance(a, str):
                a, b = a.lower(), str(b).lower()
            elif isinstance(a, int) and isinstance(b, str):
                b = int(b)
        else:
            if isinstance(a, str) and isinstance(b, str):
                a, b = a.lower(), b.lower()
            elif isinstance(a, str) != isinstance(b, str):
                a, b = (int(a) if isinstance(a, str) and a.isdigit() else a), (int(b) if isinstance(b, str) and b.isdigit() else b)
        return _cmp(a, op, b)

    return _Parser(tokenize(text), words, compare, value).parse()


def batch_compare(left: str, op: str, right: str, ignore_case: bool = False) -> bool:
    """cmd's ``if`` comparison: numeric when both sides are whole numbers, else text."""
    l, r = left.strip('"'), right.strip('"')
    op = op.upper()
    if op == "==":
        return (l.lower() == r.lower()) if ignore_case else l == r
    if re.fullmatch(r"-?\d+", l) and re.fullmatch(r"-?\d+", r) and left[0] != '"' and right[0] != '"':
        a, b = int(l), int(r)
    else:
        a, b = (left.lower(), right.lower()) if ignore_case else (left, right)
    return _cmp(a, {"EQU": "=", "NEQ": "<>", "LSS": "<", "LEQ": "<=", "GTR": ">", "GEQ": ">="}[op], b)


_BATCH_IF = re.compile(r'(?i)^\s*if\s+(/i\s+)?(not\s+)?("[^"]*"|[^\s=]+)\s*(==|\s(?:EQU|NEQ|LSS|LEQ|GTR|GEQ)\s)\s*("[^"]*"|\S+)\s+(.*)$')


def eval_batch_line(line: str, env: dict[str, str]) -> bool:
    """Does this ``if ... if ... goto label`` line reach its goto with the variables in ``env``?"""
    text = re.sub(r"%(\w+)%", lambda m: env.get(m.group(1), ""), line.strip())
    while True:
        if re.match(r"(?i)^goto\s+\w+", text):
            return True
        m = _BATCH_IF.match(text)
        if not m:
            raise EvalError(f"cannot read {text!r}")
        ignore_case, negate, left, op, right, rest = m.groups()
        result = batch_compare(left, op.strip(), right, bool(ignore_case))
        if negate:
            result = not result
        if not result:
            return False
        text = rest.strip()

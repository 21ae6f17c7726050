"""Read the VBScript subset login scripts use to detect Windows into a small tree: statements
(If/ElseIf/Else, Select Case, For Each, For, Sub/Function, assignments, calls) and
expressions (with VBScript's operator precedence; literals are marked, because VBScript
compares a literal ("hard" value) differently from a variable ("soft" value))."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sbskit.core.errors import UserInputError

# --- expressions ----------------------------------------------------------------------------


@dataclass
class Lit:
    value: object  # str | int | float | bool | None (Empty)


@dataclass
class Name:
    name: str


@dataclass
class Member:
    obj: object
    name: str


@dataclass
class Call:  # f(args), obj.m(args), arr(i)
    func: object
    args: list


@dataclass
class BinOp:
    op: str
    left: object
    right: object


@dataclass
class UnOp:
    op: str
    operand: object


# --- statements -----------------------------------------------------------------------------


@dataclass
class Stmt:
    line: int
    text: str


@dataclass
class Assign(Stmt):
    target: object = None
    value: object = None


@dataclass
class CallStmt(Stmt):
    expr: object = None


@dataclass
class IfStmt(Stmt):
    branches: list = field(default_factory=list)  # [(cond, [stmts], line, text)]
    otherwise: list | None = None


@dataclass
class SelectStmt(Stmt):
    subject: object = None
    cases: list = field(default_factory=list)  # [(tests | None for Else, [stmts], line, text)]


@dataclass
class ForEach(Stmt):
    var: str = ""
    source: object = None
    body: list = field(default_factory=list)


@dataclass
class ForTo(Stmt):
    var: str = ""
    start: object = None
    stop: object = None
    body: list = field(default_factory=list)


@dataclass
class Proc(Stmt):
    kind: str = "sub"
    name: str = ""
    params: list = field(default_factory=list)
    body: list = field(default_factory=list)


@dataclass
class DoLoop(Stmt):
    kind: str = "until"  # until | while
    cond: object = None
    body: list = field(default_factory=list)


@dataclass
class Simple(Stmt):
    kind: str = ""  # dim, option, onerror, exit_sub, exit_function, exit_for, quit, unsupported


_TOKEN = re.compile(r"""\s*(?:(?P<str>"(?:[^"]|"")*")|(?P<num>&[hH][0-9a-fA-F]+&?|\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+|\d+)
    |(?P<op><>|<=|>=|[-+*/\\^&=<>(),.:])|(?P<name>\[?[A-Za-z_][\w]*\]?))""", re.VERBOSE)
KEYWORDS = {"and", "or", "not", "xor", "eqv", "imp", "mod", "is", "then", "to", "step", "in", "each", "new"}


class Tokens:
    def __init__(self, text: str, line: int) -> None:
        self.items: list[tuple[str, str]] = []
        self.line = line
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise UserInputError(f"line {line}: cannot read {text[pos:pos + 20]!r}")
            pos = m.end()
            kind = m.lastgroup
            self.items.append((kind, m.group(kind)))
        self.i = 0

    def peek(self, k: int = 0):
        j = self.i + k
        return self.items[j] if j < len(self.items) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def at_word(self, *words: str) -> bool:
        kind, val = self.peek()
        return kind == "name" and val.lower() in words

    def at_op(self, *ops: str) -> bool:
        kind, val = self.peek()
        return kind == "op" and val in ops

    def expect_op(self, op: str) -> None:
        kind, val = self.take()
        if val != op:
            raise UserInputError(f"line {self.line}: expected {op!r}, found {val!r}")

    def done(self) -> bool:
        return self.i >= len(self.items)


PRECEDENCE = [("imp",), ("eqv",), ("xor",), ("or",), ("and",)]
COMPARE = ("=", "<>", "<", ">", "<=", ">=", "is")


def parse_expr(t: Tokens):
    return _logic(t, 0)


def _logic(t: Tokens, level: int):
    if level == len(PRECEDENCE):
        return _not(t)
    left = _logic(t, level + 1)
    while t.at_word(*PRECEDENCE[level]):
        op = t.take()[1].lower()
        left = BinOp(op, left, _logic(t, level + 1))
    return left


def _not(t: Tokens):
    if t.at_word("not"):
        t.take()
        return UnOp("not", _not(t))
    return _compare(t)


def _compare(t: Tokens):
    left = _concat(t)
    while t.at_op("=", "<>", "<", ">", "<=", ">=") or t.at_word("is"):
        op = t.take()[1].lower()
        left = BinOp(op, left, _concat(t))
    return left


def _binary(t: Tokens, ops: tuple, sub, words: bool = False):
    left = sub(t)
    while (t.at_word(*ops) if words else t.at_op(*ops)):
        op = t.take()[1].lower()
        left = BinOp(op, left, sub(t))
    return left


def _concat(t):
    return _binary(t, ("&",), _additive)


def _additive(t):
    return _binary(t, ("+", "-"), _mod)


def _mod(t):
    return _binary(t, ("mod",), _intdiv, words=True)


def _intdiv(t):
    return _binary(t, ("\\",), _mult)


def _mult(t):
    return _binary(t, ("*", "/"), _unary)


def _unary(t):
    if t.at_op("-", "+"):
        op = t.take()[1]
        return UnOp(op, _unary(t))
    return _binary(t, ("^",), _postfix)


def _postfix(t: Tokens):
    kind, val = t.take()
    if kind == "str":
        node = Lit(val[1:-1].replace('""', '"'))
    elif kind == "num":
        if val.startswith("&"):
            node = Lit(int(val.strip("&").lstrip("hH"), 16))
        else:
            node = Lit(float(val) if "." in val or "e" in val.lower() else int(val))
    elif kind == "op" and val == "(":
        node = parse_expr(t)
        t.expect_op(")")
    elif kind == "op" and val == ".":  # With blocks are not supported: ".Prop" reads as a name
        node = Name("." + t.take()[1])
    elif kind == "name":
        low = val.lower()
        node = {"true": Lit(True), "false": Lit(False), "empty": Lit(None), "nothing": Lit(None),
                "null": Lit(None)}.get(low) or Name(val.strip("[]"))
        if low == "new":
            node = Name("new " + t.take()[1])
    else:
        raise UserInputError(f"line {t.line}: unexpected {val!r}")
    while True:
        if t.at_op("."):
            t.take()
            node = Member(node, t.take()[1].strip("[]"))
        elif t.at_op("("):
            t.take()
            args = []
            while not t.at_op(")"):
                if t.at_op(","):
                    args.append(Lit(None))
                    t.take()
                    continue
                args.append(parse_expr(t))
                if t.at_op(","):
                    t.take()
            t.expect_op(")")
            node = Call(node, args)
        else:
            return node


def parse_args(t: Tokens) -> list:
    """Arguments of a call without parentheses: ``WScript.Echo "a", b``."""
    args = []
    while not t.done():  # Lit(None): an omitted argument, ``obj.ShellExecute "x", args, , "runas", 1``
        args.append(Lit(None) if t.at_op(",") else parse_expr(t))
        if t.at_op(","):
            t.take()
        else:
            break
    return args


# --- statements -----------------------------------------------------------------------------
def logical_lines(text: str) -> list[tuple[int, str]]:
    """(line number, code) with comments removed, ``_`` continuations joined, ``:`` split."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for n, raw in enumerate(text.split("\n"), 1):
        code = _strip_comment(raw.rstrip("\r"))
        if pending:
            code = pending + " " + code.strip()
        else:
            start = n
        if re.search(r"\s_\s*$", code) or code.rstrip().endswith(" _"):
            pending = re.sub(r"\s_\s*$", "", code)
            continue
        pending = ""
        for part in _split_colons(code):
            if part.strip():
                out.append((start, part.strip()))
    return out


def _strip_comment(line: str) -> str:
    quote = False
    for i, ch in enumerate(line):
        if ch == '"':
            quote = not quote
        elif ch == "'" and not quote:
            return line[:i]
    if re.match(r"(?i)^\s*rem(\s|$)", line):
        return ""
    return line


def _split_colons(code: str) -> list[str]:
    parts, quote, last = [], False, 0
    for i, ch in enumerate(code):
        if ch == '"':
            quote = not quote
        elif ch == ":" and not quote:
            parts.append(code[last:i])
            last = i + 1
    parts.append(code[last:])
    return parts


class StmtParser:
    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.lines = lines
        self.i = 0

    def block(self, *ends: str) -> tuple[list, str | None]:
        """Statements up to a line starting with one of ``ends`` (that line is not consumed)."""
        out = []
        while self.i < len(self.lines):
            line, code = self.lines[self.i]
            low = code.lower()
            for end in ends:
                if re.match(end, low):
                    return out, end
            self.i += 1
            out.append(self.statement(line, code))
        return out, None

    def statement(self, line: int, code: str):
        low = code.lower()
        m = re.match(r"(?i)^if\s+(.*)\s+then\s*(.*)$", code)
        if m:
            if m.group(2).strip():
                return self._single_if(line, code, m.group(1), m.group(2))
            return self._if(line, code, m.group(1))
        if re.match(r"select\s+case\s", low):
            return self._select(line, code)
        m = re.match(r"(?i)^for\s+each\s+(\w+)\s+in\s+(.*)$", code)
        if m:
            body, _ = self.block(r"next\b")
            self.i += 1
            return ForEach(line, code, m.group(1), _expr(m.group(2), line), body)
        m = re.match(r"(?i)^for\s+(\w+)\s*=\s*(.*?)\s+to\s+(.*?)(\s+step\s+.*)?$", code)
        if m:
            body, _ = self.block(r"next\b")
            self.i += 1
            return ForTo(line, code, m.group(1), _expr(m.group(2), line), _expr(m.group(3), line), body)
        m = re.match(r"(?i)^(?:(?:public|private)\s+)?(sub|function)\s+(\w+)\s*(?:\((.*)\))?\s*$", code)
        if m:
            body, _ = self.block(rf"end\s+{m.group(1).lower()}\b")
            self.i += 1
            params = [re.sub(r"(?i)^(byval|byref)\s+", "", p.strip()) for p in (m.group(3) or "").split(",") if p.strip()]
            return Proc(line, code, m.group(1).lower(), m.group(2), params, body)
        m = re.match(r"(?i)^(?:do\s+(until|while)|(while))\s+(.+)$", code)
        if m:  # Do Until x / Do While x / While x: a loop whose exit test is at the top
            body, _ = self.block(r"(loop|wend)\b")
            self.i += 1
            return DoLoop(line, code, (m.group(1) or "while").lower(), _expr(m.group(3), line), body)
        if re.match(r"(do|while)\b", low):
            self.block(r"(loop|wend)\b")
            self.i += 1
            return Simple(line, code, "unsupported")
        if re.match(r"(dim|redim|private|public|option)\b", low):
            return Simple(line, code, "dim")
        if re.match(r"on\s+error\s+resume\s+next", low):
            return Simple(line, code, "resume_next")
        if re.match(r"on\s+error", low):
            return Simple(line, code, "onerror")
        m = re.match(r"exit\s+(sub|function|for|do)", low)
        if m:
            return Simple(line, code, "exit_" + m.group(1))
        if re.match(r"wscript\.quit\b", low):
            return Simple(line, code, "quit")
        if re.match(r"(with|class)\b", low):
            return Simple(line, code, "unsupported")
        m = re.match(r"(?i)^const\s+(\w+)\s*=\s*(.*)$", code)
        if m:
            return Assign(line, code, Name(m.group(1)), _expr(m.group(2), line))
        m = re.match(r"(?i)^(set\s+)?([\w.]+(?:\([^()\"=]*\))?)\s*=\s*(.*)$", code)
        if m and not re.match(r"(?i)^call\s", code):
            return Assign(line, code, _expr(m.group(2), line), _expr(m.group(3), line))
        return self._call(line, code)

    def _call(self, line: int, code: str) -> CallStmt:
        text = re.sub(r"(?i)^call\s+", "", code)
        t = Tokens(text, line)
        head = _postfix(t)
        if not t.done():
            head = Call(head, parse_args(t))
        return CallStmt(line, code, head)

    def _single_if(self, line: int, code: str, cond: str, rest: str) -> IfStmt:
        then, _, other = _split_else(rest)
        branches = [(_expr(cond, line), [self.statement(line, s.strip()) for s in _split_colons(then) if s.strip()],
                     line, f"If {cond} Then")]
        otherwise = [self.statement(line, s.strip()) for s in _split_colons(other) if s.strip()] if other else None
        return IfStmt(line, code, branches, otherwise)

    def _if(self, line: int, code: str, cond: str) -> IfStmt:
        branches, otherwise = [], None
        current_cond, current_line, current_text = _expr(cond, line), line, f"If {cond} Then"
        while True:
            body, end = self.block(r"elseif\b", r"else\b", r"end\s+if\b")
            branches.append((current_cond, body, current_line, current_text))
            if end is None:
                raise UserInputError(f"line {line}: If without End If")
            nline, ncode = self.lines[self.i]
            self.i += 1
            if end == r"elseif\b":
                m = re.match(r"(?i)^elseif\s+(.*)\s+then\s*$", ncode)
                current_cond, current_line, current_text = _expr(m.group(1), nline), nline, ncode
                continue
            if end == r"else\b":
                otherwise, _ = self.block(r"end\s+if\b")
                self.i += 1
            return IfStmt(line, code, branches, otherwise)

    def _select(self, line: int, code: str) -> SelectStmt:
        subject = _expr(re.sub(r"(?i)^select\s+case\s+", "", code), line)
        node = SelectStmt(line, code, subject)
        self.block(r"case\b", r"end\s+select\b")
        while self.i < len(self.lines):
            cline, ccode = self.lines[self.i]
            self.i += 1
            if re.match(r"(?i)end\s+select\b", ccode):
                return node
            rest = re.sub(r"(?i)^case\s+", "", ccode)
            tests = None if re.match(r"(?i)else\b", rest) else _case_tests(rest, cline)
            body, _ = self.block(r"case\b", r"end\s+select\b")
            node.cases.append((tests, body, cline, ccode))
        raise UserInputError(f"line {line}: Select Case without End Select")


def _split_else(rest: str) -> tuple[str, str, str]:
    quote = False
    for i in range(len(rest)):
        if rest[i] == '"':
            quote = not quote
        elif not quote and re.match(r"(?i)\belse\b", rest[i:i + 5]) and (i == 0 or not rest[i - 1].isalnum()):
            return rest[:i], "else", rest[i + 4:]
    return rest, "", ""


def _case_tests(text: str, line: int) -> list:
    t = Tokens(text, line)
    tests = []
    while not t.done():
        if t.at_word("is"):
            t.take()
            op = t.take()[1]
            tests.append(("is", op, parse_expr(t)))
        else:
            first = parse_expr(t)
            if t.at_word("to"):
                t.take()
                tests.append(("range", first, parse_expr(t)))
            else:
                tests.append(("eq", first))
        if t.at_op(","):
            t.take()
    return tests


def _expr(text: str, line: int):
    t = Tokens(text, line)
    node = parse_expr(t)
    if not t.done():
        raise UserInputError(f"line {line}: cannot read {text!r}")
    return node


def parse(text: str) -> list:
    p = StmtParser(logical_lines(text.replace("\r\n", "\n")))
    body, end = p.block(r"(?!)")
    return body

"""Read the PowerShell subset login scripts use to detect Windows: if/elseif/else, switch
(-Wildcard, -Regex), foreach, functions, assignments (with [type] casts), pipelines of the
cmdlets that read the OS (Get-CimInstance, Get-WmiObject, Get-ItemProperty, Select-Object),
[Environment]::OSVersion, and expressions with -eq/-lt/-like/-match/-and/-or/-not."""

from __future__ import annotations

import re

from sbskit.core.errors import UserInputError
from sbskit.core.osver.scripteval.ps_tokens import tokenize
from sbskit.core.osver.scripteval.ps_ast import (  # noqa: F401 - re-exported for the evaluator
    Lit,
    Str,
    Var,
    TypeName,
    Cast,
    Member,
    MethodCall,
    Index,
    BinOp,
    UnOp,
    ArrayLit,
    Command,
    Pipeline,
    Stmt,
    ExprStmt,
    Assign,
    IfStmt,
    SwitchStmt,
    ForeachStmt,
    FunctionDef,
    Flow,
    ParamBlock,
    ScriptBlock,
    text_of,
)


class Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokenize(text)
        self.i = 0
        self.lines = text.split("\n")
        self.no_comma = 0  # inside f(a, b) and param(...), a comma separates arguments, not array items

    def peek(self, k: int = 0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None, self.toks[-1][2] if self.toks else 0)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def at(self, kind=None, value=None, k: int = 0) -> bool:
        t = self.peek(k)
        return (kind is None or t[0] == kind) and (value is None or (t[1] or "").lower() == value)

    def skip_nl(self) -> None:
        while self.at("nl"):
            self.i += 1

    def expect(self, value: str) -> None:
        self.skip_nl() if value in ("{", "}") else None
        t = self.take()
        if (t[1] or "").lower() != value:
            raise UserInputError(f"line {t[2]}: expected {value!r}, found {t[1]!r}")

    # -- statements ---------------------------------------------------------------------------
    def block(self) -> list:
        self.expect("{")
        body = self.statements(until="}")
        self.expect("}")
        return body

    def statements(self, until: str | None = None) -> list:
        out = []
        while True:
            self.skip_nl()
            if self.peek()[0] is None or (until and self.at(value=until)):
                return out
            out.append(self.statement())

    def statement(self):
        kind, value, line = self.peek()
        low = (value or "").lower()
        text = self.lines[line - 1].strip() if line - 1 < len(self.lines) else ""
        if kind == "word" and low == "if":
            return self.if_stmt(line, text)
        if kind == "word" and low == "switch":
            return self.switch_stmt(line, text)
        if kind == "word" and low == "foreach" and self.at("op", "(", 1):
            self.take()
            self.expect("(")
            var = self.take()[1][1:].lower()
            self.take()  # in
            source = self.pipeline()
            self.expect(")")
            return ForeachStmt(line, text, var, source, self.block())
        if kind == "word" and low in ("function", "filter"):
            self.take()
            name = self.take()[1].lower()
            params, defaults = [], {}
            if self.at("op", "("):
                params, defaults = self.param_list()
            self.expect("{")
            self.skip_nl()
            while self.at("op", "["):  # [CmdletBinding()] before param(...)
                self.skip_attribute()
                self.skip_nl()
            if self.at("word", "param"):
                self.take()
                params, defaults = self.param_list()
            body = self.statements(until="}")
            self.expect("}")
            return FunctionDef(line, text, name, params, body, defaults)
        if kind == "word" and low == "param" and self.at("op", "(", 1):  # the script's own parameters
            self.take()
            params, defaults = self.param_list()
            return ParamBlock(line, text, params, defaults)
        if kind == "op" and value == "[" and self._attribute_ahead():
            self.skip_attribute()  # [CmdletBinding()] at the top of a script
            return Flow(line, text, "attribute")
        if kind == "word" and low in ("return", "exit", "break", "continue", "throw"):
            self.take()
            value_node = None if self.at("nl") or self.at(value="}") or self.peek()[0] is None else self.pipeline()
            return Flow(line, text, low if low != "throw" else "exit", value_node)
        if kind == "word" and low in ("try", "while", "do", "for", "trap"):
            return self.skip_unsupported(line, text, low)
        if kind == "word" and low in ("catch", "finally"):
            self.take()
            while not self.at("op", "{"):
                self.take()
            self.block()
            return Flow(line, text, "unsupported")
        if kind == "op" and value in (".", "&") and self.peek(1)[0] in ("var", "word", "dq", "sq") and \
                self.peek(1)[2] == line:
            return ExprStmt(line, text, self.invocation())
        if kind == "var" and self.member_assignment():  # $shortcut.TargetPath = "...": the object's business
            target = self.postfix()
            self.take()
            return Assign(line, text, "@member " + text_of(target).lower(), self.pipeline(), None, "=")
        if kind in ("var", "type") and self.is_assignment():
            cast = None
            if kind == "type":
                cast = self.take()[1][1:-1].lower()
            var = self.take()[1].lstrip("$").strip("{}").lower()
            op = self.take()[1]
            return Assign(line, text, var, self.pipeline(), cast, op)
        return ExprStmt(line, text, self.pipeline())

    def member_assignment(self) -> bool:
        k = 1
        while self.at("op", ".", k) and self.at("word", k=k + 1):
            k += 2
        return k > 1 and self.at("op", k=k) and self.peek(k)[1] in ("=", "+=", "-=")

    def is_assignment(self) -> bool:
        k = 1 if self.at("type") else 0
        return self.at("var", k=k) and self.at("op", k=k + 1) and self.peek(k + 1)[1] in ("=", "+=", "-=")

    def param_list(self) -> tuple[list, dict]:
        """Parameter names and their default values (``[version]$Min = '6.3.9600'`` -> a cast default)."""
        self.expect("(")
        params, defaults, depth, cast = [], {}, 1, None
        while depth:
            kind, value, _ = self.peek()
            if kind is None:
                break
            if depth == 1 and kind == "var" and self.at("op", "=", 1):
                name = self.take()[1][1:].lower()
                self.take()
                self.no_comma += 1
                try:
                    default = self.logic()
                finally:
                    self.no_comma -= 1
                params.append(name)
                defaults[name] = Cast(cast, default) if cast else default
                cast = None
                continue
            self.take()
            if value == "(":
                depth += 1
            elif value == ")":
                depth -= 1
            elif kind == "type" and depth == 1:
                cast = value[1:-1].lower()
            elif kind == "var" and depth == 1:
                params.append(value[1:].lower())
                cast = None
            elif value == ",":
                cast = None
        return params, defaults

    def _attribute_ahead(self) -> bool:
        return self.at("word", k=1) and self.at("op", "(", 2)

    def skip_attribute(self) -> None:
        """[CmdletBinding()] / [Parameter(Mandatory=$true)]: read past the brackets."""
        depth = 0
        while True:
            kind, value, _ = self.take()
            if kind is None:
                return
            if value == "[":
                depth += 1
            elif value == "]":
                depth -= 1
                if depth <= 0:
                    return

    def skip_unsupported(self, line: int, text: str, word: str):
        self.take()
        while not self.at("op", "{") and self.peek()[0] is not None:
            self.take()
        body = self.block()
        if word == "try":
            return IfStmt(line, text, [(Lit(True), body, line, "try")], None)
        return Flow(line, text, "unsupported")

    def if_stmt(self, line: int, text: str) -> IfStmt:
        self.take()
        branches, otherwise = [], None
        self.expect("(")
        cond = self.pipeline()
        self.expect(")")
        branches.append((cond, self.block(), line, f"if ({_src(self, line)})"))
        while True:
            save = self.i
            self.skip_nl()
            if self.at("word", "elseif"):
                _k, _v, eline = self.take()
                self.expect("(")
                cond = self.pipeline()
                self.expect(")")
                branches.append((cond, self.block(), eline, f"elseif ({_src(self, eline)})"))
            elif self.at("word", "else"):
                self.take()
                otherwise = self.block()
                break
            else:
                self.i = save
                break
        return IfStmt(line, text, branches, otherwise)

    def switch_stmt(self, line: int, text: str) -> SwitchStmt:
        self.take()
        mode = "exact"
        while self.at("param"):
            flag = self.take()[1].lower()
            mode = {"-wildcard": "wildcard", "-regex": "regex"}.get(flag, mode)
        self.expect("(")
        subject = self.pipeline()
        self.expect(")")
        self.expect("{")
        node = SwitchStmt(line, text, subject, mode)
        while True:
            self.skip_nl()
            if self.at("op", "}"):
                self.take()
                return node
            _k, value, cline = self.peek()
            if (value or "").lower() == "default" and self.at("op", "{", 1):
                self.take()
                node.cases.append((None, self.block(), cline, "default"))
                continue
            pattern = self.primary()
            text = self.lines[cline - 1].strip().split("{")[0].strip()
            if isinstance(pattern, ScriptBlock) and pattern.body:  # { $_ -lt '10240' }: the condition it holds
                text = "{ " + pattern.body[-1].text.strip().strip("{}").strip() + " }"
            node.cases.append((pattern, self.block(), cline, text))

    # -- expressions --------------------------------------------------------------------------
    def pipeline(self):
        elements = [self.element()]
        while self.at("op", "|"):
            self.take()
            self.skip_nl()
            elements.append(self.element())
        return elements[0] if len(elements) == 1 else Pipeline(elements)

    def element(self):
        kind, value, _ = self.peek()
        if kind == "word" and not re.fullmatch(r"\d+", value):
            return self.command()
        return self.logic()

    def command(self) -> Command:
        return self.command_rest(self.take()[1].lower())

    def invocation(self) -> Command:
        """``. $common`` (dot-sourcing), ``& $exe /S``, ``.\\setup.ps1``: a script or program named
        by a path or a variable; what it does is outside the script."""
        op = self.take()[1]
        kind, value, _ = self.peek()
        if op == "." and kind == "word" and value.startswith("\\"):
            self.take()  # .\setup.ps1 -Quiet: a relative path run as a command
            name = "." + value.lower()
        else:
            target = self._one_arg()
            name = f"{op} {text_of(target) if not isinstance(target, Lit) else target.value}".lower()
        return self.command_rest(name)

    def command_rest(self, name: str) -> Command:
        args = []
        while True:
            kind, value, _ = self.peek()
            if kind in (None, "nl") or value in ("|", ")", "}", ";"):
                return Command(name, args)
            if kind == "param":
                self.take()
                args.append((value[1:].lower(), Lit(True) if self.at("param") or self.at("nl") or
                             self.peek()[0] is None or self.peek()[1] in ("|", ")", "}") else self.command_arg()))
            else:
                args.append((None, self.command_arg()))

    def command_arg(self):
        first = self._one_arg()
        if not self.at("op", ","):
            return first
        items = [first]  # New-Object Version 6,2,9200,0: one array argument
        while self.at("op", ","):
            self.take()
            items.append(self._one_arg())
        return ArrayLit(items)

    def _one_arg(self):
        kind, value, _ = self.peek()
        if kind == "word":
            self.take()
            return Lit(value)
        if kind == "op" and value == "/" and self.peek(1)[0] == "word":  # a native switch: regedit /S, -ArgumentList /quiet
            self.take()
            return Lit("/" + self.take()[1])
        return self.postfix()

    def logic(self):
        left = self.compare()
        while self.at("dop") and self.peek()[1].lower() in ("-and", "-or", "-xor"):
            op = self.take()[1].lower()
            self.skip_nl()
            left = BinOp(op, left, self.compare())
        return left

    def compare(self):
        left = self.additive()
        while self.at("dop") and self.peek()[1].lower() not in ("-and", "-or", "-xor", "-not"):
            op = self.take()[1].lower()
            left = BinOp(op, left, self.additive())
        return left

    def additive(self):
        left = self.items()
        while self.at("op") and self.peek()[1] in ("+", "-", "*", "/", "%"):
            op = self.take()[1]
            left = BinOp(op, left, self.items())
        return left

    def items(self):
        """The comma operator: ``1, 2, 3`` is an array (it binds tighter than the other operators)."""
        first = self.unary()
        if self.no_comma or not self.at("op", ","):
            return first
        items = [first]
        while self.at("op", ","):
            self.take()
            self.skip_nl()
            items.append(self.unary())
        return ArrayLit(items)

    def unary(self):
        if self.at("dop", "-not") or self.at("op", "!"):
            self.take()
            return UnOp("-not", self.unary())
        if self.at("op", "-"):
            self.take()
            return UnOp("-", self.unary())
        if self.at("type"):
            t = self.take()[1][1:-1].lower()
            if self.at("op", "::"):
                return self.postfix_of(TypeName(t))
            return Cast(t, self.unary())
        return self.postfix()

    def postfix(self):
        return self.postfix_of(self.primary())

    def postfix_of(self, node):
        while True:
            if self.at("op", "::") or self.at("op", "."):
                static = self.take()[1] == "::"
                name = self.take()[1] or ""
                *path, name = name.split(".")  # a word token may hold "OSVersion.Version"
                for part in path:
                    node = Member(node, part.lower(), static)
                    static = False
                if self.at("op", "(") and self.toks[self.i][2] == self.toks[self.i - 1][2]:
                    node = MethodCall(node, name.lower(), self.call_args(), static)
                else:
                    node = Member(node, name.lower(), static)
            elif self.at("op", "["):
                self.take()
                index = self.logic()
                self.expect("]")
                node = Index(node, index)
            else:
                return node

    def call_args(self) -> list:
        self.expect("(")
        args = []
        self.no_comma += 1
        try:
            while not self.at("op", ")"):
                args.append(self.logic())
                if self.at("op", ","):
                    self.take()
        finally:
            self.no_comma -= 1
        self.expect(")")
        return args

    def primary(self):
        kind, value, line = self.take()
        if kind == "num":
            return Lit(int(value, 16) if value.lower().startswith("0x") else float(value) if "." in value else int(value))
        if kind == "sq":
            return Lit(value[1:-1].replace("''", "'"))
        if kind == "dq":
            return _dq(value[1:-1])
        if kind == "var":
            name = value[1:].strip("{}").lower()
            return Lit(True) if name == "true" else Lit(False) if name == "false" else Lit(None) if name == "null" else Var(name)
        if kind == "op" and value == "(":
            saved, self.no_comma = self.no_comma, 0
            try:
                self.skip_nl()
                inner = self.pipeline()
                self.skip_nl()
                self.expect(")")
            finally:
                self.no_comma = saved
            return inner
        if kind == "op" and value == "{":  # a script block: { $_ -lt '10240' } as a switch condition
            self.i -= 1
            return ScriptBlock(self.block())
        if kind == "op" and value in ("$", "@") and self.at("op", "("):
            self.take()
            saved, self.no_comma = self.no_comma, 0
            try:
                inner = self.statements(until=")")
                self.expect(")")
            finally:
                self.no_comma = saved
            return ArrayLit([s.expr if isinstance(s, ExprStmt) else Lit(None) for s in inner]) if value == "@" else \
                (inner[-1].expr if inner and isinstance(inner[-1], ExprStmt) else Lit(None))
        if kind == "word":
            return Lit(value)
        if kind == "type":
            return TypeName(value[1:-1].lower())
        raise UserInputError(f"line {line}: unexpected {value!r}")


def _dq(body: str):
    parts, pos = [], 0
    for m in re.finditer(r"\$\((?P<sub>[^()]*)\)|\$(?P<var>env:\w+|\w+)(?P<prop>(?:\.\w+)*)", body):
        if m.start() > pos:
            parts.append(body[pos:m.start()].replace("`n", "\n").replace('""', '"'))
        if m.group("sub") is not None:
            try:
                parts.append(Parser(m.group("sub")).pipeline())
            except UserInputError:
                parts.append(m.group(0))
        else:
            node = Var(m.group("var").lower())
            for prop in filter(None, (m.group("prop") or "").split(".")):
                node = Member(node, prop.lower())
            parts.append(node)
        pos = m.end()
    if pos < len(body):
        parts.append(body[pos:].replace("`n", "\n").replace('""', '"'))
    if all(isinstance(p, str) for p in parts):
        return Lit("".join(parts))
    return Str(parts)


def _src(parser: Parser, line: int) -> str:
    raw = parser.lines[line - 1].strip() if line - 1 < len(parser.lines) else ""
    m = re.search(r"\((.*)\)", raw)
    return m.group(1).strip() if m else raw


def parse(text: str) -> list:
    return Parser(text.replace("\r\n", "\n")).statements()

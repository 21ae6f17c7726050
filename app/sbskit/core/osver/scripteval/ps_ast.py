"""The nodes of a parsed PowerShell script (expressions and statements)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Lit:
    value: object


@dataclass
class Str:  # "..." with $var / $(...) inside
    parts: list  # str | node


@dataclass
class Var:
    name: str  # lower-case; "env:os" for $env:OS


@dataclass
class TypeName:
    name: str  # lower-case, without brackets


@dataclass
class Cast:
    type: str
    value: object


@dataclass
class Member:
    obj: object
    name: str
    static: bool = False


@dataclass
class MethodCall:
    obj: object
    name: str
    args: list
    static: bool = False


@dataclass
class Index:
    obj: object
    index: object


@dataclass
class BinOp:
    op: str
    left: object
    right: object


@dataclass
class UnOp:
    op: str
    operand: object


@dataclass
class ArrayLit:
    items: list


@dataclass
class Command:
    name: str
    args: list  # [(param name lower-case or None, node)]


@dataclass
class Pipeline:
    elements: list


@dataclass
class Stmt:
    line: int
    text: str


@dataclass
class ExprStmt(Stmt):
    expr: object = None


@dataclass
class Assign(Stmt):
    var: str = ""
    value: object = None
    cast: str | None = None
    op: str = "="


@dataclass
class IfStmt(Stmt):
    branches: list = field(default_factory=list)  # [(cond, [stmts], line, text)]
    otherwise: list | None = None


@dataclass
class SwitchStmt(Stmt):
    subject: object = None
    mode: str = "exact"
    cases: list = field(default_factory=list)  # [(pattern node | None for default, [stmts], line, text)]


@dataclass
class ForeachStmt(Stmt):
    var: str = ""
    source: object = None
    body: list = field(default_factory=list)


@dataclass
class FunctionDef(Stmt):
    name: str = ""
    params: list = field(default_factory=list)
    body: list = field(default_factory=list)
    defaults: dict = field(default_factory=dict)  # parameter -> default value node


@dataclass
class ParamBlock(Stmt):
    """The script's own Param(...): values come from its command line, else the defaults."""

    params: list = field(default_factory=list)
    defaults: dict = field(default_factory=dict)


@dataclass
class ScriptBlock:
    body: list  # statements


@dataclass
class Flow(Stmt):
    kind: str = ""  # return | exit | break | continue | unsupported
    value: object = None


def text_of(node) -> str:
    """An expression as written (roughly), for proofs."""
    if isinstance(node, Lit):
        return f"'{node.value}'" if isinstance(node.value, str) else str(node.value)
    if isinstance(node, Var):
        return f"${node.name}"
    if isinstance(node, TypeName):
        return f"[{node.name}]"
    if isinstance(node, Member):
        return f"{text_of(node.obj)}{'::' if node.static else '.'}{node.name}"
    if isinstance(node, MethodCall):
        return f"{text_of(node.obj)}.{node.name}(...)"
    if isinstance(node, Cast):
        return f"[{node.type}]{text_of(node.value)}"
    if isinstance(node, Command):
        return node.name
    if isinstance(node, Pipeline):
        return " | ".join(text_of(e) for e in node.elements)
    return "..."

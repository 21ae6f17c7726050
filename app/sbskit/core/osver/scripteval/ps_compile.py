"""PowerShell compiled onto the structured runner: if/elseif/else chains, ``switch`` with
PowerShell's own rule (every matching clause runs unless one says ``break``; conditions may be
script blocks over ``$_``), foreach, the script's ``Param(...)`` defaults, and user functions,
which run inside the main run wherever they are called (so their branches count) and once more on
their own when the script never calls them (a .psm1 module, a function library)."""

from __future__ import annotations

import dataclasses
import re

from sbskit.core.osver.scripteval import ps as ex
from sbskit.core.osver.scripteval import ps_parse as pp
from sbskit.core.osver.scripteval import structured as sr
from sbskit.core.osver.scripteval.values import Unknown


class Compiler:
    def __init__(self, statements: list, text: str, exec_cls, test_cls, each_cls) -> None:
        self.p = sr.Program()
        self.Exec, self.Test, self.Each = exec_cls, test_cls, each_cls
        self.branches: dict[str, dict] = {}  # commands under a test, reached or not (for 'meant for it')
        self.guarded = 0
        self.switch_ends: list[list] = []
        funcs = [s for s in statements if isinstance(s, pp.FunctionDef)]
        self.functions = {f.name for f in funcs}
        self.block([s for s in statements if not isinstance(s, pp.FunctionDef)])
        self.p.emit(sr.Ins("end", statements[-1].line if statements else 0, "end of script"))
        for f in funcs:
            entry = self.p.here
            self.block(f.body)
            self.p.emit(sr.Ins("ret", f.line))
            self.p.procs[f.name] = (entry, f.params, "function")
            self.p.defaults[f.name] = dict(f.defaults)
        self.entries: list[tuple[int, str, int]] = []  # (pc, function, line): functions the script never calls
        for f in funcs:
            if len(re.findall(rf"(?i)(?<![\w-]){re.escape(f.name)}(?![\w-])", text)) <= 1:
                pc = self.p.here
                self.p.emit(sr.Ins("call", f.line, sr.FunctionCall(f.name, [], self.p.temp("fn"), "@return", ex.ev,
                                                                  f.line)))
                self.p.emit(sr.Ins("end", f.line, "end of the function"))
                self.entries.append((pc, f.name, f.line))

    # -- functions called inside expressions --------------------------------------------------
    def hoisted(self, node, line: int):
        """``node`` with every call of a user function replaced by a variable its call fills first."""
        if node is None:
            return None
        if isinstance(node, pp.Command):
            args = [(p, self.hoisted(v, line)) for p, v in node.args]
            if node.name in self.functions:
                temp = self.p.temp("fn")
                positional = [v for p, v in args if not p]
                self.p.emit(sr.Ins("call", line, sr.FunctionCall(node.name, positional, temp, "@return", ex.ev, line)))
                return pp.Var(temp)
            return pp.Command(node.name, args)
        if isinstance(node, pp.Pipeline):
            return pp.Pipeline([self.hoisted(e, line) for e in node.elements])
        if isinstance(node, pp.BinOp):
            return pp.BinOp(node.op, self.hoisted(node.left, line), self.hoisted(node.right, line))
        if isinstance(node, pp.UnOp):
            return pp.UnOp(node.op, self.hoisted(node.operand, line))
        if isinstance(node, pp.Cast):
            return pp.Cast(node.type, self.hoisted(node.value, line))
        if isinstance(node, pp.Member):
            return pp.Member(self.hoisted(node.obj, line), node.name, node.static)
        if isinstance(node, pp.MethodCall):
            return pp.MethodCall(self.hoisted(node.obj, line), node.name, [self.hoisted(a, line) for a in node.args],
                                 node.static)
        if isinstance(node, pp.Index):
            return pp.Index(self.hoisted(node.obj, line), self.hoisted(node.index, line))
        if isinstance(node, pp.ArrayLit):
            return pp.ArrayLit([self.hoisted(i, line) for i in node.items])
        if isinstance(node, pp.Str):
            return pp.Str([p if isinstance(p, str) else self.hoisted(p, line) for p in node.parts])
        return node

    # -- statements -----------------------------------------------------------------------------
    def block(self, stmts: list) -> None:
        for s in stmts:
            self.statement(s)

    def statement(self, s) -> None:
        p = self.p
        if isinstance(s, pp.IfStmt):
            self.chain(s.branches, s.otherwise)
        elif isinstance(s, pp.SwitchStmt):
            self.switch(s)
        elif isinstance(s, pp.ForeachStmt):
            p.emit(sr.Ins("each_init", s.line, self.Each(s.var, self.hoisted(s.source, s.line), s.line)))
            nxt = p.emit(sr.Ins("each_next", s.line))
            self.block(s.body)
            p.emit(sr.Ins("jmp", s.line, a=p.code.index(nxt)))
            nxt.a = p.here
        elif isinstance(s, pp.ParamBlock):
            for name in s.params:
                value = s.defaults.get(name)
                if value is None:
                    value = pp.Lit(Unknown(f"the script's parameter ${name} (its command line)", s.line))
                p.emit(sr.Ins("exec", s.line, self.Exec(pp.Assign(s.line, s.text, name, self.hoisted(value, s.line)))))
        elif isinstance(s, pp.Flow) and s.kind == "exit":
            p.emit(sr.Ins("end", s.line, "exit"))
        elif isinstance(s, pp.Flow) and s.kind == "return":
            p.emit(sr.Ins("exec", s.line, self.Exec(dataclasses.replace(s, value=self.hoisted(s.value, s.line)))))
            p.emit(sr.Ins("ret", s.line))
        elif isinstance(s, pp.Flow) and s.kind in ("break", "continue"):
            if self.switch_ends:
                self.switch_ends[-1].append(p.emit(sr.Ins("jmp", s.line)))
        elif isinstance(s, pp.Flow) and s.kind == "attribute":
            pass
        else:
            if isinstance(s, pp.Assign):
                s = dataclasses.replace(s, value=self.hoisted(s.value, s.line))
            elif isinstance(s, pp.ExprStmt):
                s = dataclasses.replace(s, expr=self.hoisted(s.expr, s.line))
            p.emit(sr.Ins("exec", s.line, self.Exec(s)))
            if self.guarded:
                self._note_branch(s)

    def _note_branch(self, s) -> None:
        text = None
        if isinstance(s, pp.ExprStmt):
            node = s.expr
            if isinstance(node, pp.Command) and node.name in ex.OUTPUT | {"write-error"}:
                said = ex.message_of(node)
                text = ("echo", said) if said else None
            elif isinstance(node, pp.Lit) and isinstance(node.value, str):
                text = ("echo", node.value)
        elif isinstance(s, pp.Assign) and isinstance(s.value, pp.Lit) and isinstance(s.value.value, str):
            text = ("set", s.value.value)
        if text and f"line {s.line}" not in self.branches:
            self.branches[f"line {s.line}"] = {"line": s.line, "texts": [text], "inline": True}

    def chain(self, branches: list, otherwise) -> None:
        jumps, tests = [], []
        for n, (cond, body, line, text) in enumerate(branches):
            more = n + 1 < len(branches) or otherwise is not None
            ins = self.p.emit(sr.Ins("test", line, self.Test(self.hoisted(cond, line), text, line)))
            ins.has_else = more
            ins.sets = assigned(body)
            tests.append(ins)
            self.guarded += 1
            self.block(body)
            self.guarded -= 1
            if more:
                jumps.append(self.p.emit(sr.Ins("jmp", line)))
            ins.a = self.p.here
        if otherwise is not None:
            self.guarded += 1
            self.block(otherwise)
            self.guarded -= 1
        end = self.p.here
        for j in jumps:
            j.a = end
        for ins in tests:
            ins.b = end
        if len(tests) >= 2 and otherwise is None:
            tests[-1].last_case = True

    def switch(self, s) -> None:
        """Every clause whose condition holds runs, in order, until one says break; default runs
        when none held (its branch is proven by all the clause tests that failed)."""
        p = self.p
        subject, matched, mark = f"switch@{s.line}", p.temp("matched"), p.temp("mark")
        p.emit(sr.Ins("exec", s.line, self.Exec(pp.Assign(s.line, s.text, subject, self.hoisted(s.subject, s.line)))))
        p.emit(sr.Ins("exec", s.line, self.Exec(pp.Assign(s.line, s.text, "_", pp.Var(subject)))))
        p.emit(sr.Ins("exec", s.line, self.Exec(pp.Assign(s.line, s.text, matched, pp.Lit(False)))))
        p.emit(sr.Ins("exec", s.line, MarkMisses(mark)))
        self.switch_ends.append([])
        default = None
        case_tests = []
        for pat, body, line, text in s.cases:
            if pat is None:
                default = (body, line)
                continue
            ins = p.emit(sr.Ins("test", line, self.Test(pat, f"switch case {text}", line, subject, s.mode)))
            ins.sets = assigned(body)
            case_tests.append(ins)
            self.guarded += 1
            self.block(body)
            self.guarded -= 1
            p.emit(sr.Ins("exec", line, self.Exec(pp.Assign(line, text, matched, pp.Lit(True)))))
            ins.a = ins.b = p.here
        if default is None and len(case_tests) >= 2:
            case_tests[-1].last_case = True
        if default is not None:
            body, line = default
            test = self.Test(pp.UnOp("-not", pp.Var(matched)), "switch default", line)
            test.misses_since = mark
            ins = p.emit(sr.Ins("test", line, test))
            self.guarded += 1
            self.block(body)
            self.guarded -= 1
            ins.a = ins.b = p.here
        for j in self.switch_ends.pop():
            j.a = p.here


def assigned(stmts) -> tuple:
    """The variables some statement of a block (or a block inside it) assigns."""
    out, stack = [], list(stmts)
    while stack:
        s = stack.pop()
        if isinstance(s, pp.Assign):
            out.append(s.var.lower())
        elif isinstance(s, pp.IfStmt):
            stack.extend(x for _c, body, _l, _t in s.branches for x in body)
            stack.extend(s.otherwise or [])
        elif isinstance(s, (pp.SwitchStmt,)):
            stack.extend(x for _p, body, _l, _t in s.cases for x in body)
        elif isinstance(s, pp.ForeachStmt):
            stack.extend(s.body)
    return tuple(dict.fromkeys(out))


class MarkMisses:
    """Remembers how many tests had failed when a switch began (its default is proven by the rest)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def execute(self, rt, st) -> None:
        st.globals[self.name] = st.miss_count

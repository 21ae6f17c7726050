"""VBScript compiled onto the structured runner: If/ElseIf/Else and Select Case as tests,
For Each over WMI results, Subs, and the entry point that runs a script on every release."""

from __future__ import annotations

import re

from sbskit.core.errors import UserInputError
from sbskit.core.osver.scripteval import structured as sr
from sbskit.core.osver.scripteval import vbs_objects as obj
from sbskit.core.osver.scripteval import vbs_parse as vp
from sbskit.core.osver.scripteval.machines import LANGUAGES, machines
from sbskit.core.osver.scripteval.runtime import RunResult, in_languages
from sbskit.core.osver.scripteval import vbs_values as vv
from sbskit.core.osver.scripteval.values import Lazy, Unknown
from sbskit.core.osver.scripteval.vbs import ECHO, Exec, SubCall, Test, _text, describe_test, ev, evaluate_test


# --- compiling -------------------------------------------------------------------------------
class Compiler:
    def __init__(self, statements: list) -> None:
        self.p = sr.Program()
        self.procs = {s.name.lower(): s for s in statements if isinstance(s, vp.Proc)}
        self.functions = {n for n, s in self.procs.items() if s.kind == "function"}
        self.current: str | None = None  # inside a Function its own name is its return value, not a call
        self.test_lines: dict[int, int] = {}
        self.branches: dict[str, dict] = {}  # commands under a test, reached or not (for 'meant for it')
        self.guarded = 0
        self.block([s for s in statements if not isinstance(s, vp.Proc)])
        self.p.emit(sr.Ins("end", statements[-1].line if statements else 0, "end of script"))
        for proc in self.procs.values():
            entry = self.p.here
            self.current = proc.name.lower()
            self.block(proc.body)
            self.current = None
            self.p.emit(sr.Ins("ret", proc.line))
            self.p.procs[proc.name.lower()] = (entry, proc.params, proc.kind)

    def hoisted(self, node, line: int):
        """``node`` with each call of a user Function replaced by a variable the call fills first, so
        the Function runs in the main run (what it does under a test is a branch of the script)."""
        if isinstance(node, vp.Call) and isinstance(node.func, vp.Name) and self._is_function(node.func.name):
            return self._call_first(node.func.name, [self.hoisted(a, line) for a in node.args], line)
        if isinstance(node, vp.Name) and self._is_function(node.name):
            return self._call_first(node.name, [], line)
        if isinstance(node, vp.Call):
            return vp.Call(self.hoisted(node.func, line), [self.hoisted(a, line) for a in node.args])
        if isinstance(node, vp.Member):
            return vp.Member(self.hoisted(node.obj, line), node.name)
        if isinstance(node, vp.BinOp):
            return vp.BinOp(node.op, self.hoisted(node.left, line), self.hoisted(node.right, line))
        if isinstance(node, vp.UnOp):
            return vp.UnOp(node.op, self.hoisted(node.operand, line))
        return node

    def _is_function(self, name: str) -> bool:
        low = name.lower()
        return low in self.functions and low != self.current

    def _call_first(self, name: str, args: list, line: int):
        temp = self.p.temp("fn")
        self.p.emit(sr.Ins("call", line, sr.FunctionCall(name, args, temp, name.lower(), ev, line)))
        return vp.Name(temp)

    def block(self, stmts: list) -> None:
        for s in stmts:
            self.statement(s)

    def test(self, expr, text: str, line: int, subject=None, cases=None) -> sr.Ins:
        expr = self.hoisted(expr, line) if expr is not None else None
        t = Test(expr, text, subject, cases)
        self.test_lines[id(t)] = line
        return self.p.emit(sr.Ins("test", line, t))

    def statement(self, s) -> None:
        p = self.p
        if isinstance(s, vp.IfStmt):
            self.chain([(c, body, line, text, None) for c, body, line, text in s.branches], s.otherwise)
        elif isinstance(s, vp.SelectStmt):
            temp = f"select@{s.line}"
            subject = self.hoisted(s.subject, s.line)
            p.emit(sr.Ins("exec", s.line, Exec(vp.Assign(s.line, s.text, vp.Name(temp), subject))))
            branches = [(None, body, line, text, (temp, tests)) for tests, body, line, text in s.cases if tests is not None]
            otherwise = next((body for tests, body, _l, _t in s.cases if tests is None), None)
            self.chain(branches, otherwise)
        elif isinstance(s, vp.ForEach):
            p.emit(sr.Ins("each_init", s.line, Each(s.var, self.hoisted(s.source, s.line), s.line)))
            nxt = p.emit(sr.Ins("each_next", s.line))
            self.block(s.body)
            p.emit(sr.Ins("jmp", s.line, a=p.code.index(nxt)))
            nxt.a = p.here
        elif isinstance(s, vp.ForTo):
            p.emit(sr.Ins("each_init", s.line, Each(s.var, (s.start, s.stop), s.line)))
            nxt = p.emit(sr.Ins("each_next", s.line))
            self.block(s.body)
            p.emit(sr.Ins("jmp", s.line, a=p.code.index(nxt)))
            nxt.a = p.here
        elif isinstance(s, vp.CallStmt) and self._proc_call(s):
            name, args = self._proc_call(s)
            p.emit(sr.Ins("call", s.line, SubCall(s, name, args)))
        elif isinstance(s, vp.Simple) and s.kind == "quit":
            p.emit(sr.Ins("exec", s.line, Quit(s)))  # WScript.Quit 99 under a test is a branch: its exit code
        elif isinstance(s, vp.DoLoop):
            ins = p.emit(sr.Ins("test", s.line, LoopEntry(s)))
            ins.a = ins.b = p.here  # the body is not run: a status wait is over at once, other loops are noted
        elif isinstance(s, vp.Simple) and s.kind in ("exit_sub", "exit_function"):
            p.emit(sr.Ins("ret", s.line))
        elif isinstance(s, vp.Proc):
            self.procs[s.name.lower()] = s
        else:
            if isinstance(s, vp.Assign):
                s = vp.Assign(s.line, s.text, s.target, self.hoisted(s.value, s.line))
            elif isinstance(s, vp.CallStmt):
                s = vp.CallStmt(s.line, s.text, self.hoisted(s.expr, s.line))
            p.emit(sr.Ins("exec", s.line, Exec(s)))
            if self.guarded:
                self._note_branch(s)

    def _note_branch(self, s) -> None:
        text = None
        if isinstance(s, vp.CallStmt) and _text(s.expr.func if isinstance(s.expr, vp.Call) else s.expr).lower() in ECHO:
            args = s.expr.args if isinstance(s.expr, vp.Call) else []
            if args and isinstance(args[0], vp.Lit) and isinstance(args[0].value, str):
                text = ("echo", args[0].value)
        elif isinstance(s, vp.Assign) and isinstance(s.value, vp.Lit) and isinstance(s.value.value, str):
            text = ("set", s.value.value)
        if text and f"line {s.line}" not in self.branches:
            self.branches[f"line {s.line}"] = {"line": s.line, "texts": [text], "inline": True}

    def chain(self, branches: list, otherwise) -> None:
        jumps, tests = [], []
        for n, (cond, body, line, text, select) in enumerate(branches):
            more = n + 1 < len(branches) or otherwise is not None
            ins = self.test(cond, text, line, *(select or (None, None)))
            tests.append(ins)
            ins.has_else = more
            ins.sets = assigned(body)
            self.guarded += 1
            self.block(body)
            self.guarded -= 1
            if more:
                jumps.append(self.p.emit(sr.Ins("jmp", line)))
            ins.a = self.p.here
            ins.effects = True
        if otherwise is not None:
            self.guarded += 1
            self.block(otherwise)
            self.guarded -= 1
        end = self.p.here
        for j in jumps:
            j.a = end
        for ins in self.p.code:
            if ins.op == "test" and ins.b == 0 and ins.has_else:
                ins.b = end
        if len(branches) >= 2 and otherwise is None:
            tests[-1].last_case = True

    def _proc_call(self, s):
        expr = s.expr
        if isinstance(expr, vp.Call) and isinstance(expr.func, vp.Name) and expr.func.name.lower() in self.procs:
            return expr.func.name, expr.args
        if isinstance(expr, vp.Name) and expr.name.lower() in self.procs:
            return expr.name, []
        return None


def assigned(stmts) -> tuple:
    """The variables some statement of a block (or a block inside it) assigns."""
    out, stack = [], list(stmts)
    while stack:
        s = stack.pop()
        if isinstance(s, vp.Assign) and isinstance(s.target, vp.Name):
            out.append(s.target.name.lower())
        elif isinstance(s, vp.IfStmt):
            stack.extend(x for _c, body, _l, _t in s.branches for x in body)
            stack.extend(s.otherwise or [])
        elif isinstance(s, vp.SelectStmt):
            stack.extend(x for _t, body, _l, _x in s.cases for x in body)
        elif isinstance(s, (vp.ForEach, vp.ForTo, vp.DoLoop)):
            stack.extend(s.body)
    return tuple(dict.fromkeys(out))


def read_names(test) -> list[str]:
    """The variables a VBScript test reads (names, and the Select Case subject)."""
    out = [test.subject] if getattr(test, "subject", None) else []
    stack = [getattr(test, "expr", None)] + [c for case in (getattr(test, "cases", None) or []) for c in case[1:]]
    while stack:
        n = stack.pop()
        if isinstance(n, vp.Name):
            out.append(n.name)
        elif n is not None and hasattr(n, "__dataclass_fields__"):
            stack.extend(getattr(n, f) for f in n.__dataclass_fields__)
        elif isinstance(n, list):
            stack.extend(n)
    return out


class Quit:
    def __init__(self, stmt) -> None:
        self.stmt = stmt

    def execute(self, rt, st) -> None:
        code = re.sub(r"(?i)^wscript\.quit\s*", "", self.stmt.text).strip("() ") or "0"
        sr.action(st, "exit", f"line {self.stmt.line}", self.stmt.line, f"WScript.Quit {code}")
        raise sr.Stop("end", self.stmt.line, f"WScript.Quit {code}")


class LoopEntry:
    """``Do Until exec.Status`` waits for a program the script started: over at once. Any other loop
    is not run (noted), which is all the OS tests of a login script ever need."""

    def __init__(self, stmt) -> None:
        self.stmt = stmt
        self.text = stmt.text
        self.expr = stmt.cond
        self.subject = self.cases = None

    def decide(self, rt, st):
        value = ev(rt, st, self.stmt.cond)
        done = vv.truthy(value) if not isinstance(value, (Lazy, Unknown)) else None
        if done is not None and not isinstance(done, vv.VbError) and (done if self.stmt.kind == "until" else not done):
            return False
        rt.notes.append((self.stmt.line, f"not evaluated from line {self.stmt.line}: `{self.stmt.text}` (the loop "
                                         "body is skipped)"))
        return False


class Each:
    def __init__(self, var: str, source, line: int) -> None:
        self.var, self.source, self.line = var, source, line

    def items(self, rt, st):
        rt.line = self.line
        if isinstance(self.source, tuple):
            a, b = (ev(rt, st, x) for x in self.source)
            if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                return tuple(range(int(a), int(b) + 1))[:1000]
            return Unknown(f"a For loop whose bounds differ between computers (line {self.line})", self.line)
        value = ev(rt, st, self.source)
        if isinstance(value, obj.WmiCollection):
            return value.items()
        if isinstance(value, tuple):
            return value
        if isinstance(value, Unknown):
            return value
        return Unknown(f"the items of {_text(self.source)} (line {self.line})", self.line)


def initial(envs) -> dict:
    return {}


def run_vbs(text: str, languages: tuple[str, ...] = LANGUAGES) -> RunResult:
    try:
        statements = vp.parse(text)
    except UserInputError as exc:
        raise UserInputError(f"cannot read the VBScript: {exc}") from None
    comp = Compiler(statements)
    program = comp.p
    everyone = machines()

    def make(langs):
        ms = [m for m in everyone if m.lang in langs and m.is_nt]
        rt = sr.Runner(program, ms, initial, evaluate_test, describe_test)
        rt.intents, rt.line = [], 0
        rt.line_of = lambda test: comp.test_lines.get(id(test), 0)
        rt.read_names = read_names
        rt.run()
        old = [m for m in everyone if m.lang in langs and not m.is_nt]
        if old:
            rt.outcomes.append(sr.Outcome(tuple(m.idx for m in old), "not-run", 1,
                                          "Windows 9x: no WMI operating system class and no Windows Script Host 5.6 "
                                          "by default", ()))
        return rt

    rt, used = in_languages(make, languages)
    return RunResult("vbscript", rt.outcomes, rt.covered, rt.lang_sensitive, rt.notes, comp.branches, used,
                     rt.decisions)

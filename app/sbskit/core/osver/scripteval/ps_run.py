"""PowerShell statements on the shared structured runner: if/elseif/else and switch as tests,
foreach, functions, assignments with casts, and output (Write-Host, bare strings) as branches."""

from __future__ import annotations

from sbskit.core.errors import UserInputError
from sbskit.core.osver.scripteval import ps as ex
from sbskit.core.osver.scripteval import ps_parse as pp
from sbskit.core.osver.scripteval import ps_values as pv
from sbskit.core.osver.scripteval import structured as sr
from sbskit.core.osver.scripteval.machines import LANGUAGES, machines
from sbskit.core.osver.scripteval.runtime import RunResult
from sbskit.core.osver.scripteval.values import Lazy, Unknown, lift, merge_why


class Exec:
    def __init__(self, stmt) -> None:
        self.stmt = stmt

    def execute(self, rt, st) -> None:
        s = self.stmt
        rt.line = s.line
        if isinstance(s, pp.Assign):
            value = ex.ev(rt, st, s.value)
            if s.cast:
                value = lift(lambda v: pv.cast(s.cast, v), value)
            if s.op in ("+=", "-="):
                value = lift(lambda a, b: ex._arith(s.op[0], a, b), st.get(s.var), value)
            st.set(s.var, value)
            if isinstance(s.value, pp.Lit) and isinstance(s.value.value, str) and s.value.value:
                sr.action(st, "set", f"line {s.line}", s.line, f"set {s.var}={s.value.value}")
            return
        if isinstance(s, pp.ExprStmt):
            node = s.expr
            if isinstance(node, pp.Command) and node.name in ex.OUTPUT:
                shown = " ".join(_shown(v) for _p, v in node.args if _p is None)
                sr.action(st, "echo", f"line {s.line}", s.line, "echo " + shown)
                return
            if isinstance(node, (pp.Lit, pp.Str)):
                sr.action(st, "echo", f"line {s.line}", s.line, "echo " + _shown(node))
                st.set("@return", ex.ev(rt, st, node))
                return
            value = ex.ev(rt, st, node)
            if isinstance(node, (pp.Command, pp.Pipeline)):
                sr.action(st, "cmd", f"line {s.line}", s.line, s.text)
            else:
                st.set("@return", value)
            return
        if isinstance(s, pp.Flow):
            if s.kind == "return" and s.value is not None:
                st.set("@return", ex.ev(rt, st, s.value))
            elif s.kind == "unsupported":
                rt.notes.append((s.line, f"not evaluated from line {s.line}: `{s.text}` (loops and try/catch are "
                                         "skipped)"))


def _shown(node) -> str:
    if isinstance(node, pp.Lit):
        return pv.to_str(node.value)
    if isinstance(node, pp.Str):
        return "".join(p if isinstance(p, str) else "$x" for p in node.parts)
    return "..."


class Test:
    def __init__(self, expr, text: str, line: int, subject=None, mode: str = "exact") -> None:
        self.expr, self.text, self.line, self.subject, self.mode = expr, text, line, subject, mode


def describe_test(test: Test) -> str:
    return test.text


def evaluate_test(rt, st, test: Test):
    rt.intents = []
    rt.line = test.line
    if test.expr is None:
        return True
    if test.subject is not None:
        subject = st.get(test.subject)
        pattern = ex.ev(rt, st, test.expr)
        op = {"exact": "eq", "wildcard": "like", "regex": "match"}[test.mode]
        value = lift(lambda s, p: pv.compare(s, op, p), subject, pattern)
        if isinstance(value, Lazy):
            value.tags = value.tags | ({"like"} if op == "like" else {"match"} if op == "match" else set())
            base = merge_why(subject)
            value.why = base
    else:
        value = ex.ev(rt, st, test.expr)
    cond = lift(lambda v: None if isinstance(v, pv.PsError) else pv.truthy(v), value)
    if isinstance(cond, Lazy):
        cond.intent = rt.intents[0].intent if len(rt.intents) == 1 else None
        base = merge_why(value)
        cond.why = lambda m: (f"{base(m)}, so `{test.text}` is " if base else f"`{test.text}` is ") + \
            {True: "true", False: "false", None: "an error"}[cond.at(m)] + f" (line {test.line})"
    return cond


class Compiler:
    def __init__(self, statements: list) -> None:
        self.p = sr.Program()
        self.branches: dict[str, dict] = {}  # commands under a test, reached or not (for 'meant for it')
        self.guarded = 0
        funcs = [s for s in statements if isinstance(s, pp.FunctionDef)]
        self.block([s for s in statements if not isinstance(s, pp.FunctionDef)])
        self.p.emit(sr.Ins("end", statements[-1].line if statements else 0, "end of script"))
        for f in funcs:
            entry = self.p.here
            self.block(f.body)
            self.p.emit(sr.Ins("ret", f.line))
            self.p.procs[f.name] = (entry, f.params, "function")

    def block(self, stmts: list) -> None:
        for s in stmts:
            self.statement(s)

    def statement(self, s) -> None:
        p = self.p
        if isinstance(s, pp.IfStmt):
            self.chain([(Test(c, text, line), body) for c, body, line, text in s.branches], s.otherwise)
        elif isinstance(s, pp.SwitchStmt):
            temp = f"switch@{s.line}"
            p.emit(sr.Ins("exec", s.line, Exec(pp.Assign(s.line, s.text, temp, s.subject))))
            cases = [(Test(pat, f"switch case {text}", line, temp, s.mode), body)
                     for pat, body, line, text in s.cases if pat is not None]
            default = next((body for pat, body, _l, _t in s.cases if pat is None), None)
            self.chain(cases, default)
        elif isinstance(s, pp.ForeachStmt):
            p.emit(sr.Ins("each_init", s.line, Each(s.var, s.source, s.line)))
            nxt = p.emit(sr.Ins("each_next", s.line))
            self.block(s.body)
            p.emit(sr.Ins("jmp", s.line, a=p.code.index(nxt)))
            nxt.a = p.here
        elif isinstance(s, pp.Flow) and s.kind == "exit":
            p.emit(sr.Ins("end", s.line, "exit"))
        elif isinstance(s, pp.Flow) and s.kind == "return":
            p.emit(sr.Ins("exec", s.line, Exec(s)))
            p.emit(sr.Ins("ret", s.line))
        elif isinstance(s, pp.Flow) and s.kind in ("break", "continue"):
            pass  # switch clauses are compiled as a first-match chain already
        else:
            p.emit(sr.Ins("exec", s.line, Exec(s)))
            if self.guarded:
                self._note_branch(s)

    def _note_branch(self, s) -> None:
        text = None
        if isinstance(s, pp.ExprStmt):
            node = s.expr
            if isinstance(node, pp.Command) and node.name in ex.OUTPUT and node.args and \
                    isinstance(node.args[0][1], pp.Lit) and isinstance(node.args[0][1].value, str):
                text = ("echo", node.args[0][1].value)
            elif isinstance(node, pp.Lit) and isinstance(node.value, str):
                text = ("echo", node.value)
        elif isinstance(s, pp.Assign) and isinstance(s.value, pp.Lit) and isinstance(s.value.value, str):
            text = ("set", s.value.value)
        if text and f"line {s.line}" not in self.branches:
            self.branches[f"line {s.line}"] = {"line": s.line, "texts": [text], "inline": True}

    def chain(self, branches: list, otherwise) -> None:
        jumps, tests = [], []
        for n, (test, body) in enumerate(branches):
            more = n + 1 < len(branches) or otherwise is not None
            ins = self.p.emit(sr.Ins("test", test.line, test))
            ins.has_else = more
            tests.append(ins)
            self.guarded += 1
            self.block(body)
            self.guarded -= 1
            if more:
                jumps.append(self.p.emit(sr.Ins("jmp", test.line)))
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


class Each:
    def __init__(self, var: str, source, line: int) -> None:
        self.var, self.source, self.line = var, source, line

    def items(self, rt, st):
        rt.line = self.line
        value = ex.ev(rt, st, self.source)
        if isinstance(value, (Unknown, tuple)):
            return value
        if isinstance(value, Lazy):
            return lift(lambda v: v if isinstance(v, tuple) else (() if v is None else (v,)), value)
        return () if value is None else (value,)


def run_ps(text: str, languages: tuple[str, ...] = LANGUAGES) -> RunResult:
    try:
        statements = pp.parse(text)
    except UserInputError as exc:
        raise UserInputError(f"cannot read the PowerShell script: {exc}") from None
    comp = Compiler(statements)
    program = comp.p
    everyone = machines()

    def make(langs):
        ms = [m for m in everyone if m.lang in langs and m.ps_version]
        rt = sr.Runner(program, ms, lambda envs: {}, evaluate_test, describe_test)
        rt.intents, rt.line = [], 0
        rt.run()
        missing = [m for m in everyone if m.lang in langs and not m.ps_version]
        if missing:
            rt.outcomes.append(sr.Outcome(tuple(m.idx for m in missing), "not-run", 1,
                                          "Windows PowerShell is not part of this release (it came with Windows 7 / "
                                          "Server 2008 R2)", ()))
        return rt

    rt = make((languages[0],))
    used = (languages[0],)
    if rt.lang_sensitive and len(languages) > 1:
        rt = make(languages)
        used = languages
    return RunResult("powershell", rt.outcomes, rt.covered, rt.lang_sensitive, rt.notes, comp.branches, used,
                     rt.decisions)

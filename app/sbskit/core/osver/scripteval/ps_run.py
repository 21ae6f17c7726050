"""PowerShell statements on the shared structured runner: if/elseif/else and switch as tests,
foreach, functions, assignments with casts, and output (Write-Host, bare strings) as branches."""

from __future__ import annotations

from sbskit.core.errors import UserInputError
from sbskit.core.osver.scripteval import ps as ex
from sbskit.core.osver.scripteval import ps_parse as pp
from sbskit.core.osver.scripteval import ps_values as pv
from sbskit.core.osver.scripteval import structured as sr
from sbskit.core.osver.scripteval.carried import set_origin
from sbskit.core.osver.scripteval.ps_compile import Compiler
from sbskit.core.osver.scripteval.machines import LANGUAGES, machines
from sbskit.core.osver.scripteval.runtime import Decision, RunResult, in_languages
from sbskit.core.osver.scripteval.values import Lazy, Unknown, lift, merge_why


class Exec:
    def __init__(self, stmt) -> None:
        self.stmt = stmt

    def execute(self, rt, st) -> None:
        s = self.stmt
        rt.line = s.line
        if isinstance(s, pp.Assign):
            rt.intents = []
            value = ex.ev(rt, st, s.value)
            if isinstance(value, Lazy) and len(rt.intents) == 1 and rt.intents[0] is value and value.intent:
                # $isWin11 = $os.BuildNumber -ge 22000: a text comparison is wrong where it is made, even
                # when the tests that use its answer also read something from outside
                rt.decisions.append(Decision(s.line, s.text.split("=", 1)[-1].strip(), value, None, tuple(m.idx for m in st.envs)))
            if s.cast:
                value = lift(lambda v: pv.cast(s.cast, v), value)
            if s.op in ("+=", "-="):
                value = lift(lambda a, b: ex._arith(s.op[0], a, b), st.get(s.var), value)
            st.set(s.var, value)
            set_origin(st.origins, s.var, s.line, tuple(d for r in st.regions for d in r.decisions))
            if isinstance(s.value, pp.Lit) and isinstance(s.value.value, str) and s.value.value:
                sr.action(st, "set", f"line {s.line}", s.line, f"set {s.var}={s.value.value}")
            return
        if isinstance(s, pp.ExprStmt):
            node = s.expr
            if isinstance(node, pp.Command) and node.name in ex.OUTPUT | {"write-error"}:
                sr.action(st, "echo", f"line {s.line}", s.line, "echo " + (ex.message_of(node) or ""))
                stop = next((v for p_, v in node.args if p_ in ("erroraction", "ea")), None)
                if node.name == "write-error" and isinstance(stop, pp.Lit) and str(stop.value).lower() == "stop":
                    raise sr.Stop("end", s.line, "Write-Error -ErrorAction Stop ends the script")
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
    if isinstance(test.expr, pp.ScriptBlock):  # switch clause { $_ -lt '10240' }: a condition over $_
        last = next((x for x in reversed(test.expr.body) if isinstance(x, pp.ExprStmt)), None)
        value = ex.ev(rt, st, last.expr) if last is not None else False
    elif test.subject is not None:
        subject = st.get(test.subject)
        pattern = ex.ev(rt, st, test.expr)
        op = {"exact": "eq", "wildcard": "like", "regex": "match"}[test.mode]
        value = lift(lambda s, p: pv.compare(s, op, p), subject, pattern)
        if isinstance(value, Lazy):
            value.tags = value.tags | ({"like"} if op == "like" else {"match"} if op == "match" else set())
            base = merge_why(subject)
            value.why = base
            if isinstance(test.expr, pp.Lit):  # switch -Wildcard 'Microsoft Windows Server 2008*'
                ex.probe_test(value, op, test.expr.value, subject, False, subject, pattern)
    else:
        value = ex.ev(rt, st, test.expr)
    # a failing condition ("Cannot convert null to type System.Version") is a non-terminating error in
    # PowerShell: it is written out and the test counts as false; the script goes on
    cond = lift(lambda v: v if isinstance(v, Unknown) else False if isinstance(v, pv.PsError) else pv.truthy(v), value)
    if isinstance(cond, Lazy):
        cond.intent = rt.intents[0].intent if len(rt.intents) == 1 else None
        single = len(rt.intents) == 1 and isinstance(test.expr, pp.BinOp) and test.subject is None
        cond.order = rt.intents[0].order if single else None
        base = merge_why(value)
        cond.why = lambda m: (f"{base(m)}, so `{test.text}` is " if base else f"`{test.text}` is ") + \
            {True: "true", False: "false", None: "an error"}[cond.at(m)] + f" (line {test.line})"
    return cond


def read_names(test) -> list[str]:
    """The variables a PowerShell test reads ($x, and the switch subject)."""
    out = [test.subject] if getattr(test, "subject", None) else []
    stack = [getattr(test, "expr", None)]
    while stack:
        n = stack.pop()
        if isinstance(n, pp.Var):
            out.append(n.name)
        elif isinstance(n, (list, tuple)):
            stack.extend(n)
        elif n is not None and hasattr(n, "__dataclass_fields__"):
            stack.extend(getattr(n, f) for f in n.__dataclass_fields__)
    return out


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
    comp = Compiler(statements, text, Exec, Test, Each)
    program = comp.p
    everyone = machines()

    def make(langs):
        ms = [m for m in everyone if m.lang in langs and m.ps_version]
        rt = sr.Runner(program, ms, lambda envs: {}, evaluate_test, describe_test)
        rt.intents, rt.line = [], 0
        rt.value_of = lambda st, node: ex.ev(rt, st, node)
        rt.read_names = read_names
        if rt.pending:
            for pc, name, line in comp.entries:  # a function the script never calls: run it on its own too
                extra = rt.pending[0].clone(list(rt.pending[0].envs))
                extra.pc = pc
                rt.pending.append(extra)
                rt.notes.append((line, f"the function {name} is never called in the script: its body was run as if "
                                       "it were called once, with its default parameters"))
        rt.run()
        missing = [m for m in everyone if m.lang in langs and not m.ps_version]
        if missing:
            rt.outcomes.append(sr.Outcome(tuple(m.idx for m in missing), "not-run", 1,
                                          "Windows PowerShell is not part of this release (it came with Windows 7 / "
                                          "Server 2008 R2)", ()))
        return rt

    rt, used = in_languages(make, languages)
    return RunResult("powershell", rt.outcomes, rt.covered, rt.lang_sensitive, rt.notes, comp.branches, used,
                     rt.decisions)

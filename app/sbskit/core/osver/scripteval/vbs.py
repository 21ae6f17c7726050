"""The VBScript evaluator: WMI Win32_OperatingSystem (Version without UBR, BuildNumber,
Caption, ProductType), RegRead, InStr/Left/Mid/Right/Split, CInt/CLng/CDbl, &, Select Case
and If, run on every release and language with VBScript's own comparison rules."""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval import structured as sr
from sbskit.core.osver.scripteval import vbs_objects as obj
from sbskit.core.osver.scripteval import vbs_parse as vp
from sbskit.core.osver.scripteval import vbs_values as vv
from sbskit.core.osver.scripteval.carried import set_origin
from sbskit.core.osver.scripteval.intent import Probe, add_compare_probe, value_meaning
from sbskit.core.osver.scripteval.values import Lazy, Unknown, first_unknown, lift, merge_why

ECHO = {"wscript.echo", "msgbox", "wscript.stdout.writeline", "wscript.stdout.write"}


# --- expressions -----------------------------------------------------------------------------
def _text(node) -> str:
    if isinstance(node, vp.Lit):
        return f'"{node.value}"' if isinstance(node.value, str) else vv.to_str(node.value)
    if isinstance(node, vp.Name):
        return node.name
    if isinstance(node, vp.Member):
        return f"{_text(node.obj)}.{node.name}"
    if isinstance(node, vp.Call):
        return f"{_text(node.func)}({', '.join(_text(a) for a in node.args)})"
    if isinstance(node, vp.BinOp):
        return f"{_text(node.left)} {node.op.title() if node.op.isalpha() else node.op} {_text(node.right)}"
    return f"{node.op.title()} {_text(node.operand)}" if node.op.isalpha() else f"{node.op}{_text(node.operand)}"


def _lang_lift(fn, *values, tags=frozenset(), lang=False):
    """lift with the computer's language passed along (CDbl and comparisons read the locale)."""
    out = lift(lambda *v: v, *values)
    if isinstance(out, (Unknown,)):
        return out
    if not isinstance(out, Lazy):
        return fn("en", *out) if not lang else Lazy(lambda m: fn(m.lang, *out), merge_why(*values), frozenset(tags), True)
    res = Lazy(lambda m: fn(m.lang, *out.at(m)), merge_why(*values), out.tags | tags, out.lang or lang)
    res.origin = out.origin
    res.probes = out.probes
    return res


def ev(rt, st, node):
    if isinstance(node, vp.Lit):
        return node.value
    if isinstance(node, vp.Name):
        low = node.name.lower()
        if low in ("wscript",):
            return "WScript"
        value = st.get(node.name, _MISSING)
        if value is not _MISSING:
            return value
        if low in rt.program.procs:
            return call_function(rt, st, node.name, [], 0)
        return None  # an undeclared variable is Empty
    if isinstance(node, vp.Member):
        target = ev(rt, st, node.obj)
        return member(target, node.name, rt.line)
    if isinstance(node, vp.Call):
        return call(rt, st, node)
    if isinstance(node, vp.UnOp):
        v = ev(rt, st, node.operand)
        if node.op == "not":
            return lift(lambda x: _not(x), v)
        return lift(lambda x: _neg(x, node.op), v)
    return binop(rt, st, node)


_MISSING = object()


def _not(x):
    t = vv.truthy(x)
    return t if isinstance(t, vv.VbError) else not t


def _neg(x, op):
    n = vv.to_num(x)
    return n if isinstance(n, vv.VbError) else (-n if op == "-" else n)


def binop(rt, st, node):
    a, b = ev(rt, st, node.left), ev(rt, st, node.right)
    op = node.op
    if op in ("=", "<>", "<", ">", "<=", ">="):
        ah, bh = isinstance(node.left, vp.Lit), isinstance(node.right, vp.Lit)
        out = _lang_lift(lambda lang, x, y: vv.compare(x, ah, op, y, bh, lang), a, b, lang=False)
        if isinstance(out, Lazy):
            out.tags = out.tags | {"compare-order"} if op not in ("=", "<>") else out.tags
            out.intent = _intent(a, ah, op, b, bh)
            out.order = {">=": "ge", ">": "gt", "<=": "le", "<": "lt"}.get(op)
            rt.intents.append(out)
            if ah != bh:  # = "6.1", >= 22000: what the comparison is for
                lit, var = (node.left.value, b) if ah else (node.right.value, a)
                plain = {"=": "eq", "<>": "eq", ">=": "ge", ">": "gt", "<=": "le", "<": "lt"}[op]
                flipped_op = op if op in ("=", "<>") else op

                def actual(m, flipped_op=flipped_op):
                    x, y = (a.at(m) if isinstance(a, Lazy) else a), (b.at(m) if isinstance(b, Lazy) else b)
                    got = vv.compare(x, ah, "=" if flipped_op == "<>" else flipped_op, y, bh, m.lang)
                    return got is True

                add_compare_probe(out, plain, lit, var, ah, actual)
        return out
    if op == "&":
        return lift(lambda x, y: vv.to_str(x) + vv.to_str(y), a, b)
    if op in ("and", "or", "xor"):
        return lift(lambda x, y: _logic(op, x, y), a, b)
    return lift(lambda x, y: _arith(op, x, y), a, b)


def _intent(a, ah, op, b, bh):
    def intent(m):
        x, y = (a.at(m) if isinstance(a, Lazy) else a), (b.at(m) if isinstance(b, Lazy) else b)
        kind = vv.compare_kind(x, ah, y, bh)
        if kind == "number":
            return None
        xs, ys = vv.to_str(x), vv.to_str(y)
        if not (re.fullmatch(r"\d+(\.\d+)*", xs) and re.fullmatch(r"\d+(\.\d+)*", ys)):
            return None
        actual = vv.compare(x, ah, op, y, bh, m.lang)
        tx, ty = tuple(int(p) for p in xs.split(".")), tuple(int(p) for p in ys.split("."))
        return (actual, vv.OPS[op]((tx > ty) - (tx < ty)))
    return intent


def _logic(op, x, y):
    tx, ty = vv.truthy(x), vv.truthy(y)
    for t in (tx, ty):
        if isinstance(t, vv.VbError):
            return t
    return {"and": tx and ty, "or": tx or ty, "xor": tx != ty}[op]


def _arith(op, x, y):
    nx, ny = vv.to_num(x), vv.to_num(y)
    for n in (nx, ny):
        if isinstance(n, vv.VbError):
            return n
    try:
        return {"+": lambda: nx + ny, "-": lambda: nx - ny, "*": lambda: nx * ny, "/": lambda: nx / ny,
                "\\": lambda: int(nx) // int(ny), "mod": lambda: int(nx) % int(ny), "^": lambda: nx ** ny}[op]()
    except (ZeroDivisionError, OverflowError):
        return vv.VbError("Division by zero")


def member(target, name: str, line: int):
    if isinstance(target, Unknown):
        return target
    if isinstance(target, Lazy):
        return Lazy(lambda m: _plain_member(target.at(m), name, m), target.why, target.tags, target.lang)
    if hasattr(target, "member"):
        return target.member(name, line)
    return Unknown(f".{name} of a value (line {line})", line)


def _plain_member(value, name: str, m):
    got = value.member(name, 0) if hasattr(value, "member") else None
    return got.at(m) if isinstance(got, Lazy) else got


def call(rt, st, node):
    func, line = node.func, rt.line
    args = [ev(rt, st, a) for a in node.args]
    if isinstance(func, vp.Name):
        low = func.name.lower()
        if low in vv.NUMERIC:
            tag = frozenset({"cnum"})
            out = _lang_lift(lambda lang, x: vv.cnum(low, lang)(x), *args[:1], tags=tag, lang=True) if args else None
            if isinstance(out, Lazy):
                out.origin = line  # a locale problem is where the text becomes a number
            return out
        if low in vv.BUILTINS:
            out = lift(vv.BUILTINS[low], *args)
            if isinstance(out, Lazy):
                out.tags = out.tags | {low}
                if low == "instr" and len(node.args) >= 2 and isinstance(node.args[-1], vp.Lit) and \
                        isinstance(node.args[-1].value, str):  # InStr(caption, "2003"): a test for 2003
                    meant = value_meaning(node.args[-1].value, out.tags)
                    if meant is not None:
                        found = out
                        out.probes = tuple(out.probes) + (Probe(f'InStr "{node.args[-1].value}"', meant[0], meant[1],
                                                                lambda m: (vv.to_num(found.at(m)) or 0) > 0),)
            return out
        if low in ("createobject", "getobject") and args and isinstance(args[0], str):
            return obj.create_object(args[0]) if low == "createobject" else obj.get_object(args[0])
        if low in rt.program.procs:
            return call_function(rt, st, func.name, args, line)
        value = st.get(func.name, _MISSING)
        if value is not _MISSING:  # an array or collection indexed: arr(1)
            return lift(lambda arr, i: _index(arr, i), value, *args[:1])
        if low in ("inputbox",):
            return Unknown(f"what the user types (line {line})", line)
        return Unknown(f"{func.name}() (line {line}), outside the script", line)
    if isinstance(func, vp.Member):
        target = ev(rt, st, func.obj)
        if isinstance(target, str) and target == "WScript":
            if func.name.lower() == "createobject" and args and isinstance(args[0], str):
                return obj.create_object(args[0])
            return None
        unknown = first_unknown(target, *args)
        if unknown is not None:
            return unknown
        if isinstance(target, Lazy):
            return Lazy(lambda m: _plain_call(target.at(m), func.name, args, m), target.why, target.tags, target.lang)
        if hasattr(target, "call"):
            if any(isinstance(a, Lazy) for a in args) and not getattr(target, "per_computer_args", False):
                return Unknown(f".{func.name}() with arguments that differ between computers (line {line})", line)
            return target.call(func.name, args, line)
        return Unknown(f"{_text(func)}() (line {line})", line)
    target = ev(rt, st, func)  # something(x)(y): a collection's default member, or Split(v, ".")(0)
    if hasattr(target, "call"):
        return target.call("", args, line)
    if isinstance(target, tuple) or (isinstance(target, Lazy) and args and not isinstance(first_unknown(*args), Unknown)):
        return lift(lambda arr, i: _index(arr, i), target, *args[:1])
    return Unknown(f"{_text(node)} (line {line})", line)


def _plain_call(value, name, args, m):
    got = value.call(name, args, 0) if hasattr(value, "call") else None
    return got.at(m) if isinstance(got, Lazy) else got


def _index(arr, i):
    n = vv.to_num(i)
    if isinstance(arr, tuple) and isinstance(n, (int, float)) and 0 <= int(n) < len(arr):
        return arr[int(n)]
    return vv.VbError("Subscript out of range")


def call_function(rt, st, name: str, args: list, line: int):
    """A user Function in an expression: its body runs on this state's computers; the result is
    what it returned on each of them."""
    sub = sr.Runner(rt.program, list(st.envs), lambda envs: dict(st.globals), evaluate_test, describe_test)
    sub.intents = []
    sub.line = line
    sub.line_of = rt.line_of
    sub_state = sub.pending[0]
    pc, params, _kind = rt.program.procs[name.lower()]
    sub_state.vars = {p.lower(): (args[n] if n < len(args) else None) for n, p in enumerate(params)}
    sub_state.vars[name.lower()] = None
    sub_state.pc = pc
    sub_state.regions = []
    sub.function = name.lower()
    sub.results = {}
    sub.run()
    values = sub.results
    rt.lang_sensitive |= sub.lang_sensitive
    firsts = list(values.values())
    if firsts and all(v is firsts[0] or (isinstance(v, str) and v == firsts[0]) for v in firsts):
        return firsts[0]
    if any(isinstance(v, Unknown) for v in firsts):
        return next(v for v in firsts if isinstance(v, Unknown))
    return Lazy(lambda m: (lambda v: v.at(m) if isinstance(v, Lazy) else v)(values.get(m.idx)),
                lambda m: f"{name}() returns {vv.to_str((lambda v: v.at(m) if isinstance(v, Lazy) else v)(values.get(m.idx)))!r}"
                          f" there (line {line})", frozenset({"function"}))


# --- statements ------------------------------------------------------------------------------
class Exec:
    def __init__(self, stmt) -> None:
        self.stmt = stmt

    def execute(self, rt, st) -> None:
        s = self.stmt
        rt.line = s.line
        if isinstance(s, vp.Assign):
            value = ev(rt, st, s.value)
            if isinstance(value, vv.VbError) and not st.on_error_resume:
                raise sr.Stop("error", s.line, f"run-time error: {value.message}")
            if isinstance(s.target, vp.Name):
                st.set(s.target.name, value)
                set_origin(st.origins, s.target.name, s.line, tuple(d for r in st.regions for d in r.decisions))
                if isinstance(s.value, vp.Lit) and isinstance(s.value.value, str) and s.value.value:
                    sr.action(st, "set", f"line {s.line}", s.line, f"set {s.target.name}={s.value.value}")
                elif not s.target.name.startswith(("@", "select@")):  # a computed value set under a test
                    sr.action(st, "set", f"line {s.line}", s.line, f"set {s.target.name}={_text(s.value)}")
            return
        if isinstance(s, vp.CallStmt):
            name = _text(s.expr.func if isinstance(s.expr, vp.Call) else s.expr).lower()
            if name in ECHO:
                args = s.expr.args if isinstance(s.expr, vp.Call) else []
                shown = " ".join(a.value if isinstance(a, vp.Lit) and isinstance(a.value, str) else _text(a)
                                 for a in args[:1])
                sr.action(st, "echo", f"line {s.line}", s.line, "echo " + shown)
                return
            value = ev(rt, st, s.expr)
            sr.action(st, "cmd", f"line {s.line}", s.line, s.text)
            del value
            return
        kind = s.kind
        if kind == "resume_next":
            st.on_error_resume = True
        elif kind == "onerror":
            st.on_error_resume = False
        elif kind == "unsupported":
            rt.notes.append((s.line, f"not evaluated from line {s.line}: `{s.text}` (loops and With blocks are "
                                     "skipped)"))


class SubCall:
    def __init__(self, stmt, name: str, args: list) -> None:
        self.stmt, self.name, self.args = stmt, name, args

    def call(self, rt, st) -> None:
        rt.line = self.stmt.line
        sr.action(st, "call", f"line {self.stmt.line}", self.stmt.line, self.stmt.text)
        rt.enter(st, self.name, [ev(rt, st, a) for a in self.args], self.stmt.line)


class Test:
    def __init__(self, expr, text: str, subject=None, cases=None) -> None:
        self.expr, self.text, self.subject, self.cases = expr, text, subject, cases


def describe_test(test: Test) -> str:
    return test.text


def evaluate_test(rt, st, test: Test):
    rt.intents = []
    if hasattr(test, "decide"):
        return test.decide(rt, st)
    if test.cases is not None:
        parts = []
        for case in test.cases:
            if case[0] == "eq":
                node = vp.BinOp("=", vp.Name(test.subject), case[1])
            elif case[0] == "is":
                node = vp.BinOp(case[1], vp.Name(test.subject), case[2])
            else:
                node = vp.BinOp("and", vp.BinOp(">=", vp.Name(test.subject), case[1]),
                                vp.BinOp("<=", vp.Name(test.subject), case[2]))
            parts.append(ev(rt, st, node))
        value = lift(lambda *vals: _any(vals), *parts) if parts else False
    else:
        value = ev(rt, st, test.expr)
    cond = lift(lambda v: _decide(v, st.on_error_resume), value)
    if isinstance(cond, Lazy):
        cond.intent = rt.intents[0].intent if len(rt.intents) == 1 else None
        cond.order = rt.intents[0].order if len(rt.intents) == 1 and test.cases is None else None
        base = merge_why(value)
        cond.why = lambda m: (f"{base(m)}, so `{test.text}` is " if base else f"`{test.text}` is ") + \
            {True: "true", False: "false", None: "a run-time error"}[cond.at(m)] + f" (line {rt.line_of(test)})"
    return cond


def _any(vals):
    for v in vals:
        t = vv.truthy(v)
        if isinstance(t, vv.VbError):
            return t
        if t:
            return True
    return False


def _decide(v, resume: bool):
    t = vv.truthy(v)
    if isinstance(t, vv.VbError):
        return True if resume else None  # On Error Resume Next: an error in If enters the Then part
    return bool(t)

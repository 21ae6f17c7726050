"""Tests, jumps and loops of the batch evaluator: ``if`` (cmd's comparison rules, errorlevel
as "N or higher", exist, defined), ``&&``/``||``, ``goto`` (also computed targets), ``call``,
``exit``, and ``for`` (``/f`` over command output, strings and files; lists; ``/l``).
"""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval import batch_text as bt
from sbskit.core.osver.scripteval.batch_exec import action, expand, lookup
from sbskit.core.osver.scripteval.batch_state import Frame, Stop
from sbskit.core.osver.scripteval.batch_state import old_shell as _old_shell
from sbskit.core.osver.scripteval.runtime import RunLimits
from sbskit.core.osver.scripteval.values import Lazy, Unknown, Value, lift, merge_why

def test_text(ins) -> str:
    node = ins.node
    if ins.op == "andor":
        return f"{_left_text(node.left)} {node.op}"
    return _compare_head(node) if node.kind == "compare" else _if_head(node)


def _left_text(node) -> str:
    return getattr(node, "text", "the command")


def _if_head(node: bp.If) -> str:
    arg = bp.word_text(node.args[0]) if node.args else ""
    return f"if {'not ' if node.negate else ''}{node.kind} {arg}"


def _compare_head(node: bp.If) -> str:
    left, op, right = bp.word_text(node.args[0]), node.args[1], bp.word_text(node.args[2])
    return f"if {'/i ' if node.ignore_case else ''}{'not ' if node.negate else ''}{left} {op} {right}"


def _explain(cond: Lazy, operands: tuple, head: str, line: int, verb=("is true", "is false")) -> Lazy:
    base = merge_why(*operands)

    def why(m) -> str:
        answer = cond.at(m)
        said = verb[0] if answer else verb[1] if answer is not None else "is a syntax error"
        tail = f"so `{head}` {said} (line {line})"
        return f"{base(m)}, {tail}" if base else tail

    cond.why = why
    return cond


def condition(run, st, ins) -> Value:
    node = ins.node
    if ins.op == "andor":
        _old_shell(st, ins.line, "&& or ||")
        ok = st.last_ok
        want = node.op == "&&"
        cond = lift(lambda v: bool(v) == want, ok)
        if isinstance(cond, Lazy):
            return _explain(cond, (st.errorlevel,), test_text(ins), ins.line, ("runs what follows", "skips what follows"))
        return cond
    if node.ignore_case:
        _old_shell(st, ins.line, "if /i")
    kind = node.kind
    if kind == "compare":
        left, op, right, lq, rq = node.args
        if op != "==":
            _old_shell(st, ins.line, f"{op} comparisons")
        a, b = expand(st, left), expand(st, right)
        memo_key = ("cmp", op, lq, rq, node.ignore_case, node.negate, a if isinstance(a, str) else id(a),
                    b if isinstance(b, str) else id(b))
        cached = run.memo.get(memo_key)
        if cached is not None and cached[1] is a and cached[2] is b:
            return cached[0]

        def test(x: str, y: str):
            if (not lq and (x == "" or re.search(r"\s", x))) or (not rq and (y == "" or re.search(r"\s", y))):
                return None
            r = bt.cmd_compare(x, op, y, node.ignore_case)
            return (not r) if node.negate else r

        cond = lift(test, a, b)
        if isinstance(cond, Lazy):
            _compare_probe(cond, a, op, b, node.ignore_case)
            if op not in ("==", "EQU", "NEQ"):
                cond.tags = cond.tags | {"compare-order"}
                cond.intent = _intent(a, op, b, node.negate)
                cond.order = ORDER_FLIP[ORDER[op]] if node.negate else ORDER[op]
            cond = _explain(cond, (a, b), _compare_head(node), ins.line)
            run.memo[memo_key] = (cond, a, b)  # the same test on the same values: reuse the answers
        return cond
    arg = expand(st, node.args[0]) if node.args else ""
    if kind == "cmdextversion":
        _old_shell(st, ins.line, "if cmdextversion")
        return not node.negate
    if kind == "errorlevel":
        if not isinstance(arg, str) or bt.cmd_number(arg) is None:
            raise Stop("not-evaluated", ins.line, f"cannot read '{node.text}'")
        level = bt.cmd_number(arg)
        el = st.errorlevel
        cond = lift(lambda e: (_num(e) >= level) != node.negate, el)
        if isinstance(cond, Lazy):
            cond.tags = cond.tags | {"errorlevel-ge"} | ({"errorlevel-0"} if level <= 0 and not node.negate else set())
            return _explain(cond, (el,), _if_head(node), ins.line)
        return cond
    if kind == "defined":
        _old_shell(st, ins.line, "if defined")
        if not isinstance(arg, str):
            raise Stop("not-evaluated", ins.line, "'if defined' of a variable whose name differs between computers")
        value = lookup(st, arg, live=True)
        cond = lift(lambda s: (s != "") != node.negate, value)
        if isinstance(cond, Lazy):
            return _explain(cond, (value,), _if_head(node), ins.line)
        return cond
    # exist
    if isinstance(arg, Unknown):
        return arg
    if isinstance(arg, Lazy) and all(m.file_exists(arg.at(m).strip('"')) is not None for m in st.envs):
        where = arg  # %SystemRoot%\system32\systeminfo.exe: a known system file, on each computer its own path

        def exists(m) -> bool:
            return bool(m.file_exists(where.at(m).strip('"'))) != node.negate

        cond = Lazy(exists, None, frozenset({"file-exists"}))
        cond.why = lambda m: (f"{where.at(m).strip(chr(34))} {'exists' if m.file_exists(where.at(m).strip(chr(34))) else 'does not exist'}"
                              f" there (line {ins.line})")
        return cond
    if not isinstance(arg, str):
        return Unknown(f"whether a file whose name differs between computers exists ({bp.word_text(node.args[0])})",
                       ins.line)
    path = arg.strip('"')
    if path.lower() in st.fs:
        return not node.negate
    known = [m.file_exists(path) for m in st.envs[:1]]
    if known[0] is None:
        return Unknown(f"whether {path} exists on the computer or network", ins.line)
    cond = Lazy(lambda m: bool(m.file_exists(path)) != node.negate,
                None, frozenset({"file-exists"}))
    cond.why = lambda m: f"{path} {'exists' if m.file_exists(path) else 'does not exist'} there (line {ins.line})"
    return cond


def _compare_probe(cond: Lazy, a, op: str, b, icase: bool) -> None:
    """``if "%V%"=="6.1"`` is a test for 6.1; ``if %BUILD% GEQ 9200`` one for 9200 and later."""
    from sbskit.core.osver.scripteval.intent import Probe, order_meaning, value_meaning

    if isinstance(a, str) and isinstance(b, Lazy):
        literal, var, flip = a, b, True
    elif isinstance(b, str) and isinstance(a, Lazy):
        literal, var, flip = b, a, False
    else:
        return
    text = literal.strip('"')
    if op in ("==", "EQU", "NEQ"):
        meant = value_meaning(text, var.tags)
    else:
        order = ORDER[op]
        meant = order_meaning(ORDER_FLIP[ORDER_FLIP[order]] if not flip else
                              {"ge": "le", "gt": "lt", "le": "ge", "lt": "gt"}[order], text)
    if meant is None:
        return
    if op == "NEQ":
        shown = "EQU"
    else:
        shown = op

    def actual(m) -> bool:
        x, y = (literal, var.at(m)) if flip else (var.at(m), literal)
        return bt.cmd_compare(str(x), shown, str(y), icase)

    cond.probes = cond.probes + (Probe(f'{op} {literal}', meant[0], meant[1], actual),)


VERSIONISH = re.compile(r"\d+(\.\d+)*")
ORDER = {"GEQ": "ge", "GTR": "gt", "LEQ": "le", "LSS": "lt"}
ORDER_FLIP = {"ge": "lt", "gt": "le", "le": "gt", "lt": "ge"}


def _intent(a: Value, op: str, b: Value, negate: bool):
    """For an ordering test: (what cmd answers, what comparing the numbers answers), when both
    sides are version-like and cmd compares them as text; else None."""
    def at(v, m):
        return v.at(m) if isinstance(v, Lazy) else v

    def intent(m):
        x, y = str(at(a, m)).replace("\r", ""), str(at(b, m)).replace("\r", "")
        xs, ys = x.strip('"'), y.strip('"')
        if not (VERSIONISH.fullmatch(xs) and VERSIONISH.fullmatch(ys)):
            return None
        if bt.cmd_number(x) is not None and bt.cmd_number(y) is not None:
            return None  # compared as numbers already
        actual = bt.cmd_compare(x, op, y, False)
        tx, ty = tuple(int(p) for p in xs.split(".")), tuple(int(p) for p in ys.split("."))
        meant = bt.OPS[op]((tx > ty) - (tx < ty))
        return ((not actual) if negate else actual, (not meant) if negate else meant)
    return intent


def _num(text: str) -> int:
    value = bt.cmd_number(str(text).strip())
    return value if value is not None else 0


CALLER_WHY = "is not set by the script itself"


def unknown_test(run, st, ins, unknown: Unknown) -> None:
    """A test the script cannot answer by itself: skip what it guards when that changes nothing
    the script later reads; otherwise follow both ways (each way records its assumption)."""
    head = test_text(ins)
    if not ins.effects:
        if st.errorlevel is not None:
            st.errorlevel = Unknown(f"the result of what `{head}` (line {ins.line}) guards", ins.line)
        run.take(st, ins, False, None)
        return
    # a variable only the caller sets: the script run on its own (the usual case for a logon script) is
    # one of the two ways and keeps its proofs, so follow both instead of blurring what the test guards
    targets = None if CALLER_WHY in unknown.why else _merge_targets(ins, run.program.ctx)
    if targets is not None:  # it only sets variables: they become unknown, no need to follow both ways
        from sbskit.core.osver.scripteval.batch_exec import set_var

        for name in targets:
            set_var(st, name, Unknown(f"%{name}%, which `{head}` (line {ins.line}) may set ({unknown.why})", ins.line))
        st.errorlevel = Unknown(f"the result of what `{head}` (line {ins.line}) guards", ins.line)
        st.last_ok = st.errorlevel
        st.pc = ins.a if ins.op == "andor" else ins.b
        return
    if run.forks >= RunLimits.max_unknown_forks:
        raise Stop("not-evaluated", ins.line, f"`{head}` depends on {unknown.why}, and the script has too many such tests")
    run.forks += 1
    run.notes.append((ins.line, f"not evaluated from line {ins.line}: `{head}` depends on {unknown.why}; "
                                "both ways are followed"))
    child = st.clone(list(st.envs))
    child.assumptions = st.assumptions + ((ins.line, f"assuming `{head}` is true ({unknown.why})"),)
    st.assumptions = st.assumptions + ((ins.line, f"assuming `{head}` is false ({unknown.why})"),)
    from sbskit.core.osver.scripteval.runtime import Decision

    for state, answer in ((child, True), (st, False)):
        cond = Lazy(lambda m, a=answer: a, lambda m, a=answer: f"assuming `{head}` is {'true' if a else 'false'} "
                                                                 f"({unknown.why})")
        run.take(state, ins, answer, Decision(ins.line, head, cond, answer, assumed=True))
    run.pending.append(child)


def _merge_targets(ins, ctx: dict) -> list[str] | None:
    """The variables the guarded commands set, when setting variables is all they do that the script
    can notice later (no goto, call, exit, setlocal, no file it reads back); else None."""
    node = ins.node
    bodies = [node.right] if ins.op == "andor" else [node.then, node.otherwise]
    stack = [b for b in bodies if b is not None]
    read = ctx.get("read", set())
    while stack:
        n = stack.pop()
        if isinstance(n, bp.Simple):
            if n.name in ("goto", "call", "exit", "setlocal", "endlocal", "shift") or not n.name:
                return None
            for r in n.redirects:
                if r.op in (">", ">>") and (bp.literal(r.target) or "?").strip('"').lower() in read | {"?"}:
                    return None
        for attr in ("items", "commands"):
            stack.extend(getattr(n, attr, None) or [])
        for attr in ("left", "right", "then", "otherwise", "body"):
            child = getattr(n, attr, None)
            if child is not None:
                stack.append(child)
    targets = []
    for b in bodies:
        if b is not None:
            targets += [t for t in _set_targets(b) if t not in targets]
    return targets


# --- goto / call / exit --------------------------------------------------------------------
def _target(run, st, node, line: int) -> str:
    word = node.args[0] if node.args else (("lit", ""),)
    if st.resume is not None:
        (value, payload), st.resume = st.resume, None
        st.dynamic_goto = _goto_decision(payload, line, node, value, st)
        return value
    value = expand(st, word)
    if isinstance(value, Unknown):
        raise Stop("not-evaluated", line, f"the target of '{node.text}' depends on {value.why}")
    if isinstance(value, Lazy):
        norm = lift(lambda s: s.strip().split()[0] if s.strip() else "", value)
        if not isinstance(norm, Lazy):
            return norm
        base = value.why
        norm.why = lambda m: (f"{base(m)}, so `{node.text}` jumps to :{norm.at(m).lstrip(':')}" if base
                              else f"`{node.text}` jumps to :{norm.at(m).lstrip(':')}") + f" (line {line})"
        target = run.fork(st, norm)
        st.dynamic_goto = _goto_decision(norm, line, node, target, st)
        return target
    return value.strip().split()[0] if value.strip() else ""


def _goto_decision(cond, line, node, target, st):
    from sbskit.core.osver.scripteval.runtime import Decision

    dec = Decision(line, node.text, cond, target)
    st.trail = st.trail[-7:] + (dec,)
    return dec


def control(run, st, node, name: str):
    line = node.line
    if name == "goto":
        target = _target(run, st, node, line)
        if target.lower() == ":eof":
            _old_shell(st, line, "goto :eof")
            action(st, "exit", f"line {line}", line, "goto :eof", at_line=line)
            run.leave(st, line)
            return None
        label = target.lstrip(":").lower()
        label_line = run.program.label_lines.get(label, line)
        dynamic = getattr(st, "dynamic_goto", None)
        if dynamic is not None:
            st.dynamic_goto = None
            from sbskit.core.osver.scripteval.runtime import Hit
            st.hits.append(Hit(":" + label, "label", label_line, "condition", (dynamic,), f"goto {target}", line))
            st.chain = []
        else:
            action(st, "label", ":" + label, label_line, f"goto {target}", at_line=line, jumped=True)
        run.goto(st, label, line)
        return None
    if name == "call":
        word = node.args[0] if node.args else (("lit", ""),)
        first = expand(st, word)
        if isinstance(first, str) and first.startswith(":"):
            _old_shell(st, line, "call :label")
            label = first[1:].lower()
            target = run.program.find_label(label, st.pc)
            if target is None:
                raise Stop("error", line, f"cmd stops: the label :{label} does not exist")
            key = ":" + label if len(node.args) <= 1 else f"line {line}"  # call :sub WORDS: the words tell the branch
            action(st, "call", key, run.program.label_lines.get(label, line) if len(node.args) <= 1 else line,
                   node.text, at_line=line)
            args = [first] + [expand(st, w) for w in node.args[1:]]
            st.frames.append(Frame(st.pc + 1, st.args, st.snap, st.snap_el, st.loops, st.regions, len(st.locals)))
            st.args = args
            st.loops = list(st.loops)
            st.regions = list(st.regions)
            st.pc = target
            return None
        rest = bp.word_text(node.rest)
        action(st, "call", f"line {line}", line, node.text, at_line=line)
        st.external = (line, rest.split()[0] if rest.split() else "another script")
        st.errorlevel = Unknown(f"the exit code of {st.external[1]} (line {line})", line)
        st.last_ok = st.errorlevel
        st.pc += 1
        return None
    # exit
    args = [bp.word_text(w).lower() for w in node.args]
    code = next((a for a in args if re.fullmatch(r"-?\d+", a)), None)
    action(st, "exit", f"line {line}", line, node.text, at_line=line)
    if code is not None:
        st.errorlevel = code
    if "/b" in args:
        run.leave(st, line)
        return None
    raise Stop("end", line, "exit")


from sbskit.core.osver.scripteval.batch_for import _set_targets, for_init, for_next  # noqa: E402,F401 - runner API

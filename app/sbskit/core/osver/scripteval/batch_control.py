"""Tests, jumps and loops of the batch evaluator: ``if`` (cmd's comparison rules, errorlevel
as "N or higher", exist, defined), ``&&``/``||``, ``goto`` (also computed targets), ``call``,
``exit``, and ``for`` (``/f`` over command output, strings and files; lists; ``/l``).
"""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval import batch_text as bt
from sbskit.core.osver.scripteval import batch_tools as tools
from sbskit.core.osver.scripteval.batch_exec import action, expand, lookup, read_file, run_command, settle
from sbskit.core.osver.scripteval.batch_state import Frame, Loop, Stop
from sbskit.core.osver.scripteval.runtime import RunLimits
from sbskit.core.osver.scripteval.values import Lazy, Unknown, Value, lift, merge_why

COMMAND_COM = "Windows 9x runs batch files with command.com, which has no {what}"


def _old_shell(st, line: int, what: str) -> None:
    if st.dialect == "command.com":
        raise Stop("not-evaluated", line, COMMAND_COM.format(what=what))


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


def unknown_test(run, st, ins, unknown: Unknown) -> None:
    """A test the script cannot answer by itself: skip what it guards when that changes nothing
    the script later reads; otherwise follow both ways (each way records its assumption)."""
    head = test_text(ins)
    if not ins.effects:
        if st.errorlevel is not None:
            st.errorlevel = Unknown(f"the result of what `{head}` (line {ins.line}) guards", ins.line)
        run.take(st, ins, False, None)
        return
    targets = _merge_targets(ins, run.program.ctx)
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


# --- for -------------------------------------------------------------------------------------
def _items(text: str) -> tuple:
    out, buf, quote = [], [], False
    for ch in text:
        if ch == '"':
            quote = not quote
            buf.append(ch)
        elif ch in " \t,;=" and not quote:
            if buf:
                out.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
    if buf:
        out.append("".join(buf))
    return tuple((item,) for item in out)


def for_init(run, st, ins) -> None:
    node = ins.node
    line = ins.line
    phrase, tags = None, frozenset()
    if st.resume is not None:
        (count, payload), st.resume = st.resume, None
        its, phrase, tags, letters, lang = payload
        _note_fork(st, ins, its)
        if count == 0 and its.counted is not None:
            _taint(st, ins, its.counted)
        _push_loop(st, ins, its, count, phrase, tags, letters, lang)
        return
    if node.mode in ("f", "l", "dir"):
        _old_shell(st, line, "for /f, for /l, for /d or for /r")
    if node.mode == "f":
        opts = bt.parse_for_options(_options(st, node, line))
        stream = _for_source(run, st, node, opts, line)
        its = lift(lambda lines: bt.for_iterations(lines, opts), stream.lines)
        phrase, tags = stream.phrase, stream.tags | (stream.lines.tags if isinstance(stream.lines, Lazy) else frozenset())
        letters = _letters(node.letter, len(opts.tokens) + (1 if opts.rest else 0))
    elif node.mode == "list":
        value = expand(st, bp.parse_word(node.source))
        its = lift(_items, value)
        if isinstance(its, tuple) and any(re.search(r"[*?]", i[0]) for i in its):
            its = Unknown(f"the files matching {node.source.strip()}", line)
        letters = (node.letter,)
    elif node.mode == "l":
        nums = [bt.cmd_number(x.strip()) for x in node.source.split(",")]
        if len(nums) != 3 or None in nums or nums[1] == 0:
            raise Stop("not-evaluated", line, f"cannot read '{node.text}'")
        start, step, end = nums
        its = tuple((str(i),) for i in range(start, end + (1 if step > 0 else -1), step))[:1000]
        letters = (node.letter,)
    else:
        its = Unknown(f"the files and folders '{node.text}' walks", line)
        letters = (node.letter,)
    if isinstance(its, Unknown):
        _push_loop(st, ins, its, 1, phrase, tags, letters)
        return
    if isinstance(its, Lazy):
        counted = lift(len, its)
        count = counted
        if isinstance(counted, Lazy):
            src = phrase
            counted.why = lambda m: (f"for (line {line}) finds {counted.at(m)} line(s) with tokens in "
                                     f"{src(m) if src else 'its input'}")
            its.counted = counted
            count = run.fork(st, counted, payload=(its, phrase, tags | its.tags, letters, its.lang))
            _note_fork(st, ins, its)
            if count == 0:
                _taint(st, ins, counted)
        _push_loop(st, ins, its, count, phrase, tags | its.tags, letters, its.lang)
        return
    _push_loop(st, ins, its, len(its), phrase, tags, letters)


def _options(st, node, line: int) -> str:
    """The for /f options: written out, or from a variable (``for /f %OPTS% %%i in ...``)."""
    if node.options_word is None:
        return node.options
    value = settle(st, expand(st, node.options_word))
    if not isinstance(value, str):
        raise Stop("not-evaluated", line, f"the options of '{node.text}' differ between computers")
    return value.strip().strip('"')


def _for_source(run, st, node, opts, line: int) -> tools.Stream:
    """What for /f reads: a command's output, a literal string or a file. The kind is decided by the
    quotes cmd sees after expanding the line, so ``in (%VERSTRING%)`` holding "..." is a string."""
    if node.source_parsed is not None:
        return _capture(run, st, node.source_parsed)
    src = node.source.strip()
    literal_q, command_q = ("'", "`") if opts.usebackq else ('"', "'")
    if src[:1] == literal_q and src[-1:] == literal_q and len(src) > 1:
        return _fixed_text(expand(st, bp.parse_word(src[1:-1])), line)
    if "%" in src or "!" in src:
        value = settle(st, expand(st, bp.parse_word(src)))
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 1 and value[0] == literal_q and value[-1] == literal_q:
                return _fixed_text(value[1:-1], line)
            if len(value) > 1 and value[0] == command_q and value[-1] == command_q:
                sub = bp.Parser(bp.unescape_carets(value[1:-1]))
                sub.line_starts = [0]
                try:
                    parsed = sub.parse_seq(0)
                except bp.ParseError:
                    return tools.Stream(Unknown(f"the command in '{node.text}'", line))
                bp._relabel(parsed, line)
                return _capture(run, st, parsed)
        return read_file(st, value, line, src)
    return read_file(st, src, line)


OS_TEXT = re.compile(r"(?i)\[version |microsoft windows|\b\d{1,2}\.\d{1,2}\.\d{3,5}\b")


def _fixed_text(value, line: int) -> tools.Stream:
    """for /f over a string: when it reads like ver's output ("Microsoft Windows [Version 6.1.7601]"),
    the script parses a text written into it instead of asking the computer - the same answer
    everywhere, which its tests then treat as the computer's. Kept as a value of every computer so
    those tests are decisions whose proof says where the text came from."""
    if not isinstance(value, str) or not OS_TEXT.search(value):
        return tools.text_stream(value)
    text = value
    fixed = Lazy(lambda m: (text,), lambda m: f'the text "{text}" written into the script (line {line}), the same on '
                 "every computer", frozenset({"fixed-text"}))
    fixed.origin = line
    return tools.Stream(fixed, fixed.why, tags=frozenset({"fixed-text"}))


def _note_fork(st, ins, its) -> None:
    """Remember that the loop ran a different number of times on these computers (for proofs)."""
    from sbskit.core.osver.scripteval.runtime import Decision

    counted = getattr(its, "counted", None)
    if counted is not None:
        st.trail = st.trail[-7:] + (Decision(ins.line, f"for (line {ins.line})", counted, counted.at(st.envs[0])),)


def _taint(st, ins, counted: Lazy) -> None:
    """The loop body never ran on these computers: the variables it would have set stay empty,
    and that emptiness is computer-dependent (so later tests on them are proofs, not constants)."""
    from sbskit.core.osver.scripteval.batch_exec import set_var

    for name in _set_targets(ins.node.body):
        if lookup(st, name, live=True) == "":
            set_var(st, name, Lazy(lambda m: "", lambda m: counted.why(m), counted.tags, counted.lang))


def _set_targets(node) -> list[str]:
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if isinstance(n, bp.Simple) and n.name == "set":
            text = bp.word_text(n.rest).strip()
            text = re.sub(r"(?i)^/[ap]\s*", "", text).strip('"')
            if "=" in text:
                out.append(text.split("=", 1)[0].strip())
        for attr in ("items", "commands"):
            stack.extend(getattr(n, attr, None) or [])
        for attr in ("left", "right", "then", "otherwise", "body"):
            stack.append(getattr(n, attr, None))
    return out


def _show(text: str) -> str:
    """A value as the proofs print it: a stray carriage return is made visible."""
    return "<CR>" if text == "\r" else text.replace("\r", "<CR>")


def _letters(first: str, n: int) -> tuple:
    return tuple(chr(ord(first) + i) for i in range(max(n, 1)))


def _push_loop(st, ins, its, count, phrase, tags, letters=None, lang=False) -> None:
    letters = letters or (ins.node.letter,)
    st.loops.append(Loop(st.pc, its, count, 0, letters, st.depth, phrase, tags, lang))
    st.pc += 1


def _capture(run, st, node) -> tools.Stream:
    """Output of the command in for /f ('...'), without running it as a branch."""
    commands = node.commands if isinstance(node, bp.Pipe) else [node]
    stream = None
    for cmd in commands:
        if not isinstance(cmd, bp.Simple) or cmd.name in ("goto", "call", "exit", "set"):
            return tools.Stream(Unknown("a for /f command that is not a simple pipe", cmd.line))
        if cmd.name not in ("ver", "systeminfo", "wmic", "wmic.exe", "reg", "reg.exe", "find", "findstr", "echo",
                            "type", "more", "sort", "find.exe", "findstr.exe"):
            return tools.Stream(Unknown(f"the output of {cmd.text} (line {cmd.line}), a program outside the script",
                                        cmd.line))
        result = run_command(run, st, cmd, stream, piped=True)
        stream = result.out
    return stream


def for_next(run, st, ins) -> None:
    lp = st.loops[-1] if st.loops else None
    if lp is None or lp.init_pc != st.pc - 1:
        st.pc = ins.a
        return
    if lp.i >= lp.count:
        st.loops.pop()
        st.pc = ins.a
        return
    i = lp.i
    lp.i += 1
    for k, letter in enumerate(lp.letters):
        st.forvars[letter] = _element(lp, i, k, letter, ins.line)
    st.pc += 1


def _element(lp: Loop, i: int, k: int, letter: str, line: int) -> Value:
    its = lp.its
    if isinstance(its, Unknown):
        return its
    if isinstance(its, tuple):
        row = its[i] if i < len(its) else ()
        return row[k] if k < len(row) else ""

    def get(m) -> str:
        rows = its.at(m)
        row = rows[i] if i < len(rows) else ()
        return row[k] if k < len(row) else ""

    phrase = lp.why
    letters = lp.letters

    def why(m) -> str:
        src = phrase(m) if phrase else "its input"
        rows = its.at(m)
        row = rows[i] if i < len(rows) else ()
        took = " ".join(f'%%{ch}="{_show(row[n] if n < len(row) else "")}"' for n, ch in enumerate(letters))
        return f"for (line {line}) takes {took} from {src}"

    out = Lazy(get, why, lp.tags | {"tokens"}, lp.lang)
    out.origin = line
    return out

"""``for`` in the batch evaluator: ``/f`` over command output, strings (a fixed ver-like text is
kept as the same answer on every computer) and files, options from a variable, lists and ``/l``.
A loop whose number of runs differs between computers splits them like a test."""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval import batch_text as bt
from sbskit.core.osver.scripteval import batch_tools as tools
from sbskit.core.osver.scripteval.batch_cmd import run_command
from sbskit.core.osver.scripteval.batch_exec import expand, lookup, read_file, settle
from sbskit.core.osver.scripteval.batch_state import Loop, Stop
from sbskit.core.osver.scripteval.batch_state import old_shell as _old_shell
from sbskit.core.osver.scripteval.values import Lazy, Unknown, Value, lift


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

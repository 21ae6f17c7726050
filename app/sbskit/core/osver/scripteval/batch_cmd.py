"""The batch evaluator's commands themselves: pipes, redirections, echo, the filters (find,
findstr, type, sort) and the simulated tools, on top of the expansion and state helpers of
:mod:`batch_exec` and the set command of :mod:`batch_set`."""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval import batch_tools as tools
from sbskit.core.osver.scripteval.batch_exec import action, expand, file_key, plain_args, read_file, settle
from sbskit.core.osver.scripteval.batch_set import set_command
from sbskit.core.osver.scripteval.batch_state import COMMAND_LINE, Stop
from sbskit.core.osver.scripteval.values import Lazy, Unknown, lift

HOUSEKEEPING = {"rem", "cls", "title", "color", "pause", "prompt", "chcp", "mode", "cd", "chdir", "pushd", "popd",
                "verify", "break", "setlocal", "endlocal", "shift", "ver", ""}
FILTERS = {"find", "findstr", "more", "sort", "type"}
# Internal commands that leave ERRORLEVEL as it was when they succeed, so `ver | find "x"`, then
# `rem ...` or `echo ...`, then `if errorlevel 1` still tests find's answer. set/path/prompt/assoc/
# ftype/dpath clear it to 0 only in a .cmd file; in a .bat file they leave it too.
KEEP_ERRORLEVEL = {"rem", "echo", "cls", "title", "pause", "popd", "shift", "break", "endlocal", "start", "del",
                   "erase", "rd", "rmdir", "goto"}
KEEP_ERRORLEVEL_BAT = {"set", "path", "prompt", "assoc", "ftype", "dpath"}

# --- commands ------------------------------------------------------------------------------
def exec_node(run, st, node) -> None:
    line = node.line
    if isinstance(node, bp.Pipe):
        stream = None
        result = None
        for cmd in node.commands:
            result = run_command(run, st, cmd, stream, piped=True)
            if result is None:
                return
            stream = result.out
        last = node.commands[-1]
        finish_output(st, last, result, line)
        if isinstance(last, bp.Simple) and last.name not in FILTERS | {"ver", "echo"}:
            action(st, "cmd", f"line {line}", line, node.text, at_line=line)
        st.pc += 1
        return
    result = run_command(run, st, node, None, piped=False)
    if result is not None:
        kept = (st.errorlevel, st.last_ok) if keeps_errorlevel(st, node) else None
        finish_output(st, node, result, line)
        if kept is not None:
            st.errorlevel, st.last_ok = kept
        st.pc += 1


def keeps_errorlevel(st, node) -> bool:
    name = node.name if isinstance(node, bp.Simple) else None
    if name is None:
        return False
    if name == "set" and bp.word_text(node.rest).lstrip().lower().startswith(("/a", "/p")):
        return False  # set /a and set /p report their own failures
    return name in KEEP_ERRORLEVEL or (name in KEEP_ERRORLEVEL_BAT and not st.cmd_file)


def finish_output(st, node, result, line: int) -> None:
    st.errorlevel = result.errorlevel
    st.last_ok = lift(lambda c: c == "0", result.errorlevel)
    if not isinstance(node, bp.Simple):
        return
    for r in node.redirects:
        if r.op in (">", ">>"):
            target = settle(st, expand(st, r.target))
            if not isinstance(target, str):
                st.fs[file_key(bp.word_text(r.target))] = result.out
                continue
            if isinstance(target, str):
                path = target.strip('"').lower()
                if path in ("nul", "con", ""):
                    continue
                if r.op == ">>" and path in st.fs:
                    old = st.fs[path]
                    st.fs[path] = tools.Stream(lift(lambda a, b: a + b, old.lines, result.out.lines), old.phrase,
                                               old.focus, old.tags | result.out.tags)
                else:
                    st.fs[path] = result.out


def run_command(run, st, node, stdin, piped: bool):
    """Run one command; returns a tools.Result, or None when it moved the state itself."""
    line = node.line
    if not isinstance(node, bp.Simple):
        raise Stop("not-evaluated", line, "a block or test inside a pipe")
    name = node.name
    if not name and node.name_word:
        return _external(run, st, node, f"a command named by a variable ({bp.word_text(node.name_word)})")
    if name in ("goto", "call", "exit"):
        return run.control(run, st, node, name)
    if name == "echo":
        return echo(st, node, piped or any(r.op in (">", ">>") for r in node.redirects))
    if name == "set":
        set_command(run, st, node)
        return tools.const_result()
    if name == "setlocal":
        st.locals.append((st.vars, st.delayed))
        st.vars = dict(st.vars)
        rest = (bp.literal(node.rest) or "").lower()
        if "enabledelayedexpansion" in rest:
            st.delayed = True
        elif "disabledelayedexpansion" in rest:
            st.delayed = False
        return tools.const_result()
    if name == "endlocal":
        if st.locals:
            st.vars, st.delayed = st.locals.pop()
        return tools.const_result()
    if name == "shift":
        if len(st.args) > 2 or st.args[-1] is not COMMAND_LINE:
            st.args = st.args[:1] + st.args[2:]
        return tools.const_result()
    if name == "ver":
        return _tag(tools.ver(), line)
    if name == "systeminfo":
        return _tag(tools.systeminfo(), line)
    if name in ("wmic", "wmic.exe"):
        words = [bp.word_text(w).lower() for w in node.args]
        if not ({"os", "win32_operatingsystem"} & set(words)):
            return _external(run, st, node, node.text)  # only the OS class is simulated; the rest is outside
        return _tag(tools.wmic(plain_args(st, node, line), line), line)
    if name in ("reg", "reg.exe"):
        first = (bp.literal(node.args[0]) or "").lower() if node.args else ""
        if first == "query":
            args = plain_args(st, node, line)
            return _tag(tools.reg_query(args[1:], line), line)
        return _external(run, st, node, "reg " + first)
    if name in ("find", "findstr", "find.exe", "findstr.exe", "type", "more", "sort"):
        return filter_command(st, node, stdin, line)
    if name in HOUSEKEEPING:
        return tools.const_result()
    return _external(run, st, node, node.text)


def _tag(result, line: int):
    """Add the line to the why of a tool's output (proofs name where each fact came from)."""
    tail = f"(line {line})"

    def add(w):
        return lambda m: (lambda text: text if re.search(r"\(line \d+\)$", text) else f"{text} {tail}")(w(m))

    for v in (result.errorlevel, result.out.lines):
        if isinstance(v, Lazy):
            if v.origin is None:
                v.origin = line
            if v.why is not None:
                v.why = add(v.why)
    if result.out.phrase is not None:
        result.out.phrase = add(result.out.phrase)
    return result


def _external(run, st, node, what: str):
    action(st, "cmd", f"line {node.line}", node.line, node.text, at_line=node.line)
    if st.trail or any(r.decisions for r in st.regions):  # reached because of what Windows it is
        from sbskit.core.osver.scripteval.commands import lacking

        first = (bp.literal(node.args[0]) or "").lower() if node.args else ""
        missing = lacking(node.name, first, st.envs)
        if missing:
            st.lacking = st.lacking + ((node.line, node.text, missing),)
    return tools.unknown_result(f"{what} (line {node.line}) is a program outside the script", node.line)


def echo(st, node, captured: bool):
    text = expand(st, node.rest)
    raw = bp.word_text(node.rest)
    if captured:
        if raw.strip() == "":
            value = Lazy(lambda m: tools.data_echo_off(m), lambda m: f'echo prints "{tools.data_echo_off(m)}"',
                         frozenset({"echo-off"}), True)
            return tools.Result(tools.text_stream(value), "0")
        if isinstance(text, (str, Lazy)) and not isinstance(text, str):
            stripped = lift(lambda s: s[1:] if s[:1] in ".:(/" and raw[:1] in ".:(/" else s, text)
            return tools.Result(tools.text_stream(stripped), "0")
        if isinstance(text, Unknown):
            return tools.Result(tools.Stream(text), "0")
        return tools.Result(tools.Stream(((text[1:] if raw[:1] in ".:(/" else text).rstrip(" "),)), "0")
    low = raw.strip().lower()
    if low in ("", "off", "on") or raw[:1] in ".:(/" and not raw[1:].strip():
        return tools.const_result()
    action(st, "echo", f"line {node.line}", node.line, "echo " + raw.lstrip(".:(/"), at_line=node.line)
    return tools.const_result()


def filter_command(st, node, stdin, line: int):
    """find, findstr, type, more, sort. The search strings and options must be the same on every
    computer; a file name may be unknown as long as the script wrote that file itself."""
    name = node.name.replace(".exe", "")
    pairs = [(bp.word_text(w), settle(st, expand(st, w))) for w in node.args]

    def is_option(v) -> bool:
        return isinstance(v, str) and v.startswith("/")

    if name in ("type", "more", "sort"):
        files = [(r, v) for r, v in pairs if not is_option(v)]
        stream = read_file(st, files[0][1], line, files[0][0]) if files else (stdin or tools.Stream(()))
        if name == "sort" and not isinstance(stream.lines, Unknown):
            stream = tools.Stream(lift(lambda lines: tuple(sorted(lines)), stream.lines), stream.phrase, stream.focus,
                                  stream.tags)
        return tools.Result(stream, "0")
    if name == "find":
        needle_at = next((i for i, (_r, v) in enumerate(pairs) if isinstance(v, str) and v.startswith('"')), None)
        files = [p for i, p in enumerate(pairs) if not is_option(p[1]) and i != needle_at]
        args = [v for i, (_r, v) in enumerate(pairs) if is_option(v) or i == needle_at]
    else:
        has_c = any(isinstance(v, str) and re.match(r"(?i)/c:", v) for _r, v in pairs)
        plain = [i for i, (_r, v) in enumerate(pairs) if not is_option(v)]
        file_at = set(plain if has_c else plain[1:])
        files = [pairs[i] for i in sorted(file_at)]
        args = [v for i, (_r, v) in enumerate(pairs) if i not in file_at]
    if not all(isinstance(v, str) for v in args):
        raise Stop("not-evaluated", line, f"the search text of '{node.text}' differs between computers")
    if files:
        stream = read_file(st, files[0][1], line, files[0][0])
        if getattr(stream, "utf16", False) and name == "findstr":
            stream = tools.Stream((), stream.phrase)
    else:
        stream = stdin if stdin is not None else tools.Stream(Unknown("the keyboard (no input given)", line))
    result = tools.find(args, stream, line) if name == "find" else tools.findstr(args, stream, line)
    return result

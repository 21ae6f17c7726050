"""The batch evaluator's commands: variable expansion, tests, loops, set, goto/call and the
tools of :mod:`batch_tools`, each on a state that stands for a group of computers.

A command run under a test whose answer depended on the computer is a *branch*: the label a
``goto``/``call`` reaches, or the ``echo``/``set``/other command itself. When a chain of such
tests all fail, whatever the script does next (the next label it falls into, the default
``goto``, an ``echo``) is the branch those computers take.
"""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval import batch_text as bt
from sbskit.core.osver.scripteval import batch_tools as tools
from sbskit.core.osver.scripteval.batch_state import ARGUMENT_WHY, COMMAND_LINE, Stop
from sbskit.core.osver.scripteval.runtime import Hit, inline_key
from sbskit.core.osver.scripteval.values import Lazy, Unknown, Value, concat, lift

HOUSEKEEPING = {"rem", "cls", "title", "color", "pause", "prompt", "chcp", "mode", "cd", "chdir", "pushd", "popd",
                "verify", "break", "setlocal", "endlocal", "shift", "ver", ""}
FILTERS = {"find", "findstr", "more", "sort", "type"}
MACHINE_VARS = ("OS", "PROCESSOR_ARCHITECTURE", "SystemRoot", "windir", "SystemDrive", "ComSpec", "ProgramFiles(x86)")
CONSTANT_VARS = {"TEMP": "C:\\Users\\user\\AppData\\Local\\Temp", "TMP": "C:\\Users\\user\\AppData\\Local\\Temp",
                 "ProgramFiles": "C:\\Program Files", "HOMEDRIVE": "C:", "CMDEXTVERSION": "2"}
OUTSIDE_VARS = ("USERNAME", "COMPUTERNAME", "USERDOMAIN", "LOGONSERVER", "USERPROFILE", "APPDATA", "HOMEPATH",
                "HOMESHARE", "CLIENTNAME", "SESSIONNAME", "DATE", "TIME", "RANDOM", "CD")


def initial_vars(envs) -> dict:
    """The environment a logon script starts with: release-dependent variables are Lazy."""
    out: dict[str, Value] = {k.lower(): v for k, v in CONSTANT_VARS.items()}
    for name in MACHINE_VARS:
        key = name.lower()
        out[key] = Lazy(lambda m, n=name: m.env().get(n, ""),
                        lambda m, n=name: f'%{n}% is "{m.env().get(n, "")}"' if m.env().get(n) else f"%{n}% is not set",
                        frozenset({f"env:{name.lower()}"}))
    for name in OUTSIDE_VARS:
        out[name.lower()] = Unknown(f"%{name}% depends on the user and the computer, not on Windows", 0)
    return out


# --- expansion -----------------------------------------------------------------------------
def _strip_cr(value: Value) -> Value:
    return lift(lambda s: s.replace("\r", ""), value) if not isinstance(value, str) else value.replace("\r", "")


def lookup(st, name: str, live: bool) -> Value:
    key = name.lower()
    table = st.vars if live else st.snap
    if key in table:
        return table[key]
    if key == "errorlevel":
        if st.dialect == "command.com":
            return ""  # command.com has no %ERRORLEVEL%
        return st.errorlevel if live else st.snap_el
    if st.external is not None:
        return Unknown(f"%{name}% may be set by {st.external[1]}, which the script calls on line {st.external[0]}",
                       st.external[0])
    return ""


def _modify(value: Value, mod: str | None) -> Value:
    if not mod:
        return value
    return lift(lambda s: bt.substring(s, mod), value)


def expand(st, word: bp.Word) -> Value:
    parts = []
    for p in word:
        kind = p[0]
        if kind == "lit":
            parts.append(p[1])
        elif kind == "var":
            if st.dialect == "command.com" and p[2]:
                raise Stop("not-evaluated", 0, "Windows 9x runs batch files with command.com, which has no %var:~a,b%")
            parts.append(_strip_cr(_modify(lookup(st, p[1], live=False), p[2])))
        elif kind == "dvar":
            parts.append(_modify(lookup(st, p[1], live=True), p[2]) if st.delayed else p[3])
        elif kind == "forvar":
            if p[1] in st.forvars:
                value = st.forvars[p[1]]
                parts.append(lift(lambda s: s.strip('"'), value) if "~" in p[2] else value)
            else:
                parts.append("%" + p[1])
        else:  # arg
            parts.append(_argument(st, p[1], p[2]))
    return concat(parts)


def _argument(st, which: str, mods: str) -> Value:
    """%0-%9 and %*: the script's own command line is unknown (both ways of a test on it are followed);
    a ``call :sub a b`` passes known values."""
    args = st.args
    open_ended = bool(args) and args[-1] is COMMAND_LINE
    given = args[:-1] if open_ended else args
    if which == "*":
        if open_ended:
            return Unknown(f"%* ({ARGUMENT_WHY})", 0)
        return " ".join(a for a in given[1:] if isinstance(a, str))
    n = int(which)
    if n == 0:
        name = given[0] if given else "logon.bat"
        low = mods.lower()
        if "d" in low or "p" in low or "f" in low:
            return "C:\\Scripts\\" + (name if "n" in low or "f" in low else "")
        return name.strip('"') if "~" in mods else name
    if n < len(given):
        value = given[n]
    elif open_ended:
        return Unknown(f"%{n} ({ARGUMENT_WHY})", 0)
    else:
        value = ""
    return lift(lambda s: s.strip('"'), value) if "~" in mods else value


def expand_args(st, words: list) -> list[Value]:
    return [expand(st, w) for w in words]


def plain_args(st, node: bp.Simple, line: int) -> list[str]:
    """Arguments that must be the same on every computer (a registry key, a file name)."""
    out = []
    for v in expand_args(st, node.args):
        v = settle(st, v)
        if not isinstance(v, str):
            u = v if isinstance(v, Unknown) else None
            raise Stop("not-evaluated", line, f"the arguments of '{node.text}' differ between computers"
                       + (f" ({u.why})" if u else ""))
        out.append(v)
    return out


# --- branches -----------------------------------------------------------------------------
def action(st, kind: str, key: str, line: int, desc: str, at_line: int, jumped: bool = False) -> None:
    """Something the script does; a branch when it runs under a computer-dependent test."""
    if key.startswith("line ") and (st.regions or st.chain):
        key = inline_key(st.keymap, line, desc)
    regs = [r for r in st.regions if r.decisions]
    if regs:
        top = regs[-1]
        if top.hit is None:
            decisions = tuple(d for r in regs for d in r.decisions)
            top.hit = len(st.hits)
            st.hits.append(Hit(key, kind, line, "condition", decisions, desc, at_line, after=tuple(st.chain)))
            st.chain = []
        elif kind != "label":
            st.hits[top.hit].details.append(desc)
        return
    if st.chain:
        if kind in ("set", "cmd"):
            st.chain = []  # a guard test that did not jump, then the script's normal work
            return
        via = "fall-through" if kind == "label" and not jumped else "default"  # goto X after the tests: default
        st.hits.append(Hit(key, kind, line, via, tuple(st.chain), desc, at_line))
        st.chain = []


def set_var(st, name: str, value: Value) -> None:
    key = name.lower()
    if isinstance(value, str) and value == "":
        st.vars = {k: v for k, v in st.vars.items() if k != key} if key in st.vars else st.vars
        return
    if isinstance(value, Lazy):
        value = _named(name, value)
    if st.vars is st.snap:
        st.vars = dict(st.vars)
    st.vars[key] = value


def _named(name: str, value: Lazy) -> Lazy:
    """The same value, whose why starts with the variable's name: '%VERSION% is "10.0" (...)'."""
    inner = value.why

    def why(m) -> str:
        raw = str(value.at(m))
        text = raw.replace("\r", "")
        cr = " (%var% expansion drops the carriage return)" if "\r" in raw else ""
        return f'%{name}% is "{text}"{cr}' + (f" because {inner(m)}" if inner else "")

    out = Lazy(value.at, why, value.tags, value.lang)
    out.origin = value.origin
    out.intent = value.intent
    out.probes = value.probes
    return out


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
        finish_output(st, node, result, line)
        st.pc += 1


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


def settle(st, value: Value) -> Value:
    """A per-computer value that is the same on every computer of this state, as plain text."""
    if isinstance(value, Lazy):
        seen = {value.at(m) for m in st.envs}
        if len(seen) == 1:
            return seen.pop()
    return value


def file_key(raw: str) -> str:
    """A file whose name the script computes from outside things (%TEMP%\\%DATE%.txt): known by how it is written."""
    return "@" + raw.strip().strip('"').lower()


def read_file(st, name: Value, line: int, raw: str | None = None) -> tools.Stream:
    name = settle(st, name)
    if not isinstance(name, str):
        if raw is not None and file_key(raw) in st.fs:
            return st.fs[file_key(raw)]
        if isinstance(name, Unknown):
            return tools.Stream(name)
        return tools.Stream(Unknown("a file whose name differs between computers", line))
    path = name.strip('"').lower()
    if path in st.fs:
        return st.fs[path]
    return tools.Stream(Unknown(f"the file {name.strip(chr(34))} is not written by the script", line))


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


from sbskit.core.osver.scripteval.batch_set import set_command  # noqa: E402 - run_command uses it

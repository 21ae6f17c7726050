"""The batch evaluator's ground floor: variable expansion, script arguments, files and the record
of what each state did (the commands themselves are in :mod:`batch_cmd`, set in :mod:`batch_set`,
tests and goto/call in :mod:`batch_control`, loops in :mod:`batch_for`), each on a state that
stands for a group of computers.

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

MACHINE_VARS = ("OS", "PROCESSOR_ARCHITECTURE", "SystemRoot", "windir", "SystemDrive", "ComSpec", "ProgramFiles(x86)")
CONSTANT_VARS = {"TEMP": "C:\\Users\\user\\AppData\\Local\\Temp", "TMP": "C:\\Users\\user\\AppData\\Local\\Temp",
                 "ProgramFiles": "C:\\Program Files", "HOMEDRIVE": "C:", "CMDEXTVERSION": "2"}
OUTSIDE_VARS = ("USERNAME", "COMPUTERNAME", "USERDOMAIN", "LOGONSERVER", "USERPROFILE", "APPDATA", "HOMEPATH",
                "HOMESHARE", "CLIENTNAME", "SESSIONNAME", "DATE", "TIME", "RANDOM", "CD")


# Windows sets these only in some processes (32-bit cmd on 64-bit Windows): absent is a real answer.
SOMETIMES_VARS = ("PROCESSOR_ARCHITEW6432",)
_SET_NAME = re.compile(r'(?im)\bset\s+(?:/p\s+|/a\s+)?"?\s*([^\s=%!"^]+)\s*=')
_READ_NAME = re.compile(r"%([A-Za-z_][\w#$@.\-()]*?)(?::[^%]*)?%|!([A-Za-z_][\w#$@.\-()]*?)(?::[^!]*)?!")
_DYNAMIC_SET = re.compile(r'(?im)\bset\s+(?:/p\s+|/a\s+)?"?\s*[^\s="]*[%!]')


def caller_inputs(text: str) -> frozenset[str]:
    """Variables the script reads above the first line that sets them, and that Windows does not
    define: a script written to be started again with them set (by itself through ``start``, or by a
    parent) reads them before it sets them. (A variable it never sets is more likely a typo than an
    input: it stays empty.) A script that sets variables by computed names could set any of them:
    then none is an input."""
    if _DYNAMIC_SET.search(text):
        return frozenset()
    first_set: dict[str, int] = {}
    first_read: dict[str, int] = {}
    for number, line in enumerate(text.split("\n")):
        if re.match(r"(?i)\s*(?:@\s*)?(rem\b|::)", line):
            continue
        for m in _READ_NAME.finditer(line):
            first_read.setdefault((m.group(1) or m.group(2)).lower(), number)
        for m in _SET_NAME.finditer(line):
            first_set.setdefault(m.group(1).lower(), number)
    known = {k.lower() for k in (*CONSTANT_VARS, *MACHINE_VARS, *OUTSIDE_VARS, *SOMETIMES_VARS)}
    known |= {"errorlevel", "cmdextversion", "cmdcmdline", "path", "pathext", "programfiles", "programdata",
              "allusersprofile", "public", "localappdata", "commonprogramfiles", "number_of_processors",
              "processor_identifier", "processor_level", "processor_revision", "homedrive", "systemroot", "prompt"}
    return frozenset(name for name, at in first_read.items()
                     if name not in known and name in first_set and at < first_set[name])


def initial_vars(envs, inputs: frozenset[str] = frozenset()) -> dict:
    """The environment a logon script starts with: release-dependent variables are Lazy; the
    variables only its caller can set (:func:`caller_inputs`) are unknown."""
    out: dict[str, Value] = {name: Unknown(f"%{name}% is not set by the script itself (it comes from whoever "
                                           "starts it, or is empty)", 0) for name in inputs}
    out.update({k.lower(): v for k, v in CONSTANT_VARS.items()})
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

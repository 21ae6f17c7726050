"""What ver, systeminfo, wmic, reg query, find and findstr print on each simulated computer.

Output is a :class:`Stream`: the lines (plain, or per computer) plus a phrase naming the
source on one computer ("its ver text "Microsoft Windows [Version 10.0.22000.194]""), which
the proofs quote. wmic's lines keep the stray carriage return its UTF-16 output leaves
behind in cmd, so ``for /f`` over wmic sees the extra blank-looking line real scripts see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from sbskit.core.osver.scripteval import batch_text as bt
from sbskit.core.osver.scripteval.machines import REG_CURRENT_VERSION, REG_PRODUCT_OPTIONS, Machine, _norm_key
from sbskit.core.osver.scripteval.values import Lazy, Unknown, Value, at, lift

Phrase = Callable[[Machine], str]


@dataclass
class Stream:
    lines: Value  # tuple[str, ...] | Lazy | Unknown
    phrase: Phrase | None = None  # "its ver text "..."" on one computer
    focus: Callable[[Machine, tuple], str] | None = None  # the line worth quoting when nothing matched
    tags: frozenset[str] = frozenset()


@dataclass
class Result:
    out: Stream
    errorlevel: Value  # "0", "1", ... | Lazy | Unknown


def _q(text: str) -> str:
    return '"' + text.rstrip("\r") + '"'


def const_result(lines: tuple[str, ...] = (), errorlevel: str = "0") -> Result:
    return Result(Stream(lines), errorlevel)


def unknown_result(why: str, line: int) -> Result:
    u = Unknown(why, line)
    return Result(Stream(u), u)


def missing(m: Machine, tool: str) -> bool:
    return tool not in m.tools


_BASES: dict = {}


def _based(key, fn, lazy: Lazy) -> Lazy:
    """``lazy`` (this command's output, with its own line in the proofs) reads the same input as every
    other run of the same command: one shared leaf, so computers are sorted by it once (runtime.split_groups)."""
    base = _BASES.get(key)
    if base is None:
        base = _BASES[key] = Lazy(fn)
    lazy.leaves = (base,)
    return lazy


def ver() -> Result:
    lines = Lazy(lambda m: tuple(m.ver_output), lambda m: f"its ver text {_q(m.ver_line)}", frozenset({"ver"}), True)
    _based("ver", lambda m: m.ver_line, lines)
    return Result(Stream(lines, lambda m: f"its ver text {_q(m.ver_line)}", tags=frozenset({"ver"})), "0")


def _sysinfo_focus(m: Machine, _lines: tuple) -> str:
    return f"(its OS Name line is {_q(m.sysinfo_lines[2])})" if len(m.sysinfo_lines) > 2 else ""


def systeminfo() -> Result:
    lines = Lazy(lambda m: m.sysinfo_lines if not missing(m, "systeminfo") else (),
                 lambda m: "its systeminfo output" if not missing(m, "systeminfo") else "systeminfo, which is not there",
                 frozenset({"systeminfo"}), True)
    code = Lazy(lambda m: "9009" if missing(m, "systeminfo") else "0",
                lambda m: "systeminfo is not installed there" if missing(m, "systeminfo") else "systeminfo ran",
                frozenset({"systeminfo"}))
    _based("systeminfo", lambda m: lines.fn(m), lines)
    return Result(Stream(lines, lines.why, _sysinfo_focus, frozenset({"systeminfo"})), code)


WMI_ALIASES = {"os": "win32_operatingsystem"}


def wmic(args: list[str], line: int) -> Result:
    low = [a.lower() for a in args]
    words = [a for a in low if not a.startswith("/")]
    cls = None
    if words and words[0] in WMI_ALIASES:
        cls = WMI_ALIASES[words[0]]
    elif len(words) > 1 and words[0] == "path":
        cls = words[1]
    if cls != "win32_operatingsystem" or "get" not in words:
        return unknown_result(f"wmic {' '.join(args)} is not simulated", line)
    props_text = " ".join(args[[a.lower() for a in args].index("get") + 1:])
    props = [p for p in re.split(r"[,\s]+", props_text) if p and not p.startswith("/")]
    as_list = any(a.startswith("/value") or a.startswith("/format:list") for a in low)

    memo_key = ("wmic", tuple(p.lower() for p in props), as_list)

    def lines_for(m: Machine) -> tuple[str, ...]:
        done = m.memo.get(memo_key)
        if done is None:
            done = m.memo[memo_key] = _wmic_lines(m)
        return done

    def _wmic_lines(m: Machine) -> tuple[str, ...]:
        if missing(m, "wmic"):
            return ()
        wmi = m.wmi()
        names = sorted(props, key=str.lower) if len(props) > 1 else props
        values = [("" if wmi.get(p.lower()) is None else str(wmi.get(p.lower()))) for p in names]
        if as_list:
            return ("\r", "\r") + tuple(f"{n}={v}\r" for n, v in zip(names, values)) + ("\r", "\r")
        widths = [max(len(n), len(v)) + 2 for n, v in zip(names, values)]
        head = "".join(n.ljust(w) for n, w in zip(names, widths))
        body = "".join(v.ljust(w) for v, w in zip(values, widths))
        return (head + "\r", body + "\r", "\r")

    def phrase(m: Machine) -> str:
        if missing(m, "wmic"):
            return "wmic's output there: nothing, wmic is not installed"
        wmi = m.wmi()
        shown = ", ".join(f"{p}={wmi.get(p.lower())}" for p in props)
        return f"its wmic output ({shown})"

    tags = frozenset({"wmic"} | {f"wmi:{p.lower()}" for p in props})
    lines = Lazy(lines_for, phrase, tags, any(p.lower() in ("caption", "name", "osarchitecture") for p in props))
    code = Lazy(lambda m: "9009" if missing(m, "wmic") else "0",
                lambda m: "wmic is not installed there" if missing(m, "wmic") else "wmic ran", frozenset({"wmic"}))
    return Result(Stream(lines, phrase, tags=tags), code)


REG_KEYS = {_norm_key(REG_CURRENT_VERSION): REG_CURRENT_VERSION, _norm_key(REG_PRODUCT_OPTIONS): REG_PRODUCT_OPTIONS}


def reg_query(args: list[str], line: int) -> Result:
    if not args:
        return unknown_result("reg query without a key", line)
    key = _norm_key(args[0])
    if key not in REG_KEYS:
        return unknown_result(f"the registry key {args[0].strip(chr(34))} is not simulated", line)
    low = [a.lower() for a in args]
    name = args[low.index("/v") + 1].strip('"') if "/v" in low and low.index("/v") + 1 < len(args) else None

    memo_key = ("reg", key, name.lower() if name else None)

    def lines_for(m: Machine) -> tuple[str, ...]:
        done = m.memo.get(memo_key)
        if done is None:
            done = m.memo[memo_key] = _reg_lines(m)
        return done

    def _reg_lines(m: Machine) -> tuple[str, ...]:
        if missing(m, "reg"):
            return ()
        values = m.registry.get(key) or {}
        picked = {name.lower(): values.get(name.lower())} if name else values
        if name and picked[name.lower()] is None:
            return ()
        old = m.release.build < 6000
        out = ["", "! REG.EXE VERSION 3.0", ""] if old else [""]
        out.append(REG_KEYS[key])
        for vname, (vtype, vdata) in picked.items():
            shown = _value_name(vname)
            out.append(f"    {shown}\t{vtype}\t{vdata}" if old else f"    {shown}    {vtype}    {vdata}")
        out.append("")
        return tuple(out)

    def code_for(m: Machine) -> str:
        if missing(m, "reg"):
            return "9009"
        if name and name.lower() not in m.registry.get(key, {}):
            return "1"
        return "0"

    def phrase(m: Machine) -> str:
        if missing(m, "reg"):
            return "reg query, which is not there (no reg.exe)"
        if name:
            v = m.reg_value(key, name)
            return f"reg query ... /v {name}, which says {_q(v[1])}" if v else f"reg query ... /v {name}, which finds no such value"
        return "its reg query output"

    tags = frozenset({"reg"} | ({f"reg:{name.lower()}"} if name else set()))
    lines = Lazy(lines_for, phrase, tags)
    code = Lazy(code_for, phrase, tags)
    return Result(Stream(lines, phrase, tags=tags), code)


_CANON = {"currentversion": "CurrentVersion", "currentbuildnumber": "CurrentBuildNumber", "currentbuild": "CurrentBuild",
          "productname": "ProductName", "csdversion": "CSDVersion", "installationtype": "InstallationType",
          "editionid": "EditionID", "currentmajorversionnumber": "CurrentMajorVersionNumber",
          "currentminorversionnumber": "CurrentMinorVersionNumber", "ubr": "UBR", "releaseid": "ReleaseId",
          "displayversion": "DisplayVersion", "producttype": "ProductType", "systemroot": "SystemRoot"}


def _value_name(name: str) -> str:
    return _CANON.get(name, name)


# --- filters ---------------------------------------------------------------------------------


def _filter(stream: Stream, match: Callable[[tuple], tuple], shown: str, tags: frozenset[str], line: int = 0,
            probe=None) -> Result:
    """find/findstr over a stream: the matching lines and errorlevel 0 (found) or 1."""
    src = stream.lines
    if isinstance(src, Unknown):
        return Result(Stream(src), src)
    both = lift(lambda lines: match(lines), src)
    if isinstance(both, tuple):
        return Result(Stream(both, stream.phrase), "0" if both else "1")
    phrase, focus = stream.phrase, stream.focus

    def why(m: Machine) -> str:
        hit = both.at(m)
        what = phrase(m) if phrase else "its input"
        if hit:
            extra = f" (the line {_q(hit[0])})" if focus or (phrase and "systeminfo" in what) else ""
            return f"{shown} matches {what}{extra}"
        extra = f" {focus(m, hit)}" if focus else ""
        return f"{shown} does not match {what}{extra}"

    all_tags = stream.tags | src.tags
    lines = Lazy(lambda m: both.at(m), why, all_tags, src.lang)
    code = Lazy(lambda m: "0" if both.at(m) else "1", why, all_tags | tags, src.lang)
    lines.leaves = code.leaves = both.leaves  # what the output depends on: the text searched
    lines.origin = code.origin = line or None
    if probe is not None:
        lines.probes = code.probes = (probe,)
    return Result(Stream(lines, phrase, focus, all_tags), code)


def find(args: list[str], stream: Stream, line: int = 0) -> Result:
    opts = {a[1:].lower() for a in args if a.startswith("/") and len(a) == 2}
    needles = [a for a in args if a.startswith('"')]
    needle = needles[0][1:-1] if needles and needles[0].endswith('"') and len(needles[0]) > 1 else (needles[0][1:] if needles else "")
    shown = "find " + " ".join(f"/{o.upper()}" for o in sorted(opts) if o in "iv") + ("" if not opts & {"i", "v"} else " ")
    shown = f'{shown}"{needle}"' + (f" (line {line})" if line else "")
    if "c" in opts:
        res = _filter(stream, lambda lines: bt.find_match(lines, needle, "i" in opts, "v" in opts), shown,
                      frozenset({"find"}))
        res.out = Stream(lift(lambda lines: (str(len(lines)),), res.out.lines), stream.phrase)
        return res
    probe = None
    if "v" not in opts and isinstance(stream.lines, Lazy):
        from sbskit.core.osver.scripteval.intent import make_find_probe

        probe = make_find_probe(needle, re.compile(re.escape(needle), re.I if "i" in opts else 0), stream.lines)
    return _filter(stream, lambda lines: bt.find_match(lines, needle, "i" in opts, "v" in opts), shown,
                   frozenset({"find"}), line, probe)


def findstr(args: list[str], stream: Stream, line: int = 0) -> Result:
    options: set[str] = set()
    c_strings: list[str] = []
    plain: list[str] = []
    for a in args:
        if a.startswith("/"):
            m = re.match(r"(?i)/c:(.*)$", a)
            if m:
                c_strings.append(m.group(1).strip('"'))
                continue
            for flag in re.findall(r"(?i)/([a-z])", a):
                options.add(flag.lower())
        else:
            plain.append(a.strip('"'))
    spec = bt.findstr_spec(options, c_strings, plain)
    flags = "".join(f"/{o.upper()} " for o in sorted(options) if o in "bierxlv")
    shown = "findstr " + flags + " ".join(f'/C:"{s}"' if s in c_strings else f'"{s}"' for s in spec.shown) + \
        (f" (line {line})" if line else "")
    tags = frozenset({"findstr"} | ({"regex-dot"} if spec.unescaped_dot else set()))
    probe = None
    if not spec.invert and len(spec.shown) == 1 and isinstance(stream.lines, Lazy):
        from sbskit.core.osver.scripteval.intent import make_find_probe

        probe = make_find_probe(spec.shown[0], re.compile(spec.patterns[0], re.I if spec.icase else 0), stream.lines)
    return _filter(stream, lambda lines: bt.findstr_match(lines, spec), shown, tags, line, probe)


def text_stream(value: Value, phrase: Phrase | None = None) -> Stream:
    """echo's output as a stream of one line."""
    lines = lift(lambda text: (text,), value)
    if isinstance(value, Lazy) and phrase is None:
        phrase = value.why
    return Stream(lines, phrase, tags=value.tags if isinstance(value, Lazy) else frozenset())


def lines_of(stream: Stream, m: Machine) -> tuple:
    return at(stream.lines, m)


def data_echo_off(m: Machine) -> str:
    """What a bare ``echo`` prints (localized): ``echo %var% | find`` with an empty var sees it."""
    return m.words["echo_off"]

"""The COM objects a VBScript login script asks about Windows: WMI (GetObject("winmgmts:...")
with ExecQuery / InstancesOf, Win32_OperatingSystem and its properties), WScript.Shell
(RegRead, ExpandEnvironmentStrings, Environment) and WScript.Network; everything else is a
program outside the script (its results are unknown)."""

from __future__ import annotations

import re

from sbskit.core.osver.evaluate import EvalError, eval_wql
from sbskit.core.osver.scripteval.machines import Machine, _norm_key
from sbskit.core.osver.scripteval.values import Lazy, Unknown

LANG_PROPS = {"caption", "name", "osarchitecture"}


class OsObject:
    """One Win32_OperatingSystem instance (the same handle on every computer; its properties differ)."""

    def member(self, name: str, line: int):
        prop = name.lower()
        lazy = Lazy(lambda m: m.wmi().get(prop), lambda m: f"Win32_OperatingSystem.{name} is {_q(m.wmi().get(prop))} "
                                                         f"(line {line})", frozenset({f"wmi:{prop}", "wmi"}),
                    prop in LANG_PROPS)
        lazy.origin = line
        return lazy


class WmiCollection:
    def __init__(self, query: str, line: int) -> None:
        self.query = query
        self.line = line

    def items(self):
        m = re.match(r"(?is)\s*select\s+.+?\s+from\s+(\w+)(?:\s+where\s+(.*))?$", self.query.strip())
        if not m or m.group(1).lower() != "win32_operatingsystem":
            return Unknown(f"the WMI query {self.query!r} (line {self.line}) is not simulated", self.line)
        where = m.group(2)
        if not where:
            return (OS,)
        try:
            eval_wql(where, {})
        except EvalError:
            pass
        query = self.query

        def pick(mach: Machine):
            try:
                return (OS,) if eval_wql(where, mach.wmi()) else ()
            except EvalError:
                return ()

        lazy = Lazy(pick, lambda mach: f"the WMI query {query!r} (line {self.line}) finds "
                                       f"{len(pick(mach))} instance(s) there", frozenset({"wql", "wmi"}))
        lazy.origin = self.line
        return lazy

    def member(self, name: str, line: int):
        if name.lower() == "count":
            items = self.items()
            return items if isinstance(items, Unknown) else (len(items) if isinstance(items, tuple) else
                                                              Lazy(lambda m: len(items.at(m)), items.why, items.tags))
        return Unknown(f".{name} of a WMI result (line {line})", line)

    def call(self, name: str, args: list, line: int):
        if name.lower() in ("itemindex", "item"):
            items = self.items()
            if isinstance(items, tuple):
                return items[0] if items else Unknown("an empty WMI result", line)
            return OS
        return Unknown(f".{name}() of a WMI result (line {line})", line)


class WmiService:
    def call(self, name: str, args: list, line: int):
        low = name.lower()
        if low == "execquery" and args and isinstance(args[0], str):
            return WmiCollection(args[0], line)
        if low == "instancesof" and args and isinstance(args[0], str):
            return WmiCollection(f"SELECT * FROM {args[0]}", line)
        return Unknown(f"WMI .{name}() (line {line})", line)

    def member(self, name: str, line: int):
        return Unknown(f"WMI .{name} (line {line})", line)


class Shell:
    def call(self, name: str, args: list, line: int):
        low = name.lower()
        if low == "regread" and args and isinstance(args[0], str):
            return reg_read(args[0], line)
        if low == "expandenvironmentstrings" and args and isinstance(args[0], str):
            return expand_env(args[0], line)
        if low == "environment":
            return EnvTable()
        if low == "exec" and args:
            from sbskit.core.osver.scripteval.vbs_files import shell_exec

            return shell_exec(args[0], line)
        return Unknown(f"WScript.Shell .{name}() (line {line}), a program outside the script", line)

    def member(self, name: str, line: int):
        return Unknown(f"WScript.Shell .{name} (line {line})", line)


class EnvTable:
    def call(self, name: str, args: list, line: int):
        if name == "" and args and isinstance(args[0], str):
            var = args[0]
            return Lazy(lambda m: m.env().get(var, ""), lambda m: f'the environment variable {var} is '
                        f'"{m.env().get(var, "")}" (line {line})', frozenset({f"env:{var.lower()}"}))
        return Unknown(f"an environment table .{name} (line {line})", line)

    def member(self, name: str, line: int):
        return Unknown(f"an environment table .{name} (line {line})", line)


class External:
    """Any other object: FileSystemObject, ADSystemInfo, Network... (their answers are unknown)."""

    def __init__(self, what: str) -> None:
        self.what = what

    def call(self, name: str, args: list, line: int):
        return Unknown(f"{self.what}.{name}() (line {line}), outside the script", line)

    def member(self, name: str, line: int):
        return Unknown(f"{self.what}.{name} (line {line}), outside the script", line)


OS = OsObject()


def reg_read(path: str, line: int):
    key, _, name = path.rstrip("\\").rpartition("\\")
    norm = _norm_key(key)
    if not norm.endswith(("windows nt\\currentversion", "control\\productoptions")):
        return Unknown(f"the registry value {path} (line {line}) is not simulated", line)

    def value(m: Machine):
        got = m.registry.get(norm, {}).get(name.lower())
        if got is None:
            return None  # RegRead raises an error; with On Error Resume Next the variable stays Empty
        vtype, data = got
        return int(data, 16) if vtype == "REG_DWORD" else data

    lazy = Lazy(value, lambda m: f'RegRead("...\\{name}") gives {_q(value(m))} (line {line})',
                frozenset({"reg", f"reg:{name.lower()}"}))
    lazy.origin = line
    return lazy


def expand_env(text: str, line: int):
    names = re.findall(r"%(\w[\w()]*)%", text)
    if not names:
        return text

    def value(m: Machine) -> str:
        return re.sub(r"%(\w[\w()]*)%", lambda g: m.env().get(g.group(1), g.group(0)), text)

    return Lazy(value, lambda m: f'ExpandEnvironmentStrings("{text}") gives "{value(m)}" (line {line})',
                frozenset({f"env:{n.lower()}" for n in names}))


def create_object(progid: str):
    low = progid.lower()
    if low == "wscript.shell":
        return Shell()
    if low == "scripting.filesystemobject":
        from sbskit.core.osver.scripteval.vbs_files import FileSystem

        return FileSystem()
    if low.startswith("wbemscripting.swbemlocator"):
        return WmiService()
    return External(progid)


def get_object(moniker: str):
    host = re.match(r"(?i)winmgmts:(?:\{[^}]*\}!?)?\\\\([^\\]+)\\", moniker)
    if host and host.group(1).lower() not in (".", "localhost", "127.0.0.1"):
        return External(f"WMI of the remote computer {host.group(1)}")
    if moniker.lower().startswith("winmgmts"):
        if re.search(r"(?i)win32_operatingsystem", moniker):
            return OS
        return WmiService()
    return External(moniker)


def _q(v) -> str:
    return f'"{v}"' if isinstance(v, str) else ("Empty" if v is None else str(v))

"""What a VBScript can learn about Windows from files and programs it runs itself:
Scripting.FileSystemObject (special folders, whether a system file is there, the version of a
system file such as winver.exe) and WScript.Shell's Exec of ``cmd /c ver`` (whose StdOut is the
ver text of the computer, in its language)."""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval.machines import Machine
from sbskit.core.osver.scripteval.values import Lazy, Unknown

SYSTEM_FILES = {"winver.exe", "cmd.exe", "kernel32.dll", "ntdll.dll", "user32.dll", "shell32.dll", "explorer.exe",
                "notepad.exe", "regedit.exe", "ntoskrnl.exe", "hal.dll", "wscript.exe", "cscript.exe"}


def _folder(m: Machine, which: int) -> str:
    windir = m.env().get("windir", "C:\\WINDOWS")
    return {0: windir, 1: windir + ("\\System32" if m.is_nt else "\\SYSTEM"), 2: "C:\\Temp"}.get(which, windir)


def _system_file(m: Machine, path: str) -> str | None:
    """The file's name when ``path`` is a known file of the OS itself (in the Windows or System32 folder)."""
    low = path.strip('"').lower().replace("/", "\\")
    windir = m.env().get("windir", "C:\\WINDOWS").lower()
    folder, _, name = low.rpartition("\\")
    if name not in SYSTEM_FILES or folder not in (windir, windir + "\\system32", windir + "\\system"):
        return None
    return name


def _file_version(m: Machine, path: str):
    """A system file's version is the OS's: 5.1.2600.x on XP, 10.0.19041.x on Windows 10 (the
    file's own patch number, close to the UBR)."""
    if _system_file(m, path) is None:
        return None
    r = m.release
    if r.kind == "9x":
        return f"{r.major}.{r.minor}.0.{r.build}"
    return f"{r.major}.{r.minor}.{r.build}.{m.ubr or 0}"


def _per_computer(value, fn, why):
    """``fn(m, text)`` on each computer, for a path that is text or differs by computer."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Lazy):
        out = Lazy(lambda m: fn(m, value.at(m)), why, value.tags | {"file"})
    else:
        out = Lazy(lambda m: fn(m, value), why, frozenset({"file"}))
    return out


class Folder:
    def __init__(self, which: int, line: int) -> None:
        self.which, self.line = which, line

    def member(self, name: str, line: int):
        if name.lower() == "path":
            which = self.which
            return Lazy(lambda m: _folder(m, which), lambda m: f'GetSpecialFolder({which}).Path is "{_folder(m, which)}"'
                        f" (line {self.line})", frozenset({"env:windir"}))
        return Unknown(f"a folder's .{name} (line {line})", line)

    def call(self, name: str, args: list, line: int):
        return Unknown(f"a folder's .{name}() (line {line})", line)


class FileSystem:
    """Scripting.FileSystemObject: the OS's own folders and files are known, everything else is not."""

    per_computer_args = True  # a path built from the Windows folder differs by computer: fine here

    def member(self, name: str, line: int):
        return Unknown(f"FileSystemObject.{name} (line {line})", line)

    def call(self, name: str, args: list, line: int):
        low = name.lower()
        if low == "getspecialfolder" and args and isinstance(args[0], int):
            return Folder(args[0], line)
        if low == "fileexists" and args:
            def exists(m, path):
                return _system_file(m, path) is not None or None
            out = _per_computer(args[0], exists, lambda m: f"FileExists (line {line})")
            if isinstance(out, Lazy) and any(out.at(m) is None for m in _sample()):
                return Unknown(f"whether the file {_shown(args[0])} exists (line {line})", line)
            return out
        if low == "getfileversion" and args:
            out = _per_computer(args[0], _file_version, None)
            if isinstance(out, Lazy):
                if any(out.at(m) is None for m in _sample()):
                    return Unknown(f"the version of the file {_shown(args[0])} (line {line})", line)
                ver = out
                out.why = lambda m: f'GetFileVersion gives "{ver.at(m)}" (line {line})'
                out.origin = line
            return out
        return Unknown(f"FileSystemObject.{name}() (line {line}), outside the script", line)


def _sample():
    from sbskit.core.osver.scripteval.machines import machines

    return [m for m in machines() if m.lang == "en" and m.is_nt]


def _shown(value) -> str:
    return value if isinstance(value, str) else "whose name the script builds"


class VerExec:
    """WshShell.Exec("%comspec% /c ver"): finished at once; StdOut holds the ver text."""

    def __init__(self, line: int) -> None:
        self.line = line

    def member(self, name: str, line: int):
        low = name.lower()
        if low == "status":
            return 1
        if low == "exitcode":
            return 0
        if low in ("stdout",):
            return VerOut(self.line)
        return Unknown(f"the program's .{name} (line {line})", line)

    def call(self, name: str, args: list, line: int):
        return self.member(name, line)


class VerOut:
    def __init__(self, line: int) -> None:
        self.line = line

    def _text(self):
        line = self.line
        return Lazy(lambda m: "\r\n" + m.ver_line + "\r\n", lambda m: f'ver prints "{m.ver_line}" (line {line})',
                    frozenset({"ver"}), True)

    def member(self, name: str, line: int):
        if name.lower() in ("readall", "readline"):
            return self._text()
        if name.lower() == "atendofstream":
            return False
        return Unknown(f"StdOut.{name} (line {line})", line)

    def call(self, name: str, args: list, line: int):
        return self.member(name, line)


def shell_exec(command, line: int):
    """Exec of ``cmd /c ver`` is simulated; any other program is outside the script."""
    if isinstance(command, str) and re.search(r"(?i)(?:^|[\s/])ver(?:\s|$|\")", command):
        return VerExec(line)
    return Unknown(f"the program {command if isinstance(command, str) else ''} run by Exec (line {line})", line)

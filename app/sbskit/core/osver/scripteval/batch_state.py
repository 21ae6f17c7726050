"""The state of one group of computers while a batch file runs (variables, call frames, loops,
the branches reached so far), and how a run stops. Kept apart so the runner and the command
modules can share it without importing each other."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from sbskit.core.osver.scripteval.runtime import Decision


class CommandLine:
    """Stands for the arguments the script was started with: unknown, not empty. An installer's
    ``if "%1"=="" goto usage`` is followed both ways, and the OS test behind it is still run."""

    why = "what the script is given on its command line"

    def __repr__(self) -> str:  # pragma: no cover
        return "<command line>"


COMMAND_LINE = CommandLine()
ARGUMENT_WHY = "the script's command-line arguments"


@dataclass(eq=False)
class Frame:
    return_pc: int
    args: list
    snap: dict
    snap_el: object
    loops: list
    regions: list
    locals_depth: int


@dataclass(eq=False)
class Loop:
    init_pc: int
    its: object  # tuple of tuples | Lazy | Unknown
    count: int
    i: int
    letters: tuple
    depth: int
    why: object = None
    tags: frozenset = frozenset()
    lang: bool = False


@dataclass(eq=False)
class State:
    envs: list
    dialect: str = "cmd"  # cmd | command.com (Windows 9x)
    back_jumps: frozenset = frozenset()  # (label pc, data) of jumps back already followed on this path
    cmd_file: bool = False  # a .cmd file: set/path/prompt clear ERRORLEVEL there (not in a .bat file)
    pc: int = 0
    vars: dict = field(default_factory=dict)
    snap: dict = field(default_factory=dict)
    snap_el: object = "0"
    delayed: bool = False
    locals: list = field(default_factory=list)
    frames: list = field(default_factory=list)
    args: list = field(default_factory=lambda: ["logon.bat", COMMAND_LINE])
    loops: list = field(default_factory=list)
    forvars: dict = field(default_factory=dict)
    errorlevel: object = "0"
    last_ok: object = True
    fs: dict = field(default_factory=dict)
    regions: list = field(default_factory=list)
    chain: list = field(default_factory=list)
    hits: list = field(default_factory=list)
    assumptions: tuple = ()
    steps: int = 0
    external: tuple | None = None  # (line, what) of the last external script called
    resume: tuple | None = None  # (answer, payload) when this state was split off at its instruction
    trail: tuple = ()  # the computer-dependent decisions taken so far, latest last
    dynamic_goto: object = None  # the decision behind a computed goto target
    keymap: dict = field(default_factory=dict)  # shared by every clone: line -> first branch text there
    misses: tuple = ()  # computer-dependent tests that were false and guarded no jump, latest last
    setters: dict = field(default_factory=dict)  # variable -> (line, desc, set under a test?) of its last set
    origins: dict = field(default_factory=dict)  # variable -> (line, decisions) when set under a test
    lacking: tuple = ()  # (line, command, {machine: why}): commands run where that Windows does not have them
    var_misses: dict = field(default_factory=dict)  # variable -> the tests that would have set it but failed

    def clone(self, envs: list) -> "State":
        c = copy.copy(self)
        c.envs = envs
        c.vars = dict(self.vars)
        c.locals = list(self.locals)
        c.frames = list(self.frames)
        c.args = list(self.args)
        c.loops = [copy.copy(lp) for lp in self.loops]
        c.forvars = dict(self.forvars)
        c.fs = dict(self.fs)
        c.regions = [copy.copy(r) for r in self.regions]
        c.chain = list(self.chain)
        c.hits = list(self.hits)
        c.setters = dict(self.setters)
        c.origins = dict(self.origins)
        c.var_misses = dict(self.var_misses)
        return c

    @property
    def depth(self) -> int:
        return len(self.frames)


class Stop(Exception):
    """The state ends here (script ended, error, or not evaluable)."""

    def __init__(self, status: str, line: int, note: str = "", decision: Decision | None = None) -> None:
        super().__init__(note)
        self.status, self.line, self.note, self.decision = status, line, note, decision


COMMAND_COM = "Windows 9x runs batch files with command.com, which has no {what}"


def old_shell(st, line: int, what: str) -> None:
    """Stop a command.com run at a feature only cmd.exe has."""
    if st.dialect == "command.com":
        raise Stop("not-evaluated", line, COMMAND_COM.format(what=what))

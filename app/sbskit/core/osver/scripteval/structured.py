"""The runner VBScript and PowerShell share: block-structured code (If/ElseIf/Else, Select
Case / switch, For Each, Sub and Function calls) flattened into tests and jumps, run on every
computer at once and split where they disagree, like the batch runner.

A language module supplies statements (``Stmt`` subclasses with an ``execute(runner, state)``)
and test expressions (``evaluate_test(runner, state, expr)`` returning bool, Lazy or Unknown).
Branches are what the script does under a computer-dependent test: echo/Write-Host, a value
it assigns, any other command or a Sub it calls.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable

from sbskit.core.osver.scripteval.runtime import Decision, Forking, Hit, Outcome, Region, RunLimits, inline_key
from sbskit.core.osver.scripteval.values import Lazy, Unknown


@dataclass(eq=False)
class Ins:
    op: str  # exec | test | jmp | each_init | each_next | call | ret
    line: int
    node: Any = None
    a: int = 0  # test: false target; jmp: target; each: end
    b: int = 0  # test: end of the whole statement (for the else region)
    has_else: bool = False
    effects: bool = True
    sets: tuple = ()  # the variables the guarded statements assign
    last_case: bool = False  # the last case of a switch / elseif chain with two or more cases


class Stop(Exception):
    def __init__(self, status: str, line: int, note: str = "", decision: Decision | None = None) -> None:
        super().__init__(note)
        self.status, self.line, self.note, self.decision = status, line, note, decision


@dataclass(eq=False)
class Frame:
    return_pc: int
    vars: dict
    loops: list
    regions: list
    name: str
    result_to: str | None = None  # a Function called in an expression: where its value goes
    result_from: str | None = None  # the local that holds the value (the Function's name, or @return)


@dataclass(eq=False)
class State:
    envs: list
    pc: int = 0
    globals: dict = field(default_factory=dict)
    vars: dict | None = None  # locals of the running Sub/Function, else None
    frames: list = field(default_factory=list)
    loops: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    hits: list = field(default_factory=list)
    assumptions: tuple = ()
    trail: tuple = ()
    steps: int = 0
    resume: tuple | None = None
    on_error_resume: bool = False
    keymap: dict = field(default_factory=dict)  # shared by every clone: line -> first branch text there
    origins: dict = field(default_factory=dict)  # variable -> (line, decisions) when set under a test
    misses: tuple = ()  # computer-dependent tests that were false (their If had no Else), latest last
    fell: tuple = ()  # last cases of switches that failed: the release matched none of the cases
    miss_count: int = 0  # how many there were in all (a switch's default takes those since it began)

    def clone(self, envs: list) -> "State":
        c = copy.copy(self)
        c.envs = envs
        c.globals = dict(self.globals)
        c.vars = dict(self.vars) if self.vars is not None else None
        c.frames = [copy.copy(f) for f in self.frames]
        c.loops = [copy.copy(lp) for lp in self.loops]
        c.regions = [copy.copy(r) for r in self.regions]
        c.hits = list(self.hits)
        c.origins = dict(self.origins)
        return c

    @property
    def depth(self) -> int:
        return len(self.frames)

    def get(self, name: str, default=None):
        key = name.lower()
        if self.vars is not None and key in self.vars:
            return self.vars[key]
        return self.globals.get(key, default)

    def set(self, name: str, value) -> None:
        key = name.lower()
        if self.vars is not None and (key in self.vars or key not in self.globals):
            self.vars[key] = value
        else:
            self.globals[key] = value


@dataclass(eq=False)
class Loop:
    init_pc: int
    items: Any  # tuple | Lazy (of tuple) | Unknown
    count: int
    i: int
    var: str
    depth: int


class Program:
    """Instructions plus the Subs/Functions (name -> entry pc, parameter names)."""

    def __init__(self) -> None:
        self.code: list[Ins] = []
        self.procs: dict[str, tuple[int, list[str], str]] = {}  # name -> (pc, params, kind)
        self.defaults: dict[str, dict] = {}  # name -> parameter -> default value (an expression node)
        self.temps = 0

    def temp(self, what: str) -> str:
        self.temps += 1
        return f"@{what}{self.temps}"

    def emit(self, ins: Ins) -> Ins:
        self.code.append(ins)
        return ins

    @property
    def here(self) -> int:
        return len(self.code)


def action(st: State, kind: str, key: str, line: int, desc: str) -> None:
    """Something the script does; a branch when it runs under a computer-dependent test. A quit after
    tests that all failed (``If ... Then WScript.Quit 99`` ... ``WScript.Quit 1``) is the default exit."""
    regs = [r for r in st.regions if r.decisions]
    if not regs:
        if kind == "exit" and st.misses:
            st.hits.append(Hit(key, kind, line, "default", tuple(st.misses[-3:]), desc, line))
        return
    if key.startswith("line "):
        key = inline_key(st.keymap, line, desc)
    top = regs[-1]
    if top.hit is None:
        top.hit = len(st.hits)
        st.hits.append(Hit(key, kind, line, "condition", tuple(d for r in regs for d in r.decisions), desc, line))
    else:
        st.hits[top.hit].details.append(desc)


class Runner(Forking):
    """Runs a Program over the computers; ``evaluate_test`` is the language's test evaluator."""

    def __init__(self, program: Program, machines: list, initial: Callable[[list], dict],
                 evaluate_test: Callable, describe_test: Callable) -> None:
        self.program = program
        self.evaluate_test = evaluate_test
        self.describe_test = describe_test
        self.outcomes: list[Outcome] = []
        self.covered: set[int] = set()
        self.notes: list[tuple[int, str]] = []
        self.decisions: list[Decision] = []
        self.lang_sensitive = False
        self.forks = 0
        self.states = 0
        self.pending: list[State] = []
        if machines:
            st = State(envs=list(machines))
            st.globals = initial(machines)
            self.pending.append(st)

    def run(self) -> None:
        while self.pending:
            st = self.pending.pop()
            self.states += 1
            try:
                if self.states > RunLimits.max_states:
                    raise Stop("not-evaluated", self._line(st), "too many different paths through the script")
                self.step(st)
            except Stop as stop:
                self.finish(st, stop.status, stop.line, stop.note, stop.decision)

    def _line(self, st: State) -> int:
        code = self.program.code
        return code[min(st.pc, len(code) - 1)].line if code else 0

    def finish(self, st: State, status: str, line: int, note: str, decision=None) -> None:
        function = getattr(self, "function", None)
        if function is not None:  # a Function evaluated for its value: remember what it returned where
            value = (st.vars or {}).get(function) if status == "end" else Unknown(
                f"{function}() does not return normally ({note})", line)
            for m in st.envs:
                self.results[m.idx] = value
            return
        if decision is None and status == "error" and st.trail:
            decision = st.trail[-1]
        self.outcomes.append(Outcome(tuple(m.idx for m in st.envs), status, line, note, tuple(st.hits),
                                     st.assumptions, (), decision, misses=st.misses, fell=st.fell))
        if status == "not-evaluated":
            self.notes.append((line, f"not evaluated from line {line}: {note}"))

    def step(self, st: State) -> None:
        code = self.program.code
        while True:
            if st.pc >= len(code):
                if st.frames:
                    self.ret(st)
                    continue
                raise Stop("end", code[-1].line if code else 0, "end of script")
            st.steps += 1
            if st.steps > RunLimits.max_steps:
                raise Stop("not-evaluated", code[st.pc].line, "the script loops")
            ins = code[st.pc]
            regions = st.regions
            while regions and regions[-1].depth == st.depth and not regions[-1].start <= st.pc < regions[-1].end:
                regions.pop()
            self.covered.add(ins.line)
            op = ins.op
            if op == "exec":
                ins.node.execute(self, st)
                st.pc += 1
            elif op == "jmp":
                st.pc = ins.a
            elif op == "test":
                self.test(st, ins)
            elif op == "each_init":
                self.each_init(st, ins)
            elif op == "each_next":
                self.each_next(st, ins)
            elif op == "call":
                ins.node.call(self, st)
            elif op == "ret":
                self.ret(st)
            elif op == "end":
                raise Stop("end", ins.line, ins.node or "the script ends")
            else:  # pragma: no cover
                raise RuntimeError(op)

    # -- tests ------------------------------------------------------------------------------
    def test(self, st: State, ins: Ins) -> None:
        if st.resume is not None:
            (value, cond), st.resume = st.resume, None
        else:
            cond = self.evaluate_test(self, st, ins.node)
            if isinstance(cond, bool) and st.origins:
                from sbskit.core.osver.scripteval.carried import carried

                cond = carried(cond, self.read_names(ins.node), st.origins, self.describe_test(ins.node), ins.line)
            value = self.fork(st, cond) if isinstance(cond, Lazy) else cond
        if isinstance(value, Unknown):
            self.unknown(st, ins, value)
            return
        dec = None
        if isinstance(cond, Lazy):
            dec = Decision(ins.line, self.describe_test(ins.node), cond, value)
            st.trail = st.trail[-7:] + (dec,)
            if cond.intent is not None:
                dec.envs = tuple(m.idx for m in st.envs)
                self.decisions.append(dec)
        self.take(st, ins, value, dec)

    def take(self, st: State, ins: Ins, value, dec: Decision | None) -> None:
        if value is None:
            raise Stop("error", ins.line, "the script stops with a run-time error here", dec)
        decisions = (dec,) if dec is not None else ()
        since = getattr(ins.node, "misses_since", None)
        if not decisions and since is not None and value:  # switch's default: every clause test failed
            n = st.miss_count - st.globals.get(since, st.miss_count)
            decisions = tuple(st.misses[-n:]) if n > 0 else ()
        if value:
            st.regions.append(Region(st.pc + 1, ins.a, decisions, st.depth))
            st.pc += 1
        else:
            if ins.has_else:
                st.regions.append(Region(ins.a, ins.b, decisions, st.depth))
            elif dec is not None:
                st.misses = st.misses[-7:] + (dec,)
                st.miss_count += 1
                if ins.last_case:
                    st.fell = st.fell[-3:] + (dec,)
            if dec is not None:  # what it would have set keeps its value because of this test
                for name in getattr(ins, "sets", ()):
                    st.origins.setdefault(name, (ins.line, (dec,), name))
            st.pc = ins.a

    def unknown(self, st: State, ins: Ins, unknown: Unknown) -> None:
        head = self.describe_test(ins.node)
        if not ins.effects:
            self.take(st, ins, False, None)
            return
        if self.forks >= RunLimits.max_unknown_forks:
            raise Stop("not-evaluated", ins.line, f"`{head}` depends on {unknown.why}, and the script has too many such tests")
        self.forks += 1
        self.notes.append((ins.line, f"not evaluated from line {ins.line}: `{head}` depends on {unknown.why}; "
                                     "both ways are followed"))
        child = st.clone(list(st.envs))
        for state, answer in ((child, True), (st, False)):
            state.assumptions = state.assumptions + ((ins.line, f"assuming `{head}` is "
                                                                f"{'true' if answer else 'false'} ({unknown.why})"),)
            cond = Lazy(lambda m, a=answer: a, lambda m, a=answer: f"assuming `{head}` is {'true' if a else 'false'} "
                                                                     f"({unknown.why})")
            self.take(state, ins, answer, Decision(ins.line, head, cond, answer, assumed=True))
        self.pending.append(child)

    # -- For Each ---------------------------------------------------------------------------
    def each_init(self, st: State, ins: Ins) -> None:
        var, expr_value = ins.node.var, None
        if st.resume is not None:
            (count, items), st.resume = st.resume, None
            if isinstance(items, Lazy):
                self._loop_region(st, ins, Lazy(lambda m: len(items.at(m)), items.why, items.tags, items.lang), count)
        else:
            items = ins.node.items(self, st)
            if isinstance(items, Unknown):
                count = 1
            elif isinstance(items, Lazy):
                counted = Lazy(lambda m: len(items.at(m)), items.why or (lambda m: f"the loop on line {ins.line} "
                               f"runs {len(items.at(m))} time(s)"), items.tags, items.lang)
                counted.origin = items.origin
                count = self.fork(st, counted, payload=items)
                self._loop_region(st, ins, counted, count)
            else:
                count = len(items)
        del expr_value
        st.loops.append(Loop(st.pc, items, count, 0, var, st.depth))
        st.pc += 1

    def _loop_region(self, st: State, ins: Ins, counted: Lazy, count: int) -> None:
        """A loop over a filtered WMI query runs or not depending on the computer: what it does
        inside is a branch, like the body of an If."""
        if count and "wql" in counted.tags:
            dec = Decision(ins.line, f"the WMI query on line {ins.line}", counted, count)
            st.trail = st.trail[-7:] + (dec,)
            end = self.program.code[st.pc + 1].a
            st.regions.append(Region(st.pc + 1, end, (dec,), st.depth))

    def each_next(self, st: State, ins: Ins) -> None:
        lp = st.loops[-1] if st.loops else None
        if lp is None or lp.init_pc != st.pc - 1 or lp.i >= lp.count:
            if lp is not None and lp.init_pc == st.pc - 1:
                st.loops.pop()
            st.pc = ins.a
            return
        i = lp.i
        lp.i += 1
        items = lp.items
        if isinstance(items, Unknown):
            value = items
        elif isinstance(items, Lazy):
            value = Lazy(lambda m: items.at(m)[i], items.why, items.tags, items.lang)
            value.origin = items.origin
        else:
            value = items[i]
        st.set(lp.var, value)
        st.pc += 1

    # -- Sub calls --------------------------------------------------------------------------
    def enter(self, st: State, name: str, args: list, line: int, result_to: str | None = None,
              result_from: str | None = None) -> None:
        """Run a Sub or Function in this run (its branches are the script's branches); a Function
        called in an expression hands its value to ``result_to`` when it returns."""
        proc = self.program.procs.get(name.lower())
        if proc is None:
            raise Stop("error", line, f"there is no Sub or Function named {name}")
        pc, params, _kind = proc
        st.frames.append(Frame(st.pc + 1, st.vars, st.loops, st.regions, name, result_to, result_from))
        defaults = self.program.defaults.get(name.lower(), {})
        st.vars = {}
        for n, p in enumerate(params):
            key = p.lower()
            if n < len(args) and args[n] is not MISSING:
                st.vars[key] = args[n]
            elif key in defaults:
                st.vars[key] = self.value_of(st, defaults[key])
            else:
                st.vars[key] = None
        if result_from:
            st.vars[result_from] = None
        st.loops = []
        st.regions = list(st.regions)
        st.pc = pc

    def read_names(self, test) -> list[str]:
        """The variables a test reads (set by the language module)."""
        return []

    def value_of(self, st: State, node):
        """A parameter's default, in the language of the script (set by the language module)."""
        return None

    def ret(self, st: State) -> None:
        if not st.frames:
            raise Stop("end", self._line(st), "the script ends")
        frame = st.frames.pop()
        value = (st.vars or {}).get(frame.result_from) if frame.result_to else None
        st.pc, st.vars, st.loops, st.regions = frame.return_pc, frame.vars, frame.loops, frame.regions
        if frame.result_to:
            st.set(frame.result_to, value)
            got = st.origins.get((frame.result_from or "").lower())
            if got:
                st.origins[frame.result_to.lower()] = (got[0], got[1], f"the value {frame.name}() returns")


MISSING = object()  # an argument not given: the parameter's default applies


class FunctionCall:
    """A user Function called inside an expression, hoisted in front of its statement: it runs in the
    main run, so what it does under a test (V01: ``sVersion = "Windows XP"``) is a branch of the script."""

    def __init__(self, name: str, args: list, result_to: str, result_from: str, evaluate, line: int) -> None:
        self.name, self.args, self.result_to, self.result_from = name, args, result_to, result_from
        self.evaluate, self.line = evaluate, line

    def call(self, rt, st) -> None:
        rt.line = self.line
        values = [self.evaluate(rt, st, a) for a in self.args]
        rt.enter(st, self.name, values, self.line, self.result_to, self.result_from)

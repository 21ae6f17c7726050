"""Run a batch file on every simulated computer at once.

The parsed script is flattened into a short instruction list (tests and loops become jumps),
so a state is just a position plus variables and can be copied when the computers disagree.
cmd's rules kept here: ``%var%`` is expanded with the values from the start of the logical
line (a block is one line), ``goto`` ends every ``for`` loop, ``call :label`` returns at
``goto :eof`` / ``exit /b`` / the end of the file, and a missing label stops the script.
"""

from __future__ import annotations

import re

from dataclasses import dataclass

from sbskit.core.osver.scripteval import batch_control as ctl
from sbskit.core.osver.scripteval import batch_cmd as cmds
from sbskit.core.osver.scripteval import batch_exec as ex
from sbskit.core.osver.scripteval import batch_parse as bp
from sbskit.core.osver.scripteval.batch_state import State, Stop
from sbskit.core.osver.scripteval.carried import carried
from sbskit.core.osver.scripteval.machines import Machine
from sbskit.core.osver.scripteval.runtime import Decision, Forking, Outcome, Region, RunLimits
from sbskit.core.osver.scripteval.values import Lazy, Unknown


# --- instructions --------------------------------------------------------------------------
@dataclass(eq=False)
class Ins:
    op: str  # label snap exec if andor jmp for_init for_next
    line: int
    node: object = None
    a: int = 0  # if: else pc; andor/for_init/for_next: end pc; jmp: target
    b: int = 0  # if: end pc
    jumps: bool = False  # the guarded commands contain goto/call/exit
    effects: bool = False  # the guarded commands change variables, files or control flow
    has_else: bool = False
    sets: tuple = ()  # the variables the guarded commands (then part) set


JUMP_NAMES = {"goto", "call", "exit"}


def _walk(node):
    if node is None:
        return
    yield node
    for attr in ("items", "commands"):
        for child in getattr(node, attr, None) or []:
            yield from _walk(child)
    for attr in ("left", "right", "then", "otherwise", "body"):
        child = getattr(node, attr, None)
        if child is not None:
            yield from _walk(child)


def _sets(node) -> tuple:
    from sbskit.core.osver.scripteval.batch_control import _set_targets

    return tuple(dict.fromkeys(n.lower() for n in _set_targets(node))) if node is not None else ()


def has_jump(node) -> bool:
    return any(isinstance(n, bp.Simple) and n.name in JUMP_NAMES for n in _walk(node))


def has_effects(node, ctx: dict | None = None) -> bool:
    """Whether the commands can change what the script later tests: variables, a goto or exit,
    a file the script reads again, or a call to a subroutine that does one of these. (A guard
    like ``if exist \\\\server\\share (net use ... & call :log)`` has none: it can be skipped.)"""
    ctx = ctx or {}
    for n in _walk(node):
        if isinstance(n, bp.Simple):
            if n.name in ("set", "setlocal", "endlocal", "shift", "goto", "exit"):
                return True
            if n.name == "call":
                target = (bp.literal(n.args[0]) or "").lower() if n.args else ""
                if not target.startswith(":") or ctx.get("labels", {}).get(target[1:], True):
                    return True
            for r in n.redirects:
                if r.op in (">", ">>"):
                    path = (bp.literal(r.target) or "").strip('"').lower()
                    if path not in ("nul", "") and (not path or path in ctx.get("read", {path})):
                        return True
        if isinstance(n, bp.For) and has_effects(n.body, ctx):
            return True
    return False


def effect_context(statements: list) -> dict:
    """What has_effects needs to know about the whole script: which subroutines change state,
    and which files the script reads back."""
    read: set[str] = set()
    for stmt in statements:
        for n in _walk(stmt):
            if isinstance(n, bp.Simple) and n.name in ("type", "find", "findstr", "more", "sort"):
                read |= {(bp.literal(a) or "?").strip('"').lower() for a in n.args[1:]}
            if isinstance(n, bp.Simple):
                read |= {(bp.literal(r.target) or "?").strip('"').lower() for r in n.redirects if r.op == "<"}
            if isinstance(n, bp.For) and n.source_parsed is None:
                read.add(n.source.strip().strip('"').lower())
    ctx: dict = {"read": read, "labels": {}}
    sections: dict[str, list] = {}
    current = None
    for stmt in statements:
        if isinstance(stmt, bp.Label):
            current = sections.setdefault(stmt.name, []) if stmt.name else current
        elif current is not None:
            current.append(stmt)
    for _round in range(3):  # calls inside subroutines, a few levels deep
        for name, body in sections.items():
            ctx["labels"][name] = any(has_effects(_until_return(body), ctx) for _ in [0])
    return ctx


def _until_return(body: list) -> bp.Block:
    out = []
    for stmt in body:
        if isinstance(stmt, bp.Simple) and stmt.name in ("goto", "exit"):
            target = bp.word_text(stmt.rest).strip().lower()
            if target in (":eof", "/b") or target.startswith("/b"):
                break
        out.append(stmt)
    return bp.Block(out, 0)


class Program:
    def __init__(self, statements: list) -> None:
        self.ctx = effect_context(statements)
        self.code: list[Ins] = []
        self.labels: dict[str, list[int]] = {}
        for stmt in statements:
            if isinstance(stmt, bp.Label):
                if stmt.name:
                    self.labels.setdefault(stmt.name, []).append(len(self.code))
                    self.code.append(Ins("label", stmt.line, stmt))
                continue
            if isinstance(stmt, bp.Unreadable):
                self.code.append(Ins("unreadable", stmt.line, stmt))
                continue
            self.code.append(Ins("snap", stmt.line))
            self._compile(stmt)
        self.label_lines = {name: self.code[pcs[0]].line for name, pcs in self.labels.items()}

    def emit(self, ins: Ins) -> Ins:
        self.code.append(ins)
        return ins

    def _compile(self, node) -> None:
        if node is None:
            return
        if isinstance(node, (bp.Seq, bp.Block)):
            for item in node.items:
                self._compile(item)
        elif isinstance(node, (bp.Simple, bp.Pipe)):
            self.emit(Ins("exec", node.line, node))
        elif isinstance(node, bp.AndOr):
            self._compile(node.left)
            ins = self.emit(Ins("andor", node.line, node, jumps=has_jump(node.right), effects=has_effects(node.right, self.ctx),
                                sets=_sets(node.right)))
            self._compile(node.right)
            ins.a = len(self.code)
        elif isinstance(node, bp.If):
            ins = self.emit(Ins("if", node.line, node, jumps=has_jump(node.then) or has_jump(node.otherwise),
                                effects=has_effects(node.then, self.ctx) or has_effects(node.otherwise, self.ctx),
                                has_else=node.otherwise is not None, sets=_sets(node.then)))
            self._compile(node.then)
            if node.otherwise is not None:
                jmp = self.emit(Ins("jmp", node.line))
                ins.a = len(self.code)
                self._compile(node.otherwise)
                jmp.a = len(self.code)
                ins.b = len(self.code)
            else:
                ins.a = ins.b = len(self.code)
        elif isinstance(node, bp.For):
            init = self.emit(Ins("for_init", node.line, node))
            nxt = self.emit(Ins("for_next", node.line, node))
            self._compile(node.body)
            self.emit(Ins("jmp", node.line, a=init.a))
            self.code[-1].a = self.code.index(nxt)
            init.a = nxt.a = len(self.code)
        else:  # pragma: no cover - parser produces nothing else
            raise TypeError(node)

    def find_label(self, name: str, after: int) -> int | None:
        pcs = self.labels.get(name.lower())
        if not pcs:
            return None
        for pc in pcs:
            if pc > after:
                return pc
        return pcs[0]


class Runner(Forking):
    """Runs one program over all computers; ``outcomes`` collects how each group ended."""

    def __init__(self, program: Program, machines: list[Machine], initial_vars, cmd_file: bool = False) -> None:
        self.control = ctl.control  # goto/call/exit, for the command modules (they do not import each other)
        self.program = program
        self.outcomes: list[Outcome] = []
        self.covered: set[int] = set()
        self.notes: list[tuple[int, str]] = []
        self.lang_sensitive = False
        self.pending: list[State] = []
        self.forks = 0
        self.states = 0
        self.decisions: list[Decision] = []
        self.memo: dict = {}  # tests already built on the same values (their answers are cached per computer)
        nt = [m for m in machines if m.is_nt]
        old = [m for m in machines if not m.is_nt]
        for envs, dialect in ((nt, "cmd"), (old, "command.com")):
            if envs:
                st = State(envs=envs, dialect=dialect, cmd_file=cmd_file)
                st.vars = initial_vars(envs)
                st.snap = st.vars
                self.pending.append(st)

    def run(self) -> None:
        while self.pending:
            st = self.pending.pop()
            self.states += 1
            try:
                if self.states > RunLimits.max_states:
                    raise Stop("not-evaluated", self.program.code[st.pc].line if st.pc < len(self.program.code) else 0,
                               "too many different paths through the script")
                self.step(st)
            except Stop as stop:
                self.finish(st, stop.status, stop.line, stop.note, stop.decision)

    def finish(self, st: State, status: str, line: int, note: str, decision: Decision | None = None) -> None:
        if decision is None and status == "error" and st.trail:
            decision = st.trail[-1]
        finals = tuple((name, setter + (st.var_misses.get(name, ()),)) for name, setter in st.setters.items())
        self.outcomes.append(Outcome(tuple(m.idx for m in st.envs), status, line, note, tuple(st.hits), st.assumptions,
                                     tuple(st.chain), decision, finals, tuple(st.misses), st.lacking))
        if status == "not-evaluated" and st.dialect == "cmd":
            self.notes.append((line, f"not evaluated from line {line}: {note}"))

    # -- the main loop ---------------------------------------------------------------------
    def step(self, st: State) -> None:
        code = self.program.code
        while True:
            if st.pc >= len(code):
                if st.frames:
                    self.return_from_call(st)
                    continue
                raise Stop("end", code[-1].line if code else 0, "end of script")
            st.steps += 1
            if st.steps > RunLimits.max_steps:
                raise Stop("not-evaluated", code[st.pc].line, "the script loops (more than "
                           f"{RunLimits.max_steps} steps)")
            ins = code[st.pc]
            regions = st.regions
            while regions and regions[-1].depth == st.depth and not regions[-1].start <= st.pc < regions[-1].end:
                regions.pop()
            self.covered.add(ins.line)
            op = ins.op
            if op == "snap":
                st.snap = st.vars
                st.snap_el = st.errorlevel
                st.pc += 1
            elif op == "label":
                ex.action(st, "label", ":" + ins.node.name, ins.line, ins.node.text.strip(), at_line=ins.line)
                st.pc += 1
            elif op == "exec":
                cmds.exec_node(self, st, ins.node)
            elif op == "jmp":
                st.pc = ins.a
            elif op == "unreadable":
                raise Stop("not-evaluated", ins.line, f"cmd reaches line {ins.line}, which the checker cannot read "
                                                      f"(`{ins.node.text[:60]}`)")
            elif op in ("if", "andor"):
                if st.resume is not None:
                    (value, cond), st.resume = st.resume, None
                else:
                    cond = ctl.condition(self, st, ins)
                    if isinstance(cond, bool) and st.origins and ins.op == "if":
                        cond = carried(cond, _read_vars(ins.node), st.origins, ctl.test_text(ins), ins.line)
                    value = self.fork(st, cond) if isinstance(cond, Lazy) else cond
                if isinstance(value, Unknown):
                    ctl.unknown_test(self, st, ins, value)
                    continue
                dec = Decision(ins.line, ctl.test_text(ins), cond, value) if isinstance(cond, Lazy) else None
                if dec is not None:
                    st.trail = st.trail[-7:] + (dec,)
                    if cond.intent is not None:
                        dec.envs = tuple(m.idx for m in st.envs)
                        self.decisions.append(dec)
                self.take(st, ins, value, dec)
            elif op == "for_init":
                ctl.for_init(self, st, ins)
            elif op == "for_next":
                ctl.for_next(self, st, ins)
            else:  # pragma: no cover
                raise RuntimeError(op)

    def take(self, st: State, ins: Ins, value, dec: Decision | None) -> None:
        """Follow a test's answer: into the guarded commands, the else part, or past them."""
        if value is None:
            if st.dialect != "command.com":
                raise Stop("error", ins.line, f"cmd stops here: {ex_syntax(ins)}", dec)
            value = False  # command.com says "Syntax error" and goes on with the next line
        end_then = ins.a
        decisions = (dec,) if dec is not None else ()
        if value:
            st.regions.append(Region(st.pc + 1, end_then, decisions, st.depth))
            st.pc += 1
        elif ins.op == "if" and ins.has_else:
            st.regions.append(Region(ins.a, ins.b, decisions, st.depth))
            st.pc = ins.a
        else:
            if dec is not None and ins.jumps:
                st.chain.append(dec)
            if dec is not None and not ins.jumps:
                st.misses = st.misses[-3:] + (dec,)
            if dec is not None:
                for name in ins.sets:  # the value it would have set stays what it was: remember why
                    st.var_misses[name] = st.var_misses.get(name, ())[-3:] + (dec,)
                    st.origins.setdefault(name, (ins.line, (dec,), name))
            st.pc = ins.a if ins.op == "andor" else ins.b

    # -- calls ----------------------------------------------------------------------------
    def return_from_call(self, st: State) -> None:
        frame = st.frames.pop()
        while len(st.locals) > frame.locals_depth:
            st.vars, st.delayed = st.locals.pop()
        st.pc = frame.return_pc
        st.args = frame.args
        st.snap, st.snap_el = frame.snap, frame.snap_el
        st.loops = frame.loops
        st.regions = frame.regions

    def goto(self, st: State, name: str, line: int) -> None:
        if name.lower() == ":eof":
            self.leave(st, line)
            return
        target = self.program.find_label(name.lstrip(":"), st.pc)
        if target is None:
            raise Stop("error", line, f"cmd stops: the label :{name.lstrip(':')} does not exist "
                                      "(\"The system cannot find the batch label specified\")")
        st.loops = [lp for lp in st.loops if lp.depth < st.depth]
        st.regions = [r for r in st.regions if r.depth < st.depth]
        if target <= st.pc:  # a jump back (a menu, a retry): once with the same data is enough
            seen = (target, _shape(st.vars), _shape({"": st.errorlevel}), _shape(dict(enumerate(st.args))))
            if seen in st.back_jumps:
                raise Stop("end", line, f"goes back to :{name.lstrip(':')} with nothing changed that the script "
                                        "tests (a menu or retry loop), which was already followed")
            st.back_jumps = st.back_jumps | {seen}
        st.pc = target

    def leave(self, st: State, line: int) -> None:
        """goto :eof / exit /b: back to the caller, or the end of the script."""
        if st.frames:
            self.return_from_call(st)
        else:
            raise Stop("end", line, "the script ends (goto :eof / exit)")


def _shape(values: dict) -> tuple:
    """What a jump back sees: plain values as they are, an outside answer by where it comes from
    (the user's next answer to the same prompt is the same unknown), a per-computer value by identity."""
    def one(v):
        if isinstance(v, Unknown):  # what the user types at any prompt is the same unknown
            return ("?", re.sub(r"line \d+", "", v.why))
        return v if isinstance(v, (str, int, bool)) or v is None else ("#", id(v))
    return tuple(sorted((str(k), one(v)) for k, v in values.items()))


def _read_vars(node) -> list[str]:
    """The variables an if test reads (%X%, !X!, if defined X)."""
    if node.kind == "defined":
        return [bp.literal(node.args[0]) or ""] if node.args else []
    words = [node.args[0], node.args[2]] if node.kind == "compare" else list(node.args)
    return [p[1] for w in words for p in w if p[0] in ("var", "dvar")]


def ex_syntax(ins: Ins) -> str:
    return f"`{ex_text(ins)}` is a syntax error when a side of the comparison is empty or has spaces"


def ex_text(ins: Ins) -> str:
    return getattr(ins.node, "text", "")

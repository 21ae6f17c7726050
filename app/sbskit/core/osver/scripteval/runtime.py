"""What every script evaluator shares: decisions, branches reached, outcomes, and the state
that is split whenever the simulated computers disagree about a test.

One state stands for a group of computers that have behaved the same so far. A test whose
answer differs between them splits the state, one part per answer, so a 500-line script is
run once per distinct behaviour, not once per computer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sbskit.core.osver.scripteval.machines import Machine
from sbskit.core.osver.scripteval.values import Lazy


@dataclass(eq=False)
class Decision:
    """A test whose answer depended on the computer: where it is, what it says, which way it went."""

    line: int
    text: str
    cond: Lazy
    outcome: Any
    envs: tuple = ()  # machine numbers that took this decision (kept for comparisons, see findings)
    assumed: bool = False  # an outside thing decided (both ways were followed): no proof

    def because(self, m: Machine) -> str:
        if self.cond.why is not None:
            return self.cond.why(m)
        return f"{self.text} is {'true' if self.outcome else 'false'} (line {self.line})"


@dataclass(eq=False)
class Hit:
    """A branch one group of computers reached: a label (goto/call/fall-through) or a command
    run under a test (echo, set, any other command)."""

    key: str  # ":label" or "line N"
    kind: str  # label | echo | set | cmd | exit | call
    line: int  # where the branch is (the label's line, or the command's line)
    via: str  # condition | default | fall-through
    decisions: tuple  # the decisions that led here, outermost first
    desc: str  # what runs there, as written
    at_line: int  # where the jump or command was executed
    details: list = field(default_factory=list)
    after: tuple = ()  # tests that failed just before this one (a goto chain): they narrow what it is for


@dataclass
class Outcome:
    """How a run ended for a group of computers."""

    machines: tuple[int, ...]
    status: str  # end | error | not-evaluated | not-run
    line: int
    note: str
    hits: tuple
    assumptions: tuple = ()
    chain: tuple = ()  # computer-dependent jumps that were not taken before the end
    decision: Decision | None = None  # the test that stopped the script (status error)
    finals: tuple = ()  # (variable, (line, desc, conditional, decisions)): who set each variable last
    misses: tuple = ()  # computer-dependent tests that were false and guarded no jump (batch)
    lacking: tuple = ()  # (line, command, {machine idx: what is missing}) run on releases that lack it
    fell: tuple = ()  # the last tests of version switches (Select Case, elseif chains) that all failed here

    def because(self, m: Machine) -> str:
        """Why the run ended this way on ``m`` (for 'cmd stops' outcomes)."""
        return self.decision.because(m) if self.decision is not None else self.note


@dataclass
class Region:
    start: int
    end: int
    decisions: tuple
    depth: int
    hit: int | None = None


class RunLimits:
    max_states = 400
    max_steps = 20000
    max_unknown_forks = 24


@dataclass
class RunResult:
    """Everything one script run produced, ready for the matrix and the findings."""

    language: str
    outcomes: list[Outcome]
    covered: set[int]
    lang_sensitive: bool
    notes: list[tuple[int, str]]  # (line, "not evaluated from line N: why") and the like
    branches: dict  # key -> static information about the branch (label line, text, section)
    languages: tuple[str, ...] = ()
    decisions: list = field(default_factory=list)  # comparisons with an intent (see findings.intent_findings)


def inline_key(keymap: dict, line: int, desc: str) -> str:
    """'line N' for the first command run under a test on a line; 'line N: <command>' for others
    on the same line (if (...) { 'a' } else { 'b' } has two branches on one line)."""
    first = keymap.setdefault(line, desc)
    return f"line {line}" if first == desc else f"line {line}: {desc}"


_PARTITIONS: dict = {}  # (group of computers, the values a test reads) -> the computers by distinct input


def split_groups(envs: list[Machine], cond: Lazy) -> dict[Any, list[Machine]]:
    """Computers grouped by the answer of ``cond``. The answer is a pure function of its leaf
    values, so it is computed once per distinct set of leaf values (a build number, a ver line),
    not once per computer; and the computers of a group are sorted by those inputs only once for
    all the tests that read the same values (a 500-line script asks about %BUILD% again and again)."""
    leaves = cond.leaves
    if cond in leaves or len(leaves) > 6:
        groups: dict[Any, list[Machine]] = {}
        for m in envs:
            groups.setdefault(cond.at(m), []).append(m)
        return groups
    key = (id(envs), tuple(id(leaf) for leaf in leaves))
    cached = _PARTITIONS.get(key)
    if cached is None or cached[0] is not envs or cached[1] != leaves:
        partition: dict[Any, list[Machine]] = {}
        for m in envs:
            try:
                vals = tuple(leaf.at(m) for leaf in leaves)
                hash(vals)
            except TypeError:  # an unhashable leaf value: no sharing for this computer
                vals = ("#", m.idx)
            partition.setdefault(vals, []).append(m)
        if len(_PARTITIONS) > 4096:
            _PARTITIONS.clear()
        cached = _PARTITIONS[key] = (envs, leaves, list(partition.values()))
    groups = {}
    for members in cached[2]:
        answer = cond.at(members[0])  # the same inputs give the same answer: fan it out
        for m in members[1:]:
            cond._cache[m.idx] = answer
        groups.setdefault(answer, []).extend(members)
    return groups


class Forking:
    """What both runners (cmd and the structured languages) share: splitting a state by a test's answer.

    The runner has ``pending`` (states still to run) and ``lang_sensitive``; a state has ``envs``,
    ``clone(envs)`` and ``resume``.
    """

    pending: list
    lang_sensitive: bool

    def fork(self, st, cond: Lazy, payload=None):
        """Split ``st`` by the answer of ``cond``; other answers go to new queued states that
        resume the same instruction with their answer. Returns the answer ``st`` keeps."""
        if cond.lang:
            self.lang_sensitive = True
        items = list(split_groups(st.envs, cond).items())
        for value, envs in items[:-1]:
            child = st.clone(envs)
            child.resume = (value, cond if payload is None else payload)
            self.pending.append(child)
        value, envs = items[-1]
        if len(items) > 1:  # unchanged group: keep the same list (its inputs are already sorted, see split_groups)
            st.envs = envs
        return value


def in_languages(make: Callable[[tuple], Any], languages: tuple) -> tuple[Any, tuple]:
    """Run in the first language; again in all of them only when the answer depended on the language."""
    runner = make((languages[0],))
    if runner.lang_sensitive and len(languages) > 1:
        return make(languages), languages
    return runner, (languages[0],)

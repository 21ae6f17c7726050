"""The result of running a script: release x language -> the branch(es) reached, or no branch.

Columns are the branches (a label, or a command run under a test), each with the Windows it
is meant for (:mod:`meaning`). A cell can hold more than one branch when the script's path
depends on something outside it (``if exist \\\\server\\share``); those cells carry the
assumptions that decide between them.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from sbskit.core.osver.releases import Release
from sbskit.core.osver.scripteval.machines import Machine, machines, sim_releases
from sbskit.core.osver.scripteval.meaning import Meaning, branch_meaning, meaning_of, setting_text
from sbskit.core.osver.scripteval.runtime import Hit, Outcome, RunResult


@dataclass
class Branch:
    key: str
    kind: str
    line: int
    desc: str
    meaning: Meaning | None
    texts: list[str] = field(default_factory=list)
    tests: frozenset = frozenset()  # for a meaning read from tests: those tests (ids of their conditions)

    @property
    def title(self) -> str:
        if self.key.startswith(":"):
            return f"{self.key} (line {self.line})"
        return f"line {self.line} ({self.desc})"

    def meant_for(self) -> str:
        if self.meaning is None:
            return "no particular Windows"
        if self.meaning.default:
            return "releases the script does not know (a default branch)"
        return describe_ids(self.meaning.releases)


@dataclass
class Cell:
    """One release in one language: the outcomes of every path it took."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def hits(self) -> list[Hit]:
        seen, out = set(), []
        for o in self.outcomes:
            for h in live_hits(o.hits):
                if h.key not in seen:
                    seen.add(h.key)
                    out.append(h)
        return out

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(h.key for h in self.hits)

    @property
    def status(self) -> str:
        statuses = {o.status for o in self.outcomes}
        for s in ("not-run", "not-evaluated", "error"):
            if s in statuses:
                return s
        return "branch" if self.hits else "none"

    @property
    def assumed(self) -> bool:
        return any(o.assumptions for o in self.outcomes)

    def signature(self) -> tuple:
        return (self.keys, self.status)


def set_name(hit: Hit) -> str | None:
    """The variable a ``set`` branch assigns ("set OSNAME=Windows 10" -> "osname")."""
    if hit.kind != "set":
        return None
    text = hit.desc[4:] if hit.desc.lower().startswith("set ") else hit.desc
    text = text.strip().strip('"')
    return text.split("=", 1)[0].strip().lower() if "=" in text else None


def live_hits(hits) -> list[Hit]:
    """The branches of one run that still count at its end: a ``set`` whose variable a later branch of
    the same run sets again was overwritten (``find "5.2" && set OS=2003`` then ``find "10.0" && set
    OS=10`` leaves OS=10 on 10.0.19045.2006), so only the value in effect is judged."""
    last: dict[str, int] = {}
    for i, h in enumerate(hits):
        name = set_name(h)
        if name:
            last[name] = i
    return [h for i, h in enumerate(hits) if (name := set_name(h)) is None or last[name] == i]


def describe_ids(ids, limit: int = 4) -> str:
    return _describe(frozenset(ids), limit)


@functools.lru_cache(maxsize=4096)
def _describe(ids: frozenset, limit: int) -> str:
    rels = [r for r in sim_releases() if r.id in ids]
    names: list[str] = []
    for r in sorted(rels, key=lambda r: r.build):
        name = r.product if r.kind != "9x" else r.product
        if name not in names:
            names.append(name)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


@dataclass
class Matrix:
    language: str  # script language
    languages: tuple[str, ...]
    language_independent: bool
    releases: list[Release]
    branches: dict[str, Branch]
    cells: dict[tuple[str, str], Cell]
    notes: list[tuple[int, str]]

    def cell(self, release_id: str, lang: str) -> Cell:
        if self.language_independent:
            lang = self.languages[0]
        return self.cells.get((release_id, lang), Cell())

    def distinct_outcomes(self):
        """Every outcome once: a group of computers ends in one outcome shared by all its cells."""
        seen = set()
        for cell in self.cells.values():
            for o in cell.outcomes:
                if id(o) not in seen:
                    seen.add(id(o))
                    yield o

    def row_differs(self, release_id: str) -> bool:
        sigs = {self.cell(release_id, lang).signature() for lang in self.languages}
        return len(sigs) > 1

    def cell_text(self, cell: Cell) -> str:
        if cell.status == "not-run":
            return "does not run here"
        if cell.status == "not-evaluated":
            o = next(o for o in cell.outcomes if o.status == "not-evaluated")
            return f"not evaluated (line {o.line})"
        parts = [self.branches[k].title if k in self.branches else k for k in cell.keys]
        text = "; ".join(parts) if parts else "no branch"
        if cell.status == "error":
            o = next(o for o in cell.outcomes if o.status == "error")
            text += f" (cmd stops, line {o.line})"
        if cell.assumed and len({o.hits for o in cell.outcomes}) > 1:
            text += " (depends on things outside the script)"
        return text

    def rows_doc(self, today: _dt.date | None = None) -> list[dict[str, Any]]:
        """One entry per release and language: the branch reached (the first, when a run passes
        several), its line, every branch reached, and the status (branch, none, error, ...)."""
        today = today or _dt.date.today()
        out = []
        for r in self.releases:
            version, supported = _version(r), r.supported(today)
            for lang in self.languages_all:
                cell = self.cell(r.id, lang)
                first = self.branches.get(cell.keys[0]) if cell.keys else None
                out.append({"release": r.label, "release_id": r.id, "version": version, "family": r.family,
                            "supported": supported, "language": lang,
                            "reached": first.key if first else None, "line": first.line if first else None,
                            "branches": list(cell.keys), "status": cell.status, "text": self.cell_text(cell)})
        return out

    @property
    def languages_all(self) -> tuple[str, ...]:
        """Every language: a run that read no translated text is the same in all of them."""
        from sbskit.core.osver.scripteval.machines import LANGUAGES

        return LANGUAGES if self.language_independent else self.languages

    def branches_doc(self) -> list[dict[str, Any]]:
        return [{"key": b.key, "line": b.line, "title": b.title, "kind": b.kind,
                 "meant_for": None if b.meaning is None or b.meaning.default else sorted(b.meaning.releases),
                 "default": bool(b.meaning and b.meaning.default)} for b in self.branches.values()]


def _version(r: Release) -> str:
    sample = next((m for m in machines() if m.release.id == r.id), None)
    return sample.full_version if sample else r.version


def _branch_texts(hit: Hit, sections: dict) -> list[str]:
    """What gives a branch its meaning: a label's name and the echo/set texts of its section;
    for a command run under a test, its echo text or the value it sets (other commands: none)."""
    if hit.key.startswith(":"):
        sec = sections.get(hit.key, {})
        texts = [hit.key[1:]] + [n for n in sec.get("stack", []) if n != hit.key[1:]] + \
            [t for _k, t in sec.get("texts", [])[:4]]
        for target in sec.get("jumps", [])[:4]:  # a section that branches on: what its sub-branches are for
            sub = sections.get(target, {})
            texts += [target[1:]] + [t for _k, t in sub.get("texts", [])[:2]]
        return texts
    texts = []
    if hit.kind == "call" and hit.key.startswith("line "):  # call :sub Windows XP 64 Bit: the words and the sub
        label, _, args = hit.desc.partition(" ")[2].partition(" ")
        sec = sections.get(label.lower(), {})
        said = meaning_of(args) if args.strip() else None  # the words passed tell this call apart from the others
        texts += [args] if said is not None else [t for _k, t in sec.get("texts", [])[:4]]
    details = [] if hit.kind == "call" else list(hit.details[:3])  # what a called sub prints is not this call's
    for desc in [hit.desc] + details:
        word, _, rest = desc.partition(" ")
        if word.lower() == "echo":
            texts.append(rest)
        elif word.lower() == "set" and "=" in rest:
            name, _, value = rest.strip().strip('"').partition("=")
            said = setting_text(name, value)
            if said:
                texts.append(said)
        elif word.lower() in ("wscript.echo", "write-host", "write-output", "msgbox", "echo:", "write-warning",
                              "write-error"):
            texts.append(rest)
    return texts


END_LABEL = re.compile(r"(?i)^:(end|exit|eof|done|quit|finish|fin|ende|out|bye|cleanup)\w*$")


def tested_meaning(hits: list[Hit]) -> Meaning | None:
    """What the tests leading to a branch look for: ``find "5.1"`` then ``set datestamp=...`` is the XP
    branch; the way out of a chain of failed tests is meant for everything they did not look for."""
    from sbskit.core.osver.scripteval.intent import side_meaning

    found: set[str] = set()
    core: set[str] = set()
    negated = []
    seen: set[tuple] = set()
    for h in hits:
        if not h.decisions or h.decisions[-1].assumed:
            continue
        if h.via == "condition":
            d = h.decisions[-1]
            name = set_name(h)
            if name and f"%{name}" in d.text.lower():
                return None  # it reads the tested value again (ProductName says 10, ask WMI): not a verdict
            key = tuple(id(x.cond) for x in h.decisions) + tuple(id(x.cond) for x in h.after)
            if key in seen:
                continue
            seen.add(key)
            path = list(h.decisions) + list(h.after)  # the tests it passed, and the chain tests it failed first
            sides = [x for x in (side_meaning(x.cond, x.outcome) for x in path if not x.assumed) if x]
            if not sides or side_meaning(d.cond, d.outcome) is None:
                return None  # some way into this branch does not say what it is for
            found |= frozenset.intersection(*(frozenset(x[0]) for x in sides))  # nested tests: all of them hold
            core |= frozenset.intersection(*(frozenset(x[1]) for x in sides))
            negated.append(all(x[2] for x in sides))
        elif h.via in ("default", "fall-through") and h.kind != "set":
            sides = [side_meaning(d.cond, d.outcome) for d in h.decisions if not d.assumed]
            sides = [x for x in sides if x is not None]
            if not sides:
                return None
            found |= frozenset.intersection(*(frozenset(x[0]) for x in sides))
            core |= frozenset.intersection(*(frozenset(x[1]) for x in sides))
            negated.append(True)
    if not found:
        return None
    return Meaning(frozenset(found), source="what its test looks for", core=frozenset(core),
                   negated=bool(negated) and all(negated), derived=True)


def _add_tested(b: Branch, hits: list[Hit]) -> None:
    """A label the script jumps to from several tests (``find "XP"`` and ``find "2000"`` both ``goto
    ver_xp``) is meant for what each of those tests looks for, whatever the label says."""
    import dataclasses

    jumps = [h for h in hits if h.via == "condition"]
    if len({h.at_line for h in jumps}) < 2:
        return  # one test, one label: the label says what that test is for ("10.0" -> :win10 stays a bug)
    nt = sum(1 for r in sim_releases() if r.kind != "9x")
    for at_line in sorted({h.at_line for h in jumps}):
        tested = tested_meaning([h for h in jumps if h.at_line == at_line])
        if tested is None or tested.negated or len(tested.surely) >= 0.5 * nt or tested.surely & b.meaning.surely:
            continue  # says nothing in particular, or is the test the label is named after
        b.meaning = dataclasses.replace(b.meaning, releases=b.meaning.releases | tested.releases,
                                        core=frozenset(b.meaning.surely) | tested.surely)


def _newest_default_or_later(branches: dict, reached: dict) -> None:
    """The way out of a chain of failed tests, named for the newest Windows the script knows (``goto
    Win2003`` after the 2000 and XP tests), means "that one and later": written before the later ones."""
    import dataclasses

    by_id = {r.id: r for r in sim_releases()}
    named = {k: b for k, b in branches.items() if b.meaning is not None and not b.meaning.default and
             not b.meaning.negated and not b.meaning.refusal and not b.meaning.derived and b.meaning.surely}
    if len(named) < 2:
        return
    newest = {k: max(by_id[i].build for i in b.meaning.surely) for k, b in named.items()}
    for key, b in named.items():
        hits = reached.get(key, [])
        if not hits or any(h.via != "default" or h.kind != "label" for h in hits) or \
                newest[key] < max(newest.values()):
            continue  # only an explicit "goto X" after the tests, not a fall-through or an echo
        low = min(by_id[i].build for i in b.meaning.surely)
        later = frozenset(r.id for r in sim_releases() if r.kind != "9x" and r.build >= low)
        b.meaning = dataclasses.replace(b.meaning, releases=b.meaning.releases | later,
                                        core=frozenset(b.meaning.surely) | later)


def kept_defaults(outcomes: list[Outcome]) -> None:
    """A variable some releases set under a test (``if ... set DRIVER=win7``) and others keep from an
    unconditional ``set DRIVER=xp`` before: keeping it is their branch (they end up with the XP driver)."""
    flags = {set_name(h) for o in outcomes for h in o.hits if h.kind == "set"} - {None}
    for o in outcomes:
        added = []
        for name, (line, desc, conditional, misses) in o.finals:
            if name in flags and not conditional and misses:
                added.append(Hit(f"line {line}", "set", line, "default", tuple(misses), desc, line))
        if added:
            o.hits = tuple(o.hits) + tuple(added)


def build(result: RunResult) -> Matrix:
    table = sim_releases()
    ms = machines()
    branches: dict[str, Branch] = {}
    cells: dict[tuple[str, str], Cell] = {}
    kept_defaults(result.outcomes)
    reached: dict[str, list[Hit]] = {}
    for o in result.outcomes:
        for h in o.hits:
            reached.setdefault(h.key, []).append(h)
            if h.key not in branches:
                texts = _branch_texts(h, result.branches)
                meaning = branch_meaning(texts)
                sec = result.branches.get(h.key, {})
                branches[h.key] = Branch(h.key, h.kind, sec.get("line", h.line), h.desc, meaning, texts)
        for idx in o.machines:
            m: Machine = ms[idx]
            cells.setdefault((m.release.id, m.lang), Cell()).outcomes.append(o)
    for key, sec in result.branches.items():  # labels no release reaches still say what they are for
        if key not in branches and (sec.get("targets") or sec.get("texts") or
                                    (key.startswith(":") and meaning_of(key[1:]) is not None)):
            texts = ([] if sec.get("inline") else [key[1:]] + [n for n in sec.get("stack", []) if n != key[1:]]) + \
                [t for _k, t in sec.get("texts", [])[:4]]
            meaning = branch_meaning(texts)
            if meaning is not None or sec.get("targets"):
                desc = sec.get("desc") or (f"{sec['texts'][0][0]} {sec['texts'][0][1]}" if sec.get("inline")
                                           else f"goto {key[1:]}")
                branches[key] = Branch(key, "inline" if sec.get("inline") else "label", sec["line"], desc, meaning,
                                       texts)
    _newest_default_or_later(branches, reached)
    for key, b in branches.items():  # a branch that names no Windows is meant for what its test looks for
        if key not in reached or END_LABEL.match(key):
            continue
        if b.meaning is None:
            b.meaning = tested_meaning(reached[key])
            if b.meaning is not None:
                b.tests = frozenset(id(d.cond) for h in reached[key] for d in h.decisions)
        elif key.startswith(":") and not b.meaning.default and not b.meaning.negated and not b.meaning.refusal:
            _add_tested(b, reached[key])
    ordered = dict(sorted(branches.items(), key=lambda kv: (kv[1].line, kv[0])))
    langs = tuple(result.languages)
    return Matrix(result.language, langs, len(langs) == 1, list(table), ordered, cells, list(dict.fromkeys(result.notes)))

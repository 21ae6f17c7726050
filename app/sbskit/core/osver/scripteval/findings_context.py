"""What the findings need to know about a script as a whole: whether it tells clients from
servers itself, which releases its branches name in their own words, which branch was meant for a
release that went elsewhere, and where its table of Windows versions has holes."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sbskit.core.osver.scripteval.machines import Machine
from sbskit.core.osver.scripteval.matrix import Branch, Cell, Matrix
from sbskit.core.osver.scripteval.runtime import Hit


def _sim():
    from sbskit.core.osver.scripteval.machines import sim_releases

    return sim_releases()


def _near_all() -> int:
    from sbskit.core.osver.scripteval.machines import sim_releases

    return int(0.9 * sum(1 for r in sim_releases() if r.kind != "9x"))


def path_tests(cell: Cell) -> frozenset:
    """The tests a release went through (ids of their conditions)."""
    out = set()
    for o in cell.outcomes:
        for d in [d for h in o.hits for d in h.decisions] + list(o.chain) + list(o.misses) + \
                ([o.decision] if o.decision is not None else []):
            out.add(id(d.cond))
    return frozenset(out)


def _meant_elsewhere(matrix: Matrix, m: Machine, reached: Branch | None, tested: frozenset = frozenset()) \
        -> Branch | None:
    """A branch meant specifically for this release that it never reaches: one that surely names it,
    else (when it reached nothing named) one that names it loosely ("XP" for XP x64)."""
    index = getattr(matrix, "_meant_index", None)
    if index is None:
        near_all = _near_all()
        index = ({}, {})
        for b in matrix.branches.values():
            if b.meaning is not None and not b.meaning.default and not b.meaning.refusal and \
                    not b.meaning.negated and len(b.meaning.surely) <= near_all:
                for rid in b.meaning.surely:
                    index[0].setdefault(rid, []).append(b)
                products = {r.product for r in _sim() if r.id in b.meaning.surely}
                for r in _sim():  # the same product, loosely named: XP x64 for "XP"; what a test means to find
                    if r.id in b.meaning.releases and r.id not in b.meaning.surely and \
                            (b.meaning.derived or any(r.product.startswith(p) for p in products)):
                        index[1].setdefault(r.id, []).append(b)
        matrix._meant_index = index
    rid = m.release.id
    named_reach = reached is not None and reached.meaning is not None and not reached.meaning.default and \
        not reached.meaning.negated
    for level, table in enumerate(index):
        if level and named_reach:
            break
        best = None
        for b in table.get(rid, ()):
            if b is reached or (b.meaning.derived and not b.tests & tested):
                continue  # a test-read meaning counts only for releases that went through that test
            size = len(b.meaning.surely if level == 0 else b.meaning.releases)
            if named_reach and len(reached.meaning.surely) <= size:
                continue
            if best is None or size < best[0]:
                best = (size, b)
        if best is not None:
            return best[1]
    return None


def _holes(matrix: Matrix, verdicts: dict) -> frozenset:
    """Releases the script skips in the middle of a table it keeps of Windows versions: no branch for
    8.1 while 8 and 10 (the versions right before and after it) each have theirs."""
    named_versions = {(r.major, r.minor) for r in matrix.releases for _m, vs, _c in verdicts.get(r.id, [])[:1]
                      if vs[0].kind in ("ok", "wrong")}
    if len(named_versions) < 3:
        return frozenset()  # not a table of versions
    out = set()
    for family in ("client", "server"):
        rels = sorted((r for r in matrix.releases if r.family == family and r.kind != "9x" and verdicts.get(r.id)),
                      key=lambda r: r.build)
        state = {r.id: verdicts[r.id][0][1][0].kind for r in rels}
        for i, r in enumerate(rels):
            if state[r.id] != "none":
                continue
            older = next((o for o in reversed(rels[:i]) if (o.major, o.minor) != (r.major, r.minor)), None)
            newer = next((n for n in rels[i + 1:] if (n.major, n.minor) != (r.major, r.minor)), None)
            if older is not None and newer is not None and state[older.id] in ("ok", "wrong") and \
                    state[newer.id] in ("ok", "wrong"):
                out.add(r.id)
    return frozenset(out)


FAMILY_TAGS = {"wmi:producttype", "member:producttype", "reg:producttype", "reg:installationtype",
               "member:installationtype", "wmi:caption:server"}


@dataclass
class Context:
    """What the findings need to know about the script as a whole."""

    tells_families: bool  # the script tests client vs server itself (ProductType, InstallationType, ...)
    named: frozenset  # releases some branch names (leniently)
    only_guards: bool  # every named branch is a refusal ("only runs on Windows 10"): passing them is fine
    sets_values: bool = False  # some branch sets a variable: a release with no branch keeps a default or nothing
    holes: frozenset = frozenset()  # releases with no branch between versions that each have one


def names(b: Branch) -> frozenset:
    """The releases a branch names in its own words, in the family it names ("Windows 11 or later"
    names no server; "XP" names XP x64 too)."""
    meaning = b.meaning
    if meaning is None or meaning.default or meaning.refusal or meaning.negated or meaning.derived:
        return frozenset()
    return _names(meaning)


@functools.lru_cache(maxsize=4096)
def _names(meaning) -> frozenset:
    fams = meaning.families if meaning.core is None else _fams(meaning.surely)
    family = _family_of()
    return frozenset(i for i in meaning.releases if family[i] in fams)


@functools.lru_cache(maxsize=1)
def _family_of() -> dict:
    from sbskit.core.osver.scripteval.machines import sim_releases

    return {r.id: r.family for r in sim_releases()}


def _fams(ids: frozenset) -> set:
    from sbskit.core.osver.scripteval.meaning import _families

    return set(_families(frozenset(ids)))


def script_context(matrix: Matrix) -> Context:
    tells = False
    for cell in matrix.cells.values():
        for o in cell.outcomes:
            decisions = [d for h in o.hits for d in h.decisions] + list(o.chain)
            if any(set(d.cond.tags) & FAMILY_TAGS or "family" in d.cond.tags for d in decisions):
                tells = True
                break
        if tells:
            break
    named: set[str] = set()
    guards = []
    for b in matrix.branches.values():
        if b.meaning is not None and not b.meaning.default:
            guards.append(b.meaning.refusal)
            named |= names(b)
    values = any(h.kind == "set" for cell in matrix.cells.values() for o in cell.outcomes for h in o.hits
                 if h.decisions)
    return Context(tells, frozenset(named), bool(guards) and all(guards), values)


def target_of(branch: Branch) -> str:
    """Where a branch leads: the sub or label it calls or jumps to, else the branch itself."""
    if branch.key.startswith(":"):
        return branch.key
    word, _, rest = branch.desc.partition(" ")
    if word.lower() in ("call", "goto") and rest.strip().startswith(":"):
        return rest.strip().split()[0].lower()
    return branch.key


def _same_place(matrix: Matrix, reached: Branch, m: Machine) -> bool:
    """The branches that name this release all lead where it went anyway (``call :PS2 Windows 8`` and
    ``call :PS2 Windows Server 2012``): only the words differ."""
    index = getattr(matrix, "_names_index", None)
    if index is None:
        index = {}
        for b in matrix.branches.values():
            for rid in names(b):
                index.setdefault(rid, []).append(b)
        matrix._names_index = index
    own = index.get(m.release.id, [])
    return bool(own) and all(target_of(b) == target_of(reached) for b in own)


def os_aware(o) -> bool:
    """Whether a run's path depended on the Windows at all (a usage or help path behind an argument
    test does not: it says nothing about the OS test and is not judged)."""
    if o.status in ("not-evaluated", "not-run"):
        return True
    if o.decision is not None and not o.decision.assumed:
        return True
    return any(not d.assumed for h in o.hits for d in h.decisions) or any(not d.assumed for d in o.chain)


def focus(cell: Cell) -> Cell:
    """The runs of a cell worth judging: those whose path depended on Windows, when there are any."""
    aware = [o for o in cell.outcomes if os_aware(o)]
    return Cell(aware) if aware and len(aware) < len(cell.outcomes) else cell


def _argument_only(cell: Cell) -> bool:
    """The only things assumed are the script's command-line arguments (its typical invocation)."""
    from sbskit.core.osver.scripteval.batch_state import ARGUMENT_WHY

    texts = [a for o in focus(cell).outcomes for _line, a in o.assumptions]
    return bool(texts) and all(ARGUMENT_WHY in a for a in texts)




# --- which rule a wrong branch breaks ---------------------------------------------------------
def _rule(hit: Hit | None, outcome_chain, m: Machine, branch: Branch | None, matrix: Matrix) -> str:
    decisions = list(hit.decisions) if hit else list(outcome_chain)
    tags: set[str] = set()
    for d in decisions:
        tags |= set(d.cond.tags)
    if "wmic" in tags and "wmic" not in m.tools:
        return "wmic-deprecated"
    if tags & {"reg:currentversion", "reg:productname", "reg:releaseid"}:
        return "frozen-registry-value"
    if "env:os" in tags:
        return "os-env-version-test"
    if "errorlevel-0" in tags:
        return "errorlevel-order"
    if hit is not None and hit.via == "fall-through" and branch is not None and branch.meaning and \
            not branch.meaning.default and m.release.id not in branch.meaning.releases:
        return "goto-fallthrough"
    if branch is not None and branch.meaning and not branch.meaning.default:
        fams = branch.meaning.families
        if m.family not in fams and _same_version(branch, m):
            return "no-family-guard"
        if m.release.major == 10 and any(r.startswith("win10") for r in branch.meaning.releases) and \
                m.release.id not in branch.meaning.releases:
            return "major-equals-10"
    if any(_misjudged(d, m) for d in decisions):
        return "version-string-compare"
    if "tokens" in tags and "ver" in tags:
        return "ver-token-position"
    if "regex-dot" in tags:
        return "regex-unescaped-dot"
    if tags & {"systeminfo", "wmi:caption", "reg:productname"}:
        return "product-name-match"
    if tags & {"find", "findstr", "instr", "like", "match"}:
        return "substring-build-match"
    if hit is not None and hit.via == "fall-through":
        return "goto-fallthrough"
    if "errorlevel-ge" in tags:
        return "errorlevel-order"
    return "wrong-branch"


def _misjudged(decision, m: Machine) -> bool:
    """The comparison gave another answer on this computer than comparing the numbers would."""
    intent = decision.cond.intent
    if intent is None:
        return False
    got = intent(m)
    return got is not None and got[0] != got[1]


def _same_version(branch: Branch, m: Machine) -> bool:
    from sbskit.core.osver.scripteval.machines import sim_releases

    rels = [r for r in sim_releases() if r.id in branch.meaning.releases]
    return any((r.major, r.minor) == (m.release.major, m.release.minor) for r in rels)

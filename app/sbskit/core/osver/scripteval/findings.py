"""Findings read off the matrix, each with a proof sentence.

A release that reaches a branch meant for another Windows, that reaches no branch (or only
the default) while a branch meant for it exists, or a newer supported release that falls
off the end; a wrong answer in some languages only is a warning naming them. The rule id says
what made the test go wrong (a substring of the version, text comparison, a frozen registry
value, missing wmic, ver's token positions, ...), so the ids of the pattern rules keep their
meaning.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from sbskit.core.osver.lint_common import Finding
from sbskit.core.osver.releases import Release
from sbskit.core.osver.scripteval.machines import Machine, machines
from sbskit.core.osver.scripteval.matrix import Branch, Cell, Matrix, describe_ids
from sbskit.core.osver.scripteval.runtime import Hit
from sbskit.core.osver.scripteval.findings_context import (  # noqa: F401 - shared with the other finding modules
    Context,
    _argument_only,
    _fams,
    _rule,
    _holes,
    _meant_elsewhere,
    _near_all,
    focus,
    os_aware,
    _same_place,
    _sim,
    path_tests,
    script_context,
    target_of,
)

FIX = {
    "batch": "Read CurrentBuildNumber (reg query ... /v CurrentBuildNumber) and ProductType, and compare the build "
             "as a whole number: if %BUILD% GEQ 22000 ...; end the tests with a default branch that logs.",
    "vbscript": "Compare CLng(objOS.BuildNumber) as a number and test objOS.ProductType; end with Case Else / Else.",
    "powershell": "Compare [int](Get-CimInstance Win32_OperatingSystem).BuildNumber or [version] objects and test "
                  "ProductType; end with else / default.",
}
RULE_FIX = {
    "frozen-registry-value": "Read CurrentBuildNumber (and CurrentMajorVersionNumber), not CurrentVersion, "
                             "ProductName or ReleaseId, which stopped changing.",
    "wmic-deprecated": "wmic is missing on new Windows 11 and Server 2025: read the registry or use Get-CimInstance.",
    "locale-bound-parsing": "Do not search translated words: read numbers (CurrentBuildNumber, ProductType).",
    "no-family-guard": "Test ProductType (WinNT = client, ServerNT/LanmanNT = server) before the version.",
}


@dataclass
class Verdict:
    kind: str  # ok | wrong | none | default | error | not-evaluated | not-run
    hit: Hit | None = None
    branch: Branch | None = None
    assumed: bool = False


@dataclass
class _Group:
    rule: str
    severity: str
    line: int
    head: str
    releases: list[Machine] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    proof: str = ""
    branch: str | None = None
    score: tuple = (9,)
    proof_doc: dict | None = None


def judge_all(matrix: Matrix, cell: Cell, m: Machine) -> list[Verdict]:
    """Every wrong branch the release reaches, or the one verdict that describes it."""
    first = judge(matrix, cell, m)
    if first.kind != "wrong":
        return [first]
    out = [first]
    for h in cell.hits:
        b = matrix.branches.get(h.key)
        if h is first.hit or b is None or b.meaning is None or b.meaning.default:
            continue
        if h.decisions and all(d.assumed for d in h.decisions):
            continue
        if m.release.id not in b.meaning.releases:
            out.append(Verdict("wrong", h, b, cell.assumed))
    return out


def _surely_elsewhere(matrix: Matrix, b: Branch, m: Machine) -> bool:
    """The branch names the release only loosely ("Windows 8" for 8.1) while another branch, leading
    somewhere else, names it exactly ("Windows 8.1"): the test order sends it to the wrong one."""
    rid = m.release.id
    if rid in b.meaning.surely:
        return False
    if b.meaning.derived:
        return False
    return any(o is not b and o.meaning is not None and not o.meaning.default and not o.meaning.refusal and
               not o.meaning.derived and rid in o.meaning.surely and len(o.meaning.surely) < len(b.meaning.releases) and
               target_of(o) != target_of(b) for o in matrix.branches.values())


def _beyond(h: Hit, b: Branch, m: Machine) -> bool:
    """Reached through the low side of an ordering test that is right here, older than what the branch
    names: ``if build >= 22000 {'Win11'} else {'Win10'}`` sends Windows 8.1 to 'Win10', which means
    "not 11, so 10 or older" there. (The high side stays strict: ``>= 9200`` labelled "Windows 8"
    also takes Windows 10 and 11, a classic.)"""
    dec = h.decisions[-1] if h.via == "condition" and h.decisions else None
    if dec is None or dec.assumed or getattr(dec.cond, "order", None) is None:
        return False
    if dec.cond.intent is not None:
        got = dec.cond.intent(m)
        if got is not None and got[0] != got[1]:
            return False  # the comparison itself is wrong here (text order): not a matter of range
    builds = [r.build for r in _sim() if r.id in b.meaning.surely and r.kind != "9x"]
    if not builds:
        return False
    high = (dec.cond.order in ("ge", "gt")) == bool(dec.outcome)
    return not high and m.release.build < min(builds)


def judge(matrix: Matrix, cell: Cell, m: Machine) -> Verdict:
    cell = focus(cell)
    status = cell.status
    if status in ("not-evaluated", "not-run"):
        return Verdict("not-evaluated")
    if status == "error":
        return Verdict("error", assumed=cell.assumed)
    hits = [h for h in cell.hits if not h.decisions or not all(d.assumed for d in h.decisions)]
    if cell.assumed and not hits and len(cell.outcomes) > 1:
        return Verdict("assumed")  # only things outside the script decide where it goes
    meaningful = [(h, matrix.branches[h.key]) for h in hits if h.key in matrix.branches]
    # the way out of failed tests ("everything they did not look for") proves no wrong branch: a release
    # that one of them missed is judged as reaching nothing meant for it instead
    named = [(h, b) for h, b in meaningful if b.meaning is not None and not b.meaning.default and
             not (b.meaning.derived and b.meaning.negated and m.release.id not in b.meaning.surely) and
             not (b.meaning.derived and not b.meaning.negated and len(b.meaning.surely) >= _near_all())]
    for h, b in named:
        if (m.release.id not in b.meaning.releases or _surely_elsewhere(matrix, b, m)) and not _beyond(h, b, m):
            return Verdict("wrong", h, b, cell.assumed)
    last = meaningful[-1] if meaningful else None
    if named and last is not None and last[1].meaning is not None and last[1].meaning.default and \
            last[0].kind in ("label", "call", "exit") and not kept(last[0]) and m.release.id not in \
            last[1].meaning.releases:  # it set XP's flag, then ended up in "unsupported": where it ends counts
        return Verdict("default", last[0], last[1], cell.assumed)
    if named:
        return Verdict("ok", named[0][0], named[0][1], cell.assumed)
    default = next(((h, b) for h, b in meaningful if b.meaning is not None and b.meaning.default), None)
    if default:
        if kept(default[0]):  # "set STAMP=unknown" kept from the start: the script has nothing for it
            return Verdict("none", default[0], default[1], cell.assumed)
        return Verdict("default", default[0], default[1], cell.assumed)
    plain_kept = next((h for h, b in meaningful if kept(h) and b.meaning is None), None)
    if plain_kept is not None:  # "set str=%DirPath%" kept: the script's normal value, its else branch
        return Verdict("default", plain_kept, matrix.branches.get(plain_kept.key), cell.assumed)
    return Verdict("none", meaningful[0][0] if meaningful else None, meaningful[0][1] if meaningful else None)


def kept(hit: Hit | None) -> bool:
    """A value set before any test and never replaced on this release (see matrix.kept_defaults)."""
    return hit is not None and hit.kind == "set" and hit.via == "default"


def failed_tests(cell: Cell) -> tuple:
    """The tests that did not send this release anywhere: the jumps it did not take, else any test."""
    return next((o.chain for o in cell.outcomes if o.chain), ()) or next((o.misses for o in cell.outcomes if o.misses), ())


def because(hit: Hit | None, chain, m: Machine, meant: Branch | None = None, targets: dict | None = None) -> str:
    if hit is not None and hit.via == "condition" and hit.decisions:
        return hit.decisions[-1].because(m)
    decisions = list(hit.decisions) if hit is not None else list(chain)
    if not decisions:
        return "no test in the script sends it anywhere"
    key = key_decision(decisions, meant, targets)
    lines = ", ".join(str(d.line) for d in decisions)
    more = f" (the tests on lines {lines} all fail)" if len(decisions) > 1 else ""
    return f"{key.because(m)}{more}"


def key_decision(decisions: list, meant: Branch | None, sections: dict | None):
    """The failed test that matters: the one guarding the branch meant for the release, else the last."""
    key = decisions[-1]
    if meant is not None and sections:
        jump_lines = set(sections.get(meant.key, {}).get("targets", []))
        key = next((d for d in decisions if d.line in jump_lines), key)
    return key


def _reach_text(verdict: Verdict, cell: Cell) -> str:
    if verdict.kind in ("wrong", "ok", "default") and verdict.branch is not None:
        via = " by falling through" if verdict.hit and verdict.hit.via == "fall-through" else ""
        return f"reaches {verdict.branch.title}{via}"
    if verdict.kind == "error":
        o = next(o for o in cell.outcomes if o.status == "error")
        return f"reaches no branch: cmd stops at line {o.line}"
    if kept(verdict.hit):
        return f"keeps {verdict.hit.desc[4:]} (line {verdict.hit.line}), no branch"
    return "reaches no branch"




def derive(matrix: Matrix, script_language: str, today: _dt.date, sections: dict | None = None,
           decisions: list | None = None) -> list[Finding]:
    ms = machines()
    by_release: dict[str, list[Machine]] = {}
    for m in ms:
        if m.lang in matrix.languages:
            by_release.setdefault(m.release.id, []).append(m)
    families = script_context(matrix)
    ok_builds = []
    judged: dict[tuple, list[Verdict]] = {}
    verdicts: dict[str, list[tuple[Machine, Verdict, Cell]]] = {}
    for r in matrix.releases:
        rows = []
        for m in by_release.get(r.id, []):
            cell = matrix.cell(r.id, m.lang)
            if not cell.outcomes:
                continue
            key = (tuple(id(o) for o in cell.outcomes), r.id)
            found = judged.get(key)
            if found is None:
                found = judged[key] = judge_all(matrix, cell, m)
            rows.append((m, found, cell))
            if matrix.language_independent:
                break
        verdicts[r.id] = rows
        if any(v[0].kind == "ok" for _m, v, _c in rows):
            ok_builds.append(r.build)
    families.holes = _holes(matrix, verdicts)
    groups: dict[tuple, _Group] = {}
    rank = {"error": 0, "warning": 1, "info": 2}
    for r in matrix.releases:
        all_rows = verdicts.get(r.id, [])
        if not all_rows:
            continue
        depth = max(len(vs) for _m, vs, _c in all_rows)
        for n in range(depth):
            rows = [(m, vs[min(n, len(vs) - 1)], c) for m, vs, c in all_rows]
            if n and all(len(vs) <= n for _m, vs, _c in all_rows):
                break
            _add(groups, rows, matrix, families, ok_builds, today, sections, rank)
    from sbskit.core.osver.scripteval.accidents import accident_findings, intent_findings
    from sbskit.core.osver.scripteval.commands import command_findings

    out = [_finding(g, script_language, matrix) for g in groups.values()]
    out += intent_findings(matrix, decisions or [], {(f.line, r) for f in out for r in f.evidence.get("releases", [])},
                           FIX.get(matrix.language, FIX["batch"]))

    out += accident_findings(matrix, today, {(f.line, r) for f in out for r in f.evidence.get("releases", [])})
    return out + command_findings(matrix, today)


def _same_commands(v: Verdict, m: Machine, matrix: Matrix, sections: dict | None) -> str | None:
    """The title of another label whose section runs exactly the commands of the label reached (echo
    texts aside), when those are also what the script does for the newest Windows it names:
    ``:ver_2K12`` and ``:ver_2K16`` that both just go to the same place, reached by Server 2019. The
    script treats them alike and newer Windows the same way, so only a name is wrong. (Windows 11 in
    an IPSeccmd branch shared by 2000/XP/2003 is no such case: the newest branch runs netsh.)"""
    sections = sections or {}
    body = sections.get(v.branch.key, {}).get("body") if v.branch is not None else None
    if not body or all(re.fullmatch(r"goto :?eof|exit(?: /b)?(?: \S+)?", c) for c in body):
        return None  # a branch that only says something and ends: what it says is all it does
    by_id = {r.id: r for r in _sim()}
    named = [b for b in matrix.branches.values() if b.meaning is not None and b.meaning.surely and not
             (b.meaning.default or b.meaning.refusal or b.meaning.negated)]
    newest = max(named, key=lambda b: max(by_id[i].build for i in b.meaning.surely if i in by_id), default=None)
    if newest is None or sections.get(newest.key, {}).get("body") != body:
        return None
    twins = [b for key, b in matrix.branches.items()
             if key != v.branch.key and b.meaning is not None and sections.get(key, {}).get("body") == body]
    return twins[0].title if twins else None


def _decision(v: Verdict, cell: Cell, meant, sections):
    if v.kind == "error":
        o = next(o for o in cell.outcomes if o.status == "error")
        return o.decision
    if v.hit is not None and v.hit.via == "condition" and v.hit.decisions:
        return v.hit.decisions[-1]
    chain = list(v.hit.decisions) if v.hit is not None else list(failed_tests(cell))
    return key_decision(chain, meant, sections) if chain else None


def _add(groups, rows, matrix, families, ok_builds, today, sections, rank) -> None:
    kinds = {v.kind for _m, v, _c in rows}
    bad = [(m, v, c) for m, v, c in rows if v.kind in ("wrong", "none", "default", "error")]
    if not bad:
        return
    lang_only = not matrix.language_independent and len(bad) < len(rows) and "ok" in kinds
    m, v, cell = bad[0]
    answered = v.kind == "default" and v.branch is not None and (v.branch.meaning is None or
                                                                  m.release.id in v.branch.meaning.releases)
    meant = None if v.kind == "wrong" or answered else _meant_elsewhere(matrix, m, v.branch, path_tests(cell))
    severity, rule = _classify(m, v, meant, lang_only, families, ok_builds, today, cell, matrix)
    if severity is None:
        return
    head, line, branch_key = _headline(m, v, meant, cell, lang_only, sections)
    twin = _same_commands(v, m, matrix, sections) if v.kind == "wrong" else None
    if twin is not None:  # only the name is wrong: it runs what the branch meant for it runs
        severity = "warning" if severity == "error" else severity
        head = head.rstrip(".") + f" (it runs the same commands as {twin}: only the name differs)"
    decision = _decision(v, cell, meant, sections)
    if decision is not None:
        line = _line_for(rule, decision)
    key = (rule, branch_key, line, lang_only, v.kind == "error")
    group = groups.get(key)
    loose = meant is not None and m.release.id not in meant.meaning.surely  # prove it on a release surely meant
    score = (rank[severity], loose, not m.release.supported(today), -m.release.build)
    if group is None or score < group.score:
        proof = _proof(m, v, cell, meant, sections, lang_only, rows, bad)
        if group is None:
            group = groups[key] = _Group(rule, severity, line, head, proof=proof, branch=branch_key)
        else:
            group.severity, group.proof, group.head = severity, proof, head
        group.score = score
        group.proof_doc = _proof_doc(m, v, cell, proof, matrix)
    group.releases.append(m)
    group.languages |= {mm.lang for mm, _v, _c in bad}


def _proof_doc(m: Machine, v: Verdict, cell: Cell, sentence: str, matrix: Matrix) -> dict:
    """The proof as fields (the CLI contract): who, where to, and why."""
    reached = v.branch if v.kind in ("wrong", "ok", "default") else None
    stop = next((o for o in cell.outcomes if o.status == "error"), None)
    because = sentence.split(", because ", 1)[1] if ", because " in sentence else sentence
    return {"release": m.release.label, "version": m.full_version, "language": m.lang,
            "reached": reached.key if reached else None,
            "line": reached.line if reached else (stop.line if stop else None), "because": because}


def _proof(m, v, cell, meant, sections, lang_only, rows, bad) -> str:
    chain = failed_tests(cell)
    reach = _reach_text(v, cell)
    if v.kind == "error":
        o = next(o for o in cell.outcomes if o.status == "error")
        reason = o.because(m)
    else:
        reason = because(v.hit, chain, m, meant, sections)
    proof = f"{m.name} {reach}" + (f", not {meant.title} meant for it" if meant else "") + f", because {reason}"
    if lang_only:
        good = next((mm for mm, vv, _c in rows if vv.kind == "ok"), None)
        langs = ", ".join(mm.lang for mm, _v, _c in bad)
        proof = f"In {langs}: {proof}" + (f" (in {good.lang} it is right)" if good else "")
    if v.assumed:
        proof += " - " + _assumption_text(v, cell)
    return proof


def _assumption_text(v, cell, most: int = 3) -> str:
    """The outside answers the proven path took: those of the runs that reached the branch judged
    (every run of the cell when none did), each once, the first few only."""
    key = getattr(v.hit, "key", None)
    runs = [o for o in cell.outcomes if key is not None and any(h.key == key for h in o.hits)] or cell.outcomes
    texts = list(dict.fromkeys(a for o in runs for _l, a in o.assumptions))
    both = {t.replace(" is true (", " is false (") for t in texts if " is true (" in t} & set(texts)
    texts = list(dict.fromkeys(
        t.replace(" is true (", " is false (").replace("assuming ", "whatever ", 1).replace(" is false (", " answers (")
        if t.replace(" is true (", " is false (") in both else t for t in texts))
    more = len(texts) - most
    return "; ".join(texts[:most]) + (f"; and {more} more outside answer(s)" if more > 0 else "")


def _classify(m, v, meant, lang_only, families, ok_builds, today, cell, matrix) -> tuple[str | None, str]:
    r: Release = m.release
    supported = r.supported(today)
    chain = failed_tests(cell)
    rule = _rule(v.hit, chain, m, v.branch, matrix)
    if lang_only:
        return "warning", "locale-bound-parsing"
    if r.kind == "9x":
        return ("warning", rule) if v.kind == "wrong" else (None, rule)
    ancient = today.year - r.end_of_support().year > 10  # NT 4.0, 2000, XP, 2003: a warning is enough
    if v.kind == "error":
        return ("error" if (supported or meant is not None) and not ancient else "warning"), _stop_rule(cell, m, matrix)
    if v.kind == "wrong":
        if m.family not in _fams(v.branch.meaning.surely or v.branch.meaning.releases) and \
                not families.tells_families and \
                (m.release.id not in families.named or _same_place(matrix, v.branch, m)):
            return None, rule  # a server in a client's branch, in a script that never tells them apart
        if v.assumed and not _argument_only(cell):
            return "warning", rule
        return "error", rule
    if meant is not None:  # an error for releases still supported; for older ones a warning is enough
        return ("warning" if v.assumed or not supported else "error"), \
            rule if rule != "wrong-branch" else "missing-default-branch"
    if v.kind == "default":
        return None, "missing-default-branch"  # the script handles it on purpose; the matrix shows it
    if families.only_guards:
        return None, rule  # it passed every guard: running on is what the script wants
    if r.id in families.holes and v.kind == "none":
        return "warning", "missing-default-branch"
    dispatched = any(o.chain or o.fell for o in cell.outcomes) or any(  # it went through a chain, none for it
        h.via in ("default", "fall-through") and h.decisions and not kept(h) for h in cell.hits)
    if supported and ok_builds and r.build > min(ok_builds) and (families.sets_values or dispatched):
        return "warning", "missing-default-branch" if rule in ("wrong-branch", "goto-fallthrough") else rule
    return None, rule


def _stop_rule(cell: Cell, m: Machine, matrix: Matrix) -> str:
    o = next(o for o in cell.outcomes if o.status == "error")
    tags = set(o.decision.cond.tags) if o.decision is not None else set()
    if "wmic" in tags and "wmic" not in m.tools:
        return "wmic-deprecated"
    if tags & {"reg:currentversion", "reg:productname", "reg:releaseid"}:
        return "frozen-registry-value"
    return "script-stops"


ORIGIN_RULES = {"substring-build-match", "regex-unescaped-dot", "product-name-match", "frozen-registry-value",
                "wmic-deprecated", "ver-token-position", "locale-bound-parsing", "os-env-version-test"}


def _line_for(rule: str, decision) -> int:
    """Where the finding points: the line that read the value for data problems (find, reg
    query, for /f), the test's own line for logic problems (text comparison, 10.0, family)."""
    if rule in ORIGIN_RULES and decision.cond.origin:
        return decision.cond.origin
    return decision.line


def _headline(m: Machine, v: Verdict, meant, cell: Cell, lang_only: bool, sections) -> tuple[str, int, str | None]:
    if v.kind == "wrong":
        line = v.hit.decisions[-1].line if v.hit.decisions else v.hit.at_line
        return (f"reach|reaches {v.branch.title}, meant for {v.branch.meant_for()}", line, v.branch.key)
    if v.kind == "error":
        o = next(o for o in cell.outcomes if o.status == "error")
        return (f"make|makes cmd stop the script at line {o.line} ({o.note.replace('cmd stops here: ', '')})",
                o.line, None)
    chain = failed_tests(cell)
    decisions = list(v.hit.decisions) if v.hit else list(chain)
    line = key_decision(decisions, meant, sections).line if decisions else (meant.line if meant else 1)
    where = v.branch.title if v.branch is not None else "no branch"
    if kept(v.hit):
        where = f"no branch: they keep {v.hit.desc[4:]} (line {v.hit.line})"
    if meant is not None:
        return (f"reach|reaches {where} instead of {meant.title}, which is meant for them|it", line, meant.key)
    if v.kind == "default":
        return (f"end|ends in the default branch {where}", line, v.branch.key if v.branch else None)
    if kept(v.hit):
        return (f"reach|reaches {where}, because none of the tests that set it match them|it", line, None)
    return ("reach|reaches no branch (the script does nothing OS-specific for them|it)", line, None)


def _finding(g: _Group, script_language: str, matrix: Matrix) -> Finding:
    names = []
    today = _dt.date.today()
    for m in sorted(g.releases, key=lambda m: (not m.release.supported(today), -m.release.build)):
        if m.release.label not in names:
            names.append(m.release.label)
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    langs = sorted(g.languages)
    lang_note = f" (in {', '.join(langs)})" if g.rule == "locale-bound-parsing" else ""
    message = f"{shown} {_agree(g.head, len(names) == 1)}{lang_note}."
    evidence = {"releases": names, "branch": g.branch}
    if g.rule == "locale-bound-parsing" or not matrix.language_independent:
        evidence["languages"] = langs
    fix = RULE_FIX.get(g.rule, FIX.get(script_language, FIX["batch"]))
    f = Finding(g.line, g.rule, g.severity, message, fix, {k: v for k, v in evidence.items() if v})
    f.proof, f.proof_doc = g.proof, g.proof_doc
    return f


def _agree(head: str, single: bool) -> str:
    """'reach|reaches X ... them|it' -> the singular or plural form."""
    import re

    return re.sub(r"(\w+)\|(\w+)", lambda m: m.group(2) if single else m.group(1), head)


def describe_meaning(ids) -> str:
    return describe_ids(ids)

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
from dataclasses import dataclass, field

from sbskit.core.osver.lint_common import Finding
from sbskit.core.osver.releases import Release
from sbskit.core.osver.scripteval.machines import Machine, machines
from sbskit.core.osver.scripteval.matrix import Branch, Cell, Matrix, describe_ids
from sbskit.core.osver.scripteval.runtime import Hit

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


def judge(matrix: Matrix, cell: Cell, m: Machine) -> Verdict:
    status = cell.status
    if status in ("not-evaluated", "not-run"):
        return Verdict("not-evaluated")
    hits = [h for h in cell.hits if not h.decisions or not all(d.assumed for d in h.decisions)]
    if cell.assumed and len(hits) < len(cell.hits) or cell.assumed and not hits:
        return Verdict("assumed")  # something outside the script decides: reported as not evaluated
    meaningful = [(h, matrix.branches[h.key]) for h in hits if h.key in matrix.branches]
    named = [(h, b) for h, b in meaningful if b.meaning is not None and not b.meaning.default]
    for h, b in named:
        if m.release.id not in b.meaning.releases:
            return Verdict("wrong", h, b, cell.assumed)
    if named:
        return Verdict("ok", named[0][0], named[0][1], cell.assumed)
    if status == "error":
        return Verdict("error")
    default = next(((h, b) for h, b in meaningful if b.meaning is not None and b.meaning.default), None)
    if default:
        return Verdict("default", default[0], default[1], cell.assumed)
    return Verdict("none", meaningful[0][0] if meaningful else None, meaningful[0][1] if meaningful else None)


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
    return "reaches no branch"


NEAR_ALL = 75  # a branch meant for (nearly) every one of the 83 NT releases is meant for nobody in particular


def _meant_elsewhere(matrix: Matrix, m: Machine, reached: Branch | None) -> Branch | None:
    """A branch meant specifically for this release that it never reaches."""
    best = None
    index = getattr(matrix, "_meant_index", None)
    if index is None:
        index = {}
        for b in matrix.branches.values():
            if b.meaning is not None and not b.meaning.default and len(b.meaning.surely) <= NEAR_ALL:
                for rid in b.meaning.surely:
                    index.setdefault(rid, []).append(b)
        matrix._meant_index = index
    for b in index.get(m.release.id, ()):
        if b is reached or b.meaning is None or b.meaning.default or m.release.id not in b.meaning.surely:
            continue
        if reached is not None and reached.meaning is not None and not reached.meaning.default and \
                len(reached.meaning.surely) <= len(b.meaning.surely):
            continue
        if best is None or len(b.meaning.surely) < len(best.meaning.surely):
            best = b
    return best


def derive(matrix: Matrix, script_language: str, today: _dt.date, sections: dict | None = None,
           decisions: list | None = None) -> list[Finding]:
    ms = machines()
    by_release: dict[str, list[Machine]] = {}
    for m in ms:
        if m.lang in matrix.languages:
            by_release.setdefault(m.release.id, []).append(m)
    families = _script_families(matrix)
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
    out = [_finding(g, script_language, matrix) for g in groups.values()]
    return out + intent_findings(matrix, decisions or [], {(f.line, r) for f in out for r in f.evidence.get("releases", [])})


def intent_findings(matrix: Matrix, decisions: list, reported: set) -> list[Finding]:
    """A comparison that cmd/VBScript/PowerShell answers as text where the numbers say otherwise
    ("10.0" LSS "6.1"), proven on the computers that took it, whatever branch follows."""
    ms = machines()
    by_line: dict[int, list] = {}
    for d in decisions:
        for idx in d.envs:
            m = ms[idx]
            if m.lang not in matrix.languages[:1]:
                continue
            got = d.cond.intent(m)
            if got is not None and got[0] != got[1] and (d.line, m.release.label) not in reported:
                by_line.setdefault(d.line, []).append((m, d, got))
    out = []
    for line, rows in sorted(by_line.items()):
        names = list(dict.fromkeys(m.release.label for m, _d, _g in rows))
        m, d, got = rows[0]
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        f = Finding(line, "version-string-compare", "error",
                    f"`{d.text}` compares text, not numbers: on {shown} it is {'true' if got[0] else 'false'} "
                    f"where the numbers say {'true' if got[1] else 'false'}.",
                    FIX.get(matrix.language, FIX["batch"]), {"releases": names})
        f.proof = f"On {m.name}: {d.because(m)}; compared as numbers it would be {'true' if got[1] else 'false'}"
        f.proof_doc = {"release": m.release.label, "version": m.full_version, "language": m.lang, "reached": None,
                       "line": d.line, "because": f.proof.split(": ", 1)[1]}
        out.append(f)
    return out


def _decision(v: Verdict, cell: Cell, meant, sections):
    if v.kind == "error":
        o = next(o for o in cell.outcomes if o.status == "error")
        return o.decision
    if v.hit is not None and v.hit.via == "condition" and v.hit.decisions:
        return v.hit.decisions[-1]
    chain = list(v.hit.decisions) if v.hit is not None else list(next((o.chain for o in cell.outcomes if o.chain), ()))
    return key_decision(chain, meant, sections) if chain else None


def _add(groups, rows, matrix, families, ok_builds, today, sections, rank) -> None:
    kinds = {v.kind for _m, v, _c in rows}
    bad = [(m, v, c) for m, v, c in rows if v.kind in ("wrong", "none", "default", "error")]
    if not bad:
        return
    lang_only = not matrix.language_independent and len(bad) < len(rows) and "ok" in kinds
    m, v, cell = bad[0]
    meant = None if v.kind == "wrong" else _meant_elsewhere(matrix, m, v.branch)
    severity, rule = _classify(m, v, meant, lang_only, families, ok_builds, today, cell, matrix)
    if severity is None:
        return
    head, line, branch_key = _headline(m, v, meant, cell, lang_only, sections)
    decision = _decision(v, cell, meant, sections)
    if decision is not None:
        line = _line_for(rule, decision)
    key = (rule, branch_key, line, lang_only, v.kind == "error")
    group = groups.get(key)
    score = (rank[severity], not m.release.supported(today), -m.release.build)
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
    chain = next((o.chain for o in cell.outcomes if o.chain), ())
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
        proof += " - " + "; ".join(a for o in cell.outcomes for _l, a in o.assumptions)
    return proof


def _script_families(matrix: Matrix) -> set[str]:
    fams: set[str] = set()
    for b in matrix.branches.values():
        if b.meaning is not None and not b.meaning.default:
            f = b.meaning.families
            if len(f) == 1:
                fams |= f
    return fams


def _classify(m, v, meant, lang_only, families, ok_builds, today, cell, matrix) -> tuple[str | None, str]:
    r: Release = m.release
    supported = r.supported(today)
    chain = next((o.chain for o in cell.outcomes if o.chain), ())
    rule = _rule(v.hit, chain, m, v.branch, matrix)
    if lang_only:
        return "warning", "locale-bound-parsing"
    if r.kind == "9x":
        return ("warning", rule) if v.kind == "wrong" else (None, rule)
    ancient = today.year - r.end_of_support().year > 10  # NT 4.0, 2000, XP, 2003: a warning is enough
    if v.kind == "error":
        return ("error" if (supported or meant is not None) and not ancient else "warning"), _stop_rule(cell, m, matrix)
    if v.kind == "wrong":
        if v.assumed:
            return "warning", rule
        if m.family not in v.branch.meaning.families and families and m.family not in families:
            return "warning", "no-family-guard" if rule == "wrong-branch" else rule
        return "error", rule
    if meant is not None:  # an error for releases still supported; for older ones a warning is enough
        return ("warning" if v.assumed or not supported else "error"), \
            rule if rule != "wrong-branch" else "missing-default-branch"
    if v.kind == "default":
        return None, "missing-default-branch"  # the script handles it on purpose; the matrix shows it
    if supported and ok_builds and r.build > min(ok_builds):
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
    chain = next((o.chain for o in cell.outcomes if o.chain), ())
    decisions = list(v.hit.decisions) if v.hit else list(chain)
    line = key_decision(decisions, meant, sections).line if decisions else (meant.line if meant else 1)
    where = v.branch.title if v.branch is not None else "no branch"
    if meant is not None:
        return (f"reach|reaches {where} instead of {meant.title}, which is meant for them|it", line, meant.key)
    if v.kind == "default":
        return (f"end|ends in the default branch {where}", line, v.branch.key if v.branch else None)
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

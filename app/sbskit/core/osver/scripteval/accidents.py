"""Findings about single tests rather than branches. A comparison answered as text where the numbers
say otherwise. A search that matches Windows only by accident: ``find "7"`` finds the 7 in build 17763, ``find
"5.2"`` the "5.2" in 10.0.19045.2006, ``find "2000"`` the 2000 in 22000. When such a match decides
where a release goes (and nothing later undoes it), that release answers the test by accident."""

from __future__ import annotations

import datetime as _dt
import re

from sbskit.core.osver.lint_common import Finding
from sbskit.core.osver.scripteval.machines import machines
from sbskit.core.osver.scripteval.matrix import Matrix, live_hits

FIX = ("Search ver for the whole version with its dots and the bracket around it (find \"[Version 6.1.\"), or "
       "better read CurrentBuildNumber and compare it as a number.")


def accident_findings(matrix: Matrix, today: _dt.date, reported: set) -> list[Finding]:
    ms = machines()
    first_lang = matrix.languages[0]
    found: dict[tuple, list] = {}
    for o in matrix.distinct_outcomes():
        live = live_hits(o.hits)
        decisions = [(d, h) for h in live for d in h.decisions] + [(d, None) for d in o.chain]
        for d, hit in decisions:
            for probe in getattr(d.cond, "probes", ()):
                if probe.accident is None:
                    continue
                for idx in o.machines:
                    m = ms[idx]
                    if m.lang != first_lang or not m.is_nt:
                        continue
                    digits = probe.accident(m)
                    if digits:
                        key = (d.cond.origin or d.line, probe.text)
                        found.setdefault(key, []).append((m, d, hit, digits))
    out = edge_findings(matrix, today, reported)
    for (line, needle), rows in sorted(found.items(), key=lambda kv: kv[0][0]):
        named = re.compile(rf"(?i)(?<![\w.]){re.escape(needle)}(?![\w.])")
        rows = [r for r in rows if (line, r[0].release.label) not in reported and not named.search(r[0].release.product)]
        if not rows:
            continue
        rows.sort(key=lambda r: (not r[0].release.supported(today), -r[0].release.build))
        names = list(dict.fromkeys(r[0].release.label for r in rows))
        m, d, hit, digits = rows[0]
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        severity = "error" if any(r[0].release.supported(today) for r in rows) else "warning"
        where = f", so it reaches {hit.desc} (line {hit.line})" if hit is not None else ""
        f = Finding(line, "substring-build-match", severity,
                    f'The search for "{needle}" (line {line}) matches {shown} only inside the build or patch number '
                    "(an accident of the digits, not the version it looks for).", FIX,
                    {"releases": names})
        f.proof = f"{m.name}: {d.because(m)}; it matches only the digits of {digits}{where}"
        f.proof_doc = {"release": m.release.label, "version": m.full_version, "language": m.lang,
                       "reached": hit.key if hit is not None else None, "line": line, "because": f.proof}
        out.append(f)
    return out


def edge_findings(matrix: Matrix, today: _dt.date, reported: set) -> list[Finding]:
    """``if ($v -le $MinimalVersion) { "not supported" }`` refuses the minimum release itself."""
    ms = machines()
    first = matrix.languages[0]
    rows: dict[int, list] = {}
    for o in matrix.distinct_outcomes():
        for h in live_hits(o.hits):
            branch = matrix.branches.get(h.key)
            refusing = branch is not None and branch.meaning is not None and (branch.meaning.default or
                                                                              branch.meaning.refusal)
            d = h.decisions[-1] if h.via == "condition" and h.decisions else None
            if not refusing or d is None or not d.outcome:
                continue
            for probe in getattr(d.cond, "probes", ()):
                if probe.edge is None:
                    continue
                for idx in o.machines:
                    m = ms[idx]
                    if m.lang == first and probe.edge(m) and (d.line, m.release.label) not in reported:
                        rows.setdefault(d.line, []).append((m, d, h, probe))
    out = []
    for line, found in sorted(rows.items()):
        names = list(dict.fromkeys(r[0].release.label for r in found))
        m, d, hit, probe = found[0]
        severity = "error" if any(r[0].release.supported(today) for r in found) else "warning"
        f = Finding(line, "version-string-compare", severity,
                    f"{', '.join(names[:6])} {'are' if len(names) > 1 else 'is'} refused at line {hit.line} although "
                    f"{'they are' if len(names) > 1 else 'it is'} the minimum {probe.text} itself: "
                    "the test also holds for the minimum (-le where -lt was meant).",
                    "Refuse only what is older than the minimum: -lt $Minimum (or allow -ge $Minimum).",
                    {"releases": names})
        f.proof = f"{m.name}: {d.because(m)}; its version equals {probe.text}"
        f.proof_doc = {"release": m.release.label, "version": m.full_version, "language": m.lang,
                       "reached": hit.key, "line": line, "because": f.proof}
        out.append(f)
    return out


def intent_findings(matrix: Matrix, decisions: list, reported: set, fix: str) -> list[Finding]:
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
                    fix, {"releases": names})
        f.proof = f"On {m.name}: {d.because(m)}; compared as numbers it would be {'true' if got[1] else 'false'}"
        f.proof_doc = {"release": m.release.label, "version": m.full_version, "language": m.lang, "reached": None,
                       "line": d.line, "because": f.proof.split(": ", 1)[1]}
        out.append(f)
    return out

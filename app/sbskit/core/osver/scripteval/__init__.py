"""Run a login script's OS detection on every Windows release in every language, instead of
matching patterns: batch (cmd.exe), VBScript and PowerShell evaluators share the simulated
computers (:mod:`machines`), the split-on-disagreement runtime (:mod:`runtime`), the matrix
(:mod:`matrix`) and the findings with proofs (:mod:`findings`).

Where an evaluator cannot follow the script (an external program decides, a network path, a
computed goto) it says "not evaluated from line N: why", and the pattern rules of
:mod:`sbskit.core.osver.lint` speak for the lines it never reached, at warning severity only.
"""

from __future__ import annotations

import datetime as _dt
import logging
from typing import Any

log = logging.getLogger(__name__)
SEVERITY_CAP = {"error": "warning", "warning": "warning", "info": "info"}


def run(text: str, language: str, filename: str | None = None):
    """The raw run result (outcomes, covered lines, notes) of one script."""
    if language == "batch":
        from sbskit.core.osver.scripteval.batch import run_batch

        return run_batch(text, cmd_file=bool(filename) and str(filename).lower().endswith(".cmd"))
    if language == "vbscript":
        from sbskit.core.osver.scripteval.vbs_run import run_vbs

        return run_vbs(text)
    if language == "powershell":
        from sbskit.core.osver.scripteval.ps_run import run_ps

        return run_ps(text)
    raise ValueError(language)


def evaluate_script(text: str, lines: list[str], language: str, today: _dt.date | None, pattern_findings,
                    filename: str | None = None) -> tuple[Any, list]:
    """(matrix, findings) for a batch, VBScript or PowerShell script. ``pattern_findings(lines,
    language)`` gives the pattern rules' findings, used where the evaluator cannot follow."""
    from sbskit.core.errors import UserInputError
    from sbskit.core.osver.releases import today as real_today
    from sbskit.core.osver.scripteval.findings import derive
    from sbskit.core.osver.scripteval.machines import machines
    from sbskit.core.osver.scripteval.matrix import build

    today = today or real_today()
    try:
        result = run(text, language, filename)
    except UserInputError as exc:
        note = (_line_of(str(exc)), f"not evaluated: {exc}")
        return None, [_unread(note)] + _fallback(pattern_findings, lines, language, set(), [note])
    except Exception as exc:  # noqa: BLE001 - a script the evaluator chokes on still gets the pattern rules
        log.exception("script evaluator failed")
        note = (1, f"not evaluated: the evaluator could not follow this script ({exc})")
        return None, [_unread(note)] + _fallback(pattern_findings, lines, language, set(), [note])
    matrix = build(result)
    findings = derive(matrix, language, today, result.branches, result.decisions)
    findings.extend(_not_evaluated(matrix, result.notes))
    findings.extend(_assumed(result.notes, {f.line for f in findings if f.rule == "not-evaluated"}))
    nt = {m.idx for m in machines() if m.is_nt}
    stopped = [(o.line, o.note) for o in result.outcomes if o.status == "not-evaluated" and set(o.machines) & nt]
    if stopped:  # the pattern rules speak only for lines no run could get to; a complete run needs no hints
        findings.extend(_fallback(pattern_findings, lines, language, result.covered,
                                  [(line, f"not evaluated from line {line}: {note}") for line, note in stopped],
                                  only_uncovered=True))
    return matrix, findings


def _line_of(message: str) -> int:
    import re

    m = re.search(r"\bline (\d+)", message)
    return int(m.group(1)) if m else 1


def _unread(note) -> Any:
    """The script could not be run at all: that is never a clean result (exit 3, not 0)."""
    from sbskit.core.osver.lint_common import Finding

    line, text = note
    f = Finding(line, "not-evaluated", "warning", text[:1].upper() + text[1:] + ". Nothing was run, so nothing is "
                "proven either way; the pattern rules below are only hints.",
                "Send the script to the kit's maintainers if it is valid; meanwhile check it by hand.")
    f.proof = text
    return f


def _not_evaluated(matrix, notes) -> list:
    from sbskit.core.osver.lint_common import Finding
    from sbskit.core.osver.scripteval.machines import machines

    ms = machines()
    out, seen = [], set()
    for o in (o for cell in matrix.cells.values() for o in cell.outcomes if o.status == "not-evaluated"):
        if all(not ms[i].is_nt for i in o.machines):
            continue  # Windows 9x: shown in the matrix, not worth a finding
        key = (o.line, o.note)
        if key in seen:
            continue
        seen.add(key)
        names = []
        for idx in o.machines:
            label = ms[idx].release.label
            if label not in names:
                names.append(label)
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        f = Finding(o.line, "not-evaluated", "warning",
                    f"Not evaluated from line {o.line}: {o.note}. Where the script goes from here on {shown} "
                    "is not known; the pattern rules below are only hints.",
                    "Make the OS test self-contained (read the registry in the script itself) so it can be checked.",
                    {"releases": names})
        f.proof = f"not evaluated from line {o.line}: {o.note}"
        out.append(f)
    return out


def _assumed(notes, seen: set[int]) -> list:
    """Tests that depend on things outside the script (both ways were followed)."""
    from sbskit.core.osver.lint_common import Finding

    out = []
    for line, text in dict.fromkeys(notes):
        # followed both ways, or skipped (a loop, try/catch): either way not proven, so never a clean result
        if line in seen or not text.startswith("not evaluated from line"):
            continue
        seen.add(line)
        f = Finding(line, "not-evaluated", "warning", text[:1].upper() + text[1:] + ".",
                    "Keep the OS test free of outside things (files, programs, the user) so it can be checked.")
        f.proof = text
        out.append(f)
    return out


def _fallback(pattern_findings, lines: list[str], language: str, covered: set[int], notes,
              only_uncovered: bool = False) -> list:
    if only_uncovered and not notes and covered and all(
            n in covered or not lines[n - 1].strip() for n in range(1, len(lines) + 1)):
        return []
    reason = notes[0][1] if notes else "not reached in any evaluated run"
    out = []
    for f in pattern_findings(lines, language):
        if only_uncovered and f.line in covered:
            continue
        if f.rule == "no-family-guard":  # client/server mixing matters only where the script tells them
            continue  # apart elsewhere (issue 10): a pattern cannot see that, so it is no hint either
        f.severity = SEVERITY_CAP[f.severity]
        f.message = f"Pattern rule ({reason}): {f.message}"
        f.proof = f"pattern rule, no proof: {reason}" + (f"; {f.proof}" if f.proof else "")
        out.append(f)
    return out

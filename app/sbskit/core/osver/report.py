"""Plain-text renderings shared by the CLI and the GUI's copy/export buttons."""

from __future__ import annotations

import datetime as _dt

from sbskit.core.osver.identify import Identification, match_doc, support_verdict
from sbskit.core.osver.lint import LintResult
from sbskit.core.osver.releases import load_table

KIND_NAMES = {"ver": "ver output", "systeminfo": "systeminfo", "wmic": "wmic os get", "registry": "reg query / .reg",
              "powershell": "PowerShell output", "version": "a version number", "build": "a build number",
              "winver": "winver / Settings text", "local": "this computer's registry"}


def identification_text(result: Identification, today: _dt.date) -> str:
    f = result.facts
    out = []
    ver = f.version or "?"
    extra = f", UBR {f.revision}" if f.revision is not None else ""
    out.append(f"Input: {KIND_NAMES.get(f.kind, f.kind)} - version {ver}{extra}")
    out.append("Verdict: " + support_verdict(result, today)[1])
    if not result.matches:
        out.append(f"No release matches: {result.unknown_build or 'unknown build'}.")
    for r in result.matches:
        d = match_doc(r, today, result.channel)
        out.append("")
        out.append(f"{r.label}  [{r.family}]  {r.version}  released {d['released']}")
        out.append(f"  Support: {d['status']}")
        for row in d["support"]:
            main = f"mainstream to {row['mainstream_end']}, " if row["mainstream_end"] else ""
            out.append(f"    {row['channel']}: {main}end {row['end']} ({row['status']})")
        if r.notes:
            out.append(f"  Note: {r.notes}")
    if result.hints:
        out.append("")
        out.append("Narrowed by: " + "; ".join(result.hints))
    for c in result.conflicts:
        out.append(f"Ignored: {c}")
    if result.ambiguity:
        out.append("")
        out.append("Ambiguous: " + result.ambiguity)
    if result.script_notes:
        out.append("")
        out.append("What this build means for scripts:")
        out.extend(f"  - {n}" for n in result.script_notes)
    if f.notes:
        out.append("")
        out.append("Notes on the input:")
        out.extend(f"  - {n}" for n in f.notes)
    out.append("")
    out.append(f"Support status as of {today.isoformat()}; release data reviewed {load_table().reviewed}.")
    return "\n".join(out)


def lint_text_report(result: LintResult) -> str:
    out = [f"{result.file or 'script'}: {result.language}, {len(result.findings)} finding(s)"]
    for f in result.findings:
        out.append(f"  line {f.line:>4}  {f.severity:<7}  {f.rule}")
        out.append(f"      {f.message}")
        out.append(f"      fix: {f.suggestion}")
    if not result.findings:
        out.append("  no fragile OS detection found")
    return "\n".join(out)

"""Plain-text report of a script check (CLI output, the GUI's Copy button, the visit report):
findings with their proofs, then which releases reach which branch."""

from __future__ import annotations

from sbskit.core.osver.lint import LintResult

MAX_RELEASES_SHOWN = 8


def lint_text_report(result: LintResult) -> str:
    out = [f"{result.file or 'script'}: {result.language}, {len(result.findings)} finding(s)"]
    for f in result.findings:
        out.append(f"  line {f.line:>4}  {f.severity:<7}  {f.rule}")
        out.append(f"      {f.message}")
        if f.proof:
            out.append(f"      proof: {f.proof}")
        out.append(f"      fix: {f.suggestion}")
    if not result.findings:
        out.append("  no fragile OS detection found" if result.matrix is None or result.matrix.branches
                   else "  no fragile OS detection found (the script has no branch that depends on the Windows version)")
    if result.matrix is not None:
        out.extend(matrix_lines(result.matrix))
    return "\n".join(out)


def matrix_lines(matrix) -> list[str]:
    """Branch by branch: the releases (and languages, where they differ) that reach it."""
    reach: dict[str, list[str]] = {}
    for r in matrix.releases:
        langs = matrix.languages if matrix.row_differs(r.id) else matrix.languages[:1]
        for lang in langs:
            text = matrix.cell_text(matrix.cell(r.id, lang))
            who = r.label + (f" [{lang}]" if len(langs) > 1 else "")
            if who not in reach.setdefault(text, []):
                reach[text].append(who)
    lines = ["", "Where each release goes" + ("" if matrix.language_independent else
                                               f" (languages: {', '.join(matrix.languages)})") + ":"]
    for text, who in reach.items():
        shown = ", ".join(who[:MAX_RELEASES_SHOWN]) + (f" and {len(who) - MAX_RELEASES_SHOWN} more"
                                                      if len(who) > MAX_RELEASES_SHOWN else "")
        lines.append(f"  {text}: {shown}")
    for _line, note in matrix.notes:
        lines.append(f"  {note}")
    return lines

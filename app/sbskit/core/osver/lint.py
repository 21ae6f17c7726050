"""Login-script checker: batch, VBScript and PowerShell scripts are *run* on every Windows release
and language (:mod:`sbskit.core.osver.scripteval`), so each finding is a proof ("Windows 11 21H2
reaches :ver_2000 because find "2000" matches its ver text"); WQL filters, and the parts of a script
the evaluator cannot follow, get the pattern rules of the ``lint_<language>`` modules, which carry
evidence computed from the release table. Shared shapes live in :mod:`lint_common`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sbskit.core.errors import UserInputError
from sbskit.core.osver import lint_batch, lint_ps, lint_vbs, lint_wql
from sbskit.core.osver.lint_common import (  # noqa: F401 - the checker's public names
    EVALUATED,
    EXTENSIONS,
    LANGUAGES,
    RULES,
    SEVERITY_ORDER,
    Collector,
    Finding,
    LintResult,
    proof_text,
)
from sbskit.core.osver.textio import check_text, normalize_newlines, read_file

PATTERN_MODULES = {"batch": lint_batch, "vbscript": lint_vbs, "powershell": lint_ps, "wql": lint_wql}


def detect_language(text: str, filename: str | None = None) -> str:
    if filename:
        ext = Path(filename).suffix.lower()
        if ext in EXTENSIONS:
            return EXTENSIONS[ext]
    sample = text[:20000]
    low = sample.lower()
    if re.search(r"^\s*select\s.+\sfrom\s+win32_", low, re.MULTILINE) and not re.search(r"%\w+%|\$\w|createobject", low):
        return "wql"
    scores = {
        "batch": len(re.findall(r"(?im)^\s*(@?echo\s+off|goto\s|:\w+\s*$|if\s+(not\s+)?errorlevel|set\s+\w+=|rem\s)", sample))
        + 3 * len(re.findall(r"%%\w|%~\w|%\w+%", sample)),
        "vbscript": len(re.findall(r"(?im)^\s*(dim\s|set\s+\w+\s*=\s*(createobject|getobject)|end\s+if|wscript\.|option\s+explicit|'|select\s+case)", sample)),
        "powershell": len(re.findall(r"(?i)\$\w+|-(eq|ne|lt|gt|le|ge|like|match)\b|get-\w+|\[\w+(\.\w+)*\]::", sample)),
    }
    best = max(scores, key=scores.get)
    if scores[best] == 0:
        raise UserInputError("cannot tell the script language: name the file .bat, .cmd, .vbs, .ps1 or .wql, or choose a language")
    return best


def pattern_findings(lines: list[str], lang: str) -> list[Finding]:
    """The pattern rules alone (WQL, and the parts of a script the evaluator could not follow)."""
    collector = Collector()
    PATTERN_MODULES[lang].check(lines, collector)
    for f in collector.findings:
        f.proof = proof_text(f.evidence) if isinstance(f.evidence, dict) else ""
    return collector.findings


def lint_text(text: str, filename: str | None = None, language: str | None = None, encoding: str = "utf-8",
              today: Any = None) -> LintResult:
    """Check a script: batch, VBScript and PowerShell are *run* on every release and language
    (:mod:`scripteval`); WQL filters are evaluated by the WQL rules."""
    text = check_text(text, "The script")
    if not text.strip():
        raise UserInputError("the script is empty")
    text = normalize_newlines(text)
    lang = language or detect_language(text, filename)
    if lang not in LANGUAGES:
        raise UserInputError(f"unknown script language {lang!r} (use one of {', '.join(LANGUAGES)})")
    lines = text.split("\n")
    matrix = None
    if lang not in EVALUATED:
        findings = pattern_findings(lines, lang)
    else:
        from sbskit.core.osver.scripteval import evaluate_script

        matrix, findings = evaluate_script(text, lines, lang, today, pattern_findings, filename)
    findings = sorted(findings, key=lambda f: (f.line, SEVERITY_ORDER[f.severity], f.rule))
    return LintResult(lang, lines, findings, encoding=encoding, file=filename, matrix=matrix)


def lint_file(path: str | Path, language: str | None = None, today: Any = None) -> LintResult:
    text, encoding = read_file(path, f"The script {Path(path).name}")
    result = lint_text(text, filename=str(path), language=language, encoding=encoding, today=today)
    result.file = str(path)
    return result

"""Login-script checker: fragile OS detection in batch, VBScript, PowerShell and WQL.

Each rule reports a line, a rule id, a severity, a message and a fix, and carries
*evidence* computed from the release table (which real releases the construct also
matches or misses), so a finding is an argument, not an opinion. Rules live in the
``lint_<language>`` modules; this module holds the shared shapes and the entry points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sbskit.core.errors import UserInputError
from sbskit.core.osver.textio import check_text, normalize_newlines, read_file

LANGUAGES = ("batch", "vbscript", "powershell", "wql")
EXTENSIONS = {".bat": "batch", ".cmd": "batch", ".vbs": "vbscript", ".vbe": "vbscript", ".wsf": "vbscript",
              ".ps1": "powershell", ".psm1": "powershell", ".wql": "wql", ".mof": "wql"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

RULES: dict[str, str] = {
    "substring-build-match": "a version or build found by substring/prefix match (find, findstr, InStr, -like, LIKE)",
    "regex-unescaped-dot": "a version in a regular expression with an unescaped dot",
    "product-name-match": "the OS recognised by a product name in localized or lying text",
    "goto-fallthrough": "a chain of conditional gotos that falls into the next label when nothing matched",
    "missing-default-branch": "a version switch without a default branch",
    "errorlevel-order": "if errorlevel tests that are always true or in the wrong order",
    "ver-token-position": "ver output split by token position, which shifts between releases",
    "version-string-compare": "versions or builds compared as text",
    "os-env-version-test": "%OS% used to test the Windows version (it is Windows_NT on every NT)",
    "frozen-registry-value": "a registry value that is frozen or wrong on newer Windows (ReleaseId, ProductName, CurrentVersion)",
    "wmic-deprecated": "wmic, which new Windows installs no longer have",
    "major-equals-10": "Major -eq 10 / 10.0 treated as Windows 10 (also true on Windows 11 and Server 2016+)",
    "no-family-guard": "version tests without a client/server (ProductType) test",
    "locale-bound-parsing": "parsing text whose labels or words are translated",
}


@dataclass
class Finding:
    line: int
    rule: str
    severity: str
    message: str
    suggestion: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_doc(self) -> dict[str, Any]:
        return {"line": self.line, "rule": self.rule, "severity": self.severity, "message": self.message,
                "suggestion": self.suggestion, "evidence": self.evidence}


@dataclass
class LintResult:
    language: str
    lines: list[str]
    findings: list[Finding]
    encoding: str = "utf-8"
    file: str | None = None

    @property
    def worst(self) -> str | None:
        if not self.findings:
            return None
        return min((f.severity for f in self.findings), key=SEVERITY_ORDER.__getitem__)

    @property
    def has_problems(self) -> bool:
        return any(f.severity in ("error", "warning") for f in self.findings)

    def to_doc(self) -> dict[str, Any]:
        return {"file": self.file, "language": self.language, "encoding": self.encoding,
                "findings": [f.to_doc() for f in self.findings],
                "summary": {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITY_ORDER}}


class Collector:
    """Findings of one run; one finding per (line, rule)."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._seen: set[tuple[int, str]] = set()

    def add(self, line: int, rule: str, severity: str, message: str, suggestion: str, **evidence: Any) -> None:
        if rule not in RULES:
            raise KeyError(rule)
        if (line, rule) in self._seen:
            return
        self._seen.add((line, rule))
        self.findings.append(Finding(line, rule, severity, message, suggestion,
                                     {k: v for k, v in evidence.items() if v}))


def detect_language(text: str, filename: str | None = None) -> str:
    if filename:
        ext = Path(filename).suffix.lower()
        if ext in EXTENSIONS:
            return EXTENSIONS[ext]
    sample = text[:20000]
    low = sample.lower()
    if re.search(r"^\s*select\s.+\sfrom\s+win32_", low, re.MULTILINE) and not re.search(r"[$%]|createobject", low):
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


def lint_text(text: str, filename: str | None = None, language: str | None = None, encoding: str = "utf-8") -> LintResult:
    text = check_text(text, "The script")
    if not text.strip():
        raise UserInputError("the script is empty")
    text = normalize_newlines(text)
    lang = language or detect_language(text, filename)
    if lang not in LANGUAGES:
        raise UserInputError(f"unknown script language {lang!r} (use one of {', '.join(LANGUAGES)})")
    lines = text.split("\n")
    collector = Collector()
    import importlib

    module = {"batch": "lint_batch", "vbscript": "lint_vbs", "powershell": "lint_ps", "wql": "lint_wql"}[lang]
    importlib.import_module(f"sbskit.core.osver.{module}").check(lines, collector)
    findings = sorted(collector.findings, key=lambda f: (f.line, SEVERITY_ORDER[f.severity], f.rule))
    return LintResult(lang, lines, findings, encoding=encoding, file=filename)


def lint_file(path: str | Path, language: str | None = None) -> LintResult:
    text, encoding = read_file(path, f"The script {Path(path).name}")
    result = lint_text(text, filename=str(path), language=language, encoding=encoding)
    result.file = str(path)
    return result


# --- helpers the language modules share --------------------------------------------------
VERSIONISH_NAME = re.compile(r"(?i)(\bver\b|version|build|osver|winver|\bos_?ver|currentbuild|\bbld\b)")
FAMILY_GUARD = re.compile(
    r"(?i)producttype|installationtype|servernt|lanmannt|winnt\b|domainrole|\bserver\b|isserver|isclient|workstation")


def proof_text(evidence: dict[str, list[str]]) -> str:
    parts = []
    if evidence.get("also_matches"):
        parts.append("it also matches " + ", ".join(evidence["also_matches"]))
    if evidence.get("misses"):
        parts.append("it misses " + ", ".join(evidence["misses"]))
    if evidence.get("also_matches_by_revision"):
        parts.append("ver's 4th number (the UBR) makes it match " + ", ".join(evidence["also_matches_by_revision"])
                     + " on some patch levels")
    return "; ".join(parts)

"""What the login-script checker's parts share: the rule ids, findings and results, and the
helpers the pattern rules (``lint_<language>``) use to report with evidence from the release table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


LANGUAGES = ("batch", "vbscript", "powershell", "wql")
EXTENSIONS = {".bat": "batch", ".cmd": "batch", ".vbs": "vbscript", ".vbe": "vbscript", ".wsf": "vbscript",
              ".ps1": "powershell", ".psm1": "powershell", ".wql": "wql", ".mof": "wql"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
EVALUATED = ("batch", "vbscript", "powershell")  # languages run by scripteval; the others get the pattern rules

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
    "wrong-branch": "a release reaches a branch meant for another Windows",
    "script-stops": "a test that is a syntax error on some releases (an empty or spaced value), so cmd stops the script",
    "not-evaluated": "a part of the script the evaluator could not follow (external program, network path, dynamic goto)",
}


@dataclass
class Finding:
    line: int
    rule: str
    severity: str
    message: str
    suggestion: str
    evidence: dict[str, Any] = field(default_factory=dict)
    proof: str = ""  # one sentence: which release goes where, and why
    proof_doc: dict | None = None  # the same, as fields (release, version, language, reached, line, because)

    def to_doc(self) -> dict[str, Any]:
        return {"line": self.line, "rule": self.rule, "severity": self.severity, "message": self.message,
                "suggestion": self.suggestion, "evidence": self.evidence,
                "proof": dict(self.proof_doc, text=self.proof) if self.proof_doc else None}


@dataclass
class LintResult:
    language: str
    lines: list[str]
    findings: list[Finding]
    encoding: str = "utf-8"
    file: str | None = None
    matrix: Any = None  # scripteval.matrix.Matrix when the script was run, else None (WQL)

    @property
    def worst(self) -> str | None:
        if not self.findings:
            return None
        return min((f.severity for f in self.findings), key=SEVERITY_ORDER.__getitem__)

    @property
    def has_problems(self) -> bool:
        return any(f.severity in ("error", "warning") for f in self.findings)

    def to_doc(self, today: Any = None) -> dict[str, Any]:
        doc = {"file": self.file, "language": self.language, "encoding": self.encoding,
               "findings": [f.to_doc() for f in self.findings],
               "summary": {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITY_ORDER}}
        if self.matrix is not None:
            doc["matrix"] = self.matrix.rows_doc(today)
            doc["branches"] = self.matrix.branches_doc()
            doc["not_evaluated"] = [{"line": line, "why": why} for line, why in self.matrix.notes]
        return doc


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


# --- helpers the language modules share --------------------------------------------------
VERSIONISH_NAME = re.compile(r"(?i)(\bver\b|version|build|osver|winver|\bos_?ver|currentbuild|\bbld\b)")
FAMILY_GUARD = re.compile(
    r"(?i)producttype|installationtype|servernt|lanmannt|winnt\b|domainrole|\bserver\b|isserver|isclient|workstation")


def _short(items: list[str], limit: int = 5) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def proof_text(evidence: dict[str, list[str]]) -> str:
    parts = []
    if evidence.get("also_matches"):
        parts.append("it also matches " + _short(evidence["also_matches"]))
    if evidence.get("misses"):
        parts.append("it misses " + _short(evidence["misses"]))
    if evidence.get("also_matches_by_revision"):
        parts.append("ver's 4th number (the UBR) makes it match " + _short(evidence["also_matches_by_revision"], 3)
                     + " on some patch levels")
    return "; ".join(parts)


# --- findings shared by every language (the evidence comes from :mod:`proofs`) -------------
PRODUCT_WORDS = re.compile(
    r"(?i)\b(windows\s*(xp|vista|7|8(\.1)?|10|11|2000|nt|server)|server\s*20\d\d|vista|\bxp\b|small business server)")
VERSION_IN = re.compile(r"\d{1,2}\.\d{1,2}(?:\.\d{1,5}){0,2}\.?|\b\d{4,5}\b")
SAFE_FIX = {
    "batch": "Compare the build as a whole number: read CurrentBuildNumber with reg query, then if %BUILD% GEQ 7601 ...",
    "vbscript": "Compare numbers: CLng(objOS.BuildNumber) >= 7601, or read CurrentBuildNumber with RegRead and CLng it.",
    "powershell": "Compare numbers: [int](Get-CimInstance Win32_OperatingSystem).BuildNumber -ge 7601, or [version] objects.",
    "wql": "Compare whole major.minor prefixes and equal-length builds: Version LIKE \"10.0.%\" AND BuildNumber >= \"22000\".",
}


def report_version_literal(out: Collector, n: int, construct: str, literal: str, mode: str, language: str,
                           tested: list | None = None, patch_level: bool = True) -> bool:
    """A version/build looked for as text. Returns True when the literal was a version. ``patch_level``:
    the text searched shows the UBR (ver does from Windows 10 1709 on; wmic's and WMI's Version never)."""
    from sbskit.core.osver import proofs

    vm = VERSION_IN.search(literal)
    if not vm or not proofs.is_version_literal(vm.group(0)) or PRODUCT_WORDS.search(literal):
        return False
    version = vm.group(0)
    if mode not in ("wildcard", "like", "regex") and literal.replace(version, "").strip(' ."*%'):
        return True  # "NT 4.0", "Version 6.1": letters around it; it cannot hide in a build or patch number
    pattern = literal if mode in ("wildcard", "like") else version
    evidence = proofs.prove_match(pattern, mode)
    if not patch_level:
        evidence.pop("also_matches_by_revision", None)
    if tested is not None:
        tested.extend(proofs.intended(version))
    if any(evidence.get(k) for k in ("also_matches", "misses", "also_matches_by_revision")):
        out.add(n, "substring-build-match", "error",
                f"{construct} tests the version by looking for text: {proof_text(evidence)}.",
                SAFE_FIX[language], **{k: v for k, v in evidence.items() if k != "matches"})
    if mode == "regex" and re.search(r"(?<!\\)\.", version):
        example = proofs.regex_counterexample(version)
        if example:
            out.add(n, "regex-unescaped-dot", "warning",
                    f"{construct} is a regular expression, where '.' matches any character: \"{version}\" also "
                    f"matches ver text such as {example}.",
                    "Escape the dot (\\.) or match literally - better, compare the build as a number.",
                    counterexample=[example])
    if version.rstrip(".") in ("10", "10.0"):
        report_major10(out, n, construct)
    return True


def report_major10(out: Collector, n: int, construct: str) -> None:
    from sbskit.core.osver import proofs

    out.add(n, "major-equals-10", "warning",
            f"{construct} treats 10.0 as Windows 10, but Windows 11 and Server 2016-2025 report 10.0 too.",
            "Test the build: 10240-19045 is Windows 10, 22000 and later Windows 11; add a ProductType test.",
            matches=proofs.ten_point_zero())


def report_product_name(out: Collector, n: int, construct: str, word: str, in_ver: bool = False) -> bool:
    """A search for a product name. ``in_ver``: the text searched is ver's, which names only 2000, XP and
    the 9x releases (XP x64 and Server 2003 print "Microsoft Windows [Version 5.2.3790]")."""
    from sbskit.core.osver import proofs

    if not PRODUCT_WORDS.search(word):
        return False
    needle = word.strip("*%").lower()
    products = [] if in_ver else \
        sorted({r.product for r in proofs.nt_releases() if needle in ("microsoft " + r.product).lower()})
    out.add(n, "product-name-match", "warning",
            f"{construct} recognises Windows by its name, which is fragile: the registry ProductName says "
            "'Windows 10' on Windows 11, captions read 'Windows Server® 2008' on Server 2008, ver names no release "
            "after XP"
            + (f"; \"{needle}\" also matches {', '.join(products)}" if len(products) > 1 else "") + ".",
            "Test the build number and ProductType instead of the product name.", also_matches=products)
    return True


EDITION_WORDS = re.compile(r"(?i)\b(professional|enterprise|education|home|standard|datacenter|ultimate|business)\b")
LABEL_WORDS = re.compile(r"(?i)\b(os name|os version|system type|os configuration|version)\b")
TRANSLATIONS = {
    "label": ["Betriebssystemname (de)", "Nom du système d'exploitation (fr)", "Nombre del sistema operativo (es)",
              "Versión (es)", "Версия (ru)", "版本 (zh)"],
    "edition": ["Professionnel (fr)", "Profesional (es)", "Entreprise (fr)", "Famille (fr)", "Корпоративная (ru)",
                "专业版 (zh)"],
}


def report_locale_words(out: Collector, n: int, construct: str, word: str, line: str) -> bool:
    """A search for an English label of systeminfo/ver, or an edition word in a Caption."""
    low = line.lower()
    if LABEL_WORDS.search(word) and re.search(r"\bver\b|systeminfo", low):
        what, key = "systeminfo labels and the word 'Version' in ver output are translated", "label"
    elif EDITION_WORDS.search(word) and re.search(r"caption|osname|productname|systeminfo", low):
        what, key = "edition names in Caption and systeminfo are translated", "edition"
    else:
        return False
    out.add(n, "locale-bound-parsing", "warning",
            f"{construct} looks for English text, but {what} ({', '.join(TRANSLATIONS[key][:4])}); on other "
            "languages it never matches.",
            "Test numbers instead: OperatingSystemSKU / EditionID for the edition, BuildNumber for the version.",
            localized=TRANSLATIONS[key])
    return True


def report_frozen(out: Collector, n: int, name: str) -> None:
    from sbskit.core.osver import proofs

    what = {
        "releaseid": ("ReleaseId is frozen at 2009 since Windows 10 20H2 (and on all of Windows 11)",
                      "DisplayVersion or CurrentBuildNumber"),
        "productname": ("ProductName says 'Windows 10' on Windows 11", "CurrentBuildNumber (22000+ is Windows 11)"),
        "currentversion": ("CurrentVersion is frozen at 6.3 on Windows 8.1, 10, 11 and Server 2012 R2-2025",
                           "CurrentMajorVersionNumber/CurrentMinorVersionNumber or CurrentBuildNumber"),
    }[name.lower()]
    out.add(n, "frozen-registry-value", "warning", f"{what[0]}.", f"Read {what[1]} instead.",
            same_value_on=proofs.frozen_value_evidence(name))


WMIC_CALL = re.compile(
    r"(?i)(?<![\w-])wmic(?:\.exe)?(?:\s+(?:/\w|os\b|path\b|qfe\b|bios\b|cpu\b|product\b|computersystem\b|"
    r"logicaldisk\b|service\b|process\b|nic\w*|useraccount\b|\w+\s+(?:get|list|call|where)\b)|\s*['\")|]|\s*$)")


def report_wmic(out: Collector, n: int) -> None:
    from sbskit.core.osver import proofs

    out.add(n, "wmic-deprecated", "warning",
            "wmic is deprecated, off by default on new Windows 11 24H2 installs and absent from Server 2025; "
            "the script finds nothing there.",
            "Read the registry, or use PowerShell Get-CimInstance Win32_OperatingSystem.",
            without_wmic=proofs.without_wmic())


def report_frozen_and_wmic(out: Collector, n: int, line: str, frozen: re.Pattern, version_lines: list[int]) -> None:
    """The rules every script language shares: frozen registry values (``frozen`` finds the
    value name in group 1, in the language's syntax) and wmic calls; both mark a version line."""
    for m in frozen.finditer(line):
        report_frozen(out, n, m.group(1))
        version_lines.append(n)
    if WMIC_CALL.search(line):
        report_wmic(out, n)
        version_lines.append(n)


def report_string_compare(out: Collector, n: int, expr: str, op: str, literal: str, language: str, why: str) -> None:
    from sbskit.core.osver import proofs

    evidence = {k: list(v) for k, v in proofs.compare_evidence(op, literal, "." not in literal).items()}
    out.add(n, "version-string-compare", "error",
            f"{expr} compares text, not numbers ({why}): {proof_text(evidence) or 'text order differs from number order'}.",
            SAFE_FIX[language], **evidence)


def report_os_env(out: Collector, n: int, construct: str) -> None:
    from sbskit.core.osver import proofs

    out.add(n, "os-env-version-test", "warning",
            f"{construct} is 'Windows_NT' on every NT release from NT 4.0 to Windows 11 and Server 2025, so it cannot "
            "tell versions apart.", "Test the build number as a number.",
            same_value=proofs.describe(proofs.nt_releases(), limit=6))


def report_family_guard(out: Collector, n: int, text: str, tested: list, language: str) -> None:
    from sbskit.core.osver import proofs

    if FAMILY_GUARD.search(text):
        return
    shared = proofs.shared_client_server(tested or proofs.nt_releases())
    fix = {
        "batch": "Add a ProductType test: reg query HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions /v "
                 "ProductType (WinNT = client, ServerNT/LanmanNT = server).",
        "vbscript": "Add a ProductType test: objOS.ProductType = 1 is a client, 2 a domain controller, 3 a server.",
        "powershell": "Add a ProductType test: (Get-CimInstance Win32_OperatingSystem).ProductType -eq 1 for clients.",
        "wql": "Add ProductType = 1 (clients) or ProductType <> 1 (servers, domain controllers included).",
    }[language]
    out.add(n, "no-family-guard", "warning",
            "The script tests the version but never whether it runs on a client or a server; they share versions ("
            + ", ".join(shared[:3]) + (", ..." if len(shared) > 3 else "") + ").", fix, shared=shared)


def split_code_comment(line: str, comment_chars: str) -> str:
    """The line without its trailing comment (comment start outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'" and ch not in comment_chars:
            quote = ch
        elif ch in comment_chars:
            return line[:i]
    return line

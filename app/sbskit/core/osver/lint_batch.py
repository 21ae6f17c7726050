"""Batch (.bat/.cmd) rules of the login-script checker (see :mod:`lint` for the rule list)."""

from __future__ import annotations

import re

from sbskit.core.osver import proofs
from sbskit.core.osver.lint_common import (
    VERSIONISH_NAME,
    report_major10,
    Collector,
    report_family_guard,
    report_frozen_and_wmic,
    report_os_env,
    report_product_name,
    report_string_compare,
    report_version_literal,
)

FIND = re.compile(r"(?i)\b(findstr|find)(?:\.exe)?\b([^|&]*)")
LITERAL = re.compile(r'(?i)(/c:)?"([^"]*)"')
IF_CMP = re.compile(r'(?i)\bif\s+(?:/i\s+)?(?:not\s+)?("[^"]*"|[^\s"]+)\s+(EQU|NEQ|LSS|LEQ|GTR|GEQ)\s+("[^"]*"|[^\s"]+)')
IF_ERRORLEVEL = re.compile(r"(?i)\bif\s+(not\s+)?errorlevel\s+(\d+)")
FOR_F = re.compile(r"""(?i)\bfor\s+/f\s+(?:"([^"]*)"\s+)?%%?\w\s+in\s*\(\s*'([^']*)'\s*\)""")
COND_GOTO = re.compile(r"(?i)(^\s*if\b.*\bgoto\b|(&&|\|\|)\s*goto\b)")
LABEL = re.compile(r"^\s*:(?!:)(\w[\w.-]*)")
LABEL_WORDS = re.compile(r"(?i)^\s*\[?(version|os name|os version|system type|service pack|build|os configuration)\b")
LOCALIZED = {"Version": ["Versión", "Версия", "版本", "Verze", "Wersja", "Sürüm", "versão", "Versione", "version (fr)"],
             "OS Name": ["Betriebssystemname", "Nom du système d'exploitation", "Nombre del sistema operativo"]}
FROZEN = re.compile(r"(?i)/v\s+\"?(ReleaseId|ProductName|CurrentVersion)\b")


def _code(line: str) -> str | None:
    s = line.strip().lstrip("@")
    if not s or re.match(r"(?i)^(rem\b|::)", s):
        return None
    return line


def check(lines: list[str], out: Collector) -> None:
    version_lines: list[int] = []
    tested: list = []
    chain: list[int] = []
    chain_versionish = False
    last_errorlevel: tuple[int, int] | None = None
    prev_ver_context = False
    for n, raw in enumerate(lines, 1):
        line = _code(raw)
        if line is None:
            continue
        low = line.lower()
        # --- find / findstr literals -----------------------------------------------------
        for m in FIND.finditer(line):
            tool, rest = m.group(1).lower(), m.group(2)
            options = {o.lower() for o in re.findall(r"(?i)/[a-z](?::|\b)", rest)}
            for lm in LITERAL.finditer(rest):
                literal, is_c = lm.group(2), bool(lm.group(1))
                regex = tool == "findstr" and "/l" not in options and (not is_c or "/r" in options)
                words = [literal] if (is_c or tool == "find") else literal.split()
                for word in words:
                    _check_literal(n, tool, word, regex, low, out, version_lines, tested)
        # --- ver parsed by token position -----------------------------------------------
        for m in FOR_F.finditer(line):
            opts, command = m.group(1) or "", m.group(2)
            if re.search(r"(?i)\bver\b", command):
                tok = re.search(r"(?i)tokens=([^\s\"]+)", opts)
                dl = re.search(r"(?i)delims=(.*)$", opts)
                sim = proofs.ver_tokens(tok.group(1) if tok else "1", dl.group(1) if dl else None)
                shapes = "; ".join(f"'{shape}' on {rels[0]}" for shape, rels in list(sim.items())[:4])
                out.add(n, "ver-token-position", "warning",
                        f"ver output is split by position, and the pieces differ between releases: {shapes}.",
                        "Read CurrentBuildNumber from the registry (reg query ... /v CurrentBuildNumber) and compare it "
                        "as a number instead of cutting up ver output.", tokens=sim)
                version_lines.append(n)
            if re.search(r"(?i)\bsysteminfo\b", command):
                out.add(n, "locale-bound-parsing", "warning",
                        "systeminfo labels are translated (OS Name is 'Betriebssystemname' on German Windows), so "
                        "parsing them by label or position breaks on other languages.",
                        "Read the registry (CurrentBuildNumber, ProductOptions\\ProductType) instead.",
                        localized=LOCALIZED["OS Name"])
        # --- if comparisons ---------------------------------------------------------------
        for m in IF_CMP.finditer(line):
            left, op, right = m.group(1), m.group(2).upper(), m.group(3)
            _check_compare(n, left, op, right, out, version_lines)
        for m in re.finditer(r'(?i)("?%(\w+)%"?)\s*==\s*"?(10|10\.0)"?(?=\s|$)', line):
            if VERSIONISH_NAME.search(m.group(2)) or m.group(2).lower() in ("v", "ver", "major", "maj"):
                report_major10(out, n, m.group(0).strip())
                version_lines.append(n)
        if re.search(r"(?i)%os%", line) and re.search(r"(?i)\bif\b|==|equ|neq", line):
            report_os_env(out, n, "%OS%")
        # --- errorlevel ---------------------------------------------------------------------
        for m in IF_ERRORLEVEL.finditer(line):
            negated, level = bool(m.group(1)), int(m.group(2))
            if level == 0 and not negated:
                out.add(n, "errorlevel-order", "warning",
                        "'if errorlevel 0' is always true: errorlevel N means 'N or higher'.",
                        "Use 'if not errorlevel 1' for success, or 'if %errorlevel% EQU 0'.")
            elif last_errorlevel and not negated and last_errorlevel[1] < level and n - last_errorlevel[0] <= 3:
                out.add(n, "errorlevel-order", "warning",
                        f"'if errorlevel {last_errorlevel[1]}' on line {last_errorlevel[0]} is already true for "
                        f"{level}, so this test is never reached.",
                        "Test the highest errorlevel first, or use 'if %errorlevel% EQU N'.")
            if not negated:
                last_errorlevel = (n, level)
        # --- frozen registry values, wmic --------------------------------------------------
        report_frozen_and_wmic(out, n, line, FROZEN, version_lines)
        if re.search(r"(?i)/v\s+\"?CurrentBuild(Number)?\b", line):
            version_lines.append(n)
        # --- goto chains ----------------------------------------------------------------------
        label = LABEL.match(line)
        if COND_GOTO.search(line):
            chain.append(n)
            if re.search(r"(?i)errorlevel|ver\b|find|build|version|%os", line) or prev_ver_context:
                chain_versionish = True
        elif label and chain:
            if chain_versionish:
                out.add(chain[-1], "goto-fallthrough", "warning",
                        f"When none of the tests on line{'s' if len(chain) > 1 else ''} {_span(chain)} match, execution "
                        f"falls through into :{label.group(1)} as if it had matched - an unknown or new Windows "
                        "runs that branch.",
                        "Add a default branch after the tests: 'goto os_unknown' (log the version there) or 'goto :eof'.")
            chain, chain_versionish = [], False
        else:
            chain, chain_versionish = [], False
        prev_ver_context = bool(re.search(r"(?i)\bver\b|find|systeminfo|CurrentBuild", line))
    if version_lines:
        report_family_guard(out, version_lines[0], "\n".join(lines), tested, "batch")


def _span(lines: list[int]) -> str:
    return str(lines[0]) if len(lines) == 1 else f"{lines[0]}-{lines[-1]}"


def _check_literal(n, tool, word, regex, low, out, version_lines, tested) -> None:
    construct = f'{tool} "{word}"'
    from_ver = re.search(r"\bver\b", low) is not None and "wmic" not in low
    if report_version_literal(out, n, construct, word, "regex" if regex else "substring", "batch", tested,
                              patch_level=from_ver):
        version_lines.append(n)
    elif report_product_name(out, n, construct, word, in_ver=from_ver):
        version_lines.append(n)
    if LABEL_WORDS.search(word) and re.search(r"(?i)\bver\b|systeminfo", low):
        key = "OS Name" if "name" in word.lower() else "Version"
        out.add(n, "locale-bound-parsing", "warning",
                f"\"{word}\" relies on an English word; on other languages ver and systeminfo print a translated "
                f"word ({', '.join(LOCALIZED[key][:5])}), so the line is never found there.",
                "Do not search for translated words; read CurrentBuildNumber from the registry.",
                localized=LOCALIZED[key])
        version_lines.append(n)


def _check_compare(n, left, op, right, out, version_lines) -> None:
    operands = (left, right)
    literal = next((o.strip('"') for o in operands if re.fullmatch(r'"?\d+(\.\d+)+"?|"\d{3,5}"', o)), None)
    versionish = any(VERSIONISH_NAME.search(o) for o in operands)
    quoted = any(o.startswith('"') for o in operands)
    if literal is None or not (versionish or "." in literal):
        if not (quoted and versionish):
            return
        literal = next((o.strip('"') for o in operands if re.fullmatch(r'"?\d+"?', o)), None)
        if literal is None:
            return
    if "." not in literal and not quoted:
        return  # two whole numbers compare as numbers in cmd
    sym = {"EQU": "=", "NEQ": "<>", "LSS": "<", "LEQ": "<=", "GTR": ">", "GEQ": ">="}[op]
    if left.strip('"') == literal:
        sym = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(sym, sym)
    report_string_compare(out, n, f"{left} {op} {right}", sym, literal, "batch",
                          "cmd compares numerically only when both sides are plain whole numbers")
    version_lines.append(n)



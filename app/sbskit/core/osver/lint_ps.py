"""PowerShell rules of the script checker.

PowerShell converts the right operand to the left operand's type: WMI's ``Version`` and
``BuildNumber`` are strings, so ``(Get-CimInstance Win32_OperatingSystem).BuildNumber -ge
22000`` is a *string* comparison ("9600" -ge "22000" is true). Casts to [int] or
[version] make it numeric; the rules look for the casts.
"""

from __future__ import annotations

import re

from sbskit.core.osver import lint_wql
from sbskit.core.osver.lint_common import (
    Collector,
    report_family_guard,
    report_frozen_and_wmic,
    report_major10,
    report_locale_words,
    report_os_env,
    report_product_name,
    report_string_compare,
    report_version_literal,
    split_code_comment,
)

STR = r"""(?P<q>["'])(?P<lit>[^"']*)(?P=q)"""
LIKE = re.compile(r"(?i)-(?:c|i)?(?:not)?like\s+" + STR)
MATCH = re.compile(r"(?i)-(?:c|i)?(?:not)?match\s+" + STR)
SELECT_STRING = re.compile(r"(?i)select-string\b(?![^|]*-simplematch)[^|]*?-pattern\s+" + STR)
METHOD = re.compile(r"(?i)\.(?P<method>Contains|StartsWith|IndexOf|EndsWith)\(\s*" + STR + r"\s*\)")
CMP = re.compile(r"(?i)(\[[\w.]+\]\s*)?([$\w.:()\[\]'\"-]+?)\s+-(lt|le|gt|ge)\s+(\[[\w.]+\]\s*)?([\"']?)([\d.]+)\5")
STRING_PROPS = re.compile(r"(?i)\.(Version|BuildNumber|CurrentBuild|CurrentBuildNumber|OsVersion|OsBuildNumber|DisplayVersion)\)?$")
MAJOR_EQ = re.compile(r"(?i)\bMajor\s*-eq\s*['\"]?10\b")
FROZEN = re.compile(r"(?i)(?:\.|-Name\s+['\"]?|-ExpandProperty\s+['\"]?|Select-Object\s+['\"]?)(ReleaseId|ProductName|CurrentVersion)\b(?!\\)")
ASSIGN = re.compile(r"(?i)^\s*\$(\w+)\s*=\s*(\[[\w.]+\])?\s*(.*)$")


def _strip_block_comments(lines: list[str]) -> list[str]:
    out, inside = [], False
    for line in lines:
        code = ""
        rest = line
        while rest:
            if inside:
                end = rest.find("#>")
                if end == -1:
                    rest = ""
                else:
                    rest, inside = rest[end + 2:], False
            else:
                start = rest.find("<#")
                if start == -1:
                    code += rest
                    rest = ""
                else:
                    code += rest[:start]
                    rest, inside = rest[start + 2:], True
        out.append(split_code_comment(code, "#"))
    return out


def check(lines: list[str], out: Collector) -> None:
    code_lines = _strip_block_comments(lines)
    tested: list = []
    version_lines: list[int] = []
    string_vars: set[str] = set()
    for n, line in enumerate(code_lines, 1):
        if not line.strip():
            continue
        am = ASSIGN.match(line)
        if am:
            name, cast, value = am.group(1).lower(), am.group(2), am.group(3)
            if not cast and STRING_PROPS.search(value.strip()) and not re.match(r"(?i)\[(int|long|version)", value):
                string_vars.add(name)
            else:
                string_vars.discard(name)
        for m in LIKE.finditer(line):
            construct = f'-like "{m.group("lit")}"'
            if report_version_literal(out, n, construct, m.group("lit"), "wildcard", "powershell", tested) or \
                    report_product_name(out, n, construct, m.group("lit")):
                version_lines.append(n)
            report_locale_words(out, n, construct, m.group("lit"), line)
        for m in list(MATCH.finditer(line)) + list(SELECT_STRING.finditer(line)):
            pattern = m.group("lit")
            construct = f'-match "{pattern}"' if "match" in m.group(0).lower()[:10] else f'Select-String "{pattern}"'
            if report_version_literal(out, n, construct, pattern, "regex", "powershell", tested) or \
                    report_product_name(out, n, construct, pattern):
                version_lines.append(n)
            report_locale_words(out, n, construct, pattern, line)
        for m in METHOD.finditer(line):
            mode = "prefix" if m.group("method").lower() == "startswith" else "substring"
            construct = f'.{m.group("method")}("{m.group("lit")}")'
            if report_version_literal(out, n, construct, m.group("lit"), mode, "powershell", tested) or \
                    report_product_name(out, n, construct, m.group("lit")):
                version_lines.append(n)
        for m in CMP.finditer(line):
            cast_left, left, op, cast_right, quote, literal = m.groups()
            left = left.lstrip("(")
            if re.search(r"(?i)psversion|clrversion|dotnet|\.net|wsmanstack|serialization|\$host\.version", left):
                continue  # PowerShell's or .NET's own version, not the OS
            segment = re.split(r"(?i)-and\b|-or\b|\bif\s*\(|[{;]", line[:m.start(3)])[-1]
            left_cast = ((cast_left or "") + " " + segment).lower()
            if re.search(r"\[(int|int32|int64|long|version|system\.version|double|decimal)\]", left_cast):
                version_lines.append(n)
                continue
            var = left.lstrip("$").lower() if left.startswith("$") and "." not in left else None
            if re.search(r"(?i)osversion\.version|\.version\.(build|major|minor)|\[version\]|\[environment\]", left):
                version_lines.append(n)
                continue
            stringy = bool(STRING_PROPS.search(left.strip())) or (var in string_vars)
            if quote and "." in literal and not re.search(r"(?i)version\]", cast_right or ""):
                stringy = stringy or var is None or var in string_vars or True
            if stringy and not re.search(r"(?i)\[(int|version|long)", cast_right or ""):
                sym = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}[op.lower()]
                report_string_compare(out, n, m.group(0).strip().lstrip("("), sym, literal, "powershell",
                                      "the left side is a string, so PowerShell compares as text")
                version_lines.append(n)
            elif re.search(r"(?i)build|version|ver\b", left):
                version_lines.append(n)
        if MAJOR_EQ.search(line):
            report_major10(out, n, "Major -eq 10")
            version_lines.append(n)
        report_frozen_and_wmic(out, n, line, FROZEN, version_lines)
        if re.search(r"(?i)\$env:OS\b", line):
            report_os_env(out, n, "$env:OS")
        if re.search(r"(?i)\bselect\b.+\bfrom\s+win32_operatingsystem\b.+\bwhere\b", line):
            lint_wql.check([line], out, first_line=n, language="powershell")
    _defaults(code_lines, out)
    if version_lines:
        report_family_guard(out, version_lines[0], "\n".join(code_lines), tested, "powershell")


VERSION_CASE = re.compile(r"""^\s*(["']?)(\d+(\.\d+)*\*?|\d{2}H\d)\1\s*\{""")
VERSIONISH = re.compile(r"(?i)version|build|major|ver\b|osver")


def _defaults(lines: list[str], out: Collector) -> None:
    """switch blocks on versions without default, and if/elseif chains without else."""
    for i, line in enumerate(lines):
        n = i + 1
        if re.search(r"(?i)\bswitch\b", line) and VERSIONISH.search(line):
            depth, has_default, has_case = 0, False, False
            for j in range(i, len(lines)):
                later = lines[j]
                if j > i and VERSION_CASE.match(later):
                    has_case = True
                if re.match(r"(?i)^\s*default\s*\{", later):
                    has_default = True
                depth += later.count("{") - later.count("}")
                if j > i and depth <= 0:
                    break
            if has_case and not has_default:
                out.add(n, "missing-default-branch", "warning",
                        "This switch on the version has no default branch: an unknown or newer release does nothing "
                        "and leaves no trace.", "Add 'default { Write-Warning \"unexpected OS build $build\" }' and log it.")
        if re.match(r"(?i)^\s*if\s*\(", line) and VERSIONISH.search(line):
            depth, has_elseif, has_else = 0, False, False
            for j in range(i, len(lines)):
                s = lines[j].strip()
                if j > i and s:
                    level = depth - (1 if s.startswith("}") else 0)
                    if level == 0:
                        rest = s.lstrip("}").strip()
                        if re.match(r"(?i)elseif\b", rest):
                            has_elseif = True
                        elif re.match(r"(?i)else\b", rest):
                            has_else = True
                        elif rest:
                            break
                depth += lines[j].count("{") - lines[j].count("}")
            if has_elseif and not has_else:
                out.add(n, "missing-default-branch", "warning",
                        "This if/elseif chain on the version has no else: a release none of the branches expect "
                        "silently does nothing.", "End the chain with 'else { ... }' that logs the unexpected version.")

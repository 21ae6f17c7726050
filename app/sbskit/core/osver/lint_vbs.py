"""VBScript rules of the script checker.

VBScript compares two strings as text: ``If strVer >= "6.1"`` is false on "10.0.19045".
WMI's Version and BuildNumber are strings, so they need CLng()/CInt() before any
comparison. Queries passed to ExecQuery are checked with the WQL rules.
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

INSTR = re.compile(r"""(?i)\bInStr(?:Rev)?\s*\((?:[^,()]*,)?[^,()]*(?:\([^()]*\))?[^,()]*,\s*"([^"]*)"\s*(?:,[^)]*)?\)""")
LEFT = re.compile(r"""(?i)\b(Left|Mid)\s*\([^()]*(?:\([^()]*\))?[^()]*\)\s*(=|<>)\s*"([^"]*)\"""")
CMP_QUOTED = re.compile(r"""(?i)([\w.()]+)\s*(<=|>=|<|>)\s*"(\d+(?:\.\d+)*)\"""")
CMP_PROP = re.compile(r"""(?i)(?<!\()(\w+\.(Version|BuildNumber))\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)*)""")
PATTERN = re.compile(r"""(?i)\.Pattern\s*=\s*"([^"]*)\"""")
REGREAD = re.compile(r"""(?i)RegRead\s*\(\s*"[^"]*\\(ReleaseId|ProductName|CurrentVersion)"\s*\)""")
EXECQUERY = re.compile(r"""(?i)ExecQuery\s*\(\s*"([^"]*)\"""")
VERSIONISH = re.compile(r"(?i)version|build|ver\b|osver")


def _code(line: str) -> str:
    code = split_code_comment(line, "'")
    if re.match(r"(?i)^\s*rem\b", code):
        return ""
    return code


def check(lines: list[str], out: Collector) -> None:
    code_lines = [_code(line) for line in lines]
    tested: list = []
    version_lines: list[int] = []
    for n, line in enumerate(code_lines, 1):
        if not line.strip():
            continue
        for m in INSTR.finditer(line):
            construct = f'InStr(..., "{m.group(1)}")'
            # InStr(v, "5.2") = 1 is anchored at the start: a prefix test, not a search anywhere in the text
            anchored = re.match(r"\s*=\s*1\b", line[m.end():]) is not None
            if report_version_literal(out, n, construct, m.group(1), "prefix" if anchored else "substring", "vbscript",
                                      tested) or report_product_name(out, n, construct, m.group(1)):
                version_lines.append(n)
            report_locale_words(out, n, construct, m.group(1), line)
        for m in LEFT.finditer(line):
            literal = m.group(3)
            construct = f'{m.group(1)}(...) {m.group(2)} "{literal}"'
            if literal in ("10", "10.", "10.0"):
                report_major10(out, n, construct)
                version_lines.append(n)
            elif report_version_literal(out, n, construct, literal, "prefix", "vbscript", tested):
                version_lines.append(n)
        for m in CMP_QUOTED.finditer(line):
            left, op, literal = m.groups()
            if re.match(r"(?i)c(lng|int|dbl|sng)\(", left):
                continue
            report_string_compare(out, n, m.group(0), op, literal, "vbscript",
                                  "a quoted number makes VBScript compare strings")
            version_lines.append(n)
        for m in CMP_PROP.finditer(line):
            before = line[:m.start()]
            if re.search(r"(?i)c(lng|int|dbl)\(\s*$", before):
                continue
            report_string_compare(out, n, m.group(0), m.group(3), m.group(4), "vbscript",
                                  f"WMI returns {m.group(2)} as a string; without CLng() the comparison is not numeric")
            version_lines.append(n)
        if re.search(r"(?i)\bCLng|CInt|CDbl", line) and VERSIONISH.search(line):
            version_lines.append(n)
        for m in PATTERN.finditer(line):
            if report_version_literal(out, n, f'.Pattern = "{m.group(1)}"', m.group(1), "regex", "vbscript", tested):
                version_lines.append(n)
        report_frozen_and_wmic(out, n, line, REGREAD, version_lines)
        if re.search(r"(?i)%OS%", line):
            report_os_env(out, n, "%OS%")
        for m in EXECQUERY.finditer(line):
            if re.search(r"(?i)win32_operatingsystem", m.group(1)) and re.search(r"(?i)\bwhere\b", m.group(1)):
                lint_wql.check([m.group(1)], out, first_line=n, language="vbscript")
                version_lines.append(n)
    _defaults(code_lines, out)
    if version_lines:
        report_family_guard(out, version_lines[0], "\n".join(code_lines), tested, "vbscript")


def _defaults(lines: list[str], out: Collector) -> None:
    for i, line in enumerate(lines):
        n = i + 1
        if re.match(r"(?i)^\s*select\s+case\b", line) and VERSIONISH.search(line):
            depth, has_else = 0, False
            for later in lines[i:]:
                if re.match(r"(?i)^\s*select\s+case\b", later):
                    depth += 1
                elif re.match(r"(?i)^\s*end\s+select\b", later):
                    depth -= 1
                    if depth == 0:
                        break
                elif depth == 1 and re.match(r"(?i)^\s*case\s+else\b", later):
                    has_else = True
            if not has_else:
                out.add(n, "missing-default-branch", "warning",
                        "This Select Case on the version has no Case Else: an unknown or newer release does nothing and "
                        "leaves no trace.", "Add 'Case Else' that logs the unexpected version.")
        if re.match(r"(?i)^\s*if\b.*\bthen\s*$", line) and VERSIONISH.search(line):
            depth, has_elseif, has_else = 0, False, False
            for later in lines[i:]:
                if re.match(r"(?i)^\s*if\b.*\bthen\s*$", later):
                    depth += 1
                elif re.match(r"(?i)^\s*end\s+if\b", later):
                    depth -= 1
                    if depth == 0:
                        break
                elif depth == 1 and re.match(r"(?i)^\s*elseif\b", later):
                    has_elseif = True
                elif depth == 1 and re.match(r"(?i)^\s*else\b", later):
                    has_else = True
            if has_elseif and not has_else:
                out.add(n, "missing-default-branch", "warning",
                        "This If/ElseIf chain on the version has no Else: a release none of the branches expect "
                        "silently does nothing.", "End the chain with an Else that logs the unexpected version.")

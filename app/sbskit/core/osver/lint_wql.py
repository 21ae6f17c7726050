"""WQL rules (GPO WMI filters, and queries inside VBScript/PowerShell) of the script checker.

WMI compares Version and BuildNumber as *strings*: ``Version >= "6.1"`` is also true on
5.2 and false on 10.0. The whole WHERE clause is evaluated against every release with
WMI's string semantics and with the numeric meaning the author had in mind; any release
where the two differ is the proof.
"""

from __future__ import annotations

import functools
import re

from sbskit.core.osver import proofs
from sbskit.core.osver.evaluate import EvalError, eval_wql, wmi_properties
from sbskit.core.osver.lint_common import (
    Collector,
    proof_text,
    report_family_guard,
    report_major10,
    report_product_name,
    report_version_literal,
)

LIKE = re.compile(r"""(?i)\b(Version|BuildNumber|Caption)\s+LIKE\s+(["'])([^"']*)\2""")
CMP = re.compile(r"""(?i)\b(Version|BuildNumber)\s*(<=|>=|<>|!=|<|>)\s*(["']?)([\d.]+)\3""")
PRODUCT_TYPE = re.compile(r"(?i)\bProductType\s*(=|<>|!=)\s*[\"']?(\d)")


def check(lines: list[str], out: Collector, first_line: int = 1, language: str = "wql") -> None:
    tested: list = []
    version_line = None
    for i, line in enumerate(lines):
        n = first_line + i
        for m in LIKE.finditer(line):
            prop, pattern = m.group(1), m.group(3)
            construct = f'{prop} LIKE "{pattern}"'
            if prop.lower() == "caption":
                report_product_name(out, n, construct, pattern)
                version_line = version_line or n
                continue
            version_line = version_line or n
            tested.extend(proofs.intended(pattern.strip("%_")))
            if pattern.startswith("%") or pattern.startswith("_"):
                report_version_literal(out, n, construct, pattern, "like", "wql", tested)
            elif pattern.rstrip("%.") in ("10", "10.0") and not re.search(r"(?i)buildnumber", "\n".join(lines)):
                report_major10(out, n, construct)
        for _m in CMP.finditer(line):
            version_line = version_line or n
        for m in PRODUCT_TYPE.finditer(line):
            if m.group(1) == "=" and m.group(2) == "3":
                dcs = proofs.describe([r for r in proofs.nt_releases() if r.kind in ("sbs", "essentials", "ebs")])
                out.add(n, "no-family-guard", "warning",
                        "ProductType = 3 leaves out domain controllers (ProductType 2) - and every Small Business "
                        "Server is a domain controller.", "Use ProductType <> 1 for 'any server'.", misses=dcs)
    text = "\n".join(lines)
    for clause_line, clause in _where_clauses(lines, first_line):
        _prove_clause(out, clause_line, clause, language)
    if version_line:
        report_family_guard(out, version_line, text, tested, language)


MAX_WQL_CHARS = 65536  # a WMI filter is a few lines; do not run clause searches over megabytes


def _where_clauses(lines: list[str], first_line: int) -> list[tuple[int, str]]:
    text = "\n".join(lines)[:MAX_WQL_CHARS]
    found = []
    for m in re.finditer(r"(?is)\bselect\b.{0,300}?\bfrom\b\s+\w+\s+\bwhere\b(.{0,4000}?)(?=\bselect\b|$)", text):
        clause = m.group(1).strip().rstrip(";").strip()
        cm = CMP.search(clause)
        if not cm:
            continue
        offset = m.start(1) + cm.start()
        line_no = first_line + text.count("\n", 0, offset)
        found.append((line_no, clause))
    return found


@functools.lru_cache(maxsize=256)
def _clause_differences(clause: str) -> tuple[tuple, tuple]:
    """Releases a WHERE clause matches as WMI evaluates it but not as meant, and the reverse."""
    wrong_in, wrong_out = [], []
    for r in proofs.nt_releases():
        props = wmi_properties(r)
        as_text = eval_wql(clause, props)
        as_number = eval_wql(clause, props, numeric_versions=True)
        if as_text and not as_number:
            wrong_in.append(r)
        elif as_number and not as_text:
            wrong_out.append(r)
    return tuple(wrong_in), tuple(wrong_out)


def _prove_clause(out: Collector, n: int, clause: str, language: str) -> None:
    try:
        wrong_in, wrong_out = _clause_differences(clause)
    except EvalError:
        # not a clause this evaluator reads: judge the comparison on its own
        m = CMP.search(clause)
        if m:
            lit = m.group(4)
            op = {"!=": "<>"}.get(m.group(2), m.group(2))
            build_only = m.group(1).lower() == "buildnumber"
            ev = proofs.string_vs_number(lambda r, num: proofs.version_cmp_text(r, op, lit, num, build_only))
            wrong_in, wrong_out = ev["also_matches"], ev["misses"]
            if wrong_in or wrong_out:
                out.add(n, "version-string-compare", "error",
                        f"WMI compares {m.group(1)} as text: {proof_text(ev)}.",
                        "Constrain the prefix first (Version LIKE \"10.0.%\") so builds have equal length, then compare.",
                        **ev)
        return
    if wrong_in or wrong_out:
        ev = {"also_matches": proofs.describe(wrong_in), "misses": proofs.describe(wrong_out)}
        out.add(n, "version-string-compare", "error",
                f"WMI compares Version and BuildNumber as text, so this filter is wrong on real releases: "
                f"{proof_text(ev)}.",
                "Constrain the prefix first (Version LIKE \"10.0.%\") so builds have equal length, then compare: "
                "Version LIKE \"10.0.%\" AND BuildNumber >= \"22000\".", **ev)

"""The triage result as readable text (CLI, clipboard) and as a client report section."""

from __future__ import annotations

import html
from pathlib import Path

from sbskit.core.report import Report
from sbskit.core.triage.engine import TriageResult
from sbskit.core.triage.plan import version_name


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _extra_reasons(finding) -> list[str]:
    """The reasons the summary does not already say."""
    return [r for r in finding.reasons if r not in finding.summary]


def inputs_text(result: TriageResult) -> list[str]:
    lines = []
    for item in result.inputs:
        name = Path(item.file).name
        if item.format:
            lines.append(f"  {name}: {item.format_name}, {item.encoding}, {item.newline or '-'}, {item.records} records"
                         + (f", {item.skipped} skipped" if item.skipped else ""))
        else:
            lines.append(f"  {name}: not used")
        lines.extend(f"      ! {p}" for p in item.problems)
    return lines


def plan_text(steps: list[dict], indent: str = "    ") -> list[str]:
    lines = []
    for step in steps:
        lines.append(f"{indent}{step['step']}. {step['title']}")
        if step["detail"]:
            lines.append(f"{indent}   {step['detail']}")
        if step["command"]:
            lines.append(f"{indent}   PS> {step['command']}")
        for link in step["links"]:
            lines.append(f"{indent}   {link}")
    return lines


def live_lines(result: TriageResult) -> list[str]:
    """One sentence per live check that ran ('... is listed on 2 of 9 lists: ...')."""
    live = result.live.as_dict() if result.live is not None else {}
    names = {"blacklist": "Blocklist check", "relay": "Relay test"}
    return [f"{names[key]}: {entry['summary']}" for key, entry in live.items()]


def to_text(result: TriageResult) -> str:
    out = [result.verdict(), ""]
    if result.inputs:
        out.append("Evidence files:")
        out.extend(inputs_text(result))
        out.append("")
    if live_lines(result):
        out.append("Live checks:")
        out.extend(f"  {line}" for line in live_lines(result))
        out.append("")
    if not result.findings:
        out.append("No cause reaches the reporting threshold.")
    for rank, finding in enumerate(result.findings, 1):
        out.append(f"{rank}. {finding.title} \u2014 {_pct(finding.confidence)}")
        out.append(f"   {finding.summary}")
        for reason in _extra_reasons(finding):
            out.append(f"   - {reason}")
        if finding.evidence:
            out.append("   Evidence:")
            out.extend(f"     {line.where()}: {line.text}" for line in finding.evidence)
        out.append(f"   Action plan ({version_name(result.exchange_version)}):")
        out.extend(plan_text(finding.plan, "     "))
        out.append("")
    if result.missing:
        out.append("Evidence still missing (collect it, then run the triage again):")
        for item in result.missing:
            out.append(f"  - {item['title']}: {item['why']}")
            if item["command"]:
                out.append(f"    PS> {item['command']}")
            if item["note"]:
                out.append(f"    {item['note']}")
        out.append("")
    out.append("All causes: " + ", ".join(f"{c} {_pct(s['confidence'])}" for c, s in result.scores.items()))
    if result.answers.derived:
        out.append("From the evidence: " + "; ".join(f"{k} = {result.answers.get(k)} ({v})"
                                                     for k, v in result.answers.derived.items()))
    return "\n".join(out).rstrip() + "\n"


def add_to_report(report: Report, result: TriageResult) -> None:
    esc = html.escape
    report.add_html_section("Verdict", f"<p><b>{esc(result.verdict())}</b></p>"
                            f"<p class='muted'>Commands for {esc(version_name(result.exchange_version))} "
                            f"(version {esc(result.version_source)}).</p>")
    if result.inputs:
        rows = "".join(
            f"<tr><td>{esc(Path(i.file).name)}</td><td>{esc(i.format_name)}</td><td>{esc(i.encoding)}</td>"
            f"<td>{i.records}</td><td>{esc('; '.join(i.problems))}</td></tr>"
            for i in result.inputs
        )
        report.add_html_section(
            "Evidence files",
            "<table border='1' cellspacing='0' cellpadding='3'><tr><th>File</th><th>Format</th><th>Encoding</th>"
            f"<th>Records</th><th>Problems</th></tr>{rows}</table>",
        )
    if live_lines(result):
        report.add_html_section("Live checks", "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in live_lines(result)) + "</ul>")
    for rank, f in enumerate(result.findings, 1):
        reasons = "".join(f"<li>{esc(r)}</li>" for r in _extra_reasons(f))
        evidence = "\n".join(f"{line.where()}: {line.text}" for line in f.evidence)
        steps = "".join(
            f"<li><b>{esc(s['title'])}</b>{('<br>' + esc(s['detail'])) if s['detail'] else ''}"
            + (f"<pre>{esc(s['command'])}</pre>" if s["command"] else "")
            + "".join(f"<br><a href='{esc(u)}'>{esc(u)}</a>" for u in s["links"])
            + "</li>"
            for s in f.plan
        )
        body = (f"<p>{esc(f.summary)}</p><ul>{reasons}</ul>"
                + (f"<p><b>Evidence</b></p><pre>{esc(evidence)}</pre>" if evidence else "")
                + f"<p><b>Action plan</b></p><ol>{steps}</ol>")
        report.add_html_section(f"{rank}. {f.title} ({_pct(f.confidence)})", body)
    if result.missing:
        items = "".join(
            f"<li><b>{esc(m['title'])}</b>: {esc(m['why'])}<pre>{esc(m['command'])}</pre>{esc(m['note'])}</li>"
            for m in result.missing
        )
        report.add_html_section("Evidence still missing", f"<ul>{items}</ul>")


def make_report(result: TriageResult, title: str = "Queue triage") -> Report:
    report = Report(title=title)
    add_to_report(report, result)
    return report

"""The triage result as readable text (CLI, clipboard) and as a client report section.

Both say the same as the GUI: the outcome (cause found, healthy and what that rests on, or
not enough evidence and why), what the evidence says (grouped replies with their meaning,
failed logons, relay refusals, queues), the causes with their plan for the detected
platform, and the evidence still worth collecting.
"""

from __future__ import annotations

import html
from pathlib import Path

from sbskit.core.report import Report
from sbskit.core.triage.engine import TriageResult

OUTCOME_LABELS = {"cause": "Cause found", "healthy": "Healthy", "not_enough_evidence": "Not enough evidence to tell"}


def missing_heading(result: TriageResult) -> str:
    """Under a healthy verdict more evidence is optional; otherwise it is what the next run needs."""
    if result.outcome == "healthy":
        return "Optional: evidence that would make the healthy verdict stronger"
    return "Evidence still missing (collect it, then run the triage again)"


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def _extra_reasons(finding) -> list[str]:
    """The reasons the summary does not already say."""
    return [r for r in finding.reasons if r not in finding.summary]


def platform_line(result: TriageResult) -> str:
    p = result.platform
    if p is None:
        return ""
    source = {"given": " (as chosen)", "log headers": " (from the log headers)", "log format": " (from the log format)",
              "evidence": " (from the evidence)"}.get(p.version_source, "")
    return f"Mail system: {p.name}{source}." + (f" {p.note}" if p.note else "")


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
            lines.append(f"{indent}   {(step['prompt'] + ' ') if step['prompt'] else ''}{step['command']}")
        for alt in step.get("alternatives", []):
            lines.append(f"{indent}   [{alt['versions']}] {(alt['prompt'] + ' ') if alt['prompt'] else ''}{alt['command']}")
        for link in step["links"]:
            lines.append(f"{indent}   {link}")
    return lines


def live_lines(result: TriageResult) -> list[str]:
    """One sentence per live check that ran ('... is listed on 2 of 9 lists: ...')."""
    live = result.live.as_dict() if result.live is not None else {}
    names = {"blacklist": "Blocklist check", "relay": "Relay test", "maildns": "Mail DNS check"}
    lines = []
    for key, entry in live.items():
        lines.append(f"{names[key]}: {entry['summary']}")
        lines.extend(f"  {c['id']}: {c['status']} \u2014 {c['title']}" + (f": {c['detail']}" if c["detail"] else "")
                     for c in entry.get("checks", []) if c["status"] != "ok")
    return lines


def reply_lines(reply: dict) -> list[str]:
    """'  312 x 5.7.8  Smart host refuses the logon (5.7.8) [Get-Queue LastError; smtp.isp.example]' + meaning + fix."""
    where = ", ".join(reply["sources"])
    subjects = f"; {', '.join(reply['subjects'][:3])}" if reply["subjects"] else ""
    direction = "our server answered" if reply["direction"] == "inbound" else "answer to our mail"
    lines = [f"  {reply['count']:>5} \u00d7 {reply['code'] or '---'}  {reply['title']}  [{direction}; {where}{subjects}]",
             f"          \u201c{reply['text']}\u201d",
             f"          Means: {reply['meaning']}"]
    if reply["fix"]:
        lines.append(f"          Fix: {reply['fix']}")
    if reply.get("aside"):
        lines.append(f"          ({reply['aside']} of them are bounces to made-up addresses: no cause of ours)")
    return lines


def evidence_says(result: TriageResult) -> list[str]:
    out = []
    if result.replies:
        out.append("Replies in the evidence, grouped (most messages first):")
        for reply in result.replies[:25]:
            out.extend(reply_lines(reply))
    for note in result.noteworthy:
        out.append(f"{note['title']}:")
        out.extend(f"  - {line}" for line in note["lines"])
    return out


def to_text(result: TriageResult) -> str:
    out = [result.verdict(), ""]
    if platform_line(result):
        out += [platform_line(result), ""]
    if result.inputs:
        out.append("Evidence files:")
        out.extend(inputs_text(result))
        out.append("")
    if live_lines(result):
        out.append("Live checks:")
        out.extend(f"  {line}" for line in live_lines(result))
        out.append("")
    says = evidence_says(result)
    if says:
        out.append("What the evidence says:")
        out.extend(says)
        out.append("")
    if not result.findings:
        out.append("No cause of queue trouble was found in the evidence." if result.outcome == "healthy"
                   else "No cause reaches the reporting threshold.")
    elif result.outcome != "cause":
        out.append("Possible causes (not confirmed by the evidence):")
    for rank, finding in enumerate(result.findings, 1):
        out.append(f"{rank}. {finding.title} \u2014 {_pct(finding.confidence)}")
        out.append(f"   {finding.summary}")
        for reason in _extra_reasons(finding):
            out.append(f"   - {reason}")
        if finding.evidence:
            out.append("   Evidence:")
            out.extend(f"     {line.where()}: {line.text}" for line in finding.evidence)
        out.append(f"   Action plan ({finding.platform or (result.platform.name if result.platform else 'platform not known')}):")
        out.extend(plan_text(finding.plan, "     "))
        out.append("")
    if result.missing:
        out.append(missing_heading(result) + ":")
        for item in result.missing:
            out.append(f"  - {item['title']}: {item['why']}")
            if item["command"]:
                out.append(f"    {(item['prompt'] + ' ') if item['prompt'] else ''}{item['command']}")
            for alt in item.get("alternatives", []):
                out.append(f"    [{alt['versions']}] {alt['command']}")
            if item["note"]:
                out.append(f"    {item['note']}")
        out.append("")
    out.append("All causes: " + ", ".join(f"{c} {_pct(s['confidence'])}" for c, s in result.scores.items()))
    if result.answers.derived:
        out.append("From the evidence: " + "; ".join(f"{k} = {result.answers.get(k)} ({v})"
                                                     for k, v in result.answers.derived.items()))
    return "\n".join(out).rstrip() + "\n"


def _plan_html(steps: list[dict]) -> str:
    esc = html.escape
    items = []
    for s in steps:
        body = f"<b>{esc(s['title'])}</b>{('<br>' + esc(s['detail'])) if s['detail'] else ''}"
        if s["command"]:
            body += f"<pre>{esc(s['command'])}</pre>"
        for alt in s.get("alternatives", []):
            body += f"<br><i>{esc(alt['versions'])}:</i><pre>{esc(alt['command'])}</pre>"
        body += "".join(f"<br><a href='{esc(u)}'>{esc(u)}</a>" for u in s["links"])
        items.append(f"<li>{body}</li>")
    return "<ol>" + "".join(items) + "</ol>"


def _replies_html(result: TriageResult) -> str:
    esc = html.escape
    rows = "".join(
        f"<tr><td>{r['count']}</td><td>{esc(r['code'])}</td><td><b>{esc(r['title'])}</b><br>{esc(r['text'])}</td>"
        f"<td>{esc(r['meaning'])}{('<br><i>Fix:</i> ' + esc(r['fix'])) if r['fix'] else ''}</td>"
        f"<td>{esc(', '.join(r['sources']))}</td></tr>"
        for r in result.replies[:25]
    )
    return ("<table border='1' cellspacing='0' cellpadding='3'><tr><th>Messages</th><th>Code</th><th>Reply</th>"
            f"<th>Meaning</th><th>Found in</th></tr>{rows}</table>")


def add_to_report(report: Report, result: TriageResult) -> None:
    esc = html.escape
    report.add_html_section(
        "Verdict",
        f"<p><b>{esc(OUTCOME_LABELS[result.outcome])}.</b> {esc(result.verdict())}</p>"
        f"<p class='muted'>{esc(platform_line(result))}</p>")
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
    if result.replies or result.noteworthy:
        notes = "".join(
            f"<p><b>{esc(n['title'])}</b></p><ul>{''.join(f'<li>{esc(line)}</li>' for line in n['lines'])}</ul>"
            for n in result.noteworthy)
        report.add_html_section("What the evidence says", (_replies_html(result) if result.replies else "") + notes)
    for rank, f in enumerate(result.findings, 1):
        reasons = "".join(f"<li>{esc(r)}</li>" for r in _extra_reasons(f))
        evidence = "\n".join(f"{line.where()}: {line.text}" for line in f.evidence)
        label = "" if result.outcome == "cause" else " \u2014 possible, not confirmed"
        body = (f"<p>{esc(f.summary)}</p><ul>{reasons}</ul>"
                + (f"<p><b>Evidence</b></p><pre>{esc(evidence)}</pre>" if evidence else "")
                + f"<p><b>Action plan</b>{(' (' + esc(f.platform) + ')') if f.platform else ''}</p>{_plan_html(f.plan)}")
        report.add_html_section(f"{rank}. {f.title} ({_pct(f.confidence)}){label}", body)
    if result.missing:
        items = "".join(
            f"<li><b>{esc(m['title'])}</b>: {esc(m['why'])}"
            + (f"<pre>{esc(m['command'])}</pre>" if m["command"] else "")
            + "".join(f"<br><i>{esc(a['versions'])}:</i><pre>{esc(a['command'])}</pre>" for a in m.get("alternatives", []))
            + f"{esc(m['note'])}</li>"
            for m in result.missing
        )
        report.add_html_section(missing_heading(result).split(" (")[0], f"<ul>{items}</ul>")


def make_report(result: TriageResult, title: str = "Queue triage") -> Report:
    report = Report(title=title)
    add_to_report(report, result)
    return report

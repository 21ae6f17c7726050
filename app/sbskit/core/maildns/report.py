"""Client-report sections for a maildns run (HTML; the report writer makes PDF from it)."""

from __future__ import annotations

import html

from sbskit.core.maildns.render import MARK, proof_text, suggested_records

COLORS = {"ok": "#1b7a33", "warning": "#9a6700", "problem": "#b3261e", "error": "#6b4fa0"}


def report_sections(doc: dict) -> list:
    from sbskit.core.report import Section

    esc = html.escape
    who = esc(doc["domain"]) + (f" (server {esc(doc['ip'])})" if doc.get("ip") else "")
    rows = []
    for check in doc["checks"]:
        color = COLORS[check["status"]]
        receivers = "".join(
            f"<br><span class='muted'>{esc(r['provider'])}: {esc(r.get('reply') or r.get('effect') or '')}</span>"
            for r in check.get("receivers") or [] if r.get("provider"))
        fix = f"<br><b>Fix:</b> {esc(check['fix'])}" if check["fix"] and check["status"] != "ok" else ""
        evidence = "<br>".join(esc(e) for e in check["evidence"][:12])
        rows.append(f"<tr><td style='color:{color};font-weight:bold'>{MARK[check['status']]}</td>"
                    f"<td><b>{esc(check['title'])}</b><br>{esc(check['detail'])}{receivers}{fix}"
                    f"<br><small class='muted'>{evidence}</small></td></tr>")
    body = (f"<p>{esc(doc['summary']['line'])}</p><table><tr><th>Status</th><th>Check</th></tr>"
            + "".join(rows) + "</table>")
    sections = [Section(f"Mail DNS health: {who}", body)]
    records = suggested_records(doc)
    if records:
        items = "".join(f"<li><code>{esc(r['name'])}. {esc(r['type'])} \"{esc(r['value'])}\"</code>"
                        + "".join(f"<br><small>{esc(n)}</small>" for n in r.get("notes") or [])
                        + (f"<br><small>Proved before it was offered: {esc(proof_text(r['verified']))}</small>"
                           if r.get("verified") else "") + "</li>"
                        for r in records)
        sections.append(Section("DNS records to publish", f"<ul>{items}</ul>"))
    return sections

"""The POP3 page's results as client-report chapters: tables, not a monospace dump (no Qt).

The probe: one row per service (port, state, TLS, login before TLS, how we know, certificate),
then the findings by severity with what each means, the proofs, what is still open; the relay
test: the verdict, then one row per variant tried. Same words as the CLI's text
(``sbskit.core.mailprobe.textout``), laid out for a reader on paper.
"""

from __future__ import annotations

import html
from typing import Any

from sbskit.core.report import Section, html_table

_e = html.escape
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def probe_sections(doc: dict[str, Any]) -> list[Section]:
    from sbskit.core.mailprobe.textout import (
        cert_summary, learned_before_stop, login_cell, open_question_lines, proof_short, service_state, tls_cell)

    services = doc.get("services") or []
    rows = [[s["name"], str(s["port"]), service_state(s), tls_cell(s), login_cell(s), proof_short(s),
             cert_summary(s.get("certificate"))] for s in services]
    body = (f"<p><b>Mail server {_e(doc.get('host', ''))}: overall risk {_e(str(doc.get('risk', '?')).upper())}</b></p>"
            + html_table(["Service", "Port", "State", "TLS", "Login before TLS", "How we know", "Certificate"], rows))
    reasons = doc.get("reasons") or []
    if reasons:
        body += "<p><b>Why this risk:</b></p><ul>" + "".join(f"<li>{_e(r)}</li>" for r in reasons) + "</ul>"
    sections = [Section("Mail server exposure", body)]
    findings = [(s, f) for s in services for f in s.get("findings") or [] if f["severity"] not in ("info", "good")]
    if findings:
        findings.sort(key=lambda p: SEVERITY_ORDER.get(p[1]["severity"], 3))
        sections.append(Section("Findings", html_table(
            ["Severity", "Service", "Finding", "What it means"],
            [[f["severity"], f"{s['name']} ({s['port']})", f["title"], f.get("detail") or ""] for s, f in findings])))
    proofs = [[f"{s['name']} ({s['port']})", s["login_proof"]["seen"]] for s in services if s.get("login_proof")]
    if proofs:
        sections.append(Section("How the cleartext login was proven", html_table(["Service", "The server's own answer"],
                                                                                  proofs)))
    unfinished = [[f"{s['name']} ({s['port']})", ": ".join(p for p in (s.get("error") or "partly checked",
                                                                        s.get("detail")) if p),
                   "; ".join(learned_before_stop(s))] for s in services if s["status"] in ("partial", "error")]
    questions = [line.strip() for line in open_question_lines(doc)]
    if unfinished or questions:
        body = html_table(["Service", "Why it stopped", "What it showed"], unfinished) if unfinished else ""
        body += "<ul>" + "".join(f"<li>{_e(q)}</li>" for q in questions) + "</ul>" if questions else ""
        sections.append(Section("Not completed", body))
    sections[-1].html_body += ("<p class='muted'>No real password was sent: the login test uses a made-up user and a "
                               "dummy password, and stops at the first answer that settles the question.</p>")
    return sections


def relay_sections(doc: dict[str, Any]) -> list[Section]:
    verdict = doc.get("summary") or {True: "Possibly an open relay: the server accepted mail for a foreign domain",
                                     False: "No relay variant was accepted",
                                     None: "Could not be completed"}[doc.get("open_relay")]
    body = (f"<p><b>Relay test of {_e(doc.get('host', ''))} port {_e(str(doc.get('port', '')))}: "
            f"{_e(verdict.rstrip('.'))}.</b></p>")
    if doc.get("error") and not doc.get("summary"):
        body += f"<p>Stopped: {_e(doc['error'])}: {_e(doc.get('detail') or '')}</p>"
    attempts = doc.get("attempts") or []
    if attempts:
        body += html_table(["Result", "Reply", "Variant", "Sender", "Recipient"],
                           [["accepted" if a["relayed"] else "refused", str(a.get("reply_code") or "-"), a["variant"],
                             a["mail_from"], a["rcpt_to"]] for a in attempts])
    unanswered = doc.get("unanswered") or []
    if unanswered:
        body += "<p>No answer:</p>" + html_table(["Variant", "Why"], [[u["variant"], u["reason"]] for u in unanswered])
    notes = list(doc.get("notes") or []) + ([doc["note"]] if doc.get("note") else [])
    if notes:
        body += "".join(f"<p class='muted'>{_e(n)}</p>" for n in notes)
    return [Section("Open-relay test", body)]


def checklist_section(sheet: Any, heading: str) -> list[Section]:
    """The assessed checklist items under ``heading`` (whose checklist it is); never another
    client's answers: the caller passes the loaded sheet."""
    from sbskit.core.mailprobe.checklist import status_label

    assessed = [i for i in sheet.items() if i.get("status", "not-assessed") != "not-assessed"]
    if not assessed:
        return []
    rows = [[i["title"], status_label(i["status"]), i.get("notes") or ""] for i in assessed]
    return [Section(heading, html_table(["Item", "Status", "Notes"], rows))]

"""A one-page POP3 risk memo for management, as self-contained HTML.

Management decides; the admin informs. The memo says what was asked, the risks in
plain words, what the probe saw on this server, the recommendation, and leaves lines
for the decision and a signature, so one signed answer serves every later request.
The same HTML becomes the PDF through the UI layer (Qt), never here.
"""

from __future__ import annotations

import datetime as _dt
import html
from typing import Any

from sbskit.core.mailprobe.checklist import Checklist, status_label

MEMO_CSS = """
body { font-family: 'Segoe UI', 'DejaVu Sans', Arial, sans-serif; font-size: 9.5pt; color: #1b1b1b; }
h1 { font-size: 15pt; color: #1f4e8c; margin: 0 0 4pt 0; }
h2 { font-size: 11pt; color: #1f4e8c; margin: 10pt 0 3pt 0; }
p { margin: 2pt 0; }
td, th { padding: 2pt 5pt; vertical-align: top; text-align: left; }
th { background: #e3ecf8; }
.muted { color: #5a6472; }
.high { color: #8a1c14; font-weight: bold; }
.medium { color: #7a5300; font-weight: bold; }
.low { color: #1c6b33; font-weight: bold; }
.unknown { color: #5a6472; font-weight: bold; }
"""

RISK_WORDS = {
    "high": "HIGH: passwords or mail can be read or taken today",
    "medium": "MEDIUM: weaknesses that should be fixed before POP3 is used",
    "low": "LOW: the server insists on encryption before any password",
    "unknown": "UNKNOWN: the probe could not see enough (run it from outside the network)",
}


def _e(text: Any) -> str:
    return html.escape(str(text or ""))


def _evidence(probe: dict[str, Any]) -> list[str]:
    """How the verdicts are known, what stayed open, and the defences seen working."""
    out = []
    services = probe.get("services", [])
    proofs = [f"{_e(s['name'])} {s['port']}: {_e(s['login_proof']['seen'])}" for s in services if s.get("login_proof")]
    if proofs:
        out.append("<p>How we know passwords can cross unencrypted (the server's own answer to a made-up "
                   "user; no real password was used): " + "; ".join(proofs) + ".</p>")
    good = [f"{_e(s['name'])} {s['port']}: {_e(f['title'])}" for s in services for f in s.get("findings", [])
            if f.get("severity") == "good"]
    if good:
        out.append("<p>Working in the server's favour: " + "; ".join(good) + ".</p>")
    still_open = [f"{_e(s['name'])} {s['port']}: {_e(q['question'])} ({_e(q['reason'])})"
                  for s in services for q in s.get("open_questions") or []]
    if still_open:
        out.append("<p><b>Not yet known</b> (each with its reason; run the test again, or from outside the "
                   "network): " + "; ".join(still_open[:8]) + ".</p>")
    return out


def recommendation(checklist: Checklist, probe: dict[str, Any] | None) -> str:
    risk = (probe or {}).get("risk", "unknown")
    parts = ["Keep POP3 switched off unless there is a business need that IMAP, Outlook or ActiveSync cannot meet."]
    parts.append("If it must be used: enable it only for the named users below, only over SSL/TLS on port 995 "
                 "(secure login required, port 110 closed), with clients that leave a copy on the server.")
    if risk == "high":
        parts.append("Before anything else, fix what the probe found: the server currently accepts passwords "
                     "without encryption.")
    elif risk == "medium":
        parts.append("Fix the certificate and TLS weaknesses the probe found before enabling POP3 for anyone.")
    return " ".join(parts)


def render_memo(checklist: Checklist, probe: dict[str, Any] | None = None, author: str = "",
                today: _dt.date | None = None, probe_when: str = "") -> str:
    """The memo as one HTML document (inline CSS; Qt's rich text renders it to PDF).

    ``probe_when`` says when the probe ran (and whether it is a saved one from the client's
    history): a reader must not take last month's test for today's."""
    today = today or _dt.date.today()
    items = checklist.items()
    risks = [i for i in items if i["kind"] == "risk"]
    mitigations = [i for i in items if i["kind"] == "mitigation"]
    out = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>POP3 risk memo</title>"
           f"<style>{MEMO_CSS}</style></head><body>"]
    out.append("<h1>Memo: request to enable POP3 email access</h1>")  # no hyphen to break the title at
    meta = [("Date", today.isoformat()), ("Client", checklist.client), ("Requested by", checklist.requested_by),
            ("Prepared by", author)]
    out.append("<table>" + "".join(f"<tr><td class='muted'>{_e(k)}</td><td>{_e(v) or '&nbsp;'}</td></tr>"
                                   for k, v in meta) + "</table>")
    out.append("<h2>1. What was asked</h2>")
    out.append(f"<p>{_e(checklist.request) or 'POP3 access to company mail.'}</p>")
    why = checklist.states.get("why")
    if why and why.notes:
        out.append(f"<p class='muted'>Reason given: {_e(why.notes)}</p>")
    out.append("<h2>2. The risks in plain words</h2><table>")
    out.append("<tr><th>Risk</th><th>Assessment</th></tr>")
    for item in risks:
        note = f"<br><span class='muted'>{_e(item['notes'])}</span>" if item["notes"] else ""
        out.append(f"<tr><td><b>{_e(item['title'])}</b>: {_e(item['detail'])}{note}</td>"
                   f"<td>{_e(status_label(item['status']))}</td></tr>")
    out.append("</table>")
    out.append("<h2>3. What the test of this server found</h2>")
    if probe:
        risk = probe.get("risk", "unknown")
        could = probe.get("risk_could_be")
        at_least = "at least " if could and risk != "unknown" else ""
        higher = (f" <b>Not final:</b> it could be {_e(could.upper())} ({_e(probe.get('headline', '').split(': ', 1)[-1])})."
                  if could else "")
        out.append(f"<p>Server <b>{_e(probe.get('host'))}</b>: overall risk {at_least}"
                   f"<span class='{_e(risk)}'>{_e(RISK_WORDS.get(risk, risk))}</span>.{higher}</p>")
        if probe_when:
            out.append(f"<p class='muted'>Tested {_e(probe_when)}.</p>")
        out.append("<ul>")
        for reason in (probe.get("reasons") or [])[:8]:
            out.append(f"<li>{_e(reason)}</li>")
        out.append("</ul>")
        out.extend(_evidence(probe))
        out.append("<p class='muted'>")
        seen = []
        for svc in probe.get("services", []):
            if svc.get("reachable"):
                seen.append(f"{_e(svc.get('name'))} {svc.get('port')}: TLS {_e(svc.get('tls'))}")
        out.append(("Answering: " + "; ".join(seen)) if seen else "No mail service answered.")
        out.append("</p>")
    else:
        out.append("<p class='muted'>No live test was run for this memo.</p>")
    out.append("<h2>4. Recommendation</h2>")
    out.append(f"<p>{_e(recommendation(checklist, probe))}</p>")
    done = [i for i in mitigations if i["status"] in ("fine", "accepted")]
    if done:
        out.append("<p class='muted'>Already in place: " + "; ".join(_e(i["title"]) for i in done) + ".</p>")
    out.append("<h2>5. Decision</h2>")
    out.append("<p>&#9744; POP3 stays off. This answer applies to later requests too.</p>")
    out.append("<p>&#9744; POP3 is allowed over SSL/TLS only, for these named users: "
               "______________________________________________</p>")
    out.append("<p>&#9744; Management accepts the risks above as they stand.</p>")
    out.append("<p><br>Name: ______________________ &nbsp; Signature: ______________________ &nbsp; "
               "Date: ____________</p>")
    out.append("</body></html>\n")
    return "".join(out)

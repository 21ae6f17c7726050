"""Plain-text renderings of a probe and a relay test, for the CLI and the clipboard.

The GUI's "Copy as text" and ``sbskit-cli`` print the same words, so what an admin reads
out on the phone matches what the colleague sees on screen.
"""

from __future__ import annotations

from typing import Any


def _yes_no(value: Any) -> str:
    return {True: "YES", False: "no", None: "-"}[value]


def cert_summary(cert: dict[str, Any] | None) -> str:
    if not cert:
        return "-"
    parts = []
    if cert.get("self_signed"):
        parts.append("self-signed")
    elif cert.get("trusted") is True:
        parts.append("trusted")
    elif cert.get("trusted") is False:
        parts.append("untrusted")
    if cert.get("hostname_match") is False:
        parts.append("wrong name")
    days = cert.get("days_to_expiry")
    if days is not None:
        parts.append(f"expired {-days} days ago" if days < 0 else f"{days} days left")
    return ", ".join(parts) or "-"


def service_state(svc: dict[str, Any]) -> str:
    if svc["status"] == "ok":
        return "open"
    if svc["status"] == "not-reachable":
        return "not reachable"
    return f"error: {svc.get('error')}"


def probe_text(doc: dict[str, Any]) -> str:
    rows = [("SERVICE", "PORT", "STATE", "TLS", "LOGIN BEFORE TLS", "CERTIFICATE")]
    for svc in doc["services"]:
        rows.append((svc["name"], str(svc["port"]), service_state(svc), svc["tls"] if svc["reachable"] else "-",
                     _yes_no(svc["cleartext_login_before_tls"]), cert_summary(svc.get("certificate"))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"Mail server {doc['host']}: overall risk {doc['risk'].upper()}", ""]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    findings = [(svc, f) for svc in doc["services"] for f in svc["findings"] if f["severity"] != "info"]
    if findings:
        lines += ["", "Findings:"]
        order = {"high": 0, "medium": 1, "low": 2}
        for svc, f in sorted(findings, key=lambda p: order.get(p[1]["severity"], 3)):
            lines.append(f"  [{f['severity']}] {svc['name']} ({svc['port']}): {f['title']}")
            if f.get("detail"):
                lines.append(f"      {f['detail']}")
    problems = [svc for svc in doc["services"] if svc["status"] == "error"]
    if problems:
        lines += ["", "Not completed:"]
        lines += [f"  {svc['name']} ({svc['port']}): {svc['error']}: {svc['detail']}" for svc in problems]
    lines += ["", "Why this risk:"] + [f"  - {r}" for r in doc.get("reasons", [])]
    lines += ["", "No real password was sent: the login test uses a made-up user and a dummy password."]
    return "\n".join(lines)


def relay_text(doc: dict[str, Any]) -> str:
    verdict = {True: "POSSIBLY AN OPEN RELAY", False: "no relay variant accepted", None: "could not be completed"}
    lines = [f"Relay test {doc['host']} port {doc['port']}: {verdict[doc['open_relay']]}"]
    if doc.get("banner"):
        lines.append(f"Banner: {doc['banner']}")
    if doc.get("error"):
        lines.append(f"Stopped: {doc['error']}: {doc['detail']}")
    if doc["attempts"]:
        lines.append("")
        width = max(len(a["variant"]) for a in doc["attempts"])
        for a in doc["attempts"]:
            mark = "ACCEPTED" if a["relayed"] else "refused "
            lines.append(f"  {mark} {str(a['reply_code'] or '-'):>3}  {a['variant'].ljust(width)}  "
                         f"MAIL FROM:<{a['mail_from']}> RCPT TO:<{a['rcpt_to']}>")
    lines += ["", doc["note"]]
    return "\n".join(lines)

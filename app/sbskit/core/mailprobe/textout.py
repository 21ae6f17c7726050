"""Plain-text renderings of a probe and a relay test, for the CLI and the clipboard.

The GUI's "Copy as text" and ``sbskit-cli`` print the same words, so what an admin reads
out on the phone matches what the colleague sees on screen: the verdicts, the answer that
proved each one, what a service showed before it stopped, and the questions left open.
"""

from __future__ import annotations

from typing import Any

STATE_WORDS = {"ok": "open", "not-reachable": "not reachable", "partial": "partly checked"}


def _yes_no(value: Any) -> str:
    return {True: "YES", False: "no", None: "?"}[value]


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
    elif cert.get("hostname_match") is None and cert.get("decoded"):
        parts.append("name not checked (IP)")
    days = cert.get("days_to_expiry")
    if days is not None:
        parts.append(f"expired {-days} days ago" if days < 0 else f"{days} days left")
    return ", ".join(parts) or "-"


def service_state(svc: dict[str, Any]) -> str:
    if svc["status"] in STATE_WORDS:
        return STATE_WORDS[svc["status"]]
    return f"error: {svc.get('error')}"


def login_cell(svc: dict[str, Any]) -> str:
    """The LOGIN BEFORE TLS column: YES/no, '?' for an open question, '-' where it does not apply."""
    if not svc.get("reachable"):
        return "-"
    return _yes_no(svc["cleartext_login_before_tls"])


def tls_cell(svc: dict[str, Any]) -> str:
    if not svc["reachable"]:
        return "-"
    if svc["tls"] == "none" and svc.get("starttls_offered") is None:
        return "?"
    return svc["tls"]


PROOF_WORDS = {
    "pop3-user-accepted": "+OK to USER",
    "sasl-continuation": "continuation to AUTH",
    "smtp-auth-continuation": "334 to AUTH",
    "login-accepted": "made-up user let in (!)",
}


def proof_short(svc: dict[str, Any]) -> str:
    """A few words on how the login verdict is known, for a table cell."""
    if not svc.get("reachable"):
        return "-"
    proof = svc.get("login_proof")
    if proof:
        if proof["kind"] == "imap-login-checked":
            return f"NO to LOGIN after {svc.get('login_delay_seconds') or 0:.1f} s"
        return PROOF_WORDS.get(proof["kind"], proof["kind"])
    if svc.get("cleartext_login_before_tls") is None:
        if svc.get("login_seen_from_trusted_network"):
            return "yes from here only (trusted)"
        return "open question" if any(q["id"] == "login" for q in svc.get("open_questions") or []) else "-"
    if svc.get("tls") == "implicit":
        return "TLS from the first byte"
    test = svc.get("login_test") or ""
    for needle, words in (("LOGINDISABLED", "LOGINDISABLED"), ("no AUTH offered", "no AUTH before TLS"),
                          ("CAPA before TLS offers neither", "no USER/SASL in CAPA"),
                          ("only ", "no cleartext AUTH"), ("USER refused", "USER refused"),
                          ("LOGIN refused", "LOGIN refused")):
        if test.startswith(needle) or needle == "LOGINDISABLED" and needle in test:
            return words
    return "refused"


def decision_lines(svc: dict[str, Any]) -> list[str]:
    """The evidence behind each service's login verdict: a "no" shows its proof as much as a "YES"."""
    if not svc.get("reachable") or svc.get("error") == "not-tls":
        return []
    label = f"  {svc['name']} ({svc['port']}): "
    verdict = svc.get("cleartext_login_before_tls")
    if verdict is True:
        seen = (svc.get("login_proof") or {}).get("seen", "")
        return [f"{label}YES: {seen}", f"      {svc.get('login_test', '')}"]
    if verdict is False:
        return [f"{label}no: {svc.get('login_test') or 'TLS from the first byte'}"]
    trusted = svc.get("login_seen_from_trusted_network")
    question = next((q for q in svc.get("open_questions") or [] if q["id"] == "login"), None)
    if question:
        lines = [f"{label}could not tell: {question['reason']}"]
        if trusted:
            lines.append(f"      seen from here only: {trusted['seen']}")
        return lines
    return []


def learned_before_stop(svc: dict[str, Any]) -> list[str]:
    """What a partly checked service did show, in short phrases."""
    parts = []
    if svc.get("banner"):
        parts.append(f"greeting '{svc['banner'][:60]}'")
    if svc.get("capabilities"):
        parts.append(f"{len(svc['capabilities'])} capabilities")
    if svc.get("starttls_offered"):
        parts.append("STARTTLS offered")
    elif svc.get("starttls_offered") is False and svc["tls"] != "implicit":
        parts.append("no STARTTLS")
    if svc.get("certificate"):
        parts.append("certificate " + (svc["certificate"].get("subject") or "?")[:60])
    if svc.get("cleartext_login_before_tls") is not None:
        parts.append("login question answered")
    return parts


def failed_logins_line(doc: dict[str, Any]) -> str:
    """How many failed logins the probe left in the server's log (what fail2ban and lockout policies count)."""
    count = doc.get("failed_logins", 0) or 0
    if not count:
        return ("Failed logins caused on the server: 0 (continuations were cancelled with '*' before any "
                "password; nothing for fail2ban or a lockout policy to count).")
    where = ", ".join(f"{s['name']} ({s['port']}): {s['failed_logins']}" for s in doc["services"]
                      if s.get("failed_logins"))
    return (f"Failed logins caused on the server: {count} ({where}), made-up user sbskit-probe-nobody; "
            "only where nothing else could settle the question. fail2ban counts such lines: probing often "
            "from one address can get it banned.")


def open_question_lines(doc: dict[str, Any]) -> list[str]:
    lines = []
    for svc in doc["services"]:
        for question in svc.get("open_questions") or []:
            lines.append(f"  {svc['name']} ({svc['port']}): {question['question']} {question['reason']}")
    return lines


def probe_text(doc: dict[str, Any]) -> str:
    rows = [("SERVICE", "PORT", "STATE", "TLS", "LOGIN BEFORE TLS", "CERTIFICATE")]
    for svc in doc["services"]:
        rows.append((svc["name"], str(svc["port"]), service_state(svc), tls_cell(svc), login_cell(svc),
                     cert_summary(svc.get("certificate"))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"Mail server {doc['host']}: {doc.get('headline') or 'overall risk ' + doc['risk'].upper()}"]
    vantage = doc.get("vantage") or {}
    if vantage.get("trusted"):
        lines.append(f"!! {vantage['note']}")
    lines.append("")
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    decided = [line for svc in doc["services"] for line in decision_lines(svc)]
    if decided:
        lines += ["", "How the login question was decided (the server's own answers; YES means the cleartext "
                      "login path was proven):"]
        lines += decided
    findings = [(svc, f) for svc in doc["services"] for f in svc["findings"] if f["severity"] not in ("info", "good")]
    if findings:
        lines += ["", "Findings:"]
        order = {"high": 0, "medium": 1, "low": 2}
        for svc, f in sorted(findings, key=lambda p: order.get(p[1]["severity"], 3)):
            lines.append(f"  [{f['severity']}] {svc['name']} ({svc['port']}): {f['title']}")
            if f.get("detail"):
                lines.append(f"      {f['detail']}")
    good = [(svc, f) for svc in doc["services"] for f in svc["findings"] if f["severity"] == "good"]
    if good:
        lines += ["", "Good:"] + [f"  {svc['name']} ({svc['port']}): {f['title']}" for svc, f in good]
    partial = [svc for svc in doc["services"] if svc["status"] in ("partial", "error")]
    if partial:
        lines += ["", "Not completed (what each showed before it stopped):"]
        for svc in partial:
            seen = learned_before_stop(svc)
            lines.append(f"  {svc['name']} ({svc['port']}): {svc.get('error')}: {svc.get('detail')}")
            if seen:
                lines.append(f"      learned: {'; '.join(seen)}")
    questions = open_question_lines(doc)
    if questions:
        lines += ["", "Open questions:"] + questions
    lines += ["", "Why this risk:"] + [f"  - {r}" for r in doc.get("reasons", [])]
    lines += ["", "No real password was sent: the login test uses a made-up user and a dummy password, and "
                  "stops at the first answer that settles the question.", failed_logins_line(doc)]
    return "\n".join(lines)


RELAY_MARKS = {"accepted": "ACCEPTED", "relay-denied": "refused", "refused": "refused"}


def relay_text(doc: dict[str, Any]) -> str:
    verdict = {True: "POSSIBLY AN OPEN RELAY", False: "no relay variant accepted", None: "could not be completed"}
    head, colon, rest = (doc.get("summary") or verdict[doc["open_relay"]]).partition(":")
    if doc["open_relay"] is True:
        head = head.upper()  # the one verdict that must not be missed
    lines = [f"Relay test {doc['host']} port {doc['port']}: {head}{colon}{rest}"]
    if doc.get("banner"):
        lines.append(f"Banner: {doc['banner']}")
    if doc.get("connections"):
        lines.append(f"Took {doc.get('seconds', 0):g} s over {doc['connections']} connection(s), at most 4 at once "
                     f"(deadline {doc.get('deadline_seconds', 0):g} s).")
    if doc["attempts"]:
        lines.append("")
        width = max(len(a["variant"]) for a in doc["attempts"])
        said = max(len(a.get("meaning_text") or "") for a in doc["attempts"])
        for a in doc["attempts"]:
            mark = "ACCEPTED" if a["relayed"] else RELAY_MARKS.get(a.get("meaning", ""), "not now")
            lines.append(f"  {mark:<8} {str(a['reply_code'] or '-'):>3}  {(a.get('meaning_text') or '').ljust(said)}  "
                         f"{a['variant'].ljust(width)}  MAIL FROM:<{a['mail_from']}> RCPT TO:<{a['rcpt_to']}>")
    if doc.get("unanswered"):
        lines += ["", "Open (no answer):"] + [f"  {u['variant']}: {u['reason']}" for u in doc["unanswered"]]
    if doc.get("notes"):
        lines += [""] + [f"Note: {n}" for n in doc["notes"]]
    lines += ["", doc["note"]]
    return "\n".join(lines)

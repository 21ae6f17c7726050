"""The details pane of the live probe: one service's proof, open questions, and what it showed.

Rich text built from the probe's JSON document (the same one the CLI prints), colours
from the theme, so light, dark and 200% all read the same. Kept apart from the page so
the page stays about running, streaming and exporting.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QWidget

from sbskit.core.mailprobe.textout import learned_before_stop, service_state
from sbskit.ui.common.theme import status_background, status_foreground


def _box(kind: str, title: str, body: str, widget: QWidget | None) -> str:
    bg = status_background(kind, widget).name()
    fg = status_foreground(kind, widget).name()
    return (f"<table width='100%' cellpadding='6' style='background:{bg}; margin-top:4px'><tr><td>"
            f"<b style='color:{fg}'>{html.escape(title)}</b><br>{body}</td></tr></table>")


def proof_html(svc: dict[str, Any], widget: QWidget | None = None) -> str:
    """How the login verdict is known (or why it is not)."""
    e = html.escape
    proof = svc.get("login_proof")
    if proof:
        return _box("bad", "Proof seen: passwords can cross before encryption",
                    f"<tt>{e(proof['seen'])}</tt><br>{e(svc.get('login_test', ''))}", widget)
    if svc.get("cleartext_login_before_tls") is False and svc.get("login_test"):
        return _box("good", "No password before encryption", e(svc["login_test"]), widget)
    trusted = svc.get("login_seen_from_trusted_network")
    if trusted:
        reason = next((q["reason"] for q in svc.get("open_questions") or [] if q["id"] == "login"), "")
        return _box("unknown", "Could not tell from here: seen from a trusted address only",
                    f"<tt>{e(trusted['seen'])}</tt><br>{e(reason)}", widget)
    return ""


def open_questions_html(svc: dict[str, Any], widget: QWidget | None = None) -> str:
    questions = svc.get("open_questions") or []
    if not questions:
        return ""
    items = "".join(f"<li><b>{html.escape(q['question'])}</b> {html.escape(q['reason'])}</li>" for q in questions)
    seen = learned_before_stop(svc)
    learned = f"<br>Kept from before it stopped: {html.escape('; '.join(seen))}." if seen else ""
    return _box("unknown", f"Still open ({len(questions)})", f"<ul style='margin:0'>{items}</ul>{learned}", widget)


def details_html(svc: dict[str, Any], widget: QWidget | None = None) -> str:
    e = html.escape
    parts = [f"<h3>{e(svc['name'])} on port {svc['port']}: {e(service_state(svc))}</h3>"]
    if svc.get("detail") and svc["status"] != "partial":
        parts.append(f"<p>{e(svc['detail'])}</p>")
    parts.append(proof_html(svc, widget))
    parts.append(open_questions_html(svc, widget))
    if svc.get("banner"):
        parts.append(f"<p><b>Greeting:</b> {e(svc['banner'])}</p>")
    for f in svc["findings"]:
        if f["severity"] == "good":
            parts.append(_box("good", f["title"], e(f["detail"]), widget))
        else:
            parts.append(f"<p><b>[{e(f['severity'])}] {e(f['title'])}</b><br>{e(f['detail'])}</p>")
    session = svc.get("tls_session")
    if session:
        parts.append(f"<p><b>TLS:</b> {e(session['version'] or '?')}, {e(session['cipher'])} ({session['bits']} bits)</p>")
    cert = svc.get("certificate")
    if cert:
        names = ", ".join(cert["dns_names"] + cert["ip_addresses"]) or cert["common_name"]
        trust = {True: "yes", False: "no", None: "not known"}[cert["trusted"]]
        parts.append(
            f"<p><b>Certificate:</b> {e(cert['subject'])}<br>issued by {e(cert['issuer'])}<br>"
            f"names: {e(names)}<br>expires {e(cert['expires'])} ({cert['days_to_expiry']} days); "
            f"trusted: {trust}{' (' + e(cert['trust_error']) + ')' if cert['trust_error'] else ''}</p>")
        chain = cert.get("chain") or []
        if len(chain) > 1:
            parts.append("<p><b>Chain sent by the server:</b><br>"
                         + "<br>".join(f"{i}. {e(c['subject'])}" for i, c in enumerate(chain)) + "</p>")
    if svc.get("capabilities"):
        parts.append(f"<p><b>Offered before TLS:</b> {e(', '.join(svc['capabilities']))}</p>")
    if svc.get("capabilities_after_tls"):
        parts.append(f"<p><b>Offered after TLS:</b> {e(', '.join(svc['capabilities_after_tls']))}</p>")
    if svc.get("transcript"):
        parts.append("<p><b>Conversation</b> (C: the kit, S: the server)</p><pre>"
                     + e("\n".join(svc["transcript"][:120])) + "</pre>")
    return "".join(p for p in parts if p)

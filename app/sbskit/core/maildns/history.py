"""What a maildns run leaves in a client's history: one fact per check, for "since the last visit".

Registered as the profile kind ``maildns`` by ``core/profiles/kinds.py``; a check that
could not be completed is an ``error`` fact (never "ok"), so a comparison with the last
visit only counts what both runs answered.
"""

from __future__ import annotations

from typing import Any

STATE = {"ok": "ok", "warning": "ok", "problem": "problem", "error": "error"}


def target(doc: dict[str, Any]) -> str:
    domain = str(doc.get("domain") or "")
    return f"{domain} ({doc['ip']})" if doc.get("ip") else domain


def facts(doc: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(target, item, status, state, detail) per check; core/profiles/kinds.py makes its Facts of them."""
    from sbskit.core.errors import UserInputError

    checks = doc.get("checks")
    if not isinstance(doc.get("domain"), str) or not isinstance(checks, list):
        raise UserInputError("this is not a maildns result document (the JSON that 'sbskit-cli maildns --json' prints)")
    out = []
    for check in checks:
        if not isinstance(check, dict) or check.get("info") or not isinstance(check.get("id"), str):
            continue
        status = str(check.get("status") or "error")
        state = STATE.get(status, "error")
        detail = str(check.get("detail") or "")[:300] if state != "ok" else ""
        out.append((target(doc), check["id"], status, state, detail))
    return out

"""History facts of a queue triage: one per possible cause, and "ok" only with evidence against it.

A cause the triage calls likely (its diagnosis threshold) is a problem. A cause is fine
only when evidence (logs or live checks) spoke against it and it ended below the
"possible" threshold. Everything else - possible but unproven, or no evidence either
way (answers alone) - is "not enough evidence", never "ruled out".
"""

from __future__ import annotations

from typing import Any

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact, KindSpec, need, register_kind, text

DIAGNOSIS = 0.5  # the triage's DIAGNOSIS_THRESHOLD (core/triage/model.py); a test keeps them equal
POSSIBLE = 0.35  # its FINDING_THRESHOLD


def _target(doc: dict[str, Any]) -> str:
    """The mail server (its addresses when the logs named them): stable from visit to visit."""
    need(isinstance(doc.get("scores"), dict) or isinstance(doc.get("findings"), list), "triage")
    ips = doc.get("server_ips")
    if isinstance(ips, list) and ips:
        return text(sorted(str(ip) for ip in ips), 200)
    return "mail server"


def _facts(doc: dict[str, Any]) -> list[Fact]:
    target = _target(doc)
    scores = doc.get("scores")
    need(isinstance(scores, dict), "triage")
    facts = []
    for cause, score in sorted(scores.items()):
        if not isinstance(score, dict) or not isinstance(score.get("confidence"), (int, float)):
            continue
        confidence = float(score["confidence"])
        evidence = float(score.get("evidence_logit") or 0.0)
        percent = f"{round(confidence * 100)}%"
        if confidence >= DIAGNOSIS:
            facts.append(Fact(target, cause, "likely", PROBLEM, percent))
        elif confidence >= POSSIBLE:
            facts.append(Fact(target, cause, "possible", ERROR, f"possible ({percent}), needs more evidence"))
        elif evidence < 0:
            facts.append(Fact(target, cause, "unlikely", OK, f"evidence against it ({percent})"))
        else:
            facts.append(Fact(target, cause, "no evidence", ERROR, "not enough evidence either way"))
    return facts


def cause_title(cause: str) -> str:
    try:
        from sbskit.core.triage.plan import cause_info

        return str(cause_info(cause)["title"])
    except (KeyError, OSError, ValueError):
        return cause.replace("_", " ")


register_kind(KindSpec(
    "triage", "Spam triage", _target, _facts, item_label="cause", problem_word="likely cause",
    problem_text="{target}: likely cause {item} ({detail})", fixed_text="{target}: {item} no longer likely",
    item_name=cause_title, failed_word="undecided", recognise=lambda doc: "findings" in doc and "inputs" in doc,
))

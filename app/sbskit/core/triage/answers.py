"""The admin's answers to the symptom questions, and the prior they give each cause.

Each answer shifts each cause by a weight from ``resources/triage-actions.json`` (with
the reason in plain words), capped so that answers alone never claim certainty: without
evidence they name suspects, and the engine never counts a cause as found on answers alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sbskit.core.resources import load_json
from sbskit.core.triage.model import CAUSES

QUESTION_IDS = ("queues_long", "ip_listed", "users_get_ndrs", "smart_host", "shared_ip")
YES, NO = "yes", "no"


def normalise_answer(value: object) -> str | None:
    """'yes'/'no'/None from bools, 'y', 'Yes', 'unknown', ..."""
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    text = str(value).strip().lower()
    if text in ("yes", "y", "true", "1", "ja"):
        return YES
    if text in ("no", "n", "false", "0", "nein"):
        return NO
    return None


@dataclass
class Answers:
    values: dict[str, str | None] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)  # answers the evidence supplied, with why

    def get(self, qid: str) -> str | None:
        return self.values.get(qid)

    def set(self, qid: str, value: object) -> None:
        if qid not in QUESTION_IDS:
            raise KeyError(qid)
        self.values[qid] = normalise_answer(value)

    def any_given(self) -> bool:
        return any(v is not None for v in self.values.values())

    def as_dict(self) -> dict[str, str | None]:
        return {q: self.values.get(q) for q in QUESTION_IDS}


def questions() -> list[dict]:
    return list(load_json("triage-actions.json")["questions"])


def prior_logits(answers: Answers, verbatim: frozenset[str] | set[str] = frozenset()) -> dict[str, tuple[float, list[str]]]:
    """{cause: (prior log-odds, reasons)} from the answers given (and derived).

    ``verbatim``: causes a receiver spelled out in the evidence (a 535 from the relay host, a
    blocklist refusal naming the list). An answer that argues against such a cause is shown
    but not counted: "is the IP listed?" is about public lists, not Microsoft's own."""
    data = load_json("triage-actions.json")
    base = float(data["base_logit"])
    cap = float(data["answer_logit_cap"])
    shift = {c: 0.0 for c in CAUSES}
    reasons: dict[str, list[str]] = {c: [] for c in CAUSES}
    for question in data["questions"]:
        value = answers.get(question["id"])
        if value is None:
            continue
        for cause, (weight, why) in question.get(value, {}).items():
            sign = "+" if weight > 0 else "\u2212"
            source = answers.derived.get(question["id"])
            said = f"the evidence says so: {source}" if source else f"you answered {value!r} to: {question['text']}"
            if weight < 0 and cause in verbatim:
                reasons[cause].append(f"{sign} {why} ({said}; not counted: the evidence states this cause verbatim)")
                continue
            shift[cause] += float(weight)
            reasons[cause].append(f"{sign} {why} ({said})")
    for rule in data.get("interactions", []):
        if all(answers.get(q) == v for q, v in rule["when"].items()):
            shift[rule["cause"]] += float(rule["logit"])
            reasons[rule["cause"]].append(f"+ {rule['why']}")
    return {c: (base + max(-3.0, min(shift[c], cap - base)), reasons[c]) for c in CAUSES}

"""History facts of a queue triage: one fact per run, its outcome (the triage decides it).

A cause found is a problem, "healthy" (which the triage only says on covering evidence) is ok,
and anything else - not enough evidence, or an older document without an outcome - could not
tell: never "ruled out". (The rule is the triage's, core/triage/outcome.py; its tests hold it.)
"""

from __future__ import annotations

from typing import Any

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact, KindSpec, register_kind, text


def _target(doc: dict[str, Any]) -> str:
    inputs = doc.get("inputs")
    files = text([i.get("file", "") for i in inputs if isinstance(i, dict)], 200) if isinstance(inputs, list) else ""
    return files or "(answers only)"


def _facts(doc: dict[str, Any]) -> list[Fact]:
    outcome = doc.get("outcome")
    verdict = text(doc.get("verdict"), 300)
    target = _target(doc)
    if outcome == "cause":
        return [Fact(target, "outcome", "cause found", PROBLEM, verdict)]
    if outcome == "healthy":
        return [Fact(target, "outcome", "healthy", OK, verdict)]
    return [Fact(target, "outcome", "not enough evidence", ERROR, verdict or "the triage could not tell")]


register_kind(KindSpec(
    "triage", "Spam triage", _target, _facts, item_label="outcome", problem_word="cause found",
    problem_text="{target}: {detail}", fixed_text="{target}: no cause found any more", failed_word="undecided",
    recognise=lambda doc: "findings" in doc and "inputs" in doc,
))

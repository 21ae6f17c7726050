"""History facts of a queue triage: one fact per run, its outcome (the triage decides it).

A cause found is a problem, "healthy" (which the triage only says on covering evidence) is ok,
and anything else - not enough evidence, or an older document without an outcome - could not
tell: never "ruled out". (The rule is the triage's, core/triage/outcome.py; its tests hold it.)

Every triage of a client is about the same thing, its mail flow, whatever evidence files it
read: the fact's target is that (``mail flow``), so visits with other log files compare. The
run itself still names its files (the runs table shows them).
"""

from __future__ import annotations

from typing import Any

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact, KindSpec, register_kind, text

TARGET = "mail flow"


def _run_target(doc: dict[str, Any]) -> str:
    inputs = doc.get("inputs")
    files = text([i.get("file", "") for i in inputs if isinstance(i, dict)], 200) if isinstance(inputs, list) else ""
    return files or "(answers only)"


def _facts(doc: dict[str, Any]) -> list[Fact]:
    outcome = doc.get("outcome")
    verdict = text(doc.get("verdict"), 300)
    if outcome == "cause":
        return [Fact(TARGET, "outcome", "cause found", PROBLEM, verdict)]
    if outcome == "healthy":
        return [Fact(TARGET, "outcome", "healthy", OK, verdict)]
    return [Fact(TARGET, "outcome", "not enough evidence", ERROR, verdict or "the triage could not tell")]


def readable(detail: str) -> str:
    """``Most likely cause: Receivers refuse our mail (82%).`` -> ``Receivers refuse our mail (82%)``."""
    detail = " ".join(detail.split()).rstrip(".")
    return detail.removeprefix("Most likely cause: ")


register_kind(KindSpec(
    "triage", "Queue triage", _run_target, _facts, item_label="outcome", problem_word="cause found",
    still_word="cause still found", problem_text="cause found", fixed_text="no cause found any more",
    detail_after=True, item_name=lambda _item: "outcome", failed_word="undecided", single_outcome="healthy",
    detail_text=readable, recognise=lambda doc: "findings" in doc and "inputs" in doc,
))

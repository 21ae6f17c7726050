"""Counting a sweep's results and saying its verdict in one line, the same in every shell.

Shared by the CLI text and exit code, the GUI's summary label, the JSON document and the
client report. "Not listed" needs every *blocklist* asked to have answered: an
allow-list answering says nothing about blocklists, and a list that could not answer is
"could not tell", never clean. A resolver that cannot reach the lists is said first.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LISTED, NOT_LISTED, COULD_NOT_TELL, RESOLVER_PROBLEM, CANCELLED = (
    "listed", "not-listed", "could-not-tell", "resolver-problem", "cancelled")
EXIT_CODES = {LISTED: 1, NOT_LISTED: 0}  # everything else: 3, could not tell


def _is_allow_list(result: dict) -> bool:
    kind = result.get("list_kind")
    if kind is not None:
        return kind == "allow-list"
    from sbskit.core.dnsbl.catalogue import load_catalogue  # documents saved before list_kind existed

    zone = load_catalogue().by_name(result.get("zone", ""))
    return zone is not None and zone.group == "allow"


class Tally:
    """Running counts of results, in the shape of :func:`summarize` (the GUI adds rows one by one)."""

    def __init__(self) -> None:
        self.results = self.listed = self.good = self.clean = self.errors = 0
        self.reasons: dict[str, int] = {}
        self.block = {"results": 0, "listed": 0, "clean": 0, "errors": 0}
        self.allow = {"results": 0, "errors": 0}
        self.zones: set[str] = set()
        self.targets: set[str] = set()

    def add(self, result: dict, target: str = "") -> None:
        self.results += 1
        self.zones.add(result["zone"])
        if target:
            self.targets.add(target)
        kind = result.get("list_kind")
        block = not (kind == "allow-list" if kind is not None else _is_allow_list(result))
        side = self.block if block else self.allow
        side["results"] += 1
        status = result["status"]
        if status == "clean":
            self.clean += 1
            if block:
                side["clean"] += 1
        elif status == "listed":
            if result.get("verdict") == "bad":
                self.listed += 1
                if block:
                    side["listed"] += 1
            else:
                self.good += 1
        else:
            self.errors += 1
            side["errors"] += 1
            if block:
                self.reasons[result["error"]] = self.reasons.get(result["error"], 0) + 1

    def summary(self, resolver_problem: dict | None = None, not_asked: int = 0, cancelled: bool = False) -> dict[str, Any]:
        block = dict(self.block)
        if cancelled:
            verdict = CANCELLED
        elif self.listed:
            verdict = LISTED
        elif resolver_problem:
            verdict = RESOLVER_PROBLEM
        elif block["results"] == 0 or block["errors"]:
            verdict = COULD_NOT_TELL
        else:
            verdict = NOT_LISTED
        return {"lists": len(self.zones), "results": self.results, "listed": self.listed,
                "allow_or_reputation": self.good, "clean": self.clean, "errors": self.errors,
                "error_reasons": dict(self.reasons), "blocklists": block, "allow_lists": dict(self.allow),
                "verdict": verdict, "resolver_problem": resolver_problem, "not_asked": not_asked}


def summarize(targets: list[dict], resolver_problem: dict | None = None, not_asked: int = 0,
              cancelled: bool = False) -> dict[str, Any]:
    tally = Tally()
    for t in targets:
        for r in t["results"]:
            tally.add(r, t.get("target", ""))
    return tally.summary(resolver_problem, not_asked, cancelled)


def exit_code(summary: dict[str, Any]) -> int:
    """The CLI contract: 1 listed somewhere, 0 every blocklist answered "not listed", else 3."""
    return EXIT_CODES.get(verdict_of(summary), 3)


def verdict_of(summary: dict[str, Any]) -> str:
    if "verdict" in summary:
        return summary["verdict"]
    return summarize_counts(summary)  # a summary stored by an older version


def summarize_counts(summary: dict[str, Any]) -> str:
    if summary.get("listed"):
        return LISTED
    if summary.get("errors") or not summary.get("clean"):
        return COULD_NOT_TELL
    return NOT_LISTED


def _why(reasons: dict[str, int]) -> str:
    return ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items(), key=lambda x: -x[1]))


def summary_line(summary: dict[str, Any], targets: int = 1) -> str:
    """The headline: 'Listed on 2 of 38 blocklists; 3 could not answer (2 timeout, 1 servfail).'"""
    verdict, advice = headline_parts(summary, targets)
    return f"{verdict} {advice}" if advice else verdict


def headline_parts(summary: dict[str, Any], targets: int = 1) -> tuple[str, str]:
    """(what was found, what to do): the GUI shows them as two labels, the others as one line.

    With a resolver problem the first part leads with it, and the second says what to do.
    """
    verdict = verdict_of(summary)
    block = summary.get("blocklists") or {"results": summary["results"], "listed": summary["listed"],
                                           "clean": summary["clean"], "errors": summary["errors"]}
    n = block["results"]
    one, many = ("blocklist", "blocklists") if targets <= 1 else ("blocklist lookup", "blocklist lookups")
    where = many if n != 1 else one
    errors, reasons = block["errors"], summary.get("error_reasons") or {}
    could_not = f"{errors} could not answer ({_why(reasons)})" if errors else ""
    problem = summary.get("resolver_problem")
    lead = f"{problem['headline']} " if problem else ""
    advice = problem["advice"] if problem else ""
    if verdict == CANCELLED:
        ran = summary["results"]
        text = (f"Cancelled: {ran} of {ran + summary.get('not_asked', 0)} lookups ran ({summary['listed']} listed, "
                f"{summary['clean']} not listed, {summary['errors']} could not answer); "
                f"{summary.get('not_asked', 0)} were cancelled or not asked.")
        return lead + text, advice
    if verdict == LISTED:
        text = f"Listed on {summary['listed']} of {n} {where}"
        if could_not:
            text += f"; {could_not}"
    elif verdict == RESOLVER_PROBLEM:
        it = "it is" if targets <= 1 else "they are"
        text = f"Could not tell whether {it} listed: none of the {n} {where} gave a usable answer"
    elif verdict == NOT_LISTED:
        text = f"Not listed on any of the {n} {where}" if n != 1 else f"Not listed on the 1 {where} asked"
    elif n == 0:
        text = "Could not tell: no blocklist was asked (allow-lists say nothing about blocklists)"
    elif errors >= n:
        text = f"Could not tell: none of the {n} {where} answered ({_why(reasons)})"
    else:
        text = (f"Could not tell: {errors} of the {n} {where} could not answer ({_why(reasons)}); "
                f"not listed on the {block['clean']} that answered")
    allow = summary.get("allow_lists") or {}
    good = summary.get("allow_or_reputation") or 0
    if good:
        text += f"; {good} allow-list or reputation {'entry' if good == 1 else 'entries'}"
        if verdict not in (LISTED, NOT_LISTED):
            text += " (good news, but they say nothing about blocklists)"
    elif allow.get("errors") and verdict != RESOLVER_PROBLEM:
        text += f"; {allow['errors']} allow-list {'lookup' if allow['errors'] == 1 else 'lookups'} could not answer"
    return f"{lead}{text}.", advice


def doc_summary(doc: dict[str, Any]) -> dict[str, Any]:
    """The summary of a sweep document, counted from its own targets.

    A client's history keeps one document per target, each with the whole sweep's
    summary beside it; counting again keeps the verdict true to the targets shown.
    """
    stored = doc.get("summary") or {}
    cancelled = stored.get("verdict") == CANCELLED
    return summarize(doc.get("targets") or [], doc.get("resolver_problem"), stored.get("not_asked", 0), cancelled)


def doc_headline(doc: dict[str, Any]) -> str:
    return summary_line(doc_summary(doc), len(doc.get("targets") or []))

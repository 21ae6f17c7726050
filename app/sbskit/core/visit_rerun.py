"""The client re-run (Client > Re-run, Ctrl+R) as a result of the visit report (no Qt).

A consultant who re-runs every saved check with one key and then exports the report must find
the outcome on page 1 (a listing found by the re-run is a finding of this visit), not "no
checks were run in this session". Page 1 gets one line with the re-run's light; its chapter
names the resolver and ports it asked and each target's verdict; the tables of what changed
are in "Since the last visit".
"""

from __future__ import annotations

import html

from sbskit.core.report import CheckSummary, Section

LIGHT = {"problem": "red", "unknown": "amber", "ok": "green"}
ACTION = {
    "problem": "Act on each problem named under Since the last visit (delisting, fixing), then re-run.",
    "unknown": "Re-run the checks that could not answer from a network (and DNS resolver) that reaches them.",
    "ok": "Nothing to do; re-run on the next visit.",
}


def _named(comparisons, state: str, limit: int = 3) -> str:
    found = [f"{c.title()}: {c.verdict()}" for c in comparisons if c.state == state]
    more = f"; and {len(found) - limit} more" if len(found) > limit else ""
    return "; ".join(found[:limit]) + more


def rerun_summary(result) -> CheckSummary:
    """Page 1's line: the worst state first, naming the targets that are wrong or could not be checked."""
    state = result.state
    parts = [f"{len(result.runs)} saved check(s) re-run"]
    for wanted, word in (("problem", "Problems"), ("unknown", "Could not check everything")):
        named = _named(result.comparisons, wanted)
        if named:
            parts.append(f"{word}: {named}")
    if result.problems:
        parts.append("Could not run: " + "; ".join(result.problems))
    if state == "ok":
        parts.append("Every check answered and nothing is wrong")
    return CheckSummary("Client re-run", LIGHT[state], ". ".join(parts) + ".", ACTION[state])


def rerun_sections(result) -> list[Section]:
    """The chapter's body: what the re-run asked (resolver, probe ports), then one verdict line per target."""
    lead = "".join(f"<p>{html.escape(line)}</p>" for line in result.lead)
    rows = "".join(f"<li>{html.escape(c.report_lines()[0])}</li>" for c in result.comparisons)
    problems = "".join(f"<li>Could not run: {html.escape(p)}</li>" for p in result.problems)
    body = (f"{lead}<ul>{rows}{problems}</ul><p class='muted'>What is new, fixed or still wrong, per item: "
            "Since the last visit.</p>")
    return [Section("What the re-run checked", body, 3)]

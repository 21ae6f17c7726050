"""What changed between visits, and since when something has been listed.

Pure functions over facts (see :mod:`.kinds`), so the rules are easy to test and the
same for every kind of check. The rules, chosen to never reassure wrongly:

* An ``error`` on either side is ``unknown`` - never "fixed": a blocked resolver or a
  timeout says nothing about a listing.
* An item checked on only one of the two visits is ``unknown`` too.
* "Listed since" is the date of the first run of the current streak of listed results
  for that (target, item). Runs where that item was an error do not break the streak
  (they are counted as ``unknown_runs``); only a clean result does. If the latest answer
  is an error, nothing is claimed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact, kind_spec
from sbskit.core.profiles.model import Run, local_date

BUCKETS = ("new", "fixed", "still_listed", "still_clean", "unknown")
BUCKET_TITLES = {
    "new": "New since last visit",
    "fixed": "Fixed since last visit",
    "still_listed": "Still listed",
    "still_clean": "Still clean",
    "unknown": "Unknown (an error on one of the visits)",
}


@dataclass(frozen=True)
class ListedSince:
    target: str
    item: str
    since: str  # timestamp of the first run of the current streak
    last: str  # timestamp of the latest run (listed)
    runs: int  # listed runs in the streak
    unknown_runs: int  # error runs inside the streak

    def to_json(self) -> dict[str, Any]:
        return {"since": self.since, "last": self.last, "runs": self.runs, "unknown_runs": self.unknown_runs}

    def sentence(self, problem_word: str = "listed") -> str:
        return f"{problem_word} on {self.item} since {local_date(self.since)}"


@dataclass(frozen=True)
class Change:
    target: str
    item: str
    now: str | None  # status now (None: not checked in the latest run)
    before: str | None  # status last visit (None: not checked then)
    detail: str = ""
    reason: str = ""  # for unknown: why no verdict
    listed_since: ListedSince | None = None

    def to_json(self) -> dict[str, Any]:
        doc = {"target": self.target, "item": self.item, "now": self.now, "before": self.before}
        if self.detail:
            doc["detail"] = self.detail
        if self.reason:
            doc["reason"] = self.reason
        if self.listed_since:
            doc["listed_since"] = self.listed_since.since
        return doc


@dataclass
class Comparison:
    """The latest run of one kind/target against the run before it."""

    kind: str
    target: str
    latest: Run
    previous: Run | None
    buckets: dict[str, list[Change]] = field(default_factory=lambda: {b: [] for b in BUCKETS})
    listed_now: list[Change] = field(default_factory=list)  # problems in the latest run

    def counts(self) -> dict[str, int]:
        return {b: len(v) for b, v in self.buckets.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "latest": {"id": self.latest.id, "at": self.latest.at},
            "previous": {"id": self.previous.id, "at": self.previous.at} if self.previous else None,
            "counts": self.counts(),
            "listed_now": [c.to_json() for c in self.listed_now],
            **{b: [c.to_json() for c in changes] for b, changes in self.buckets.items()},
        }

    def summary(self) -> str:
        """One line: ``since the last visit (3 Mar 2026): 2 new, 1 fixed, 3 still listed, 1 unknown``."""
        spec = kind_spec(self.kind)
        word = spec.problem_word if spec else "problem"
        if self.previous is None:
            n = len(self.listed_now)
            return f"first saved run: {n} {word}" if n else "first saved run: no problems found"
        counts = self.counts()
        parts = [f"{counts['new']} new", f"{counts['fixed']} fixed", f"{counts['still_listed']} still {word}"]
        if counts["unknown"]:
            parts.append(f"{counts['unknown']} unknown")
        return f"since the last visit ({local_date(self.previous.at)}): " + ", ".join(parts)

    def sentences(self) -> list[str]:
        """Report lines, e.g. ``192.0.2.7: listed on bl.spamcop.net since 3 Mar 2026 (new since last visit)``."""
        spec = kind_spec(self.kind)
        word = spec.problem_word if spec else "problem"
        lines = []
        if self.previous is None:  # the first saved run: nothing to compare, but say what is wrong now
            return [f"{c.target}: {word} on {c.item} (first saved check)" for c in self.listed_now]
        for bucket in ("new", "still_listed"):
            for change in self.buckets[bucket]:
                since = f" since {local_date(change.listed_since.since)}" if change.listed_since else ""
                lines.append(f"{change.target}: {word} on {change.item}{since} ({BUCKET_TITLES[bucket].lower()})")
        for change in self.buckets["fixed"]:
            lines.append(f"{change.target}: no longer {word} on {change.item} (fixed since last visit)")
        for change in self.buckets["unknown"]:
            lines.append(f"{change.target}: {change.item} unknown ({change.reason})")
        return lines


def compare_facts(previous: Iterable[Fact] | None, latest: Iterable[Fact]) -> dict[str, list[Change]]:
    """Sort every (target, item) of two runs into :data:`BUCKETS` (see module rules)."""
    buckets: dict[str, list[Change]] = {b: [] for b in BUCKETS}
    if previous is None:
        return buckets
    before = {f.key: f for f in previous}
    now = {f.key: f for f in latest}
    for key in sorted(set(before) | set(now)):
        b, n = before.get(key), now.get(key)
        change_args = dict(target=key[0], item=key[1], now=n.status if n else None, before=b.status if b else None)
        detail = n.detail if n else ""
        if n is None:
            buckets["unknown"].append(Change(**change_args, reason="not checked on this visit"))
        elif b is None:
            buckets["unknown"].append(Change(**change_args, detail=detail, reason="not checked on the last visit"))
        elif n.state == ERROR:
            buckets["unknown"].append(Change(**change_args, detail=detail, reason=f"no answer now: {n.detail or n.status}"))
        elif b.state == ERROR:
            buckets["unknown"].append(
                Change(**change_args, detail=detail, reason=f"no answer last visit: {b.detail or b.status}")
            )
        elif n.state == PROBLEM and b.state == PROBLEM:
            buckets["still_listed"].append(Change(**change_args, detail=detail))
        elif n.state == PROBLEM and b.state == OK:
            buckets["new"].append(Change(**change_args, detail=detail))
        elif n.state == OK and b.state == PROBLEM:
            buckets["fixed"].append(Change(**change_args, detail=detail))
        else:
            buckets["still_clean"].append(Change(**change_args, detail=detail))
    return buckets


def listed_streak(target: str, item: str, rows: Iterable[tuple[str, str]]) -> ListedSince | None:
    """``rows`` are (timestamp, state) of one (target, item), newest first."""
    since = last = None
    runs = unknown = 0
    pending_unknown = 0
    for at, state in rows:
        if last is None:
            if state != PROBLEM:
                return None  # clean now, or no answer now: claim nothing
            last = at
        if state == PROBLEM:
            since = at
            runs += 1
            unknown += pending_unknown
            pending_unknown = 0
        elif state == ERROR:
            pending_unknown += 1  # counts only if a listed run lies before it
        else:
            break
    if since is None:
        return None
    return ListedSince(target, item, since, last, runs, unknown)

"""What a saved run could tell, what changed between visits, and since when something has been listed.

Pure functions over facts (see :mod:`.kinds`), so the rules are easy to test and the
same for every kind of check. The rules, chosen to never reassure wrongly:

* A run is judged by its :class:`Coverage`. "No problems found" needs every item to have
  really answered; a run where every item failed "could not check (32 of 32 lists
  failed: refused)"; a run where some failed is partial and says so.
* "Since the last visit" compares only items that answered in both runs. An ``error``
  on either side is ``unknown`` - never "fixed": a blocked resolver or a timeout says
  nothing about a listing. An item checked on only one of the two visits is ``unknown`` too,
  and the summary says how many items could not be compared, and why.
* "Listed since" is the date of the first run of the current streak of listed results
  for that (target, item). Runs where that item was an error do not break the streak
  (they are counted as ``unknown_runs``); only a clean result does. If the latest answer
  is an error, nothing is claimed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact, KindSpec, spec_or_generic
from sbskit.core.profiles.model import Run, local_date

BUCKETS = ("new", "fixed", "still_listed", "still_clean", "unknown")
BUCKET_TITLES = {
    "new": "New since last visit",
    "fixed": "Fixed since last visit",
    "still_listed": "Still listed",
    "still_clean": "Still clean",
    "unknown": "Could not be compared",
}

#: How a run's coverage is judged, worst first: the one word the CLI, GUI and report share.
FAILED, PARTIAL, COMPLETE, EMPTY = "failed", "partial", "complete", "empty"


def short_reason(text: str, limit: int = 60) -> str:
    """The gist of an error detail: ``refused``; ``Not enough evidence to tell: there are ...`` -> its first clause."""
    text = " ".join(str(text).split())
    for stop in (": ", "; ", " ("):
        if stop in text:
            text = text.split(stop, 1)[0]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "..."
    return text


def _reasons_text(reasons: Counter, limit: int = 3) -> str:
    """``refused`` / ``20 timeout, 12 refused`` (the most common first)."""
    common = reasons.most_common()
    if len(common) == 1:
        return common[0][0]
    parts = [f"{count} {reason}" for reason, count in common[:limit]]
    if len(common) > limit:
        parts.append(f"{sum(c for _r, c in common[limit:])} other")
    return ", ".join(parts)


@dataclass(frozen=True)
class Coverage:
    """How much of one run really answered: the evidence behind any verdict."""

    total: int
    problems: int
    ok: int
    errors: int
    reasons: Counter = field(default_factory=Counter)  # error reason -> how many items

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> "Coverage":
        counts = Counter()
        reasons: Counter = Counter()
        for fact in facts:
            counts[fact.state] += 1
            if fact.state == ERROR:
                reasons[short_reason(fact.detail or fact.status or "no answer")] += 1
        return cls(sum(counts.values()), counts[PROBLEM], counts[OK], counts[ERROR], reasons)

    @classmethod
    def of_counts(cls, counts: dict[str, int]) -> "Coverage":
        """From a run listing's counts (no reasons known)."""
        p, o, e = counts.get(PROBLEM, 0), counts.get(OK, 0), counts.get(ERROR, 0)
        return cls(p + o + e, p, o, e)

    @property
    def answered(self) -> int:
        return self.problems + self.ok

    @property
    def state(self) -> str:
        if self.total == 0:
            return EMPTY
        if self.answered == 0:
            return FAILED
        return PARTIAL if self.errors else COMPLETE

    def failures(self, spec: KindSpec) -> str:
        """``32 of 32 lists failed: refused``."""
        text = f"{self.errors} of {spec.items(self.total)} {spec.failed_word}"
        return f"{text}: {_reasons_text(self.reasons)}" if self.reasons else text

    def verdict(self, spec: KindSpec) -> str:
        """One phrase for the run; "no problems found" only when every item answered."""
        state = self.state
        if state == EMPTY:
            return "could not check (the run holds no results)"
        if state == FAILED:
            return f"could not check ({self.failures(spec)})"
        found = f"{self.problems} {spec.problem_word}" if self.problems else ""
        if state == PARTIAL:
            if found:
                return f"{found}; incomplete ({self.failures(spec)})"
            return (f"incomplete: nothing {spec.problem_word} on the {self.answered} that answered, "
                    f"but {self.failures(spec)}")
        return f"{found} (of {spec.items(self.total)})" if found else \
            f"no problems found ({spec.items(self.total)} answered)"

    def short(self, spec: KindSpec) -> str:
        """For a table cell: ``could not check``, ``incomplete``, ``2 listed``, ``no problems``."""
        state = self.state
        if state in (EMPTY, FAILED):
            return "could not check"
        if self.problems:
            return f"{self.problems} {spec.problem_word}" + (" (incomplete)" if state == PARTIAL else "")
        return "incomplete" if state == PARTIAL else "no problems"


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
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0, 0, 0))  # of the latest run

    @property
    def spec(self) -> KindSpec:
        return spec_or_generic(self.kind)

    @property
    def state(self) -> str:
        """``problem`` (something wrong now), ``unknown`` (the latest run could not check it all) or ``ok``."""
        if self.listed_now:
            return "problem"
        return "ok" if self.coverage.state == COMPLETE else "unknown"

    def counts(self) -> dict[str, int]:
        return {b: len(v) for b, v in self.buckets.items()}

    def compared(self) -> int:
        """Items that answered in both runs (the only ones a change is claimed for)."""
        return sum(len(self.buckets[b]) for b in BUCKETS if b != "unknown")

    def to_json(self) -> dict[str, Any]:
        c = self.coverage
        return {
            "kind": self.kind,
            "target": self.target,
            "latest": {"id": self.latest.id, "at": self.latest.at},
            "previous": {"id": self.previous.id, "at": self.previous.at} if self.previous else None,
            "state": self.state,
            "verdict": self.verdict(),
            "summary": self.summary(),
            "coverage": {"state": c.state, "items": c.total, "answered": c.answered, "problems": c.problems,
                         "errors": c.errors, "error_reasons": dict(c.reasons)},
            "compared": self.compared() if self.previous else 0,
            "counts": self.counts(),
            "listed_now": [ch.to_json() for ch in self.listed_now],
            **{b: [ch.to_json() for ch in changes] for b, changes in self.buckets.items()},
        }

    def verdict(self) -> str:
        """What the latest run could tell on its own."""
        return self.coverage.verdict(self.spec)

    def change_summary(self) -> str:
        """``12 lists answered in both runs: 0 new, 0 fixed, 1 still listed; 20 could not be compared (...)``."""
        spec = self.spec
        counts = self.counts()
        compared = self.compared()
        unknown = self.buckets["unknown"]
        reasons = Counter(change.reason for change in unknown)
        why = "; ".join(f"{n} {r}" if len(reasons) > 1 else r for r, n in reasons.most_common(3))
        if len(reasons) > 3:
            why += f"; {sum(n for _r, n in reasons.most_common()[3:])} other"
        if not compared:
            return f"nothing could be compared: {spec.items(len(unknown))} ({why})" if unknown else \
                "nothing could be compared"
        text = (f"{spec.items(compared)} answered in both runs: {counts['new']} new, {counts['fixed']} fixed, "
                f"{counts['still_listed']} still {spec.problem_word}")
        if unknown:
            text += f"; {len(unknown)} could not be compared ({why})"
        return text

    def summary(self) -> str:
        """One line: the latest run's verdict, then what changed since the run before it."""
        if self.previous is None:
            return f"first saved run: {self.verdict()}"
        return f"latest run: {self.verdict()}; since the last visit ({local_date(self.previous.at)}): " + \
            self.change_summary()

    def sentences(self) -> list[str]:
        """Report lines, e.g. ``192.0.2.7: listed on bl.spamcop.net since 3 Mar 2026 (new since last visit)``."""
        spec = self.spec
        lines = []
        if self.previous is None:  # the first saved run: nothing to compare, but say what is wrong now
            return [f"{spec.problem_sentence(c.target, c.item, c.now or '', c.detail)} (first saved check)"
                    for c in self.listed_now]
        for bucket in ("new", "still_listed"):
            for change in self.buckets[bucket]:
                since = f" since {local_date(change.listed_since.since)}" if change.listed_since else ""
                text = spec.problem_sentence(change.target, change.item, change.now or "", change.detail)
                lines.append(f"{text}{since} ({BUCKET_TITLES[bucket].lower()})")
        for change in self.buckets["fixed"]:
            lines.append(f"{spec.fixed_sentence(change.target, change.item, change.before or '')} "
                         "(fixed since last visit)")
        grouped: dict[tuple[str, str], list[str]] = {}
        for change in self.buckets["unknown"]:
            grouped.setdefault((change.target, change.reason), []).append(spec.name(change.item))
        for (target, reason), items in grouped.items():
            shown = ", ".join(items[:6]) + (f" and {len(items) - 6} more" if len(items) > 6 else "")
            lines.append(f"{target}: {spec.items(len(items))} could not be compared ({reason}): {shown}")
        return lines

    def report_lines(self) -> list[str]:
        """The headline and every sentence: what the report and the re-run show for this check."""
        return [f"{self.spec.label} {self.target}: {self.summary()}", *self.sentences()]


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
            buckets["unknown"].append(
                Change(**change_args, detail=detail, reason=f"no answer now: {short_reason(n.detail or n.status)}"))
        elif b.state == ERROR:
            buckets["unknown"].append(
                Change(**change_args, detail=detail, reason=f"no answer last visit: {short_reason(b.detail or b.status)}")
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


def run_result(run: Run) -> str:
    """A saved run's result for a table cell, from its fact counts (``-`` for kinds without history)."""
    from sbskit.core.profiles.kinds import has_history

    if not has_history(run.kind):
        return "-"
    return Coverage.of_counts(run.counts).short(spec_or_generic(run.kind))

"""What a saved run could tell, how two answers about one item compare, and since when it has been listed.

Pure functions over facts (see :mod:`.kinds`), so the rules are easy to test and the
same for every kind of check. The rules, chosen to never reassure wrongly:

* A run is judged by its :class:`Coverage`. "No problems found" needs every item to have
  really answered; a run where every item failed "could not check (32 of 32 lists
  failed: refused)"; a run where some failed is partial and says so.
* History is kept per checked *item*: one target (an IP, a domain, a mail host) and one
  list or check. Runs are grouped into *visits*: every run of a client on the same local
  calendar day is one visit (a failed attempt and its repeat ten minutes later are one
  visit). "Since the last visit" compares each item's answer on the latest visit with its
  last *answer* on an earlier visit (a visit on which it gave no answer is skipped, and the
  sentence names the date it was compared with). See :mod:`.timeline`.
* An ``error`` is ``unknown`` - never "fixed": a blocked resolver or a timeout says nothing
  about a listing. An item that never answered before cannot be compared, and the summary
  says how many items could not be compared, and why; a problem found now is named anyway.
* "Listed since" is the date of the first run of the current streak of listed results
  for that (target, item). Runs where that item was an error do not break the streak
  (they are counted as ``unknown_runs``); only a clean result does. If the latest answer
  is an error, nothing is claimed.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact, KindSpec, clip, spec_or_generic
from sbskit.core.profiles.model import Run, local_date, parse_timestamp, timestamp

BUCKETS = ("new", "fixed", "still_listed", "still_clean", "unknown")

#: How a run's coverage is judged, worst first: the one word the CLI, GUI and report share.
FAILED, PARTIAL, COMPLETE, EMPTY = "failed", "partial", "complete", "empty"

#: Error texts reduced to the word an admin knows (checked in order; the first match wins).
REASON_WORDS = (
    (re.compile(r"\brefus", re.I), "refused"),
    (re.compile(r"time[d ]?\s?out|no answer within|time limit|did not answer in time", re.I), "timeout"),
    (re.compile(r"servfail", re.I), "servfail"),
    (re.compile(r"unreachable|no route to host", re.I), "unreachable"),
    (re.compile(r"needs? a .*key|dqs", re.I), "needs a key"),
    (re.compile(r"not enough evidence", re.I), "not enough evidence"),
)
_LEADING_LABEL = re.compile(r"^(?:\[?[0-9a-f:.]+\]?|[a-z0-9.-]+\.[a-z]{2,}): ", re.I)  # "198.51.100.30: ..."


def short_reason(text: str, limit: int = 60) -> str:
    """The gist of an error detail, cut cleanly: ``refused``, ``timeout``, or its first whole clause."""
    text = " ".join(str(text).split())
    for pattern, word in REASON_WORDS:
        if pattern.search(text):
            return word
    text = _LEADING_LABEL.sub("", text)
    for stop in (". ", "; ", ": ", " ("):
        head = text.split(stop, 1)[0]
        if head != text and len(head.split()) >= 2:
            text = head
    return clip(text.rstrip(".") or "no answer", limit)


def reasons_text(reasons: Counter, limit: int = 3) -> str:
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
    """How much of one run (or visit) really answered: the evidence behind any verdict."""

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
        return f"{text}: {reasons_text(self.reasons)}" if self.reasons else text

    def verdict(self, spec: KindSpec) -> str:
        """One phrase for the run; "no problems found" only when every item answered."""
        state = self.state
        if state == EMPTY:
            return "could not check (the run holds no results)"
        if spec.single_outcome and self.total == 1:  # one outcome per run: say it, not "1 of 1"
            if state == FAILED:
                return f"could not tell ({reasons_text(self.reasons)})" if self.reasons else "could not tell"
            return spec.problem_word if self.problems else spec.single_outcome
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
        if spec.single_outcome and self.total == 1:
            return spec.problem_word if self.problems else spec.single_outcome
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
    """One item on the latest visit against its last answer before it."""

    target: str
    item: str
    now: str | None  # status now (None: not checked on the latest visit)
    before: str | None  # status at the answer compared with (None: never checked before)
    detail: str = ""
    reason: str = ""  # for unknown: why no verdict
    listed_since: ListedSince | None = None
    now_at: str | None = None  # the run that gave the answer now (its time and id)
    now_run: int | None = None
    before_at: str | None = None  # the run compared with
    before_run: int | None = None
    before_state: str | None = None  # problem / ok / error of that run's answer
    on_last_visit: str = ""  # when compared with an older visit: "no answer" or "not checked" on the last one

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"target": self.target, "item": self.item, "now": self.now, "before": self.before}
        if self.detail:
            doc["detail"] = self.detail
        if self.reason:
            doc["reason"] = self.reason
        if self.listed_since:
            doc["listed_since"] = self.listed_since.since
        for key in ("now_at", "now_run", "before_at", "before_run"):
            if getattr(self, key) is not None:
                doc[key] = getattr(self, key)
        return doc


def classify(before: Fact | None, now: Fact | None) -> str:
    """The bucket of one item: ``new``, ``fixed``, ``still_listed``, ``still_clean`` or ``unknown``."""
    if now is None or before is None or ERROR in (now.state, before.state):
        return "unknown"
    if now.state == PROBLEM:
        return "still_listed" if before.state == PROBLEM else "new"
    return "fixed" if before.state == PROBLEM else "still_clean"


def compare_facts(previous: Iterable[Fact] | None, latest: Iterable[Fact]) -> dict[str, list[Change]]:
    """Sort every (target, item) of two runs into :data:`BUCKETS` (the rules of :func:`classify`)."""
    buckets: dict[str, list[Change]] = {b: [] for b in BUCKETS}
    if previous is None:
        return buckets
    before = {f.key: f for f in previous}
    now = {f.key: f for f in latest}
    for key in sorted(set(before) | set(now)):
        b, n = before.get(key), now.get(key)
        bucket = classify(b, n)
        change = Change(key[0], key[1], n.status if n else None, b.status if b else None, n.detail if n else "",
                        before_state=b.state if b else None)
        if bucket == "unknown":
            if n is None:
                reason = "not checked on this visit"
            elif b is None:
                reason = "not checked on the last visit"
            elif n.state == ERROR:
                reason = f"no answer now: {short_reason(n.detail or n.status)}"
            else:
                reason = f"no answer last visit: {short_reason(b.detail or b.status)}"
            change = replace(change, reason=reason)
        buckets[bucket].append(change)
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


# --- visits ----------------------------------------------------------------------------------
def visit_start(at: str) -> str:
    """The timestamp of local midnight on the day of ``at``: every run from then on is the same visit."""
    day = parse_timestamp(at).astimezone().date()
    return timestamp(_dt.datetime(day.year, day.month, day.day).astimezone())


def same_visit(a: str, b: str) -> bool:
    return visit_start(a) == visit_start(b)


def run_result(run: Run) -> str:
    """A saved run's result for a table cell, from its fact counts (``-`` for kinds without history)."""
    from sbskit.core.profiles.kinds import has_history

    if not has_history(run.kind):
        return "-"
    return Coverage.of_counts(run.counts).short(spec_or_generic(run.kind))


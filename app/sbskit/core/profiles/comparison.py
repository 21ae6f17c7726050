"""One checked target's history in words: its latest visit, what changed since the last visit, and why
some items could not be compared.

:mod:`.timeline` builds a :class:`Comparison` per (kind, target) from the saved facts; this module
only tells it, the same way in the CLI, the History view, the re-run dialog and the report:

* the headline: ``latest visit (1 Dec 2026): 1 listed (of 32 lists); since the last visit
  (2 Nov 2026): 32 lists answered on both visits: 0 new, 1 fixed, 0 still listed``;
* every problem found on the latest visit is named, whether or not it could be compared
  (``listed on b.barracudacentral.org (could not compare: no answer last visit (timeout))``);
* every fix is named (``no longer listed on bl.spamcop.net (fixed since the last visit)``),
  with the date it was compared with when that is not the last visit;
* the rest that could not be compared is grouped by reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sbskit.core.profiles.history import BUCKETS, COMPLETE, Change, Coverage, same_visit
from sbskit.core.profiles.kinds import KindSpec, spec_or_generic
from sbskit.core.profiles.model import Run, local_date

#: Styles of the groups a comparison is shown in (the GUI colours them, the report heads them).
BAD, GOOD, UNKNOWN = "bad", "good", "unknown"
MAX_NAMED = 6  # items named in a grouped "could not be compared" line before "and N more"


def _tagged(reason: str) -> str:
    """``no answer last visit: refused`` -> ``no answer last visit (refused)`` (inside a sentence's tag)."""
    head, sep, tail = reason.partition(": ")
    return f"{head} ({tail})" if sep else reason


@dataclass
class Comparison:
    """The latest visit of one (kind, target) against its last answers on earlier visits."""

    kind: str
    target: str
    latest: Run  # the newest run of the latest visit that checked this target
    previous: Run | None  # the newest run of the visit before it (None: the first saved check)
    buckets: dict[str, list[Change]] = field(default_factory=lambda: {b: [] for b in BUCKETS})
    listed_now: list[Change] = field(default_factory=list)  # problems on the latest visit
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0, 0, 0))  # of the latest visit
    visit_runs: list[Run] = field(default_factory=list)  # every run of the latest visit, newest first
    stale: bool = False  # this target was not checked on the kind's latest visit
    in_profile: bool = True  # the target is one of the client's IPs / domains / mail hosts
    kind_latest_at: str | None = None  # the kind's latest visit (for "not checked on the latest visit")

    @property
    def spec(self) -> KindSpec:
        return spec_or_generic(self.kind)

    @property
    def state(self) -> str:
        """``problem``, ``unknown`` (could not check it all), ``ok``; ``stale`` for an old target no longer checked
        that is not the client's (an MX address DNS happened to return once): shown, never judged."""
        if self.stale:
            return "unknown" if self.in_profile else "stale"
        if self.listed_now:
            return "problem"
        return "ok" if self.coverage.state == COMPLETE else "unknown"

    @property
    def run_ids(self) -> list[int]:
        return [run.id for run in self.visit_runs] or [self.latest.id]

    def counts(self) -> dict[str, int]:
        return {b: len(v) for b, v in self.buckets.items()}

    def compared(self) -> int:
        """Items that answered on both visits (the only ones a change is claimed for)."""
        return sum(len(self.buckets[b]) for b in BUCKETS if b != "unknown")

    def to_json(self) -> dict[str, Any]:
        c = self.coverage
        return {
            "kind": self.kind,
            "target": self.target,
            "latest": {"id": self.latest.id, "at": self.latest.at},
            "previous": {"id": self.previous.id, "at": self.previous.at} if self.previous else None,
            "visit": {"at": self.latest.at, "runs": self.run_ids},
            "stale": self.stale,
            "in_profile": self.in_profile,
            "state": self.state,
            "verdict": self.verdict(),
            "summary": self.summary(),
            "sentences": self.sentences(),
            "coverage": {"state": c.state, "items": c.total, "answered": c.answered, "problems": c.problems,
                         "errors": c.errors, "error_reasons": dict(c.reasons)},
            "compared": self.compared() if self.previous else 0,
            "counts": self.counts(),
            "listed_now": [ch.to_json() for ch in self.listed_now],
            **{b: [ch.to_json() for ch in changes] for b, changes in self.buckets.items()},
        }

    # --- the headline ----------------------------------------------------------------------
    def verdict(self) -> str:
        """What the latest visit could tell on its own."""
        return self.coverage.verdict(self.spec)

    def visit_text(self) -> str:
        """``1 Dec 2026`` or ``1 Dec 2026, 2 runs``."""
        runs = len(self.visit_runs)
        return local_date(self.latest.at) + (f", {runs} runs" if runs > 1 else "")

    def _older(self, change: Change) -> bool:
        """True when ``change`` was compared with an answer from before the last visit."""
        return bool(self.previous and change.before_at and not same_visit(change.before_at, self.previous.at))

    def change_summary(self) -> str:
        """``32 lists compared: 0 new, 1 fixed, 1 still listed; 8 could not be compared (...)``."""
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
        text = (f"{spec.items(compared)} compared: {counts['new']} new, {counts['fixed']} fixed, "
                f"{counts['still_listed']} {spec.still_word}")
        older = Counter(local_date(c.before_at) for b in BUCKETS if b != "unknown" for c in self.buckets[b]
                        if self._older(c))
        if older:
            text += " (" + ", ".join(f"{n} with the answer of {day}" for day, n in older.most_common()) + \
                f": nothing from {local_date(self.previous.at)})"
        if unknown:
            text += f"; {len(unknown)} could not be compared ({why})"
        return text

    def summary(self) -> str:
        """One line: the latest visit's verdict, then what changed since the last visit."""
        if self.stale:
            latest = local_date(self.kind_latest_at) if self.kind_latest_at else "the latest visit"
            return (f"not checked on the latest visit ({latest}); last checked {local_date(self.latest.at)}: "
                    f"{self.verdict()}")
        if self.previous is None:
            return f"first visit ({self.visit_text()}): {self.verdict()}"
        return (f"latest visit ({self.visit_text()}): {self.verdict()}; since the last visit "
                f"({local_date(self.previous.at)}): {self.change_summary()}")

    # --- the sentences -----------------------------------------------------------------------
    def _since(self, change: Change) -> str:
        return f" since {local_date(change.listed_since.since)}" if change.listed_since else ""

    def _older_note(self, change: Change) -> str:
        """``; no answer on 7 Apr 2026`` when the answer compared with is older than the last visit."""
        if not self._older(change):
            return ""
        return f"; {change.on_last_visit or 'no answer'} on {local_date(self.previous.at)}"

    def _problem_tag(self, change: Change) -> str:
        """Why a problem found now is new, old, or could not be compared."""
        spec = self.spec
        if self.stale:
            return f"last checked {local_date(change.now_at or self.latest.at)}; not checked on the latest visit"
        if self.previous is None:
            return "first visit"
        if change.before_state == "problem":
            when = f"; compared with the visit of {local_date(change.before_at)}" if self._older(change) else ""
            return spec.still_word + when + self._older_note(change)
        if change.before_state == "ok":
            when = f"the visit of {local_date(change.before_at)}" if self._older(change) else "the last visit"
            return f"new since {when}{self._older_note(change)}"
        return f"could not compare: {_tagged(change.reason)}" if change.reason else "could not compare"

    def _problem_line(self, change: Change, with_target: bool) -> str:
        spec = self.spec
        text = spec.problem_phrase(change.item, change.now or "") + self._since(change)
        text += f" ({self._problem_tag(change)})"
        if spec.detail_after and change.detail:
            text += f": {spec.detail(change.detail)}"
        return f"{change.target}: {text}" if with_target else text

    def _fixed_line(self, change: Change, with_target: bool) -> str:
        when = f"the visit of {local_date(change.before_at)}" if self._older(change) else "the last visit"
        text = f"{self.spec.fixed_phrase(change.item, change.before or '')} (fixed since {when}{self._older_note(change)})"
        return f"{change.target}: {text}" if with_target else text

    def _lost_line(self, change: Change, with_target: bool) -> str:
        """A problem at the last answer that gave no answer now: named, never "fixed"."""
        text = (f"{self.spec.problem_phrase(change.item, change.before or '')} at the last answer "
                f"({local_date(change.before_at)}); {_tagged(change.reason)}")
        return f"{change.target}: {text}" if with_target else text

    def groups(self, with_target: bool = False) -> list[tuple[str, str, list[str]]]:
        """(style, heading, sentences): the problems now, the fixes, the rest that could not be compared."""
        spec = self.spec
        word = spec.problem_word
        problems = [self._problem_line(c, with_target) for c in self.listed_now]
        heading = "Found on the latest check it had" if self.stale else f"{word[:1].upper()}{word[1:]} now"
        out = [(BAD, heading, problems)] if problems else []
        if self.previous is None or self.stale:
            return out
        fixed = [self._fixed_line(c, with_target) for c in self.buckets["fixed"]]
        if fixed:
            out.append((GOOD, "Fixed since the last visit", fixed))
        lost, grouped = [], {}
        named = {(c.target, c.item) for c in self.listed_now}
        for change in self.buckets["unknown"]:
            if (change.target, change.item) in named:
                continue  # a problem now: named above, with why it could not be compared
            if change.now is not None and change.before_state == "problem":  # listed then, no answer now
                lost.append(self._lost_line(change, with_target))
            else:
                grouped.setdefault((change.target, change.reason), []).append(spec.name(change.item))
        rest = lost + [self._grouped_line(target, reason, items, with_target)
                       for (target, reason), items in grouped.items()]
        if rest:
            out.append((UNKNOWN, "Could not be compared", rest))
        return out

    def _grouped_line(self, target: str, reason: str, items: list[str], with_target: bool) -> str:
        shown = ", ".join(items[:MAX_NAMED]) + (f" and {len(items) - MAX_NAMED} more" if len(items) > MAX_NAMED else "")
        text = f"{self.spec.items(len(items))} could not be compared ({reason}): {shown}"
        return f"{target}: {text}" if with_target else text

    def sentences(self) -> list[str]:
        """Report lines, e.g. ``192.0.2.7: listed on bl.spamcop.net since 3 Mar 2026 (new since the last visit)``."""
        return [line for _style, _heading, lines in self.groups(with_target=True) for line in lines]

    def title(self) -> str:
        """``Blacklist check 198.51.100.20``; a kind with one outcome per client is just its label (``Queue triage``)."""
        return self.spec.label if self.spec.single_outcome else f"{self.spec.label} {self.target}".strip()

    def report_lines(self) -> list[str]:
        """The headline and every sentence: what the CLI and the re-run show for this check."""
        return [f"{self.title()}: {self.summary()}", *self.sentences()]

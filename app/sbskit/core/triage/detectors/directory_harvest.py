"""Directory harvest: one source trying many non-existent local recipients (550 5.1.1 / 5.1.10)."""

from __future__ import annotations

from sbskit.core.triage.detectors._util import samples_of, top
from sbskit.core.triage.detectors.formats import RECEIVE, TRACKING
from sbskit.core.triage.evidence import Evidence, GroupStat, domain_of
from sbskit.core.triage.model import Assessment

CAUSE = "directory_harvest"


def _not_found_tables(ev: Evidence) -> dict[str, GroupStat]:
    """Unknown-recipient attempts per source from every log kind, local domains only where unsure."""
    merged: dict[str, GroupStat] = dict(ev.table("not_found_by_source"))
    local = ev.local_domains()
    for name in ("ndr2003_by_source", "iis_rcpt_550"):
        for key, stat in ev.table(name).items():
            kept = {r for r in stat.values if domain_of(r) in local}
            if not kept:
                continue
            target = merged.setdefault(key, GroupStat())
            target.count += len(kept)
            for r in kept:
                target.add(r)
            target.samples.extend(stat.samples[: 3 - len(target.samples)])
    return merged


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    table = _not_found_tables(ev)
    best = top(table, lambda s: s.distinct())
    total = sum(s.distinct() for s in table.values())
    if best:
        key, stat, n = best[0]
        who = key if not key.startswith("sender ") else f"mail claiming to be from {key[7:]}"
        if n >= 50:
            a.add(3.5, f"One source, {who}, tried {n} different addresses that do not exist here.")
        elif n >= 15:
            a.add(2.0, f"One source, {who}, tried {n} different non-existent addresses.")
        elif n >= 5:
            a.add(0.8, f"{who} tried {n} non-existent addresses (a few mistyped addresses are normal).")
        if len(table) >= 3 and total >= 100:
            a.add(1.0, f"{len(table)} sources tried {total} non-existent addresses in all.")
        a.subjects = [key for key, _, _ in best]
        a.evidence = samples_of(best)
    informed = ev.has_any(*RECEIVE, *TRACKING)
    if informed and a.logit <= 0:
        a.add(-1.5, "The logs show no source trying lists of non-existent addresses.")
    return a

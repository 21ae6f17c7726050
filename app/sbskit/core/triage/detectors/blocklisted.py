"""Receivers refuse our mail as spam: blocklist and reputation refusals named in the replies."""

from __future__ import annotations

from sbskit.core.triage.detectors._replies import counted, describe, evidence_of, kinds_of
from sbskit.core.triage.detectors._util import plural
from sbskit.core.triage.detectors.formats import DELIVERY
from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.model import Assessment

CAUSE = "blocklisted"


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    groups = ev.replies.supporting(CAUSE)
    total = sum(counted(g) for g in groups)
    a.verbatim = total > 0  # the receivers said so in their replies
    lists = sorted({g.reply.pattern.lists for g in groups if g.reply.pattern and g.reply.pattern.lists})
    if total:
        a.add(3.0 if total >= 3 else 2.2,
              f"Receivers refused or slowed {plural(total, 'message')} because of our IP's listing or reputation"
              f"{': ' + ', '.join(lists) if lists else ''}.")
    if total >= 10:
        a.add(0.5, f"{plural(total, 'message')} held up in all.")
    for group in groups[:5]:
        a.facts.append(describe(group) + ".")
    a.evidence = evidence_of(groups)
    a.kinds = kinds_of(groups)
    a.subjects = lists[:4]
    delivered = ev.counts["sent"]
    if not total and delivered >= 50 and ev.has_any(*DELIVERY):
        a.add(-1.0, f"Remote servers accepted {plural(delivered, 'message')} without a blocklist or reputation refusal.")
    return a

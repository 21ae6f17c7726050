"""NDR backscatter: non-delivery reports to many outside domains, small retry queues."""

from __future__ import annotations

from sbskit.core.triage.detectors._util import plural
from sbskit.core.triage.detectors.formats import QUEUE, TRACKING
from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.model import Assessment

CAUSE = "ndr_backscatter"


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    local = ev.local_domains()
    ndr = ev.table("ndr_to").get("all")
    n_ndr = ev.counts["dsn"] + ev.counts["ndr_sent"]
    outside = {d for d in ndr.values if d not in local} if ndr else set()
    n_dom = len(outside) + (ndr.values_overflow if ndr else 0)
    sent = ev.counts["sent"]
    share_ok = sent == 0 or n_ndr >= 0.03 * sent  # NDRs are a noticeable part of what leaves
    if n_ndr >= 50 and n_dom >= 20 and share_ok:
        a.add(3.5, f"The server generated {n_ndr} non-delivery reports addressed to {n_dom} different outside domains.")
    elif n_ndr >= 10 and n_dom >= 5 and share_ok:
        a.add(2.0, f"The server generated {n_ndr} non-delivery reports to {n_dom} different outside domains.")
    elif n_ndr > 0:
        a.add(0.0, f"The server generated {plural(n_ndr, 'non-delivery report')}, a normal amount.")
    small = ev.table("small_retry_queue").get("all")
    if small and small.distinct() >= 20:
        a.add(2.0, f"{small.count} outbound queues hold only a few messages each, for {small.distinct()} different domains.")
    elif small and small.distinct() >= 5:
        a.add(1.0, f"{small.count} small outbound queues wait in retry for different domains.")
    informed = ev.has_any(*TRACKING, *QUEUE)
    if informed and a.logit <= 0:
        a.add(-1.5, "The tracking logs and queues show no flood of non-delivery reports.")
    a.evidence = (ev.sample("dsn") + ev.sample("ndr_sent"))[:5] + (small.samples if small else [])
    a.subjects = sorted(outside)[:8]
    return a

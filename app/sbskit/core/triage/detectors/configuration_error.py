"""Configuration error: mail cannot leave (no connector, DNS, port 25 blocked, smart-host auth)."""

from __future__ import annotations

from sbskit.core.triage.detectors.formats import QUEUE, SEND, TRACKING
from sbskit.core.triage.errtext import CONFIG_LABELS
from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.model import Assessment

CAUSE = "configuration_error"


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    counts = {c: ev.counts[c] for c in CONFIG_LABELS if ev.counts[c]}
    total = sum(counts.values())
    sent = ev.counts["sent"]
    noticeable = sent == 0 or total >= 0.05 * sent
    if total >= 10 and noticeable:
        a.add(2.5, f"{total} queue or log entries say mail cannot be delivered.")
    elif total >= 3 and noticeable:
        a.add(1.5, f"{total} queue or log entries say mail cannot be delivered.")
    elif total:
        a.add(0.3, f"{total} delivery error(s), a normal amount for mail to the internet.")
    for category, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        a.facts.append(f"{n} \u00d7 {CONFIG_LABELS[category]}.")
        a.evidence.extend(ev.sample(category)[:3])
        a.subjects.append(category.split(":", 1)[1])
    if counts.get("cfg:no_connector"):
        a.add(1.0, "Exchange has no Send connector for some destinations.")
    if counts.get("cfg:smarthost_auth", 0) >= 3:
        a.add(0.8, "The smart host keeps refusing the server's authentication.")
    if ev.has_any(*QUEUE, *SEND, *TRACKING) and total == 0:
        a.add(-1.2, "No queue or log entry shows delivery failing for lack of a route, DNS or authentication.")
    a.evidence = a.evidence[:8]
    return a

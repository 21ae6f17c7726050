"""The three honest outcomes: cause found, healthy, or not enough evidence to tell.

A cause is found only when a detector's evidence (logs, exports, live checks) supports it
and it reaches the diagnosis threshold; the admin's answers move the confidence but never
make a cause on their own. "Healthy" needs positive evidence that covers enough: delivery
logs spanning at least a working day with mail LEAVING the server (sent to remote hosts: local
deliveries, content-filter hand-offs and a log filtered to successes cannot show outbound health),
few failures and no burst,
queues near empty if a snapshot was given, every file readable, nothing the admin reports
left unexplained. Everything else is "not enough evidence to tell", with the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.tally import covered_hours, largest_gap

MIN_HOURS = 8.0  # a working day
MIN_MESSAGES = 20  # sent out to remote hosts in the covered time
MAX_FAILURE_SHARE = 0.05
BURST = 20  # delivery failures within one hour
QUEUE_NEAR_EMPTY = 20  # messages in all queues
RETRY_NEAR_EMPTY = 5  # messages in queues that wait for a retry
DELIVERY_LOGS = ("exchange_tracking", "exchange_tracking_csv", "exchange2003_tracking", "postfix_maillog")
QUEUE_SNAPSHOTS = ("get_queue_csv", "postfix_queue_json", "get_queue_table", "postfix_mailq")


@dataclass
class Coverage:
    """What the evidence covers and whether that is enough to call the server healthy."""

    hours: float = 0.0
    first: datetime | None = None
    last: datetime | None = None
    messages: int = 0  # sent out to remote hosts: what outbound health rests on
    delivered: int = 0  # delivered to mailboxes on this server (inbound or internal mail)
    hops: int = 0  # handed to a content filter or another server of ours: not deliveries
    failures: int = 0
    burst: tuple[str, int] | None = None
    queued: int | None = None  # None: no queue snapshot
    retry: int = 0
    biggest_queue: int = 0
    gaps: list[str] = field(default_factory=list)  # why it is not enough

    @property
    def failure_share(self) -> float:
        return self.failures / max(self.messages + self.failures, 1)

    def as_dict(self) -> dict:
        def iso(dt: datetime | None) -> str | None:  # syslog times carry no year: '--11-27T06:00:01'
            if dt is None:
                return None
            return dt.strftime("--%m-%dT%H:%M:%S") if dt.year in (2000, 2001) else dt.isoformat()

        return {
            "hours": round(self.hours, 1),
            "first": iso(self.first),
            "last": iso(self.last),
            "messages": self.messages,
            "delivered_locally": self.delivered,
            "internal_hops": self.hops,
            "failures": self.failures,
            "failure_share": round(self.failure_share, 4),
            "burst": {"hour": self.burst[0], "failures": self.burst[1]} if self.burst else None,
            "queued": self.queued,
            "retry": self.retry,
            "gaps": self.gaps,
        }


def _when(dt: datetime | None) -> str:
    if dt is None:
        return "?"
    return dt.strftime("%d %b %H:%M") if dt.year in (2000, 2001) else dt.strftime("%d %b %Y %H:%M")


def coverage(ev: Evidence, unreadable: list[str], answers: dict, live_incomplete: bool,
             empty: list[str] | None = None) -> Coverage:
    cov = Coverage()
    delivery = [s for s in ev.spans if s.kind == "delivery"]
    cov.hours = covered_hours(ev.spans, "delivery")
    if delivery:
        cov.first = min(s.first for s in delivery)
        cov.last = max(s.last for s in delivery)
    cov.messages = ev.counts["sent"]
    cov.delivered = ev.counts["delivered"]
    cov.hops = ev.counts["filter_hops"] + ev.counts["internal_hops"]
    cov.failures = ev.counts["delivery_failures"]
    if ev.fail_hours:
        hour, n = ev.fail_hours.most_common(1)[0]
        if n >= BURST:
            cov.burst = (hour, n)
    if ev.has_any(*QUEUE_SNAPSHOTS):
        cov.queued = ev.counts["queued_messages"]
        cov.retry = ev.counts["queue_retry_messages"]
        cov.biggest_queue = max((r.get("count", 0) for r in ev.queue_rows), default=0)
    gaps = cov.gaps
    if not ev.has_any(*DELIVERY_LOGS):
        gaps.append("no message tracking log or maillog: nothing shows mail being delivered over time")
    elif not delivery:
        gaps.append("the delivery logs carry no readable timestamps, so the time they cover is not known")
    elif cov.hours < MIN_HOURS:
        hole = largest_gap(ev.spans, "delivery")
        if hole:
            gaps.append(f"the delivery logs have a {hole:.1f} h gap with no lines: they cover only {cov.hours:.1f} h; "
                        f"at least a working day ({MIN_HOURS:.0f} h) of lines is needed")
        else:
            gaps.append(f"the delivery logs cover only {cov.hours:.1f} h; at least a working day ({MIN_HOURS:.0f} h) is needed")
    if ev.has_any(*DELIVERY_LOGS) and cov.messages < MIN_MESSAGES:
        gaps.append(_outbound_gap(cov))
    for line in ev.sample("filtered_log"):
        gaps.append(f"{Path(line.text).name} looks filtered to successful deliveries only, so failures cannot show in it; "
                    "add the whole log")
    if (cov.messages or cov.failures) and cov.failure_share > MAX_FAILURE_SHARE:
        gaps.append(f"{cov.failure_share:.0%} of outbound deliveries failed or were deferred")
    if cov.burst:
        gaps.append(f"a burst of {cov.burst[1]} delivery failures in the hour from {cov.burst[0].replace('T', ' ')}:00")
    if ev.counts["queue_count_unknown"]:
        gaps.append(f"{ev.counts['queue_count_unknown']} queue(s) show no readable message count: how much mail waits "
                    "there is not known")
    if cov.queued is not None and (cov.queued > QUEUE_NEAR_EMPTY or cov.retry > RETRY_NEAR_EMPTY):
        gaps.append(f"{cov.queued} message(s) wait in the queues ({cov.retry} waiting for a retry)")
    gaps.extend(f"{name} could not be read" for name in unreadable)
    gaps.extend(f"{name} holds no records" for name in empty or [])
    reported = {"queues_long": "you report long queues", "users_get_ndrs": "you report users getting NDRs",
                "ip_listed": "you report the IP on a blocklist"}
    for qid, said in reported.items():
        if answers.get(qid) == "yes":
            gaps.append(f"{said}, which the evidence does not explain")
    if live_incomplete:
        gaps.append("a live check could not be completed")
    return cov


def _outbound_gap(cov: Coverage) -> str:
    """Why the outbound side is not covered: no mail, only local deliveries or filter hand-offs, or too few."""
    inside = []
    if cov.delivered:
        inside.append(f"{cov.delivered} local deliver{'y' if cov.delivered == 1 else 'ies'}")
    if cov.hops:
        inside.append(f"{cov.hops} hand-off(s) to a content filter or another server of ours (not deliveries)")
    if not cov.messages and inside:
        return (f"the logs show {' and '.join(inside)} but no message sent out to a remote host: outbound delivery is "
                "not covered; add a log of a day with outbound mail, or a queue snapshot")
    also = f" (besides {' and '.join(inside)})" if inside else ""
    return (f"only {cov.messages} message(s) were sent out to remote hosts in the logs{also}; at least {MIN_MESSAGES} "
            "are needed")


def rests_on(cov: Coverage) -> str:
    """'26.0 h of delivery logs (27 Nov 2026 06:00 - 28 Nov 2026 08:00), 1,912 messages, 0.3% failures, no failure
    bursts; all queues near empty (3 messages)'."""
    parts = [f"{cov.hours:.1f} h of delivery logs ({_when(cov.first)} \u2013 {_when(cov.last)})",
             f"{cov.messages:,} messages sent out to remote hosts"
             + (f" ({cov.delivered:,} more delivered here)" if cov.delivered else ""),
             f"{cov.failure_share:.1%} failures",
             "no failure bursts" if not cov.burst else f"a burst of {cov.burst[1]} failures"]
    text = ", ".join(parts)
    if cov.queued is None:
        text += "; no queue snapshot was given"
    else:
        text += f"; all queues near empty ({cov.queued} message(s), the biggest {cov.biggest_queue})"
    return text


def warnings_line(notes: list[dict]) -> str:
    """'40 failed logons from 7 internet addresses; 312 messages in the queues' for the headline."""
    return "; ".join(n["title"] for n in notes if n.get("level") == "warning")


def verdict(outcome: str, top_title: str, top_confidence: float, cov: Coverage, findings_below: int,
            answers_only: bool, notes: list[dict] | None = None, unread: int = 0) -> str:
    """The first line: the outcome, what a healthy verdict rests on, and beside a verdict without a cause anything
    noteworthy (40 failed logons from the internet never hide under 'healthy')."""
    warning = warnings_line(notes or [])
    note = f" Note: {warning}; see below." if warning else ""
    if outcome == "cause":  # the cause leads; what else the evidence shows is on the evidence page
        return f"Most likely cause: {top_title} ({round(top_confidence * 100)}%)."
    if outcome == "healthy":
        lead = ("Mail flow healthy, but note: " + warning + "; see below." if warning
                else "Healthy: outbound mail flows and no cause of queue trouble was found.")
        return f"{lead} This rests on {rests_on(cov)}."
    if answers_only:
        files = (f"none of the {unread} evidence file(s) could be read" if unread > 1 else
                 "the evidence file could not be read") if unread else "there are no evidence files"
        lead = (f"Not enough evidence to tell: your answers point to possible causes, but {files}, so nothing confirms "
                "one" if findings_below else f"Not enough evidence to tell: {files}")
    elif findings_below:
        lead = "Not enough evidence to tell: possible causes below need more evidence"
    else:
        lead = "Not enough evidence to tell"
    gaps = "; ".join(cov.gaps[:3])
    return f"{lead}{' (' + gaps + ')' if gaps else ''}.{note} Collect the evidence listed below and run the triage again."

"""What the evidence says, whatever the verdict: failed logons and who tried, relay refusals,
queue state, unknown recipients, NDRs, and the time the logs cover.

Shown in every outcome (a healthy server with 40 failed logons from the internet should
hear about them; a "not enough evidence" verdict should still show what was seen).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sbskit.core.triage.detectors._util import plural, top
from sbskit.core.triage.evidence import Evidence, Line, ip_kind
from sbskit.core.triage.tally import SOURCE_NAMES, covered_hours

MAX_LINES = 6


def _note(kind: str, title: str, lines: list[str], evidence: list[Line], level: str = "info") -> dict:
    return {"kind": kind, "title": title, "level": level, "lines": lines[:MAX_LINES],
            "evidence": [line.as_dict() for line in evidence[:MAX_LINES]]}


def noteworthy(ev: Evidence) -> list[dict]:
    notes = []
    for build in (_failed_logons, _relay_refusals, _queues, _unknown_recipients, _ndrs, _coverage):
        note = build(ev)
        if note:
            notes.append(note)
    return notes


def _failed_logons(ev: Evidence) -> dict | None:
    table = ev.table("auth_fail_by_ip")
    total = sum(s.count for s in table.values())
    if not total:
        return None
    lines = []
    evidence: list[Line] = []
    for ip, stat, n in top(table, lambda s: s.count, k=MAX_LINES):
        tried = sorted(stat.values)
        more = " \u2026" if len(tried) > 4 else ""
        who = f", tried {', '.join(tried[:4])}{more}" if tried else ""
        lines.append(f"{ip}: {plural(n, 'failed logon')}{who}")
        evidence.extend(stat.samples[:1])
    level = "warning" if total >= 10 else "info"
    internet = sum(1 for ip in table if ip_kind(ip) == "public")
    if internet == len(table):
        where = f"{plural(internet, 'internet address', 'internet addresses')} (password guessing?)"
    elif internet:
        where = f"{plural(len(table), 'address', 'addresses')}, {internet} of them on the internet"
    else:
        where = plural(len(table), "address", "addresses")
    return _note("failed_logons", f"{plural(total, 'failed logon')} from {where}", lines, evidence, level)


def _relay_refusals(ev: Evidence) -> dict | None:
    n = ev.counts["relay_refused"]
    if not n:
        return None
    table = ev.table("relay_refused_domain")
    local = ev.local_domains()
    lines = []
    for domain, stat, count in top(table, lambda s: s.count, k=MAX_LINES):
        own = " \u2014 one of our own domains: an accepted domain is missing" if domain in local else ""
        lines.append(f"{domain or '(no domain)'}: {plural(count, 'refusal')} from {plural(stat.distinct(), 'client')}{own}")
    return _note("relay_refused", f"Our server refused to relay {plural(n, 'time')} (relay protection at work)",
                 lines, ev.sample("relay_refused"))


def _queues(ev: Evidence) -> dict | None:
    if not ev.queue_rows and not ev.counts["queued_messages"]:
        if ev.counts["queues"]:  # 'Mail queue is empty': a reading, and worth saying
            return _note("queues", "The queue is empty", ["No message waits in the queue the snapshot shows."], [])
        return None
    total = ev.counts["queued_messages"]
    retry = ev.counts["queue_retry_messages"]
    rows = sorted(ev.queue_rows, key=lambda r: -r.get("count", 0))
    lines = []
    for row in rows[:MAX_LINES]:
        if not row.get("count"):
            continue
        error = f" \u2014 {row['last_error'][:120]}" if row.get("last_error") else ""
        lines.append(f"{row.get('identity') or row.get('next_hop')}: {plural(row['count'], 'message')}, "
                     f"{row.get('status') or '?'}{(' to ' + row['next_hop']) if row.get('next_hop') and row.get('next_hop') != row.get('identity') else ''}{error}")
    oldest, dated = ev.counts["queue_oldest"], ev.counts["queue_dated"]
    if oldest:
        newest = max(ev.counts["queue_newest"], oldest)
        hours = (newest - oldest) / 3600
        when = datetime.fromtimestamp(oldest, timezone.utc).strftime("%Y-%m-%d %H:%M")
        rate = dated / hours if hours else 0.0
        shown = f"{rate:.0f}" if rate >= 1 else f"{rate:.1f}"  # 7 messages in 29.7 h: 'about 0.2', not 'about 0'
        growth = f", about {shown} per hour" if hours >= 0.25 and dated >= 5 else ""
        lines.append(f"The {plural(dated, 'queued message')} arrived over {hours:.1f} h since {when}{growth}")
    level = "warning" if total > 20 or retry > 5 else "info"
    title = f"{plural(total, 'message')} in the queues, {retry} waiting for a retry"
    if ev.counts["queue_count_unknown"]:
        title += f" (and {plural(ev.counts['queue_count_unknown'], 'queue')} with no readable message count)"
    evidence = [Line(r["file"], r["line"], f"{r.get('identity')}: {r.get('count')} {r.get('status')} {r.get('last_error', '')}"[:240])
                for r in rows[:3] if r.get("count")]
    return _note("queues", title, lines, evidence, level)


def _unknown_recipients(ev: Evidence) -> dict | None:
    table = ev.table("not_found_by_source")
    total = sum(s.count for s in table.values())
    if not total:
        return None
    lines = [f"{src}: {plural(stat.distinct(), 'unknown address', 'unknown addresses')}"
             for src, stat, _ in top(table, lambda s: s.distinct(), k=MAX_LINES)]
    return _note("unknown_recipients", f"{plural(total, 'message')} for recipients that do not exist here", lines,
                 [line for _, stat, _ in top(table, lambda s: s.distinct(), k=2) for line in stat.samples[:1]])


def _ndrs(ev: Evidence) -> dict | None:
    n = ev.counts["dsn"] + ev.counts["ndr_sent"]
    if not n:
        return None
    stat = ev.table("ndr_to").get("all")
    domains = stat.distinct() if stat else 0
    to = f", to {plural(domains, 'domain')}" if domains else ""
    return _note("ndrs", f"{plural(n, 'non-delivery report')} generated{to}", [],
                 ev.sample("dsn")[:2] + ev.sample("ndr_sent")[:1])


def _coverage(ev: Evidence) -> dict | None:
    if not ev.spans:
        return None
    lines = []
    for kind, label in (("delivery", "delivery logs (tracking, maillog)"), ("protocol", "SMTP protocol logs")):
        spans = [s for s in ev.spans if s.kind == kind]
        if spans:
            first, last = min(s.first for s in spans), max(s.last for s in spans)
            lines.append(f"{label}: {covered_hours(ev.spans, kind):.1f} h, {first:%Y-%m-%d %H:%M} \u2013 {last:%Y-%m-%d %H:%M}"
                         .replace("2000-", ""))
    sent, delivered = ev.counts["sent"], ev.counts["delivered"]
    hops = ev.counts["filter_hops"] + ev.counts["internal_hops"]
    if sent or delivered or hops:
        lines.append(f"{plural(delivered, 'message')} delivered here, {plural(sent, 'message')} sent out to remote hosts, "
                     f"{plural(ev.counts['delivery_failures'], 'outbound failure')}"
                     + (f", {plural(hops, 'hand-off')} to a content filter or another server of ours (not deliveries)"
                        if hops else ""))
    return _note("coverage", "Time the logs cover", lines, [])


def source_names(sources: set[str]) -> str:
    return ", ".join(sorted(SOURCE_NAMES.get(s, s) for s in sources))

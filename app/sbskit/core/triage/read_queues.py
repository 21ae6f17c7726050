"""Queue snapshots: Get-Queue and Get-Message exports, and Postfix ``postqueue -j``.

A snapshot says what is stuck right now: many small Retry queues to random domains,
null-sender NDRs waiting to go out, authenticated (SCL -1) mail from outside addresses,
and the LastError texts that name configuration problems.
"""

from __future__ import annotations

import csv
import json

from sbskit.core.triage.evidence import Evidence, Line, clip, domain_of, ip_kind, is_null_sender
from sbskit.core.triage.readers_base import NumberedLines, ReadResult, safe_rows
from sbskit.core.triage.sniff import Sniffed, norm
from sbskit.core.triage.textio import TICK_ROWS, Progress, TextSource

SMALL_QUEUE = 5  # messages: backscatter leaves many queues with one or two NDRs each
# reasons that bounces to made-up domains get by nature: in small queues (or from the null sender) they
# are shown but support no cause of ours
BOUNCE_NATURE = frozenset({"recipient_domain", "dns_failure", "connect_failure", "expired", "recipient_unknown"})


def _csv_rows(src: TextSource, result: ReadResult, progress: Progress):
    """(line number, {normalised column: value}) for each data row; skips the #TYPE line."""
    reader = csv.reader(src.lines())
    header: list[str] | None = None
    n = 0
    last_ok = True
    for row in safe_rows(reader, result):
        n += 1
        if not n % TICK_ROWS:
            progress.tick()
        if not row or not any(row):
            continue
        if header is None:
            if row[0].startswith("#TYPE") or row[0].startswith("#"):
                continue
            header = [norm(h) for h in row]
            continue
        if len(row) != len(header):
            result.skip(reader.line_num)
            last_ok = False
            continue
        last_ok = True
        result.records += 1
        yield reader.line_num, dict(zip(header, row))
    result.finish(last_ok, reader.line_num)


def _recipient_domains(value: str) -> set[str]:
    """Domains from a Recipients column; '' when it holds a .NET type name (array not joined)."""
    if not value or "[]" in value or value.startswith(("System.", "Microsoft.")):
        return set()
    parts = value.replace(",", ";").replace(" ", ";").split(";")
    return {domain_of(p.strip("{}")) for p in parts if "@" in p}


def read_get_queue(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    for line, row in _csv_rows(src, result, progress):
        queue_row(ev, label, line, row, "Get-Queue")
    if result.records:
        ev.platforms["exchange"] += result.records
    return result


def queue_row(ev: Evidence, label: str, line: int, row: dict[str, str], source: str) -> None:
    """One Get-Queue row (normalised column names), from a CSV export or a pasted table or list."""
    text = ",".join(f"{k}={v}" for k, v in row.items() if k in ("identity", "deliverytype", "status", "messagecount", "nexthopdomain", "lasterror") and v)
    try:
        count = int((row.get("messagecount", "0") or "0").replace(",", "").replace(".", ""))
    except ValueError:  # a placeholder or a cut cell: how many wait is not known, which is not "none"
        count = 0
        ev.counts["queue_count_unknown"] += 1
    ev.counts["queued_messages"] += count
    ev.counts["queues"] += 1
    delivery = row.get("deliverytype", "")
    status = row.get("status", "")
    domain = row.get("nexthopdomain", "").lower()
    error = row.get("lasterror", "")
    ev.add_queue_row({"identity": row.get("identity", ""), "delivery": delivery, "status": status, "count": count,
                      "next_hop": domain, "last_error": error, "file": label, "line": line, "source": source})
    if status in ("Retry", "Suspended"):
        ev.counts["queue_retry_messages"] += count
    small = delivery.startswith("DnsConnector") and status in ("Retry", "Ready", "Active") and 0 < count <= SMALL_QUEUE
    if small:
        stat = ev.group("small_retry_queue", "all")
        stat.count += 1
        stat.add(domain)
        if stat.want_sample():
            stat.samples.append(Line(label, line, clip(text)))
    if error:
        from sbskit.core.triage.replies import classify

        if error.lstrip().startswith("[{LED="):  # '[{LED=...};{MSG=};{FQDN=...};{IP=...};{LRT=...}]': 2013 or later
            ev.worded_versions["2013+"] += 1

        reply = classify(error)
        counted = not (small and reply is not None and reply.category in BOUNCE_NATURE)
        ev.reply(error, "outbound", "queue", label, line, weight=max(count, 1), subject=domain, shown=text, counted=counted)


def read_get_message(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    for line, row in _csv_rows(src, result, progress):
        message_row(ev, label, line, row)
    if result.records:
        ev.platforms["exchange"] += result.records
    return result


def message_row(ev: Evidence, label: str, line: int, row: dict[str, str]) -> None:
    """One Get-Message row (normalised column names), from a CSV export or a pasted table or list."""
    sender = row.get("fromaddress", "").lower()
    text = ",".join(
        f"{k}={v}" for k, v in row.items()
        if k in ("fromaddress", "status", "scl", "sourceip", "messagesourcename", "recipients", "subject", "lasterror") and v
    )
    rdoms = _recipient_domains(row.get("recipients", ""))
    ev.counts["queued_messages_listed"] += 1
    source_ip = row.get("sourceip", "")
    if is_null_sender(sender) or row.get("messagesourcename", "").upper() == "DSN":
        stat = ev.group("ndr_to", "all")
        stat.count += 1
        for d in rdoms:
            stat.add(d)
        ev.note("dsn", label, line, text)
    elif ip_kind(source_ip) == "public":
        authenticated = row.get("scl", "") == "-1"  # SCL -1: the sender authenticated
        if authenticated:
            stat = ev.group("auth_user", sender)
            if len(stat.ips) < 50:
                stat.ips.add(source_ip)
        else:
            stat = ev.group("anon_accept", source_ip)
        stat.count += 1
        for d in rdoms:
            stat.add(d if authenticated else f"{domain_of(sender)}>{d}")
        if stat.want_sample():
            stat.samples.append(Line(label, line, clip(text)))
    elif ip_kind(source_ip) == "lan" and not ev.is_server(source_ip):
        stat = ev.group("lan_submit", source_ip)
        stat.count += 1
        for d in rdoms:
            stat.add(d)
        if stat.want_sample():
            stat.samples.append(Line(label, line, clip(text)))
    error = row.get("lasterror", "") or row.get("deferreason", "")
    if error:
        ev.reply(error, "outbound", "message", label, line, subject=next(iter(sorted(rdoms)), ""), shown=text)
    received = row.get("datereceived", "")
    if received:
        _arrival(ev, received)


def _arrival(ev: Evidence, text: str) -> None:
    """Earliest and latest arrival of queued messages (epoch seconds): how fast the queue grew."""
    from datetime import timezone

    from sbskit.core.triage.tally import parse_times

    times = parse_times(text)
    if len(times) != 1:
        return  # an ambiguous 03/04 date says nothing reliable about the order
    stamp = int(times[0].replace(tzinfo=timezone.utc).timestamp())
    if not ev.counts["queue_oldest"] or stamp < ev.counts["queue_oldest"]:
        ev.counts["queue_oldest"] = stamp
    ev.counts["queue_newest"] = max(ev.counts["queue_newest"], stamp)
    ev.counts["queue_dated"] += 1


def read_postfix_queue(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    lines = NumberedLines(src, progress)
    destinations = PostfixDestinations()
    for line_no, raw in lines:
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except ValueError:
            result.skip(line_no)
            continue
        if not isinstance(item, dict) or "recipients" not in item:
            result.skip(line_no)
            continue
        result.records += 1
        sender = str(item.get("sender", "")).lower()
        recipients = [r for r in item.get("recipients") or [] if isinstance(r, dict)]
        queue = str(item.get("queue_name", ""))
        try:
            arrival = int(item.get("arrival_time") or 0)
        except (TypeError, ValueError):
            arrival = 0
        rcpts = [(str(r.get("address", "")), str(r.get("delay_reason", "") or "")) for r in recipients]
        # shown as evidence: the reason first, not cut off behind the JSON's other keys
        shown = f"{queue} {item.get('queue_id', '')} from <{sender}>: " + "; ".join(
            f"{address}: {reason}" if reason else address for address, reason in rcpts[:3])
        postfix_message(ev, label, line_no, clip(shown), queue, sender, arrival, rcpts, destinations, "postfix_queue")
    destinations.flush(ev)
    result.finish(lines.ended_cleanly(lambda last: last.strip().endswith("}")), lines.count)
    return result


class PostfixDestinations:
    """Queued Postfix messages summed per recipient domain, so a Postfix queue lists like Get-Queue."""

    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}

    def add(self, domain: str, queue: str, reason: str, label: str, line: int) -> None:
        row = self.rows.get(domain)
        if row is None:
            if len(self.rows) >= 50_000:
                return
            row = self.rows[domain] = {"identity": domain, "delivery": "postfix", "status": queue, "count": 0,
                                       "next_hop": domain, "last_error": "", "file": label, "line": line,
                                       "source": "Postfix queue"}
        row["count"] += 1
        if queue == "deferred":
            row["status"] = "deferred"
        if reason and not row["last_error"]:
            row["last_error"] = reason

    def flush(self, ev: Evidence) -> None:
        for row in sorted(self.rows.values(), key=lambda r: -r["count"])[:60]:
            ev.add_queue_row(row)


def postfix_message(ev: Evidence, label: str, line_no: int, text: str, queue: str, sender: str, arrival: int,
                    recipients: list[tuple[str, str]], destinations: PostfixDestinations, source: str) -> None:
    """One queued Postfix message (from postqueue -j or mailq): queue counts, NDR and sender groups, reasons."""
    from sbskit.core.triage.replies import classify

    rdoms = {domain_of(address) for address, _ in recipients}
    ev.counts["queued_messages"] += 1
    ev.counts[f"postfix_{queue or 'unknown'}"] += 1
    ev.platforms["postfix"] += 1
    if arrival:
        if not ev.counts["queue_oldest"] or arrival < ev.counts["queue_oldest"]:
            ev.counts["queue_oldest"] = arrival
        ev.counts["queue_newest"] = max(ev.counts["queue_newest"], arrival)
        ev.counts["queue_dated"] += 1
    if queue in ("deferred", "hold"):
        ev.counts["queue_retry_messages"] += 1
    bounce = is_null_sender(sender)
    if bounce:
        stat = ev.group("ndr_to", "all")
        stat.count += 1
        for d in rdoms:
            stat.add(d)
        ev.note("dsn", label, line_no, text)
    else:
        stat = ev.group("queued_by_sender", sender)
        stat.count += 1
        for d in rdoms:
            stat.add(d)
        if stat.want_sample():
            stat.samples.append(Line(label, line_no, text))
    for address, reason in recipients:
        domain = domain_of(address)
        destinations.add(domain, queue, reason, label, line_no)
        if reason:
            reply = classify(reason)
            counted = not (bounce and reply is not None and reply.category in BOUNCE_NATURE)
            ev.reply(reason, "outbound", source, label, line_no, subject=domain, shown=text, counted=counted)

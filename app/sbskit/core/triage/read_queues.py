"""Queue snapshots: Get-Queue and Get-Message exports, and Postfix ``postqueue -j``.

A snapshot says what is stuck right now: many small Retry queues to random domains,
null-sender NDRs waiting to go out, authenticated (SCL -1) mail from outside addresses,
and the LastError texts that name configuration problems.
"""

from __future__ import annotations

import csv
import json

from sbskit.core.triage.errtext import classify_error
from sbskit.core.triage.evidence import Evidence, Line, clip, domain_of, ip_kind, is_null_sender
from sbskit.core.triage.readers_base import NumberedLines, ReadResult, safe_rows
from sbskit.core.triage.sniff import Sniffed, norm
from sbskit.core.triage.textio import TICK_ROWS, Progress, TextSource

SMALL_QUEUE = 5  # messages: backscatter leaves many queues with one or two NDRs each


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
    return {domain_of(p) for p in parts if "@" in p}


def read_get_queue(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    for line, row in _csv_rows(src, result, progress):
        text = ",".join(f"{k}={v}" for k, v in row.items() if k in ("identity", "deliverytype", "status", "messagecount", "nexthopdomain", "lasterror") and v)
        try:
            count = int(row.get("messagecount", "0") or 0)
        except ValueError:
            count = 0
        ev.counts["queued_messages"] += count
        ev.counts["queues"] += 1
        delivery = row.get("deliverytype", "")
        status = row.get("status", "")
        domain = row.get("nexthopdomain", "").lower()
        if status in ("Retry", "Suspended"):
            ev.note("queue_retry", label, line, text)
        if delivery == "DnsConnectorDelivery" and status in ("Retry", "Ready", "Active") and 0 < count <= SMALL_QUEUE:
            stat = ev.group("small_retry_queue", "all")
            stat.count += 1
            stat.add(domain)
            if stat.want_sample():
                stat.samples.append(Line(label, line, clip(text)))
        if delivery == "DnsConnectorDelivery" and count > 0:
            ev.note("queue_external", label, line, n=count)
        error = row.get("lasterror", "")
        category = classify_error(error)
        if category:
            if category.startswith("cfg:") and delivery == "DnsConnectorDelivery" and 0 < count <= SMALL_QUEUE:
                # bounces to made-up domains fail DNS by nature: not a configuration error of ours
                category = "small_queue_error"
            ev.note(category, label, line, text)
    return result


def read_get_message(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    for line, row in _csv_rows(src, result, progress):
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
        category = classify_error(row.get("lasterror", ""))
        if category:
            ev.note(category, label, line, text)
    return result


def read_postfix_queue(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    lines = NumberedLines(src, progress)
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
        rdoms = {domain_of(str(r.get("address", ""))) for r in recipients}
        queue = str(item.get("queue_name", ""))
        ev.counts["queued_messages"] += 1
        text = clip(raw.strip())
        if queue in ("deferred", "hold"):
            ev.note("queue_retry", label, line_no, text)
        if is_null_sender(sender):
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
        for r in recipients:
            category = classify_error(str(r.get("delay_reason", "")))
            if category:
                if category.startswith("cfg:") and is_null_sender(sender):
                    category = "small_queue_error"  # bounces to forged senders fail by nature
                ev.note(category, label, line_no, text)
                break
    result.finish(lines.ended_cleanly(lambda last: last.strip().endswith("}")), lines.count)
    return result

"""Exchange 2003 (SBS 2003) message tracking logs: tab-separated, numeric event ids.

One line per recipient and event. The event ids used here: 1019 (SMTP submit to the
queue: the message arrived), 1028 (delivered to a local mailbox), 1030 (NDR generated for
all recipients), 1031 (handed to a remote server).
"""

from __future__ import annotations

from sbskit.core.triage.evidence import Evidence, Line, clip, domain_of, ip_kind, is_null_sender
from sbskit.core.triage.readers_base import NumberedLines, ReadResult, column_map
from sbskit.core.triage.sniff import Sniffed, norm
from sbskit.core.triage.tally import TimeMarks
from sbskit.core.triage.textio import Progress, TextSource

ALIASES = {
    "date": ("date",),
    "time": ("time",),
    "client_ip": ("clientip",),
    "server_ip": ("serverip",),
    "recipient": ("recipientaddress",),
    "event": ("eventid",),
    "msgid": ("msgid",),
    "sender": ("senderaddress",),
}
RECEIVED, LOCAL_DELIVERY, NDR_ALL, SENT_OUT = "1019", "1028", "1030", "1031"


def read_ex2003(src: TextSource, info: Sniffed, ev: Evidence, progress: Progress, label: str) -> ReadResult:
    result = ReadResult()
    cols: dict[str, int] | None = None
    width = 0
    msgid_ip: dict[str, str] = {}
    first_time = last_time = ""
    marks = TimeMarks(13)  # '2026-11-27 6:' (an hour: the fields are not zero-padded) - holes of 2 h still show
    lines = NumberedLines(src, progress)
    for line_no, raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("#") and "\t" not in line:
            if "Version" in line and not info.version:
                info.version = line.rsplit("Version", 1)[-1].strip()
            continue
        parts = line.split("\t")
        if cols is None:
            names = [norm(p.lstrip("#")) for p in parts]
            if "eventid" in names:
                cols = column_map(names, ALIASES)
                width = max(cols.values()) + 1
                if any(k not in cols for k in ("event", "recipient", "sender")):
                    result.problems.append("the header lacks the Event-ID, Recipient-Address or Sender-Address column")
                    return result
            else:
                result.skip(line_no)
            continue
        if len(parts) < width:
            result.skip(line_no)
            continue
        result.records += 1
        if "date" in cols and "time" in cols:  # '2026-11-27' and '6:0:1 GMT'
            last_time = f"{parts[cols['date']].strip()} {parts[cols['time']].replace('GMT', '').strip()}"
            first_time = first_time or last_time
            marks.add(last_time)
        event = parts[cols["event"]].strip()
        rcpt = parts[cols["recipient"]].strip().lower()
        sender = parts[cols["sender"]].strip().lower()
        if event == LOCAL_DELIVERY:
            ev.vote_local(domain_of(rcpt))
            ev.counts["delivered"] += 1
        elif event == SENT_OUT:
            ev.counts["sent"] += 1
        elif event == RECEIVED:
            cip = parts[cols["client_ip"]].strip() if "client_ip" in cols else ""
            if "msgid" in cols:
                if len(msgid_ip) > 200_000:
                    msgid_ip.clear()
                msgid_ip[parts[cols["msgid"]]] = cip
            if ip_kind(cip) == "public":
                stat = ev.group("sender_from_internet_2003", sender)
                stat.count += 1
                stat.add(domain_of(rcpt))
                if len(stat.ips) < 50:
                    stat.ips.add(cip)
                if stat.want_sample():
                    stat.samples.append(Line(label, line_no, clip(line)))
            if "server_ip" in cols and len(ev.seen_server_ips) < 50:
                sip = parts[cols["server_ip"]].strip()
                if ip_kind(sip) in ("lan", "public"):
                    ev.seen_server_ips[sip] += 1
        elif event == NDR_ALL:
            if not is_null_sender(sender):
                stat = ev.group("ndr_to", "all")
                stat.count += 1
                stat.add(domain_of(sender))
            ev.note("dsn", label, line_no, line)
            source = msgid_ip.get(parts[cols["msgid"]], "") if "msgid" in cols else ""
            stat = ev.group("ndr2003_by_source", source or f"sender {sender}")
            stat.count += 1
            stat.add(rcpt)
            if stat.want_sample():
                stat.samples.append(Line(label, line_no, clip(line)))
    if cols is None:
        result.problems.append("no column header with Event-ID found")
        return result
    if first_time:
        ev.add_span("delivery", label, first_time, last_time, marks.values())
    ev.platforms["exchange"] += result.records
    result.finish(lines.ended_cleanly(lambda last: len(last.split("\t")) >= width), lines.count)
    return result

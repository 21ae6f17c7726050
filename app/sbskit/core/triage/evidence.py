"""What the readers extract from the files: compact counters, not the records themselves.

A million tracking-log lines must fit in bounded memory, so each reader keeps only what
the detectors ask for: counts per signal, a few sample lines per signal (file and line
number, shown to the admin as proof), and grouped distinct values (recipients per source
IP, external domains per account) with hard caps. Detectors read this object after the
import; they never see raw lines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sbskit.core import netclass
from sbskit.core.triage.lines import TEXT_LIMIT, Line, clip  # noqa: F401 - re-exported: readers import them from here
from sbskit.core.triage.tally import MAX_QUEUE_ROWS, ReplyTally, make_span

MAX_SAMPLES = 6  # evidence lines kept per signal
MAX_GROUP_SAMPLES = 3
MAX_DISTINCT = 5000  # distinct values kept per group key
MAX_GROUP_KEYS = 100_000  # keys per group (senders, IPs); further keys are counted only
VALUE_BUDGET = 2_000_000  # distinct values stored over all groups of one analysis
SAMPLE_BUDGET = 20_000  # evidence lines stored over all groups of one analysis


class GroupStat:
    """Per-key statistics of a group: a count, capped distinct values, IPs, samples.

    ``budget`` is shared by all keys of one analysis: [distinct values left, samples left],
    so millions of keys cannot each keep their own few values and lines.
    """

    __slots__ = ("count", "values", "ips", "samples", "values_overflow", "budget")

    def __init__(self, budget: list[int] | None = None) -> None:
        self.count = 0
        self.values: set[str] = set()
        self.ips: set[str] = set()
        self.samples: list[Line] = []
        self.values_overflow = 0
        self.budget = budget if budget is not None else [MAX_DISTINCT, MAX_GROUP_SAMPLES]

    def add(self, value: str) -> None:
        if value in self.values:
            return
        budget = self.budget
        if len(self.values) < MAX_DISTINCT and budget[0] > 0:
            self.values.add(value)
            budget[0] -= 1
        else:
            self.values_overflow += 1

    def distinct(self) -> int:
        return len(self.values) + self.values_overflow

    def want_sample(self) -> bool:
        if len(self.samples) < MAX_GROUP_SAMPLES and self.budget[1] > 0:
            self.budget[1] -= 1
            return True
        return False


class _Overflow(GroupStat):
    """Stands in for keys beyond MAX_GROUP_KEYS: counts nothing, keeps nothing."""

    def add(self, value: str) -> None:
        return None

    def want_sample(self) -> bool:
        return False


_OVERFLOW = _Overflow()

_IP_KIND: dict[str, str] = {}


def ip_kind(text: str) -> str:
    """'lan' (RFC 1918, link-local, CGNAT, ULA), 'loopback', 'public', 'reserved' (benchmarking, future use ...)
    or '' (not an address, or multicast/unspecified): ``core/netclass.py``'s classes, cached.

    The documentation ranges (203.0.113.0/24 ...) count as public: for a mail log those are
    outside hosts (anonymised evidence and examples use them).
    """
    kind = _IP_KIND.get(text)
    if kind is not None:
        return kind
    try:
        category = netclass.classify(text).category
    except ValueError:
        category = ""
    kind = _KIND_OF_CLASS.get(category, "")
    if len(_IP_KIND) > 200_000:
        _IP_KIND.clear()
    _IP_KIND[text] = kind
    return kind


_KIND_OF_CLASS = {netclass.PUBLIC: "public", netclass.DOCUMENTATION: "public", netclass.LOOPBACK: "loopback",
                  netclass.RESERVED: "reserved", **{c: "lan" for c in netclass.LAN}}


def split_endpoint(endpoint: str) -> str:
    """'203.0.113.5:25' or '[2001:db8::1]:25' -> the address part."""
    endpoint = endpoint.strip()
    if endpoint.startswith("["):
        return endpoint[1 : endpoint.find("]")] if "]" in endpoint else endpoint.strip("[")
    if endpoint.count(":") == 1:
        return endpoint.rsplit(":", 1)[0]
    return endpoint


def domain_of(address: str) -> str:
    """Lower-case domain of an e-mail address ('' when there is none)."""
    at = address.rfind("@")
    if at < 0:
        return ""
    return address[at + 1 :].strip().strip(">").strip().lower()


def bare_address(text: str) -> str:
    """'FROM:<a@b.c> SIZE=12' or '<a@b.c>' -> 'a@b.c'; '<>' -> ''."""
    start = text.find("<")
    if start >= 0:
        end = text.find(">", start)
        return text[start + 1 : end if end > 0 else None].strip()
    text = text.split(":", 1)[1] if ":" in text else text
    return text.strip().split(" ")[0]


SYSTEM_SENDER_PREFIXES = ("postmaster@", "mailer-daemon@", "microsoftexchange329e71ec88ae4615bbc36ab6ce41109e@")


def is_null_sender(address: str) -> bool:
    a = address.strip().lower()
    return a in ("", "<>", "mailer-daemon", "postmaster") or a.startswith(SYSTEM_SENDER_PREFIXES)


@dataclass
class Evidence:
    """Everything the detectors need, gathered over all files of one analysis."""

    server_ips: set[str] = field(default_factory=set)
    declared_local: set[str] = field(default_factory=set)
    local_votes: Counter = field(default_factory=Counter)
    versions: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)  # format -> records read
    counts: Counter = field(default_factory=Counter)  # signal -> occurrences
    samples: dict[str, list[Line]] = field(default_factory=dict)
    groups: dict[str, dict[str, GroupStat]] = field(default_factory=dict)
    seen_server_ips: Counter = field(default_factory=Counter)  # local addresses the logs show
    budget: list[int] = field(default_factory=lambda: [VALUE_BUDGET, SAMPLE_BUDGET])
    replies: ReplyTally = field(default_factory=ReplyTally)  # grouped reasons (tally.py)
    spans: list = field(default_factory=list)  # tally.Span per log file: the time it covers
    queue_rows: list[dict] = field(default_factory=list)  # the biggest queues of the snapshots
    fail_hours: Counter = field(default_factory=Counter)  # delivery failures per hour ("2026-11-27T06")
    server_names: Counter = field(default_factory=Counter)  # our server's FQDN from banners and headers
    platforms: Counter = field(default_factory=Counter)  # "exchange" / "postfix" -> records read
    file_platforms: dict[str, str] = field(default_factory=dict)  # file -> "exchange" / "postfix" it came from

    def note(self, signal: str, file: str, line: int, text: str | None = None, n: int = 1) -> None:
        """Count ``signal`` and keep the line as evidence while fewer than MAX_SAMPLES are kept."""
        self.counts[signal] += n
        if text is None:
            return
        kept = self.samples.get(signal)
        if kept is None:
            kept = self.samples[signal] = []
        if len(kept) < MAX_SAMPLES:
            kept.append(Line(file, line, clip(text)))

    def wants(self, signal: str) -> bool:
        """True while ``signal`` keeps more evidence lines (build the text only then)."""
        kept = self.samples.get(signal)
        return kept is None or len(kept) < MAX_SAMPLES

    def group(self, name: str, key: str) -> GroupStat:
        table = self.groups.get(name)
        if table is None:
            table = self.groups[name] = {}
        stat = table.get(key)
        if stat is None:
            if len(table) >= MAX_GROUP_KEYS:
                self.counts[f"{name}:overflow"] += 1
                return _OVERFLOW
            stat = table[key] = GroupStat(self.budget)
        return stat

    def table(self, name: str) -> dict[str, GroupStat]:
        return self.groups.get(name, {})

    def vote_local(self, domain: str) -> None:
        if domain:
            self.local_votes[domain] += 1

    def local_domains(self) -> set[str]:
        return set(self.declared_local) | {d for d, n in self.local_votes.items() if n >= 1}

    def is_server(self, ip: str) -> bool:
        return ip in self.server_ips or ip in self.seen_server_ips

    def has_any(self, *formats: str) -> bool:
        return any(self.formats.get(f, 0) > 0 for f in formats)

    def sample(self, signal: str) -> list[Line]:
        return list(self.samples.get(signal, []))

    def reply(self, text: str, direction: str, source: str, label: str, line: int, weight: int = 1,
              subject: str = "", shown: str | None = None, counted: bool = True):
        """Classify, group and count one reason text (see tally.ReplyTally.add)."""
        return self.replies.add(text, direction, source, label, line, weight, subject, shown, counted)

    def add_span(self, kind: str, file: str, first_text: str, last_text: str, marks=()) -> None:
        span = make_span(kind, file, first_text, last_text, marks)
        if span is not None:
            self.spans.append(span)

    def add_queue_row(self, row: dict) -> None:
        """Keep the biggest queues (by message count) of the snapshots, bounded."""
        self.queue_rows.append(row)
        if len(self.queue_rows) > 2 * MAX_QUEUE_ROWS:
            self.queue_rows.sort(key=lambda r: -r.get("count", 0))
            del self.queue_rows[MAX_QUEUE_ROWS:]

"""Grouped replies, covered time spans and queue rows: what the evidence says, kept compact.

Readers hand every reason text to :meth:`ReplyTally.add` (classified once per distinct
text, grouped by code and text with the variable parts blanked, weighted by the messages
it holds up), report the first and last timestamp of each log (:class:`Span`), and list
queue rows. The detectors, the "What the evidence says" panel and the healthy verdict
read these; nothing here keeps whole files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sbskit.core.triage.lines import Line, clip
from sbskit.core.triage.replies import Reply, category_label, classify

MAX_GROUPS = 400  # distinct reply groups kept; further ones are counted as "other"
MAX_SUBJECTS = 12
MAX_QUEUE_ROWS = 60

SOURCE_NAMES = {
    "queue": "Get-Queue LastError",
    "message": "Get-Message LastError",
    "tracking": "tracking log",
    "send": "send protocol log",
    "receive": "receive protocol log",
    "postfix_queue": "Postfix queue",
    "maillog": "Postfix maillog",
    "ndr": "non-delivery report",
    "pasted": "pasted reply",
}


SOURCE_PLATFORM = {"queue": "exchange", "message": "exchange", "tracking": "exchange", "send": "exchange",
                   "receive": "exchange", "postfix_queue": "postfix", "maillog": "postfix"}


@dataclass
class ReplyGroup:
    """All occurrences of one reply (same code and text pattern, same direction)."""

    reply: Reply
    direction: str  # "outbound": a server answered about our mail; "inbound": our server answered a client
    count: int = 0  # messages or recipients held up (a queue row counts its MessageCount)
    occurrences: int = 0  # lines or rows
    aside: int = 0  # part of count that supports no cause (bounces stuck in small queues to made-up domains)
    sources: set[str] = field(default_factory=set)
    samples: list[Line] = field(default_factory=list)
    subjects: set[str] = field(default_factory=set)  # destinations, next hops or clients
    example: str = ""  # the reason as first seen, normalised

    @property
    def cause(self) -> str | None:
        return self.reply.cause(self.direction)

    @property
    def platform(self) -> str:
        """'postfix' or 'exchange' when the sources say which mail system logged the reply, else ''."""
        kinds = {SOURCE_PLATFORM.get(s, "") for s in self.sources} - {""}
        return kinds.pop() if len(kinds) == 1 else ""

    def as_dict(self, platform: str = "") -> dict:
        """``platform``: the mail system of the evidence as a whole, for replies whose source does not say."""
        p = self.reply.pattern
        return {
            "code": self.reply.code,
            "text": clip(self.example or self.reply.text),
            "count": self.count,
            "occurrences": self.occurrences,
            "direction": self.direction,
            "sources": sorted(SOURCE_NAMES.get(s, s) for s in self.sources),
            "category": self.reply.category,
            "category_label": category_label(self.reply.category),
            "pattern": p.id if p else None,
            "title": p.title if p else "Unknown reply",
            "meaning": self.reply.meaning(self.direction),
            "cause": self.cause,
            "fix": self.reply.fix(self.direction, self.platform or platform),
            "platform": self.platform or platform,
            "list": p.lists if p else "",
            "mail_dns_check": bool(p and p.mail_dns_check and self.direction == "outbound"),
            "subjects": sorted(self.subjects)[:MAX_SUBJECTS],
            "evidence": [line.as_dict() for line in self.samples],
            "aside": self.aside,
        }


class ReplyTally:
    """Reply groups keyed by direction and grouping key, with weighted counts per (direction, category, cause)."""

    def __init__(self) -> None:
        self.groups: dict[str, ReplyGroup] = {}
        self.other = 0  # weight of replies beyond MAX_GROUPS
        self.by_category: dict[tuple[str, str], int] = {}
        self._known: dict[tuple[str, str], tuple[ReplyGroup, tuple[str, str]]] = {}  # (direction, text) -> group

    def add(self, text: str, direction: str, source: str, label: str, line: int, weight: int = 1,
            subject: str = "", shown=None, counted: bool = True) -> Reply | None:
        """Classify and count one reason; ``shown`` is the evidence text, a CSV row or a function making
        it (joined or called only while the group keeps samples); default: the reason itself.

        The same text seen again (a tracking log repeats one reason thousands of times) goes
        straight to its group: one dictionary lookup, no classifying, no key building."""
        known = self._known.get((direction, text))
        if known is None:
            reply = classify(text)
            if reply is None:
                return None
            key = direction + "|" + reply.key
            group = self.groups.get(key)
            if group is None:
                if len(self.groups) >= MAX_GROUPS:
                    self.other += weight
                    return reply
                group = self.groups[key] = ReplyGroup(reply, direction, example=reply.text)
            known = (group, (direction, reply.category))
            if len(self._known) < 50_000:
                self._known[(direction, text)] = known
        group, cat = known
        weight = max(int(weight), 1)
        group.count += weight
        group.occurrences += 1
        if not counted:
            group.aside += weight
        else:
            self.by_category[cat] = self.by_category.get(cat, 0) + weight
        if source not in group.sources:
            group.sources.add(source)
        if subject and len(group.subjects) < MAX_SUBJECTS:
            group.subjects.add(subject)
        if len(group.samples) < 3:
            if callable(shown):
                shown = shown()
            elif isinstance(shown, list):  # a CSV row: joined only when kept
                shown = ",".join(shown)
            group.samples.append(Line(label, line, clip(shown if shown is not None else text)))
        return group.reply

    def weight(self, direction: str, *categories: str) -> int:
        return sum(self.by_category.get((direction, c), 0) for c in categories)

    def supporting(self, cause: str, direction: str = "outbound") -> list[ReplyGroup]:
        """Groups whose reply supports ``cause`` (counted part only), biggest first."""
        found = [g for g in self.groups.values() if g.direction == direction and g.cause == cause and g.count > g.aside]
        found.sort(key=lambda g: (-(g.count - g.aside), g.reply.key))
        return found

    def ordered(self) -> list[ReplyGroup]:
        """Every group, most messages first (outbound before inbound at equal counts)."""
        return sorted(self.groups.values(), key=lambda g: (-g.count, g.direction != "outbound", g.reply.key))


# --- time spans ---------------------------------------------------------------------------------------------------
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
# syslog and journalctl print the month in the server's locale: the ASCII German, Dutch, Spanish, Italian ones too
_MONTHS.update({"mai": 5, "okt": 10, "dez": 12, "mei": 5, "ene": 1, "abr": 4, "ago": 8, "dic": 12, "gen": 1, "mag": 5,
                "giu": 6, "lug": 7, "set": 9, "ott": 10})
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_LOOSE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{1,2}):(\d{1,2})")  # Exchange 2003: 6:0:1
_SYSLOG = re.compile(r"^([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})")


def _naive(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc).replace(tzinfo=None) if dt.tzinfo else dt


def parse_times(text: str) -> list[datetime]:
    """Every reading of a log timestamp: ISO 8601, '11/27/2026 6:00:01 AM' (US or day-first: both
    readings when both fit), '27.11.2026 06:00:01', a 2003 'date time' pair, syslog 'Nov 27 06:00:01'
    (year 2000 as placeholder). Naive UTC-ish datetimes; [] when nothing fits."""
    text = (text or "").strip().strip('"')
    if not text:
        return []
    try:
        return [_naive(datetime.fromisoformat(text.replace("Z", "+00:00")))]
    except ValueError:
        pass
    m = _LOOSE_ISO.match(text)
    if m:
        try:
            return [datetime(*(int(x) for x in m.groups()))]
        except ValueError:
            return []
    m = _SLASH.match(text)
    if m:
        a, b, year, hour, minute, sec, half = m.groups()
        hour = int(hour) % 12 + (12 if half and half.lower() == "pm" else 0) if half else int(hour)
        out = []
        for month, day in ((int(a), int(b)), (int(b), int(a))):
            try:
                out.append(datetime(int(year), month, day, hour, int(minute), int(sec or 0)))
            except ValueError:
                continue
        return list(dict.fromkeys(out))
    m = _DOTTED.match(text)
    if m:
        day, month, year, hour, minute, sec = m.groups()
        try:
            return [datetime(int(year), int(month), int(day), int(hour), int(minute), int(sec or 0))]
        except ValueError:
            return []
    m = _SYSLOG.match(text)
    if m and m.group(1).lower() in _MONTHS:
        try:
            return [datetime(2000, _MONTHS[m.group(1).lower()], int(m.group(2)), int(m.group(3)), int(m.group(4)),
                             int(m.group(5)))]
        except ValueError:
            return []
    return []


def with_year(text: str, year: int) -> str:
    """'Mar  3 10:00:00' -> '2024-03-03T10:00:00' (a syslog time read in a given year); other texts unchanged."""
    m = _SYSLOG.match(text or "")
    if not m or m.group(1).lower() not in _MONTHS:
        return text
    month, day = _MONTHS[m.group(1).lower()], int(m.group(2))
    return f"{year:04d}-{month:02d}-{day:02d}T{int(m.group(3)):02d}:{m.group(4)}:{m.group(5)}"


GAP_HOURS = 2.0  # a stretch without any line longer than this is a hole in the log, not coverage
MAX_MARKS = 100_000  # time marks kept per log file (one per 10 minutes that has lines)


@dataclass
class Span:
    """The time one log file covers: first and last moment, and the stretches that have lines.

    ``pieces`` are the runs of lines with no hole longer than GAP_HOURS between them: two
    excerpts pasted into one file (08:00-08:09 and 17:30-17:44) cover 0.4 h, not 9.7 h."""

    kind: str  # "delivery" (tracking, maillog), "protocol", "queue"
    file: str
    first: datetime
    last: datetime
    pieces: list[tuple[datetime, datetime]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.pieces:
            self.pieces = [(self.first, self.last)]

    @property
    def hours(self) -> float:
        return sum(((b - a) for a, b in self.pieces), timedelta()) / timedelta(hours=1)

    @property
    def largest_gap(self) -> float:
        """Hours of the longest hole between two pieces (0 when the lines run without one)."""
        gaps = [(self.pieces[i + 1][0] - self.pieces[i][1]) / timedelta(hours=1) for i in range(len(self.pieces) - 1)]
        return max(gaps, default=0.0)


def _readings(text: str, first: datetime, last: datetime, order: int) -> datetime | None:
    """The reading of a mark inside [first, last], day/month order as the first line was read."""
    found = parse_times(text)
    if len(found) > 1 and 0 <= order < len(found):
        found = [found[order]] + found[:order] + found[order + 1:]
    for t in found:
        if t.year == 2000 and t < first:  # syslog: no year, the log ran over New Year
            t = t.replace(year=2001)
        if first <= t <= last:
            return t
    return None


def make_span(kind: str, file: str, first_text: str, last_text: str, marks=()) -> Span | None:
    """The span between two timestamps; with ambiguous dates the shortest non-negative reading
    (never overstate how much a log covers). Syslog times without a year may wrap at New Year.
    ``marks``: timestamps seen along the way (one per 10 minutes with lines); holes between them
    longer than GAP_HOURS are cut out of the coverage."""
    firsts, lasts = parse_times(first_text), parse_times(last_text)
    best: Span | None = None
    order = 0
    for index, f in enumerate(firsts):
        for l in lasts:
            if f.year == 2000 and l < f:  # syslog: no year, the log ran over New Year
                l = l.replace(year=2001)
            if l < f:
                continue
            if best is None or (l - f) < (best.last - best.first):
                best, order = Span(kind, file, f, l), index
    if best is None or not marks:
        return best
    times = sorted({t for t in (_readings(m, best.first, best.last, order) for m in marks) if t is not None}
                   | {best.first, best.last})
    pieces: list[tuple[datetime, datetime]] = []
    start = previous = times[0]
    hole = timedelta(hours=GAP_HOURS)
    for t in times[1:]:
        if t - previous > hole:
            pieces.append((start, previous))
            start = t
        previous = t
    pieces.append((start, previous))
    best.pieces = pieces
    return best


def covered_hours(spans: list[Span], kind: str = "delivery") -> float:
    """Hours covered by the union of the spans' pieces of one kind (overlapping files count once)."""
    parts = sorted(piece for s in spans if s.kind == kind for piece in s.pieces)
    total = timedelta()
    current: list[datetime] | None = None
    for first, last in parts:
        if current is None or first > current[1]:
            if current is not None:
                total += current[1] - current[0]
            current = [first, last]
        else:
            current[1] = max(current[1], last)
    if current is not None:
        total += current[1] - current[0]
    return total / timedelta(hours=1)


def largest_gap(spans: list[Span], kind: str = "delivery") -> float:
    """The longest hole (hours) inside any one log of this kind."""
    return max((s.largest_gap for s in spans if s.kind == kind), default=0.0)


class TimeMarks:
    """The first and last timestamp of every 10 minutes that have lines (texts, parsed at the end):
    what make_span needs to find holes, at the cost of a slice and a comparison per line."""

    __slots__ = ("width", "last", "previous", "texts")

    def __init__(self, width: int = 15) -> None:
        self.width = width  # '2026-11-27T06:1' (ISO) or 'Nov 27 06:1' (syslog, width 11)
        self.last = ""
        self.previous = ""  # the line before: the last one of its 10 minutes, where a hole starts
        self.texts: list[str] = []

    def add(self, text: str) -> None:
        key = text[: self.width]
        if key != self.last:
            self.last = key
            if len(self.texts) < MAX_MARKS:
                self.texts.append(self.previous)
                self.texts.append(text)
        self.previous = text

    def values(self):
        return [t for t in self.texts if t] + ([self.previous] if self.previous else [])

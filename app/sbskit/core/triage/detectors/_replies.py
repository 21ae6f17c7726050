"""What the detectors share about grouped replies: weights, facts and evidence lines."""

from __future__ import annotations

from sbskit.core.triage.detectors._util import plural
from sbskit.core.triage.evidence import Line
from sbskit.core.triage.tally import SOURCE_NAMES, ReplyGroup


def counted(group: ReplyGroup) -> int:
    return group.count - group.aside


def describe(group: ReplyGroup) -> str:
    """'312 messages: 535 5.7.8 smart host refuses the logon (Get-Queue LastError, next hop smtp.isp.example)'."""
    where = ", ".join(sorted(SOURCE_NAMES.get(s, s) for s in group.sources))
    subjects = sorted(group.subjects)
    more = " \u2026" if len(subjects) > 3 else ""
    hops = f"; {', '.join(subjects[:3])}{more}" if subjects else ""
    title = group.reply.pattern.title if group.reply.pattern else "unknown reply"
    return f"{plural(counted(group), 'message')}: {group.reply.code} {title} ({where}{hops})"


def evidence_of(groups: list[ReplyGroup], limit: int = 8) -> list[Line]:
    lines: list[Line] = []
    for group in groups:
        for line in group.samples[:2]:
            if len(lines) < limit:
                lines.append(line)
    return lines


def kinds_of(groups: list[ReplyGroup]) -> list[str]:
    return sorted({g.reply.category for g in groups})

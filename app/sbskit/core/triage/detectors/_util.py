"""Small helpers the detectors share."""

from __future__ import annotations

from sbskit.core.triage.evidence import GroupStat, Line


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def top(table: dict[str, GroupStat], score, k: int = 5) -> list[tuple[str, GroupStat, int]]:
    """The k keys with the highest ``score(stat)``, as (key, stat, score), best first."""
    scored = [(key, stat, score(stat)) for key, stat in table.items()]
    scored = [item for item in scored if item[2] > 0]
    scored.sort(key=lambda item: (-item[2], item[0]))
    return scored[:k]


def samples_of(items, limit: int = 6) -> list[Line]:
    lines: list[Line] = []
    for _, stat, _ in items:
        for line in stat.samples:
            if len(lines) >= limit:
                return lines
            lines.append(line)
    return lines

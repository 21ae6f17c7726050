"""What every reader returns, and the small helpers they share."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import Iterator

from sbskit.core.triage.sniff import Sniffed, norm
from sbskit.core.triage.textio import TICK_ROWS, Progress, TextSource


@dataclass
class ReadResult:
    records: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    first_skipped: int = 0  # line number of the first skipped line, for the message

    def skip(self, line: int) -> None:
        self.skipped += 1
        if not self.first_skipped:
            self.first_skipped = line

    def finish(self, ended_cleanly: bool, last_line: int) -> None:
        """Add the summary problems: skipped lines, a cut-off last line, no records."""
        if not ended_cleanly:
            self.problems.append(f"the last line ({last_line}) is cut off: the file looks truncated")
        if self.skipped:
            self.problems.append(
                f"{self.skipped} line(s) could not be read (first at line {self.first_skipped}) and were skipped"
            )
        if self.records == 0:
            self.problems.append("no records: only the header lines (the day had no mail, or the copy is cut)")


def column_map(names: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """{our name: column index} for every alias found among the normalised ``names``."""
    found: dict[str, int] = {}
    for ours, candidates in aliases.items():
        for candidate in candidates:
            if candidate in names:
                found[ours] = names.index(candidate)
                break
    return found


def safe_rows(reader, result: ReadResult):
    """Rows of a csv.reader; a row csv cannot parse (a huge field, a stray NUL) is skipped."""
    while True:
        try:
            for row in reader:
                yield row
            return
        except csv.Error:
            result.skip(reader.line_num)


def fields_header(reader, rows, info: Sniffed, result: ReadResult, aliases: dict[str, tuple[str, ...]],
                  first_row_names: bool = False, default_names: list[str] | None = None):
    """Consume the '#' header lines of a W3C-style CSV log (Exchange tracking, receive and send logs).

    Returns (column map from '#Fields:' or None, first data row or None); '#Version:' fills
    ``info.version``. With ``first_row_names`` (a cmdlet's CSV export) the first plain row
    names the columns when no '#Fields:' line came before it; with ``default_names`` (a log
    pasted without its header lines) those name the columns. Other data rows before any column
    names are skipped.
    """
    cols: dict[str, int] | None = None
    for row in rows:
        if not row or not any(row):
            continue
        first = row[0]
        if first.startswith("#"):
            if first.startswith("#Fields:"):
                names = [norm(first.split(":", 1)[1])] + [norm(c) for c in row[1:]]
                cols = column_map(names, aliases)
            elif first.startswith("#Version:") and not info.version:
                info.version = first.split(":", 1)[1].strip()
            continue
        if cols is None and first_row_names:
            cols = column_map([norm(c) for c in row], aliases)
            continue
        if cols is None and default_names:
            cols = column_map([norm(c) for c in default_names], aliases)
        if cols is None:
            result.skip(reader.line_num)
            continue
        return cols, row
    return cols, None


class NumberedLines:
    """The raw lines of a text source numbered from 1, with a progress tick (and cancel check)
    every TICK_ROWS lines: the loop every line-based reader starts with.

    After the loop, ``count`` is the number of lines read and ``last`` the last raw line
    (with its line break, if it had one), from which a reader tells a cut-off end.
    """

    __slots__ = ("_src", "_progress", "count", "last")

    def __init__(self, src: TextSource, progress: Progress) -> None:
        self._src = src
        self._progress = progress
        self.count = 0
        self.last = ""

    def __iter__(self) -> Iterator[tuple[int, str]]:
        tick = self._progress.tick
        line_no = 0
        raw = ""
        try:
            for raw in self._src.lines():
                line_no += 1
                if not line_no % TICK_ROWS:
                    tick()
                yield line_no, raw
        finally:  # once, not per line: this loop runs for every line of every log
            self.count = line_no
            self.last = raw

    def ended_cleanly(self, complete_line) -> bool:
        """True for an empty file, a last line with its line break, or ``complete_line(last)``."""
        last = self.last
        return not last or last.endswith("\n") or complete_line(last)

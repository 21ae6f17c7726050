"""What every reader returns, and the small helpers they share."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field


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
            self.problems.append("no records: the file holds only headers")


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

"""One piece of evidence: a line of a file, shown to the admin as proof (file, line number, text).

Its own module because both the evidence counters and the reply tally keep such lines,
and the evidence holds the tally: a shared leaf keeps the imports one-way.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT_LIMIT = 240  # characters of a line shown as evidence


@dataclass(slots=True)
class Line:
    """One piece of evidence: where it is and what it says."""

    file: str
    line: int
    text: str

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "text": self.text}

    def where(self) -> str:
        """'MSGTRK2026112706-1.LOG:123' (file name without the folder, for reading)."""
        name = self.file.replace("\\", "/").rsplit("/", 1)[-1]
        return f"{name}:{self.line}" if self.line > 0 else name  # live checks have no line


def clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "\u2026"

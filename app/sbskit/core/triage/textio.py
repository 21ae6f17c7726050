"""Open evidence files as bounded line streams, whatever their encoding.

Lines are read with a length cap, so a file without line breaks (a binary dump, a
minified export) cannot pull tens of megabytes into one string; byte offsets of the
underlying file drive the progress bar without the cost of ``TextIOWrapper.tell``.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Callable, Iterator

from sbskit.core.jobs import JobContext

MAX_LINE = 256 * 1024  # characters; longer lines arrive in pieces and are skipped as junk
TICK_ROWS = 16384  # rows between progress reports and cancel checks


class TextSource:
    """A text file opened for streaming: ``lines()`` for the readers, ``bytes_done()`` for progress."""

    def __init__(self, path: Path, codec: str, indent: str = "") -> None:
        self.path = path
        self.indent = indent  # removed from every line (a log pasted indented or quoted in a mail)
        self._raw = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._text = io.TextIOWrapper(self._raw, encoding=codec, errors="replace", newline="")

    def lines(self) -> Iterator[str]:
        """Lines with their line endings (csv needs them), each at most MAX_LINE characters."""
        raw = iter(functools.partial(self._text.readline, MAX_LINE), "")
        return self._dedented(raw) if self.indent else raw

    def _dedented(self, lines: Iterator[str]) -> Iterator[str]:
        prefix, size = self.indent, len(self.indent)
        for line in lines:
            yield line[size:] if line.startswith(prefix) else line.lstrip(" \t>")

    def bytes_done(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> "TextSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Progress:
    """Turns byte offsets of one file into overall progress and polls for cancel."""

    def __init__(self, ctx: JobContext | None, total_bytes: int) -> None:
        self.ctx = ctx
        self.total = max(total_bytes, 1)
        self.base = 0  # bytes of the files already finished
        self.label = ""
        self._source: TextSource | None = None

    def start_file(self, source: TextSource, label: str) -> None:
        self._source = source
        self.label = label
        self.tick()

    def end_file(self, size: int) -> None:
        self.base += size
        self._source = None

    def tick(self) -> None:
        """Called every TICK_ROWS rows: progress in per-mille, raises Cancelled when asked."""
        if self.ctx is None:
            return
        self.ctx.check()
        done = self.base + (self._source.bytes_done() if self._source else 0)
        self.ctx.progress(min(1000, done * 1000 // self.total), 1000, f"Reading {self.label}")


TickFn = Callable[[], None]

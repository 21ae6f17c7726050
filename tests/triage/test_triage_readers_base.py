"""The loop and header helpers every triage reader shares."""

import csv

import pytest

from sbskit.core.jobs import Cancelled, JobContext
from sbskit.core.triage.readers_base import NumberedLines, ReadResult, fields_header, safe_rows
from sbskit.core.triage.sniff import Sniffed
from sbskit.core.triage.textio import TICK_ROWS, Progress, TextSource


def _lines(tmp_path, text: str, ctx=None):
    path = tmp_path / "log.txt"
    path.write_bytes(text.encode("utf-8"))
    src = TextSource(path, "utf-8")
    progress = Progress(ctx, path.stat().st_size)
    progress.start_file(src, "log.txt")
    return src, progress


def test_numbered_lines_count_and_last_line(tmp_path):
    src, progress = _lines(tmp_path, "a\nb\r\nc")
    with src:
        lines = NumberedLines(src, progress)
        assert list(lines) == [(1, "a\n"), (2, "b\r\n"), (3, "c")]
    assert lines.count == 3 and lines.last == "c"
    assert not lines.ended_cleanly(lambda last: False)  # "c" has no line break: cut off
    assert lines.ended_cleanly(lambda last: last == "c")


def test_numbered_lines_empty_file_ends_cleanly(tmp_path):
    src, progress = _lines(tmp_path, "")
    with src:
        lines = NumberedLines(src, progress)
        assert list(lines) == []
    assert lines.count == 0 and lines.ended_cleanly(lambda last: False)


def test_numbered_lines_tick_polls_cancel(tmp_path):
    cancelled = []
    ctx = JobContext(progress=lambda *a: None, is_cancelled=lambda: bool(cancelled))
    src, progress = _lines(tmp_path, "x\n" * (TICK_ROWS + 5), ctx)
    seen = 0
    with src, pytest.raises(Cancelled):
        for _n, _raw in NumberedLines(src, progress):
            seen += 1
            cancelled.append(True)
    assert seen == TICK_ROWS - 1  # stopped at the first tick after cancel was asked


def test_fields_header_reads_fields_and_version(tmp_path):
    text = "#Software: X\n#Version: 15.1\n#Fields: date-time,event-id,sender-address\n\n2026,RECEIVE,a@b\n"
    src, _ = _lines(tmp_path, text)
    with src:
        reader = csv.reader(src.lines())
        result, info = ReadResult(), Sniffed(tmp_path / "log.txt", 0, format="exchange_tracking")
        cols, row = fields_header(reader, safe_rows(reader, result), info, result,
                                  {"event": ("eventid",), "sender": ("senderaddress",)})
    assert cols == {"event": 1, "sender": 2} and row == ["2026", "RECEIVE", "a@b"]
    assert info.version == "15.1" and result.skipped == 0


def test_fields_header_first_row_names_and_skips_rows_before_names(tmp_path):
    src, _ = _lines(tmp_path, "EventId,Sender\nRECEIVE,a@b\n")
    with src:
        reader = csv.reader(src.lines())
        result, info = ReadResult(), Sniffed(tmp_path / "log.txt", 0, format="x")
        cols, row = fields_header(reader, safe_rows(reader, result), info, result,
                                  {"event": ("eventid",)}, first_row_names=True)
    assert cols == {"event": 0} and row == ["RECEIVE", "a@b"]
    src, _ = _lines(tmp_path, "EventId,Sender\nRECEIVE,a@b\n")
    with src:
        reader = csv.reader(src.lines())
        result = ReadResult()
        cols, row = fields_header(reader, safe_rows(reader, result), Sniffed(tmp_path / "log.txt", 0, format="x"), result, {"event": ("eventid",)})
    assert cols is None and row is None and result.skipped == 2 and result.first_skipped == 1

"""Bad files get their own message; the good ones are still analysed."""

from __future__ import annotations

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.triage import analyse
from triage_fixtures import backscatter


def _bad_files(folder):
    png = folder / "screenshot.log"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    empty = folder / "empty.csv"
    empty.write_bytes(b"")
    letter = folder / "notes.txt"
    letter.write_text("Dear admin,\nthe queues are full again.\n", encoding="utf-8")
    headers_only = folder / "MSGTRK-empty.LOG"
    headers_only.write_text("#Software: Microsoft Exchange Server\r\n#Version: 15.01.2507.006\r\n"
                            "#Log-type: Message Tracking Log\r\n#Fields: date-time,client-ip,event-id,recipient-address,sender-address\r\n")
    return [png, empty, letter, headers_only]


def test_bad_files_do_not_stop_the_good_ones(evidence_dir):
    good = backscatter(evidence_dir)
    bad = _bad_files(evidence_dir)
    result = analyse(bad + good)
    by_name = {i.file.rsplit("/", 1)[-1]: i for i in result.inputs}
    assert "PNG picture" in by_name["screenshot.log"].problems[0]
    assert "empty" in by_name["empty.csv"].problems[0]
    assert "text the triage does not know" in by_name["notes.txt"].problems[0]
    assert by_name["MSGTRK-empty.LOG"].format == "exchange_tracking"
    assert "no records" in by_name["MSGTRK-empty.LOG"].problems[-1]
    assert result.findings[0].cause == "ndr_backscatter"
    assert [i.file for i in result.inputs] == [str(p) for p in bad + good]


def test_only_bad_files_is_a_clear_error(evidence_dir):
    with pytest.raises(UserInputError) as info:
        analyse(_bad_files(evidence_dir)[:3])
    message = str(info.value)
    assert "none of the files could be used" in message and "screenshot.log" in message
    assert "\n" not in message


def test_a_header_only_log_is_read_not_refused(evidence_dir):
    """A recognised log without records is evidence of a kind (which mail system, no mail that day):
    not enough to tell (exit 3), named for what it is, never 'bad input'."""
    result = analyse(_bad_files(evidence_dir))
    empty = result.inputs[3]
    assert empty.empty and not empty.usable and empty.format_name == "Exchange message tracking log"
    assert result.exit_code == 3 and "MSGTRK-empty.LOG holds no records" in result.coverage.gaps
    assert "screenshot.log could not be read" in result.coverage.gaps
    assert result.platform.id == "exchange-2016"
    assert result.verdict().startswith("Not enough evidence to tell (")


def test_truncated_utf16_export_still_counts(evidence_dir):
    (tracking, queues) = backscatter(evidence_dir)
    data = queues.read_bytes()
    queues.write_bytes(data[: len(data) // 2 + 1])  # cut mid-character and mid-line
    result = analyse([queues])
    (summary,) = result.inputs
    assert summary.records > 5
    assert any("cut off" in p for p in summary.problems)


def test_wrong_option_is_noted_not_fatal(evidence_dir):
    from sbskit.core.triage import EvidenceFile

    (tracking, _) = backscatter(evidence_dir)
    result = analyse([EvidenceFile(tracking, "firewall-log")])
    assert result.inputs[0].format == "exchange_tracking"
    assert "given as a firewall-log" in result.inputs[0].problems[0]

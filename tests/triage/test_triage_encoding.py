"""Encoding detection: BOMs, UTF-16 without BOM, UTF-8, ANSI, and binary data."""

from __future__ import annotations

import codecs

import pytest

from sbskit.core.triage.encoding import guess_encoding, known_binary, looks_binary

TEXT = "#Fields: date-time,client-ip,event-id\r\n2026-11-27T06:00:00.000Z,203.0.113.5,RECEIVE\r\n"


@pytest.mark.parametrize(
    "data, codec, label",
    [
        (codecs.BOM_UTF8 + TEXT.encode(), "utf-8-sig", "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16", "UTF-16LE with BOM"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16", "UTF-16BE with BOM"),
        (TEXT.encode("utf-16-le"), "utf-16-le", "UTF-16LE without BOM"),
        (TEXT.encode("utf-16-be"), "utf-16-be", "UTF-16BE without BOM"),
        (TEXT.encode(), "utf-8", "ASCII/UTF-8"),
        ("Betreff: Grüße\r\n".encode(), "utf-8", "UTF-8"),
        ("Betreff: Grüße\r\n".encode("cp1252"), "cp1252", "Windows-1252 (ANSI)"),
    ],
)
def test_guess_encoding(data, codec, label):
    guess = guess_encoding(data)
    assert (guess.codec, guess.label) == (codec, label)
    assert "Fields" in data.decode(codec) or "Betreff" in data.decode(codec)


def test_utf8_cut_inside_a_character_is_still_utf8():
    data = ("ä" * 100).encode()[:-1]
    assert guess_encoding(data).codec == "utf-8"


def test_binary_detection():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert looks_binary(png, guess_encoding(png))
    assert not looks_binary(TEXT.encode(), guess_encoding(TEXT.encode()))
    utf16 = TEXT.encode("utf-16-le")
    assert not looks_binary(utf16, guess_encoding(utf16))
    assert "ZIP" in known_binary(b"PK\x03\x04rest")

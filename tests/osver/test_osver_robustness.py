"""Garbled input never turns into a traceback: mutated corpus files and random fragments
either identify/lint or raise UserInputError with a message."""

from __future__ import annotations

import random

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.osver.identify import identify_text
from sbskit.core.osver.lint import LANGUAGES, lint_text

PIECES = ["Microsoft Windows [Version ", "10.0.", "6.1", ".7601", "]", "\n", "\r\r\n", "REG_DWORD", "0x", "Caption : ",
          "Version=", "----", "BuildNumber", "    ", "OS Version:", "Service Pack", "if ", "goto ", ":lbl", '"6.1"',
          "findstr", "-like", "InStr(", "SELECT * FROM Win32_OperatingSystem WHERE ", "Version LIKE ", ">=", "(", ")",
          "%OS%", "for /f \"tokens=", "delims=", "' ", "#", "<#", "switch (", "{", "}", "elseif", "Select Case",
          "End If", "ÿ", "\x01", "版本", "'", '"', "\\", "%", "[", "]]"]


@pytest.mark.parametrize("seed", range(12))
def test_mutated_input_never_crashes(seed, corpus):
    rng = random.Random(seed)
    files = sorted(p for p in corpus.iterdir())
    for i in range(120):
        if i % 2:
            base = list(rng.choice(files).read_bytes().decode("utf-8", "replace"))
            for _ in range(rng.randint(1, 8)):
                pos = rng.randint(0, len(base))
                base[pos:pos + rng.randint(0, 6)] = rng.choice(PIECES)
            text = "".join(base)
        else:
            text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        try:
            identify_text(text)
        except UserInputError as exc:
            assert str(exc)
        try:
            lint_text(text, language=rng.choice(LANGUAGES))
        except UserInputError as exc:
            assert str(exc)

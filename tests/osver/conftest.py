"""Shared fixtures for the OS version tests: a fixed 'today' and the corpus folder."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

TODAY = datetime.date(2026, 11, 28)
CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def today() -> datetime.date:
    return TODAY


@pytest.fixture
def corpus() -> Path:
    return CORPUS


# PySide6 6.12 on Python 3.11 drops a reference to None on every void Qt call; one top-up
# (10 million references) covers a whole test session. See sbskit.ui.none_guard.
from sbskit.ui import none_guard  # noqa: E402

none_guard.top_up()

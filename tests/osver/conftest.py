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

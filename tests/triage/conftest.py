"""Shared fixtures of the triage tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def evidence_dir(tmp_path) -> Path:
    folder = tmp_path / "evidence"
    folder.mkdir()
    return folder

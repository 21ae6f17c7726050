"""docs/cli.md is the repository's CLI contract: every subcommand has its section, README points to it."""

from __future__ import annotations

import re
from pathlib import Path

from sbskit.cli import command_modules

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")


def test_every_subcommand_has_a_section():
    headings = set(re.findall(r"^### `sbskit-cli (\S+?)`", DOC, re.MULTILINE))
    names = {module.NAME for module in command_modules()}
    assert len(names) >= 9
    assert names - headings == set(), "add a section to docs/cli.md"


def test_every_exit_status_is_documented():
    for code in ("`0`", "`1`", "`2`", "`3`", "`4`"):
        assert code in DOC


def test_readme_points_into_the_repository_for_the_contract():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/cli.md" in readme
    assert "shared/cli-contract" not in readme

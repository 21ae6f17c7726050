"""docs/cli.md names every option and every choice the real parser accepts, in that command's own section.

The parser is walked (profile's actions too), so an option added to the code without a word in the
contract fails here. Options every subcommand shares (--help, --json, --report) are in the conventions.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from sbskit.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
SHARED = {"-h", "--help", "--json", "--report"}


def _sections() -> tuple[str, dict[str, str]]:
    parts = re.split(r"^### `sbskit-cli (\S+?)`.*$", DOC, flags=re.MULTILINE)
    return parts[0], {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, path + (name,))


def _commands():
    return [(path, parser) for path, parser in _walk(build_parser()) if path]


def test_every_option_is_in_its_commands_section():
    conventions, sections = _sections()
    missing = []
    for path, parser in _commands():
        section = sections[path[0]]
        for action in parser._actions:
            for option in action.option_strings:
                where = conventions if option in SHARED else section
                if not re.search(re.escape(option) + r"(?![\w-])", where):
                    missing.append(f"{' '.join(path)} {option}")
    assert missing == [], "document these in docs/cli.md: " + ", ".join(missing)


def test_every_choice_is_in_its_commands_section():
    _conventions, sections = _sections()
    missing = []
    for path, parser in _commands():
        for action in parser._actions:
            if action.choices and not isinstance(action, argparse._SubParsersAction):
                for choice in action.choices:
                    if not re.search(r"(?<![\w-])" + re.escape(str(choice)) + r"(?![\w-])", sections[path[0]]):
                        missing.append(f"{' '.join(path)} {action.option_strings[0]} {choice}")
    assert missing == [], "document these choices in docs/cli.md: " + ", ".join(missing)


def test_every_exit_status_in_a_help_text_is_in_the_section():
    """'Exit status: 0 ..., 1 ..., 3 ...' in a command's description: each code is in its section too."""
    _conventions, sections = _sections()
    missing = []
    for path, parser in _commands():
        text = " ".join(filter(None, [parser.description, parser.epilog]))
        match = re.search(r"[Ee]xit(?: status)?:?(.*)", text, re.DOTALL)
        if not match:
            continue
        for code in sorted(set(re.findall(r"(?<![\w.])([0-4])(?::| \w)", match.group(1)))):
            if not re.search(rf"(?:[Ee]xit\w*|exits?)[^.]*?`?{code}`?", sections[path[0]]):
                missing.append(f"{' '.join(path)}: exit {code}")
    assert missing == [], "document these exit codes in docs/cli.md: " + ", ".join(missing)


def test_differences_from_the_shared_contract_have_their_own_section():
    assert "## Where this copy differs from the shared contract" in DOC

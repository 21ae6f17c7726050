"""Conventions every subcommand shares: exit codes, ``--json``, ``--report``, one-line errors."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from sbskit.core.errors import UserInputError

EXIT_OK = 0  # checks ran, nothing wrong found
EXIT_FOUND = 1  # checks ran and found a problem
EXIT_USAGE = 2  # bad usage or unusable input
EXIT_INCOMPLETE = 3  # some checks could not be completed, nothing worse found
EXIT_INTERNAL = 4  # a bug in the kit (the log has the traceback)


def error_line(message: str) -> None:
    """One clear line on stderr, the only form errors take."""
    message = " ".join(str(message).split())
    sys.stderr.write(f"sbskit-cli: error: {message}\n")


def warn(message: str) -> None:
    """A warning or progress note: stderr, so ``--json`` stdout stays one document."""
    sys.stderr.write(f"sbskit-cli: {message}\n")
    sys.stderr.flush()


class OneLineArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line plus a hint, never the whole usage block."""

    def error(self, message: str) -> NoReturn:
        error_line(f"{message} (try '{self.prog} --help')")
        raise SystemExit(EXIT_USAGE)


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser.add_argument(
        "--report", metavar="FILE", type=Path, help="also write a client report (.html or .pdf by the suffix)"
    )


def positive_seconds(text: str) -> float:
    """argparse type for timeouts: a positive number of seconds, at most an hour."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"timeout must be between 0 and 3600 seconds, not {text}")
    return value


@dataclass
class CommandResult:
    """What a subcommand hands back: the JSON document, readable text, and the exit status.

    ``title`` and ``sections`` (``sbskit.core.report.Section``) feed ``--report``; without
    sections the report shows the readable text.
    """

    exit_code: int
    doc: dict[str, Any]
    text: str = ""
    title: str = "SBS Admin Kit report"
    sections: list[Any] = field(default_factory=list)
    report: Any = None  # a ready ``sbskit.core.report.Report``; wins over title/sections

    def emit(self, args: argparse.Namespace) -> None:
        if getattr(args, "report", None):
            self.write_report(args.report)
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(self.doc, indent=2, ensure_ascii=False) + "\n")
        elif self.text:
            sys.stdout.write(self.text if self.text.endswith("\n") else self.text + "\n")

    def write_report(self, path: Path) -> None:
        from sbskit.core.report import Report
        from sbskit.report_files import write_report_file

        suffix = path.suffix.lower()
        if suffix not in (".html", ".htm", ".pdf"):
            raise UserInputError(f"--report needs a file ending in .html or .pdf, not {path.name!r}")
        report = self.report
        if report is None:
            report = Report(title=self.title)
            report.sections.extend(self.sections)
        if not report.sections:
            report.add_text_section("Results", self.text or json.dumps(self.doc, indent=2, ensure_ascii=False))
        write_report_file(report, path)
        warn(f"report written to {path}")


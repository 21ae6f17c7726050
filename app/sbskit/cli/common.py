"""Conventions every subcommand shares: exit codes, ``--json``, ``--report``, one-line errors."""

from __future__ import annotations

import argparse
import json
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing, dataclasses and pathlib are not imported at run time: CLI start-up is benchmarked
    from pathlib import Path
    from typing import Any, NoReturn

from sbskit.core.errors import UserInputError

EXIT_OK = 0  # checks ran, nothing wrong found
EXIT_FOUND = 1  # checks ran and found a problem
EXIT_USAGE = 2  # bad usage or unusable input
EXIT_INCOMPLETE = 3  # some checks could not be completed, nothing worse found
EXIT_INTERNAL = 4  # a bug in the kit (the log has the traceback)


def file_path(text: str) -> Path:
    """An argparse ``type`` for a file name: a ``Path``, with pathlib imported only when one is given."""
    from pathlib import Path

    return Path(text)


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

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse's own asks shutil for the terminal width; shutil (with bz2, lzma) costs start-up time
        return self.formatter_class(prog=self.prog, width=_help_width())

    def error(self, message: str) -> NoReturn:
        error_line(f"{message} (try '{self.prog} --help')")
        raise SystemExit(EXIT_USAGE)


def _help_width() -> int:
    """Terminal width for help text, as ``shutil.get_terminal_size`` finds it, minus 2 like argparse."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(columns - 2, 20)


def add_common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser.add_argument(
        "--report", metavar="FILE", type=file_path, help="also write a client report (.html or .pdf by the suffix)"
    )


def positive_seconds(text: str) -> float:
    """argparse type for timeouts: a positive number of seconds, at most an hour."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"timeout must be more than 0 and at most 3600 seconds, not {text}")
    return value


class CommandResult:
    """What a subcommand hands back: the JSON document, readable text, and the exit status.

    ``title`` and ``sections`` (``sbskit.core.report.Section``) feed ``--report``; without
    sections the report shows the readable text. (A plain class with a dataclass-style
    constructor: ``dataclasses`` pulls in ``inspect``, and CLI start-up is benchmarked.)
    """

    def __init__(self, exit_code: int, doc: dict[str, Any], text: str = "", title: str = "SBS Admin Kit report",
                 sections: list[Any] | None = None, report: Any = None) -> None:
        self.exit_code = exit_code
        self.doc = doc
        self.text = text
        self.title = title
        self.sections = [] if sections is None else sections
        self.report = report  # a ready ``sbskit.core.report.Report``; wins over title/sections

    def __repr__(self) -> str:
        return f"CommandResult(exit_code={self.exit_code!r}, title={self.title!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CommandResult):
            return NotImplemented
        return (self.exit_code, self.doc, self.text, self.title, self.sections, self.report) == (
            other.exit_code, other.doc, other.text, other.title, other.sections, other.report)

    def emit(self, args: argparse.Namespace) -> None:
        if getattr(args, "report", None):
            self.write_report(args.report)
        if getattr(args, "json", False):
            sys.stdout.write(json.dumps(self.doc, indent=2, ensure_ascii=False) + "\n")
        elif self.text:
            sys.stdout.write(self.text if self.text.endswith("\n") else self.text + "\n")

    def write_report(self, path: Path) -> None:
        from sbskit.core.report import Report
        from sbskit.documents.files import write_report_file

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


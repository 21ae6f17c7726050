"""``sbskit-cli osver``: name the Windows release(s) behind ver/systeminfo/wmic/registry/PowerShell text."""

from __future__ import annotations

import argparse

NAME = "osver"
HELP = "identify Windows from ver, systeminfo, wmic, reg query or PowerShell output, or a version like 6.0.6001"
DESCRIPTION = (HELP + ". Exit 0: every release the text can be is supported today; 1: every one is out of "
               "support; 2: no Windows version in the input; 3: could not tell (a build not in the release data, or "
               "candidates - editions, client/server - whose support differs).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--text", metavar="TEXT", help="the text to identify (or pipe it on stdin)")
    source.add_argument("--file", metavar="FILE", help="a file holding the text (UTF-8, UTF-16 or ANSI; '-' = stdin)")
    source.add_argument("--local", action="store_true", help="this machine (Windows only: reads the 64-bit registry)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="judge support status on this date instead of today")


def _today(value: str | None):
    import datetime

    from sbskit.core.errors import UserInputError

    if not value:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise UserInputError(f"--today needs a date like 2026-11-28, not {value!r}") from None


def _read_stdin() -> str:
    import sys

    from sbskit.core.osver.textio import MAX_BYTES, decode_bytes

    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    return decode_bytes(data, "The input on stdin")[0]


def run(args: argparse.Namespace):
    import sys

    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult
    from sbskit.core.errors import UserInputError
    from sbskit.core.osver.identify import identify_text, support_verdict
    from sbskit.core.osver.report import identification_text
    from sbskit.core.osver.textio import read_file

    today = _today(args.today)
    if args.local:
        from sbskit.core.osver.local import identify_local

        result = identify_local()
    else:
        if args.text is not None:
            text = args.text
        elif args.file and args.file != "-":
            text = read_file(args.file)[0]
        elif args.file == "-" or not sys.stdin.isatty():
            text = _read_stdin()
        else:
            raise UserInputError("give --text, --file or --local, or pipe the text on stdin")
        result = identify_text(text)
    doc = result.to_doc(today)
    verdict = support_verdict(result, today)[0]
    code = {"supported": EXIT_OK, "ended": EXIT_FOUND}.get(verdict, EXIT_INCOMPLETE)
    return CommandResult(code, doc, identification_text(result, today), title="Windows version identification")

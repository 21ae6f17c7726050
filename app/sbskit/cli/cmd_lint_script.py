"""``sbskit-cli lint-script``: run a logon script's OS detection (.bat/.cmd, .vbs, .ps1) on every Windows
release and language, or check a WQL filter; findings carry proofs, ``--json`` adds the matrix."""

from __future__ import annotations

import argparse

NAME = "lint-script"
HELP = "check a login script (.bat/.cmd, .vbs, .ps1, .wql) for fragile Windows version detection"
DESCRIPTION = (HELP + ". The script is run on every Windows release in every language; each finding says which "
               "release goes where and why. Exit 1 when any finding is a warning or an error; 3 when parts of the "
               "script could not be evaluated and nothing else was found; 2 for an unreadable file.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the script (UTF-8, UTF-16 or ANSI)")
    parser.add_argument("--language", choices=("batch", "vbscript", "powershell", "wql"),
                        help="the script language (default: from the file name, else from the content)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="judge support status on this date instead of today")


def run(args: argparse.Namespace):
    from sbskit.cli.cmd_osver import _today
    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult
    from sbskit.core.osver.lint import lint_file
    from sbskit.core.osver.lint_report import lint_text_report

    today = _today(args.today)
    result = lint_file(args.file, language=args.language, today=today)
    doc = result.to_doc(today)
    doc["file"] = args.file
    problems = [f for f in result.findings if f.severity in ("error", "warning") and f.rule != "not-evaluated"]
    unsure = any(f.rule == "not-evaluated" for f in result.findings)
    code = EXIT_FOUND if problems else EXIT_INCOMPLETE if unsure else EXIT_OK
    return CommandResult(code, doc, lint_text_report(result), title="Login script check")

"""``sbskit-cli lint-script``: fragile OS detection in a logon script (.bat/.cmd, .vbs, .ps1, WQL)."""

from __future__ import annotations

import argparse

NAME = "lint-script"
HELP = "check a login script (.bat/.cmd, .vbs, .ps1, .wql) for fragile Windows version detection"
DESCRIPTION = HELP + ". Exit 1 when any finding is a warning or an error; 2 for an unreadable file."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the script (UTF-8, UTF-16 or ANSI)")
    parser.add_argument("--language", choices=("batch", "vbscript", "powershell", "wql"),
                        help="the script language (default: from the file name, else from the content)")


def run(args: argparse.Namespace):
    from sbskit.cli.common import EXIT_FOUND, EXIT_OK, CommandResult
    from sbskit.core.osver.lint import lint_file
    from sbskit.core.osver.report import lint_text_report

    result = lint_file(args.file, language=args.language)
    doc = result.to_doc()
    doc["file"] = args.file
    return CommandResult(EXIT_FOUND if result.has_problems else EXIT_OK, doc, lint_text_report(result),
                         title="Login script check")

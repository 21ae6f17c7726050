"""``sbskit-cli snippet``: an OS test for a logon script, with the releases it matches."""

from __future__ import annotations

import argparse

NAME = "snippet"
HELP = "generate a batch/PowerShell/VBScript/WQL OS test for target releases, with its match matrix"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", metavar="NAME", help="a preset target (see --list-targets)")
    parser.add_argument("--family", choices=("client", "server", "any"), help="custom target: client, server or any")
    parser.add_argument("--min-build", type=int, metavar="N", help="custom target: lowest build (inclusive)")
    parser.add_argument("--max-build", type=int, metavar="N", help="custom target: builds below N")
    parser.add_argument("--language", "-l", choices=("batch", "powershell", "vbscript", "wql"), default="powershell",
                        help="the language of the test (default: powershell)")
    parser.add_argument("--list-targets", action="store_true", help="list the preset targets and exit")


def run(args: argparse.Namespace):
    from sbskit.cli.common import EXIT_FOUND, EXIT_OK, CommandResult
    from sbskit.core.errors import UserInputError
    from sbskit.core.osver.snippet import PRESETS, custom_target, generate

    if args.list_targets:
        doc = {"targets": {k: t.to_doc() for k, t in PRESETS.items()}}
        text = "\n".join(f"{k:<24} {t.title} ({t.describe()})" for k, t in PRESETS.items())
        return CommandResult(EXIT_OK, doc, text, title="Snippet targets")
    if args.target:
        if args.family or args.min_build is not None or args.max_build is not None:
            raise UserInputError("give either --target or --family/--min-build/--max-build, not both")
        if args.target not in PRESETS:
            raise UserInputError(f"unknown target {args.target!r}; try --list-targets")
        target = PRESETS[args.target]
    elif args.family or args.min_build is not None or args.max_build is not None:
        target = custom_target(args.family or "any", args.min_build, args.max_build)
    else:
        raise UserInputError("give --target NAME (see --list-targets) or --family/--min-build/--max-build")
    snippet = generate(target, args.language)
    doc = snippet.to_doc()
    matched = [row["label"] for row in snippet.matrix if row["matched"]]
    text = (snippet.code.rstrip("\n") + "\n\n" + f"{args.language} condition matches {len(matched)} of "
            f"{len(snippet.matrix)} releases in the data:\n" + "\n".join(f"  + {label}" for label in matched))
    if doc["mismatches"]:
        text += "\nMISMATCH with the target: " + ", ".join(doc["mismatches"])
    return CommandResult(EXIT_FOUND if doc["mismatches"] else EXIT_OK, doc, text, title="OS test snippet")

"""``sbskit-cli blacklist``: is this IP or domain on a blocklist, where, why, how to get off.

Only argparse at module level: the engine is imported inside ``run`` so the command
starts fast (it is benchmarked against pydnsbl as whole processes).
"""

from __future__ import annotations

import argparse
import os

NAME = "blacklist"
HELP = "check IP addresses or domains against DNS blocklists (honest verdicts, delisting links)"
DESCRIPTION = """Check IPv4/IPv6 addresses and domains (and a domain's mail servers) against DNS
blocklists. Every result is 'listed' (a documented listing code), 'clean' (not listed, from
a list whose test entries behave) or 'error' with its reason - never 'clean' when unsure.
Exit status: 0 every blocklist answered "not listed", 1 listed somewhere, 2 bad input, 3 could not
tell (some blocklists could not answer, or the resolver cannot reach them)."""

DQS_ENV = "SBSKIT_DQS_KEY"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sbskit.cli.common import positive_seconds

    parser.add_argument("targets", nargs="*", metavar="TARGET",
                        help="IPv4 or IPv6 address, domain name, or address block up to /24")
    parser.add_argument("--zone", action="append", default=[], metavar="ZONE",
                        help="query only this list (repeatable); default: the shipped catalogue")
    parser.add_argument("--resolver", action="append", default=[], metavar="IP[:PORT]",
                        help="DNS resolver to ask (repeatable; IPv6 as [::1]:5353); default: the system's")
    parser.add_argument("--timeout", type=positive_seconds, default=3.0, metavar="SECONDS",
                        help="per-query timeout; the whole check ends shortly after it (default 3)")
    parser.add_argument("--dqs-key", metavar="KEY", default=None,
                        help=f"Spamhaus DQS key (or set {DQS_ENV}); queries Spamhaus through DQS")
    parser.add_argument("--no-mx", action="store_true", help="for a domain, do not check its mail servers' addresses")
    parser.add_argument("--no-ptr", action="store_true", help="skip reverse DNS (PTR) and its forward confirmation")
    parser.add_argument("--list-zones", action="store_true", help="show the catalogue (active and dead lists) and exit")


def run(args: argparse.Namespace):
    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult
    from sbskit.core.errors import UserInputError

    if args.list_zones:
        return _list_zones()
    if not args.targets:
        raise UserInputError("give at least one TARGET (an IP address or a domain name)")
    from sbskit.core.dnsbl.engine import Options, Sweep

    options = Options(
        resolvers=args.resolver,
        zones=args.zone,
        timeout=args.timeout,
        dqs_key=args.dqs_key or os.environ.get(DQS_ENV) or None,
        include_mx=not args.no_mx,
        reverse_dns=not args.no_ptr,
        share_answers=False,  # this process ends with the sweep: no later sweep to share answers with
    )
    import gc

    # collecting reference cycles mid-sweep only costs time (about a tenth of a /24 sweep):
    # the sweep's cycles are freed with the sweep (main restores the collector afterwards)
    gc.disable()
    doc = Sweep(args.targets, options).run()
    from sbskit.core.dnsbl.summary import exit_code

    code = {1: EXIT_FOUND, 0: EXIT_OK}.get(exit_code(doc["summary"]), EXIT_INCOMPLETE)
    text = ""
    sections = None
    if not args.json or args.report:  # JSON-only runs skip the text rendering (start-up speed)
        from sbskit.core.dnsbl.render import render_text

        text = render_text(doc)
    if args.report:
        from sbskit.core.dnsbl.report import report_sections

        sections = report_sections(doc)
    class SweepResult(CommandResult):
        """``CommandResult`` whose JSON has one result per line.

        ``json.dumps(indent=2)`` runs Python's slow pure encoder; a /24 against 40 lists is
        10,000 results. One line per result stays readable and uses the C encoder.
        """

        def emit(self, args: argparse.Namespace) -> None:
            import sys

            if not args.json:
                super().emit(args)
                return
            if args.report:
                self.write_report(args.report)
            sys.stdout.write(dumps_lines(self.doc) + "\n")

    return SweepResult(code, doc, text, title="Blocklist check", sections=sections)


def dumps_lines(doc: dict) -> str:
    dump = _compact_encoder()
    parts = []
    for key, value in doc.items():
        if key != "targets":
            parts.append(f"  {dump(key)}: {dump(value)}")
            continue
        targets = []
        for target in value:
            head = ", ".join(f"{dump(k)}: {dump(v)}" for k, v in target.items() if k != "results")
            results = ",\n      ".join(dump(r) for r in target["results"])
            body = f'"results": [\n      {results}\n    ]' if results else '"results": []'
            targets.append(f"    {{{head}, {body}}}")
        parts.append('  "targets": [\n' + ",\n".join(targets) + "\n  ]")
    return "{\n" + ",\n".join(parts) + "\n}"


def _compact_encoder():
    """``json.dumps(value, ensure_ascii=False)`` for thousands of small values.

    ``JSONEncoder.encode`` builds a new C encoder on every call; a /24 sweep makes 10,000
    calls, so one C encoder is built here and reused (a third of the output time). Where
    the C encoder is missing or differs, the plain encoder does the same work, slower.
    """
    import json
    from json import encoder

    plain = json.JSONEncoder(ensure_ascii=False).encode
    try:
        markers: dict = {}
        make = encoder.c_make_encoder(markers, plain.__self__.default, encoder.encode_basestring, None, ": ", ", ", False, False, True)
        if "".join(make({"a": [1, None, "\u00e9"]}, 0)) != plain({"a": [1, None, "\u00e9"]}):
            return plain
    except (TypeError, AttributeError):  # no C encoder in this Python
        return plain

    def dump(value) -> str:
        if isinstance(value, str):  # a top-level string is not what the C encoder takes
            return encoder.encode_basestring(value)
        markers.clear()
        return "".join(make(value, 0))

    return dump


def _list_zones():
    from sbskit.cli.common import EXIT_OK, CommandResult
    from sbskit.core.dnsbl.render import catalogue_doc, catalogue_text

    doc = catalogue_doc()
    return CommandResult(EXIT_OK, doc, catalogue_text(doc), title="Blocklist catalogue")

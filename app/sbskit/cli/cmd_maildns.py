"""``sbskit-cli maildns``: why is mail from this domain or server refused, when it is not blacklisted?

Only argparse at module level: the checks are imported inside ``run`` so the command
starts fast, and nothing here imports dnspython (the DNS engine is the kit's own).
"""

from __future__ import annotations

import argparse

NAME = "maildns"
HELP = "check a domain's mail DNS: MX, SPF (for this server's IP), DMARC, DKIM, reverse DNS"
DESCRIPTION = """Check the DNS that decides whether mail from a domain is accepted: MX, SPF (the
record, and the RFC 7208 result for the sending address), DMARC, DKIM keys, reverse DNS
(PTR, forward-confirmed), and MTA-STS/TLS-RPT/BIMI for information. Each problem says what
the receiving side does (the providers' reply texts) and the record to publish instead.
A lookup that failed is 'could not tell', never 'ok'.
Exit status: 0 nothing wrong (warnings allowed), 1 a problem, 2 bad input, 3 some checks
could not be completed."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sbskit.cli.common import positive_seconds

    parser.add_argument("domain", metavar="DOMAIN", help="the mail domain (the part after @)")
    parser.add_argument("--ip", metavar="IP", default=None,
                        help="the server's public sending address (default: the domain's MX hosts' addresses)")
    parser.add_argument("--dkim-selector", action="append", default=[], metavar="S",
                        help="a DKIM selector to check (repeatable; the s= of a DKIM-Signature header)")
    parser.add_argument("--helo", metavar="NAME", default=None,
                        help="the name the server gives in HELO/EHLO (compared with its PTR name)")
    parser.add_argument("--resolver", action="append", default=[], metavar="IP[:PORT]",
                        help="DNS resolver to ask (repeatable; IPv6 as [::1]:5353); default: the system's")
    parser.add_argument("--timeout", type=positive_seconds, default=3.0, metavar="SECONDS",
                        help="per-query timeout (default 3)")
    parser.add_argument("--evidence", action="store_true", help="also print every DNS answer the verdicts rest on")


def run(args: argparse.Namespace):
    from sbskit.cli.common import CommandResult
    from sbskit.core.errors import UserInputError
    from sbskit.core.maildns.engine import Options, Run
    from sbskit.core.maildns.model import exit_code

    if args.timeout > 60:
        raise UserInputError("the timeout must be at most 60 seconds for maildns")
    options = Options(ip=args.ip, selectors=args.dkim_selector, resolvers=args.resolver, timeout=args.timeout,
                      helo=args.helo)
    doc = Run(args.domain, options).run()
    text = ""
    sections = None
    if not args.json or args.report:
        from sbskit.core.maildns.render import render_text

        text = render_text(doc, evidence=args.evidence)
    if args.report:
        from sbskit.core.maildns.report import report_sections

        sections = report_sections(doc)
    return CommandResult(exit_code(doc["summary"]), doc, text, title="Mail DNS health", sections=sections)

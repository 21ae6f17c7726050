"""``sbskit-cli relaytest``: the safe open-relay test (MAIL FROM/RCPT TO only, never DATA)."""

from __future__ import annotations

import argparse

NAME = "relaytest"
HELP = "safe open-relay test: tries nmap's address variants with MAIL FROM/RCPT TO, never sends DATA"
DESCRIPTION = (
    "Connects to HOST, says EHLO and tries the usual relay tricks (external to external, null sender, "
    "the server's own domain, %-hack, quoted local parts, [IP] literals, source routes, bang paths) with "
    "MAIL FROM and RCPT TO, RSET between, then QUIT. It never sends DATA, so nothing is delivered. "
    "A 250 to RCPT TO means the server possibly relays; from inside the LAN that can be legitimate. "
    "Exit status: 0 no variant accepted, 1 possibly an open relay, 3 the test could not finish."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sbskit.cli.cmd_mailprobe import port_number
    from sbskit.cli.common import positive_seconds

    parser.add_argument("host", metavar="HOST", help="mail server name or address (IPv6 as ::1 or [::1])")
    parser.add_argument("--port", type=port_number, default=25, metavar="N", help="SMTP port (default 25)")
    parser.add_argument("--mail-from", default="sbskit-relaytest@example.org", metavar="ADDR",
                        help="sender for the external-to-external try (default sbskit-relaytest@example.org)")
    parser.add_argument("--rcpt-to", default="sbskit-relaytest@example.net", metavar="ADDR",
                        help="outside recipient to try (default sbskit-relaytest@example.net)")
    parser.add_argument("--timeout", type=positive_seconds, default=8.0, metavar="SECONDS",
                        help="seconds to wait for each answer (default 8)")


def run(args: argparse.Namespace):
    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult, warn
    from sbskit.core.jobs import JobContext
    from sbskit.core.mailprobe.relay import run_relay_test
    from sbskit.core.mailprobe.textout import relay_text

    def show(attempt) -> None:
        warn(f"{attempt.variant}: {attempt.reply_code} {'ACCEPTED' if attempt.relayed else 'refused'}")

    report = run_relay_test(args.host, args.port, mail_from=args.mail_from, rcpt_to=args.rcpt_to,
                            timeout=args.timeout, ctx=JobContext(result=show))
    doc = report.to_dict()
    code = {True: EXIT_FOUND, False: EXIT_OK, None: EXIT_INCOMPLETE}[report.open_relay]
    return CommandResult(code, doc, relay_text(doc), title=f"Open-relay test: {doc['host']} port {doc['port']}")

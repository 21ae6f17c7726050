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
    "The variants are spread over at most 4 connections at once, so a tarpit (Exchange waits 5 s per "
    "refused recipient) costs seconds, not minutes; a server that hangs up after a few refusals is "
    "reconnected to. A relay denial counts as a refusal whatever its code (Debian's Postfix answers 454 4.7.1 "
    "on purpose); greylisting and other temporary answers leave it open. Recipients accepted from loopback or "
    "a private address prove nothing about the internet (see --as-outsider). Exit status: 0 no variant "
    "accepted, 1 possibly an open relay, 3 the test could not finish or could not tell."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sbskit.cli.common import positive_seconds

    parser.add_argument("host", metavar="HOST", help="mail server name or address; HOST:PORT and [::1]:2525 also work")
    parser.add_argument("--port", type=relay_port, default=None, metavar="N", help="SMTP port (default 25)")
    parser.add_argument("--mail-from", default="sbskit-relaytest@example.org", metavar="ADDR",
                        help="sender for the external-to-external try (default sbskit-relaytest@example.org)")
    parser.add_argument("--rcpt-to", default="sbskit-relaytest@example.net", metavar="ADDR",
                        help="outside recipient to try (default sbskit-relaytest@example.net)")
    parser.add_argument("--timeout", type=positive_seconds, default=8.0, metavar="SECONDS",
                        help="seconds to wait for each answer (default 8; 10 more for answers a tarpit holds back: after a refusal, and for every RCPT TO once one came late)")
    parser.add_argument("--as-outsider", action="store_true",
                        help="you checked that the server does not trust this computer's address (Postfix "
                             "mynetworks, Exchange relay connectors): a recipient accepted from here counts as an "
                             "open relay. Without it, acceptance from loopback or a private address is 'could not "
                             "tell' (exit 3): servers relay for networks they trust")
    parser.add_argument("--deadline", type=deadline_seconds, default=None, metavar="SECONDS",
                        help="the whole test ends after this many seconds (default: 60, or 6 times --timeout "
                             "if that is longer); variants not asked by then are listed as unanswered (the question stays "
                             "open, exit 3 unless a variant was accepted)")


def deadline_seconds(text: str) -> float:
    """argparse type for --deadline: a positive number of seconds, at most a day (what the test accepts)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"the deadline must be more than 0 and at most 86400 seconds, not {text}")
    return value


def relay_port(text: str) -> int:
    """argparse type for --port: 1-65535 (the relay test has one port; 0 skips nothing here)."""
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1-65535, not {text}")
    return value


def split_host_port(text: str, port: int | None) -> tuple[str, int]:
    """``[::1]:2525`` / ``mail.example.com:2525`` / ``::1`` -> (host, port); --port wins when given."""
    import re

    from sbskit.core.errors import UserInputError

    text = text.strip()
    match = re.match(r"^\[([^\]]+)\]:(\d{1,5})$", text) or re.match(r"^([^:\[\]]+):(\d{1,5})$", text)
    if match:
        if port is not None and port != int(match.group(2)):
            raise UserInputError(f"two different ports: {text} and --port {port}")
        if not 1 <= int(match.group(2)) <= 65535:
            raise UserInputError(f"a port is 1-65535, not {match.group(2)} (in {text})")
        return match.group(1), int(match.group(2))
    return text, 25 if port is None else port


def run(args: argparse.Namespace):
    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult, warn
    from sbskit.core.jobs import JobContext
    from sbskit.core.mailprobe.relay import run_relay_test
    from sbskit.core.mailprobe.textout import relay_text

    def show(attempt) -> None:
        warn(f"{attempt.variant}: {attempt.reply_code} {'ACCEPTED' if attempt.relayed else 'refused'}")

    host, port = split_host_port(args.host, args.port)
    report = run_relay_test(host, port, mail_from=args.mail_from, rcpt_to=args.rcpt_to,
                            timeout=args.timeout, ctx=JobContext(result=show), deadline=args.deadline,
                            assume_untrusted=args.as_outsider)
    doc = report.to_dict()
    code = {True: EXIT_FOUND, False: EXIT_OK, None: EXIT_INCOMPLETE}[report.open_relay]
    return CommandResult(code, doc, relay_text(doc), title=f"Open-relay test: {doc['host']} port {doc['port']}")

"""``sbskit-cli mailprobe``: what a mail server exposes (POP3, IMAP, SMTP, TLS) from here."""

from __future__ import annotations

import argparse

NAME = "mailprobe"
HELP = "probe a mail server's POP3/IMAP/SMTP ports: cleartext logins, TLS, certificate, leaks"
DESCRIPTION = (
    "Connects to each mail port of HOST and reports what it exposes: whether a password would be "
    "accepted before TLS (tested with a made-up user and a dummy password, never a real one), "
    "STARTTLS, the certificate (trust, name, expiry), NTLM and banner leaks, and an overall risk. "
    "The login test stops at the first answer that settles it (+OK to USER, a '+' to AUTHENTICATE PLAIN, "
    "cancelled at once), so it leaves no failed login in the server's log where it can avoid it; only an IMAP "
    "server without a cleartext SASL mechanism gets LOGIN with a dummy password. From the server itself, "
    "loopback or the LAN a server may trust the probe, so a password path seen only from there is 'could not "
    "tell from here' (see --as-outsider). A service that stops answering keeps what it showed, and the "
    "questions left open are listed. A port of 0 skips that service. Exit status: 0 low risk, 1 medium or "
    "high risk, 3 incomplete or could not tell."
)
PORT_OPTIONS = [
    ("pop3", "--pop3-port", 110, "POP3 (STLS) port"),
    ("pop3s", "--pop3s-port", 995, "POP3 over TLS port"),
    ("imap", "--imap-port", 143, "IMAP (STARTTLS) port"),
    ("imaps", "--imaps-port", 993, "IMAP over TLS port"),
    ("smtp", "--smtp-port", 25, "SMTP port"),
    ("submission", "--submission-port", 587, "submission (STARTTLS) port"),
    ("smtps", "--smtps-port", 465, "SMTP over TLS (submissions) port"),
]


def port_number(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1-65535 (0 skips the service), not {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sbskit.cli.common import positive_seconds

    parser.add_argument("host", metavar="HOST", help="mail server name or address (IPv6 as ::1 or [::1])")
    for key, option, default, text in PORT_OPTIONS:
        parser.add_argument(option, dest=f"port_{key}", type=port_number, default=default, metavar="N",
                            help=f"{text} (default {default}; 0 skips)")
    parser.add_argument("--name", metavar="HOST",
                        help="the name mail clients use for the server (e.g. mail.example.com): the certificates "
                             "are checked against it and it is sent as SNI. Without it a probe by IP address "
                             "cannot check the certificate's name (reported as not checked, not as wrong)")
    parser.add_argument("--as-outsider", action="store_true",
                        help="you checked that the server does not trust this computer's address (Dovecot "
                             "login_trusted_networks, Postfix mynetworks, Exchange relay connectors): what it accepts "
                             "from here counts as what the internet gets. Without it, a password taken before TLS "
                             "from loopback or a private address is reported as 'could not tell from here'. It never "
                             "applies on the server itself, whose own address Dovecot always treats as secure")
    parser.add_argument("--ca-file", metavar="FILE", help="trust only these CA certificates (PEM) instead of the system store")
    parser.add_argument("--timeout", type=positive_seconds, default=8.0, metavar="SECONDS",
                        help="seconds to wait for each answer (default 8; login answers get 18 s more for "
                             "failed-login delays); one dialogue gets at most 3 times this")
    parser.add_argument("--no-ptr", action="store_true", help="skip the reverse-DNS check of the SMTP banner name")
    parser.add_argument("--memo", metavar="FILE", help="also write the management memo (.html or .pdf) with the saved checklist")
    parser.add_argument("--profile", metavar="CLIENT",
                        help="the client profile whose POP3 checklist goes into --memo (its name as in "
                             "'sbskit-cli profile list', any case)")
    parser.add_argument("--template", metavar="NAME",
                        help="a checklist template for --memo instead of a client's checklist (default: 'default')")


def run(args: argparse.Namespace):
    from pathlib import Path

    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult, warn
    from sbskit.core.errors import UserInputError
    from sbskit.core.jobs import JobContext
    from sbskit.core.mailprobe.probe import run_probe
    from sbskit.core.mailprobe.textout import probe_text

    if args.ca_file and not Path(args.ca_file).is_file():
        raise UserInputError(f"the CA file {args.ca_file} does not exist")
    memo = Path(args.memo) if args.memo else None
    if memo and memo.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise UserInputError(f"--memo needs a file ending in .html or .pdf, not {memo.name!r}")
    ports = {key: getattr(args, f"port_{key}") for key, *_ in PORT_OPTIONS}
    sheet = _memo_checklist(args) if memo else None  # a wrong client name fails before the probe runs

    def show(item) -> None:
        warn(f"{item.label}: {item.status}{' (' + item.error + ')' if item.error else ''}")

    report = run_probe(args.host, ports, timeout=args.timeout, ca_file=args.ca_file,
                       ctx=JobContext(result=show), check_ptr=not args.no_ptr, name=args.name,
                       assume_untrusted=args.as_outsider)
    doc = report.to_dict()
    if memo:
        _write_memo(memo, doc, sheet)
        warn(f"memo written to {memo}")
    if report.risk in ("high", "medium"):
        code = EXIT_FOUND
    elif report.risk == "unknown" or report.incomplete:
        code = EXIT_INCOMPLETE
    else:
        code = EXIT_OK
    return CommandResult(code, doc, probe_text(doc), title=f"Mail server exposure: {doc['host']}")


def _memo_checklist(args):
    """The checklist for the memo, from profiles.sqlite3: a client's (names matched like the GUI) or a template."""
    from sbskit.core.errors import UserInputError
    from sbskit.core.mailprobe.checklist import Checklist
    from sbskit.core.profiles import checklists
    from sbskit.core.profiles.store import ProfileStore

    if args.profile and args.template:
        raise UserInputError("give --profile (a client's checklist) or --template, not both")
    with ProfileStore() as store:
        if args.profile:
            _name, state = checklists.client_checklist(store, args.profile)
        else:
            _name, state = checklists.load_template(store, args.template or checklists.DEFAULT_TEMPLATE)
    return Checklist.from_dict(state) if state else Checklist()


def _write_memo(path, doc, sheet) -> None:
    from sbskit.core.mailprobe.memo import render_memo
    from sbskit.documents.files import write_document

    html = render_memo(sheet, doc)
    write_document(html, path, what="memo")

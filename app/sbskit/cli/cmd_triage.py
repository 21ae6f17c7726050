"""``sbskit-cli triage``: name the likely cause of full queues or a listing, with evidence and a plan."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "triage"
HELP = ("read tracking/protocol logs, queue exports (Exchange or Postfix), NDRs and firewall logs; name the cause "
        "and the fix, say healthy only on evidence that covers enough (exit 1 cause, 0 healthy, 3 not enough evidence)")

PROGRESS_BYTES = 20 * 1024 * 1024

ANSWER_OPTIONS = (
    ("queues_long", "--queues-long", "are the outbound queues long?"),
    ("ip_listed", "--ip-listed", "is the public IP on a blocklist?"),
    ("users_get_ndrs", "--users-get-ndrs", "do users get NDRs for mail they send?"),
    ("smart_host", "--smart-host", "does outbound mail go through a smart host?"),
    ("shared_ip", "--shared-ip", "do the server and the LAN share one public IP?"),
)
FILE_OPTIONS = (
    ("tracking_log", "--tracking-log", "tracking-log", "message tracking log, Get-MessageTrackingLog export or paste, "
                                                       "or Postfix maillog"),
    ("protocol_log", "--protocol-log", "protocol-log", "SMTP receive/send protocol log (with or without #Fields) or IIS SMTP log"),
    ("queue_export", "--queue-export", "queue-export", "Get-Queue / Get-Message export or paste, postqueue -j or mailq output"),
    ("firewall_log", "--firewall-log", "firewall-log", "pfirewall.log, filterlog or firewall CSV"),
)


def _yes_no(text: str) -> str:
    value = text.strip().lower()
    if value in ("yes", "y", "true", "1"):
        return "yes"
    if value in ("no", "n", "false", "0"):
        return "no"
    if value in ("unknown", "?", "dunno", "-"):
        return ""
    raise argparse.ArgumentTypeError(f"answer yes, no or unknown, not {text!r}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    files = parser.add_argument_group("evidence (any supported format; the kind is sniffed from the content)")
    for dest, flag, _, helptext in FILE_OPTIONS:
        files.add_argument(flag, dest=dest, action="append", default=[], type=Path, metavar="FILE",
                           help=f"{helptext} (repeatable)")
    files.add_argument("--evidence", action="append", default=[], type=Path, metavar="FILE",
                       help="any evidence file, kind unknown, also a saved non-delivery report (repeatable)")
    parser.add_argument("--server-ip", action="append", default=[], metavar="IP",
                        help="the mail server's address(es), LAN and public (repeatable)")
    parser.add_argument("--local-domain", action="append", default=[], metavar="DOMAIN",
                        help="an accepted (own) mail domain (repeatable; otherwise learnt from the logs)")
    parser.add_argument("--exchange-version", choices=("2003", "2007", "2010", "2013", "2016", "2019", "SE"),
                        help="print the PowerShell for this version (default: from the log headers; when they do not "
                             "say, the plan lists each version's command)")
    answers = parser.add_argument_group("symptoms (yes/no/unknown)")
    for _, flag, helptext in ANSWER_OPTIONS:
        answers.add_argument(flag, type=_yes_no, metavar="yes|no", help=helptext)
    from sbskit.cli.common import positive_seconds

    live = parser.add_argument_group("live checks (optional; they connect to the network)")
    live.add_argument("--check-blacklist", metavar="IP",
                      help="check the server's public IP against the DNS blocklists; a listing counts as 'IP listed'")
    live.add_argument("--check-maildns", metavar="DOMAIN",
                      help="check the sender domain's mail DNS (MX, SPF for the sending IP, DMARC, DKIM, PTR): records "
                           "wrong now confirm a DNS cause, records in order weaken it")
    live.add_argument("--ip", metavar="IP", default=None,
                      help="the public sending IP for --check-maildns (default: the --check-blacklist IP, else a public "
                           "--server-ip, else the domain's MX addresses)")
    live.add_argument("--resolver", action="append", default=[], metavar="IP[:PORT]",
                      help="DNS resolver for --check-blacklist and --check-maildns (repeatable; IPv6 as [::1]:5353); "
                           "default: the system's")
    live.add_argument("--zone", action="append", default=[], metavar="ZONE",
                      help="ask only this blocklist (repeatable); default: the shipped catalogue")
    live.add_argument("--dqs-key", metavar="KEY", default=None,
                      help="Spamhaus DQS key for --check-blacklist (or set SBSKIT_DQS_KEY)")
    live.add_argument("--relay-test", metavar="HOST[:PORT]",
                      help="run the safe open-relay test against the mail server (MAIL FROM/RCPT TO only, never DATA)")
    live.add_argument("--timeout", type=positive_seconds, default=None, metavar="SECONDS",
                      help="per-query/answer timeout of the live checks (default 3 for blocklists, 8 for the relay test)")


def run(args: argparse.Namespace):
    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult, warn
    from sbskit.core.errors import UserInputError
    from sbskit.core.jobs import JobContext
    from sbskit.core.triage import Answers, EvidenceFile, analyse
    from sbskit.core.triage.render import make_report, to_text

    files = []
    for dest, _, kind, _ in FILE_OPTIONS:
        files.extend(EvidenceFile(path, kind) for path in getattr(args, dest))
    files.extend(EvidenceFile(path) for path in args.evidence)
    answers = Answers()
    for qid, _, _ in ANSWER_OPTIONS:
        value = getattr(args, qid)
        if value:
            answers.set(qid, value)

    last = [-1]

    def progress(done: int, total: int, message: str) -> None:
        step = done * 10 // max(total, 1)
        if step != last[0] and total:
            last[0] = step
            warn(f"{message} ({done * 100 // total}%)")

    def size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0

    if (args.zone or args.dqs_key) and not args.check_blacklist:
        raise UserInputError("--resolver, --zone and --dqs-key belong to --check-blacklist IP "
                             "(--resolver also to --check-maildns DOMAIN)")
    if args.resolver and not (args.check_blacklist or args.check_maildns):
        raise UserInputError("--resolver belongs to --check-blacklist IP or --check-maildns DOMAIN")
    if args.ip and not args.check_maildns:
        raise UserInputError("--ip belongs to --check-maildns DOMAIN")
    live = _live_checks(args, warn)
    # progress on stderr only for imports that take a while (tens of MB)
    big = sum(size(f.path) for f in files) >= PROGRESS_BYTES
    ctx = JobContext(progress=progress) if big else None
    result = analyse(files, answers, args.server_ip, args.local_domain, args.exchange_version, ctx=ctx, live=live)
    doc = result.as_dict()

    # cause found: 1; healthy (positive evidence covering enough): 0; anything less: 3, never 0
    code = {"cause": EXIT_FOUND, "healthy": EXIT_OK}.get(result.outcome, EXIT_INCOMPLETE)
    return CommandResult(code, doc, to_text(result), title="Queue triage", report=make_report(result))


def _live_checks(args: argparse.Namespace, warn):  # noqa: C901 - one branch per check
    """Run the live checks the options ask for (None when none); their lines go to stderr."""
    if not args.check_blacklist and not args.relay_test and not args.check_maildns:
        return None
    from sbskit.core.triage import live as lc

    checks = lc.LiveChecks()
    maildns = _maildns_run(args) if args.check_maildns else None  # bad input fails before any check starts
    if args.check_blacklist:
        ip = lc.check_public_ip(args.check_blacklist)
        if args.relay_test:
            lc.split_host_port(args.relay_test)
        warn(f"Checking {ip} against the blocklists...")
        import os

        dqs_key = args.dqs_key or os.environ.get("SBSKIT_DQS_KEY") or None
        checks.blacklist = lc.run_blacklist(ip, args.resolver, args.zone, args.timeout or 3.0, dqs_key=dqs_key)
        warn(lc.blacklist_summary(checks.blacklist)[1])
    if args.relay_test:
        host, port = lc.split_host_port(args.relay_test)
        warn(f"Relay test of {host} port {port} (MAIL FROM/RCPT TO only, never DATA)...")
        checks.relay = lc.run_relay(host, port, args.timeout or 8.0)
        warn(lc.relay_summary(checks.relay)[1])
    if maildns is not None:
        from sbskit.core.triage.live_maildns import maildns_summary

        warn(f"Checking the mail DNS of {maildns.domain}{' for ' + maildns.ip if maildns.ip else ''}...")
        checks.maildns = maildns.run()
        warn(maildns_summary(checks.maildns)[1])
    return checks


def _maildns_run(args: argparse.Namespace):
    """The Mail DNS run, validated (UserInputError for a bad domain, IP or resolver) but not started.

    The sending IP: --ip, else the --check-blacklist IP, else the first public --server-ip."""
    from sbskit.core.errors import UserInputError
    from sbskit.core.maildns.engine import Options, Run
    from sbskit.core.triage import live as lc

    ip = args.ip or args.check_blacklist or next((s for s in args.server_ip if lc.is_public(s)), None)
    timeout = args.timeout or 3.0
    if timeout > 60:
        raise UserInputError("the timeout must be at most 60 seconds for --check-maildns")
    return Run(args.check_maildns, Options(ip=ip, resolvers=args.resolver, timeout=timeout))

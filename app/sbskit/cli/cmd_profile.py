"""``sbskit-cli profile``: client profiles and the history of their checks, from a script or a phone call.

Saved runs come from the checks' own ``--json`` output, e.g.
``sbskit-cli blacklist 192.0.2.7 --json | sbskit-cli profile record Acme -``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sbskit.cli.common import OneLineArgumentParser

NAME = "profile"
HELP = "client profiles (IPs, domains, mail hosts, notes) and the history of their saved checks"
DESCRIPTION = HELP + ". Profiles live in the data folder (see 'sbskit-cli paths')."

LIST_FIELDS = (("ip", "ips", "public IP address"), ("domain", "domains", "domain"),
               ("mail-host", "mail_hosts", "mail server host name or IP"))


def _frame_options(parser: argparse.ArgumentParser) -> None:
    # --json/--report after the action word too (the frame adds them before it); SUPPRESS keeps
    # "profile --json list" working, because argparse copies sub-parser defaults upwards.
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document")
    parser.add_argument("--report", metavar="FILE", type=Path, default=argparse.SUPPRESS,
                        help="also write a client report (.html or .pdf)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sbskit.cli.common import positive_seconds
    from sbskit.core.profiles.kinds import known_kinds

    kinds = ", ".join(known_kinds())

    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=OneLineArgumentParser)
    sub.required = True

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _frame_options(p)
        return p

    p = action("list", "list the client profiles")
    p.add_argument("--filter", default="", help="only profiles whose name, IP, domain or mail host contains this")

    p = action("show", "show one profile")
    p.add_argument("name", metavar="NAME")

    p = action("add", "add a client profile")
    p.add_argument("name", metavar="NAME")
    for flag, dest, what in LIST_FIELDS:
        p.add_argument(f"--{flag}", dest=dest, action="append", metavar="VALUE", help=f"a {what} (repeatable)")
    p.add_argument("--notes", default="", help="free-text notes")

    p = action("edit", "change a client profile (--ip/--domain/--mail-host replace a list, an empty value clears it; "
                       "--add-/--remove- change it)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--rename", metavar="NEW_NAME", help="give the client a new name")
    for flag, dest, what in LIST_FIELDS:
        p.add_argument(f"--{flag}", dest=dest, action="append", metavar="VALUE", help=f"replace the {what} list")
        p.add_argument(f"--add-{flag}", dest=f"add_{dest}", action="append", default=[], metavar="VALUE",
                       help=f"add a {what}")
        p.add_argument(f"--remove-{flag}", dest=f"remove_{dest}", action="append", default=[], metavar="VALUE",
                       help=f"remove a {what}")
    p.add_argument("--notes", help="replace the notes")

    p = action("remove", "delete a client profile and all its saved runs")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = action("history", "saved runs and what changed since the last visit, per checked item (exit 1: the "
                          "latest visit found a problem; 3: it could not check everything; 0: every item answered, "
                          "nothing wrong). A visit is every run on one day")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--kind", help=f"only runs of this check ({kinds})")
    p.add_argument("--limit", type=_positive_int, default=20, help="how many runs to list (default 20)")

    p = action("runs", "list the saved runs of a client with their ids (for delete-run)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--kind", help=f"only runs of this check ({kinds})")
    p.add_argument("--limit", type=_positive_int, default=100, help="how many runs to list (default 100)")

    p = action("delete-run", "delete one saved run of a client (a check against the wrong resolver, a "
                             "mistyped domain): its results leave the history")
    p.add_argument("name", metavar="NAME")
    p.add_argument("run_id", metavar="RUN_ID", type=_positive_int, help="the run's id (see 'profile runs NAME')")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = action("record", "save a check's JSON output as a run of this client ('-' reads stdin)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--kind", help=f"the check that produced FILE ({kinds}; default: recognised from the document)")
    p.add_argument("--target", help="what was checked (default: taken from the document)")
    p.add_argument("--at", metavar="WHEN", help="when the check ran, ISO 8601, not in the future (default: now; "
                                               "no zone = UTC)")

    p = action("rerun", "run the client's saved checks again (blocklists for its IPs and domains, the mail "
                        "DNS health of its domains, the exposure probe for its mail hosts) and say what changed "
                        "since the last visit")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--resolver", action="append", metavar="IP[:PORT]",
                   help="DNS resolver for the blocklist and mail DNS checks")
    p.add_argument("--zone", action="append", metavar="ZONE", help="only these blocklists (repeatable)")
    p.add_argument("--timeout", type=positive_seconds, default=3.0, metavar="SECONDS",
                   help="per-query DNS timeout (default 3)")
    p.add_argument("--no-probe", action="store_true", help="do not probe the mail hosts")
    p.add_argument("--no-maildns", action="store_true",
                   help="do not check the domains' mail DNS (SPF, DMARC, DKIM, MX, PTR; same resolver and timeout)")
    p.add_argument("--probe-timeout", type=positive_seconds, default=8.0, metavar="SECONDS",
                   help="mail probe timeout per answer (default 8)")

    p = action("export", "write a profile and its history to a JSON file (to move it to another stick)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("file", metavar="FILE", type=Path)

    p = action("import", "add a profile from an exported JSON file")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--as", dest="new_name", metavar="NAME", help="import under another name")
    p.add_argument("--replace", action="store_true", help="replace a profile of the same name")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("must be between 1 and 100000")
    return value


def run(args: argparse.Namespace):
    from sbskit.core.profiles import ProfileStore

    # rerun on a write-protected stick: an in-memory copy, so the new results are compared, not kept
    with ProfileStore(scratch=args.action == "rerun") as store:
        return _ACTIONS[args.action](store, args)


# --- actions -----------------------------------------------------------------------------
def _result(doc, text, title="Client profiles"):
    from sbskit.cli.common import EXIT_OK, CommandResult

    return CommandResult(EXIT_OK, doc, text, title=title)


def _when(ts: str | None) -> str:
    from sbskit.core.profiles.model import local_datetime

    return local_datetime(ts) if ts else "-"


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [headers, *rows]]
    return "\n".join(lines)


def _profile_text(profile, runs: int | None = None, last: str | None = None) -> str:
    lines = [f"Client:      {profile.name}",
             f"Public IPs:  {', '.join(profile.ips) or '-'}",
             f"Domains:     {', '.join(profile.domains) or '-'}",
             f"Mail hosts:  {', '.join(profile.mail_hosts) or '-'}"]
    if runs is not None:
        lines.append(f"Saved runs:  {runs} (last {_when(last)})")
    from sbskit.core.profiles.checklists import checklist_summary

    lines.append(f"POP3 checklist: {checklist_summary(profile.checklist, where='the POP3 risk tab')}")
    if profile.notes:
        lines.append("Notes:")
        lines.extend(f"  {line}" for line in profile.notes.splitlines())
    return "\n".join(lines)


def _list(store, args):
    profiles = store.list_profiles(args.filter)
    doc = {"profiles": [{"name": p.name, "runs": p.runs, "last_run": p.last_run} for p in profiles]}
    if not profiles:
        text = "No client profiles yet." if not args.filter else f"No client profile matches {args.filter!r}."
    else:
        text = _table(["CLIENT", "RUNS", "LAST RUN"], [[p.name, str(p.runs), _when(p.last_run)] for p in profiles])
    return _result(doc, text)


def _summary_of(store, name):
    runs = store.runs(name, limit=1)
    return store.run_count(name), (runs[0].at if runs else None)


def _show(store, args):
    profile = store.get(args.name)
    count, last = _summary_of(store, args.name)
    doc = {"profile": profile.to_json(), "runs": count, "last_run": last}
    return _result(doc, _profile_text(profile, count, last), title=f"Client profile: {profile.name}")


def _add(store, args):
    profile = store.add(args.name, ips=args.ips, domains=args.domains, mail_hosts=args.mail_hosts, notes=args.notes)
    return _result({"profile": profile.to_json()}, f"Added client profile {profile.name!r}.\n" + _profile_text(profile))


def _edit(store, args):
    from sbskit.core.profiles.model import clean_list

    current = store.get(args.name)
    changes = {}
    for _flag, dest, _what in LIST_FIELDS:
        values = getattr(args, dest)
        added, removed = getattr(args, f"add_{dest}"), getattr(args, f"remove_{dest}")
        if values is None and not added and not removed:
            continue
        base = list(values) if values is not None else list(getattr(current, dest))
        drop = set(clean_list(dest, removed))
        missing = drop - set(clean_list(dest, base))
        if missing:
            from sbskit.core.errors import UserInputError

            from sbskit.core.profiles.model import FIELD_LABEL

            raise UserInputError(f"{current.name!r} has no {FIELD_LABEL[dest]} {sorted(missing)[0]!r} to remove")
        changes[dest] = [v for v in clean_list(dest, base + list(added)) if v not in drop]
    if args.notes is not None:
        changes["notes"] = args.notes
    if args.rename is not None:
        changes["new_name"] = args.rename
    if not changes:
        from sbskit.core.errors import UserInputError

        raise UserInputError("nothing to change: give --rename, --notes, or --ip/--domain/--mail-host options")
    profile = store.update(args.name, **changes)
    return _result({"profile": profile.to_json()}, f"Saved client profile {profile.name!r}.\n" + _profile_text(profile))


def _remove(store, args):
    from sbskit.core.errors import UserInputError

    profile = store.get(args.name)
    if not args.yes:
        count = store.run_count(profile.name)
        if not sys.stdin or not sys.stdin.isatty():
            raise UserInputError(f"deleting {profile.name!r} and its {count} saved runs needs --yes to confirm")
        sys.stderr.write(f"Delete client profile {profile.name!r} and its {count} saved runs? [y/N] ")
        sys.stderr.flush()
        answer = sys.stdin.readline(100).strip().lower()
        if answer not in ("y", "yes"):
            raise UserInputError("not deleted")
    runs = store.delete(profile.name)
    return _result({"removed": profile.name, "runs": runs}, f"Deleted client profile {profile.name!r} ({runs} saved runs).")


def _kind(args, store=None, name: str = "") -> str | None:
    """``--kind``: a kind this kit knows (or one this client has runs of, e.g. recorded from a newer kit)."""
    from sbskit.core.profiles.kinds import check_kind, known_kind

    if not args.kind:
        return None
    kind = check_kind(args.kind)
    if store is not None and name and store.runs(name, kind=kind, limit=1):
        return kind
    return known_kind(kind)


def _history(store, args):
    """Exit 1 when the latest visit found a problem, 3 when it could not check everything (or there is
    nothing to judge), 0 only when every item of every latest visit answered and nothing is wrong."""
    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult
    from sbskit.core.profiles.history import run_result
    from sbskit.core.profiles.history_report import history_html, history_text, runs_html
    from sbskit.core.report import Report

    profile = store.get(args.name)
    kind = _kind(args, store, profile.name)
    comparisons = store.comparisons(profile.name, kind=kind)
    runs = store.runs(profile.name, kind=kind, limit=args.limit)
    states = {c.state for c in comparisons} - {"stale"}
    state = "problem" if "problem" in states else "unknown" if "unknown" in states or not states else "ok"
    doc = {
        "profile": profile.name,
        "kind": kind,
        "state": state,
        "comparisons": [c.to_json() for c in comparisons],
        "runs": [{**r.to_json(), "result": run_result(r)} for r in runs],
    }
    report = Report(title=f"Check history: {profile.name}", client=profile.name)
    report.add_html_section("Since the last visit", history_html(comparisons))
    report.add_html_section("Saved runs" if len(runs) < args.limit else f"The latest {len(runs)} saved runs",
                            runs_html(runs))
    code = {"problem": EXIT_FOUND, "unknown": EXIT_INCOMPLETE}.get(state, EXIT_OK)
    return CommandResult(code, doc, history_text(profile.name, comparisons, runs, kind),
                         title=f"Check history: {profile.name}", report=report)


def _runs(store, args):
    from sbskit.core.profiles.history import run_result
    from sbskit.core.profiles.history_report import RUN_HEADERS, run_rows, text_table

    profile = store.get(args.name)
    runs = store.runs(profile.name, kind=_kind(args, store, profile.name), limit=args.limit)
    doc = {"profile": profile.name, "runs": [{**r.to_json(), "result": run_result(r)} for r in runs]}
    text = text_table(RUN_HEADERS, run_rows(runs)) if runs else "No saved runs yet."
    return _result(doc, text, title=f"Saved runs: {profile.name}")


def _delete_run(store, args):
    from sbskit.core.errors import UserInputError
    from sbskit.core.profiles.kinds import spec_or_generic

    profile = store.get(args.name)
    run = store.load_run(args.run_id)
    if run.profile.casefold() != profile.name.casefold():
        raise UserInputError(f"run {args.run_id} is a run of another client, not of {profile.name!r} "
                             f"(see 'sbskit-cli profile runs {profile.name}')")
    what = f"the {spec_or_generic(run.kind).label} of {run.target or '-'} saved {_when(run.at)}"
    if not args.yes:
        if not sys.stdin or not sys.stdin.isatty():
            raise UserInputError(f"deleting {what} needs --yes to confirm")
        sys.stderr.write(f"Delete {what} from {profile.name}'s history? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline(100).strip().lower() not in ("y", "yes"):
            raise UserInputError("not deleted")
    store.delete_run(run.id, profile.name)
    return _result({"profile": profile.name, "deleted": run.to_json()},
                   f"Deleted run {run.id} ({what}) from {profile.name}'s history.")


def _record(store, args):
    from sbskit.core.errors import UserInputError
    from sbskit.core.profiles.kinds import check_kind, guess_kind
    from sbskit.core.profiles.transfer import parse_json_bytes, read_json_file

    if args.file == "-":
        limit = 32_000_000
        raw = sys.stdin.buffer.read(limit + 1)
        if len(raw) > limit:
            raise UserInputError("the result document on stdin is too large (over 32 MB)")
        document = parse_json_bytes(raw, "stdin", "check result")
    else:
        document = read_json_file(Path(args.file), "check result", limit=32_000_000)
    kind = (check_kind(args.kind) if args.kind else None) or guess_kind(document)
    if kind is None:
        raise UserInputError("cannot tell which check produced this document; give --kind")
    from sbskit.core.profiles.model import past_timestamp

    saved = store.add_run(args.name, kind, document, target=args.target, at=past_timestamp(args.at) if args.at else None)
    doc = {"profile": saved.profile, "run": saved.to_json()}
    counts = saved.counts
    text = (f"Saved {saved.kind} run of {saved.target or '-'} for {saved.profile!r} at {_when(saved.at)} "
            f"({_n(counts['problem'], 'problem')}, {counts['ok']} ok, {_n(counts['error'], 'error')}).")
    return _result(doc, text)


def _export(store, args):
    from sbskit.core.profiles.transfer import export_to_file

    profile = store.get(args.name)
    count = export_to_file(store, profile.name, args.file)
    return _result({"profile": profile.name, "file": str(args.file), "runs": count},
                   f"Exported {profile.name!r} with {count} saved runs to {args.file}.")


def _import(store, args):
    from sbskit.core.profiles.transfer import import_from_file

    name, count = import_from_file(store, args.file, new_name=args.new_name, replace=args.replace)
    return _result({"profile": name, "runs": count}, f"Imported {name!r} with {count} saved runs.")


def _rerun(store, args):
    from sbskit.cli.common import EXIT_FOUND, EXIT_INCOMPLETE, EXIT_OK, CommandResult
    from sbskit.core.dnsbl.engine import Options
    from sbskit.core.profiles.rerun import rerun_saved_checks

    options = Options(resolvers=args.resolver, zones=args.zone, timeout=args.timeout)
    result = rerun_saved_checks(store, args.name, blacklist_options=options, probe_mail_hosts=not args.no_probe,
                                maildns=not args.no_maildns,
                                probe_timeout=args.probe_timeout)
    code = {"problem": EXIT_FOUND, "unknown": EXIT_INCOMPLETE}.get(result.state, EXIT_OK)
    return CommandResult(code, result.to_json(), result.text(), title=f"Re-check: {result.profile}")


_ACTIONS = {
    "rerun": _rerun,
    "runs": _runs,
    "delete-run": _delete_run,
    "list": _list,
    "show": _show,
    "add": _add,
    "edit": _edit,
    "remove": _remove,
    "history": _history,
    "record": _record,
    "export": _export,
    "import": _import,
}

"""Re-run a client's saved checks in one go, on the next visit, and say what changed.

The blocklist sweep covers the profile's public IPs and domains; the Mail DNS health check
each domain (for the profile's first public IP, the server that sends); the exposure probe
its mail hosts on the probe's standard ports. Each target is saved as its own run; history compares per checked item anyway
(see history.py), so a re-run compares with recorded multi-target runs too. The comparisons
of every target the re-run checked come back ready for the CLI, the dialog and the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext, null_context


@dataclass
class RerunResult:
    profile: str
    runs: list[tuple[str, str]] = field(default_factory=list)  # (kind, target) saved
    sentences: list[str] = field(default_factory=list)  # per check: its verdict, then what changed
    problems: list[str] = field(default_factory=list)  # checks that could not run, in plain words
    problems_now: int = 0  # listings, risky findings ... in the runs just made
    incomplete: int = 0  # runs just made that could not check everything (some or all items failed)
    saved: bool = True  # False on a write-protected stick: compared with the history, not kept
    comparisons: list = field(default_factory=list)  # one per target checked (history.Comparison)
    lead: list[str] = field(default_factory=list)  # said first: the resolver problem when it is the cause, the resolver asked

    @property
    def state(self) -> str:
        """``problem``, ``unknown`` (something could not be checked) or ``ok`` (every item answered, none wrong)."""
        if self.problems_now:
            return "problem"
        if self.problems or self.incomplete or not self.runs:
            return "unknown"
        return "ok"

    def lines(self) -> list[str]:
        """What the CLI prints and the GUI shows: never "nothing changed" unless every check answered."""
        lines = list(self.sentences)
        if self.state == "ok" and not lines:
            lines.append("Nothing listed or changed since the last visit.")
        lines += [f"Could not run: {problem}" for problem in self.problems]
        if not self.saved:
            lines.append("Not saved: the kit's folder is write-protected (compared with the saved history only).")
        if self.state == "unknown":
            lines.append("Not every check could answer: this visit cannot say the client is clean.")
        return lines

    def text(self) -> str:
        """The plain text the CLI prints and the re-run dialog copies."""
        return "\n".join([f"Re-ran {len(self.runs)} check(s) for {self.profile}.", *(f"  {line}" for line in self.lead),
                          *(f"  {line}" for line in self.lines())])

    def to_json(self) -> dict[str, Any]:
        return {"profile": self.profile, "runs": [{"kind": k, "target": t} for k, t in self.runs],
                "state": self.state, "since_last_visit": self.sentences, "problems": self.problems,
                "problems_now": self.problems_now, "incomplete": self.incomplete, "saved": self.saved,
                "comparisons": [c.to_json() for c in self.comparisons]}


def split_blacklist_doc(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One ``blacklist --json`` document per target, each a complete document of its own."""
    shared = {k: v for k, v in doc.items() if k != "targets"}
    return [{**shared, "targets": [target]} for target in doc.get("targets", [])]


def maildns_options_from(blacklist_options):
    """The Mail DNS check asks the same resolver as the blocklist sweep (the one the admin set), same timeout."""
    from sbskit.core.maildns.engine import DEFAULT_TIMEOUT, Options

    resolvers = list(getattr(blacklist_options, "resolvers", None) or [])
    timeout = float(getattr(blacklist_options, "timeout", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT)
    return Options(resolvers=resolvers, timeout=min(max(timeout, 0.1), 60.0))


def sending_ip(profile) -> str | None:
    """The profile's first public IP address: the server whose SPF result and PTR the Mail DNS check judges."""
    import ipaddress

    from sbskit.core.maildns.names import is_public

    for value in profile.ips:
        try:
            if is_public(ipaddress.ip_address(value)):
                return str(ipaddress.ip_address(value))
        except ValueError:
            continue  # a range, not one address
    return None


def _rerun_maildns(store, profile, result: RerunResult, options, ctx: JobContext, done: int, steps: int) -> int:
    from sbskit.core.maildns.engine import Options, Run

    ip = sending_ip(profile)
    for domain in profile.domains:
        ctx.check()
        ctx.progress(done, steps, f"Checking the mail DNS of {domain}")
        try:
            run_options = Options(ip=ip, selectors=options.selectors, resolvers=options.resolvers,
                                  timeout=options.timeout, helo=options.helo)
            doc = Run(domain, run_options).run(JobContext(is_cancelled=ctx.is_cancelled))
        except UserInputError as exc:
            result.problems.append(f"mail DNS check of {domain}: {exc}")
        else:
            run = store.add_run(profile.name, "maildns", doc)
            result.runs.append(("maildns", run.target))
        done += 1
    return done


def rerun_saved_checks(store, name: str, *, blacklist_options=None, probe_mail_hosts: bool = True,
                       probe_timeout: float = 8.0, maildns: bool = True, maildns_options=None,
                       ctx: JobContext | None = None) -> RerunResult:
    """Run the profile's checks, save every run to ``store``, and compare with the last visit.

    ``maildns_options`` (resolvers, timeout) default to the blocklist sweep's, so both ask
    the DNS server the admin chose.
    """
    ctx = ctx or null_context()
    profile = store.get(name)
    result = RerunResult(profile.name, saved=not getattr(store, "read_only", False))
    first_new = store.last_run_id()  # the comparisons cover what this re-run saves, whatever target it found
    targets = list(profile.ips) + list(profile.domains)
    hosts = list(profile.mail_hosts) if probe_mail_hosts else []
    mail_domains = list(profile.domains) if maildns else []
    if not targets and not hosts:
        raise UserInputError(f"the profile {profile.name!r} has no IP addresses, domains or mail hosts to check")
    steps, done = len(hosts) + len(mail_domains) + (1 if targets else 0), 0
    if targets:
        from sbskit.core.dnsbl.engine import check

        ctx.progress(done, steps, f"Checking {len(targets)} address(es) and domain(s) against blocklists")
        try:
            doc = check(targets, blacklist_options, ctx=JobContext(is_cancelled=ctx.is_cancelled))
        except UserInputError as exc:
            result.problems.append(f"blocklist check: {exc}")
        else:
            for part in split_blacklist_doc(doc):
                run = store.add_run(profile.name, "blacklist", part)
                result.runs.append(("blacklist", run.target))
        done += 1
    if mail_domains:
        done = _rerun_maildns(store, profile, result, maildns_options or maildns_options_from(blacklist_options), ctx,
                              done, steps)
    for host in hosts:
        ctx.check()
        ctx.progress(done, steps, f"Probing the mail server {host}")
        from sbskit.core.mailprobe.probe import run_probe

        try:
            # the probe's standard ports (ports=None), never just what the last visit found open: a port opened
            # since then is seen (tests/profiles/test_profiles_rerun_ports.py)
            report = run_probe(host, timeout=probe_timeout, ctx=JobContext(is_cancelled=ctx.is_cancelled))
        except UserInputError as exc:
            result.problems.append(f"mail probe of {host}: {exc}")
        else:
            run = store.add_run(profile.name, "mailprobe", report.to_dict())
            result.runs.append(("mailprobe", run.target))
        done += 1
    ctx.check()
    ctx.progress(steps, steps, "Comparing with the last visit")
    compare_new_runs(store, result, first_new)
    return result


def compare_new_runs(store, result: RerunResult, first_new: int) -> None:
    """Every target a run saved after run id ``first_new`` checked, against its last visit (per item)."""
    for comparison in store.comparisons(result.profile):
        if not comparison.stale and max(comparison.run_ids) > first_new:
            result.comparisons.append(comparison)
            result.sentences.extend(comparison.report_lines())
            result.problems_now += len(comparison.listed_now)
            result.incomplete += comparison.coverage.state != "complete"

"""Run the triage: sniff and read every file, run the detectors, weigh in the answers.

Files are read one after another with bounded memory; a file that cannot be used gets
its own message and the others are still analysed. Firewall logs are read last so the
mail server's own address, learnt from the Exchange logs, is not named as a culprit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext
from sbskit.core.triage import outcome as outcomes
from sbskit.core.triage import plan as plans
from sbskit.core.triage.answers import Answers, prior_logits
from sbskit.core.triage.contradict import SMART_HOST_KINDS, contradicted
from sbskit.core.triage.detectors import DETECTORS
from sbskit.core.triage.evidence import Evidence, ip_kind
from sbskit.core.triage.live import LiveChecks, effects, listed_answer
from sbskit.core.triage.live_maildns import maildns_effect
from sbskit.core.triage.model import CAUSES, DIAGNOSIS_THRESHOLD, FINDING_THRESHOLD, Finding, InputSummary, sigmoid
from sbskit.core.triage.notes import noteworthy
from sbskit.core.triage.outcome import Coverage
from sbskit.core.triage.platform import EX2003_FORMATS, Platform, detect_platform, platform_for
from sbskit.core.triage.read_ex2003 import read_ex2003
from sbskit.core.triage.read_firewall import read_filterlog, read_firewall_csv, read_windows_firewall
from sbskit.core.triage.read_protocol import read_iis_smtp, read_receive_log, read_send_log
from sbskit.core.triage.read_lasterror import read_lasterror, read_replies
from sbskit.core.triage.read_ndr import read_ndr
from sbskit.core.triage.read_pasted import read_pasted
from sbskit.core.triage.read_postfix_text import read_mailq, read_maillog
from sbskit.core.triage.read_queues import read_get_message, read_get_queue, read_postfix_queue
from sbskit.core.triage.read_tracking import read_tracking
from sbskit.core.triage.readers_base import ReadResult
from sbskit.core.triage.sniff import FORMAT_KIND, FORMAT_NAMES, Sniffed, sniff_file
from sbskit.core.triage.textio import Progress, TextSource
from sbskit.core.triage.versions import VERSION_CHOICES, exchange_version_from_build

MAX_REPLY_GROUPS_SHOWN = 60
RELAY_NAMED = re.compile(r"(?:\bserver |\bhost |\brelay=)([A-Za-z0-9][\w.-]*\.[A-Za-z]{2,})\[")
SPAM_SOURCES = {"authenticated_relay", "open_relay", "compromised_workstation", "ndr_backscatter"}

READERS = {
    "exchange_tracking": read_tracking,
    "exchange_tracking_csv": read_tracking,
    "smtp_receive_log": read_receive_log,
    "smtp_send_log": read_send_log,
    "iis_smtp_log": read_iis_smtp,
    "get_queue_csv": read_get_queue,
    "get_message_csv": read_get_message,
    "postfix_queue_json": read_postfix_queue,
    "exchange2003_tracking": read_ex2003,
    "windows_firewall_log": read_windows_firewall,
    "filterlog": read_filterlog,
    "firewall_csv": read_firewall_csv,
    "get_queue_table": read_pasted,
    "get_message_table": read_pasted,
    "tracking_table": read_pasted,
    "postfix_mailq": read_mailq,
    "postfix_maillog": read_maillog,
    "ndr_text": read_ndr,
    "queue_lasterror": read_lasterror,
    "pasted_replies": read_replies,
}
FIREWALL_FORMATS = {"windows_firewall_log", "filterlog", "firewall_csv"}


@dataclass
class EvidenceFile:
    """A file the admin handed in, with what they think it is ('' when they did not say)."""

    path: Path
    kind_given: str = ""


@dataclass
class TriageResult:
    inputs: list[InputSummary]
    findings: list[Finding]
    scores: dict[str, dict]
    missing: list[dict]
    answers: Answers
    exchange_version: str | None
    version_source: str
    evidence_used: bool
    server_ips: list[str] = field(default_factory=list)
    local_domains: list[str] = field(default_factory=list)
    live: LiveChecks | None = None
    outcome: str = "not_enough_evidence"  # "cause" | "healthy" | "not_enough_evidence"
    coverage: Coverage = field(default_factory=Coverage)
    platform: Platform | None = None
    noteworthy: list[dict] = field(default_factory=list)
    replies: list[dict] = field(default_factory=list)
    answers_only: bool = False

    @property
    def diagnosis(self) -> bool:
        return self.outcome == "cause"

    @property
    def exit_code(self) -> int:
        """1 cause found, 0 healthy, 3 not enough evidence (or a live check could not finish)."""
        if self.outcome == "cause":
            return 1
        return 0 if self.outcome == "healthy" else 3

    @property
    def rests_on(self) -> str:
        return outcomes.rests_on(self.coverage) if self.outcome == "healthy" else ""

    def verdict(self) -> str:
        top = self.findings[0] if self.findings else None
        return outcomes.verdict(self.outcome, top.title if top else "", top.confidence if top else 0.0,
                                self.coverage, len(self.findings), self.answers_only, self.noteworthy,
                                sum(1 for i in self.inputs if not i.usable and not i.empty))

    def as_dict(self) -> dict:
        return {
            "inputs": [i.as_dict() for i in self.inputs],
            "findings": [f.as_dict() for f in self.findings],
            "outcome": self.outcome,
            "verdict": self.verdict(),
            "rests_on": self.rests_on,
            "diagnosis": self.diagnosis,
            "coverage": self.coverage.as_dict(),
            "platform": self.platform.id if self.platform else "unknown",
            "platform_detail": self.platform.as_dict() if self.platform else {},
            "replies": self.replies,
            "noteworthy": self.noteworthy,
            "scores": self.scores,
            "answers": self.answers.as_dict(),
            "derived_answers": self.answers.derived,
            "exchange_version": self.exchange_version,
            "exchange_version_source": self.version_source,
            "server_ips": self.server_ips,
            "local_domains": self.local_domains,
            "missing_evidence": self.missing,
            "live_checks": self.live.as_dict() if self.live is not None else {},
        }


def _read_one(info: Sniffed, ev: Evidence, progress: Progress) -> ReadResult:
    reader = READERS[info.format]
    before = dict(ev.platforms)
    with TextSource(info.path, info.encoding.codec, info.indent) as source:
        progress.start_file(source, info.path.name)
        result = reader(source, info, ev, progress, str(info.path))  # evidence names the file as given
    progress.end_file(info.size)
    grown = [family for family in ("postfix", "exchange") if ev.platforms[family] > before.get(family, 0)]
    if len(grown) == 1:  # which mail system this file's evidence comes from: its causes get that one's commands
        ev.file_platforms[str(info.path)] = grown[0]
    return result


def read_evidence(
    files: Iterable[EvidenceFile | Path | str],
    ev: Evidence,
    ctx: JobContext | None = None,
) -> list[InputSummary]:
    """Sniff and read each file into ``ev``; one InputSummary per file, in the given order.

    ``ctx.result`` receives each InputSummary as soon as its file is done.
    """
    items = [f if isinstance(f, EvidenceFile) else EvidenceFile(Path(f)) for f in files]
    sniffed = [sniff_file(item.path) for item in items]
    total = sum(s.size for s in sniffed if s.usable)
    progress = Progress(ctx, total)
    order = sorted(range(len(items)), key=lambda i: (sniffed[i].format in FIREWALL_FORMATS, i))
    summaries: dict[int, InputSummary] = {}
    for index in order:
        info, item = sniffed[index], items[index]
        problems = list(info.problems)
        result = ReadResult()
        if info.usable:
            try:
                result = _read_one(info, ev, progress)
            except OSError as exc:
                problems.append(f"reading stopped: {exc.strerror or exc}")
            problems.extend(result.problems)
            if result.records or not result.skipped:  # a header-only log still names its mail system
                ev.formats[info.format] += result.records
                version = exchange_version_from_build(info.version)
                if version:
                    ev.versions[version] += 1
                elif info.format in EX2003_FORMATS and not result.records:
                    ev.versions["2003"] += 1
            kind = FORMAT_KIND[info.format]
            if info.indent:
                problems.append("every line was indented or quoted (pasted from a mail?): read without the indent")
            if item.kind_given and item.kind_given != kind:
                problems.append(f"given as a {item.kind_given} but it is a {FORMAT_NAMES[info.format]}; read as such")
        summary = InputSummary(
            file=str(item.path),
            format=info.format if info.usable else None,
            format_name=FORMAT_NAMES.get(info.format or "", "not recognised"),
            encoding=info.encoding.label if info.encoding else "",
            newline=info.newline,
            records=result.records,
            skipped=result.skipped,
            problems=problems,
            kind_given=item.kind_given,
        )
        summaries[index] = summary
        if ctx is not None:
            ctx.result(summary)
    if ctx is not None:
        ctx.progress(1000, 1000, "Files read")
    return [summaries[i] for i in range(len(items))]


def diagnose(
    ev: Evidence,
    inputs: list[InputSummary],
    answers: Answers,
    exchange_version: str | None = None,
    live: LiveChecks | None = None,
) -> TriageResult:
    """Detectors plus answers plus live checks -> ranked findings, an outcome, plans and missing evidence.

    ``answers`` is not changed: answers the evidence supplies go into a copy. A live
    blocklist listing overrides the admin's answer to "is the IP listed?"; a clean live
    check only fills in an answer the admin left open. A cause counts as found only when
    its evidence supports it: answers alone never make one.
    """
    given = dict(answers.values)
    answers = Answers(dict(answers.values))
    listed = ev.replies.weight("outbound", "blocklist")
    if answers.get("ip_listed") is None and listed:
        answers.values["ip_listed"] = "yes"
        answers.derived["ip_listed"] = f"remote servers refused mail because of a blocklist ({listed} message(s))"
    settled = listed_answer(live)
    if settled and (settled[0] == "yes" or answers.get("ip_listed") is None):
        answers.values["ip_listed"], answers.derived["ip_listed"] = settled
    live_effects = effects(live)
    assessments = [detector.detect(ev) for detector in DETECTORS]
    verbatim = {a.cause for a in assessments if a.verbatim}
    priors = prior_logits(answers, verbatim)
    # the refusals that answered "is the IP listed?" are the blocklisted detector's own evidence: not twice
    priors["blocklisted"] = prior_logits(Answers(given), verbatim)["blocklisted"]
    contradictions = contradicted(ev, Answers(given))
    platform = detect_platform(ev, exchange_version)
    evidence_used = any(i.usable for i in inputs)
    has_live = live is not None and live.any()
    findings: list[Finding] = []
    scores: dict[str, dict] = {}
    confirmed: set[str] = set()
    platform_of: dict[str, Platform] = {}
    for assessment in assessments:
        cause = assessment.cause
        _add_live(assessment, [e for e in live_effects if e.cause == cause])
        if cause == "mail_dns" and live is not None:
            _add_maildns(assessment, maildns_effect(live.maildns, assessment.kinds))
        prior, prior_reasons = priors[cause]
        if cause in verbatim:
            prior_reasons = contradictions.get(cause, []) + prior_reasons
        confidence = sigmoid(prior + assessment.logit)
        scores[cause] = {
            "confidence": round(confidence, 2),
            "prior": round(sigmoid(prior), 2),
            "evidence_logit": round(assessment.logit, 2),
            "reasons": assessment.facts + prior_reasons,
        }
        if confidence >= DIAGNOSIS_THRESHOLD and assessment.logit > 0 and (evidence_used or has_live):
            confirmed.add(cause)
        if confidence < FINDING_THRESHOLD:
            continue
        info = plans.cause_info(cause)
        fills = _fills(cause, assessment, ev, live)
        own = platform_of[cause] = _finding_platform(assessment, ev, exchange_version, platform)
        steps = plans.plan_for(cause, own.plan_version, fills, assessment.kinds)
        strong = assessment.facts[:3]
        if strong:
            summary = " ".join(strong)
        else:
            summary = "From your answers: " + "; ".join(r[2:].split(" (you answered")[0].split(" (the evidence says")[0] for r in prior_reasons[:3]) + "."
        findings.append(
            Finding(
                cause=cause,
                title=info["title"],
                confidence=confidence,
                summary=summary,
                reasons=assessment.facts + prior_reasons,
                evidence=assessment.evidence,
                subjects=assessment.subjects,
                actions=plans.action_lines(steps),
                plan=steps,
                confirmed=cause in confirmed,
                platform=own.name,
            )
        )
    sources = confirmed & SPAM_SOURCES
    if "blocklisted" in confirmed and sources:
        # the listing is what the spam source led to: name the source first, the listing after it
        for f in findings:
            if f.cause == "blocklisted":
                f.reasons.append("This follows from " + " and ".join(plans.cause_info(c)["title"].lower() for c in sorted(sources))
                                 + ": stop that first, then delist.")
    findings.sort(key=lambda f: (f.cause not in confirmed, f.cause == "blocklisted" and bool(sources),
                                 -f.confidence, CAUSES.index(f.cause)))
    unreadable = [Path(i.file).name for i in inputs if not i.usable and not i.empty]
    empty = [Path(i.file).name for i in inputs if i.empty]
    cov = outcomes.coverage(ev, unreadable, given, live is not None and live.incomplete(), empty)
    if confirmed:
        outcome = "cause"
    elif not findings and not cov.gaps:
        outcome = "healthy"
    else:
        outcome = "not_enough_evidence"
    present = {fmt for fmt, n in ev.formats.items() if n}
    wanted = [f.cause for f in findings] or list(CAUSES)
    # the evidence to collect next, in the words of the mail system behind the leading cause
    lead = platform_of[findings[0].cause] if findings else platform
    missing = plans.missing_evidence(wanted, present, lead.plan_version)
    return TriageResult(
        inputs=inputs,
        findings=findings,
        scores=scores,
        missing=missing,
        answers=answers,
        exchange_version=platform.plan_version if platform.plan_version not in ("postfix", "other") else None,
        version_source=platform.version_source,
        evidence_used=evidence_used,
        server_ips=sorted(set(ev.server_ips) | set(ev.seen_server_ips)),
        local_domains=sorted(ev.local_domains())[:20],
        live=live,
        outcome=outcome,
        coverage=cov,
        platform=platform,
        noteworthy=noteworthy(ev),
        replies=[g.as_dict(platform.id if platform.id == "postfix" else "")
                 for g in ev.replies.ordered()[:MAX_REPLY_GROUPS_SHOWN]],
        answers_only=not any(i.usable or i.empty for i in inputs) and not has_live,
    )


def _finding_platform(assessment, ev: Evidence, given: str | None, overall: Platform) -> Platform:
    """In a mixed set (Exchange logs next to a Postfix queue), a cause found only in one mail system's
    evidence gets that system's commands, whatever most of the evidence comes from."""
    families = {ev.file_platforms[line.file] for line in assessment.evidence if line.file in ev.file_platforms}
    if len(families) != 1:
        return overall
    family = families.pop()
    if (family == "postfix") == (overall.plan_version == "postfix"):
        return overall
    return platform_for(family, ev, given, overall)


def _add_maildns(assessment, effect) -> None:
    """The live Mail DNS check confirms (records wrong now) or weakens (in order now) the DNS cause."""
    if effect is None:
        return
    assessment.logit += effect.logit
    assessment.facts.insert(0, effect.fact)
    assessment.evidence[:0] = effect.lines


def _add_live(assessment, live_effects) -> None:
    """Live results go first: they describe the server as it is now."""
    facts = [e.fact for e in live_effects if e.fact]
    assessment.logit += sum(e.logit for e in live_effects)
    assessment.facts[:0] = facts
    assessment.evidence[:0] = [e.line for e in live_effects if e.line is not None]


def _fills(cause: str, assessment, ev: Evidence, live: LiveChecks | None) -> dict[str, str]:
    """Names for the plan's placeholders: the abused account, the sender, our domain, the smart host, the IP."""
    fills: dict[str, str] = {}
    domains = sorted(ev.local_domains())
    if len(domains) == 1:
        fills["<DOMAIN>"] = domains[0]
    elif not domains and cause == "mail_dns":  # the domain our queued mail is sent from
        senders = sorted(ev.table("queued_by_sender").items(), key=lambda kv: -kv[1].count)
        if senders and "@" in senders[0][0]:
            fills["<DOMAIN>"] = senders[0][0].rsplit("@", 1)[1]
    if live is not None and live.blacklist and live.blacklist.get("targets"):
        fills["<PUBLIC-IP>"] = live.blacklist["targets"][0].get("target", "")
    if live is not None and live.maildns:  # the domain and address the Mail DNS check was run for
        fills.setdefault("<DOMAIN>", live.maildns.get("domain") or "")
        if live.maildns.get("ip") and not fills.get("<PUBLIC-IP>"):
            fills["<PUBLIC-IP>"] = live.maildns["ip"]
    if cause == "configuration_error":
        own = [s for s in assessment.subjects if "." in s and not s[:1].isdigit()]
        if "relay_denied_own" in assessment.kinds and own:
            fills["<DOMAIN>"] = own[-1]
        hops = [r["next_hop"].strip("[]") for r in ev.queue_rows
                if r.get("delivery", "").startswith("SmartHost") and r.get("next_hop")]
        # Postfix names the relay host in its reason: 'SASL authentication failed; server smtp.x[192.0.2.7] said: 535'
        hops += [m.group(1) for g in ev.replies.supporting(cause) if g.reply.category in SMART_HOST_KINDS
                 for text in [g.example] + [line.text for line in g.samples] for m in [RELAY_NAMED.search(text)] if m]
        if hops:
            fills["<SMARTHOST>"] = hops[0]
    subjects = assessment.subjects
    if cause != "authenticated_relay" or not subjects:
        return fills
    account = subjects[0]
    if account.startswith(("guessing", "(")):
        return fills
    if "@" in account:
        fills["<SENDER>"] = account
        fills["<USER>"] = account.split("@", 1)[0]
    else:
        fills["<USER>"] = account.split("\\")[-1]
        senders = ev.table("auth_sender").get(account)
        if senders and len(senders.values) == 1:
            fills["<SENDER>"] = next(iter(senders.values))
    return fills


def analyse(
    files: Iterable[EvidenceFile | Path | str] = (),
    answers: Answers | None = None,
    server_ips: Iterable[str] = (),
    local_domains: Iterable[str] = (),
    exchange_version: str | None = None,
    ctx: JobContext | None = None,
    live: LiveChecks | None = None,
) -> TriageResult:
    """The whole triage. Raises UserInputError when there is nothing to work with."""
    answers = answers or Answers()
    files = list(files)
    ips = set()
    for ip in server_ips:
        if not ip_kind(ip.strip()):
            raise UserInputError(f"not an IP address: {ip!r}")
        ips.add(ip.strip())
    if exchange_version and exchange_version not in VERSION_CHOICES:
        raise UserInputError(f"unknown Exchange version {exchange_version!r}; use one of {', '.join(VERSION_CHOICES)}")
    has_live = live is not None and live.any()
    if not files and not answers.any_given() and not has_live:
        raise UserInputError("nothing to analyse: give evidence files, answer the symptom questions or run a live check")
    ev = Evidence(server_ips=ips, declared_local={d.strip().lower() for d in local_domains if d.strip()})
    inputs = read_evidence(files, ev, ctx)
    if files and not any(i.usable or i.empty for i in inputs) and not answers.any_given() and not has_live:
        reasons = "; ".join(f"{Path(i.file).name}: {i.problems[0] if i.problems else 'no records'}" for i in inputs)
        raise UserInputError(f"none of the files could be used ({reasons})")
    return diagnose(ev, inputs, answers, exchange_version, live)

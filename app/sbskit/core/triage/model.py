"""Results the triage hands to the CLI, the GUI and the report."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sbskit.core.triage.evidence import Line

CAUSES = (
    "ndr_backscatter",
    "directory_harvest",
    "authenticated_relay",
    "open_relay",
    "compromised_workstation",
    "configuration_error",
    "blocklisted",
    "mail_dns",
)
OUTCOMES = ("cause", "healthy", "not_enough_evidence")

FINDING_THRESHOLD = 0.35  # shown as a possible cause
DIAGNOSIS_THRESHOLD = 0.5  # a diagnosis: the CLI exits 1


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass
class Assessment:
    """What one detector concluded from the evidence (before the answers are added)."""

    cause: str
    logit: float = 0.0  # evidence for (+) or against (-) the cause, in log-odds
    facts: list[str] = field(default_factory=list)  # plain-words reasons, for and against
    evidence: list[Line] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)  # named hosts, accounts, addresses
    kinds: list[str] = field(default_factory=list)  # reply categories behind the cause: pick the plan's steps
    verbatim: bool = False  # a receiver stated this cause in its reply: answers cannot argue it away

    def add(self, logit: float, fact: str) -> None:
        self.logit += logit
        self.facts.append(fact)


@dataclass
class Finding:
    cause: str
    title: str
    confidence: float
    summary: str
    reasons: list[str]
    evidence: list[Line]
    subjects: list[str]
    actions: list[str]
    plan: list[dict]
    confirmed: bool = False  # the evidence supports it and it reaches the diagnosis threshold
    platform: str = ""  # the mail system whose commands the plan gives (that of the evidence behind it)

    def as_dict(self) -> dict:
        return {
            "cause": self.cause,
            "title": self.title,
            "confidence": round(self.confidence, 2),
            "summary": self.summary,
            "reasons": self.reasons,
            "subjects": self.subjects,
            "evidence": [line.as_dict() for line in self.evidence],
            "actions": self.actions,
            "plan": self.plan,
            "confirmed": self.confirmed,
            "platform": self.platform,
        }


@dataclass
class InputSummary:
    file: str
    format: str | None
    format_name: str
    encoding: str
    newline: str
    records: int
    skipped: int
    problems: list[str]
    kind_given: str = ""

    @property
    def usable(self) -> bool:
        return self.format is not None and self.records > 0

    @property
    def empty(self) -> bool:
        """Recognised and read cleanly, but without a single record (a log of a day without mail, a header)."""
        return self.format is not None and self.records == 0 and self.skipped == 0

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "format": self.format,
            "format_name": self.format_name,
            "encoding": self.encoding,
            "line_endings": self.newline,
            "records": self.records,
            "skipped": self.skipped,
            "problems": self.problems,
        }

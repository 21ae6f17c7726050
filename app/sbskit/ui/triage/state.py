"""What the triage wizard's pages share: the answers, the files, the evidence, the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from sbskit.core.triage import Answers, EvidenceFile, TriageResult
from sbskit.core.triage.engine import diagnose
from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.live import LiveChecks
from sbskit.core.triage.model import InputSummary


@dataclass
class TriageState:
    answers: Answers = field(default_factory=Answers)
    files: list[EvidenceFile] = field(default_factory=list)
    inputs: list[InputSummary] = field(default_factory=list)
    evidence: Evidence = field(default_factory=Evidence)
    server_ips: list[str] = field(default_factory=list)
    local_domains: list[str] = field(default_factory=list)
    exchange_version: str | None = None
    live: LiveChecks = field(default_factory=LiveChecks)  # the live checks that finished
    result: TriageResult | None = None
    sample: bool = False  # the data are the generated sample, not the admin's server

    def reset(self) -> None:
        """Everything back to a new triage's (the wizard's Start over)."""
        fresh = TriageState()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))

    def reset_evidence(self) -> None:
        self.inputs = []
        self.evidence = Evidence()

    def run_diagnosis(self) -> TriageResult:
        """Detectors and answers over what was imported (fast: counters only, no file access)."""
        self.evidence.server_ips = set(self.server_ips)
        self.evidence.declared_local = {d.lower() for d in self.local_domains}
        self.result = diagnose(self.evidence, self.inputs, self.answers, self.exchange_version, self.live)
        return self.result

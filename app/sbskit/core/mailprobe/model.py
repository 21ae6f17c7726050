"""The probe's results as plain data: one :class:`ServiceResult` per port, with findings.

Kept separate from the protocol code so the CLI, the GUI, the memo and the tests all
read the same shapes, and ``to_dict`` is the JSON contract of ``sbskit-cli mailprobe``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("high", "medium", "low", "info")


@dataclass
class Finding:
    id: str
    severity: str  # high / medium / low / info
    title: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "title": self.title, "detail": self.detail}


@dataclass(frozen=True)
class ServiceSpec:
    """Which service to check on which port, and how TLS starts there."""

    name: str  # POP3, POP3S, IMAP, IMAPS, SMTP, Submission, SMTPS
    protocol: str  # pop3 / imap / smtp
    port: int
    tls: str  # none (STARTTLS may be offered) / implicit


@dataclass
class ServiceResult:
    name: str
    protocol: str
    port: int
    reachable: bool = False
    tls: str = "none"  # none / starttls / implicit
    cleartext_login_before_tls: bool | None = None
    capabilities: list[str] = field(default_factory=list)
    capabilities_after_tls: list[str] = field(default_factory=list)
    banner: str = ""
    certificate: dict[str, Any] | None = None
    tls_session: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)
    status: str = "not-reachable"  # ok / not-reachable / error
    error: str | None = None  # ProbeError.kind when not ok
    detail: str = ""
    login_test: str = ""  # what the made-up-user test showed, in words
    login_offered_before_tls: list[str] = field(default_factory=list)  # USER, LOGIN, AUTH PLAIN...
    ntlm: dict[str, Any] | None = None
    ptr: dict[str, Any] | None = None
    seconds: float = 0.0
    transcript: list[str] = field(default_factory=list)

    def add(self, fid: str, severity: str, title: str, detail: str = "") -> None:
        if not any(f.id == fid for f in self.findings):
            self.findings.append(Finding(fid, severity, title, detail))

    @property
    def label(self) -> str:
        return f"{self.name} ({self.port})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "protocol": self.protocol,
            "port": self.port,
            "reachable": self.reachable,
            "status": self.status,
            "error": self.error,
            "detail": self.detail,
            "tls": self.tls,
            "cleartext_login_before_tls": self.cleartext_login_before_tls,
            "login_test": self.login_test,
            "login_offered_before_tls": list(self.login_offered_before_tls),
            "capabilities": list(self.capabilities),
            "capabilities_after_tls": list(self.capabilities_after_tls),
            "banner": self.banner,
            "tls_session": self.tls_session,
            "certificate": self.certificate,
            "ntlm": self.ntlm,
            "ptr": self.ptr,
            "findings": [f.to_dict() for f in self.findings],
            "seconds": round(self.seconds, 3),
            "transcript": list(self.transcript),
        }


@dataclass
class ProbeReport:
    host: str
    services: list[ServiceResult] = field(default_factory=list)
    risk: str = "unknown"
    reasons: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def incomplete(self) -> bool:
        return self.cancelled or any(s.status == "error" for s in self.services)

    def to_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "services": [s.to_dict() for s in self.services],
            "risk": self.risk,
            "reasons": list(self.reasons),
            "complete": not self.incomplete,
        }

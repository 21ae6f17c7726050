"""The probe's results as plain data: one :class:`ServiceResult` per port, with findings.

Kept separate from the protocol code so the CLI, the GUI, the memo and the tests all
read the same shapes, and ``to_dict`` is the JSON contract of ``sbskit-cli mailprobe``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("high", "medium", "low", "info", "good")  # "good": a defence seen working, e.g. a login delay

QUESTIONS = {  # what one service's check tries to learn, in the order the dialogues ask it
    "greeting": "Does a mail server answer on this port?",
    "capabilities": "What does it offer before TLS?",
    "tls": "Which TLS and certificate does it use?",
    "after-tls": "What does it offer after TLS?",
    "login": "Does it take a password before TLS?",
    "trust": "Is the certificate trusted?",
    "legacy-tls": "Does it still accept TLS 1.0 or 1.1?",
}


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
    status: str = "not-reachable"  # ok / partial (some questions open) / not-reachable / error
    error: str | None = None  # ProbeError.kind when not ok
    detail: str = ""
    login_test: str = ""  # what the made-up-user test showed, in words
    login_offered_before_tls: list[str] = field(default_factory=list)  # USER, LOGIN, AUTH PLAIN...
    starttls_offered: bool | None = None  # STARTTLS/STLS in the capabilities (None: not learned)
    login_proof: dict[str, str] | None = None  # the decisive answer that proved the cleartext path
    login_delay_seconds: float | None = None  # how long a made-up login took to be refused
    failed_logins: int = 0  # login attempts the server may log (and fail2ban count) as failed
    login_seen_from_trusted_network: dict[str, str] | None = None  # a "yes" seen where the server trusts us
    peer_ip: str | None = None  # the server's address as connected
    local_ip: str | None = None  # this end's address (the server's own one: testing on the server itself)
    open_questions: list[dict[str, str]] = field(default_factory=list)  # {id, question, reason}
    asking: str = ""  # the question being asked now (not reported: becomes an open question on failure)
    client_name: str | None = None  # the name clients use (--name): SNI and the certificate's name check
    ntlm: dict[str, Any] | None = None
    ptr: dict[str, Any] | None = None
    seconds: float = 0.0
    transcript: list[str] = field(default_factory=list)

    def add(self, fid: str, severity: str, title: str, detail: str = "") -> None:
        if not any(f.id == fid for f in self.findings):
            self.findings.append(Finding(fid, severity, title, detail))

    def leave_open(self, qid: str, reason: str) -> None:
        """Record that question ``qid`` stayed unanswered, and why (first reason wins)."""
        if not any(q["id"] == qid for q in self.open_questions):
            self.open_questions.append({"id": qid, "question": QUESTIONS[qid], "reason": reason})

    def prove(self, kind: str, seen: str) -> None:
        """The cleartext login path is proven by ``seen`` (the server's own answer)."""
        self.cleartext_login_before_tls = True
        self.login_proof = {"kind": kind, "seen": seen}

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
            "login_proof": dict(self.login_proof) if self.login_proof else None,
            "login_delay_seconds": self.login_delay_seconds,
            "failed_logins": self.failed_logins,
            "login_seen_from_trusted_network": (dict(self.login_seen_from_trusted_network)
                                                if self.login_seen_from_trusted_network else None),
            "peer_ip": self.peer_ip,
            "local_ip": self.local_ip,
            "starttls_offered": self.starttls_offered,
            "open_questions": [dict(q) for q in self.open_questions],
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
    name: str | None = None  # the name clients use, when given (checked against the certificates)
    vantage: Any = None  # vantage.Vantage: where the test ran from, as the server saw it
    services: list[ServiceResult] = field(default_factory=list)
    risk: str = "unknown"
    risk_could_be: str | None = None  # a higher risk an open question could still reveal (None: the risk is final)
    headline: str = ""  # "overall risk at least MEDIUM, could be HIGH: 1 question open: ..."
    reasons: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def incomplete(self) -> bool:
        return self.cancelled or any(s.status in ("error", "partial") or s.open_questions for s in self.services)

    def to_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "name": self.name,
            "vantage": self.vantage.to_dict() if self.vantage is not None else None,
            "services": [s.to_dict() for s in self.services],
            "risk": self.risk,
            "risk_final": self.risk != "unknown" and self.risk_could_be is None,
            "risk_could_be": self.risk_could_be,
            "headline": self.headline or f"overall risk {self.risk.upper()}",
            "reasons": list(self.reasons),
            "complete": not self.incomplete,
            "failed_logins": sum(s.failed_logins for s in self.services),
        }

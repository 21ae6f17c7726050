"""The JSON documents of ``sbskit-cli blacklist``, ``mailprobe`` and ``relaytest``, as TypedDicts.

Why: these documents are the CLI contract (docs/cli.md), saved as client history and read
back by key in the GUI, the reports and the profile comparisons. Writing their shape down
once lets a type checker follow the readers, and tests/cli/test_json_documents.py holds the
real ``--json`` output of each command (against real servers) to these types.

Keys may be added (the contract allows it); add them here and in docs/cli.md too. Nested
objects whose keys depend on what the server offered (``ntlm``, ``ptr``) stay plain dicts.
Import this module for typing only; nothing imports it at run time. (No ``from __future__
import annotations`` here: Python 3.11 reads ``NotRequired`` only from evaluated annotations.)
"""

from typing import Any, Literal, NotRequired, TypedDict

# ---- sbskit-cli blacklist -------------------------------------------------------------------

ResultStatus = Literal["listed", "clean", "error"]
ResultError = Literal["timeout", "servfail", "refused", "blocked-resolver", "rate-limited", "unexpected-answer",
                      "zone-broken"]


class BlacklistResult(TypedDict):
    zone: str
    name: str  # the list's display name
    status: ResultStatus
    codes: list[str]  # the A records (127.0.0.x) returned
    meanings: list[str]
    category: str | None  # spam-source, exploited-host, policy, ... (catalogue categories)
    verdict: Literal["bad", "good", "neutral"] | None  # allow-lists and reputation lists are not "bad"
    txt: list[str]
    error: str | None  # a ResultError when status is "error"
    detail: str
    delist_url: str


class MxHost(TypedDict):
    host: str
    addresses: list[str]
    implicit: bool  # no MX record: the domain itself (RFC 5321 implicit MX)


class BlacklistTarget(TypedDict):
    target: str
    kind: Literal["ipv4", "ipv6", "domain"]
    source: dict[str, str] | None  # {"domain": ..., "mx": ...} for a mail server found through a domain
    skipped: str | None  # why a private/reserved address was not asked
    results: list[BlacklistResult]
    ptr: NotRequired[list[str] | None]  # reverse DNS names ([] = none; absent with --no-ptr)
    fcrdns: NotRequired[bool | None]  # the PTR name resolves back to the address
    mx: NotRequired[list[MxHost]]  # for a domain (absent with --no-mx)


class BlacklistProblem(TypedDict):
    lists: str  # which lists (a family like "Spamhaus")
    error: str
    detail: str
    resolver_seen: Any


class BlacklistSummary(TypedDict):
    lists: int
    results: int
    listed: int
    clean: int
    errors: int
    allow_or_reputation: int
    error_reasons: dict[str, int]


class BlacklistDocument(TypedDict):
    resolver: list[str]
    resolver_kind: Literal["system", "custom"]
    dqs: bool  # Spamhaus asked through a DQS key
    targets: list[BlacklistTarget]
    problems: list[BlacklistProblem]
    summary: BlacklistSummary
    elapsed_seconds: float


# ---- sbskit-cli mailprobe -------------------------------------------------------------------


class ProbeFinding(TypedDict):
    id: str
    severity: Literal["high", "medium", "low", "info", "good"]  # "good": a defence seen working
    title: str
    detail: str


class ChainCertificate(TypedDict):
    subject: str
    issuer: str
    not_after: str | None


class Certificate(TypedDict):
    subject: str
    issuer: str
    common_name: str | None
    dns_names: list[str]
    ip_addresses: list[str]
    serial: str | None
    not_before: str | None
    not_after: str | None
    expires: str | None  # YYYY-MM-DD
    days_to_expiry: int | None
    self_signed: bool
    hostname_match: bool | None  # None: not checked (probed by IP address without --name)
    checked_name: NotRequired[str]  # the name checked: --name, else the host probed
    trusted: bool | None
    trust_error: str | None
    decoded: bool
    chain: NotRequired[list[ChainCertificate]]
    chain_length: NotRequired[int | None]


class TlsSession(TypedDict):
    version: str | None
    cipher: str
    bits: int | None
    legacy_accepted: NotRequired[str | None]  # an old TLS version the server still accepts


class ProbeService(TypedDict):
    name: str  # POP3, POP3S, IMAP, IMAPS, SMTP, Submission, SMTPS
    protocol: Literal["pop3", "imap", "smtp"]
    port: int
    reachable: bool
    status: Literal["ok", "partial", "not-reachable", "error"]
    error: str | None
    detail: str
    tls: Literal["none", "starttls", "implicit"]
    cleartext_login_before_tls: bool | None
    login_test: str
    login_offered_before_tls: list[str]
    login_proof: dict[str, str] | None  # {"kind", "seen"}: the answer that proved the cleartext path
    login_delay_seconds: float | None  # how long a made-up login took to be refused
    failed_logins: int  # login attempts the server may log as failed (0 where the probe could avoid them)
    login_seen_from_trusted_network: dict[str, str] | None  # {"kind", "seen"}: a "yes" that proves nothing here
    peer_ip: str | None
    local_ip: str | None
    starttls_offered: bool | None  # None: not learned
    open_questions: list[dict[str, str]]  # {"id", "question", "reason"}: what could not be settled
    capabilities: list[str]
    capabilities_after_tls: list[str]
    banner: str
    tls_session: TlsSession | None
    certificate: Certificate | None
    ntlm: dict[str, Any] | None  # what an NTLM challenge leaked (domain, host, version)
    ptr: dict[str, Any] | None  # the SMTP banner name against reverse DNS
    findings: list[ProbeFinding]
    seconds: float
    transcript: list[str]


class Vantage(TypedDict):
    peer: str | None
    local: str | None
    kind: Literal["same-address", "this-machine", "private", "public"] | None
    trusted: bool  # the server may trust this address: a "yes" from here is not the internet's view
    assumed_untrusted: bool  # --as-outsider
    note: str


class ProbeDocument(TypedDict):
    host: str
    name: str | None  # --name: the name clients use, checked against the certificates
    vantage: Vantage | None
    failed_logins: int
    risk_final: bool  # false while an open question could still raise the risk (or the risk is unknown)
    risk_could_be: Literal["high", "medium", "low"] | None  # the risk an open question could still reveal
    headline: str  # "overall risk at least MEDIUM, could be HIGH: 1 question open: ..."
    services: list[ProbeService]
    risk: Literal["high", "medium", "low", "unknown"]
    reasons: list[str]
    complete: bool  # false when a service could not be checked or the run was cancelled


# ---- sbskit-cli relaytest -------------------------------------------------------------------


class RelayAttempt(TypedDict):
    variant: str
    mail_from: str
    rcpt_to: str
    reply_code: int | None
    reply: str
    relayed: bool
    stage: Literal["mail", "rcpt", "none"]  # which command produced reply_code
    seconds: float | None  # how long the answer took (a tarpit shows here)
    # what the answer means for the relay question; a relay denial is a refusal even with a 4xx code
    meaning: Literal["accepted", "relay-denied", "refused", "greylisted", "rate-limited", "temporary", "other"]
    meaning_text: str


class RelayDocument(TypedDict):
    host: str
    port: int
    banner: str
    open_relay: bool | None  # None: the test could not finish
    verdict: Literal["possibly-open", "closed", "temporary-only", "accepted-from-trusted-network", "incomplete"]
    summary: str  # the headline in words
    vantage: Vantage  # where the test ran from, as the server saw it
    attempts: list[RelayAttempt]
    error: str | None
    detail: str
    unanswered: list[dict[str, str]]  # {"variant", "reason"}: variants the server never answered
    notes: list[str]  # how the server behaved: tarpit, hang-ups, reconnects
    connections: int
    reconnects: int
    tarpit_seconds: float | None
    deadline_seconds: float
    seconds: float
    note: str
    data_sent: Literal[False]  # the test never sends DATA

"""Turn what a service showed into findings, and all services into one overall risk.

The rules are deliberately plain so the memo can explain them in a sentence each:
a password that may travel in the clear is high risk; weak or untrusted TLS, an NTLM
challenge that names the server are next. A question that stayed open is never read as
"fine": without a high or medium finding it makes the overall risk "unknown". A defence
seen working (failed logins slowed down) is a "good" finding.
"""

from __future__ import annotations

import ipaddress
import re

from sbskit.core.mailprobe import tlsinfo
from sbskit.core.mailprobe.model import ProbeReport, ServiceResult

_VERSION = re.compile(
    r"(?i)\b(?:version|ver\.?|v)\s*:?\s*(\d+(?:\.\d+)+)"
    r"|\b(?:exchange|dovecot|postfix|exim|sendmail|hmailserver|mdaemon|kerio|courier|cyrus|"
    r"imail|merak|icewarp|zimbra|qpopper|uw-imap|lotus|domino|smartermail|axigen)[\w /()-]{0,20}?\s(\d+(?:\.\d+)+)\b"
)
_PRODUCTS = re.compile(
    r"(?i)\b(microsoft esmtp|microsoft exchange|exchange server|dovecot|postfix|exim|sendmail|hmailserver|"
    r"mdaemon|kerio|courier|cyrus|imail|icewarp|zimbra|qpopper|domino|smartermail|axigen)\b"
)
EXPIRY_WARNING_DAYS = 30
LOGIN_DELAY_NOTABLE = 1.0  # seconds: a refusal slower than this is a deliberate delay, not latency
NON_BLOCKING_QUESTIONS = ("after-tls",)  # open, but no finding depends on the answer
# the worst finding each open question could still turn up (a service not checked at all: anything)
QUESTION_CEILING = {"greeting": "high", "capabilities": "high", "tls": "medium", "login": "high", "trust": "medium",
                    "legacy-tls": "medium"}
RANK = {"unknown": 0, "low": 1, "medium": 2, "high": 3}


def banner_findings(res: ServiceResult) -> None:
    if not res.banner:
        return
    match = _VERSION.search(res.banner)
    if match:
        version = match.group(1) or match.group(2)
        res.add("version-banner", "low", "The greeting reveals the software version",
                f"'{res.banner[:120]}' names version {version}; attackers match it against known flaws.")
        return
    product = _PRODUCTS.search(res.banner)
    if product:
        res.add("product-banner", "info", "The greeting names the mail software", f"'{res.banner[:120]}'")


def tls_findings(res: ServiceResult) -> None:
    session = res.tls_session or {}
    if session.get("version") in tlsinfo.OLD_PROTOCOLS:
        res.add("old-tls", "medium", f"Outdated {session['version']} negotiated",
                "TLS 1.0 and 1.1 are retired (RFC 8996); enable TLS 1.2 or later.")
    elif session.get("legacy_accepted") and res.name == "SMTP":
        res.add("old-tls", "low", f"Still accepts {session['legacy_accepted']}",
                "on port 25 TLS is opportunistic (server to server): refusing old versions makes an old sender "
                "fall back to no encryption at all, so Postfix's guidance is to leave them on here. Retire them "
                "on the ports users log in to (587, 465, 993, 995).")
    elif session.get("legacy_accepted"):
        res.add("old-tls", "medium", f"Still accepts {session['legacy_accepted']}",
                "TLS 1.0 and 1.1 are retired (RFC 8996); allow TLS 1.2 or later only.")
    if session and tlsinfo.weak_cipher(session.get("cipher", ""), session.get("bits")):
        res.add("weak-cipher", "medium", "Weak cipher negotiated", f"{session.get('cipher')} ({session.get('bits')} bits)")
    cert = res.certificate
    if not cert:
        return
    days = cert.get("days_to_expiry")
    if days is not None and days < 0:
        res.add("cert-expired", "high", "The certificate has expired",
                f"expired on {cert.get('expires')}; clients show warnings and users learn to click them away.")
    elif days is not None and days < EXPIRY_WARNING_DAYS:
        res.add("cert-expiring", "low", f"The certificate expires in {days} days", f"on {cert.get('expires')}")
    if cert.get("self_signed"):
        res.add("cert-self-signed", "medium", "Self-signed certificate",
                "no client can tell this server from an impostor without installing the certificate by hand.")
    elif cert.get("trusted") is False:
        res.add("cert-untrusted", "medium", "The certificate is not trusted", cert.get("trust_error") or "")
    names = ", ".join(cert.get("dns_names") or [cert.get("common_name") or "?"])
    checked = cert.get("checked_name") or "this host"
    if cert.get("hostname_match") is False:
        res.add("cert-name-mismatch", "medium", "The certificate does not name this host",
                f"clients connect to {checked}; the certificate names {names}")
    elif cert.get("hostname_match") is None and cert.get("decoded"):
        res.add("cert-name-not-checked", "info", "The certificate's name could not be checked",
                f"you probed by IP address ({checked}) and the certificate names {names}; mail clients connect by "
                "name. Probe by the name clients use, or give it with --name (in the GUI: \"Name clients use\").")


def access_findings(res: ServiceResult) -> None:
    if res.cleartext_login_before_tls:
        proof = (res.login_proof or {}).get("seen")
        res.add("cleartext-login", "high", "Passwords are accepted before encryption",
                f"{res.login_test} (seen: {proof})" if proof else res.login_test)
    if res.login_delay_seconds is not None and res.login_delay_seconds >= LOGIN_DELAY_NOTABLE:
        res.add("login-delay", "good", f"The server delays failed logins (about {res.login_delay_seconds:.1f} s)",
                f"the made-up login was refused after {res.login_delay_seconds:.1f} s; a deliberate delay "
                "(Dovecot's auth_failure_delay and penalty, for example) makes password guessing slow.")
    if res.protocol in ("pop3", "imap") and res.tls == "none" and res.starttls_offered is False:
        res.add("no-tls", "high", f"{res.name} offers no encryption",
                "neither STARTTLS nor STLS is offered, so every login on this port travels in the clear.")
    if res.protocol == "smtp" and res.tls == "none" and res.starttls_offered is False and res.banner:
        severity = "high" if res.port in (587,) else "medium"
        res.add("smtp-no-starttls", severity, "SMTP offers no STARTTLS", "mail and any login travel unencrypted.")
    if res.protocol == "pop3" and res.reachable and res.error != "not-tls":
        res.add("pop3-reachable", "info", f"POP3 answers on port {res.port} from here",
                "every POP3 port that answers is a way to copy mailboxes off the server.")
    if res.ntlm and res.ntlm.get("decoded"):
        from sbskit.core.mailprobe.ntlm import leak_summary

        summary = leak_summary(res.ntlm)
        if summary:
            res.add("ntlm-info-leak", "medium", "NTLM reveals internal names",
                    f"AUTH NTLM answers anyone with: {summary}.")


def ptr_findings(res: ServiceResult) -> None:
    ptr = res.ptr or {}
    if ptr.get("checked") and ptr.get("matches") is False:
        res.add("ptr-mismatch", "low", "Reverse DNS does not match the SMTP greeting",
                f"{ptr.get('address')} resolves to {ptr.get('name') or 'no name'}, the greeting says {ptr.get('banner_name')}; "
                "receiving servers may distrust mail from it.")


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def overall(report: ProbeReport) -> None:
    """Set ``report.risk`` (high/medium/low/unknown) and the reasons behind it."""
    reasons: list[str] = []
    highs = [(s, f) for s in report.services for f in s.findings if f.severity == "high"]
    mediums = [(s, f) for s in report.services for f in s.findings if f.severity == "medium"]
    errors = [s for s in report.services if s.status == "error"]
    open_questions = [(s, q) for s in report.services if s.status != "error" for q in s.open_questions
                      if q["id"] not in NON_BLOCKING_QUESTIONS]
    reachable = [s for s in report.services if s.reachable]
    grouped: dict[str, list[str]] = {}
    for service, finding in highs + mediums:  # one line per finding, naming every service it applies to
        grouped.setdefault(finding.title, []).append(service.label)
    for title, labels in grouped.items():
        reasons.append(f"{title}: {', '.join(labels)}")
    for service in errors:
        reasons.append(f"{service.label}: could not be checked ({service.error}: {service.detail})")
    for service, question in open_questions:
        reasons.append(f"{service.label}: could not tell: {question['question']} ({question['reason']})")
    if highs:
        report.risk = "high"
    elif mediums:
        report.risk = "medium"
    elif errors or open_questions or report.cancelled:
        report.risk = "unknown"
        if report.cancelled:
            reasons.append("the probe was cancelled before every service was checked")
    elif not reachable:
        report.risk = "unknown"
        reasons.append("no mail service answered from here: check the host name, the firewall, or probe from outside")
    else:
        report.risk = "low"
        names = ", ".join(s.label for s in reachable)
        reasons.append(f"every reachable service ({names}) refuses passwords before TLS and shows no weakness")
        unchecked = [s.label for s in reachable if any(f.id == "cert-name-not-checked" for f in s.findings)]
        if unchecked:
            reasons.append(f"the certificates' name was not checked ({', '.join(unchecked)}): probed by IP address; "
                           "give the name clients use (--name) to check it")
    vantage = getattr(report, "vantage", None)
    if vantage is not None and vantage.trusted and reachable:
        reasons.insert(0, vantage.note())
    report.reasons = reasons
    _headline(report, errors, open_questions)


def _headline(report: ProbeReport, errors: list[ServiceResult], open_questions: list) -> None:
    """The first line: a risk reads as final only when no open question could raise it."""
    open_items = [(s.label, q["question"], q["reason"], QUESTION_CEILING.get(q["id"], "high"))
                  for s, q in open_questions]
    open_items += [(s.label, "Could it be checked at all?", f"{s.error}: {s.detail}", "high") for s in errors]
    ceiling = max((item[3] for item in open_items), key=RANK.__getitem__, default=None)
    report.risk_could_be = ceiling if ceiling and RANK[ceiling] > RANK[report.risk] else None
    risk = report.risk.upper()
    if report.risk_could_be is None:
        report.headline = f"overall risk {risk}"
        return
    count = len(open_items)
    label, question, reason, _ = next(item for item in open_items if item[3] == report.risk_could_be)
    first = f"{label}: {question} ({reason})"
    lead = f"overall risk at least {risk}" if report.risk != "unknown" else "overall risk UNKNOWN"
    report.headline = (f"{lead}, could be {report.risk_could_be.upper()}: {count} question{'s' if count > 1 else ''} "
                       f"open, e.g. {first}" if count > 1 else
                       f"{lead}, could be {report.risk_could_be.upper()}: 1 question open: {first}")

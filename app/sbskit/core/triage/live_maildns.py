"""The Mail DNS health check as a live check of the triage: what receivers verify, asked now.

When the evidence shows PTR, SPF, DKIM, DMARC or sender-domain refusals, the check says
whether those records are wrong *now*: a problem in the records the refusals are about
confirms the mail_dns cause; those records all in order weaken it (the refusals may predate a
fix, or come from another sending address). A check that could not finish (SERVFAIL, a
time-out) is "could not tell": it moves nothing and never supports a healthy verdict. The
document is the one ``sbskit-cli maildns --json`` prints (``sbskit.core.maildns``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sbskit.core.jobs import JobContext
from sbskit.core.triage.lines import Line, clip

MAILDNS_FILE = "live check: mail DNS"
NO_LINE = 0
CAUSE = "mail_dns"
COUNTED = ("mx", "spf", "spf-ip", "dmarc", "dkim", "ptr")
# which checks answer which kind of refusal (reply categories of the catalogue)
CHECKS_FOR = {"ptr_helo": ("ptr",), "spf_dkim_dmarc": ("spf", "spf-ip", "dmarc", "dkim"), "sender_domain": ("mx",)}
NAMES = {"mx": "MX", "spf": "SPF record", "spf-ip": "SPF for the IP", "dmarc": "DMARC", "dkim": "DKIM", "ptr": "PTR"}
PROBLEM_LOGIT = 2.5  # the records receivers check are wrong now: what they refuse us for
WARNING_LOGIT = 0.3
IN_ORDER_LOGIT = -1.5  # the records the refusals are about are in order now
IN_ORDER_NO_REFUSALS = -0.8


def run_maildns(domain: str, ip: str | None = None, resolvers: list[str] | None = None, timeout: float = 3.0,
                ctx: JobContext | None = None) -> dict:
    """The maildns engine for one domain (and the sending IP); UserInputError for a bad domain or IP."""
    from sbskit.core.maildns.engine import Options, Run

    resolvers = [r.strip() for r in (resolvers or []) if r and r.strip()]
    options = Options(ip=(ip or "").strip() or None, resolvers=resolvers, timeout=timeout)
    return Run(domain, options).run(ctx)


def _counted(doc: dict) -> list[dict]:
    return [c for c in doc.get("checks", []) if c.get("id") in COUNTED]


def maildns_state(doc: dict) -> str:
    """'problem' (a record receivers check is wrong), 'ok' (every check answered, none wrong) or 'unknown'."""
    checks = _counted(doc)
    if any(c["status"] == "problem" for c in checks):
        return "problem"
    if checks and not any(c["status"] == "error" for c in checks):
        return "ok"
    return "unknown"


def maildns_summary(doc: dict) -> tuple[str, str]:
    """(kind for the colour: bad/good/unknown/info, one plain sentence)."""
    where = doc.get("domain", "?") + (f" sending from {doc['ip']}" if doc.get("ip") else "")
    line = doc.get("summary", {}).get("line", "")
    state = maildns_state(doc)
    kind = {"problem": "bad", "ok": "good"}.get(state, "unknown")
    if state == "ok" and any(c["status"] == "warning" for c in _counted(doc)):
        kind = "info"
    if state == "unknown" and not line:
        line = "no check could be completed: this is not an all-clear."
    return kind, f"Mail DNS of {where}: {line}"


def maildns_brief(doc: dict) -> dict:
    kind, text = maildns_summary(doc)
    return {"domain": doc.get("domain"), "ip": doc.get("ip"), "state": maildns_state(doc), "summary": text,
            "checks": [{"id": c["id"], "status": c["status"], "title": c["title"], "detail": c.get("detail", "")}
                       for c in doc.get("checks", []) if not c.get("info")]}


@dataclass
class DnsEffect:
    logit: float
    fact: str
    lines: list[Line]


def _line(check: dict) -> Line:
    detail = f": {check['detail']}" if check.get("detail") else ""
    return Line(MAILDNS_FILE, NO_LINE, clip(f"{check['id']}: {check['status']} \u2014 {check['title']}{detail}"))


def maildns_effect(doc: dict | None, kinds: list[str] | tuple[str, ...] = ()) -> DnsEffect | None:
    """What the check means for the mail_dns cause, given the refusal kinds the evidence shows."""
    if doc is None:
        return None
    wanted = {cid for kind in kinds for cid in CHECKS_FOR.get(kind, ())} or set(COUNTED)
    checks = [c for c in _counted(doc) if c["id"] in wanted]
    where = doc.get("domain", "?") + (f" ({doc['ip']})" if doc.get("ip") else "")
    problems = [c for c in checks if c["status"] == "problem"]
    errors = [c for c in checks if c["status"] == "error"]
    # "no DKIM key under the selectors tried" proves nothing (DNS cannot list selectors): not evidence either way
    warnings = [c for c in checks if c["status"] == "warning" and c["id"] != "dkim"]
    refusals = bool(set(kinds) & set(CHECKS_FOR))
    if problems:
        names = ", ".join(NAMES.get(c["id"], c["id"]) for c in problems)
        said = "what the receivers refuse our mail for" if refusals else "receivers refuse or distrust mail for this"
        return DnsEffect(PROBLEM_LOGIT, f"Live Mail DNS check of {where}: {names} wrong now \u2014 {said}.",
                         [_line(c) for c in problems + warnings][:4])
    if errors or not checks:
        names = ", ".join(NAMES.get(c["id"], c["id"]) for c in errors) or "the records"
        return DnsEffect(0.0, f"Live Mail DNS check of {where}: could not tell for {names} (a lookup failed); it "
                              "neither confirms nor rules out a DNS cause.", [_line(c) for c in errors][:3])
    if warnings:
        names = ", ".join(NAMES.get(c["id"], c["id"]) for c in warnings)
        return DnsEffect(WARNING_LOGIT, f"Live Mail DNS check of {where}: no record is wrong, but {names} "
                                        "could be stronger.", [_line(c) for c in warnings][:3])
    checked = ", ".join(NAMES.get(c["id"], c["id"]) for c in checks)
    if refusals:
        return DnsEffect(IN_ORDER_LOGIT, f"Live Mail DNS check of {where}: {checked} in order now. The refusals may "
                                         "predate a fix, or come from another sending address (retry the queue and "
                                         "watch).", [_line(c) for c in checks][:3])
    return DnsEffect(IN_ORDER_NO_REFUSALS, f"Live Mail DNS check of {where}: {checked} in order.",
                     [_line(c) for c in checks][:3])

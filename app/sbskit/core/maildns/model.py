"""The maildns result: checks with a status, the summary line, and the CLI exit status.

Statuses (CLI contract): ``ok`` (positive evidence that nothing is wrong), ``warning``
(works, but weaker than it should be), ``problem`` (receivers refuse or distrust mail for
it) and ``error`` (could not tell: a lookup failed or timed out, with the reason).
"""

from __future__ import annotations

OK, WARNING, PROBLEM, ERROR = "ok", "warning", "problem", "error"
STATUSES = (OK, WARNING, PROBLEM, ERROR)
RANK = {OK: 0, WARNING: 1, ERROR: 2, PROBLEM: 3}  # what a check shows when it found several things
CHECK_IDS = ("mx", "spf", "spf-ip", "dmarc", "dkim", "ptr", "mta-sts", "tls-rpt", "bimi")
INFO_IDS = ("mta-sts", "tls-rpt", "bimi")  # shown, never counted in the exit status


def sentence(text: str) -> str:
    """A note as the start of a sentence: capitalised, unless it starts with a name, a tag or a term
    ('rua.vendor.example ...', 'pct=0: ...'), which keep their spelling."""
    first = text.split(" ", 1)[0].rstrip(":,")
    if not text or any(c in first for c in "=.:'@%/") or any(c.isdigit() for c in first):
        return text
    return text[0].upper() + text[1:]


def sentences(notes: list[str]) -> str:
    """Notes joined into sentences ('' for none)."""
    return ". ".join(sentence(n) for n in notes) + "." if notes else ""


def worst(*statuses: str) -> str:
    return max(statuses, key=lambda s: RANK[s]) if statuses else OK


def make_check(check_id: str, status: str, title: str, detail: str = "", evidence: list[str] | None = None,
               fix: str = "", receivers: list[dict] | None = None, records: list[dict] | None = None,
               **extra) -> dict:
    """One entry of ``checks``: the contract's keys, plus ``receivers`` (what the receiving side
    does, with the providers' reply texts), ``records`` (DNS records to publish) and ``info``."""
    if status not in STATUSES:
        raise ValueError(status)
    check = {"id": check_id, "status": status, "title": title, "detail": detail,
             "evidence": list(evidence or []), "fix": fix, "receivers": list(receivers or []),
             "records": list(records or []), "info": check_id in INFO_IDS}
    check.update(extra)
    return check


def summarize(checks: list[dict]) -> dict:
    counted = [c for c in checks if not c.get("info")]
    counts = {s: sum(1 for c in counted if c["status"] == s) for s in STATUSES}
    if counts[PROBLEM]:
        verdict = "problems"
    elif counts[ERROR]:
        verdict = "could-not-tell"
    elif counts[WARNING]:
        verdict = "warnings"
    else:
        verdict = "healthy"
    summary = dict(counts)
    summary["checks"] = len(counted)
    summary["verdict"] = verdict
    summary["line"] = summary_line(summary, counted)
    return summary


def summary_line(summary: dict, checks: list[dict]) -> str:
    short = {"mx": "MX", "spf": "SPF", "spf-ip": "SPF for the IP", "dmarc": "DMARC", "dkim": "DKIM", "ptr": "PTR"}
    names = {c["id"]: short.get(c["id"], c["id"]) for c in checks}
    def listed(status: str) -> str:
        return ", ".join(names[c["id"]] for c in checks if c["status"] == status)
    if summary["verdict"] == "problems":
        text = f"{summary['problem']} problem(s) that get mail refused or distrusted: {listed(PROBLEM)}."
        if summary["error"]:
            text += f" Could not tell for {listed(ERROR)}."
        return text
    if summary["verdict"] == "could-not-tell":
        return (f"No problem found, but {summary['error']} check(s) could not be completed ({listed(ERROR)}): "
                "this is not an all-clear.")
    if summary["verdict"] == "warnings":
        return f"No problem that gets mail refused; {summary['warning']} warning(s): {listed(WARNING)}."
    return f"All {summary['checks']} checks passed with evidence."


def exit_code(summary: dict) -> int:
    """0 nothing wrong (warnings allowed), 1 a problem, 3 some checks could not be completed."""
    if summary["problem"]:
        return 1
    if summary["error"]:
        return 3
    return 0

"""One line per check for the visit report's first page: a traffic light, the verdict, and the
single most important action, computed from each check's own result (no Qt).

Lights follow the kit's one rule: green needs positive evidence that covers the question;
anything the check could not tell is amber, with what to collect; red is a problem found.
A new check plugs in by returning a :class:`~sbskit.core.report.CheckSummary` from its tab's
``report_summary()``; the helpers here serve the four built-in tabs.
"""

from __future__ import annotations

import datetime as _dt
import html
from typing import Any

from sbskit.core.report import CheckSummary, html_table

_e = html.escape


# --- OS version ----------------------------------------------------------------------------------
def osver_summary(identification: Any | None, lint: Any | None, today: _dt.date | None = None) -> CheckSummary | None:
    if identification is None and lint is None:
        return None
    today = today or _dt.date.today()
    lights, verdicts, actions = [], [], []
    if identification is not None:
        from sbskit.core.osver.identify import support_verdict

        verdict, why = support_verdict(identification, today)
        lights.append({"supported": "green", "ended": "red"}.get(verdict, "amber"))
        verdicts.append(why[0].upper() + why[1:] + ".")
        if verdict == "ended":
            actions.append("Plan the upgrade or replacement of this server: it gets no security updates.")
        elif verdict != "supported":
            actions.append("Collect 'systeminfo' from the server to tell the edition and role apart.")
    if lint is not None:
        problems = [f for f in lint.findings if f.severity in ("error", "warning")]
        lights.append("red" if any(f.severity == "error" for f in problems) else ("amber" if problems else "green"))
        verdicts.append(f"Login script: {len(problems)} problem(s) in version detection." if problems
                        else "Login script: no fragile version test found.")
        if problems:
            first = sorted(problems, key=lambda f: (f.severity != "error", f.line))[0]
            actions.append(f"Fix line {first.line} of the login script: {first.suggestion or first.message}")
    return CheckSummary("OS version", worst(lights), " ".join(verdicts),
                        actions[0] if actions else "Nothing to do.")


def osver_sections(identification: Any | None, lint: Any | None, today: _dt.date | None = None) -> list:
    """The identified releases and the script findings as tables (not a text dump)."""
    from sbskit.core.report import Section

    today = today or _dt.date.today()
    sections = []
    if identification is not None:
        doc = identification.to_doc(today)
        rows = [[m["label"], m.get("version") or "", m.get("released") or "", m.get("status") or ""]
                for m in doc["matches"]]
        facts = [("What was read", doc.get("input_kind") or ""), ("Version", doc.get("version") or ""),
                 ("Verdict", doc.get("verdict_reason") or "")]
        body = html_table(["", ""], [[k, v] for k, v in facts if v], header=False)
        if rows:
            body += html_table(["Release it can be", "Version", "Released", "Support"], rows)
        notes = [n for n in (doc.get("ambiguity"), *doc.get("hints", []), *doc.get("script_notes", [])) if n]
        if notes:
            body += "<ul>" + "".join(f"<li>{_e(str(n))}</li>" for n in notes[:8]) + "</ul>"
        sections.append(Section("Windows version", body))
    if lint is not None:
        rows = [[str(f.line), f.severity, f.message, f.suggestion] for f in lint.findings]
        body = (f"<p>{_e(file_name(lint.file) or 'Pasted script')} ({_e(lint.language)}): "
                f"{len(lint.findings)} finding(s).</p>"
                + (html_table(["Line", "Severity", "Problem", "Fix"], rows[:60]) if rows else ""))
        sections.append(Section("Login script check", body))
    return sections


def file_name(path: str | None) -> str:
    """The file's own name, never the consultant's folders (a Windows or a POSIX path)."""
    return (path or "").replace("\\", "/").rsplit("/", 1)[-1]


def windows_summary(identification: Any | None, today: _dt.date | None = None) -> CheckSummary | None:
    summary = osver_summary(identification, None, today)
    return renamed(summary, "Windows version")


def script_summary(lint: Any | None) -> CheckSummary | None:
    return renamed(osver_summary(None, lint), "Login script")


def renamed(summary: CheckSummary | None, check: str) -> CheckSummary | None:
    import dataclasses

    return dataclasses.replace(summary, check=check) if summary is not None else None


# --- Blacklist -----------------------------------------------------------------------------------
def blacklist_summary(doc: dict | None) -> CheckSummary | None:
    targets = (doc or {}).get("targets") or []
    if not targets:
        return None
    from sbskit.core.dnsbl.report import ERROR_ADVICE
    from sbskit.core.dnsbl.summary import summarize, summary_line

    summary = doc.get("summary") or summarize(targets)
    verdict = doc.get("headline") or summary_line(summary, len(targets))
    results = [r for t in targets for r in t.get("results", [])]
    listed = [r for r in results if r.get("status") == "listed" and r.get("verdict") == "bad"]
    blocklists_answered = [r for r in results if r.get("status") == "clean" or r in listed]
    if listed:
        first = listed[0]
        where = first.get("delist_url") or ""
        action = f"Find the cause, then request delisting from {first.get('name') or first.get('zone')}" + \
                 (f" ({where})." if where else ".")
        return CheckSummary("Blacklist lookup", "red", verdict, action)
    problem = doc.get("resolver_problem")
    if problem:  # the resolver is to blame: say that, and the one thing to change (the advice's first sentence)
        advice = problem.get("advice") or ""
        return CheckSummary("Blacklist lookup", "amber", f"{problem.get('headline', verdict)} Could not tell whether "
                            "it is listed.", advice.split(". ")[0].rstrip(".") + "." if advice else
                            "Use another resolver and check again.")
    if summary.get("errors") or not blocklists_answered:
        reasons = summary.get("error_reasons") or {}
        top = max(reasons, key=reasons.get) if reasons else ""
        action = ERROR_ADVICE.get(top, "Run the check again from a network whose DNS resolver can reach the lists.")
        return CheckSummary("Blacklist lookup", "amber", verdict, action)
    return CheckSummary("Blacklist lookup", "green", verdict, "Nothing to do; check again after mail problems.")


# --- Mail DNS health ------------------------------------------------------------------------------
def _first_sentence(text: str) -> str:
    text = (text or "").strip()
    cut = text.find(". ")
    return (text[:cut + 1] if cut > 0 else text).strip()


def maildns_summary(doc: dict | None) -> CheckSummary | None:
    """Red for a problem that gets mail refused, amber when a check could not answer, 'Warning' for
    weaker-than-it-should-be, green only when every counted check passed with evidence."""
    checks = (doc or {}).get("checks") or []
    if not checks:
        return None
    from sbskit.core.maildns.model import summarize

    summary = summarize(checks)
    counted = [c for c in checks if not c.get("info")]
    domain = doc.get("domain") or ""
    verdict = f"{domain}: {summary['line']}" if domain else summary["line"]
    for status, light in (("problem", "red"), ("error", "amber"), ("warning", "warning")):
        first = next((c for c in counted if c["status"] == status), None)
        if first is not None:
            fallback = ("Run the check again from a network whose DNS resolver answers." if status == "error"
                        else f"Fix the {first.get('title', 'record')}.")
            return CheckSummary("Mail DNS health", light, verdict, _first_sentence(first.get("fix")) or fallback)
    if not counted:
        return CheckSummary("Mail DNS health", "amber", verdict, "Run the check again.")
    return CheckSummary("Mail DNS health", "green", verdict, "Nothing to do; check again when mail is refused.")


# --- Queue triage --------------------------------------------------------------------------------
def triage_summary(result: Any | None) -> CheckSummary | None:
    if result is None:
        return None
    verdict = result.verdict() if callable(getattr(result, "verdict", None)) else ""
    outcome = getattr(result, "outcome", None)
    if outcome is None:  # before the three-outcome result: a diagnosis is a cause, else undecided
        outcome = "cause" if getattr(result, "diagnosis", False) else "not_enough_evidence"
    findings = getattr(result, "findings", []) or []
    if outcome == "cause" and findings:
        top = findings[0]
        step = (top.plan[0].get("title") if top.plan and isinstance(top.plan[0], dict) else None) or \
               (top.actions[0] if top.actions else "Follow the action plan.")
        return CheckSummary("Queue triage", "red", verdict, step)
    if outcome == "healthy":
        return CheckSummary("Queue triage", "green", verdict, "Nothing to do; keep the logs for the next visit.")
    missing = getattr(result, "missing", []) or []
    ask = missing[0].get("what") if missing and isinstance(missing[0], dict) else None
    return CheckSummary("Queue triage", "amber", verdict,
                        ask or "Add the server's message tracking logs and a queue export, then run the triage again.")


# --- POP3 risk -----------------------------------------------------------------------------------
def pop3_summary(checklist: Any | None, probe: dict | None, relay: dict | None) -> CheckSummary | None:
    counts = checklist.counts() if checklist is not None else {}
    assessed = sum(v for k, v in counts.items() if k != "not-assessed")
    if not assessed and not probe and not relay:
        return None
    lights, verdicts, actions = [], [], []
    if relay:
        if relay.get("open_relay"):
            lights.append("red")
            verdicts.append("The server relays mail for strangers (open relay).")
            actions.append("Close the open relay now: restrict relaying to authenticated users.")
        elif relay.get("open_relay") is False:
            lights.append("green")
            verdicts.append("Relay test: relaying refused.")
        else:
            lights.append("amber")
            verdicts.append("Relay test: could not tell" + (f" ({relay.get('error')})." if relay.get("error") else "."))
    if probe:
        risk = probe.get("risk", "unknown")
        lights.append({"high": "red", "medium": "amber", "low": "green"}.get(risk, "amber"))
        verdicts.append(f"Probe of {probe.get('host', '')}: {risk} risk" + ("" if probe.get("complete", True)
                                                                              else " (incomplete)") + ".")
        if risk == "high":
            actions.append("Stop accepting passwords without encryption: require TLS (port 995) and close port 110.")
        elif risk not in ("low", "medium"):
            actions.append("Run the probe from outside the network to see what the server exposes.")
    if assessed:
        at_risk = counts.get("at-risk", 0)
        lights.append("red" if at_risk else "green")
        verdicts.append(f"Checklist: {at_risk} of {sum(counts.values())} items at risk, "
                        f"{counts.get('not-assessed', 0)} not assessed.")
        if at_risk:
            actions.append("Give management the POP3 memo and get a decision on record.")
    return CheckSummary("POP3 risk", worst(lights), " ".join(verdicts), actions[0] if actions else "Nothing to do.")


def checklist_summary(sheet: Any | None) -> CheckSummary | None:
    return renamed(pop3_summary(sheet, None, None), "POP3 checklist")


def probe_summary(probe: dict | None) -> CheckSummary | None:
    """A probe is green only when it completed with a low risk that is final; medium is a warning;
    a risk the probe could not settle ("at least LOW, could be HIGH") or a probe it could not
    finish is amber (what it could not see may be the risk); high is red."""
    if not probe:
        return None
    risk = probe.get("risk", "unknown")
    complete = probe.get("complete", True)
    final = probe.get("risk_final", risk != "unknown") and not probe.get("risk_could_be")
    host = probe.get("host", "")
    said = (probe.get("headline") or f"overall risk {risk.upper()}").split(", e.g.")[0]  # page 1: the gist
    verdict = f"Probe of {host}: {said}" + ("" if complete else " (not every service could be checked)")
    verdict = verdict.rstrip(".") + "."
    if risk == "high":
        return CheckSummary("Mail server exposure", "red", verdict, "Stop accepting passwords without encryption: "
                            "require TLS (port 995) and close port 110.")
    if risk == "medium" and final:
        return CheckSummary("Mail server exposure", "warning", verdict, "Fix the medium findings below "
                            "(certificate, old TLS versions).")
    if risk == "low" and complete and final:
        return CheckSummary("Mail server exposure", "green", verdict, "Nothing to do.")
    return CheckSummary("Mail server exposure", "amber", verdict,
                        "Run the probe again from outside the network to see what the server exposes.")


RELAY_ACTIONS = {
    "possibly-open": "Close the open relay now: restrict relaying to authenticated users.",
    "closed": "Nothing to do; run it again after changing the connectors.",
    "accepted-from-trusted-network": "Run the relay test from outside the network (the server trusts this one).",
}


def relay_summary(relay: dict | None) -> CheckSummary | None:
    """Red only for a relay the test proved from where it ran; green for every variant refused;
    anything else (trusted from here, only temporary refusals, stopped) could not tell."""
    if not relay:
        return None
    verdict_key = relay.get("verdict") or {True: "possibly-open", False: "closed"}.get(relay.get("open_relay"), "")
    said = relay.get("summary") or {True: "possibly an open relay", False: "relaying refused"}.get(
        relay.get("open_relay"), f"could not tell ({relay.get('error') or 'incomplete'})")
    verdict = f"Relay test of {relay.get('host', '')}: {said}".rstrip(".") + "."
    light = {True: "red", False: "green"}.get(relay.get("open_relay"), "amber")
    action = RELAY_ACTIONS.get(verdict_key, "Run the relay test again from outside the network, with more time.")
    return CheckSummary("Open-relay test", light, verdict, action)


def worst(lights: list[str]) -> str:
    for light in ("red", "amber", "warning", "green"):
        if light in lights:
            return light
    return "grey"

"""History facts of the mail checks: the open-relay test and the exposure probe, one fact per test or service.

The probe's per-service rules follow its own overall verdict: a service with a high or
medium finding is a problem; a service checked without one is fine; a closed port is
fine only when another service of the host answered (otherwise nothing answered from
here, which says nothing about the server); an error is no answer.
"""

from __future__ import annotations

from typing import Any

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact, KindSpec, need, register_kind, text

RISKY = ("high", "medium")


# --- relaytest ------------------------------------------------------------------------
def _relay_target(doc: dict[str, Any]) -> str:
    need(isinstance(doc.get("host"), str), "relaytest")
    port = doc.get("port")
    return f"{doc['host']}:{port}" if isinstance(port, int) else doc["host"]


def _relay_facts(doc: dict[str, Any]) -> list[Fact]:
    target = _relay_target(doc)
    verdict = doc.get("open_relay")
    if verdict is True:
        return [Fact(target, "open_relay", "open", PROBLEM, "the server accepted mail for a foreign domain")]
    if verdict is False:
        return [Fact(target, "open_relay", "closed", OK)]
    reason = text(doc.get("error") or doc.get("reason") or "the test could not be completed", 200)
    return [Fact(target, "open_relay", "unknown", ERROR, reason)]


register_kind(KindSpec(
    "relaytest", "Open-relay test", _relay_target, _relay_facts, item_label="relay test", problem_word="open relay",
    still_word="still an open relay", problem_text="an open relay", fixed_text="no longer an open relay",
    item_name=lambda _item: "open-relay test", recognise=lambda doc: "open_relay" in doc,
))


# --- mailprobe ------------------------------------------------------------------------
def _probe_target(doc: dict[str, Any]) -> str:
    need(isinstance(doc.get("host"), str) and isinstance(doc.get("services"), list), "mailprobe")
    return text(doc["host"], 200)


def _probe_facts(doc: dict[str, Any]) -> list[Fact]:
    target = _probe_target(doc)
    services = [s for s in doc["services"] if isinstance(s, dict)]
    any_reachable = any(s.get("reachable") for s in services)
    facts = []
    for service in services:
        item = f"{text(service.get('name'), 40)} {text(service.get('port'), 8)}".strip()
        status = str(service.get("status") or "error")
        findings = [f for f in service.get("findings") or [] if isinstance(f, dict)]
        risky = [text(f.get("title"), 200) for f in findings if f.get("severity") in RISKY]
        if status == "ok" and risky:
            facts.append(Fact(target, item, "at risk", PROBLEM, "; ".join(risky)[:500]))
        elif status == "ok":
            facts.append(Fact(target, item, "no weakness", OK))
        elif status == "not-reachable" and any_reachable:
            facts.append(Fact(target, item, "not reachable", OK, "closed or filtered from here"))
        elif status == "not-reachable":
            facts.append(Fact(target, item, "no answer", ERROR, "no mail service answered from here"))
        else:
            facts.append(Fact(target, item, status, ERROR, text(service.get("error") or service.get("detail") or status)))
    return facts


register_kind(KindSpec(
    "mailprobe", "Mail server probe", _probe_target, _probe_facts, item_label="service", problem_word="at risk",
    still_word="still at risk", problem_text="{item} at risk", fixed_text="{item} no longer at risk",
    detail_after=True,
    recognise=lambda doc: "services" in doc and "host" in doc,
))


# --- osver: documents kept whole; a version is a fact about the server, not a pass/fail ---
register_kind(KindSpec("osver", "Windows version", lambda doc: text(doc.get("version"), 200),
                       recognise=lambda doc: "matches" in doc))

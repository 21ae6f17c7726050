"""Which facts each kind of check leaves in the history, and what a run's target is.

A saved run keeps its whole JSON document (exactly what ``sbskit-cli <kind> --json``
prints). For history we also pull out small per-item *facts* - for a blacklist run one
per (target, zone) - each with a ``state``: ``problem`` (listed, open relay ...), ``ok``
or ``error`` (the check did not give an answer). History logic only looks at states, so
another check adds its history by registering a :class:`KindSpec` here, nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from sbskit.core.errors import UserInputError

PROBLEM, OK, ERROR = "problem", "ok", "error"
STATES = (PROBLEM, OK, ERROR)
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


@dataclass(frozen=True)
class Fact:
    """One checked item of one run: e.g. target ``192.0.2.7``, item ``zen.spamhaus.org``."""

    target: str
    item: str
    status: str  # the check's own word: listed, clean, error, open, closed ...
    state: str  # problem | ok | error
    detail: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.target, self.item)


@dataclass(frozen=True)
class KindSpec:
    """How to read one kind of result document."""

    kind: str
    label: str
    target_of: Callable[[dict[str, Any]], str]
    facts: Callable[[dict[str, Any]], list[Fact]] | None  # None: documents kept, no history facts
    item_label: str = "item"
    problem_word: str = "problem"  # "listed" reads better than "problem" in summaries


_REGISTRY: dict[str, KindSpec] = {}


def register_kind(spec: KindSpec) -> None:
    if not KIND_PATTERN.match(spec.kind):
        raise ValueError(f"bad kind name {spec.kind!r}")
    _REGISTRY[spec.kind] = spec


def kind_spec(kind: str) -> KindSpec | None:
    return _REGISTRY.get(kind)


def known_kinds() -> list[str]:
    return sorted(_REGISTRY)


def check_kind(kind: str) -> str:
    kind = (kind or "").strip().lower()
    if not KIND_PATTERN.match(kind):
        raise UserInputError(
            f"a run kind is a short lowercase word like {', '.join(known_kinds())}, not {kind!r}"
        )
    return kind


def extract(kind: str, document: dict[str, Any]) -> list[Fact]:
    """The facts of one result document; kinds without an extractor have none."""
    spec = _REGISTRY.get(kind)
    return spec.facts(document) if spec and spec.facts else []


def has_history(kind: str) -> bool:
    """True when runs of ``kind`` leave facts, so "since last visit" comparisons mean something."""
    spec = _REGISTRY.get(kind)
    return bool(spec and spec.facts)


def target_of(kind: str, document: dict[str, Any]) -> str:
    spec = _REGISTRY.get(kind)
    if spec is None:
        return ""
    return spec.target_of(document)


def _text(value: Any, limit: int = 500) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(value)[:limit]


def _need(condition: bool, kind: str) -> None:
    if not condition:
        raise UserInputError(f"this is not a {kind} result document (the JSON that 'sbskit-cli {kind} --json' prints)")


# --- blacklist ------------------------------------------------------------------------
_BL_STATE = {"listed": PROBLEM, "clean": OK}


def _blacklist_targets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    targets = doc.get("targets")
    _need(isinstance(targets, list) and all(isinstance(t, dict) for t in targets), "blacklist")
    return targets


def _blacklist_target(doc: dict[str, Any]) -> str:
    names = [str(t.get("target", "")) for t in _blacklist_targets(doc)]
    return ", ".join(n for n in names if n)


def _blacklist_facts(doc: dict[str, Any]) -> list[Fact]:
    facts = []
    for entry in _blacklist_targets(doc):
        target = entry.get("target")
        results = entry.get("results")
        _need(isinstance(target, str) and isinstance(results, list), "blacklist")
        for result in results:
            _need(isinstance(result, dict) and isinstance(result.get("zone"), str), "blacklist")
            status = str(result.get("status") or "error")
            state = _BL_STATE.get(status, ERROR)  # anything but listed/clean is not an answer
            if state == PROBLEM and result.get("verdict") not in (None, "bad"):
                state = OK  # on an allow-list or a good reputation list: listed, but not a problem
            if state == ERROR:
                detail = _text(result.get("error") or result.get("detail") or status)
            elif state == PROBLEM:
                detail = _text(result.get("meanings") or result.get("codes"))
            else:
                detail = ""
            facts.append(Fact(target, result["zone"].lower().rstrip("."), status, state, detail))
    return facts


register_kind(KindSpec("blacklist", "Blacklist check", _blacklist_target, _blacklist_facts, "zone", "listed"))


# --- relaytest ------------------------------------------------------------------------
def _relay_target(doc: dict[str, Any]) -> str:
    _need(isinstance(doc.get("host"), str), "relaytest")
    port = doc.get("port")
    return f"{doc['host']}:{port}" if isinstance(port, int) else doc["host"]


def _relay_facts(doc: dict[str, Any]) -> list[Fact]:
    target = _relay_target(doc)
    verdict = doc.get("open_relay")
    if verdict is True:
        return [Fact(target, "open_relay", "open", PROBLEM, "the server accepted mail for a foreign domain")]
    if verdict is False:
        return [Fact(target, "open_relay", "closed", OK)]
    return [Fact(target, "open_relay", "unknown", ERROR, "the test could not be completed")]


register_kind(KindSpec("relaytest", "Open-relay test", _relay_target, _relay_facts, "test", "open relay"))


# --- maildns (facts from sbskit.core.maildns.history) -------------------------------------
def _maildns_target(doc: dict[str, Any]) -> str:
    from sbskit.core.maildns.history import target

    return target(doc)


def _maildns_facts(doc: dict[str, Any]) -> list[Fact]:
    from sbskit.core.maildns.history import facts

    return [Fact(*fact) for fact in facts(doc)]


register_kind(KindSpec("maildns", "Mail DNS health", _maildns_target, _maildns_facts, "check", "a problem"))


# --- kinds stored without facts yet (their documents are kept whole) -------------------
register_kind(KindSpec("mailprobe", "Mail server probe", lambda doc: _text(doc.get("host"), 200), None))
register_kind(KindSpec("osver", "Windows version", lambda doc: _text(doc.get("version"), 200), None))
def _triage_target(doc: dict[str, Any]) -> str:
    inputs = doc.get("inputs")
    if not isinstance(inputs, list):
        return ""
    return _text([i.get("file", "") for i in inputs if isinstance(i, dict)], 200)


def _triage_facts(doc: dict[str, Any]) -> list[Fact]:
    """One fact per triage run, its outcome: a cause is a problem, healthy is ok, anything else
    (not enough evidence, or an older document without an outcome) could not tell."""
    outcome = doc.get("outcome")
    verdict = _text(doc.get("verdict"), 300)
    target = _triage_target(doc) or "(answers only)"
    if outcome == "cause":
        return [Fact(target, "outcome", "cause found", PROBLEM, verdict)]
    if outcome == "healthy":
        return [Fact(target, "outcome", "healthy", OK, verdict)]
    return [Fact(target, "outcome", "not enough evidence", ERROR, verdict or "the triage could not tell")]


register_kind(KindSpec("triage", "Spam triage", _triage_target, _triage_facts, "outcome", "cause found"))


def guess_kind(document: Any) -> str | None:
    """Which check printed this JSON document, from its top-level keys (None: cannot tell)."""
    if not isinstance(document, dict):
        return None
    keys = set(document)
    if "targets" in keys:
        return "blacklist"
    if "open_relay" in keys:
        return "relaytest"
    if "services" in keys and "host" in keys:
        return "mailprobe"
    if "matches" in keys:
        return "osver"
    if "findings" in keys and "inputs" in keys:
        return "triage"
    if "checks" in keys and "domain" in keys:
        return "maildns"
    return None

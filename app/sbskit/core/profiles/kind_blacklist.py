"""History facts of a blocklist run: one per (target, list); anything but listed/clean is no answer."""

from __future__ import annotations

from typing import Any

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, Fact, KindSpec, need, register_kind, text

_STATE = {"listed": PROBLEM, "clean": OK}


def _targets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    targets = doc.get("targets")
    need(isinstance(targets, list) and all(isinstance(t, dict) for t in targets), "blacklist")
    return targets


def _target(doc: dict[str, Any]) -> str:
    names = [str(t.get("target", "")) for t in _targets(doc)]
    return ", ".join(n for n in names if n)


def _facts(doc: dict[str, Any]) -> list[Fact]:
    facts = []
    for entry in _targets(doc):
        target = entry.get("target")
        results = entry.get("results")
        need(isinstance(target, str) and isinstance(results, list), "blacklist")
        for result in results:
            need(isinstance(result, dict) and isinstance(result.get("zone"), str), "blacklist")
            status = str(result.get("status") or "error")
            state = _STATE.get(status, ERROR)  # anything but listed/clean is not an answer
            if state == PROBLEM and result.get("verdict") not in (None, "bad"):
                state = OK  # on an allow-list or a good reputation list: listed, but not a problem
            if state == ERROR:
                detail = text(result.get("error") or result.get("detail") or status)
            elif state == PROBLEM:
                detail = text(result.get("meanings") or result.get("codes"))
            else:
                detail = ""
            facts.append(Fact(target, result["zone"].lower().rstrip("."), status, state, detail))
    return facts


def _recognise(doc: dict[str, Any]) -> bool:
    targets = doc.get("targets")
    return isinstance(targets, list) and all(isinstance(t, dict) and "results" in t for t in targets)


register_kind(KindSpec(
    "blacklist", "Blacklist check", _target, _facts, item_label="list", problem_word="listed",
    still_word="still listed", problem_text="listed on {item}", fixed_text="no longer listed on {item}",
    recognise=_recognise,
))

"""History facts of a Mail DNS health run, one per check, from ``sbskit.core.maildns.history``.

The maildns module decides each check's state (a check that could not be completed is an
error, never ok); this module only registers the kind and the words its history is told in.
"""

from __future__ import annotations

from typing import Any

from sbskit.core.profiles.kinds import Fact, KindSpec, register_kind


def _target(doc: dict[str, Any]) -> str:
    from sbskit.core.maildns.history import target

    return target(doc)


def _facts(doc: dict[str, Any]) -> list[Fact]:
    from sbskit.core.maildns.history import facts

    return [Fact(*fact) for fact in facts(doc)]


register_kind(KindSpec(
    "maildns", "Mail DNS health", _target, _facts, item_label="check", problem_word="with a problem",
    problem_text="{target}: a problem on {item} ({detail})", fixed_text="{target}: no longer a problem on {item}",
    recognise=lambda doc: "checks" in doc and "domain" in doc,
))

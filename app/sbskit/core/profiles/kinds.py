"""Which facts each kind of check leaves in the history, and what a run's target is.

A saved run keeps its whole JSON document (exactly what ``sbskit-cli <kind> --json``
prints). For history we also pull out small per-item *facts* - for a blacklist run one
per (target, list) - each with a ``state``: ``problem`` (listed, open relay ...), ``ok``
(a real answer that found nothing wrong) or ``error`` (the check gave no answer: a
refused query, a timeout, not enough evidence). History logic only looks at states, so
every kind gets the same honest verdicts: a run whose every item is an error "could not
check", never "no problems".

Adding a kind (e.g. ``maildns``): write a module that builds a :class:`KindSpec` and calls
:func:`register_kind`, and name the module in :data:`KIND_MODULES`. Nothing else changes:
the CLI, the History view, the re-run and the report all read the spec.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any, Callable

from sbskit.core.errors import UserInputError

PROBLEM, OK, ERROR = "problem", "ok", "error"
STATES = (PROBLEM, OK, ERROR)
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,31}$")

#: Modules that register the built-in kinds, imported the first time the registry is used.
KIND_MODULES = (
    "sbskit.core.profiles.kind_blacklist",
    "sbskit.core.profiles.kind_mail",
    "sbskit.core.profiles.kind_triage",
    "sbskit.core.profiles.kind_maildns",
)


@dataclass(frozen=True)
class Fact:
    """One checked item of one run: e.g. target ``192.0.2.7``, item ``zen.spamhaus.org``."""

    target: str
    item: str
    status: str  # the check's own word: listed, clean, error, open, closed ...
    state: str  # problem | ok | error
    detail: str = ""  # for errors: the reason (refused, timeout ...); for problems: what was found

    @property
    def key(self) -> tuple[str, str]:
        return (self.target, self.item)


@dataclass(frozen=True)
class KindSpec:
    """How to read one kind of result document, and the words its history is told in.

    ``problem_text`` and ``fixed_text`` say what is wrong (or no longer wrong) with one item, without
    the target: ``listed on {item}``, ``{item} at risk``. They are ``str.format`` templates with
    ``{item}`` (through ``item_name``) and ``{status}``; the history adds the target, "since" and
    the change (``192.0.2.7: listed on bl.spamcop.net since 3 Mar 2026 (still listed)``), and the
    item's detail after a colon when ``detail_after`` is set.
    """

    kind: str
    label: str
    target_of: Callable[[dict[str, Any]], str]
    facts: Callable[[dict[str, Any]], list[Fact]] | None = None  # None: documents kept, no history facts
    item_label: str = "item"  # one checked thing: "list", "service", "check"
    items_label: str = ""  # plural; default item_label + "s"
    problem_word: str = "with a problem"  # in counts: "2 listed", "2 at risk", "2 with a problem"
    still_word: str = "still a problem"  # the change word: "still listed", "still at risk"
    problem_text: str = "{item} {status}"
    fixed_text: str = "{item} no longer {status}"
    detail_after: bool = False  # "... (still at risk): Still accepts TLSv1.1; Self-signed certificate"
    item_name: Callable[[str], str] | None = None  # how an item id reads (maildns: "spf" -> "SPF record")
    recognise: Callable[[dict[str, Any]], bool] | None = None  # "is this document mine?" (profile record)
    failed_word: str = "failed"  # "32 of 32 lists failed"
    single_outcome: str = ""  # a kind with one item per run (triage): its verdict when that item is fine
    detail_text: Callable[[str], str] | None = None  # how a stored detail reads in a sentence

    def items(self, count: int) -> str:
        """``1 list`` / ``32 lists``."""
        plural = self.items_label or f"{self.item_label}s"
        return f"{count} {self.item_label if count == 1 else plural}"

    def plural(self) -> str:
        return self.items_label or f"{self.item_label}s"

    def name(self, item: str) -> str:
        return self.item_name(item) if self.item_name else item

    def problem_phrase(self, item: str, status: str = "") -> str:
        """``listed on bl.spamcop.net`` / ``IMAP 143 at risk`` (no target)."""
        return self.problem_text.format(item=self.name(item), status=status)

    def fixed_phrase(self, item: str, status: str = "") -> str:
        return self.fixed_text.format(item=self.name(item), status=status)

    def detail(self, detail: str) -> str:
        """A stored detail as it reads after a colon: one line, no trailing full stop, at most ~200 characters."""
        detail = self.detail_text(detail) if self.detail_text else " ".join(str(detail).split()).rstrip(".")
        return clip(detail, 200)

    def problem_sentence(self, target: str, item: str, status: str, detail: str = "") -> str:
        text = f"{target}: {self.problem_phrase(item, status)}"
        return f"{text}: {self.detail(detail)}" if self.detail_after and detail else text

    def fixed_sentence(self, target: str, item: str, status: str) -> str:
        return f"{target}: {self.fixed_phrase(item, status)}"


_REGISTRY: dict[str, KindSpec] = {}
_loaded = False


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in KIND_MODULES:
            importlib.import_module(module)


def register_kind(spec: KindSpec) -> None:
    if not KIND_PATTERN.match(spec.kind):
        raise ValueError(f"bad kind name {spec.kind!r}")
    _REGISTRY[spec.kind] = spec


def kind_spec(kind: str) -> KindSpec | None:
    _load_builtin()
    return _REGISTRY.get(kind)


def spec_or_generic(kind: str) -> KindSpec:
    """The kind's spec, or a generic one (an unknown kind from a newer kit's export)."""
    return kind_spec(kind) or KindSpec(kind, kind, lambda _doc: "")


def known_kinds() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def known_kind(kind: str) -> str:
    """``kind`` if this kit knows it; otherwise a one-line error that lists the kinds it knows."""
    kind = check_kind(kind)
    if kind_spec(kind) is None:
        raise UserInputError(f"unknown check kind {kind!r}; this kit knows {', '.join(known_kinds())}")
    return kind


def check_kind(kind: str) -> str:
    kind = (kind or "").strip().lower()
    if not KIND_PATTERN.match(kind):
        raise UserInputError(
            f"a run kind is a short lowercase word like {', '.join(known_kinds())}, not {kind!r}"
        )
    return kind


def extract(kind: str, document: dict[str, Any]) -> list[Fact]:
    """The facts of one result document; kinds without an extractor have none."""
    spec = kind_spec(kind)
    return spec.facts(document) if spec and spec.facts else []


def has_history(kind: str) -> bool:
    """True when runs of ``kind`` leave facts, so "since last visit" comparisons mean something."""
    spec = kind_spec(kind)
    return bool(spec and spec.facts)


def target_of(kind: str, document: dict[str, Any]) -> str:
    spec = kind_spec(kind)
    if spec is None:
        return ""
    return spec.target_of(document)


def clip(value: str, limit: int) -> str:
    """``value`` cut at a word boundary (with an ellipsis) when longer than ``limit``."""
    if len(value) <= limit:
        return value
    return value[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def text(value: Any, limit: int = 500) -> str:
    """A document value as short text (lists joined with commas)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(value)[:limit]


def need(condition: bool, kind: str) -> None:
    """Refuse a document that is not what ``sbskit-cli <kind> --json`` prints."""
    if not condition:
        raise UserInputError(f"this is not a {kind} result document (the JSON that 'sbskit-cli {kind} --json' prints)")


def guess_kind(document: Any) -> str | None:
    """Which check printed this JSON document (None: cannot tell); asks each kind in registration order."""
    if not isinstance(document, dict):
        return None
    _load_builtin()
    for spec in list(_REGISTRY.values()):
        if spec.recognise is not None and spec.recognise(document):
            return spec.kind
    return None

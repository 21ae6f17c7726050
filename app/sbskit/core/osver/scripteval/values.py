"""Values that differ between the simulated computers, evaluated only where a script decides.

A script's data is either the same everywhere (a plain ``str``), or depends on the computer
(:class:`Lazy`: a function of the :class:`~machines.Machine`, computed on demand and cached),
or comes from outside the script (:class:`Unknown`: a network path, an external program).
Each ``Lazy`` carries ``why``: a phrase saying where the value came from on one computer,
which is what turns a branch into a proof.
"""

from __future__ import annotations

from typing import Any, Callable

from sbskit.core.osver.scripteval.machines import Machine

Why = Callable[[Machine], str]
_MISSING = object()


class Lazy:
    """A value computed per computer. ``tags`` name its sources (ver, reg:CurrentVersion, ...) for
    classifying findings; ``lang`` is true when it depends on the display language."""

    __slots__ = ("fn", "why", "tags", "lang", "_cache", "counted", "intent", "origin", "leaves", "order", "probes", "memo")

    def __init__(self, fn: Callable[[Machine], Any], why: Why | None = None, tags: frozenset[str] = frozenset(),
                 lang: bool = False) -> None:
        self.fn = fn
        self.why = why
        self.tags = tags
        self.lang = lang
        self._cache: dict[int, Any] = {}
        self.counted = None
        self.intent = None  # for comparisons: m -> (result as evaluated, result the numbers give) or None
        self.origin: int | None = None  # the script line where the value was read from the computer
        self.leaves: tuple = (self,)  # the computer-dependent values this one is a pure function of
        self.order: str | None = None  # a test that is one ordering comparison: "ge", "gt", "le" or "lt"
        self.probes: tuple = ()  # what the tests this value comes from look for (see intent.Probe)
        self.memo: dict | None = None  # conclusions drawn from this value (intent.side_meaning)

    def at(self, m: Machine) -> Any:
        value = self._cache.get(m.idx, _MISSING)
        if value is _MISSING:
            value = self._cache[m.idx] = self.fn(m)
        return value

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Lazy {sorted(self.tags)}>"


class Unknown:
    """A value the script gets from outside (external program, network path, user input)."""

    __slots__ = ("why", "line")

    def __init__(self, why: str, line: int) -> None:
        self.why = why
        self.line = line

    def __repr__(self) -> str:  # pragma: no cover
        return f"<Unknown line {self.line}: {self.why}>"


Value = Any  # str | Lazy | Unknown (and bool/int for conditions)


def at(value: Value, m: Machine) -> Any:
    return value.at(m) if isinstance(value, Lazy) else value


def first_unknown(*values: Value) -> Unknown | None:
    for v in values:
        if isinstance(v, Unknown):
            return v
    return None


def lift(fn: Callable[..., Any], *values: Value, why: Why | None = None, tags: frozenset[str] | None = None) -> Value:
    """Apply ``fn`` to plain values now, or per computer later when any input is Lazy."""
    unknown = first_unknown(*values)
    if unknown is not None:
        return unknown
    lazies = [v for v in values if isinstance(v, Lazy)]
    if not lazies:
        return fn(*values)
    if why is None:
        why = next((v.why for v in lazies if v.why is not None), None)
    all_tags = frozenset().union(*(v.tags for v in lazies)) if tags is None else tags
    lang = any(v.lang for v in lazies)
    origin = next((v.origin for v in lazies if v.origin is not None), None)
    out = _lazy_of(fn, values, why, all_tags, lang)
    out.origin = origin
    leaves: dict[int, Lazy] = {}
    for v in lazies:
        for leaf in v.leaves:
            leaves.setdefault(id(leaf), leaf)
    out.leaves = tuple(leaves.values())
    probes = [p for v in lazies for p in v.probes]
    if probes:
        out.probes = tuple(dict.fromkeys(probes))
    return out


def _lazy_of(fn, values, why, all_tags, lang) -> "Lazy":
    if len(values) == 1:
        only = values[0]
        return Lazy(lambda m: fn(only.at(m)), why, all_tags, lang)
    if len(values) == 2:
        a, b = values
        if isinstance(a, Lazy) and isinstance(b, Lazy):
            return Lazy(lambda m: fn(a.at(m), b.at(m)), why, all_tags, lang)
        if isinstance(a, Lazy):
            return Lazy(lambda m: fn(a.at(m), b), why, all_tags, lang)
        return Lazy(lambda m: fn(a, b.at(m)), why, all_tags, lang)
    getters = [(lambda m, v=v: v.at(m)) if isinstance(v, Lazy) else (lambda m, v=v: v) for v in values]
    return Lazy(lambda m: fn(*[g(m) for g in getters]), why, all_tags, lang)


def partly_known_logic(op: str, a: Value, b: Value, truthy: Callable[[Any], Any]) -> Value | None:
    """``$isNew -and $fromOutside``: where the computer-dependent side decides alone (-and with a
    false side, -or with a true one) the answer is known; elsewhere it is the outside value, which
    the runner follows both ways. None when this does not apply."""
    unknown = first_unknown(a, b)
    known = b if unknown is a else a
    if unknown is None or op not in ("and", "or") or not isinstance(known, Lazy):
        return None
    decided = op == "or"
    return lift(lambda x: unknown if isinstance(x, Unknown) or bool(truthy(x)) != decided else decided, known)


def not_keeping_unknown(value: Value, truthy: Callable[[Any], Any]) -> Value:
    """Logical not that passes a per-computer outside answer through (see :func:`partly_known_logic`)."""
    return lift(lambda x: x if isinstance(x, Unknown) else not truthy(x), value)


def concat(values: list[Value]) -> Value:
    """Join the expanded parts of a word."""
    if all(isinstance(v, str) for v in values):
        return "".join(values)
    return lift(lambda *parts: "".join(parts), *values, why=merge_why(*values))


def is_plain(value: Value) -> bool:
    return isinstance(value, (str, int, bool))


def merge_why(*values: Value) -> Why | None:
    """A why that joins the whys of every Lazy among ``values`` (deduplicated)."""
    whys = []
    for v in values:
        if isinstance(v, Lazy) and v.why is not None and v.why not in whys:
            whys.append(v.why)
    if not whys:
        return None
    if len(whys) == 1:
        return whys[0]
    return lambda m: "; ".join(dict.fromkeys(w(m) for w in whys))

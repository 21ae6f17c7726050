"""What a test is for, read from its own words: ``find "5.1"`` tests for Windows XP,
``InStr(caption, "2003") > 0`` for Server 2003, ``build >= 9200`` for Windows 8 and later.

Tests carry :class:`Probe` objects (on their values, see ``values.Lazy.probes``). A branch whose
own words name no Windows (``set datestamp=...``, ``WScript.Quit 99``, ``Log $osName``) takes its
meaning from the test that leads to it; and a ``find "7"`` that matches only digits of a build or
patch number answers by accident on that release (:func:`accident_in`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable

from sbskit.core.osver.scripteval.machines import machines, sim_releases

YEARS = {"2000", "2003", "2008", "2012", "2016", "2019", "2022", "2025"}
VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, eq=False)
class Probe:
    """One thing a test looks for, what the author meant by it, and what it did on a computer."""

    text: str  # as written: find "5.1", InStr(..., "2003"), >= 9200
    intended: frozenset | None  # the releases the test is meant to be true on (None: it names none)
    core: frozenset | None  # the releases it surely means (XP without XP x64)
    actual: Callable  # machine -> bool: was the thing found / the comparison true there
    accident: Callable | None = None  # machine -> the build/patch digits it matched by accident, or None
    edge: Callable | None = None  # machine -> True where "x -le $Minimum" holds only because x equals the minimum


def _ids(pred) -> frozenset:
    return frozenset(r.id for r in sim_releases() if r.kind != "9x" and pred(r))


def value_meaning(text: str, tags) -> tuple[frozenset, frozenset] | None:
    """Like :func:`needle_meaning`, for a value compared with something the script read: a
    ProductType (1 / WinNT = client, 2 / LanmanNT = domain controller, 3 / ServerNT = server)."""
    if any("producttype" in t for t in tags):
        roles = {"1": 1, "winnt": 1, "2": 2, "lanmannt": 2, "3": 3, "servernt": 3}
        role = roles.get(text.strip().strip('"').lower())
        if role is not None:
            from sbskit.core.osver.scripteval.machines import _product_type

            ids = _ids(lambda r: _product_type(r) == role)
            if role == 3:  # "= 3" is written to mean "a server"; a domain controller (2) is a server too
                return _ids(lambda r: _product_type(r) in (2, 3)), ids
            return ids, ids
    return needle_meaning(text)


@functools.lru_cache(maxsize=2048)
def needle_meaning(text: str) -> tuple[frozenset, frozenset] | None:
    """(releases it may mean, releases it surely means) for a searched text, or None."""
    from sbskit.core.osver.scripteval.meaning import meaning_of

    t = text.replace("\\", "").strip().strip('"').strip("*%").strip()
    low = t.lower()
    if not t or len(t) > 60:
        return None
    if low in ("windows_nt", "windows nt family"):  # %OS% on every NT
        every = _ids(lambda r: True)
        return every, every
    if low in ("nt", "windows nt", "nt version", "windows nt version"):  # only NT 4.0's ver says "NT"
        nt4 = _ids(lambda r: r.build == 1381)
        return nt4, nt4
    m = re.fullmatch(r"(?:version |\[version |nt )?(\d{1,2})\.(\d{1,2})\.?", low)
    if m:
        ids = _ids(lambda r: (r.major, r.minor) == (int(m.group(1)), int(m.group(2))))
        return (ids, ids) if ids else None
    if re.fullmatch(r"\d{1,2}", t):
        return None  # "7", "10" alone: too short to name a version
    if re.fullmatch(r"\d{4,5}", t) and t not in YEARS:
        ids = _ids(lambda r: r.build == int(t))
        return (ids, ids) if ids else None
    meant = meaning_of(t, refusals=False)
    if meant is None or meant.default or not meant.releases:
        return None
    return frozenset(meant.releases), frozenset(meant.surely)


def order_meaning(op: str, literal) -> tuple[frozenset, frozenset] | None:
    """The releases on which ``version OP literal`` is meant to hold: "6.1" is a version, 9200 a build."""
    return _order_meaning(op, str(literal).strip().strip('"'))


@functools.lru_cache(maxsize=2048)
def _order_meaning(op: str, text: str) -> tuple[frozenset, frozenset] | None:
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})(?:\.(\d+))?(?:\.\d+)?", text)
    if m:
        bound = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))

        def key(r):
            return (r.major, r.minor, r.build if m.group(3) else 0)
    elif re.fullmatch(r"\d{4,5}", text):
        bound = int(text)

        def key(r):
            return r.build
    elif re.fullmatch(r"\d{1,2}", text) and 4 <= int(text) <= 11:  # a major version; "> 0" tests nothing
        bound = int(text)

        def key(r):
            return r.major
    else:
        return None
    test = {"ge": lambda a: a >= bound, "gt": lambda a: a > bound, "le": lambda a: a <= bound,
            "lt": lambda a: a < bound, "eq": lambda a: a == bound}.get(op)
    if test is None:
        return None
    ids = _ids(lambda r: test(key(r)))
    return ids, ids


def accident_in(line: str, spans: list[tuple[int, int]]) -> str | None:
    """The build/patch number when every match starts in it without being all of it: ``find "2000"``
    in 10.0.22000, ``find "5.2"`` in 10.0.19045.2006, ``find "7"`` in 10.0.17763."""
    v = VERSION.search(line)
    if not v or not spans:
        return None
    start, end = v.start(3), v.end(4) if v.group(4) else v.end(3)
    whole = {(v.start(3), v.end(3)), (start, end)}
    for a, b in spans:
        if a < start or a >= end or (a, b) in whole:
            # a match that starts in major.minor ("10.0.1" in 10.0.19045, "6.1." in 6.1.7601) reads the
            # version from its start, as meant; elsewhere in the line; or the whole build number
            return None
    return line[start:end]


def add_compare_probe(out, op: str, literal, var, flipped: bool, actual: Callable) -> None:
    """Give a comparison of something the script read with a literal (``= "6.1"``, ``>= 22000``,
    ``-like '*Server 2008*'``) a probe saying what it is meant for. ``op``: eq, ne, ge, gt, le, lt,
    like, match; ``flipped`` when the literal is on the left."""
    if not hasattr(out, "probes") or literal is None or isinstance(literal, bool):
        return
    text = str(literal)
    if op in ("eq", "ne", "like", "match"):
        meant = value_meaning(text if op != "match" else text.replace("\\.", ".").strip("^$"),
                              getattr(var, "tags", ()))
    else:
        if flipped:
            op = {"ge": "le", "gt": "lt", "le": "ge", "lt": "gt"}[op]
        meant = order_meaning(op, text)
    if meant is None:
        return
    out.probes = tuple(out.probes) + (Probe(f"{op} {text}", meant[0], meant[1], actual),)


def make_find_probe(text: str, pattern, stream_lines) -> Probe | None:
    """A probe for find/findstr: ``pattern`` is a compiled regex (literal text escaped)."""
    meant = needle_meaning(text)

    def actual(m) -> bool:
        return any(pattern.search(x.rstrip("\r")) for x in _lines(stream_lines, m))

    def accident(m) -> str | None:
        found = None
        for x in _lines(stream_lines, m):
            x = x.rstrip("\r")
            spans = [(g.start(), g.end()) for g in pattern.finditer(x)]
            if spans:
                got = accident_in(x, spans)
                if got is None:
                    return None
                found = got
        return found

    return Probe(text, meant[0] if meant else None, meant[1] if meant else None, actual, accident)


def _lines(value, m) -> tuple:
    got = value.at(m) if hasattr(value, "at") else value
    return got if isinstance(got, tuple) else ()


# --- what a decision and a branch mean ---------------------------------------------------------------
def side_meaning(cond, outcome) -> tuple[frozenset, frozenset, bool] | None:
    """(releases, surely, negated) the side ``outcome`` of a test is meant for, from the one probe on
    it that names Windows; None when there is none or the test's answer does not follow it."""
    memo = cond.memo if cond.memo is not None else {}
    cond.memo = memo
    key = ("side", bool(outcome))
    if key not in memo:
        memo[key] = _side_meaning(cond, outcome)
    return memo[key]


def _side_meaning(cond, outcome):
    probes = [p for p in getattr(cond, "probes", ()) if p.intended]
    if len(probes) > 1:
        return _conjunction(cond, probes, outcome)
    if len(probes) != 1:
        return None
    probe = probes[0]
    ms = machines()
    agree = disagree = true_only = 0
    sample = [(i, v) for i, v in list(cond._cache.items()) if ms[i].lang == "en"] or list(cond._cache.items())
    for idx, value in sample:
        if value is None:
            continue
        try:
            got = bool(probe.actual(ms[idx]))
        except Exception:  # noqa: BLE001 - a probe that cannot tell on some computer says nothing there
            continue
        if bool(value) == got:
            agree += 1
        else:
            disagree += 1
            if got and not value:
                true_only += 1
    if agree + disagree == 0:
        return None
    everything = _everything()  # 9x too: "not XP" is everything else
    if disagree == 0:  # the test is the probe
        return (probe.intended, probe.core, False) if outcome else (everything - probe.core, everything - probe.intended,
                                                                    True)
    if agree == 0:  # the test is the probe negated
        return (everything - probe.core, everything - probe.intended, True) if outcome else (probe.intended,
                                                                                                probe.core, False)
    if disagree == true_only:  # probe AND something else: the true side is a part of what it names
        return (probe.intended, probe.core, False) if outcome else (everything - probe.core, everything - probe.intended,
                                                                    True)
    return None


def _conjunction(cond, probes: list, outcome):
    """``A And B``: when the test holds only where every probe holds, its true side is meant for what they
    all name, its false side for the rest."""
    ms = machines()
    seen = 0
    for idx, value in list(cond._cache.items()):
        if ms[idx].lang != "en" or value is None:
            continue
        seen += 1
        if value and not all(p.actual(ms[idx]) for p in probes):
            return None
    if not seen:
        return None
    intended = frozenset.intersection(*(p.intended for p in probes))
    core = frozenset.intersection(*((p.core or p.intended) for p in probes))
    if not intended:
        return None
    everything = _everything()
    return (intended, core, False) if outcome else (everything - core, everything - intended, True)


@functools.lru_cache(maxsize=1)
def _everything() -> frozenset:
    return frozenset(r.id for r in sim_releases())

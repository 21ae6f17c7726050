"""Evidence for script findings, computed from the release table.

A finding is only convincing if it names real releases: "findstr "6000" also misses
Vista SP1 (6.0.6001)". These helpers compute those lists from the same data the
identifier uses, with the matching semantics of the construct that was flagged.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Iterable

from sbskit.core.osver import landmarks
from sbskit.core.osver.releases import Release, load_table

MAX_LISTED = 100


def nt_releases() -> list[Release]:
    return load_table().nt()


def describe(releases: Iterable[Release], limit: int = MAX_LISTED) -> list[str]:
    """'Windows Vista SP1 (6.0.6001)' strings, one per distinct label, oldest first."""
    seen: dict[str, Release] = {}
    for r in sorted(releases, key=lambda r: (r.build, r.family, r.product)):
        seen.setdefault(r.label, r)
    items = [f"{label} ({r.version_text})" for label, r in seen.items()]
    if len(items) > limit:
        items = items[:limit] + [f"and {len(items) - limit} more"]
    return items


def is_version_literal(text: str) -> bool:
    """'6.1', '6.0.6001', '10.0.', '6000', '7601' - something a script compares a version with."""
    text = text.strip().strip("*%").strip()
    if re.fullmatch(r"\d{1,2}\.\d{1,2}(\.\d{0,5}){0,2}\.?", text):
        return True
    if re.fullmatch(r"\d{4,5}", text):
        return int(text) in {r.build for r in nt_releases()}  # not years such as 2008
    return False


def matcher(literal: str, mode: str) -> Callable[[str], bool]:
    """How a construct matches a version text: substring, regex, prefix, wildcard (PowerShell -like)."""
    if mode == "regex":
        try:
            rx = re.compile(literal)
        except re.error:
            rx = re.compile(re.escape(literal))
        return lambda s: rx.search(s) is not None
    if mode == "prefix":
        return lambda s: s.startswith(literal)
    if mode == "wildcard":
        rx = re.compile("^" + re.escape(literal).replace(r"\*", ".*").replace(r"\?", ".") + "$")
        return lambda s: rx.match(s) is not None
    if mode == "like":
        from sbskit.core.osver.evaluate import like
        return lambda s: like(s, literal)
    return lambda s: literal in s


@functools.lru_cache(maxsize=256)
def regex_counterexample(literal: str) -> str | None:
    """A real release's ver text (with some UBR) the regex matches but the literal text does not."""
    try:
        rx = re.compile(literal)
    except re.error:
        return None
    for r in nt_releases():
        texts = [r.version_text] + ([f"{r.version_text}.{u}" for u in range(10000)] if r.major >= 10 else [])
        for text in texts:
            if rx.search(text) and literal not in text:
                return f"{text} ({r.label})"
    return None


@functools.lru_cache(maxsize=512)
def _intended(literal: str) -> tuple[Release, ...]:
    return tuple(_intended_list(literal))


def intended(literal: str) -> list[Release]:
    return list(_intended(literal))


def _intended_list(literal: str) -> list[Release]:
    """What the author most likely meant by the literal: that exact build or version."""
    found = re.search(r"\d{1,2}\.\d{1,2}(?:\.\d{1,5}){0,2}|\d{4,5}", literal)
    if not found:
        return []
    core = found.group(0)
    rels = nt_releases()
    if re.fullmatch(r"\d{4,5}", core):
        return [r for r in rels if r.build == int(core)]
    parts = [int(p) for p in core.split(".") if p]
    if len(parts) >= 3:
        return [r for r in rels if (r.major, r.minor, r.build) == tuple(parts[:3])]
    if len(parts) == 2:
        return [r for r in rels if (r.major, r.minor) == tuple(parts)]
    if len(parts) == 1:
        return [r for r in rels if r.major == parts[0]]
    return []


def prove_match(literal: str, mode: str) -> dict[str, list[str]]:
    """Which releases the pattern also matches, and which releases of the meant products it misses."""
    return {k: list(v) for k, v in _prove_match(literal, mode).items()}


@functools.lru_cache(maxsize=512)
def _prove_match(literal: str, mode: str) -> dict[str, tuple[str, ...]]:
    test = matcher(literal, mode)
    rels = nt_releases()
    hit = [r for r in rels if test(r.version_text)]
    meant = intended(literal)
    meant_ids = {r.id for r in meant}
    products = {r.product for r in meant}
    also = [r for r in hit if r.id not in meant_ids and r.build not in {m.build for m in meant}]
    missed = [r for r in rels if r.product in products and not test(r.version_text)]
    # ver prints the UBR on 10.0 (10.0.19045.5131): the pattern may match across or inside it
    tails = {p for p in re.findall(r"(?<=\.)\d+", literal)} | ({literal} if literal.isdigit() else set())
    hit_ids = {r.id for r in hit}
    ubr_hits = [r for r in rels if r.major >= 10 and r.id not in hit_ids
                and any(test(f"{r.version_text}.{tail}") for tail in tails)]
    return {"also_matches": tuple(describe(also)), "misses": tuple(describe(missed)), "matches": tuple(describe(hit)),
            "also_matches_by_revision": tuple(describe(ubr_hits))}


def string_vs_number(compare: Callable[[Release, bool], bool]) -> dict[str, list[str]]:
    """Releases where a text comparison gives another answer than the numeric one meant."""
    wrong_in, wrong_out = [], []
    for r in nt_releases():
        as_text, as_number = compare(r, False), compare(r, True)
        if as_text and not as_number:
            wrong_in.append(r)
        elif as_number and not as_text:
            wrong_out.append(r)
    return {"also_matches": describe(wrong_in), "misses": describe(wrong_out)}


@functools.lru_cache(maxsize=512)
def compare_evidence(op: str, literal: str, build_only: bool) -> dict[str, tuple[str, ...]]:
    """string_vs_number for 'version (or build) OP literal', cached per comparison."""
    ev = string_vs_number(lambda r, num: version_cmp_text(r, op, literal, num, build_only))
    return {k: tuple(v) for k, v in ev.items()}


def version_cmp_text(r: Release, op: str, literal: str, numeric: bool, build_only: bool = False) -> bool:
    """Compare the release's version (or build) with ``literal`` as text or as numbers."""
    from sbskit.core.osver.evaluate import _cmp, _version_tuple

    value = str(r.build) if build_only else r.version_text
    if numeric:
        return _cmp(_version_tuple(value), op, _version_tuple(literal))
    return _cmp(value, op, literal)


def ten_point_zero() -> list[str]:
    return describe([r for r in nt_releases() if r.major == 10], limit=12)


def frozen_value_evidence(name: str) -> list[str]:
    rels = nt_releases()
    low = name.lower()
    if low == "releaseid":
        return describe([r for r in rels if r.major == 10 and r.build >= 19042])
    if low == "productname":
        return describe([r for r in rels if r.family == "client" and r.build >= landmarks.windows11()])
    if low == "currentversion":
        return describe([r for r in rels if (r.major, r.minor) >= (6, 3)])
    return []


def without_wmic() -> list[str]:
    return describe([r for r in nt_releases() if r.build >= landmarks.without_wmic()])


def shared_client_server(versions: Iterable[Release]) -> list[str]:
    """Releases of the other family on the same major.minor as the ones a test covers."""
    rels = nt_releases()
    versions = list(versions)
    lines = {(r.major, r.minor) for r in versions}
    fams = {r.family for r in versions}
    other = [r for r in rels if (r.major, r.minor) in lines and (r.family not in fams or len(fams) > 1)]
    if not other:
        clients = {r.build for r in rels if r.family == "client"}
        other = [r for r in rels if r.family == "server" and r.build in clients]
    return describe(other)


def ver_tokens(tokens: str, delims: str | None) -> dict[str, list[str]]:
    """Simulate ``for /f "tokens=N delims=X" %%a in ('ver')`` on every release's ver line."""
    chars = " \t" if delims is None else delims
    try:
        index = int(re.match(r"\d+", tokens).group(0))
    except (AttributeError, ValueError):
        index = 1
    out: dict[str, list[Release]] = {}
    for r in nt_releases():
        line = r.ver_line(revision=1000 if r.major >= 10 else None)
        parts = [p for p in re.split("[" + re.escape(chars) + "]+", line) if p] if chars else [line]
        value = parts[index - 1] if 0 < index <= len(parts) else "(nothing)"
        shape = re.sub(r"\d+", "N", value)
        out.setdefault(shape, []).append(r)
    return {shape: describe(rs, limit=4) for shape, rs in out.items()}

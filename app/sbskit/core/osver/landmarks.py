"""The build numbers where Windows changed, read from ``resources/windows-releases.json``.

Code that asks "is this Windows 11?" compares against these, never against a number typed into
a module: Windows 10 starts at the first build of the line "Windows 10" (10240), Windows 11 at
the first "Windows 11" build (22000), and so on; the version numbers (major.minor) that exist
are the ones the release table has. When the data file learns a new release, every check
follows. The build from which ``wmic`` is gone is a fact of ``script-outputs.json``.
"""

from __future__ import annotations

import functools

from sbskit.core.osver.releases import load_table


@functools.lru_cache(maxsize=32)
def first_build(line: str) -> int:
    """The lowest build of a release line (``Windows 11`` -> 22000)."""
    builds = [r.build for r in load_table().releases if r.line == line]
    if not builds:
        raise LookupError(f"windows-releases.json has no release of the line {line!r}")
    return min(builds)


@functools.lru_cache(maxsize=1)
def known_major_minor() -> frozenset[tuple[int, int]]:
    """Every version number (major, minor) a Windows release has had: 4.0 ... 6.3, 10.0."""
    return frozenset((r.major, r.minor) for r in load_table().releases)


def windows7() -> int:
    return first_build("Windows 7")


def windows8() -> int:
    return first_build("Windows 8")


def windows10() -> int:
    """Where CurrentVersion froze at 6.3 and the version became 10.0."""
    return first_build("Windows 10")


def windows11() -> int:
    """From here ProductName still says "Windows 10" while the system is Windows 11."""
    return first_build("Windows 11")


def server2016() -> int:
    return first_build("Windows Server 2016")


def build_change(product: str) -> dict:
    """The recorded change of a product's build number (``Windows Server 2008``: SP2 went from 6002 to 6003)."""
    for change in load_table().build_changes:
        if product in change["products"]:
            return change
    raise LookupError(f"windows-releases.json records no build change of {product}")


@functools.lru_cache(maxsize=1)
def without_wmic() -> int:
    """The first build on which ``wmic`` is off by default (an optional feature from 24H2 / Server 2025)."""
    from sbskit.core.resources import load_json

    return int(load_json("script-outputs.json")["tools"]["wmic_missing_from_build"])

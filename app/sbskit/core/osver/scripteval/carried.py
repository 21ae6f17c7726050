"""Tests on a value the script set under an earlier computer-dependent test (``find "XP" && set
IS_XP=1`` ... ``if "%IS_XP%"=="1" goto xp``): once the computers were split by the first test the
value is the same within each group, yet the second test is still a decision about Windows. It is
made into one, proven by the first."""

from __future__ import annotations

from sbskit.core.osver.scripteval.values import Lazy


def set_origin(origins: dict, name: str, line: int, decisions: tuple) -> None:
    """Remember (or forget) that ``name`` was set on ``line`` under these decisions."""
    key = name.lower()
    if decisions:
        origins[key] = (line, decisions[-3:], name)
    else:
        origins.pop(key, None)


def carried(value, names: list[str], origins: dict, text: str, line: int):
    """``value`` (a plain answer) as a decision when a variable it read was set under a test; else as is."""
    if not isinstance(value, bool):
        return value
    found = [(n, origins[n.lower()]) for n in names if n.lower() in origins]
    if not found:
        return value
    _name, (set_line, decisions, name) = found[-1]
    first = decisions[-1]
    answer = "true" if value else "false"

    def why(m) -> str:
        return f"{name} was set on line {set_line} because {first.because(m)}, so `{text}` is {answer} (line {line})"

    tags = frozenset().union(*(d.cond.tags for d in decisions)) | {"carried"}
    cond = Lazy(lambda m: value, why, tags, any(d.cond.lang for d in decisions))
    cond.origin = first.cond.origin
    return cond

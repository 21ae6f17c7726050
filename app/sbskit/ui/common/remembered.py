"""Small "last used" values (a host, a port, a timeout) that a form offers again next time.

A value of the wrong type in a hand-edited settings file falls back to the default, so
a damaged file can never stop a tab from opening.
"""

from __future__ import annotations

import logging
from typing import TypeVar

from sbskit.core.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T", str, int, float)


def recall(key: str, default: T) -> T:
    try:
        value = Settings().get(key, default)
    except OSError:
        return default
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    return value if type(value) is type(default) else default


def remember(values: dict[str, object]) -> None:
    try:
        settings = Settings()
        for key, value in values.items():
            settings.set(key, value)
        settings.save()
    except OSError as exc:  # read-only stick: the form simply forgets
        log.warning("could not remember %s: %s", ", ".join(values), exc)


MAX_REMEMBERED_TEXT = 512  # characters: a line a person typed, not a pasted list


def worth_remembering(text: str) -> bool:
    """Typed input is offered again next time; a long paste is not kept in settings.json."""
    return 0 < len(text) <= MAX_REMEMBERED_TEXT and "\n" not in text

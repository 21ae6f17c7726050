"""Keep ``None`` alive under PySide6 6.12 on Python 3.11.

PySide6 6.12 returns ``None`` from every void C++ call without adding the reference it
hands out. On Python 3.12+ ``None`` is immortal and nothing happens; on 3.11 every call
to a setter such as ``setToolTip`` drops one reference, and after a few thousand calls
the interpreter aborts with "none_dealloc: deallocating None". (Measured here: 1,000
``QObject.setObjectName`` calls lower ``sys.getrefcount(None)`` by exactly 1,000; a fresh
interpreter starts near 5,000.)

The guard tops the count up whenever it runs low. It writes the count directly (CPython
keeps it in the first field of every object) instead of holding references in a list,
because a list would give them back at exit and trigger the same abort while finalizing.
It does nothing on Python 3.12+ or on an interpreter that is not CPython.
"""

from __future__ import annotations

import ctypes
import platform
import sys

LOW_WATER = 1_000_000
TOP_UP = 10_000_000
_installed = False


def needed() -> bool:
    # release CPython only: a debug build (sys.gettotalrefcount) lays objects out differently
    return (platform.python_implementation() == "CPython" and sys.version_info < (3, 12)
            and not hasattr(sys, "gettotalrefcount"))


def top_up() -> int:
    """Raise None's reference count if it ran low; returns how much was added."""
    if not needed():
        return 0
    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value < LOW_WATER:
        count.value += TOP_UP
        return TOP_UP
    return 0


def install() -> None:
    """Top up now and then every 200 ms for the life of the QApplication (idempotent)."""
    global _installed
    top_up()
    if _installed or not needed():
        return
    from PySide6.QtCore import QCoreApplication, QTimer

    app = QCoreApplication.instance()
    if app is None:
        return
    timer = QTimer(app)
    timer.setObjectName("sbskit-none-guard")
    timer.timeout.connect(top_up)
    timer.start(200)
    _installed = True

"""The main window's tabs, in order. Each tab lives in its own module."""

from __future__ import annotations

import importlib

from sbskit.ui.tab_base import KitTab

TAB_CLASSES: list[tuple[str, str]] = [
    ("sbskit.ui.osver_tab", "OsVersionTab"),
    ("sbskit.ui.blacklist_tab", "BlacklistTab"),
    ("sbskit.ui.triage_tab", "TriageTab"),
    ("sbskit.ui.pop3_tab", "Pop3RiskTab"),
]


def tab_classes() -> list[type[KitTab]]:
    return [getattr(importlib.import_module(module), name) for module, name in TAB_CLASSES]

"""The main window's tabs, in order. Each tab lives in its own module.

Slug and title are listed here too, so the window can show every tab's name before
importing the tab: only the visible tab is built before the first paint, the others
right after (start-up time is a measured goal, see tests/benchmarks/bench_startup.py).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sbskit.ui.common.tab_base import KitTab


@dataclass(frozen=True)
class TabSpec:
    module: str
    class_name: str
    slug: str
    title: str

    def load(self) -> type[KitTab]:
        return getattr(importlib.import_module(self.module), self.class_name)


TABS: list[TabSpec] = [
    TabSpec("sbskit.ui.osver.tab", "OsVersionTab", "os-version", "OS version"),
    TabSpec("sbskit.ui.blacklist.tab", "BlacklistTab", "blacklist", "Blacklist lookup"),
    TabSpec("sbskit.ui.triage.tab", "TriageTab", "queue-triage", "Queue triage"),
    TabSpec("sbskit.ui.pop3.tab", "Pop3RiskTab", "pop3-risk", "POP3 risk"),
]


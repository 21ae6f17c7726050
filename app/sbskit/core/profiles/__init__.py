"""Client profiles and the history of their checks, in one SQLite file on the stick.

``ProfileStore`` (store.py) is the entry point; db.py explains how writes survive a
pulled USB stick, kinds.py how each check's results become history facts, history.py
the "new / fixed / still listed since last visit" rules, transfer.py import/export.

Typical use by a tab or the report::

    with ProfileStore() as store:                       # data folder, portable-aware
        store.add_run("Acme Dental", "blacklist", doc)  # doc = what 'sbskit-cli blacklist --json' prints
        for comparison in store.comparisons("Acme Dental"):
            lines = comparison.sentences()  # "203.0.113.25: listed on bl.spamcop.net since 3 Mar 2026 (still listed)"
"""

from sbskit.core.profiles.comparison import Comparison
from sbskit.core.profiles.history import ListedSince
from sbskit.core.profiles.kinds import Fact, KindSpec, register_kind
from sbskit.core.profiles.model import Profile, ProfileSummary, Run
from sbskit.core.profiles.store import ProfileStore, default_path

__all__ = [
    "Comparison",
    "Fact",
    "KindSpec",
    "ListedSince",
    "Profile",
    "ProfileStore",
    "ProfileSummary",
    "Run",
    "default_path",
    "register_kind",
]

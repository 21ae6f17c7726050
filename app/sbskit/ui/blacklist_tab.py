"""The Blacklist lookup tab (placeholder until its feature lands)."""

from sbskit.ui.tab_base import ComingSoonTab


class BlacklistTab(ComingSoonTab):
    slug = "blacklist"
    title = "Blacklist lookup"
    summary = "Check an IP address or domain against DNS blocklists, with an honest verdict per list and how to get delisted."

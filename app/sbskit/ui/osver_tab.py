"""The OS version tab (placeholder until its feature lands)."""

from sbskit.ui.tab_base import ComingSoonTab


class OsVersionTab(ComingSoonTab):
    slug = "os-version"
    title = "OS version"
    summary = "Name any Windows release from ver, systeminfo, registry or PowerShell text, and check login scripts that detect OS versions."

"""The POP3 risk tab (placeholder until its feature lands)."""

from sbskit.ui.tab_base import ComingSoonTab


class Pop3RiskTab(ComingSoonTab):
    slug = "pop3-risk"
    title = "POP3 risk"
    summary = "The risks of enabling POP3 as a checklist, a live probe of what a mail server exposes, a safe open-relay test and a memo for management."

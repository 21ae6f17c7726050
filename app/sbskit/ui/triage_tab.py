"""The Queue triage tab (placeholder until its feature lands)."""

from sbskit.ui.tab_base import ComingSoonTab


class TriageTab(ComingSoonTab):
    slug = "queue-triage"
    title = "Queue triage"
    summary = "From full queues or a blacklisting to the cause, using your answers and the server's own logs, and what to do, in order."

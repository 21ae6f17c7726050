"""The "Queue triage" tab: the wizard pages from symptoms to the action plan."""

"""The "POP3 risk" tab: the connector checklist, the server probe and the relay test."""

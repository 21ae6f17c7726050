"""One detector per cause. Each reads the :class:`Evidence` and returns an Assessment.

Detectors add log-odds for and against their cause and say why in plain words; the
engine adds the prior from the admin's answers. A detector whose kind of evidence was
present but clean lowers its cause, so a healthy server ends with no strong finding.
"""

from __future__ import annotations

from sbskit.core.triage.detectors import (
    authenticated_relay,
    blocklisted,
    compromised_workstation,
    configuration_error,
    directory_harvest,
    mail_dns,
    ndr_backscatter,
    open_relay,
)

DETECTORS = (ndr_backscatter, directory_harvest, authenticated_relay, open_relay, compromised_workstation,
             configuration_error, blocklisted, mail_dns)

TRACKING = ("exchange_tracking", "exchange_tracking_csv", "exchange2003_tracking", "tracking_table", "postfix_maillog")
RECEIVE = ("smtp_receive_log", "iis_smtp_log", "postfix_maillog")
SEND = ("smtp_send_log", "postfix_maillog")
QUEUE = ("get_queue_csv", "get_message_csv", "postfix_queue_json", "get_queue_table", "get_message_table", "postfix_mailq")
DELIVERY = QUEUE + SEND + TRACKING + ("ndr_text",)
FIREWALL = ("windows_firewall_log", "filterlog", "firewall_csv")

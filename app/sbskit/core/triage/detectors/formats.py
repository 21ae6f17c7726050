"""Which evidence formats feed which detector: the reader format names, grouped by what they show.

Why a module of its own: the detectors import these groups, and the package ``__init__``
imports the detectors; keeping the groups here keeps that import one-way (no cycle).
"""

TRACKING = ("exchange_tracking", "exchange_tracking_csv", "exchange2003_tracking", "tracking_table", "postfix_maillog")
RECEIVE = ("smtp_receive_log", "iis_smtp_log", "postfix_maillog")
SEND = ("smtp_send_log", "postfix_maillog")
QUEUE = ("get_queue_csv", "get_message_csv", "postfix_queue_json", "get_queue_table", "get_message_table", "postfix_mailq")
DELIVERY = QUEUE + SEND + TRACKING + ("ndr_text", "queue_lasterror")  # anything that shows whether mail gets out
FIREWALL = ("windows_firewall_log", "filterlog", "firewall_csv")

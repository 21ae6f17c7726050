"""Fast tests for the two replies the hot loops look for: unknown recipient and refused relay.

Everything else a reply can say is read from the reply catalogue (``replies``); these two
are tested per line in the protocol and tracking readers, so they stay plain regexes with
substring checks in front.
"""

from __future__ import annotations

import re

NOT_FOUND = re.compile(r"5\.1\.10\b|5\.1\.1\b|RecipNotFound|RecipientNotFound|User unknown|No such user|mailbox unavailable", re.I)
RELAY_DENIED = re.compile(r"5\.7\.54|Unable to relay|Relay access denied|relaying denied|not permitted to relay", re.I)


def is_not_found(status: str) -> bool:
    """Fast test for 'recipient does not exist' replies (substring checks before the regex)."""
    if "5.1.1" in status or "RecipNotFound" in status or "RecipientNotFound" in status:
        return True
    return "550" in status and NOT_FOUND.search(status) is not None

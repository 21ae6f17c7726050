"""Sort SMTP error texts into the few causes the admin can act on.

Queue ``LastError`` columns, deferral reasons and send-log replies carry free text with an
enhanced status code; the same handful of problems hide behind many wordings.
"""

from __future__ import annotations

import re

# (category, pattern) - first match wins; categories starting with "cfg:" are configuration errors
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "listed",
        re.compile(
            r"blocked using|spamhaus|spamcop|barracuda|sorbs|blacklist|blocklist|block list|listed (?:in|at|on)|"
            r"\bRBL\b|\bDNSBL\b|5\.7\.606|5\.7\.511|\bS3150\b|banned sending ip|poor reputation|cbl\.abuseat",
            re.I,
        ),
    ),
    (
        "cfg:no_connector",
        re.compile(r"matching connector cannot be found|no connector|unreachable domain|NoConnectorForAddressType", re.I),
    ),
    (
        "cfg:smarthost_auth",
        re.compile(
            r"5\.7\.8\b|5\.7\.3 Authentication unsuccessful|5\.7\.57|5\.7\.139|535[ -]|authentication (?:failed|unsuccessful|required)|"
            r"Client was not authenticated|530[ -]5\.7\.0|must issue a STARTTLS|SMTP AUTH is disabled",
            re.I,
        ),
    ),
    (
        "cfg:dns",
        re.compile(
            r"DNS query failed|4\.4\.0 DNS|DnsQueryFailed|Host or domain name not found|Name service error|"
            r"NonExistentDomain|5\.4\.4|no mx record|domain not found|SMTPSEND\.DNS",
            re.I,
        ),
    ),
    (
        "cfg:timeout",
        re.compile(
            r"4\.4\.1|timed out|10060|failed to connect|Connection refused|10061|4\.4\.2|connection dropped|"
            r"No route to host|Network is unreachable",
            re.I,
        ),
    ),
    ("cfg:expired", re.compile(r"4\.4\.7|5\.4\.7|message expired|expired", re.I)),
]

CONFIG_LABELS = {
    "cfg:no_connector": "no Send connector for the address space (\"A matching connector cannot be found\")",
    "cfg:smarthost_auth": "the smart host or remote server refuses our authentication",
    "cfg:dns": "DNS lookups for the destination fail",
    "cfg:timeout": "connections to remote servers time out or are refused (often the ISP blocks port 25)",
    "cfg:expired": "messages expire in the queue after retrying for days",
}


def classify_error(text: str) -> str | None:
    """The category of one error text, or None when it says nothing we can use."""
    if not text or len(text) < 3:
        return None
    for category, pattern in _PATTERNS:
        if pattern.search(text):
            return category
    return None


NOT_FOUND = re.compile(r"5\.1\.10\b|5\.1\.1\b|RecipNotFound|RecipientNotFound|User unknown|No such user|mailbox unavailable", re.I)
RELAY_DENIED = re.compile(r"5\.7\.54|Unable to relay|Relay access denied|relaying denied|not permitted to relay", re.I)


_CACHE: dict[str, str | None] = {}


def classify_error_cached(text: str) -> str | None:
    """classify_error for hot loops: status texts repeat, so remember the answers (bounded)."""
    try:
        return _CACHE[text]
    except KeyError:
        pass
    category = classify_error(text)
    if len(_CACHE) > 20_000:
        _CACHE.clear()
    _CACHE[text] = category
    return category


def is_not_found(status: str) -> bool:
    """Fast test for 'recipient does not exist' replies (substring checks before the regex)."""
    if "5.1.1" in status or "RecipNotFound" in status or "RecipientNotFound" in status:
        return True
    return "550" in status and NOT_FOUND.search(status) is not None

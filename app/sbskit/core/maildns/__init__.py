"""Mail DNS health: why mail from a domain or server is refused although it is not blacklisted.

MX, SPF (with a full RFC 7208 evaluator for the server's IP), DMARC, DKIM keys, reverse DNS
and the optional MTA-STS, TLS-RPT and BIMI records, all on the kit's own lean DNS engine
(``sbskit.core.dnsbl.transport`` and ``wire``): no dnspython, so ``sbskit-cli maildns``
starts fast. A lookup that failed is "could not tell", never "ok".
"""

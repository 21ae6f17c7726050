"""Blocklist (DNSBL) lookups with honest verdicts: listed, clean, or an error with its reason.

Modules: ``catalogue`` (the data file and code decoding), ``targets`` (input parsing),
``wire`` (DNS packets), ``transport`` (many queries over one UDP socket), ``resolvers``
(system, custom, DQS), ``engine`` (the sweep and its trust rules). Nothing here
imports Qt or dnspython on the common path, so ``sbskit-cli blacklist`` starts fast.
"""

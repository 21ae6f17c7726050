"""Optional records shown for information: MTA-STS (RFC 8461), TLS-RPT (RFC 8460) and BIMI.

They never make the run fail; a malformed one is a warning, a lookup that failed is
"could not tell" like everywhere else. The MTA-STS policy file itself is on a web
server and is not fetched (the kit only asks DNS here).
"""

from __future__ import annotations

from sbskit.core.dnsbl import wire
from sbskit.core.maildns.lookups import ERROR as LOOKUP_ERROR, Resolver
from sbskit.core.maildns.model import ERROR, OK, WARNING, make_check

RECORDS = (
    ("mta-sts", "_mta-sts.{d}", "v=STSv1", "MTA-STS (senders must use TLS to reach the domain)",
     ("id",), "a TXT record at _mta-sts.{d} (v=STSv1; id=...) and the policy file at https://mta-sts.{d}/.well-known/mta-sts.txt"),
    ("tls-rpt", "_smtp._tls.{d}", "v=TLSRPTv1", "TLS-RPT (reports of TLS failures delivering to the domain)",
     ("rua",), "TXT _smtp._tls.{d}: v=TLSRPTv1; rua=mailto:tls-reports@{d}"),
    ("bimi", "default._bimi.{d}", "v=BIMI1", "BIMI (brand logo in the inbox)", ("l",),
     "TXT default._bimi.{d}: v=BIMI1; l=https://... (needs DMARC at quarantine or reject)"),
)


def questions(domain: str) -> list[tuple[str, int]]:
    return [(template.format(d=domain), wire.TXT) for _id, template, *_rest in RECORDS]


def checks(resolver: Resolver, domain: str) -> list[dict]:
    out = []
    for check_id, template, version, title, required, how in RECORDS:
        name = template.format(d=domain)
        lookup = resolver.get(name, wire.TXT)
        evidence = [lookup.evidence()]
        if lookup.status == LOOKUP_ERROR:
            out.append(make_check(check_id, ERROR, title, f"Could not be looked up ({lookup.detail}).", evidence))
            continue
        texts = [t for t in lookup.texts() if t.replace(" ", "").lower().startswith(version.lower())]
        if not texts:
            out.append(make_check(check_id, OK, title, "Not published (optional).", evidence,
                                  f"Optional: publish {how.format(d=domain)}."))
            continue
        tags = {}
        for part in texts[0].split(";"):
            key, eq, value = part.partition("=")
            if eq:
                tags[key.strip().lower()] = value.strip()
        missing = [t for t in required if not tags.get(t)]
        if len(texts) > 1 or missing:
            why = f"{len(texts)} records (one is allowed)" if len(texts) > 1 else f"missing {', '.join(missing)}="
            out.append(make_check(check_id, WARNING, title, f"Published but not usable: {why}.", evidence,
                                  f"Publish one record: {how.format(d=domain)}."))
            continue
        out.append(make_check(check_id, OK, title, f"Published: {texts[0]}", evidence))
    return out

"""The ``dmarc`` check (RFC 7489): the policy, its tags, report addresses and their authorization.

Also says what DMARC means for *this* server: with an SPF pass for the domain's own
envelope sender, DMARC passes through SPF alignment; without it, only an aligned DKIM
signature saves the mail from the policy.
"""

from __future__ import annotations

import re

from sbskit.core.dnsbl import wire
from sbskit.core.maildns import advice
from sbskit.core.maildns.lookups import ERROR as LOOKUP_ERROR, Resolver
from sbskit.core.maildns.model import ERROR, OK, PROBLEM, WARNING, make_check, worst
from sbskit.core.maildns.names import org_domain

TITLE = "DMARC policy (what receivers do with mail that fails SPF and DKIM)"
_POLICIES = ("none", "quarantine", "reject")
_MAILTO = re.compile(r"mailto:([^@!\s]+)@([A-Za-z0-9.\-]+)(?:!\d+[kmgt]?)?$", re.IGNORECASE)


def parse_dmarc(text: str) -> tuple[dict, list[str]]:
    """Tags of a DMARC record and the mistakes in it (empty when it is valid)."""
    tags: dict[str, str] = {}
    errors = []
    parts = [p.strip() for p in text.split(";")]
    for index, part in enumerate(parts):
        if not part:
            continue
        name, eq, value = part.partition("=")
        name = name.strip().lower()
        if not eq:
            errors.append(f"'{part}' is not a tag=value pair")
            continue
        if name in tags:
            errors.append(f"tag '{name}' appears twice")
        tags[name] = value.strip()
        if index == 0 and (name != "v" or value.strip() != "DMARC1"):
            errors.append("the record must start with v=DMARC1")
    for tag in ("p", "sp"):
        if tag in tags and tags[tag].lower() not in _POLICIES:
            errors.append(f"{tag}={tags[tag]} is not none, quarantine or reject")
    if "p" not in tags:
        errors.append("the required policy tag p= is missing")
    if "pct" in tags and not (tags["pct"].isdigit() and 0 <= int(tags["pct"]) <= 100):
        errors.append(f"pct={tags['pct']} is not a number from 0 to 100")
    for tag in ("adkim", "aspf"):
        if tag in tags and tags[tag].lower() not in ("r", "s"):
            errors.append(f"{tag}={tags[tag]} is not r (relaxed) or s (strict)")
    for tag in ("rua", "ruf"):
        for uri in filter(None, (u.strip() for u in tags.get(tag, "").split(","))):
            if not _MAILTO.match(uri):
                errors.append(f"{tag} address '{uri}' is not a mailto: URI (like mailto:dmarc@example.com)")
    if "ri" in tags and not tags["ri"].isdigit():
        errors.append(f"ri={tags['ri']} is not a number of seconds")
    return tags, errors


def report_domains(tags: dict) -> list[tuple[str, str]]:
    """(tag, domain) of every report address."""
    found = []
    for tag in ("rua", "ruf"):
        for uri in filter(None, (u.strip() for u in tags.get(tag, "").split(","))):
            match = _MAILTO.match(uri)
            if match:
                found.append((tag, match.group(2).rstrip(".").lower()))
    return found


def start_record(domain: str) -> dict:
    return {"name": f"_dmarc.{domain}", "type": "TXT",
            "value": f"v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain}; fo=1",
            "notes": [f"create the mailbox dmarc-reports@{domain} (or use a DMARC report service's address and its "
                      "authorization record)", "after a few weeks of clean reports, move to p=quarantine, then p=reject"]}


def check(resolver: Resolver, domain: str, spf_passes: bool | None) -> dict:
    name = f"_dmarc.{domain}"
    lookup = resolver.get(name, wire.TXT)
    evidence = [lookup.evidence()]
    if lookup.status == LOOKUP_ERROR:
        return make_check("dmarc", ERROR, TITLE, f"The DMARC record could not be read ({lookup.detail}): could not "
                          "tell which policy receivers apply.", evidence, "Check again later.")
    records = [t for t in lookup.texts() if t.strip().lower().startswith("v=dmarc1")]
    inherited = ""
    if not records:
        org = org_domain(domain)
        if org != domain:
            parent = resolver.get(f"_dmarc.{org}", wire.TXT)
            evidence.append(parent.evidence())
            parent_records = [t for t in parent.texts() if t.strip().lower().startswith("v=dmarc1")]
            if len(parent_records) == 1:
                records = parent_records
                inherited = org
    if not records:
        rec = start_record(domain)
        return make_check("dmarc", PROBLEM, TITLE, f"{domain} publishes no DMARC record: receivers apply no policy, "
                          "the big providers' bulk-sender rules are not met, and nobody gets reports of mail sent in "
                          "the domain's name.", evidence, f"Publish TXT {rec['name']}: {rec['value']}",
                          advice.receivers("dmarc-missing", domain), [rec])
    if len(records) > 1:
        rec = start_record(domain)
        return make_check("dmarc", PROBLEM, TITLE, f"{name} has {len(records)} DMARC records; receivers then ignore "
                          "DMARC for the domain entirely (RFC 7489 6.6.3).", evidence,
                          f"Keep exactly one record at {name}, for example: {rec['value']}",
                          advice.receivers("dmarc-invalid", domain), [rec])
    tags, errors = parse_dmarc(records[0])
    if errors:
        if "p" not in tags and any(t == "rua" for t, _d in report_domains(tags)) and len(errors) == 1:
            tags["p"] = "none"  # RFC 7489 6.6.3: a record without p= but with a valid rua counts as p=none
        else:
            rec = start_record(domain)
            return make_check("dmarc", PROBLEM, TITLE, f"The DMARC record is invalid: {'; '.join(errors)}. Receivers "
                              "treat an unreadable record as no record.", evidence,
                              f"Replace it with: {rec['value']}", advice.receivers("dmarc-invalid", domain), [rec])
    policy = tags["p"].lower()
    sub = tags.get("sp", policy).lower()
    applied = sub if inherited else policy
    pct = int(tags.get("pct", "100"))
    status = OK
    notes = [f"policy p={policy}" + (f", subdomains sp={sub}" if "sp" in tags else "")
             + (f", applied from {inherited}'s record (sp)" if inherited else "")
             + (f", to {pct}% of failing mail" if pct != 100 else "")]
    fix = ""
    records_out = []
    key = None
    if applied == "none":
        status = WARNING
        notes.append("monitoring only (p=none): receivers deliver mail that fails as if there were no policy")
        fix = "Once the reports show only your own servers, raise the policy: p=quarantine, then p=reject."
    elif pct < 100:
        status = WARNING
        notes.append(f"pct={pct}: the policy applies to only part of the failing mail")
    rua = [d for t, d in report_domains(tags) if t == "rua"]
    if not rua:
        status = worst(status, WARNING)
        notes.append("no rua= address: you receive no aggregate reports, so you cannot see who sends in the domain's name")
        rec = dict(start_record(domain), value=records[0].rstrip("; ") + f"; rua=mailto:dmarc-reports@{domain}")
        records_out.append(rec)
        fix = (fix + " " if fix else "") + f"Add a report address: {rec['value']}"
    own = org_domain(domain)
    for tag, target in report_domains(tags):
        if org_domain(target) == own:
            continue
        auth_name = f"{domain}._report._dmarc.{target}"
        auth = resolver.get(auth_name, wire.TXT)
        evidence.append(auth.evidence())
        if auth.status == LOOKUP_ERROR:
            status = worst(status, ERROR)
            notes.append(f"could not tell whether {target} accepts {tag} reports for {domain} ({auth.detail})")
        elif not any(t.strip().lower().startswith("v=dmarc1") for t in auth.texts()):
            status = worst(status, WARNING)
            key = "dmarc-external-rua"
            notes.append(f"{tag} reports go to {target}, another domain, which has not authorised them: receivers "
                         f"drop those reports (RFC 7489 7.1 needs TXT {auth_name})")
            records_out.append({"name": auth_name, "type": "TXT", "value": "v=DMARC1",
                                "notes": [f"published by the owner of {target} (a report service does this itself)"]})
            fix = (fix + " " if fix else "") + f"The owner of {target} must publish TXT {auth_name} \"v=DMARC1\"."
    if spf_passes is True:
        notes.append("this server's address passes SPF for the domain, so its mail passes DMARC through SPF when the "
                     "envelope sender is in the domain")
    elif spf_passes is False and applied in ("quarantine", "reject"):
        notes.append(f"this server's address does not pass SPF: its mail passes DMARC only with an aligned DKIM "
                     f"signature (d={domain}); otherwise receivers apply p={applied}")
        key = key or "spf-ip-fail"
    detail = ". ".join(n[0].upper() + n[1:] for n in notes) + "."
    return make_check("dmarc", status, TITLE, detail, evidence, fix,
                      advice.receivers(key, domain) if key and status != OK else None, records_out or None,
                      policy=policy, subdomain_policy=sub, pct=pct)

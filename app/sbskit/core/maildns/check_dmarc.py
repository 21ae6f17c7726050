"""The ``dmarc`` check (RFC 7489): the policy, its tags, report addresses and their authorization.

Also says what DMARC means for *this* server: with an SPF pass for the domain's own
envelope sender, DMARC passes through SPF alignment; without it, only an aligned DKIM
signature saves the mail from the policy.
"""

from __future__ import annotations

from sbskit.core.dnsbl import wire
from sbskit.core.maildns import advice
from sbskit.core.maildns.dmarc_record import read_dmarc, report_domain, report_uris
from sbskit.core.maildns.lookups import ERROR as LOOKUP_ERROR, Resolver
from sbskit.core.maildns.model import ERROR, OK, PROBLEM, WARNING, make_check, sentences, worst
from sbskit.core.maildns.names import org_domain

TITLE = "DMARC policy (what receivers do with mail that fails SPF and DKIM)"
PARKED_RECORD = "v=DMARC1; p=reject; sp=reject; adkim=s; aspf=s"


def parse_dmarc(text: str) -> tuple[dict, list[str]]:
    """Tags of a DMARC record and every mistake in it (fatal ones and the ones receivers discard)."""
    record = read_dmarc(text)
    return dict(record.tags), record.fatal + [b.message for b in record.bad]


def report_domains(tags: dict) -> list[tuple[str, str]]:
    """(tag, domain) of every report address."""
    found = []
    for tag in ("rua", "ruf"):
        for uri in report_uris(tags.get(tag, "")):
            target = report_domain(uri)
            if target:
                found.append((tag, target))
    return found


def start_record(domain: str, parked: bool = False, null_mx: bool = False) -> dict:
    if parked:
        return {"name": f"_dmarc.{domain}", "type": "TXT", "value": PARKED_RECORD,
                "notes": ["a parked domain sends no mail, so any mail in its name is forged: reject it",
                          "no rua=: the domain accepts no mail, so reports need a mailbox at a domain that does "
                          "(add rua=mailto:...@<that domain> if you want them)"]}
    if null_mx:
        return {"name": f"_dmarc.{domain}", "type": "TXT", "value": "v=DMARC1; p=none; fo=1",
                "notes": [f"{domain} accepts no mail (null MX): add rua=mailto:...@<a domain that receives mail> to "
                          "get the reports", "after a few weeks of clean reports, move to p=quarantine, then p=reject"]}
    return {"name": f"_dmarc.{domain}", "type": "TXT",
            "value": f"v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain}; fo=1",
            "notes": [f"create the mailbox dmarc-reports@{domain} (or use a DMARC report service's address and its "
                      "authorization record)", "after a few weeks of clean reports, move to p=quarantine, then p=reject"]}


def _dmarc_texts(lookup) -> list[str]:
    return [t for t in lookup.texts() if t.strip().lower().startswith("v=dmarc1")]


def check(resolver: Resolver, domain: str, spf_passes: bool | None, parked: bool = False,
          null_mx: bool = False) -> dict:
    name = f"_dmarc.{domain}"
    lookup = resolver.get(name, wire.TXT)
    evidence = [lookup.evidence()]
    if lookup.status == LOOKUP_ERROR:
        return make_check("dmarc", ERROR, TITLE, f"The DMARC record could not be read ({lookup.detail}): could not "
                          "tell which policy receivers apply.", evidence, "Check again later.")
    records = _dmarc_texts(lookup)
    inherited = ""
    if not records:
        org = org_domain(domain)
        if org != domain:
            parent = resolver.get(f"_dmarc.{org}", wire.TXT)
            evidence.append(parent.evidence())
            if parent.status == LOOKUP_ERROR:
                return make_check("dmarc", ERROR, TITLE, f"{domain} has no DMARC record of its own and the "
                                  f"organizational domain's (_dmarc.{org}) could not be read ({parent.detail}): could "
                                  "not tell which policy receivers apply.", evidence, "Check again later.")
            if len(_dmarc_texts(parent)) == 1:
                records = _dmarc_texts(parent)
                inherited = org
    if not records:
        rec = start_record(domain, parked, null_mx)
        return make_check("dmarc", PROBLEM, TITLE, f"{domain} publishes no DMARC record: receivers apply no policy, "
                          "the big providers' bulk-sender rules are not met, and nobody gets reports of mail sent in "
                          "the domain's name.", evidence, f"Publish TXT {rec['name']}: {rec['value']}",
                          advice.receivers("dmarc-missing", domain), [rec])
    if len(records) > 1:
        return _several(domain, name, records, evidence)
    record = read_dmarc(records[0])
    if record.fatal:
        rec = start_record(domain, parked, null_mx)
        return make_check("dmarc", PROBLEM, TITLE, f"The DMARC record is invalid: {'; '.join(record.fatal)}. Receivers "
                          "ignore a record without a usable policy, as if there were none.", evidence,
                          f"Replace it with: {rec['value']}", advice.receivers("dmarc-invalid", domain), [rec])
    return _judge(resolver, domain, record, inherited, spf_passes, parked, null_mx, evidence)


def _several(domain: str, name: str, records: list[str], evidence: list[str]) -> dict:
    """Two or more records: receivers ignore all of them; keep the strictest policy the admin published."""
    parsed = sorted((read_dmarc(t) for t in records), key=lambda r: -r.strictness)
    keep = parsed[0]
    if keep.strictness < 0:
        rec = start_record(domain)
    else:
        rua = next((r.tags["rua"] for r in parsed if r.tags.get("rua")), "")
        value = keep.repaired(add=f"rua={rua}" if rua and "rua" not in keep.tags else "")
        rec = {"name": name, "type": "TXT", "value": value,
               "notes": [f"the strictest policy published (p={keep.policy}) is kept, with its report address",
                         "delete every other v=DMARC1 record at this name"]}
    return make_check("dmarc", PROBLEM, TITLE, f"{name} has {len(records)} DMARC records; receivers then ignore "
                      "DMARC for the domain entirely (RFC 7489 6.6.3).", evidence,
                      f"Delete the other records at {name} and keep exactly one: {rec['value']}",
                      advice.receivers("dmarc-invalid", domain), [rec])


def _judge(resolver: Resolver, domain: str, record, inherited: str, spf_passes: bool | None, parked: bool,
           null_mx: bool, evidence: list[str]) -> dict:
    tags = record.tags
    policy_domain = inherited or domain
    name = f"_dmarc.{policy_domain}"
    policy = tags["p"].lower()
    sub = tags.get("sp", policy).lower()
    applied = sub if inherited else policy
    pct = int(tags.get("pct", "100"))
    status = OK
    notes = [f"policy p={policy}" + (f", subdomains sp={sub}" if "sp" in tags else "")
             + (f", applied from {inherited}'s record (sp)" if inherited else "")
             + (f", to {pct}% of failing mail" if pct != 100 else "")]
    fixes = []
    drop: tuple[str, ...] = ()
    add = ""
    key = None
    for bad in record.bad:
        status = worst(status, WARNING)
        notes.append(f"{bad.message}; the rest of the record, and its policy, still apply (RFC 7489 6.3)")
    if applied == "none":
        status = WARNING
        notes.append("monitoring only (p=none): receivers deliver mail that fails as if there were no policy")
        fixes.append("Once the reports show only your own servers, raise the policy: p=quarantine, then p=reject.")
    elif pct == 0:
        status = worst(status, WARNING)
        weaker = {"reject": "quarantine", "quarantine": "none"}[applied]
        notes.append(f"pct=0: p={applied} is applied to none of the failing mail; receivers that honour pct apply the "
                     f"next weaker policy ({weaker}) instead (RFC 7489 6.6.4), and the record looks stricter than it is")
        drop = ("pct",)
        fixes.append(f"Remove pct= (the default is 100) to apply p={applied} to all failing mail.")
    elif pct < 100:
        status = worst(status, WARNING)
        notes.append(f"pct={pct}: p={applied} applies to {pct}% of failing mail; the rest gets the next weaker policy")
        fixes.append("Raise pct to 100 (or remove it) once the reports show only your own servers.")
    rua = [d for t, d in report_domains(tags) if t == "rua"]
    if not rua and not parked:
        status = worst(status, WARNING)
        notes.append("no rua= address: you receive no aggregate reports, so you cannot see who sends in the domain's name")
        if not null_mx:
            add = f"rua=mailto:dmarc-reports@{policy_domain}"
            fixes.append(f"Add a report address (create the mailbox dmarc-reports@{policy_domain}).")
        else:
            fixes.append(f"Add rua=mailto:...@<a domain that receives mail>: {domain} accepts no mail (null MX).")
    elif not rua:
        notes.append("no rua= address, as fits a parked domain (it has no mailbox for reports)")
    records_out = []
    if record.bad or drop or add:
        value = record.repaired(drop=drop, add=add)
        if value != record.text:
            records_out.append({"name": name, "type": "TXT", "value": value,
                                "notes": [f"the published record with {', '.join(_what(record, drop, add))}; "
                                          f"p={policy} is kept"]})
            fixes.append(f"Publish instead: {name} TXT \"{value}\".")
    for tag, target in report_domains(tags):
        key = _authorization(resolver, policy_domain, tag, target, notes, records_out, fixes, evidence) or key
        if key == "error":
            status, key = worst(status, ERROR), None
        elif key:
            status = worst(status, WARNING)
    if spf_passes is True:
        notes.append("this server's address passes SPF for the domain, so its mail passes DMARC through SPF when the "
                     "envelope sender is in the domain")
    elif spf_passes is False and applied in ("quarantine", "reject"):
        notes.append(f"this server's address does not pass SPF: its mail passes DMARC only with an aligned DKIM "
                     f"signature (d={domain}); otherwise receivers apply p={applied}")
        key = key or "spf-ip-fail"
    detail = sentences(notes)
    return make_check("dmarc", status, TITLE, detail, evidence, " ".join(fixes),
                      advice.receivers(key, domain) if key and status != OK else None, records_out or None,
                      policy=policy, subdomain_policy=sub, pct=pct)


def _what(record, drop: tuple[str, ...], add: str) -> list[str]:
    what = [f"{b.tag} repaired" if b.repaired else f"the unusable '{b.tag}' left out" for b in record.bad]
    what += [f"{tag}= removed" for tag in drop] + ([f"{add.split('=', 1)[0]}= added"] if add else [])
    return what


def _authorization(resolver: Resolver, policy_domain: str, tag: str, target: str, notes: list[str],
                   records_out: list[dict], fixes: list[str], evidence: list[str]) -> str | None:
    """RFC 7489 7.1: a report address in another organization needs its authorization for the policy's domain."""
    if org_domain(target) == org_domain(policy_domain):
        return None
    auth_name = f"{policy_domain}._report._dmarc.{target}"
    auth = resolver.get(auth_name, wire.TXT)
    evidence.append(auth.evidence())
    if auth.status == LOOKUP_ERROR:
        notes.append(f"could not tell whether {target} accepts {tag} reports for {policy_domain} ({auth.detail})")
        fixes.append("Check again later.")
        return "error"
    if any(t.strip().lower().startswith("v=dmarc1") for t in auth.texts()):
        notes.append(f"{target} accepts {tag} reports for {policy_domain} (TXT {auth_name})")
        return None
    notes.append(f"{tag} reports go to {target}, another domain, which has not authorised them: receivers drop those "
                 f"reports (RFC 7489 7.1 needs TXT {auth_name})")
    records_out.append({"name": auth_name, "type": "TXT", "value": "v=DMARC1",
                        "notes": [f"published by the owner of {target} (a report service does this itself)"]})
    fixes.append(f"The owner of {target} must publish TXT {auth_name} \"v=DMARC1\".")
    return "dmarc-external-rua"

"""Round two of the mail-DNS world: the providers' include trees and one domain per reproduction.

The providers' records (Microsoft 365, Google, SendGrid, Mandrill, Zoho US/EU, a hosting
company, a DMARC report vendor, an ISP's customer line) are written here in the shape
their public records have (include chains, ranges, -all/~all), with made-up short range
lists; customer domains are .test, the rest .example or the provider's own name. Every
name is served by the loopback BIND only; no address in here is ever sent a packet.
"""

from __future__ import annotations

from zonefiles import add_zone

T, A, AAAA, MX, PTR, CNAME = "TXT", "A", "AAAA", "MX", "PTR", "CNAME"
M365_SENDER = "40.107.22.45"  # inside spf.protection.outlook.com's 40.107.0.0/16
GOOGLE_SENDER = "209.85.220.41"
SENDGRID_SENDER = "167.89.1.1"
ZOHO_EU_SENDER = "185.20.209.150"
MANDRILL_SENDER = "198.2.130.1"
HOSTING_SENDER = "89.160.20.112"
OFFICE = "198.51.100.110"  # the client's own server in most domains below (with a PTR)
VISIT = "visit.test"
VISIT_BROKEN_SPF = "v=spf1 ip4:198.51.100.0/244 mx -all"  # a CIDR typo: permerror for every receiver
MS_MX = [(MX, (0, "r2-test.mail.protection.outlook.com"))]
GOOGLE_MX = [(MX, (1, "aspmx.l.google.com"))]

PROVIDERS = {
    "outlook.com": {
        "spf.protection": [(T, "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 ip4:52.100.0.0/15 "
                               "ip6:2a01:111:f400::/48 -all")],
        "r2-test.mail.protection": [(A, "52.101.68.10")],
        "m365-test.mail.protection": [(A, "52.101.68.11")],
    },
    "google.com": {
        "_spf": [(T, "v=spf1 include:_netblocks.google.com include:_netblocks2.google.com ~all")],
        "_netblocks": [(T, "v=spf1 ip4:209.85.128.0/17 ip4:64.233.160.0/19 ~all")],
        "_netblocks2": [(T, "v=spf1 ip6:2001:4860:4000::/36 ~all")],
        "aspmx.l": [(A, "142.250.153.26")],
    },
    "sendgrid.net": {"@": [(T, "v=spf1 ip4:167.89.0.0/17 ip4:149.72.0.0/16 ~all")]},
    "mandrillapp.com": {"spf": [(T, "v=spf1 ip4:198.2.128.0/18 ~all")]},
    "zoho.com": {"@": [(T, "v=spf1 include:spf.zoho.com ~all")], "spf": [(T, "v=spf1 ip4:136.143.160.0/19 -all")]},
    "zoho.eu": {"@": [(T, "v=spf1 include:spf.zoho.eu ~all")], "spf": [(T, "v=spf1 ip4:185.20.208.0/22 -all")],
                "mx": [(A, "185.20.211.96")], "mx2": [(A, "185.20.211.97")]},
    "example": {
        "_spf.hosting.example.": [(T, "v=spf1 ip4:89.160.20.0/24 -all")],
        "mx.hosting.example.": [(A, "89.160.20.25")],
        # a bulk-mail service whose include tree costs 8 lookups
        "bulk.example.": [(T, "v=spf1 include:a.bulk.example include:b.bulk.example include:e.bulk.example ~all")],
        "e.bulk.example.": [(T, "v=spf1 include:f.bulk.example include:g.bulk.example ~all")],
        "f.bulk.example.": [(T, "v=spf1 ip4:192.0.2.0/27 ~all")],
        "g.bulk.example.": [(T, "v=spf1 ip4:192.0.2.32/27 ~all")],
        "a.bulk.example.": [(T, "v=spf1 include:c.bulk.example include:d.bulk.example ~all")],
        "b.bulk.example.": [(T, "v=spf1 ip4:192.0.2.64/26 ~all")],
        "c.bulk.example.": [(T, "v=spf1 ip4:192.0.2.128/26 ~all")],
        "d.bulk.example.": [(T, "v=spf1 ip4:192.0.2.192/26 ~all")],
        "org.test._report._dmarc.rua.vendor.example.": [(T, "v=DMARC1")],
        "cpc35-sutt4-2-0-cust123.19-1.cable.isp.example.": [(A, "198.51.100.190")],
    },
}


def domain(name: str, *rrs: tuple, ptr_ip: str = "", extra: dict | None = None) -> dict:
    """A customer zone: apex records, and mail.<name> with ``ptr_ip`` when given."""
    records = {"@": list(rrs)}
    if ptr_ip:
        records["mail"] = [(A, ptr_ip)]
    for owner, more in (extra or {}).items():
        records.setdefault(owner, []).extend(more)
    return records


def dmarc(policy: str = "v=DMARC1; p=quarantine; rua=mailto:dmarc@{d}") -> dict:
    return {"_dmarc": [(T, policy)]}


CUSTOMERS = {
    # --- SPF suggestions (issue 16 round 2, evaluator's section 1 and 2) ---
    "redir2.test": domain("redir2.test", (MX, (10, "mx.hosting.example")), (T, "v=spf1 redirect=_spf.hosting.example"),
                          extra=dmarc()),
    "weld.test": domain("weld.test", *GOOGLE_MX, (T, ["v=spf1 include:_spf.google.com", "include:sendgrid.net ~all"]),
                        extra=dmarc()),
    "longsplit.test": domain("longsplit.test", (MX, (10, "mail.longsplit.test")),
                             (T, ["v=spf1 ip4:198.51.100.110 include:sendgr", "id.net -all"]), ptr_ip=OFFICE,
                             extra=dmarc()),
    "dash.test": domain("dash.test", *MS_MX, (T, "v=spf1 include:spf.protection.outlook.com "
                                                 "include:spf.mandrillapp.com \u2013all"), extra=dmarc()),
    "plusall2.test": domain("plusall2.test", (MX, (10, "mail.plusall2.test")), (T, "v=spf1 +all"),
                            ptr_ip="198.51.100.130", extra={**dmarc(), "out": [(A, "198.51.100.131")]}),
    "zohoeu.test": domain("zohoeu.test", (MX, (10, "mx.zoho.eu")), (MX, (20, "mx2.zoho.eu")),
                          (T, "zoho-verification=zb0001.zmverify.zoho.eu"), extra=dmarc()),
    "cidr.test": domain("cidr.test", (MX, (10, "mail.cidr.test")), (T, "v=spf1 ip4:198.51.100.0/244 mx -all"),
                        ptr_ip=OFFICE, extra=dmarc()),
    "octet.test": domain("octet.test", *MS_MX, (T, "v=spf1 ip4:198.51.100 include:spf.protection.outlook.com ~all"),
                         extra=dmarc()),
    "voidterms.test": domain("voidterms.test", *MS_MX, (T, "v=spf1 a:old.voidterms.test a:fax.voidterms.test "
                                                          "mx:backup.voidterms.test include:spf.protection.outlook.com "
                                                          "-all"), extra=dmarc()),
    "over10b.test": domain("over10b.test", *MS_MX, (A, "198.51.100.170"),
                           (T, "v=spf1 mx a include:spf.protection.outlook.com include:_spf.google.com "
                               "include:bulk.example include:sendgrid.net ~all"), extra=dmarc()),
    "twospf2.test": domain("twospf2.test", *GOOGLE_MX, (T, "v=spf1 include:_spf.google.com ~all"),
                           (T, "v=spf1 include:sendgrid.net ~all"), extra=dmarc()),
    "afterall2.test": domain("afterall2.test", *MS_MX, (T, "v=spf1 mx ~all include:spf.protection.outlook.com"),
                             extra=dmarc()),
    "incfail.test": domain("incfail.test", (MX, (10, "mail.incfail.test")),
                           (T, "v=spf1 include:spf.servfail.test ip4:198.51.100.160 -all"), ptr_ip="198.51.100.160",
                           extra=dmarc()),
    # --- SPF records receivers cannot see (section 9) ---
    "quoted.test": domain("quoted.test", *MS_MX, (T, '"v=spf1 include:spf.protection.outlook.com -all"'), extra=dmarc()),
    "senderid.test": domain("senderid.test", (MX, (10, "mail.senderid.test")), (T, "spf2.0/pra ip4:198.51.100.0/24 ~all"),
                            ptr_ip=OFFICE, extra=dmarc()),
    "spf99.test": domain("spf99.test", (MX, (10, "mail.spf99.test")), ("SPF", "v=spf1 mx -all"), ptr_ip=OFFICE,
                         extra=dmarc()),
    # --- DMARC (section 3) ---
    "nomailto.test": domain("nomailto.test", (MX, (10, "mail.nomailto.test")), (T, "v=spf1 mx -all"), ptr_ip=OFFICE,
                            extra=dmarc("v=DMARC1; p=reject; rua=dmarc@nomailto.test")),
    "ruftypo.test": domain("ruftypo.test", (MX, (10, "mail.ruftypo.test")), (T, "v=spf1 mx -all"), ptr_ip=OFFICE,
                           extra=dmarc("v=DMARC1; p=quarantine; rua=mailto:dmarc@ruftypo.test; "
                                       "ruf:mailto:dmarc@ruftypo.test")),
    "dmarctwo.test": domain("dmarctwo.test", (MX, (10, "mail.dmarctwo.test")), (T, "v=spf1 mx -all"), ptr_ip=OFFICE,
                            extra={"_dmarc": [(T, "v=DMARC1; p=none; rua=mailto:d@dmarctwo.test"),
                                              (T, "v=DMARC1; p=reject; rua=mailto:d@dmarctwo.test")]}),
    "pctzero.test": domain("pctzero.test", (MX, (10, "mail.pctzero.test")), (T, "v=spf1 mx -all"), ptr_ip=OFFICE,
                           extra=dmarc("v=DMARC1; p=reject; pct=0; rua=mailto:dmarc@pctzero.test")),
    "org.test": domain("org.test", (MX, (10, "mail.org.test")), (T, "v=spf1 mx -all"), ptr_ip=OFFICE,
                       extra={"_dmarc": [(T, "v=DMARC1; p=reject; rua=mailto:org@rua.vendor.example")],
                              "shop": [(MX, (10, "mail.org.test")), (T, "v=spf1 mx -all")]}),
    # --- parked and null MX (section 4) ---
    "parked.test": domain("parked.test", (MX, (0, "")), (T, "v=spf1 -all"),
                          extra={"_dmarc": [(T, "v=DMARC1; p=reject; sp=reject; adkim=s; aspf=s")],
                                 "*._domainkey": [(T, "v=DKIM1; p=")]}),
    "parkednodmarc.test": domain("parkednodmarc.test", (MX, (0, "")), (T, "v=spf1 -all")),
    "nullmxsend.test": domain("nullmxsend.test", (MX, (0, "")), (T, "v=spf1 include:spf.protection.outlook.com -all"),
                              extra=dmarc()),
    # --- private addresses (sections 5 and 6) ---
    "privip.test": domain("privip.test", (MX, (10, "mail.privip.test")), (T, "v=spf1 mx -all"), ptr_ip=OFFICE,
                          extra=dmarc()),
    "mxprivate.test": domain("mxprivate.test", (MX, (10, "mail.mxprivate.test")), (T, "v=spf1 mx ~all"),
                             extra={"mail": [(A, "192.168.16.2")], **dmarc()}),
    # --- DKIM (section 9) ---
    "m365dk.test": domain("m365dk.test", *MS_MX, (T, "v=spf1 include:spf.protection.outlook.com -all"), extra={
        **dmarc(), "selector1._domainkey": [(CNAME, "selector1-m365dk-test._domainkey.m365dk.onmicrosoft.com")],
        "selector2._domainkey": [(CNAME, "selector2-m365dk-test._domainkey.m365dk.onmicrosoft.com")]}),
    "cable.test": domain("cable.test", (MX, (10, "mail.cable.test")), (T, "v=spf1 mx -all"), ptr_ip="198.51.100.190",
                         extra=dmarc()),
}

REVERSE = {
    "110.100.51.198.in-addr.arpa.": [(PTR, "mail.office.test")],
    "130.100.51.198.in-addr.arpa.": [(PTR, "mail.plusall2.test")],
    "131.100.51.198.in-addr.arpa.": [(PTR, "out.plusall2.test")],
    "160.100.51.198.in-addr.arpa.": [(PTR, "mail.incfail.test")],
    "190.100.51.198.in-addr.arpa.": [(PTR, "cpc35-sutt4-2-0-cust123.19-1.cable.isp.example")],
}


def dkim_records(key2048: str) -> dict:
    """Key records with the mistakes DNS panels make, on domains of their own."""
    full = f"v=DKIM1; k=rsa; p={key2048}"
    return {
        "dkimsemi.test": domain("dkimsemi.test", (MX, (10, "mail.dkimsemi.test")), (T, "v=spf1 mx -all"), ptr_ip=OFFICE,
                                extra={**dmarc(), "dkim._domainkey": [(T, f"v=DKIM1; k=rsa; h=sha256 p={key2048}")]}),
        "dkimtrunc.test": domain("dkimtrunc.test", (MX, (10, "mail.dkimtrunc.test")), (T, "v=spf1 mx -all"),
                                 ptr_ip=OFFICE, extra={**dmarc(), "mail._domainkey": [(T, full[:255])]}),
        "dkimtesting.test": domain("dkimtesting.test", (MX, (10, "mail.dkimtesting.test")), (T, "v=spf1 mx -all"),
                                   ptr_ip=OFFICE, extra={**dmarc(), "default._domainkey": [
                                       (T, f"v=DKIM1; t=y; k=rsa; p={key2048}")]}),
    }


def build_world2(server, reverse: dict) -> None:
    from maildns_world import rsa_public_key

    key2048 = rsa_public_key(2048)
    for zone, records in PROVIDERS.items():
        add_zone(server, zone, records)
    office = {"mail": [(A, OFFICE)]}
    add_zone(server, "office.test", office)
    for zone, records in {**CUSTOMERS, **dkim_records(key2048)}.items():
        add_zone(server, zone, {owner: [(t, v.replace("{d}", zone) if isinstance(v, str) else v) for t, v in rrs]
                                for owner, rrs in records.items()})
    add_zone(server, "onmicrosoft.com", {"other": [(A, "52.101.68.12")]})
    # a client's domain whose SPF record a test repairs between two visits (DNS UPDATE)
    add_zone(server, VISIT, domain(VISIT, (MX, (10, f"mail.{VISIT}")), (T, VISIT_BROKEN_SPF), ptr_ip=OFFICE),
             updatable=True)
    reverse.update(REVERSE)

"""The mail-DNS world the maildns tests check: one domain per mistake, served by the real BIND.

Every domain is its own zone (so it is its own organizational domain, as for a client).
The sending server of the healthy domain is 203.0.113.25 (documentation range; no packet
ever goes there: only its PTR is asked, of the loopback BIND). DKIM keys are real RSA keys
made by openssl when the world is built.
"""

from __future__ import annotations

import base64
import subprocess

from zonefiles import add_zone

SERVER = "203.0.113.25"
T, A, MX, PTR = "TXT", "A", "MX", "PTR"


def rsa_public_key(bits: int) -> str:
    """A fresh RSA public key (SubjectPublicKeyInfo, base64) made by openssl."""
    private = subprocess.run(["openssl", "genrsa", str(bits)], capture_output=True, check=True, timeout=60).stdout
    der = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=private, capture_output=True,
                         check=True, timeout=60).stdout
    return base64.b64encode(der).decode("ascii")


def dkim(bits: int) -> str:
    return f"v=DKIM1; k=rsa; p={rsa_public_key(bits)}"


GOOD_DMARC = "v=DMARC1; p=reject; rua=mailto:dmarc@{d}"


def healthy(domain: str, spf: str | None = "v=spf1 mx ip4:203.0.113.25 -all", dmarc: str | None = GOOD_DMARC,
            mx_ip: str = SERVER, extra: dict | None = None) -> dict:
    records = {"@": [(MX, (10, f"mail.{domain}"))], "mail": [(A, mx_ip)]}
    if spf:
        records["@"].append((T, spf.replace("{d}", domain)))
    if dmarc:
        records["_dmarc"] = [(T, dmarc.replace("{d}", domain))]
    for owner, rrs in (extra or {}).items():
        records.setdefault(owner, []).extend(rrs)
    return records


def build_world(server, reverse: dict) -> None:
    key2048 = dkim(2048)
    key512 = dkim(512)
    zones = {
        "good.test": healthy("good.test", extra={
            "selector1._domainkey": [(T, key2048)],
            "_mta-sts": [(T, "v=STSv1; id=2026120101")],
            "_smtp._tls": [(T, "v=TLSRPTv1; rua=mailto:tls@good.test")],
        }),
        "nospf.test": healthy("nospf.test", spf=None),
        "twospf.test": healthy("twospf.test", extra={"@": [(T, "v=spf1 ip4:203.0.113.25 ~all")]}),
        "plusall.test": healthy("plusall.test", spf="v=spf1 +all"),
        "qall.test": healthy("qall.test", spf="v=spf1 mx ?all"),
        "noall.test": healthy("noall.test", spf="v=spf1 ip4:198.51.100.7"),
        "softall.test": healthy("softall.test", spf="v=spf1 mx ~all"),
        "toomany.test": healthy("toomany.test", spf="v=spf1 " + " ".join(f"include:i{n}.toomany.test" for n in range(1, 7))
                                + " ip4:203.0.113.25 -all", extra={
            **{f"i{n}": [(T, "v=spf1 a:h.toomany.test -all")] for n in range(1, 7)},
            "h": [(A, "198.51.100.50")]}),
        "nine.test": healthy("nine.test", spf="v=spf1 mx a " + " ".join(f"a:h{n}.nine.test" for n in range(7))
                             + " -all", extra={f"h{n}": [(A, "198.51.100.60")] for n in range(7)} | {"@": [(A, "198.51.100.61")]}),
        "voids.test": healthy("voids.test", spf="v=spf1 a:gone1.voids.test a:gone2.voids.test a:gone3.voids.test "
                              "ip4:203.0.113.25 -all"),
        "loop.test": healthy("loop.test", spf="v=spf1 include:loop2.loop.test -all",
                             extra={"loop2": [(T, "v=spf1 include:loop.test -all")]}),
        "deadinc.test": healthy("deadinc.test", spf="v=spf1 include:nothing.deadinc.test ip4:203.0.113.25 -all"),
        "macros.test": healthy("macros.test", spf="v=spf1 exists:%{i}._spf.macros.test -all",
                               extra={f"{SERVER}._spf": [(A, "127.0.0.2")]}),
        "redirect.test": healthy("redirect.test", spf="v=spf1 redirect=_spf.redirect.test",
                                 extra={"_spf": [(T, "v=spf1 ip4:203.0.113.0/24 -all")]}),
        "syntax.test": healthy("syntax.test", spf="v=spf1 ip4:203.0.113.300 a:mail -all includ:x.test"),
        "ptrmech.test": healthy("ptrmech.test", spf="v=spf1 ptr ip4:203.0.113.25 -all"),
        "nodmarc.test": healthy("nodmarc.test", dmarc=None),
        "pnone.test": healthy("pnone.test", dmarc="v=DMARC1; p=none; rua=mailto:dmarc@{d}"),
        "norua.test": healthy("norua.test", dmarc="v=DMARC1; p=quarantine"),
        "baddmarc.test": healthy("baddmarc.test", dmarc="v=DMARC1; p=block; pct=150"),
        "extrua.test": healthy("extrua.test", dmarc="v=DMARC1; p=quarantine; rua=mailto:agg@reports.test"),
        "extruaok.test": healthy("extruaok.test", dmarc="v=DMARC1; p=reject; rua=mailto:agg@reports.test"),
        "reports.test": {"@": [(MX, (10, "mail.reports.test"))], "mail": [(A, "198.51.100.80")],
                         "extruaok.test._report._dmarc": [(T, "v=DMARC1")]},
        "weakdkim.test": healthy("weakdkim.test", extra={"s512._domainkey": [(T, key512)],
                                                         "k1._domainkey": [(T, key2048)]}),
        "nullmx.test": {"@": [(MX, (0, "")), (T, "v=spf1 -all")], "_dmarc": [(T, "v=DMARC1; p=reject")]},
        "nomx.test": {"@": [(T, "v=spf1 ip4:203.0.113.25 -all")], "_dmarc": [(T, GOOD_DMARC.format(d="nomx.test"))]},
        "implicitmx.test": {"@": [(A, SERVER), (T, "v=spf1 a -all")], "_dmarc": [(T, GOOD_DMARC.format(d="implicitmx.test"))]},
        "bigtxt.test": healthy("bigtxt.test", extra={"@": [(T, f"site-verification-{n}=" + "x" * 60) for n in range(30)]}),
        "m365.test": {"@": [(MX, (0, "m365-test.mail.protection.outlook.com"))],
                      "_dmarc": [(T, GOOD_DMARC.format(d="m365.test"))]},
        "ptrbad.test": {"mail": [(A, "203.0.113.99")]},
        "isp.test": {"203-0-113-31.dyn": [(A, "203.0.113.31")]},
    }
    for zone, records in zones.items():
        add_zone(server, zone, records)
    server.add_zone("servfail.test", "", missing_file=True)
    add_zone(server, "timeout.test", {"@": [(T, "v=spf1 -all")]})
    server.drop("timeout.test")
    reverse.update({
        "25.113.0.203.in-addr.arpa.": [(PTR, "mail.good.test")],
        "31.113.0.203.in-addr.arpa.": [(PTR, "203-0-113-31.dyn.isp.test")],
        "32.113.0.203.in-addr.arpa.": [(PTR, "mail.ptrbad.test")],
    })

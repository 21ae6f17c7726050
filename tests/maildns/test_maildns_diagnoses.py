"""Mistakes the first round did not name (issue 16 round 2, section 9), and a fix for every finding.

DKIM CNAMEs without a key behind them, a key record missing its ';', a key cut at 255
characters, ISP reverse-DNS names without the address's digits: each on its own zone in
maildns_world2.py, served by the real BIND.
"""

from __future__ import annotations

import pytest

from maildns_world import SERVER
from maildns_world2 import M365_SENDER, OFFICE
from sbskit.core.maildns.check_ptr import generic_reason
from sbskit.core.maildns.engine import Options, Run


def run(bind, domain, ip=None, selectors=()):
    doc = Run(domain, Options(ip=ip, selectors=list(selectors), resolvers=[bind.address], timeout=1.0)).run()
    return doc, {c["id"]: c for c in doc["checks"]}


def test_m365_dkim_cnames_without_keys_say_dkim_is_not_enabled(bind):
    _doc, checks = run(bind, "m365dk.test", M365_SENDER)
    dkim = checks["dkim"]
    assert dkim["status"] == "warning"
    assert ("selector1._domainkey.m365dk.test is a CNAME to selector1-m365dk-test._domainkey.m365dk.onmicrosoft.com, "
            "which does not exist") in dkim["detail"]
    assert "not enabled in Microsoft 365" in dkim["fix"] and "Defender" in dkim["fix"]
    assert any("CNAME selector1-m365dk-test" in e for e in dkim["evidence"])


def test_dkim_record_missing_its_semicolon_is_named_without_dumping_the_key(bind):
    _doc, checks = run(bind, "dkimsemi.test", OFFICE, ["dkim"])
    dkim = checks["dkim"]
    assert dkim["status"] == "problem"
    assert "a ';' is missing before p= (the record reads 'h=sha256 p=MIIBIjAN...')" in dkim["detail"]
    assert "sha256p=" not in dkim["detail"].lower() and len(dkim["detail"]) < 300
    assert "Put a ';' before p=" in dkim["fix"]


def test_dkim_key_cut_at_255_characters_says_so(bind):
    _doc, checks = run(bind, "dkimtrunc.test", OFFICE, ["mail"])
    dkim = checks["dkim"]
    assert dkim["status"] == "problem" and "255 characters long" in dkim["detail"] and "cut off" in dkim["detail"]
    assert "split the key into several quoted strings" in dkim["fix"]


def test_cable_customer_ptr_without_the_address_digits_is_a_warning(bind):
    _doc, checks = run(bind, "cable.test", "198.51.100.190")
    ptr = checks["ptr"]
    assert ptr["status"] == "warning", ptr["detail"]
    assert "home or dynamic line" in ptr["detail"] and "'cable'" in ptr["detail"] and "'cust123'" in ptr["detail"]
    assert ptr["fix"].startswith("Ask whoever owns the address")


@pytest.mark.parametrize("name,generic", [
    ("cpc35-sutt4-2-0-cust123.19-1.cable.isp.example", True), ("pool-17.dsl.example.net", True),
    ("a.b.dsl.provider.co.uk", True), ("mail.cable-company.example", False), ("mail.cable.com", False),
    ("host1.company.example", False), ("smtp.dynamics-partner.example", False), ("mail.office.test", False)])
def test_generic_words_come_from_the_data_and_spare_company_names(name, generic):
    assert bool(generic_reason(name, "198.51.100.190")) is generic


DOMAINS = [("good.test", "198.51.100.200"), ("nospf.test", SERVER), ("plusall.test", SERVER), ("noall.test", SERVER),
           ("voids.test", SERVER), ("ptrmech.test", SERVER), ("pnone.test", SERVER), ("norua.test", SERVER),
           ("baddmarc.test", SERVER), ("extrua.test", SERVER), ("weakdkim.test", SERVER), ("nomx.test", SERVER),
           ("implicitmx.test", None), ("servfail.test", None), ("timeout.test", None), ("good.test", "192.168.1.20"),
           ("good.test", "203.0.113.31"), ("incfail.test", "198.51.100.161"), ("pctzero.test", OFFICE),
           ("dkimtesting.test", OFFICE), ("m365dk.test", M365_SENDER), ("over10b.test", M365_SENDER),
           ("parkednodmarc.test", None), ("nullmxsend.test", M365_SENDER), ("mxprivate.test", OFFICE),
           ("privip.test", "192.168.1.10"), ("nine.test", "198.51.100.61"), ("cable.test", "198.51.100.190")]


@pytest.mark.parametrize("domain,ip", DOMAINS)
def test_every_problem_warning_and_could_not_tell_has_a_fix(bind, domain, ip):
    _doc, checks = run(bind, domain, ip)
    for check in checks.values():
        if check["status"] != "ok" and not check["info"]:
            assert check["fix"].strip(), (check["id"], check["status"], check["detail"])


def test_helo_that_differs_from_the_ptr_says_what_to_set(bind):
    doc = Run("good.test", Options(ip=SERVER, helo="exch01.corp.local", resolvers=[bind.address], timeout=1.0)).run()
    ptr = {c["id"]: c for c in doc["checks"]}["ptr"]
    assert ptr["status"] == "warning" and "Make the server introduce itself as mail.good.test" in ptr["fix"]

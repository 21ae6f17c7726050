"""DMARC read as receivers read it, parked domains, and private addresses (issue 16 round 2, sections 3-7).

Each reproduction of the evaluator's report is a zone of its own in maildns_world2.py,
served by the real BIND.
"""

from __future__ import annotations

import pytest

from maildns_world2 import M365_SENDER, OFFICE
from sbskit.core.maildns.dmarc_record import read_dmarc
from sbskit.core.maildns.engine import Options, Run
from sbskit.core.maildns.model import exit_code


def run(bind, domain, ip=None):
    doc = Run(domain, Options(ip=ip, resolvers=[bind.address], timeout=1.0)).run()
    return doc, {c["id"]: c for c in doc["checks"]}


@pytest.mark.parametrize("domain,named,record", [
    ("nomailto.test", "rua address 'dmarc@nomailto.test' lacks 'mailto:'",
     "v=DMARC1; p=reject; rua=mailto:dmarc@nomailto.test"),
    ("ruftypo.test", "'ruf:mailto:dmarc@ruftypo.test' has ':' where '=' belongs",
     "v=DMARC1; p=quarantine; rua=mailto:dmarc@ruftypo.test; ruf=mailto:dmarc@ruftypo.test"),
])
def test_a_bad_optional_tag_is_a_warning_and_the_fix_keeps_the_policy(bind, domain, named, record):
    doc, checks = run(bind, domain, OFFICE)
    dmarc = checks["dmarc"]
    assert dmarc["status"] == "warning", dmarc["detail"]
    assert named in dmarc["detail"] and "its policy, still apply (RFC 7489 6.3)" in dmarc["detail"]
    assert "as if there were none" not in dmarc["detail"] and not dmarc["receivers"]
    assert [r["value"] for r in dmarc["records"]] == [record]
    assert exit_code(doc["summary"]) == 0


def test_two_dmarc_records_keep_the_strictest_policy_and_its_report_address(bind):
    _doc, checks = run(bind, "dmarctwo.test", OFFICE)
    dmarc = checks["dmarc"]
    assert dmarc["status"] == "problem" and "has 2 DMARC records" in dmarc["detail"]
    assert [r["value"] for r in dmarc["records"]] == ["v=DMARC1; p=reject; rua=mailto:d@dmarctwo.test"]
    assert dmarc["fix"].startswith("Delete the other records at _dmarc.dmarctwo.test and keep exactly one")


def test_pct_zero_is_described_as_enforcing_nothing_of_the_policy(bind):
    _doc, checks = run(bind, "pctzero.test", OFFICE)
    dmarc = checks["dmarc"]
    assert dmarc["status"] == "warning" and "pct=0: p=reject is applied to none of the failing mail" in dmarc["detail"]
    assert "next weaker policy (quarantine)" in dmarc["detail"]
    assert dmarc["fix"].startswith("Remove pct=")
    assert [r["value"] for r in dmarc["records"]] == ["v=DMARC1; p=reject; rua=mailto:dmarc@pctzero.test"]


def test_subdomain_report_authorization_is_checked_for_the_policy_domain(bind):
    doc, checks = run(bind, "shop.org.test", OFFICE)
    dmarc = checks["dmarc"]
    assert dmarc["status"] == "ok", dmarc["detail"]
    assert "applied from org.test's record" in dmarc["detail"]
    assert "rua.vendor.example accepts rua reports for org.test" in dmarc["detail"]
    assert any("org.test._report._dmarc.rua.vendor.example" in e for e in dmarc["evidence"])
    assert not any("shop.org.test._report" in e for e in dmarc["evidence"])
    assert dmarc["records"] == [] and exit_code(doc["summary"]) == 0


def test_parked_domain_is_correct_and_gets_no_report_mailbox(bind):
    doc, checks = run(bind, "parked.test")
    assert checks["mx"]["status"] == "ok" and "correctly parked" in checks["mx"]["detail"]
    assert checks["dmarc"]["status"] == "ok" and checks["dmarc"]["records"] == []
    assert "as fits a parked domain" in checks["dmarc"]["detail"]
    for cid in ("spf-ip", "ptr"):
        assert checks[cid]["status"] == "ok" and "the domain is parked" in checks[cid]["detail"]
        assert checks[cid]["evidence"]  # the null MX and the SPF record are the evidence
    assert doc["summary"]["verdict"] == "healthy" and exit_code(doc["summary"]) == 0


def test_parked_domain_without_dmarc_gets_a_reject_record_without_rua(bind):
    _doc, checks = run(bind, "parkednodmarc.test")
    assert checks["mx"]["status"] == "ok"
    record = checks["dmarc"]["records"][0]
    assert record["value"] == "v=DMARC1; p=reject; sp=reject; adkim=s; aspf=s" and "rua" not in record["value"]


def test_null_mx_on_a_domain_that_sends_is_a_problem_and_its_dmarc_fix_has_no_mailbox_there(bind):
    _doc, checks = run(bind, "nullmxsend.test", M365_SENDER)
    assert checks["mx"]["status"] == "problem" and "authorises senders" in checks["mx"]["detail"]
    assert "dmarc-reports@nullmxsend.test" not in checks["dmarc"]["fix"]


def test_private_ip_is_not_an_spf_failure_and_gets_no_record(bind):
    doc, checks = run(bind, "privip.test", "192.168.1.10")
    spf_ip = checks["spf-ip"]
    assert spf_ip["status"] == "warning" and "private (LAN)" in spf_ip["detail"] and "NAT" in spf_ip["detail"]
    assert "not authorised" not in spf_ip["detail"] and spf_ip["records"] == []
    assert "public address" in spf_ip["fix"]
    assert checks["spf"]["status"] == "ok" and checks["spf"]["records"] == []
    assert "does not pass SPF" not in checks["dmarc"]["detail"]  # a LAN address says nothing about DMARC
    assert exit_code(doc["summary"]) == 0


def test_mx_whose_only_host_is_private_is_a_problem(bind):
    doc, checks = run(bind, "mxprivate.test", OFFICE)
    mx = checks["mx"]
    assert mx["status"] == "problem" and "no mail from the Internet can be delivered" in mx["detail"]
    assert "192.168.16.2" in mx["detail"] and "internal DNS only" in mx["fix"]
    assert exit_code(doc["summary"]) == 1


def test_without_ip_a_failed_mx_lookup_is_named_as_the_reason(bind):
    _doc, checks = run(bind, "servfail.test")
    for cid in ("spf-ip", "ptr"):
        assert checks[cid]["status"] == "error" and "the MX lookup failed" in checks[cid]["detail"]


def test_dmarc_reading_follows_rfc_7489():
    record = read_dmarc("v=DMARC1; p=reject; rua=dmarc@x.test; pct=150; fo=9")
    assert record.policy == "reject" and not record.fatal
    assert {b.tag for b in record.bad} == {"rua", "pct", "fo"}
    assert record.repaired() == "v=DMARC1; p=reject; rua=mailto:dmarc@x.test"
    assert read_dmarc("v=DMARC1; rua=mailto:a@x.test").policy == "none"  # 6.6.3: no p= but a usable rua
    assert read_dmarc("v=DMARC1; p=block").fatal == ["p=block is not none, quarantine or reject"]
    assert read_dmarc("v=DMARC1 ; p=quarantine ; sp=none").tags == {"p": "quarantine", "sp": "none"}

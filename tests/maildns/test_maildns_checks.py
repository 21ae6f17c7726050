"""Every check against the real BIND world of mistakes (maildns_world.py): status, cause, and fix."""

from __future__ import annotations

import pytest

from maildns_world import SERVER
from sbskit.core.maildns.engine import Options, Run
from sbskit.core.maildns.model import exit_code


def run(bind, domain, ip=None, selectors=(), timeout=1.0, helo=None):
    doc = Run(domain, Options(ip=ip, selectors=list(selectors), resolvers=[bind.address], timeout=timeout,
                              helo=helo)).run()
    return doc, {c["id"]: c for c in doc["checks"]}


def test_healthy_domain_is_ok_with_evidence_for_every_check(bind):
    doc, checks = run(bind, "good.test", ip=SERVER)
    assert [c["id"] for c in doc["checks"]] == ["mx", "spf", "spf-ip", "dmarc", "dkim", "ptr", "mta-sts", "tls-rpt", "bimi"]
    for cid in ("mx", "spf", "spf-ip", "dmarc", "dkim", "ptr"):
        assert checks[cid]["status"] == "ok", checks[cid]
        assert checks[cid]["evidence"], cid
    assert doc["summary"]["verdict"] == "healthy" and exit_code(doc["summary"]) == 0
    assert "decided by 'mx'" in checks["spf-ip"]["detail"]
    assert "RSA 2048-bit" in checks["dkim"]["detail"]
    assert "mail.good.test" in checks["ptr"]["detail"] and "forward-confirmed" in checks["ptr"]["detail"]
    assert checks["mta-sts"]["info"] and "v=STSv1" in checks["mta-sts"]["detail"]
    assert checks["bimi"]["detail"].startswith("Not published")


def test_no_spf_is_a_problem_with_gmail_text_and_a_record_for_this_server(bind):
    doc, checks = run(bind, "nospf.test", ip=SERVER)
    spf = checks["spf"]
    assert spf["status"] == "problem" and "no SPF record" in spf["detail"]
    assert any("5.7.26" in r.get("reply", "") for r in spf["receivers"])
    record = spf["records"][0]
    assert record["name"] == "nospf.test" and record["value"] == "v=spf1 mx ~all"  # the MX host is this server: mx covers it
    assert checks["spf-ip"]["status"] == "problem" and "(none)" in checks["spf-ip"]["detail"]
    assert exit_code(doc["summary"]) == 1


@pytest.mark.parametrize("domain,needle", [
    ("twospf.test", "publishes 2 SPF records"),
    ("plusall.test", "'+all' lets every server"),
    ("qall.test", "'?all' gives every other server 'neutral'"),
    ("noall.test", "does not end with an 'all' term"),
    ("toomany.test", "12 DNS lookups in the whole record (the limit is 10)"),
    ("voids.test", "3 lookups find nothing (void lookups; the limit is 2)"),
    ("loop.test", "Loop: loop.test -> loop2.loop.test -> loop.test"),
    ("deadinc.test", "points to nothing.deadinc.test, which has no SPF record"),
    ("syntax.test", "column 12, 'ip4:203.0.113.300'"),
])
def test_spf_mistakes_are_problems(bind, domain, needle):
    _doc, checks = run(bind, domain, ip=SERVER)
    assert checks["spf"]["status"] == "problem", checks["spf"]
    assert needle in checks["spf"]["detail"]
    assert checks["spf"]["fix"].startswith(f"Publish exactly one TXT record at {domain}: v=spf1 ")


def test_syntax_errors_each_have_their_column(bind):
    _doc, checks = run(bind, "syntax.test")
    detail = checks["spf"]["detail"]
    assert "column 12, 'ip4:203.0.113.300'" in detail
    assert "column 28, 'a:mail'" in detail and "needs a dot" in detail
    assert "column 38, 'includ:x.test'" in detail and "unknown mechanism 'includ'" in detail


def test_spf_ip_names_the_deciding_term_through_redirect_and_macros(bind):
    _doc, checks = run(bind, "redirect.test", ip=SERVER)
    assert checks["spf-ip"]["status"] == "ok"
    assert "decided by 'ip4:203.0.113.0/24' in _spf.redirect.test's record" in checks["spf-ip"]["detail"]
    assert checks["spf"]["status"] == "ok" and "fail (-all)" in checks["spf"]["detail"]
    _doc, checks = run(bind, "macros.test", ip=SERVER)
    assert "decided by 'exists:%{i}._spf.macros.test'" in checks["spf-ip"]["detail"]
    assert "Macros make part of the record depend on the sender" in checks["spf"]["detail"]


def test_spf_ip_for_an_unlisted_server_is_a_problem_with_a_record_that_adds_it(bind):
    _doc, checks = run(bind, "good.test", ip="198.51.100.200")
    spf_ip = checks["spf-ip"]
    assert spf_ip["status"] == "problem" and "(fail" in spf_ip["detail"] and "'-all'" in spf_ip["detail"]
    assert spf_ip["records"][0]["value"] == "v=spf1 ip4:198.51.100.200 mx ip4:203.0.113.25 -all"
    assert spf_ip["records"][0]["lookups"] == 1
    assert any("5.7.509" in r.get("reply", "") for r in spf_ip["receivers"])
    assert "applied p=reject" in checks["dmarc"]["detail"] or "apply p=reject" in checks["dmarc"]["detail"]


def test_over_limit_record_fits_by_writing_the_domains_own_includes_as_addresses(bind):
    _doc, checks = run(bind, "toomany.test", ip=SERVER)
    record = checks["spf"]["records"][0]
    assert record["lookups"] <= 10 and "include:i1.toomany.test" not in record["value"]
    assert any("'include:i1.toomany.test'" in n for n in record["notes"])
    proof = {v["ip"]: v["result"] for v in record["verified"]}
    assert proof[SERVER] == "pass" and proof["198.51.100.50"] == "pass"  # the host the own includes list
    assert "permerror" in checks["spf-ip"]["detail"] and "the 11th is 'include:i6.toomany.test'" in checks["spf-ip"]["detail"]


def test_lookup_count_near_the_limit_is_a_warning(bind):
    _doc, checks = run(bind, "nine.test", ip="198.51.100.61")
    assert checks["spf"]["status"] == "warning" and "9 of the 10 allowed DNS lookups" in checks["spf"]["detail"]


def test_ptr_mechanism_is_a_warning(bind):
    _doc, checks = run(bind, "ptrmech.test", ip=SERVER)
    assert checks["spf"]["status"] == "warning" and "RFC 7208 5.5" in checks["spf"]["detail"]


@pytest.mark.parametrize("domain,status,needle", [
    ("nodmarc.test", "problem", "publishes no DMARC record"),
    ("pnone.test", "warning", "Monitoring only (p=none)"),
    ("norua.test", "warning", "No rua= address"),
    ("baddmarc.test", "problem", "The DMARC record is invalid: p=block is not none, quarantine or reject."),
    ("extrua.test", "warning", "needs TXT extrua.test._report._dmarc.reports.test"),
    ("extruaok.test", "ok", "Policy p=reject"),
])
def test_dmarc(bind, domain, status, needle):
    _doc, checks = run(bind, domain, ip=SERVER)
    assert checks["dmarc"]["status"] == status, checks["dmarc"]
    assert needle in checks["dmarc"]["detail"]


def test_no_dmarc_suggests_a_monitoring_start_record(bind):
    _doc, checks = run(bind, "nodmarc.test", ip=SERVER)
    record = checks["dmarc"]["records"][0]
    assert record == {"name": "_dmarc.nodmarc.test", "type": "TXT",
                      "value": "v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.test; fo=1",
                      "notes": record["notes"]}
    assert any("5.7.515" in r.get("reply", "") for r in checks["dmarc"]["receivers"])


def test_external_rua_gets_the_authorization_record_to_publish(bind):
    _doc, checks = run(bind, "extrua.test", ip=SERVER)
    names = [r["name"] for r in checks["dmarc"]["records"]]
    assert "extrua.test._report._dmarc.reports.test" in names


def test_weak_dkim_key_is_a_problem_and_a_good_one_is_named(bind):
    _doc, checks = run(bind, "weakdkim.test", ip=SERVER, selectors=["s512"])
    dkim = checks["dkim"]
    assert dkim["status"] == "problem"
    assert "'s512': RSA 512-bit key, too short" in dkim["detail"] and "'k1': RSA 2048-bit key" in dkim["detail"]
    assert dkim["selectors_found"] == ["s512", "k1"]


def test_no_dkim_selector_found_is_a_warning_not_a_problem_and_not_ok(bind):
    _doc, checks = run(bind, "nodmarc.test", ip=SERVER)
    assert checks["dkim"]["status"] == "warning"
    assert "does not prove DKIM is missing" in checks["dkim"]["detail"]


def test_a_given_selector_without_key_is_a_problem(bind):
    _doc, checks = run(bind, "good.test", ip=SERVER, selectors=["missing"])
    assert checks["dkim"]["status"] == "problem" and "'missing' has no DKIM key" in checks["dkim"]["detail"]


def test_null_mx_and_no_mx(bind):
    _doc, checks = run(bind, "nullmx.test", ip=SERVER)  # null MX + v=spf1 -all + p=reject: parked by the book
    assert checks["mx"]["status"] == "ok" and "correctly parked" in checks["mx"]["detail"]
    _doc, checks = run(bind, "nullmxsend.test", ip="40.107.22.45")  # null MX, but its SPF authorises senders
    assert checks["mx"]["status"] == "problem" and "null MX (RFC 7505)" in checks["mx"]["detail"]
    assert any("5.7.27" in r.get("reply", "") for r in checks["mx"]["receivers"])
    _doc, checks = run(bind, "nomx.test", ip=SERVER)
    assert checks["mx"]["status"] == "problem" and "neither an MX record nor an address" in checks["mx"]["detail"]
    _doc, checks = run(bind, "implicitmx.test")
    assert checks["mx"]["status"] == "warning" and "falls back" not in checks["mx"]["detail"]
    assert checks["spf-ip"]["status"] == "ok"  # the implicit MX's address is the one evaluated


def test_hosted_provider_gets_its_include_in_the_suggestion(bind):
    _doc, checks = run(bind, "m365.test")
    assert "Microsoft 365" in checks["mx"]["detail"]
    assert checks["spf"]["records"][0]["value"] == "v=spf1 include:spf.protection.outlook.com ~all"
    assert checks["spf"]["records"][0]["lookups"] == 1


@pytest.mark.parametrize("ip,status,needle", [
    ("203.0.113.30", "problem", "has no PTR record"),
    ("203.0.113.31", "warning", "generic name"),
    ("203.0.113.32", "problem", "not forward-confirmed"),
    ("192.168.1.20", "warning", "private or reserved address"),
])
def test_reverse_dns(bind, ip, status, needle):
    _doc, checks = run(bind, "good.test", ip=ip)
    assert checks["ptr"]["status"] == status and needle in checks["ptr"]["detail"]
    if status == "problem":
        assert any("5.7.25" in r.get("reply", "") for r in checks["ptr"]["receivers"])


def test_helo_name_that_differs_from_the_ptr_is_a_warning(bind):
    _doc, checks = run(bind, "good.test", ip=SERVER, helo="exchange.good.test")
    assert checks["ptr"]["status"] == "warning" and "'exchange.good.test' (HELO/EHLO)" in checks["ptr"]["detail"]
    _doc, checks = run(bind, "good.test", ip=SERVER, helo="mail.good.test")
    assert checks["ptr"]["status"] == "ok"


def test_servfail_zone_is_could_not_tell_everywhere(bind):
    doc, checks = run(bind, "servfail.test", ip=SERVER)
    for cid in ("mx", "spf", "dmarc", "dkim"):
        assert checks[cid]["status"] == "error", cid
        assert "SERVFAIL" in checks[cid]["detail"] or "could not" in checks[cid]["detail"].lower()
    assert checks["spf-ip"]["status"] == "error" and "temperror" in checks["spf-ip"]["detail"]
    assert doc["summary"]["verdict"] == "could-not-tell" and exit_code(doc["summary"]) == 3


def test_zone_that_never_answers_times_out_as_could_not_tell(bind):
    doc, checks = run(bind, "timeout.test", ip=SERVER, timeout=0.5)
    assert checks["spf"]["status"] == "error" and "no answer within 0.5 s" in checks["spf"]["detail"]
    assert checks["mx"]["status"] == "error"
    assert doc["summary"]["verdict"] == "could-not-tell" and exit_code(doc["summary"]) == 3
    assert doc["elapsed_seconds"] < 10


def test_big_txt_set_is_read_over_tcp(bind):
    from sbskit.core.dnsbl import wire
    from sbskit.core.maildns.lookups import Resolver

    resolver = Resolver([("127.0.0.1", bind.port)], timeout=2.0)
    lookup = resolver.get("bigtxt.test", wire.TXT)
    assert lookup.via_tcp and len(lookup.records) == 31
    _doc, checks = run(bind, "bigtxt.test", ip=SERVER)
    assert checks["spf"]["status"] == "ok"


def test_streams_each_check_and_progress(bind):
    from sbskit.core.jobs import JobContext

    items, progress = [], []
    ctx = JobContext(progress=lambda d, t, m: progress.append((d, t)), result=items.append)
    doc = Run("good.test", Options(ip=SERVER, resolvers=[bind.address], timeout=1.0)).run(ctx)
    assert [i["id"] for i in items] == [c["id"] for c in doc["checks"]]
    assert progress[-1][0] == progress[-1][1]


def test_cancel_stops_the_run(bind):
    from sbskit.core.jobs import Cancelled, JobContext

    ctx = JobContext(is_cancelled=lambda: True)
    with pytest.raises(Cancelled):
        Run("good.test", Options(ip=SERVER, resolvers=[bind.address], timeout=1.0)).run(ctx)

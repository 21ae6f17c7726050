"""The visit report's "Since the last visit" keeps the client's mail server addresses.

A blocklist check of a domain also checks the addresses of its MX hosts, which DNS returns
(Baker's MX sits at a hoster, 198.51.100.99). The profile lists only the domain, so the scope
filter of the report (a look at another client's domain stays out) must still count those
addresses as the client's: a listing of the client's own mail server dropping out of the
report would read as "not listed". Real sweeps through a loopback BIND.
"""

from __future__ import annotations

import json

from sbskit.core.dnsbl.engine import Options, check
from sbskit.core.profiles.history_report import add_history_section
from sbskit.core.report import Report
from sbskit.core.visit_scope import ClientScope
from visit_world import BAKER_DOMAIN, BAKER_IP, BAKER_MX_IP, only


def sweep(resolver: str, *targets: str) -> dict:
    options = Options(resolvers=[resolver], zones=["one.bl.test", "two.bl.test"], timeout=1, reverse_dns=False)
    return json.loads(json.dumps(check(list(targets), options)))


def history_html(report: Report) -> str:
    return "".join(s.html_body for s in report.sections if s.heading == "Since the last visit")


def test_a_listed_mx_address_of_the_clients_domain_stays_in_the_report(visit_bind, store):
    only(visit_bind, BAKER_MX_IP, "one.bl.test")
    only(visit_bind, BAKER_IP)
    doc = sweep(visit_bind.address, BAKER_IP, BAKER_DOMAIN)
    assert BAKER_MX_IP in [t["target"] for t in doc["targets"]]  # DNS gave the MX address
    store.add("Baker", ips=[BAKER_IP], domains=[BAKER_DOMAIN])
    store.add_run("Baker", "blacklist", doc)
    report = Report(title="t")
    add_history_section(report, "Baker", store=store, scope=ClientScope.from_profile(store.get("Baker")))
    body = history_html(report)
    assert BAKER_MX_IP in body and "one.bl.test" in body  # the listing of the client's MX is reported
    assert "1 listed" in body


def test_another_domains_run_saved_to_the_client_still_stays_out(visit_bind, store):
    only(visit_bind, BAKER_MX_IP, "one.bl.test")
    store.add("Acme", ips=["198.51.100.20"], domains=["acme-dental.test"])
    store.add_run("Acme", "blacklist", sweep(visit_bind.address, BAKER_DOMAIN))  # a look at Baker's domain
    report = Report(title="t")
    add_history_section(report, "Acme", store=store, scope=ClientScope.from_profile(store.get("Acme")))
    assert BAKER_MX_IP not in history_html(report) and BAKER_DOMAIN not in history_html(report)


def test_blocklist_error_codes_read_as_words_in_the_history(store, bl):
    doc = bl("192.0.2.9", {"a.bl.test": "error", "b.bl.test": "error", "c.bl.test": "clean"})
    for result, code in zip(doc["targets"][0]["results"], ("blocked-resolver", "zone-broken")):
        result["error"] = code
    store.add("Words", ips=["192.0.2.9"])
    store.add_run("Words", "blacklist", doc)
    [comparison] = store.comparisons("Words")
    text = " ".join(comparison.report_lines())
    assert "blocked-resolver" not in text and "zone-broken" not in text
    assert "the resolver hides or is refused the list's answers" in text

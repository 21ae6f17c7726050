"""Small pieces: version mapping, error texts, memory caps, report rendering."""

from __future__ import annotations

import pytest

from sbskit.core.report import render_html
from sbskit.core.triage import Answers, analyse
from sbskit.core.triage.errtext import is_not_found
from sbskit.core.triage.replies import classify
from sbskit.core.triage.evidence import Evidence, bare_address, domain_of, ip_kind, split_endpoint
from sbskit.core.triage.render import make_report, to_text
from sbskit.core.triage.versions import exchange_version_from_build
from triage_fixtures import harvest


@pytest.mark.parametrize(
    "build, version",
    [("08.03.0083.006", "2007"), ("14.03.0123.004", "2010"), ("15.00.1497.002", "2013"), ("15.01.2507.006", "2016"),
     ("15.2.1118.7", "2019"), ("6.5.7638.1", "2003"), ("", None), ("garbage", None)],
)
def test_exchange_version_from_build(build, version):
    assert exchange_version_from_build(build) == version


@pytest.mark.parametrize(
    "text, category",
    [
        ("550 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org", "blocklist"),
        ("A matching connector cannot be found to route the external recipient", "no_route"),
        ("451 4.4.0 Primary target IP address responded with: \"535 5.7.8 Error: authentication failed\"", "smarthost_auth"),
        ("451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry", "dns_failure"),
        ("421 4.4.1 Connection timed out", "connect_failure"),
        ("550 4.4.7 QUEUE.Expired; message expired", "expired"),
    ],
)
def test_error_categories(text, category):
    assert classify(text).category == category


def test_success_replies_are_no_reason():
    assert classify("250 2.6.0 Queued mail for delivery") is None and classify("") is None


def test_address_helpers():
    assert bare_address("MAIL FROM:<Ann@Example.COM> SIZE=1234") == "Ann@Example.COM"
    assert bare_address("<>") == ""
    assert domain_of("Ann@Example.COM") == "example.com" and domain_of("nobody") == ""
    assert split_endpoint("[2001:db8::1]:25") == "2001:db8::1" and split_endpoint("203.0.113.5:4711") == "203.0.113.5"
    assert ip_kind("::ffff:192.168.1.5") == "lan" and ip_kind("100.64.1.1") == "lan"
    assert is_not_found("550 5.1.10 RESOLVER.ADR.RecipientNotFound") and not is_not_found("250 OK")


def test_memory_caps_hold():
    ev = Evidence()
    ev.budget[:] = [100, 5]
    for key in range(50):
        stat = ev.group("g", f"k{key}")
        for value in range(10):
            stat.add(f"v{value}")
        if stat.want_sample():
            stat.samples.append(None)
    stored = sum(len(s.values) for s in ev.table("g").values())
    overflow = sum(s.values_overflow for s in ev.table("g").values())
    assert stored == 100 and stored + overflow == 500
    assert sum(len(s.samples) for s in ev.table("g").values()) == 5


def test_report_and_text(evidence_dir):
    result = analyse(harvest(evidence_dir), Answers({"queues_long": "no"}))
    html = render_html(make_report(result, "Queue triage"))
    assert "<h2>1. Directory harvest attack" in html and "203.0.113.66" in html
    assert "&lt;&gt;" in html and "-eq '<>'" not in html  # commands are escaped, not markup
    text = to_text(result)
    assert text.startswith("Most likely cause: Directory harvest attack")
    assert "Evidence still missing" in text and "Get-MessageTrackingLog" in text

"""The RFC 7208 evaluator against the Appendix A examples and the rewritten open SPF test suite.

Every case runs against the real BIND of this folder's conftest, so the evaluator's DNS
path (timeouts from a zone that never answers, TXT strings as the wire carries them,
PTR case, MX ordering) is the real one.
"""

from __future__ import annotations

import pytest

from spf_cases import all_cases
from sbskit.core.maildns.lookups import Resolver
from sbskit.core.maildns.spf_eval import DEFAULT_EXPLANATION, check_host

CASES = list(all_cases())


def evaluate(bind, host: str, mailfrom: str, helo: str):
    resolver = Resolver([("127.0.0.1", bind.port)], timeout=1.0)
    domain = mailfrom.rpartition("@")[2] if mailfrom else helo
    return check_host(resolver, host, domain, sender=mailfrom, helo=helo)


@pytest.mark.parametrize("zone,case", CASES, ids=[f"{z.split('.')[0]}:{c['id']}" for z, c in CASES])
def test_spf_case(bind, zone, case):
    result = evaluate(bind, case["host"], case["mailfrom"], case["helo"])
    assert result.result in case["expect"], (result.result, result.reason, result.trace)
    if case["exp"] is not None:
        assert result.explanation == case["exp"]


def test_suite_covers_every_result_and_the_appendix():
    results = {r for _z, c in CASES for r in c["expect"]}
    assert results >= {"pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"}
    assert sum(1 for z, _c in CASES if z == "appx.test") >= 20
    assert len(CASES) >= 150


def test_deciding_term_and_counts_are_reported(bind):
    result = evaluate(bind, "198.51.100.4", "a@e8.lim.spfsuite.test", "mail.lim.spfsuite.test")
    assert result.result == "pass"
    assert result.term == "ip4:198.51.100.4" and result.domain == "e8.lim.spfsuite.test"
    assert result.trace[1] == "inc.lim.spfsuite.test: a -> no match"
    assert result.lookups == 10
    denied = evaluate(bind, "198.51.100.4", "a@e9.lim.spfsuite.test", "mail.lim.spfsuite.test")
    assert "more than 10 DNS lookups" in denied.reason and "'a'" in denied.reason


def test_default_explanation_marker_is_not_leaked_as_text(bind):
    result = evaluate(bind, "198.51.100.4", "a@txt.sel.spfsuite.test", "pc")
    assert result.result == "fail" and result.explanation == DEFAULT_EXPLANATION

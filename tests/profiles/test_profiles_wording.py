"""The words of the history, kind by kind: mail problems are never "still listed", Mail DNS checks are named
by their titles, error reasons are whole words, triage rows read as sentences."""

from __future__ import annotations

import socket

import pytest

from sbskit.core.profiles.history import short_reason


def probe_doc(risky: bool) -> dict:
    findings = [{"severity": "high", "title": "Passwords are accepted before encryption"}] if risky else []
    return {"host": "127.0.0.77", "services": [
        {"name": "POP3", "port": 110, "reachable": True, "status": "ok", "findings": findings},
        {"name": "IMAP", "port": 143, "reachable": True, "status": "ok", "findings": []}]}


def test_mail_probe_problems_are_at_risk_never_listed(store):
    store.add("Acme", mail_hosts=["127.0.0.77"])
    store.add_run("acme", "mailprobe", probe_doc(True), at="2026-11-02T10:00:00Z")
    store.add_run("acme", "mailprobe", probe_doc(True), at="2026-12-01T09:00:00Z")
    [comparison] = store.comparisons("acme")
    text = "\n".join(comparison.report_lines())
    assert "listed" not in text
    assert comparison.sentences() == ["127.0.0.77: POP3 110 at risk since 2 Nov 2026 (still at risk): Passwords are "
                                      "accepted before encryption"]
    assert comparison.summary().endswith("2 services compared: 0 new, 0 fixed, 1 still at risk")
    assert [heading for _style, heading, _lines in comparison.groups()] == ["At risk now"]


def closed_resolver() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def test_mail_dns_without_dns_says_refused_and_names_checks_by_title(store):
    """A real Mail DNS run through a closed loopback port: every check failed, and the reason is one word."""
    from sbskit.core.maildns.engine import Options, Run

    doc = Run("bakers.test", Options(ip="198.51.100.30", resolvers=[closed_resolver()], timeout=1)).run()
    store.add("Baker", domains=["bakers.test"])
    store.add_run("baker", "maildns", {**doc, "checks": [
        {**c, "status": "problem" if c["id"] in ("ptr", "spf-ip") else "ok", "detail": f"{c['id']} is wrong."}
        for c in doc["checks"]]}, at="2026-11-02T10:00:00Z")
    store.add_run("baker", "maildns", doc, at="2026-12-01T10:00:00Z")
    [comparison] = store.comparisons("baker")
    assert comparison.verdict() == "could not check (6 of 6 checks failed: refused)"
    assert comparison.summary().endswith("nothing could be compared: 6 checks (no answer now: refused)")
    lines = comparison.sentences()
    assert ("bakers.test: Reverse DNS (PTR) of 198.51.100.30 has a problem at the last answer (2 Nov 2026); "
            "no answer now (refused)") in lines
    assert "bakers.test: SPF result for 198.51.100.30 has a problem at the last answer (2 Nov 2026); no answer now " \
           "(refused)" in lines
    assert not any(" ptr" in line or "spf-ip" in line or ".)" in line for line in lines)
    assert any(line.startswith("bakers.test: 4 checks could not be compared (no answer now: refused): ") and
               "DKIM key" in line and "SPF record" in line for line in lines)


@pytest.mark.parametrize(("text", "reason"), [
    ("refused", "refused"),
    ("198.51.100.30: the PTR lookup failed (nothing answers DNS at 127.0.0.1:9 (connection refused)), so it "
     "could not be told.", "refused"),
    ("The MX records could not be looked up: no answer within 2 s. Could not tell where the domain receives mail.",
     "timeout"),
    ("no answer before the overall time limit", "timeout"),
    ("Not enough evidence to tell: there are no evidence files. Collect the evidence listed below.",
     "not enough evidence"),
    ("no mail service answered from here", "no mail service answered from here"),
    ("mx1.example.com: the certificate could not be read; try again", "the certificate could not be read"),
    ("x" * 80, "x" * 80 + "\u2026"),  # one long word: kept whole up to the limit, never a fragment of a word
])
def test_error_reasons_are_whole_words(text, reason):
    assert short_reason(text, limit=200 if len(text) < 100 else 60).startswith(reason[:60])
    assert not short_reason(text).endswith((":", ",", "("))


def test_triage_rows_read_as_sentences(store):
    store.add("Acme")
    cause = {"inputs": [{"file": "RECV1.LOG"}], "findings": [], "outcome": "cause",
             "verdict": "Most likely cause: Receivers refuse our mail as spam (blocklist or poor reputation) (82%)."}
    store.add_run("acme", "triage", cause, at="2026-11-02T10:00:00Z")
    store.add_run("acme", "triage", {**cause, "inputs": [{"file": "RECV2.LOG"}]}, at="2026-12-01T10:00:00Z")
    [comparison] = store.comparisons("acme")
    assert comparison.title() == "Queue triage"
    assert comparison.verdict() == "cause found"
    assert comparison.sentences() == ["mail flow: cause found since 2 Nov 2026 (cause still found): Receivers refuse "
                                      "our mail as spam (blocklist or poor reputation) (82%)"]

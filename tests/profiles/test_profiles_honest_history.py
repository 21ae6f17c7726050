"""Honest history: a run that could not check is never "no problems", and comparisons say what they could not compare.

The all-error runs are real: the blocklist engine asks a resolver on a closed loopback port
(every list "refused", as on a PC with no DNS), and the partial runs come from the test BIND,
where only some catalogue lists answer for a clean address.
"""

from __future__ import annotations

import json
import socket

import pytest

from sbskit.core.dnsbl.engine import Options, check
from sbskit.core.profiles.history import Coverage, compare_facts
from sbskit.core.profiles.kinds import Fact, extract, guess_kind, spec_or_generic
from sbskit.core.profiles.rerun import rerun_saved_checks

IP = "192.0.2.7"


def closed_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def no_dns():
    """Resolver options that can never answer: a closed port on loopback (ICMP refused at once)."""
    return Options(resolvers=[f"127.0.0.1:{closed_udp_port()}"], timeout=1, reverse_dns=False)


@pytest.fixture
def dead_run(no_dns):
    doc = check([IP], no_dns)
    results = doc["targets"][0]["results"]
    assert len(results) >= 20 and {r["status"] for r in results} == {"error"}  # a real all-error run
    return doc


def facts(states: dict[str, str], target: str = IP) -> list[Fact]:
    """``{"zone": "listed" | "clean" | "<error reason>"}`` as blacklist facts."""
    out = []
    for item, status in states.items():
        state = {"listed": "problem", "clean": "ok"}.get(status, "error")
        out.append(Fact(target, item, status if state != "error" else "error", state,
                        status if state == "error" else ""))
    return out


BL = spec_or_generic("blacklist")


# --- one run on its own --------------------------------------------------------------------
def test_an_all_error_run_could_not_check(store, dead_run):
    n = len(dead_run["targets"][0]["results"])
    store.add("Acme")
    store.add_run("acme", "blacklist", dead_run)
    [comparison] = store.comparisons("acme")
    assert comparison.summary() == (f"first visit ({comparison.visit_text()}): could not check ({n} of {n} lists "
                                    "failed: refused)")
    assert comparison.state == "unknown" and comparison.coverage.state == "failed"
    assert "no problems" not in " ".join(comparison.report_lines())
    assert comparison.to_json()["coverage"] == {"state": "failed", "items": n, "answered": 0, "problems": 0,
                                                "errors": n, "error_reasons": {"refused": n}}


@pytest.mark.parametrize(("states", "verdict", "short", "state"), [
    ({"a": "clean", "b": "clean"}, "no problems found (2 lists answered)", "no problems", "complete"),
    ({"a": "listed", "b": "clean"}, "1 listed (of 2 lists)", "1 listed", "complete"),
    ({"a": "clean", "b": "timeout", "c": "refused", "d": "refused"},
     "incomplete: nothing listed on the 1 that answered, but 3 of 4 lists failed: 2 refused, 1 timeout",
     "incomplete", "partial"),
    ({"a": "listed", "b": "timeout"}, "1 listed; incomplete (1 of 2 lists failed: timeout)",
     "1 listed (incomplete)", "partial"),
    ({"a": "timeout"}, "could not check (1 of 1 list failed: timeout)", "could not check", "failed"),
    ({}, "could not check (the run holds no results)", "could not check", "empty"),
])
def test_run_verdicts(states, verdict, short, state):
    coverage = Coverage.of(facts(states))
    assert coverage.verdict(BL) == verdict
    assert coverage.short(BL) == short
    assert coverage.state == state


# --- comparisons across runs -----------------------------------------------------------------
def save(store, states, at):
    doc = {"targets": [{"target": IP, "results": [
        {"zone": z, "status": s if s in ("listed", "clean") else "error", "error": None if s in ("listed", "clean") else s}
        for z, s in states.items()]}]}
    store.add_run("acme", "blacklist", doc, at=at)


def test_clean_then_all_error_compares_nothing(store):
    store.add("Acme")
    zones = [f"z{i}.example" for i in range(32)]
    save(store, {z: "clean" for z in zones}, "2026-03-03T09:00:00Z")
    save(store, {z: "refused" for z in zones}, "2026-04-07T09:00:00Z")
    comparison = store.compare_latest("acme", "blacklist")
    assert comparison.summary() == (
        "latest visit (7 Apr 2026): could not check (32 of 32 lists failed: refused); since the last visit "
        "(3 Mar 2026): nothing could be compared: 32 lists (no answer now: refused)")
    assert comparison.state == "unknown" and comparison.buckets["fixed"] == [] and comparison.compared() == 0
    assert "Nothing" not in " ".join(comparison.sentences())
    assert any("32 lists could not be compared (no answer now: refused)" in s for s in comparison.sentences())


def test_an_error_visit_is_never_fixed_the_last_answer_is_compared(store):
    store.add("Acme")
    save(store, {"a.example": "listed", "b.example": "refused"}, "2026-03-03T09:00:00Z")
    save(store, {"a.example": "refused", "b.example": "refused"}, "2026-04-07T09:00:00Z")
    comparison = store.compare_latest("acme", "blacklist")
    assert comparison.buckets["fixed"] == [] and comparison.state == "unknown"  # an error is never "fixed"
    assert comparison.sentences() == [
        f"{IP}: listed on a.example at the last answer (3 Mar 2026); no answer now (refused)",
        f"{IP}: 1 list could not be compared (no answer now: refused): b.example"]
    save(store, {"a.example": "clean", "b.example": "clean"}, "2026-05-05T09:00:00Z")
    comparison = store.compare_latest("acme", "blacklist")
    assert comparison.state == "ok"  # this visit answered in full
    # a.example: listed on 3 Mar (its last answer), clean now: fixed, and the sentence says against what
    assert [c.item for c in comparison.buckets["fixed"]] == ["a.example"]
    assert comparison.buckets["still_clean"] == []  # b.example never answered before: not "still clean"
    assert comparison.summary().endswith(
        "1 list compared: 0 new, 1 fixed, 0 still listed (1 with the answer of 3 Mar 2026: nothing from 7 Apr 2026); "
        "1 could not be compared (no answer last visit: refused)")
    assert f"{IP}: no longer listed on a.example (fixed since the visit of 3 Mar 2026; no answer on 7 Apr 2026)" \
        in comparison.sentences()


def test_partial_runs_compare_only_what_both_answered(store):
    store.add("Acme")
    answered = {f"ok{i}.example": "clean" for i in range(11)} | {"bad.example": "listed"}
    failing = {f"dead{i}.example": "timeout" for i in range(20)}
    save(store, answered | failing, "2026-03-03T09:00:00Z")
    save(store, answered | failing, "2026-04-07T09:00:00Z")
    comparison = store.compare_latest("acme", "blacklist")
    assert comparison.summary() == (
        "latest visit (7 Apr 2026): 1 listed; incomplete (20 of 32 lists failed: timeout); since the last visit "
        "(3 Mar 2026): 12 lists compared: 0 new, 0 fixed, 1 still listed; "
        "20 could not be compared (no answer now: timeout)")
    assert comparison.state == "problem" and comparison.compared() == 12
    lines = comparison.sentences()
    assert lines[0].startswith(f"{IP}: listed on bad.example since 3 Mar 2026 (still listed)")
    assert lines[-1].startswith(f"{IP}: 20 lists could not be compared (no answer now: timeout): dead0.example")
    assert lines[-1].endswith("and 14 more")


def test_mixed_reasons_are_counted():
    buckets = compare_facts(facts({"a": "clean", "b": "clean", "c": "listed"}),
                            facts({"a": "timeout", "b": "refused", "d": "clean"}))
    assert [c.reason for c in buckets["unknown"]] == [
        "no answer now: timeout", "no answer now: refused", "not checked on this visit", "not checked on the last visit"]


# --- the CLI: history and re-run exit 3 when nothing could be checked ----------------------------
def test_cli_history_of_an_all_error_run_exits_3(run_cli, dead_run):
    n = len(dead_run["targets"][0]["results"])
    assert run_cli("profile", "add", "Acme", "--ip", IP).returncode == 0
    assert run_cli("profile", "record", "Acme", "-", input=json.dumps(dead_run)).returncode == 0
    proc = run_cli("profile", "history", "acme")
    assert proc.returncode == 3, proc.stderr
    assert f"could not check ({n} of {n} lists failed: refused)" in proc.stdout and "first visit (" in proc.stdout
    assert "no problems" not in proc.stdout
    row = [line for line in proc.stdout.splitlines() if "Blacklist check" in line and "192.0.2.7  " in line]
    assert row and "could not check" in row[0]
    doc = json.loads(run_cli("profile", "history", "acme", "--json").stdout)
    assert doc["state"] == "unknown" and doc["runs"][0]["result"] == "could not check"


def test_cli_history_of_a_clean_complete_run_exits_0(run_cli):
    assert run_cli("profile", "add", "Acme").returncode == 0
    clean = {"targets": [{"target": IP, "results": [{"zone": "a.example", "status": "clean"}]}]}
    assert run_cli("profile", "record", "Acme", "-", input=json.dumps(clean)).returncode == 0
    proc = run_cli("profile", "history", "acme")
    assert proc.returncode == 0, proc.stdout
    assert "first visit (" in proc.stdout and "): no problems found (1 list answered)" in proc.stdout


def test_rerun_without_dns_could_not_check(store, no_dns, run_cli):
    store.add("Acme", ips=[IP])
    result = rerun_saved_checks(store, "Acme", blacklist_options=no_dns)
    assert result.state == "unknown" and result.incomplete == 1
    text = "\n".join(result.lines())
    assert "Nothing listed or changed" not in text and "could not check (" in text
    assert "cannot say the client is clean" in text
    store.close()  # the CLI below opens the same database (same portable home)
    proc = run_cli("profile", "rerun", "Acme", "--resolver", str(no_dns.resolvers[0]), "--timeout", "1")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "could not check (" in proc.stdout and "Nothing listed" not in proc.stdout


def test_rerun_partial_against_the_test_bind(store, bind):
    """A clean address on the test BIND: only some catalogue lists answer. Incomplete, never "clean"."""
    from blacklist_world import CLEAN_IP

    store.add("Acme", ips=[CLEAN_IP])
    options = Options(resolvers=[bind.address], timeout=2, reverse_dns=False)
    result = rerun_saved_checks(store, "Acme", blacklist_options=options)
    [comparison] = store.comparisons("Acme")
    store.conn.execute("UPDATE run_targets SET at = '2026-01-05T10:00:00.000000Z'")  # that was the last visit
    store.conn.execute("UPDATE facts SET at = '2026-01-05T10:00:00.000000Z'")
    store.conn.execute("UPDATE runs SET at = '2026-01-05T10:00:00.000000Z'")
    coverage = comparison.coverage
    assert coverage.state == "partial" and coverage.ok >= 1 and coverage.errors >= 1, coverage
    assert result.state == "unknown"
    assert comparison.verdict().startswith(f"incomplete: nothing listed on the {coverage.ok} that answered, but "
                                           f"{coverage.errors} of {coverage.total} lists failed")
    again = rerun_saved_checks(store, "Acme", blacklist_options=options)
    [comparison] = store.comparisons("Acme")
    assert comparison.compared() == coverage.ok
    assert f"{coverage.ok} list" in comparison.change_summary()
    assert f"{coverage.errors} could not be compared" in comparison.change_summary()
    assert again.state == "unknown"


# --- every kind the history stores -------------------------------------------------------------
def test_a_probe_of_closed_ports_could_not_check(store):
    from sbskit.core.mailprobe.probe import run_probe

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, not listening: refused at once
        port = closed.getsockname()[1]
        ports = {"pop3": port, "pop3s": 0, "imap": 0, "imaps": 0, "smtp": port, "submission": 0, "smtps": 0}
        doc = run_probe("127.0.0.1", ports, timeout=2, check_ptr=False).to_dict()
    assert guess_kind(doc) == "mailprobe"
    assert {f.state for f in extract("mailprobe", doc)} == {"error"}
    store.add("Acme")
    store.add_run("acme", "mailprobe", doc)
    [comparison] = store.comparisons("acme")
    assert comparison.verdict() == "could not check (2 of 2 services failed: no mail service answered from here)"


def test_probe_facts_follow_the_probe_verdict():
    service = {"name": "POP3", "port": 110, "reachable": True, "status": "ok",
               "findings": [{"severity": "high", "title": "Passwords accepted before TLS"}]}
    closed = {"name": "IMAP", "port": 143, "reachable": False, "status": "not-reachable"}
    broken = {"name": "SMTP", "port": 25, "reachable": True, "status": "error", "error": "timeout"}
    states = {f.item: (f.state, f.detail) for f in extract("mailprobe", {"host": "h", "services": [service, closed, broken]})}
    assert states == {"POP3 110": ("problem", "Passwords accepted before TLS"),
                      "IMAP 143": ("ok", "closed or filtered from here"), "SMTP 25": ("error", "timeout")}


def test_relay_test_that_could_not_finish(store):
    store.add("Acme")
    store.add_run("acme", "relaytest", {"host": "127.0.0.1", "port": 25, "open_relay": None, "attempts": []})
    [comparison] = store.comparisons("acme")
    assert comparison.verdict().startswith("could not check (1 of 1 relay test failed")
    assert comparison.state == "unknown"


def test_triage_from_answers_alone_is_not_enough_evidence(store):
    from sbskit.core.triage.answers import Answers
    from sbskit.core.triage.engine import analyse

    answers = Answers()
    answers.set("queues_long", "no")
    doc = analyse(answers=answers).as_dict()
    store.add("Acme")
    store.add_run("acme", "triage", doc)
    [comparison] = store.comparisons("acme")
    assert comparison.state == "unknown"
    assert comparison.target == "mail flow"  # every triage of a client is about its mail flow: visits compare
    assert comparison.summary().endswith("): could not tell (not enough evidence)")
    assert "no problems found" not in comparison.summary()


def test_triage_with_evidence_names_the_cause(store, tmp_path):
    from sbskit.core.triage.engine import analyse
    from sbskit.core.triage.samples import scenario_authenticated_relay

    doc = analyse(scenario_authenticated_relay(tmp_path)).as_dict()
    store.add("Acme")
    store.add_run("acme", "triage", doc)
    [comparison] = store.comparisons("acme")
    assert comparison.state == "problem" and comparison.verdict() == "cause found"
    [sentence] = comparison.sentences()
    assert sentence.startswith("mail flow: cause found since ") and "(first visit): " in sentence
    assert "relay" in sentence.lower() and "Most likely cause" not in sentence and not sentence.endswith(".")

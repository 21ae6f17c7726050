"""History per checked item across real visits (the consultant evaluator's scenarios, on a real BIND).

Each visit is a real blocklist sweep through the test BIND (or through a closed loopback port:
no DNS at all); the world changes between visits by DNS UPDATE. What is held:

* a ``profile rerun`` (one run per address) compares with a recorded run of several targets, and
  reports the delisting; the old grouping never stays "current" (P1);
* an MX address DNS found on one visit only does not break matching, and "the last visit" of an
  address is its last visit, even one without answers (P1);
* a listing found now is named even when that list gave no answer last time (P2);
* a failed attempt earlier on the same day does not hide the real last visit (P4).
"""

from __future__ import annotations

import datetime as dt
import json
import socket


from sbskit.core.dnsbl.engine import Options, check
from sbskit.core.profiles.rerun import rerun_saved_checks
from visit_world import ACME_DOMAIN, ACME_IP, BAKER_DOMAIN, BAKER_IP, BAKER_MX_IP, only

ZONES = ["one.bl.test", "two.bl.test", "three.bl.test"]


def closed_port() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def options(resolver: str) -> Options:
    return Options(resolvers=[resolver], zones=ZONES, timeout=1, reverse_dns=False)


def sweep(resolver: str, *targets: str) -> dict:
    return json.loads(json.dumps(check(list(targets), options(resolver))))


def days_ago(days: int, hour: int = 10) -> str:
    when = dt.datetime.now().astimezone() - dt.timedelta(days=days)
    return when.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def by_target(store, name):
    return {c.target: c for c in store.comparisons(name)}


def test_rerun_compares_with_a_recorded_multi_target_run_and_reports_the_delisting(visit_bind, run_cli):
    """P1 (a, b): the evaluator's reproduction, through the CLI."""
    only(visit_bind, ACME_IP, "one.bl.test")
    assert run_cli("profile", "add", "Repro", "--ip", ACME_IP, "--domain", ACME_DOMAIN).returncode == 0
    recorded = run_cli("blacklist", ACME_IP, ACME_DOMAIN, "--resolver", visit_bind.address, *[a for z in ZONES for a in
                                                                                          ("--zone", z)], "--json")
    assert recorded.returncode == 1, recorded.stderr  # listed on one.bl.test
    saved = run_cli("profile", "record", "Repro", "-", "--at", days_ago(29), input=recorded.stdout)
    assert saved.returncode == 0, saved.stderr
    only(visit_bind, ACME_IP)  # delisted between the visits
    rerun = run_cli("profile", "rerun", "Repro", "--resolver", visit_bind.address, *[a for z in ZONES for a in ("--zone", z)],
                    "--timeout", "2", "--no-probe", "--no-maildns")  # the blocklists' history is the question
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"{ACME_IP}: no longer listed on one.bl.test (fixed since the last visit)" in rerun.stdout
    assert "first visit" not in rerun.stdout
    history = run_cli("profile", "history", "Repro", "--json")
    assert history.returncode == 0, history.stdout  # the November listing is not "current" any more
    doc = json.loads(history.stdout)
    # per checked target (the domain's mail server address too), never "198.51.100.20, acme-dental.test"
    assert {c["target"] for c in doc["comparisons"]} == {ACME_IP, ACME_DOMAIN, "127.0.0.77"}
    assert {c["state"] for c in doc["comparisons"]} == {"ok"}
    [address] = [c for c in doc["comparisons"] if c["target"] == ACME_IP]
    assert address["listed_now"] == [] and [c["item"] for c in address["fixed"]] == ["one.bl.test"]
    recorded_id = json.loads(run_cli("profile", "runs", "Repro", "--json").stdout)["runs"][-1]["id"]
    assert address["fixed"][0]["before_run"] == recorded_id  # it says which run it compared with
    text = run_cli("profile", "history", "Repro").stdout
    assert "new since" not in text and "listed on one.bl.test since" not in text


def test_an_mx_address_found_once_does_not_break_matching(visit_bind, store):
    """P1 (c): Baker's MX address is checked only when DNS answers; his own address keeps one history."""
    only(visit_bind, BAKER_IP, "two.bl.test")
    only(visit_bind, BAKER_MX_IP)
    store.add("Baker", ips=[BAKER_IP], domains=[BAKER_DOMAIN])
    first = sweep(visit_bind.address, BAKER_IP, BAKER_DOMAIN)
    assert [t["target"] for t in first["targets"]] == [BAKER_IP, BAKER_DOMAIN, BAKER_MX_IP]
    store.add_run("Baker", "blacklist", first, at=days_ago(120))
    store.add_run("Baker", "blacklist", sweep(closed_port(), BAKER_IP, BAKER_DOMAIN), at=days_ago(85))  # no DNS
    targets = by_target(store, "Baker")
    assert targets[BAKER_IP].summary().startswith(f"latest visit ({targets[BAKER_IP].visit_text()}): could not check")
    assert targets[BAKER_MX_IP].state == "stale"  # not checked on the latest visit, not the client's: not judged
    assert "not checked on the latest visit" in targets[BAKER_MX_IP].summary()
    only(visit_bind, BAKER_IP)  # delisted meanwhile
    store.add_run("Baker", "blacklist", sweep(visit_bind.address, BAKER_IP, BAKER_DOMAIN), at=days_ago(57))
    targets = by_target(store, "Baker")
    address = targets[BAKER_IP]
    last_visit = dt.datetime.fromisoformat(days_ago(85)).astimezone()
    assert f"since the last visit ({last_visit.day} {last_visit.strftime('%b %Y')})" in address.summary()
    assert [c.item for c in address.buckets["fixed"]] == ["two.bl.test"]  # compared with the first visit's answer
    first_visit = dt.datetime.fromisoformat(days_ago(120)).astimezone()
    assert (f"{BAKER_IP}: no longer listed on two.bl.test (fixed since the visit of {first_visit.day} "
            f"{first_visit.strftime('%b %Y')}; no answer on {last_visit.day} {last_visit.strftime('%b %Y')})"
            ) in address.sentences()
    assert targets[BAKER_MX_IP].state == "ok" and targets[BAKER_MX_IP].compared() == 3  # found again: compares
    assert {c.state for c in store.comparisons("Baker")} == {"ok"}


def test_a_listing_is_named_even_when_the_list_gave_no_answer_last_time(visit_bind, store, run_cli):
    """P2: no DNS on the first visit, listed on the second: the listing is named with why it is not compared."""
    only(visit_bind, ACME_IP, "three.bl.test")
    store.add("Repro2", ips=[ACME_IP])
    store.add_run("Repro2", "blacklist", sweep(closed_port(), ACME_IP), at=days_ago(30))
    store.add_run("Repro2", "blacklist", sweep(visit_bind.address, ACME_IP), at=days_ago(1))
    [comparison] = store.comparisons("Repro2")
    assert comparison.compared() == 0 and comparison.state == "problem"
    expected = f"{ACME_IP}: listed on three.bl.test since "
    [line] = [s for s in comparison.sentences() if s.startswith(expected)]
    assert line.endswith("(could not compare: no answer last visit (refused))")
    groups = {heading: lines for _style, heading, lines in comparison.groups()}
    assert groups["Listed now"] == [line.removeprefix(f"{ACME_IP}: ")]
    assert not any("three.bl.test" in s for s in groups["Could not be compared"])  # named once, as a listing
    store.close()
    text = run_cli("profile", "history", "Repro2").stdout
    assert line in text


def test_a_failed_attempt_on_the_same_day_does_not_hide_the_last_visit(visit_bind, store):
    """P4: a refused re-run, then a good one minutes later: one visit, compared with the real last visit."""
    only(visit_bind, ACME_IP, "one.bl.test", "two.bl.test")
    store.add("Acme", ips=[ACME_IP])
    store.add_run("Acme", "blacklist", sweep(visit_bind.address, ACME_IP), at=days_ago(29))
    only(visit_bind, ACME_IP, "two.bl.test")  # one.bl.test delisted
    failed = rerun_saved_checks(store, "Acme", blacklist_options=options(closed_port()), probe_mail_hosts=False)
    assert failed.state == "unknown"
    good = rerun_saved_checks(store, "Acme", blacklist_options=options(visit_bind.address), probe_mail_hosts=False)
    [comparison] = good.comparisons
    assert comparison.previous is not None and len(comparison.visit_runs) == 2
    assert comparison.summary().startswith(f"latest visit ({comparison.visit_text()}): 1 listed (of 3 lists); "
                                           "since the last visit (")
    assert ", 2 runs)" in comparison.summary()
    assert [c.item for c in comparison.buckets["fixed"]] == ["one.bl.test"]
    assert [c.item for c in comparison.buckets["still_listed"]] == ["two.bl.test"]
    assert good.state == "problem" and good.problems_now == 1
    # and the other order: a good run, then a failed one the same day: the visit still answered
    store.add_run("Acme", "blacklist", sweep(closed_port(), ACME_IP))
    [comparison] = store.comparisons("Acme")
    assert comparison.coverage.state == "complete" and len(comparison.visit_runs) == 3

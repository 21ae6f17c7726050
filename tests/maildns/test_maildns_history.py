"""A maildns run in a client's history: one fact per check, and "since the last visit"."""

from __future__ import annotations

import json

import pytest

from maildns_world import SERVER
from maildns_world2 import OFFICE, VISIT, VISIT_BROKEN_SPF
from sbskit.core.maildns.engine import Options, Run
from sbskit.core.profiles.kinds import extract, guess_kind, has_history, target_of
from sbskit.core.profiles.store import ProfileStore


def doc_for(bind, domain):
    return Run(domain, Options(ip=SERVER, resolvers=[bind.address], timeout=1.0)).run()


def test_kind_is_registered_and_recognised(bind):
    doc = doc_for(bind, "nodmarc.test")
    assert guess_kind(json.loads(json.dumps(doc))) == "maildns" and has_history("maildns")
    assert target_of("maildns", doc) == f"nodmarc.test ({SERVER})"
    facts = {f.item: f for f in extract("maildns", doc)}
    # information checks leave no fact; the address-dependent checks are keyed by the address they judged
    assert set(facts) == {"mx", "spf", f"spf-ip@{SERVER}", "dmarc", "dkim", f"ptr@{SERVER}"}
    assert {f.target for f in facts.values()} == {"nodmarc.test"}  # with or without --ip: one history
    assert facts["dmarc"].state == "problem" and "no DMARC record" in facts["dmarc"].detail
    assert facts["dkim"].state == "ok"  # a warning is not a problem


def test_since_the_last_visit_says_what_was_fixed_and_never_fixes_an_error(bind, isolated_home):
    store = ProfileStore()
    try:
        store.add("Acme Dental", domains=["nodmarc.test"])
        before = doc_for(bind, "nodmarc.test")
        store.add_run("Acme Dental", "maildns", before, at="2026-03-03T10:00:00Z")
        after = json.loads(json.dumps(before))
        for check in after["checks"]:
            if check["id"] == "dmarc":
                check["status"] = "ok"
            if check["id"] == "ptr":
                check["status"] = "error"
        store.add_run("Acme Dental", "maildns", after, at="2026-04-07T10:00:00Z")
        comparison = [c for c in store.comparisons("Acme Dental") if c.kind == "maildns"][0]
        assert [c.item for c in comparison.buckets["fixed"]] == ["dmarc"]
        assert [c.item for c in comparison.buckets["unknown"]] == [f"ptr@{SERVER}"]  # could not tell now: never "fixed"
        assert "nodmarc.test: DMARC policy no longer has a problem (fixed since the last visit)" in comparison.sentences()
    finally:
        store.close()


def set_spf(bind, text: str) -> None:
    """The admin edits the client's SPF record between two visits (a DNS UPDATE to the test BIND)."""
    import dns.query
    import dns.rcode
    import dns.update

    update = dns.update.Update(VISIT)
    update.replace("@", 300, "TXT", f'"{text}"')
    response = dns.query.tcp(update, "127.0.0.1", port=bind.port, timeout=3)
    assert response.rcode() == dns.rcode.NOERROR


def rerun(store, resolver, timeout=1.0):
    from sbskit.core.dnsbl.engine import Options as BlacklistOptions
    from sbskit.core.profiles.rerun import rerun_saved_checks

    options = BlacklistOptions(resolvers=[resolver], zones=["zen.spamhaus.org"], timeout=timeout, reverse_dns=False)
    return rerun_saved_checks(store, "Visit Dental", blacklist_options=options, probe_mail_hosts=False)


def age_saved_runs(store, days: int = 1) -> None:
    """What was saved so far becomes an earlier visit (a visit is every check run on one day)."""
    for table in ("runs", "facts", "run_targets"):
        store.conn.execute(f"UPDATE {table} SET at = strftime('%Y-%m-%dT%H:%M:%S.000000Z', at, '-{days} days')")


def maildns_comparison(store):
    return next(c for c in store.comparisons("Visit Dental") if c.kind == "maildns")


def test_rerun_records_maildns_and_since_the_last_visit_covers_it(bind):
    from servers.bind import free_port

    target = f"{VISIT} ({OFFICE})"
    store = ProfileStore()
    try:
        store.add("Visit Dental", ips=[OFFICE], domains=[VISIT])
        first = rerun(store, bind.address)
        assert ("maildns", target) in first.runs
        assert [r.kind for r in store.runs("Visit Dental", kind="maildns")] == ["maildns"]
        doc = store.load_run(store.runs("Visit Dental", kind="maildns")[0].id).document
        checks = {c["id"]: c for c in doc["checks"]}
        assert checks["spf"]["status"] == "problem" and checks["dmarc"]["status"] == "problem"
        assert doc["resolver"] == [bind.address]  # the resolver the admin chose, passed through
        assert first.problems_now >= 2
        set_spf(bind, "v=spf1 mx -all")  # fixed between the visits
        age_saved_runs(store)
        second = rerun(store, bind.address)
        comparison = maildns_comparison(store)
        assert {c.item for c in comparison.buckets["fixed"]} == {"spf", f"spf-ip@{OFFICE}"}
        assert "dmarc" in {c.item for c in comparison.buckets["still_listed"]}
        assert f"{VISIT}: SPF record no longer has a problem (fixed since the last visit)" in second.sentences
        # the third visit cannot reach any DNS server: nothing is "fixed", nothing is "clean"
        age_saved_runs(store)
        third = rerun(store, f"127.0.0.1:{free_port()}", timeout=0.5)
        comparison = maildns_comparison(store)
        assert comparison.buckets["fixed"] == [] and "dmarc" in {c.item for c in comparison.buckets["unknown"]}
        assert third.state == "unknown" and not any("no longer a problem" in s for s in third.sentences)
        assert "cannot say the client is clean" in "\n".join(third.lines())
    finally:
        set_spf(bind, VISIT_BROKEN_SPF)
        store.close()


def test_cli_rerun_checks_the_mail_dns_with_the_given_resolver(bind, run_cli):
    assert run_cli("profile", "add", "Visit Dental", "--ip", OFFICE, "--domain", VISIT).returncode == 0
    proc = run_cli("profile", "rerun", "Visit Dental", "--resolver", bind.address, "--zone", "zen.spamhaus.org",
                   "--timeout", "1", "--no-probe", "--json")
    assert proc.returncode == 1, proc.stderr  # the broken SPF record and the missing DMARC are problems now
    doc = json.loads(proc.stdout)
    assert {"kind": "maildns", "target": f"{VISIT} ({OFFICE})"} in doc["runs"]
    skipped = run_cli("profile", "rerun", "Visit Dental", "--resolver", bind.address, "--zone", "zen.spamhaus.org",
                      "--timeout", "1", "--no-probe", "--no-maildns", "--json")
    assert all(run["kind"] != "maildns" for run in json.loads(skipped.stdout)["runs"])


@pytest.mark.gui
def test_client_menu_rerun_checks_the_mail_dns_through_the_resolver_setting(bind, qtbot):
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    with ProfileStore() as store:
        store.add("Visit Dental", ips=[OFFICE], domains=[VISIT])
    settings = Settings()
    settings.set("blacklist/resolver", bind.address)
    settings.set("blacklist/timeout", 1.0)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.set_current_client("Visit Dental")
    from sbskit.ui.profiles.rerun_dialog import rerun_title

    shown = []
    window.show_rerun = lambda result: shown.append((rerun_title(result), result.text()))
    window.action_recheck.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    _title, text = shown[0]
    assert f"Mail DNS health {VISIT}: first visit" in text  # Mail DNS history is kept per domain
    with ProfileStore() as store:
        runs = store.runs("Visit Dental", kind="maildns")
        assert len(runs) == 1 and store.load_run(runs[0].id).document["resolver"] == [bind.address]

"""The re-run probes a client's mail server on the standard ports, and each service on the port where
its last saved probe found it (the evaluator probed a server on its real, non-standard ports; the
re-run asked only 110/995/... and said "could not check"), and says which ports it used. A real
Dovecot on loopback."""

from __future__ import annotations

from sbskit.core.mailprobe.probe import run_probe
from sbskit.core.profiles.rerun import rerun_saved_checks


def test_the_rerun_asks_the_ports_of_the_last_saved_probe(store, dovecot_risky):
    ports = {"pop3": dovecot_risky.ports["pop3"], "pop3s": dovecot_risky.ports["pop3s"],
             "imap": 0, "imaps": 0, "smtp": 0, "submission": 0, "smtps": 0}
    first = run_probe(dovecot_risky.addr, ports, timeout=5, check_ptr=False).to_dict()
    assert all(s["reachable"] for s in first["services"])
    store.add("Acme", mail_hosts=[dovecot_risky.addr])
    store.add_run("Acme", "mailprobe", first, at="2026-11-02T10:00:00+00:00")
    result = rerun_saved_checks(store, "Acme", probe_timeout=5)
    latest = store.load_run(store.runs("Acme", kind="mailprobe", limit=1)[0].id).document
    asked = {s["name"].lower(): (s["port"], s["reachable"]) for s in latest["services"]}
    assert asked["pop3"] == (ports["pop3"], True) and asked["pop3s"] == (ports["pop3s"], True)
    assert asked["imap"][0] == 143 and asked["smtp"][0] == 25  # the rest: the standard ports, as always
    assert f"Mail server probe {dovecot_risky.addr}: the standard ports, except pop3 on {ports['pop3']}, " \
           f"pop3s on {ports['pop3s']} (where its last saved probe found them)" in result.text()
    assert "could not check" not in result.text()


def test_without_a_saved_probe_the_rerun_says_it_used_the_standard_ports(store):
    store.add("Baker", mail_hosts=["127.0.0.1"])
    result = rerun_saved_checks(store, "Baker", probe_timeout=1)
    assert "Mail server probe 127.0.0.1: the standard ports\n" in result.text() + "\n"


def test_a_saved_probe_that_reached_nothing_proves_no_port_right(store, dovecot_risky):
    from sbskit.core.profiles.rerun import saved_probe_ports

    ports = {"pop3": dovecot_risky.ports["pop3"], "pop3s": 0, "imap": 0, "imaps": 0, "smtp": 0, "submission": 0,
             "smtps": 0}
    good = run_probe(dovecot_risky.addr, ports, timeout=5, check_ptr=False).to_dict()
    store.add("Cafe", mail_hosts=[dovecot_risky.addr])
    store.add_run("Cafe", "mailprobe", good, at="2026-11-02T10:00:00+00:00")
    dead = {**good, "services": [{**s, "port": 9, "reachable": False} for s in good["services"]]}
    store.add_run("Cafe", "mailprobe", dead, at="2026-11-20T10:00:00+00:00")  # a later probe on a wrong port
    assert saved_probe_ports(store, "Cafe", dovecot_risky.addr)["pop3"] == dovecot_risky.ports["pop3"]

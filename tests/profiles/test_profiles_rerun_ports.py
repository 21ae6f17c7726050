"""A client re-run probes the standard mail ports, not just the ones the last visit found open.

Real Dovecot on a loopback address of its own (127.0.58.41, so the standard ports 110, 995,
143 and 993 are free there): the first visit finds POP3 only (the other services listen on
odd ports), then the server gains IMAP, IMAPS and POP3S on their standard ports; the re-run
must see them.
"""

from __future__ import annotations

import shutil
import socket

import pytest

from servers.common import free_port, stop_process
from servers.dovecot import options_for, start_dovecot
from sbskit.core.mailprobe.probe import DEFAULT_PORTS
from sbskit.core.profiles.rerun import rerun_saved_checks

ADDR = "127.0.58.41"
pytestmark = [pytest.mark.servers, pytest.mark.slow]


def _refused(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((ADDR, port)) != 0


@pytest.fixture
def dovecot_at(certs):
    started = []

    def start(ports):
        server, out = start_dovecot(options_for(certs, secure=False), ADDR, ports)
        started.append((server, out))
        return server

    def stop_all():
        while started:
            server, out = started.pop()
            stop_process(server.proc)
            out.close()
            shutil.rmtree(server.dir, ignore_errors=True)

    start.stop_all = stop_all
    yield start
    stop_all()


def _open_ports(store, name: str) -> set[int]:
    return {s["port"] for s in _latest(store, name)["services"] if s["reachable"]}


def _latest(store, name: str) -> dict:
    newest = store.runs(name, kind="mailprobe")[0]  # newest first
    return store.load_run(newest.id).document


def test_rerun_sees_a_standard_port_opened_since_the_last_visit(store, dovecot_at):
    # nothing else may listen there: the probe's SMTP step would look the address up (a PTR query)
    assert all(_refused(port) for port in DEFAULT_PORTS.values()), f"something listens on {ADDR}"
    store.add("Acme", mail_hosts=[ADDR])

    dovecot_at({"pop3": 110, "pop3s": free_port(ADDR), "imap": free_port(ADDR), "imaps": free_port(ADDR)})
    first = rerun_saved_checks(store, "Acme", maildns=False, probe_timeout=5)
    assert first.runs == [("mailprobe", ADDR)]
    assert _open_ports(store, "Acme") == {110}

    dovecot_at.stop_all()
    dovecot_at({"pop3": 110, "pop3s": 995, "imap": 143, "imaps": 993})
    again = rerun_saved_checks(store, "Acme", maildns=False, probe_timeout=5)
    assert again.runs == [("mailprobe", ADDR)]
    assert _open_ports(store, "Acme") == {110, 143, 993, 995}
    probed = {s["port"] for s in _latest(store, "Acme")["services"]}
    assert probed == set(DEFAULT_PORTS.values())  # the whole standard set, as the probe does by default

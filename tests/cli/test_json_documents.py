"""The ``--json`` documents of blacklist, mailprobe and relaytest match their TypedDicts.

Real runs of the real CLI against real servers on loopback (BIND with a zone written here,
the shared Dovecot and Postfix), each output checked against
``sbskit.core.cli_documents`` with ``typed_json.problems``. The checker itself is shown to
catch a missing key, a wrong type and a value outside a Literal.
"""

from __future__ import annotations

import json

import pytest
from typed_json import problems

from sbskit.core.cli_documents import BlacklistDocument, ProbeDocument, RelayDocument
from servers.bind import BindServer

LISTED = "192.0.2.40"
CLEAN = "192.0.2.41"
LISTED6 = "2001:db8::40"


def _rev6(ip: str) -> str:
    import ipaddress

    return ".".join(reversed(ipaddress.IPv6Address(ip).packed.hex()))


@pytest.fixture(scope="module")
def bind(tmp_path_factory):
    """A list that follows RFC 5782 (test points, one listed IPv4 and IPv6) and a domain with an MX."""
    server = BindServer(tmp_path_factory.mktemp("cli-docs-bind"))
    server.add_zone("docs.bl.test", f"""
2.0.0.127 A 127.0.0.2
2.0.0.127 TXT "test point"
{_rev6('::ffff:7f00:2')} A 127.0.0.2
{'.'.join(reversed(LISTED.split('.')))} A 127.0.0.2
{'.'.join(reversed(LISTED.split('.')))} TXT "listed for the contract test"
{_rev6(LISTED6)} A 127.0.0.2
""")
    server.add_zone("shop.test", f"""
@ MX 10 mx.shop.test.
mx A {LISTED}
mx AAAA {LISTED6}
""")
    server.start()
    yield server
    server.stop()


def _document(proc) -> dict:
    assert proc.stdout.strip(), proc.stderr
    return json.loads(proc.stdout)


def test_blacklist_json_matches_its_type(bind, run_cli):
    proc = run_cli("blacklist", LISTED, CLEAN, LISTED6, "shop.test", "--resolver", bind.address,
                   "--zone", "docs.bl.test", "--timeout", "2", "--json")
    assert proc.returncode == 1, proc.stderr  # listed
    doc = _document(proc)
    assert problems(doc, BlacklistDocument) == []
    kinds = {t["target"]: t["kind"] for t in doc["targets"]}
    assert kinds[LISTED] == "ipv4" and kinds[LISTED6] == "ipv6" and kinds["shop.test"] == "domain"
    statuses = {(t["target"], r["status"]) for t in doc["targets"] for r in t["results"]}
    assert (LISTED, "listed") in statuses and (CLEAN, "clean") in statuses and (LISTED6, "listed") in statuses
    domain = next(t for t in doc["targets"] if t["target"] == "shop.test")
    assert domain["mx"][0]["host"] == "mx.shop.test"


def test_mailprobe_json_matches_its_type(dovecot_risky, postfix_open, certs, run_cli):
    ports = dovecot_risky.ports
    proc = run_cli("mailprobe", dovecot_risky.addr, "--pop3-port", str(ports["pop3"]), "--pop3s-port",
                   str(ports["pop3s"]), "--imap-port", str(ports["imap"]), "--imaps-port", str(ports["imaps"]),
                   "--smtp-port", "0", "--submission-port", "0", "--smtps-port", "0",
                   "--ca-file", str(certs.ca), "--timeout", "5", "--json", "--as-outsider")
    doc = _document(proc)
    assert problems(doc, ProbeDocument) == []
    assert proc.returncode == 1 and doc["risk"] == "high"
    assert {s["name"] for s in doc["services"]} == {"POP3", "POP3S", "IMAP", "IMAPS"}
    assert all(s["certificate"] is not None for s in doc["services"])  # the nested type was checked too

    smtp = run_cli("mailprobe", "127.0.0.1", "--pop3-port", "0", "--pop3s-port", "0", "--imap-port", "0",
                   "--imaps-port", "0", "--smtp-port", str(postfix_open.ports["smtp"]), "--submission-port", "0",
                   "--smtps-port", "0", "--no-ptr", "--timeout", "5", "--json")
    smtp_doc = _document(smtp)
    assert problems(smtp_doc, ProbeDocument) == []
    assert smtp_doc["services"][0]["protocol"] == "smtp" and smtp_doc["services"][0]["reachable"] is True


def test_relaytest_json_matches_its_type(postfix_open, postfix_closed, run_cli):
    for server, code, open_relay in ((postfix_open, 1, True), (postfix_closed, 0, False)):
        proc = run_cli("relaytest", "127.0.0.1", "--port", str(server.ports["smtp"]), "--timeout", "5", "--json",
                       "--as-outsider")
        doc = _document(proc)
        assert problems(doc, RelayDocument) == []
        assert proc.returncode == code and doc["open_relay"] is open_relay and doc["data_sent"] is False
        assert len(doc["attempts"]) == 16


def test_relaytest_that_cannot_connect_still_matches(run_cli):
    import socket

    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run_cli("relaytest", "127.0.0.1", "--port", str(port), "--timeout", "2", "--json")
    doc = _document(proc)
    assert proc.returncode == 3 and doc["open_relay"] is None and doc["error"]
    assert problems(doc, RelayDocument) == []


def test_the_checker_finds_what_is_wrong():
    good = {"host": "h", "port": 25, "banner": "", "open_relay": None, "attempts": [], "error": None,
            "detail": "", "unanswered": [], "notes": [], "connections": 1, "reconnects": 0, "tarpit_seconds": None,
            "deadline_seconds": 60.0, "seconds": 1.5, "note": "", "data_sent": False, "verdict": "incomplete",
            "summary": "could not tell", "vantage": {"peer": None, "local": None, "kind": None, "trusted": False,
                                                     "assumed_untrusted": False, "note": ""}}
    assert problems(good, RelayDocument) == []
    missing = dict(good)
    del missing["banner"]
    assert problems(missing, RelayDocument) == ["$: missing key 'banner'"]
    assert problems({**good, "port": "25"}, RelayDocument) == ["$.port: expected int, got str '25'"]
    assert problems({**good, "port": True}, RelayDocument) != []  # a bool is not a port number
    assert problems({**good, "data_sent": True}, RelayDocument) != []  # Literal[False]
    bad_attempt = {"variant": "x", "mail_from": "a@b", "rcpt_to": "c@d", "reply_code": 250, "reply": "ok",
                   "relayed": True, "stage": "data", "seconds": 0.1, "meaning": "accepted", "meaning_text": "accepted"}
    assert problems({**good, "attempts": [bad_attempt]}, RelayDocument) == [
        "$.attempts[0].stage: 'data' is not one of ('mail', 'rcpt', 'none')"]
    assert problems({**good, "extra": 1}, RelayDocument) == []  # the contract lets documents grow

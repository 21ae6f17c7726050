"""The session fixtures for real servers on loopback; registered by ``tests/conftest.py``.

Each server starts the first time a test asks for it and stops at the end of the session.
BIND has no fixture here: each feature builds :class:`servers.bind.BindServer` with its own
zones in its own conftest (the blacklist world, the mail-DNS world).
"""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from servers.certs import make_certs, remove_certs
from servers.common import stop_process
from servers.dovecot import options_for, start_dovecot
from servers.postfix import start_postfix, stop_postfix


# Fixtures that start a real server; "bind" is the name each feature gives its BIND world.
SERVER_FIXTURES = frozenset({"certs", "dovecot_risky", "dovecot_safe", "postfix_open", "postfix_closed",
                             "postfix_tarpit", "postfix_hangup", "postfix_stock", "postfix_stock_tarpit",
                             "postfix_greylist", "postfix_exchange_like", "dovecot_named", "dovecot_same_host",
                             "bind", "visit_bind"})


def pytest_itemcollected(item):
    """Mark tests that start a real server ``servers`` (Linux CI has them; a Windows runner does not)."""
    if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.servers)


@pytest.fixture(scope="session")
def certs():
    made = make_certs()
    yield made
    remove_certs(made)


def _dovecot(certs, secure: bool, addr: str | None = None, **changes):
    opts = options_for(certs, secure)
    if changes:
        opts = dataclasses.replace(opts, **changes)
    server, out = start_dovecot(opts, addr) if addr else start_dovecot(opts)
    yield server
    stop_process(server.proc)
    out.close()
    shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot_risky(certs):
    """Cleartext logins allowed before TLS, TLS 1.0 accepted, self-signed certificate expiring in 10 days."""
    yield from _dovecot(certs, secure=False)


@pytest.fixture(scope="session")
def dovecot_safe(certs):
    """TLS required (``ssl = required``, no cleartext passwords), CA-signed certificate."""
    yield from _dovecot(certs, secure=True)


@pytest.fixture(scope="session")
def dovecot_named(certs):
    """TLS required, a CA-signed certificate that names only mail.sbskit.test (no IP SAN), on 127.0.0.3:
    a well set up server as it looks when probed by IP address."""
    yield from _dovecot(certs, secure=True, addr="127.0.0.3", cert=certs.name_cert, key=certs.name_key)


@pytest.fixture(scope="session")
def dovecot_same_host(certs):
    """TLS required, CA-signed certificate, listening on 127.0.0.1: the client's own address, which Dovecot
    treats as secure (its log says "secured"): what a probe run on the server itself meets."""
    yield from _dovecot(certs, secure=True, addr="127.0.0.1")


def _postfix(certs, open_relay: bool, limits: dict[str, str] | None = None):
    server, out = start_postfix(certs, open_relay, limits)
    server.extra.update(limits or {})
    yield server
    stop_postfix(server)
    out.close()
    shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postfix_open(certs):
    """Relays for anyone on loopback (``mynetworks = 127.0.0.0/8``)."""
    yield from _postfix(certs, open_relay=True)


@pytest.fixture(scope="session")
def postfix_closed(certs):
    """Relays for no one (``mynetworks`` is a documentation address)."""
    yield from _postfix(certs, open_relay=False)


TARPIT_SECONDS = 5


@pytest.fixture(scope="session")
def postfix_tarpit(certs):
    """A closed relay that tarpits like Exchange: after the first error every reply waits 5 s."""
    yield from _postfix(certs, False, {"smtpd_error_sleep_time": f"{TARPIT_SECONDS}s",
                                       "smtpd_soft_error_limit": "1", "smtpd_hard_error_limit": "100"})


@pytest.fixture(scope="session")
def postfix_hangup(certs):
    """A closed relay that ends the session after 3 errors (421), without sleeping."""
    yield from _postfix(certs, False, {"smtpd_error_sleep_time": "0", "smtpd_soft_error_limit": "10",
                                       "smtpd_hard_error_limit": "3"})


# Debian's and Ubuntu's shipped main.cf: a foreign recipient gets "454 4.7.1 ... Relay access denied".
DEBIAN_RELAY_RESTRICTIONS = "permit_mynetworks permit_sasl_authenticated defer_unauth_destination"


@pytest.fixture(scope="session")
def postfix_stock(certs):
    """A closed relay as Debian ships Postfix: ``defer_unauth_destination`` answers 454 4.7.1 on purpose."""
    yield from _postfix(certs, False, {"smtpd_relay_restrictions": DEBIAN_RELAY_RESTRICTIONS})


@pytest.fixture(scope="session")
def postfix_stock_tarpit(certs):
    """Debian's restrictions plus a tarpit that starts after two errors (5 s per reply from then on)."""
    yield from _postfix(certs, False, {"smtpd_relay_restrictions": DEBIAN_RELAY_RESTRICTIONS,
                                       "smtpd_error_sleep_time": f"{TARPIT_SECONDS}s",
                                       "smtpd_soft_error_limit": "2", "smtpd_hard_error_limit": "100"})


@pytest.fixture(scope="session")
def postfix_greylist(certs):
    """Defers every recipient with a greylisting text before any relay decision (a policy placed first)."""
    yield from _postfix(certs, False, {"smtpd_relay_restrictions": "permit_mynetworks, check_client_access "
                                       "static:{450 4.2.0 Greylisted, see https://postgrey.sbskit.test/help}, "
                                       "reject_unauth_destination"})


@pytest.fixture(scope="session")
def postfix_exchange_like(certs):
    """Holds every foreign recipient 5 s before refusing it, from the first one on, as Exchange's tarpit does
    (Postfix's ``sleep`` restriction before ``reject_unauth_destination``)."""
    yield from _postfix(certs, False, {"smtpd_relay_restrictions": f"permit_mynetworks, sleep {TARPIT_SECONDS}, "
                                       "reject_unauth_destination"})

"""The session fixtures for real servers on loopback; registered by ``tests/conftest.py``.

Each server starts the first time a test asks for it and stops at the end of the session.
BIND has no fixture here: each feature builds :class:`servers.bind.BindServer` with its own
zones in its own conftest (the blacklist world, the mail-DNS world).
"""

from __future__ import annotations

import shutil

import pytest

from servers.certs import make_certs, remove_certs
from servers.common import stop_process
from servers.dovecot import options_for, start_dovecot
from servers.postfix import start_postfix, stop_postfix


# Fixtures that start a real server; "bind" is the name each feature gives its BIND world.
SERVER_FIXTURES = frozenset({"certs", "dovecot_risky", "dovecot_safe", "postfix_open", "postfix_closed",
                             "postfix_tarpit", "postfix_hangup", "bind"})


def pytest_itemcollected(item):
    """Mark tests that start a real server ``servers`` (Linux CI has them; a Windows runner does not)."""
    if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.servers)


@pytest.fixture(scope="session")
def certs():
    made = make_certs()
    yield made
    remove_certs(made)


def _dovecot(certs, secure: bool):
    server, out = start_dovecot(options_for(certs, secure))
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

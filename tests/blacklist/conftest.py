"""One BIND for the whole blacklist test session, serving the world of ``blacklist_world``."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from servers.bind import BindServer  # noqa: E402
from blacklist_world import build_world  # noqa: E402


@pytest.fixture(scope="session")
def bind(tmp_path_factory):
    server = BindServer(tmp_path_factory.mktemp("bind"))
    build_world(server)
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_dns_cache():
    from sbskit.core.dnsbl import transport

    transport.clear_cache()
    yield


@pytest.fixture(scope="session")
def bad_resolvers(tmp_path_factory):
    """Resolvers that answer nothing useful (see ``bad_resolvers.py``): REFUSED, hiding, SERVFAIL, rewriting."""
    from bad_resolvers import MisbehavingResolvers

    server = MisbehavingResolvers(tmp_path_factory.mktemp("bad-resolvers"))
    server.start()
    yield server
    server.stop()

"""Shared helpers for the profile tests: a store in the test's data folder, result documents."""

from __future__ import annotations

import os
import sys

import pytest

from sbskit.core.profiles import ProfileStore


def bl_doc(target: str, statuses: dict[str, str]) -> dict:
    """A blacklist result document shaped like ``sbskit-cli blacklist --json``."""
    results = []
    for zone, status in statuses.items():
        result = {"zone": zone, "status": status, "codes": [], "meanings": [], "txt": [], "error": None,
                  "detail": "", "delist_url": ""}
        if status == "listed":
            result["codes"], result["meanings"] = ["127.0.0.2"], ["listed for spam"]
        elif status == "error":
            result["error"] = "timeout"
        results.append(result)
    return {"resolver": ["127.0.0.1"], "targets": [{"target": target, "kind": "ipv4", "results": results}]}


@pytest.fixture
def bl():
    return bl_doc


@pytest.fixture
def store():
    with ProfileStore() as opened:
        yield opened


@pytest.fixture(scope="session")
def bind(tmp_path_factory):
    """The blacklist tests' real BIND world (tests/blacklist/blacklist_world.py), for partial real runs."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "blacklist"))
    from servers.bind import BindServer
    from blacklist_world import build_world

    server = BindServer(tmp_path_factory.mktemp("bind"))
    build_world(server)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def visit_bind(tmp_path_factory):
    """The visits' BIND world (visit_world.py), fresh for each test module: its tests change it by DNS UPDATE."""
    from servers.bind import BindServer
    from visit_world import build_world

    server = BindServer(tmp_path_factory.mktemp("visit-bind"))
    build_world(server)
    server.start()
    yield server
    server.stop()

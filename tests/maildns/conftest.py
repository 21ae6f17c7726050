"""One real BIND for the maildns tests: the SPF suite's zones and the mail-DNS world of mistakes."""

from __future__ import annotations

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "blacklist"))

from servers.bind import BindServer  # noqa: E402
from maildns_world import build_world  # noqa: E402
from maildns_world2 import build_world2  # noqa: E402
from spf_cases import SCENARIOS, zone_records  # noqa: E402
from zonefiles import add_zone  # noqa: E402

REVERSE = (".in-addr.arpa.", ".ip6.arpa.")


def build_spf_suite(server: BindServer, reverse: dict) -> None:
    for scn in SCENARIOS:
        records = zone_records(scn)
        local = {}
        for owner, rrs in records.items():
            if owner.endswith(REVERSE):
                reverse.setdefault(owner, []).extend(rrs)
            elif owner.endswith(".") and not owner.endswith(f".{scn['zone']}."):
                tld = owner.rstrip(".").rsplit(".", 1)[-1]
                add_zone(server, tld, {owner: rrs})  # a name under another top-level domain
            else:
                local[owner] = rrs
        add_zone(server, scn["zone"], local)


def build_reverse(server: BindServer, reverse: dict) -> None:
    """One zone per /24 (IPv4) or /32 (IPv6): BIND's built-in empty zones for the documentation
    and private ranges (RFC 6303) are more specific than in-addr.arpa and would hide the records."""
    zones: dict[str, dict] = {}
    for owner, rrs in reverse.items():
        labels = owner.rstrip(".").lower().split(".")
        zone = ".".join(labels[1:]) if owner.endswith(".in-addr.arpa.") else ".".join(labels[-10:])
        zones.setdefault(zone, {}).setdefault(owner, []).extend(rrs)
    for zone, records in zones.items():
        add_zone(server, zone, records)


@pytest.fixture(scope="session")
def bind(tmp_path_factory):
    server = BindServer(tmp_path_factory.mktemp("maildns-bind"))
    reverse: dict = {}
    build_spf_suite(server, reverse)
    build_world(server, reverse)
    build_world2(server, reverse)
    build_reverse(server, reverse)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def resolver_spec(bind) -> str:
    return bind.address

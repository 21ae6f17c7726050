"""The shipped catalogue: complete enough to be useful, consistent enough to decode honestly."""

from __future__ import annotations

import re

from sbskit.core.dnsbl.catalogue import ERROR, LISTING, UNDOCUMENTED, custom_zone, load_catalogue
from sbskit.core.resources import data_versions, load_json

CONTRACT_ERRORS = {"timeout", "servfail", "refused", "blocked-resolver", "rate-limited", "unexpected-answer", "zone-broken"}
IP4 = re.compile(r"^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$")


def test_registered_in_the_manifest():
    assert "dnsbl-zones.json" in data_versions()


def test_enough_active_lists_of_every_kind():
    cat = load_catalogue()
    active = [z for z in cat.zones]
    assert len(active) >= 40
    assert len(cat.defaults("ipv4")) >= 30
    assert len(cat.defaults("ipv6")) >= 5
    assert len(cat.defaults("domain")) >= 5
    names = {z.zone for z in active}
    for must in ("zen.spamhaus.org", "dbl.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org", "psbl.surriel.com",
                 "dnsbl-1.uceprotect.net", "dnsbl-2.uceprotect.net", "dnsbl-3.uceprotect.net", "ips.backscatterer.org",
                 "bl.mailspike.net", "spam.spamrats.com", "bl.spameatingmonkey.net", "dnsbl.dronebl.org", "all.s5h.net",
                 "truncate.gbudb.net", "hostkarma.junkemailfilter.com", "combined.mail.abusix.zone", "bl.blocklist.de",
                 "multi.surbl.org", "multi.uribl.com", "list.dnswl.org"):
        assert must in names, must


def test_every_zone_is_complete_and_consistent():
    data = load_json("dnsbl-zones.json")
    categories = set(data["categories"])
    cat = load_catalogue()
    assert len({z.zone for z in cat.zones}) == len(cat.zones), "duplicate zone"
    for z in cat.zones:
        assert z.operator and z.name and z.terms, z.zone
        assert z.lookup_url.startswith("http"), z.zone
        assert set(z.targets) <= {"ipv4", "ipv6", "domain"} and z.targets, z.zone
        assert z.group in data["groups"], z.zone
        assert z.codes or z.ranges or z.bitmask, f"{z.zone} documents no listing code"
        for code, (meaning, category) in z.codes.items():
            assert IP4.match(code) and meaning and category in categories, (z.zone, code)
        for _lo, _hi, _meaning, category in z.ranges:
            assert category in categories
        for _meaning, category in z.bitmask.values():
            assert category in categories
        for code, (_meaning, reason) in z.errors.items():
            assert reason in CONTRACT_ERRORS, (z.zone, code)
            assert code not in z.codes, f"{z.zone}: {code} is both a listing and an error"
        for _meaning, reason in z.bitmask_errors.values():
            assert reason in CONTRACT_ERRORS
        for point in (z.test_listed, z.test_not_listed):
            if point is not None:  # a test point must be a target the zone takes
                kind = "ipv6" if ":" in point else ("ipv4" if point.replace(".", "").isdigit() else "domain")
                assert z.takes(kind), (z.zone, point)
        assert z.family != "spamhaus" or z.errors.get("127.255.255.254", ("", ""))[1] == "blocked-resolver"


def test_dead_lists_are_documented_and_never_active():
    cat = load_catalogue()
    active = {z.zone for z in cat.zones}
    assert len(cat.dead) >= 15
    for entry in cat.dead:
        assert entry["zone"] not in active
        assert entry.get("since") and entry.get("now") and entry.get("name"), entry
    for name in ("dnsbl.sorbs.net", "ix.dnsbl.manitu.net", "dnsbl.njabl.org", "dnsbl.ahbl.org", "bl.spamcannibal.org"):
        assert cat.dead_entry(name) is not None, name
    assert cat.dead_entry("new.spam.dnsbl.sorbs.net") is not None


def test_decoding_error_codes_listings_and_bitmasks():
    cat = load_catalogue()
    zen = cat.by_name("zen.spamhaus.org")
    assert zen.decode("127.0.0.2").kind == LISTING
    assert zen.decode("127.255.255.254").reason == "blocked-resolver"
    assert zen.decode("127.255.255.255").reason == "rate-limited"
    assert zen.decode("127.0.0.99").kind == UNDOCUMENTED
    assert zen.decode("10.0.0.1").kind == "outside"
    dbl = cat.by_name("dbl.spamhaus.org")
    assert dbl.decode("127.0.1.255").kind == ERROR
    surbl = cat.by_name("multi.surbl.org")
    assert surbl.decode("127.0.0.1").reason == "blocked-resolver"
    decoded = surbl.decode("127.0.0.24")
    assert decoded.kind == LISTING and "PH" in decoded.meaning and "MW" in decoded.meaning and decoded.category == "malicious"
    uribl = cat.by_name("multi.uribl.com")
    assert uribl.decode("127.0.0.1").reason == "blocked-resolver"
    assert uribl.decode("127.0.0.2").kind == LISTING
    dnswl = cat.by_name("list.dnswl.org")
    assert dnswl.decode("127.0.15.2").category == "allow-list"
    assert dnswl.decode("127.0.0.255").reason == "blocked-resolver"
    assert cat.verdict("allow-list") == "good" and cat.verdict("spam-source") == "bad"


def test_custom_zone_rules():
    zone = custom_zone("My.List.Example.")
    assert zone.zone == "my.list.example" and zone.takes("domain") and zone.takes("ipv6")
    assert zone.decode("127.0.0.2").kind == LISTING
    assert zone.decode("127.0.0.1").kind == UNDOCUMENTED
    assert zone.decode("127.255.255.254").kind == UNDOCUMENTED


def test_dqs_needs_a_key():
    cat = load_catalogue()
    assert "zrd.spamhaus.org" not in {z.zone for z in cat.defaults("domain")}
    assert "zrd.spamhaus.org" in {z.zone for z in cat.defaults("domain", dqs_key="k" * 26)}
    assert all(z.dqs_zone.endswith(".dq.spamhaus.net") for z in cat.zones if z.dqs_zone)

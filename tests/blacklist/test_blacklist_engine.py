"""The sweep against a real BIND on loopback: every verdict the engine can give."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from blacklist_world import CLEAN_IP, DQS_KEY, LISTED_IP, LISTED_IP6, MAIL_DOMAIN, ODD_IP, SPAM_DOMAIN

from sbskit.core.dnsbl.engine import Options, Sweep, check, summary_line
from sbskit.core.errors import UserInputError
from sbskit.core.jobs import Cancelled, JobContext


def sweep(bind, targets, zones, timeout=1.0, **kw):
    options = Options(resolvers=[bind.address], zones=zones, timeout=timeout, **kw)
    return check(targets, options)


def result(doc, target, zone):
    for t in doc["targets"]:
        if t["target"] == target:
            for r in t["results"]:
                if r["zone"] == zone:
                    return r
    raise AssertionError(f"no result for {target} on {zone}")


def test_listing_with_several_codes_meanings_and_txt(bind):
    doc = sweep(bind, [LISTED_IP], ["zen.spamhaus.org"])
    r = result(doc, LISTED_IP, "zen.spamhaus.org")
    assert r["status"] == "listed"
    assert sorted(r["codes"]) == ["127.0.0.11", "127.0.0.4"]
    assert any("XBL" in m for m in r["meanings"]) and any("PBL" in m for m in r["meanings"])
    assert r["category"] == "exploited-host" and r["verdict"] == "bad"
    assert r["txt"] == ["https://check.spamhaus.org/sbl/query/SBLCSS"]
    assert r["delist_url"].endswith(LISTED_IP)
    assert r["error"] is None


def test_clean_only_from_a_list_whose_test_point_works(bind):
    doc = sweep(bind, [CLEAN_IP], ["zen.spamhaus.org", "good.bl.test"])
    for zone in ("zen.spamhaus.org", "good.bl.test"):
        r = result(doc, CLEAN_IP, zone)
        assert r["status"] == "clean", r
        assert r["error"] is None and r["codes"] == []
    assert doc["summary"]["clean"] == 2 and doc["summary"]["listed"] == 0


def test_undocumented_code_is_an_unexpected_answer_not_a_listing(bind):
    r = result(sweep(bind, [ODD_IP], ["zen.spamhaus.org"]), ODD_IP, "zen.spamhaus.org")
    assert r["status"] == "error" and r["error"] == "unexpected-answer"
    assert r["codes"] == ["127.0.0.99"]


def test_custom_zone_uses_rfc5782_rules_and_txt(bind):
    r = result(sweep(bind, [LISTED_IP], ["good.bl.test"]), LISTED_IP, "good.bl.test")
    assert r["status"] == "listed" and sorted(r["codes"]) == ["127.0.0.2", "127.0.0.3"]
    assert "spam trap hits" in r["txt"][0]


def test_ipv6_nibble_lookup(bind):
    doc = sweep(bind, [LISTED_IP6], ["good.bl.test", "zen.spamhaus.org"])
    assert result(doc, LISTED_IP6, "good.bl.test")["txt"] == ["IPv6 listing"]
    assert result(doc, LISTED_IP6, "zen.spamhaus.org")["codes"] == ["127.0.0.4"]
    assert doc["targets"][0]["kind"] == "ipv6"


def test_domain_lists_and_bitmasks(bind):
    doc = sweep(bind, [SPAM_DOMAIN], ["dbl.spamhaus.org", "multi.surbl.org", "dom.bl.test"], include_mx=False)
    dbl = result(doc, SPAM_DOMAIN, "dbl.spamhaus.org")
    assert dbl["status"] == "listed" and dbl["codes"] == ["127.0.1.4"] and dbl["category"] == "malicious"
    surbl = result(doc, SPAM_DOMAIN, "multi.surbl.org")
    assert surbl["status"] == "listed" and "phishing" in surbl["meanings"][0]
    assert result(doc, SPAM_DOMAIN, "dom.bl.test")["txt"] == ["domain seen in spam"]


def test_uribl_refusal_is_blocked_resolver(bind):
    r = result(sweep(bind, [SPAM_DOMAIN], ["multi.uribl.com"], include_mx=False), SPAM_DOMAIN, "multi.uribl.com")
    assert r["status"] == "error" and r["error"] == "blocked-resolver"


def test_spamhaus_public_resolver_names_the_resolver_it_saw(bind):
    doc = sweep(bind, [CLEAN_IP], ["sbl.spamhaus.org"])
    r = result(doc, CLEAN_IP, "sbl.spamhaus.org")
    assert r["status"] == "error" and r["error"] == "blocked-resolver"
    assert "203.0.113.99" in r["detail"] and "DQS" in r["detail"]
    assert doc["problems"] and doc["problems"][0]["resolver_seen"] == "203.0.113.99"


def test_resolver_hiding_spamhaus_is_never_clean(bind):
    # xbl.spamhaus.org here has no entries at all, like Google Public DNS answering NXDOMAIN for Spamhaus
    doc = sweep(bind, [CLEAN_IP], ["xbl.spamhaus.org"])
    r = result(doc, CLEAN_IP, "xbl.spamhaus.org")
    assert r["status"] == "error" and r["error"] == "blocked-resolver"
    assert "test entry" in r["detail"]


def test_spamhaus_rate_limit(bind):
    r = result(sweep(bind, [CLEAN_IP], ["pbl.spamhaus.org"]), CLEAN_IP, "pbl.spamhaus.org")
    assert r["error"] == "rate-limited" and r["codes"] == ["127.255.255.255"]


@pytest.mark.parametrize("zone", ["wild.bl.test", "parked.bl.test", "empty.bl.test"])
def test_broken_lists_are_zone_broken_for_listed_and_clean_targets(bind, zone):
    doc = sweep(bind, [LISTED_IP, CLEAN_IP], [zone])
    for target in (LISTED_IP, CLEAN_IP):
        r = result(doc, target, zone)
        assert r["status"] == "error" and r["error"] == "zone-broken", r


def test_servfail_refused_and_timeout_with_the_overall_time_bound(bind):
    start = time.monotonic()
    doc = sweep(bind, [CLEAN_IP], ["missing.bl.test", "closed.bl.test", "slow.bl.test", "good.bl.test"], timeout=0.8)
    elapsed = time.monotonic() - start
    assert result(doc, CLEAN_IP, "missing.bl.test")["error"] == "servfail"
    assert result(doc, CLEAN_IP, "closed.bl.test")["error"] == "refused"
    assert result(doc, CLEAN_IP, "slow.bl.test")["error"] == "timeout"
    assert result(doc, CLEAN_IP, "good.bl.test")["status"] == "clean"
    assert 0.8 <= elapsed < 0.8 + 2.0, elapsed  # per-query timeout plus a little (generous for busy CI)
    assert "could not answer" in summary_line(doc["summary"])


def test_dead_list_is_never_queried(bind):
    doc = sweep(bind, [CLEAN_IP], ["dnsbl.sorbs.net"])
    r = result(doc, CLEAN_IP, "dnsbl.sorbs.net")
    assert r["error"] == "zone-broken" and "dead since 2024-06" in r["detail"]


def test_allow_list_is_good_news_not_a_listing(bind):
    doc = sweep(bind, [LISTED_IP], ["list.dnswl.org"])
    r = result(doc, LISTED_IP, "list.dnswl.org")
    assert r["status"] == "listed" and r["verdict"] == "good" and r["category"] == "allow-list"
    assert doc["summary"]["listed"] == 0 and doc["summary"]["allow_or_reputation"] == 1


def test_domain_brings_its_mail_servers_and_reverse_dns(bind):
    doc = sweep(bind, [MAIL_DOMAIN], ["zen.spamhaus.org"])
    head = doc["targets"][0]
    assert head["target"] == MAIL_DOMAIN and head["results"] == []  # ZEN takes no domains
    assert [m["host"] for m in head["mx"]] == [f"mx1.{MAIL_DOMAIN}", f"mx2.{MAIL_DOMAIN}"]
    derived = {t["target"]: t for t in doc["targets"][1:]}
    assert set(derived) == {LISTED_IP, LISTED_IP6, CLEAN_IP}
    assert derived[LISTED_IP]["source"] == {"domain": MAIL_DOMAIN, "mx": f"mx1.{MAIL_DOMAIN}"}
    assert result(doc, LISTED_IP, "zen.spamhaus.org")["status"] == "listed"
    assert derived[LISTED_IP]["ptr"] == [f"mx1.{MAIL_DOMAIN}"] and derived[LISTED_IP]["fcrdns"] is True
    assert derived[CLEAN_IP]["ptr"] == [f"unconfirmed.{MAIL_DOMAIN}"] and derived[CLEAN_IP]["fcrdns"] is False
    assert derived[LISTED_IP6]["ptr"] == [] and derived[LISTED_IP6]["fcrdns"] is False


def test_domain_without_mx_uses_its_own_address(bind):
    doc = sweep(bind, ["nomx.example"], ["good.bl.test"])
    assert doc["targets"][0]["mx"][0]["implicit"] is True
    assert doc["targets"][1]["target"] == CLEAN_IP


def test_results_stream_through_the_job_context(bind):
    seen, progress = [], []
    ctx = JobContext(progress=lambda d, t, m: progress.append((d, t)), result=seen.append)
    doc = Sweep([LISTED_IP, CLEAN_IP], Options(resolvers=[bind.address], zones=["good.bl.test", "zen.spamhaus.org"],
                                                timeout=1.0)).run(ctx)
    streamed = [item for item in seen if item["type"] == "result"]
    assert len(streamed) == 4 == doc["summary"]["results"]
    assert progress[-1] == (4, 4)
    assert any(item["type"] == "target" and item.get("fcrdns") is not None for item in seen)


def test_cancel_stops_the_sweep(bind):
    ctx = JobContext(is_cancelled=lambda: True)
    start = time.monotonic()
    with pytest.raises(Cancelled):
        Sweep([CLEAN_IP], Options(resolvers=[bind.address], zones=["slow.bl.test"], timeout=5)).run(ctx)
    assert time.monotonic() - start < 1.0


def test_ipv6_resolver_address(bind):
    doc = check([LISTED_IP], Options(resolvers=[f"[::1]:{bind.port}"], zones=["good.bl.test"], timeout=1.0))
    assert result(doc, LISTED_IP, "good.bl.test")["status"] == "listed"
    assert doc["resolver"] == [f"[::1]:{bind.port}"]


def test_retransmit_goes_to_the_next_resolver(bind):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound, never answers
        silent.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{silent.getsockname()[1]}"
        doc = check([LISTED_IP], Options(resolvers=[dead, bind.address], zones=["good.bl.test"], timeout=1.5))
    assert result(doc, LISTED_IP, "good.bl.test")["status"] == "listed"


def test_answers_are_cached_by_ttl(bind):
    first = sweep(bind, [CLEAN_IP], ["good.bl.test"])
    second = sweep(bind, [CLEAN_IP], ["good.bl.test"])
    assert "cached" not in result(first, CLEAN_IP, "good.bl.test")["detail"]
    assert "cached" in result(second, CLEAN_IP, "good.bl.test")["detail"]


def _garbage_server(mode: str, stop: threading.Event) -> tuple[socket.socket, threading.Thread]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.1)

    def serve():
        while not stop.is_set():
            try:
                data, addr = sock.recvfrom(2048)
            except OSError:
                continue
            if mode == "garbage":
                reply = data[:2] + b"\x81\x80" + b"\xff" * 40
            elif mode == "wrong-question":  # a valid NOERROR answer for another name
                reply = (data[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + b"\x05other\x04test\x00\x00\x01\x00\x01"
                         + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x02")
            else:  # loop: a compression pointer pointing at itself
                reply = data[:2] + b"\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01"
            sock.sendto(reply, addr)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return sock, thread


@pytest.mark.parametrize("mode", ["garbage", "wrong-question", "loop"])
def test_garbage_from_the_resolver_is_never_clean(mode):
    stop = threading.Event()
    sock, thread = _garbage_server(mode, stop)
    try:
        port = sock.getsockname()[1]
        doc = check([CLEAN_IP], Options(resolvers=[f"127.0.0.1:{port}"], zones=["good.bl.test"], timeout=0.5))
    finally:
        stop.set()
        thread.join(2)
        sock.close()
    r = result(doc, CLEAN_IP, "good.bl.test")
    assert r["status"] == "error" and r["error"] in ("timeout", "unexpected-answer"), r


def test_private_address_needs_a_custom_resolver():
    with pytest.raises(UserInputError, match="private"):
        Sweep(["10.1.2.3"], Options(zones=["zen.spamhaus.org"]))
    with pytest.raises(UserInputError, match="documentation"):
        Sweep(["2001:db8::1"], Options(zones=["zen.spamhaus.org"]))


def test_bad_options_are_user_errors():
    with pytest.raises(UserInputError, match="resolver"):
        Sweep(["192.0.2.1"], Options(resolvers=["dns.example"]))
    with pytest.raises(UserInputError, match="DQS"):
        Sweep(["192.0.2.1"], Options(resolvers=["127.0.0.1"], dqs_key="bad key!"))
    with pytest.raises(UserInputError, match="zone"):
        Sweep(["192.0.2.1"], Options(resolvers=["127.0.0.1"], zones=["not a zone"]))


def test_dqs_key_rewrites_spamhaus_names_and_never_shows_the_key(bind):
    doc = check([LISTED_IP, CLEAN_IP], Options(resolvers=[bind.address], zones=["zen.spamhaus.org"], timeout=0.8,
                                              dqs_key=DQS_KEY))
    listed = result(doc, LISTED_IP, "zen.spamhaus.org")
    assert listed["status"] == "listed" and listed["codes"] == ["127.0.0.3"]  # the DQS zone's answer, not ZEN's
    assert result(doc, CLEAN_IP, "zen.spamhaus.org")["status"] == "clean"
    assert doc["dqs"] is True and DQS_KEY not in str(doc)


def test_wrong_dqs_key_is_never_clean(bind):
    doc = check([CLEAN_IP], Options(resolvers=[bind.address], zones=["zen.spamhaus.org"], timeout=0.8,
                                    dqs_key="zyxwvutsrqponmlkjihgfedcba"))
    r = result(doc, CLEAN_IP, "zen.spamhaus.org")
    # no such DQS zone here: the test entry is missing, so "not listed" cannot be trusted
    assert r["status"] == "error" and r["error"] == "blocked-resolver"


def test_per_zone_throttle_caps_queries_in_flight():
    """A real (slow) server on loopback counts how many questions per zone wait at once."""
    import struct

    from lossy_proxy import question_name

    stop = threading.Event()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.01)
    state = {"held": [], "max": 0}

    def serve():
        while not stop.is_set():
            try:
                data, addr = sock.recvfrom(2048)
                state["held"].append((data, addr))
                # distinct questions of the zone (a retransmitted copy is not one more question)
                names = {question_name(d) for d, _a in state["held"]}
                state["max"] = max(state["max"], sum(1 for n in names if n.endswith("throttle.bl.test")))
                continue
            except OSError:
                pass
            held, state["held"] = state["held"], []
            for data, addr in held:  # NXDOMAIN, question copied, no EDNS
                qend = 12
                while data[qend]:
                    qend += data[qend] + 1
                question = data[12:qend + 5]
                sock.sendto(data[:2] + struct.pack("!HHHHH", 0x8183, 1, 0, 0, 0) + question, addr)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        targets = [f"192.0.2.{i}" for i in range(1, 41)]
        options = Options(resolvers=[f"127.0.0.1:{sock.getsockname()[1]}"], zones=["throttle.bl.test"], timeout=3,
                          reverse_dns=False, per_zone_limit=4)
        doc = check(targets, options)
    finally:
        stop.set()
        thread.join(2)
        sock.close()
    assert state["max"] <= 4, state["max"]
    # every answer was NXDOMAIN, including the RFC 5782 test entry: never "clean"
    assert {r["error"] for t in doc["targets"] for r in t["results"]} == {"zone-broken"}
    assert len(doc["targets"]) == 40


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when we return: nothing listens there


def test_closed_resolver_port_is_reported_at_once():
    port = _closed_port()
    start = time.monotonic()
    doc = check([CLEAN_IP], Options(resolvers=[f"127.0.0.1:{port}"], zones=["good.bl.test"], timeout=5))
    assert time.monotonic() - start < 2.5
    r = result(doc, CLEAN_IP, "good.bl.test")
    assert r["status"] == "error" and r["error"] == "refused" and "nothing answers DNS" in r["detail"]


def test_closed_first_resolver_falls_over_to_the_next(bind):
    port = _closed_port()
    start = time.monotonic()
    doc = check([LISTED_IP], Options(resolvers=[f"127.0.0.1:{port}", bind.address], zones=["good.bl.test"], timeout=5))
    assert time.monotonic() - start < 2.5
    assert result(doc, LISTED_IP, "good.bl.test")["status"] == "listed"


def test_no_list_takes_the_targets():
    with pytest.raises(UserInputError, match="none of the chosen lists"):
        Sweep(["example.com"], Options(resolvers=["127.0.0.1"], zones=["zen.spamhaus.org"], include_mx=False))

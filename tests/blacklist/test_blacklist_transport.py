"""The transport on a slow and lossy link (a real proxy in front of the test BIND), and the shared cache.

The proxy (``lossy_proxy``) delays answers by zone and drops the packets a test names,
so every assertion here is about what was sent and answered, not about wall time.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from blacklist_world import CLEAN_IP, LISTED_IP
from lossy_proxy import LossyProxy

from sbskit.core.dnsbl import transport, wire
from sbskit.core.dnsbl.engine import Options, Sweep, check
from sbskit.core.dnsbl.timing import Timing

TARGETS = [LISTED_IP, CLEAN_IP, "192.0.2.20", "192.0.2.21"]


def _rev(ip: str) -> str:
    return ".".join(reversed(ip.split(".")))


def results(doc):
    return {(t["target"], r["zone"]): r for t in doc["targets"] for r in t["results"]}


@pytest.fixture
def proxy_factory(bind):
    started = []

    def make(**kw):
        proxy = LossyProxy(("127.0.0.1", bind.port), **kw).start()
        started.append(proxy)
        return proxy

    yield make
    for proxy in started:
        proxy.stop()


def test_a_slow_zone_is_waited_for_not_flooded(proxy_factory):
    proxy = proxy_factory(delays={"good.bl.test": 0.9, "zen.spamhaus.org": 0.03}, default_delay=0.01, jitter=0.0)
    doc = check(TARGETS, Options(resolvers=[proxy.address], zones=["good.bl.test", "zen.spamhaus.org"],
                                 timeout=3, reverse_dns=False))
    got = results(doc)
    assert all(r["status"] in ("listed", "clean") for r in got.values()), got
    assert got[(LISTED_IP, "good.bl.test")]["status"] == "listed"
    assert "spam trap hits" in got[(LISTED_IP, "good.bl.test")]["txt"][0]
    # no loss at all: at most one speculative copy per question of the slow zone, none for the fast one
    slow = {q: n for q, n in proxy.questions.items() if q[0].endswith("good.bl.test")}
    fast = {q: n for q, n in proxy.questions.items() if q[0].endswith("zen.spamhaus.org")}
    assert max(slow.values()) <= 2, slow
    assert sum(slow.values()) <= 2 * len(slow)
    assert max(fast.values()) == 1, fast


def test_lost_queries_are_asked_again_until_answered(proxy_factory):
    listed_a = (f"{_rev(LISTED_IP)}.good.bl.test", 1)
    test_point = ("2.0.0.127.zen.spamhaus.org", 1)
    lost = {listed_a: 2, test_point: 3}  # the first copies of these never reach the server

    def drop(name: str, copy: int) -> bool:
        return any(name == q and copy <= n for (q, _t), n in lost.items())

    proxy = proxy_factory(delays={"good.bl.test": 0.05, "zen.spamhaus.org": 0.02}, jitter=0.0, drop=drop)
    doc = check(TARGETS, Options(resolvers=[proxy.address], zones=["good.bl.test", "zen.spamhaus.org"],
                                 timeout=3, reverse_dns=False))
    got = results(doc)
    assert got[(LISTED_IP, "good.bl.test")]["status"] == "listed"
    assert got[(CLEAN_IP, "zen.spamhaus.org")]["status"] == "clean"  # its test point got through in the end
    assert proxy.queries[listed_a[0]] >= 3 and proxy.queries[test_point[0]] >= 4


def test_a_silent_list_is_could_not_tell_and_gets_few_copies(proxy_factory):
    proxy = proxy_factory(delays={"good.bl.test": 0.02}, jitter=0.0,
                          drop=lambda name, copy: name.endswith("zen.spamhaus.org"))
    doc = check(TARGETS, Options(resolvers=[proxy.address], zones=["good.bl.test", "zen.spamhaus.org"],
                                 timeout=1.5, reverse_dns=False))
    got = results(doc)
    for target in TARGETS:
        assert got[(target, "zen.spamhaus.org")]["status"] == "error"
        assert got[(target, "zen.spamhaus.org")]["error"] == "timeout"
        assert got[(target, "good.bl.test")]["status"] in ("listed", "clean")
    silent = [n for (name, _t), n in proxy.questions.items() if name.endswith("zen.spamhaus.org")]
    assert max(silent) <= 3, silent  # first copy, one speculative copy, one at half the timeout


def test_timing_per_zone():
    timing = Timing(3.0)
    assert timing.interval(0, "z", 1) == timing.default_rto  # nothing known yet
    for _ in range(5):
        timing.sample(0, "fast", 0.05)
    fast = timing.interval(0, "fast", 1)
    assert 0.05 < fast < 0.1
    assert timing.interval(0, "fast", 2) == pytest.approx(fast * 1.5)
    assert timing.interval(0, "fast", 2, blind=1) == pytest.approx(fast)  # the blind copy does not back off
    # a zone not heard from borrows the server's estimate, gets one speculative copy, then waits
    first = timing.interval(0, "quiet", 1)
    assert first >= 0.2
    assert timing.interval(0, "quiet", 2) == pytest.approx(max(1.5 - first, first))
    assert timing.interval(0, "quiet", 3) is None


def test_slow_zone_is_an_outlier_among_answered_zones():
    timing = Timing(3.0)
    for i in range(4):
        timing.sent(0, f"z{i}", 0.0)
    timing.sent(0, "slow", 0.0)
    assert timing.newly_slow(0, ["slow"], 1.0) == []  # nothing answered yet: a cold cache, not an outlier
    for i in range(4):
        timing.sample(0, f"z{i}", 0.05)
    assert timing.newly_slow(0, ["slow"], 0.05) == []  # not silent long enough
    assert timing.newly_slow(0, ["slow"], 0.2) == ["slow"]
    assert timing.newly_slow(0, ["slow"], 0.3) == []  # reported once
    assert timing.is_slow(0, "slow")
    # an outlier's questions: a copy after the usual round trip, one more after the RTO, then wait
    assert timing.interval(0, "slow", 1) == pytest.approx(0.05)
    assert timing.interval(0, "slow", 2) == timing.initial_rto(0)
    assert timing.interval(0, "slow", 3) is None


class _SlowDict(dict):
    """Widens the gap between reading an entry and expiring it, so a race shows at once."""

    def get(self, key, default=None):
        value = super().get(key, default)
        time.sleep(0.0002)  # lets the other threads run here
        return value


def test_the_answer_cache_survives_concurrent_expiry(monkeypatch):
    """Threads finding the same entries stale at the same moment: never an exception."""
    monkeypatch.setattr(transport._CACHE, "_entries", _SlowDict())
    errors = []
    msg = wire.parse_response(bytes.fromhex("12348183000100000000000001610000010001"))
    keys = [((("127.0.0.1", 9),), f"n{i}.test", 1) for i in range(20)]  # (servers, name, type)
    barrier = threading.Barrier(4)

    def worker(first: bool):
        try:
            tr = transport.Transport([("127.0.0.1", 9)], use_cache=True)  # submit() only queues: nothing is sent
            for _ in range(30):
                if first:  # one thread refills the cache with entries that are already stale
                    for key in keys:
                        transport._CACHE.put(key, msg, 1e-9)
                barrier.wait(30)
                for key in keys:  # then every thread finds them stale at the same moment
                    tr.submit(key[1], 1, lambda a: None)
                tr._pending.clear()
                tr._waiting.clear()
                barrier.wait(30)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(i == 0,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [e for e in errors if not isinstance(e, threading.BrokenBarrierError)] == []
    assert not errors


def test_two_sweeps_at_once_share_the_cache(bind):
    """The blacklist tab and a re-run sweep on the thread pool at once, answers expiring meanwhile."""
    outcomes, errors = [], []

    def sweep():
        try:
            for _ in range(6):
                doc = Sweep([LISTED_IP, CLEAN_IP], Options(resolvers=[bind.address], zones=["ttl1.bl.test", "good.bl.test"],
                                                            timeout=2, reverse_dns=False)).run()
                outcomes.append({k: r["status"] for k, r in results(doc).items()})
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(outcomes) == 12
    for outcome in outcomes:
        assert outcome[(LISTED_IP, "ttl1.bl.test")] == "listed" and outcome[(CLEAN_IP, "ttl1.bl.test")] == "clean"


def test_a_withdrawn_question_no_longer_holds_up_the_run():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound, never answers
        silent.bind(("127.0.0.1", 0))
        tr = transport.Transport([("127.0.0.1", silent.getsockname()[1])], timeout=30)
        answers = []
        keep, drop = answers.append, answers.append
        tr.submit("a.slow.test", wire.TXT, keep, key="slow.test")
        tr.submit("a.slow.test", wire.TXT, drop, key="slow.test")  # the same question, asked twice
        tr.withdraw("a.slow.test", wire.TXT, drop)
        assert tr.queued() == 1  # the other asker still wants it
        tr.withdraw("a.slow.test", wire.TXT, keep)
        assert tr.queued() == 0 and not tr._waiting
        tr.submit("b.slow.test", wire.TXT, keep, key="slow.test")
        tr._pump(time.monotonic())  # sent, no answer yet
        assert tr.sent_packets >= 1 and tr.queued() == 1
        tr.withdraw("b.slow.test", wire.TXT, keep)
        assert tr.queued() == 0 and not tr._active
        tr.run(time.monotonic() + 30)  # returns at once: nothing is left to wait for
        tr.close()
    assert answers == []

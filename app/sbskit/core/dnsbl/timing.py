"""When to send a DNS query again: round-trip estimates per resolver and per zone.

RFC 1536 asks resolvers to retransmit on round-trip estimates and to back off
exponentially; RFC 6298 gives the estimator (SRTT, RTTVAR, RTO). One estimate for the
whole resolver is not enough for blocklists: the same resolver answers one list in
20 ms and another in 900 ms, so a lost answer from the fast list should be asked again
after a fifth of a second while the slow list must simply be waited for. Each (server,
zone) pair therefore has its own estimate; a zone with no answer yet borrows the
server's, gets one speculative copy per question at most, and is reported "slow" so the
engine can ask for its TXT reasons in the same round trip.
"""

from __future__ import annotations

MIN_RTO = 0.05  # below this, scheduling noise on a busy machine looks like loss
MIN_INITIAL_RTO = 0.2  # a zone never heard from: its first answer may need a delegation lookup
SLOW_RTT = 0.4  # a zone whose answers take this long is "slow"
SLOW_AFTER = 0.1  # ... and one silent this long while most others have answered
BACKOFF = 1.5  # each further copy of a question waits this much longer than the one before
_ALPHA, _BETA, _K = 0.125, 0.25, 4  # RFC 6298


class RttEstimate:
    """Smoothed round trip and its variation (RFC 6298), from unambiguous samples only."""

    __slots__ = ("srtt", "rttvar", "samples", "silent_since", "slow")

    def __init__(self) -> None:
        self.srtt = 0.0
        self.rttvar = 0.0
        self.samples = 0
        self.silent_since: float | None = None  # first send while nothing has come back yet
        self.slow = False

    def sample(self, rtt: float) -> None:
        if self.samples == 0:
            self.srtt, self.rttvar = rtt, rtt / 2
        else:
            self.rttvar = (1 - _BETA) * self.rttvar + _BETA * abs(self.srtt - rtt)
            self.srtt = (1 - _ALPHA) * self.srtt + _ALPHA * rtt
        self.samples += 1
        self.silent_since = None
        self.slow = self.srtt >= SLOW_RTT

    def rto(self) -> float:
        # RFC 6298's SRTT + 4 RTTVAR, but never closer to SRTT than a quarter of it: many
        # answers arriving together shrink RTTVAR to nothing, and jitter would then look like loss
        return max(self.srtt + _K * self.rttvar, self.srtt * 1.25 + 0.02)


class Timing:
    """Retransmit intervals for queries of ``timeout`` seconds, per (server, key)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        # before any answer at all: early enough to matter, late enough not to pile on
        self.default_rto = min(max(0.25, timeout * 0.25), 1.0, timeout * 0.6)
        self.ceiling = max(self.default_rto, timeout * 0.5)  # room for at least two tries
        self._keys: dict[tuple[int, str], RttEstimate] = {}
        self._servers: dict[int, RttEstimate] = {}
        self.any_slow = False  # some zone is slow (a cheap test before asking about one)

    def estimate(self, server: int, key: str) -> RttEstimate:
        est = self._keys.get((server, key))
        if est is None:
            est = self._keys[(server, key)] = RttEstimate()
        return est

    def server(self, server: int) -> RttEstimate | None:
        return self._servers.get(server)

    def sent(self, server: int, key: str, now: float) -> bool:
        """Note a copy sent; True if the zone's round trip is known (else the copy went blind)."""
        est = self._keys.get((server, key))
        if est is None:
            est = self._keys[(server, key)] = RttEstimate()
        if est.samples:
            return True
        if est.silent_since is None:
            est.silent_since = now
        return False

    def sample(self, server: int, key: str, rtt: float) -> None:
        est = self._keys.get((server, key))
        if est is None:
            est = self._keys[(server, key)] = RttEstimate()
        est.sample(rtt)
        if est.slow:
            self.any_slow = True
        whole = self._servers.get(server)
        if whole is None:
            whole = self._servers[server] = RttEstimate()
            whole.sample(rtt)
        else:  # RFC 6298 inline (once per answer): the server-wide estimate feeds new zones' first RTO
            whole.rttvar = 0.75 * whole.rttvar + 0.25 * abs(whole.srtt - rtt)
            whole.srtt = 0.875 * whole.srtt + 0.125 * rtt
            whole.samples += 1

    def initial_rto(self, server: int) -> float:
        """For a zone not heard from: the server's own estimate, with room to spare."""
        whole = self._servers.get(server)
        if whole is None or whole.samples < 3:
            return self.default_rto
        return min(self.ceiling, max(MIN_INITIAL_RTO, whole.rto(), 2 * whole.srtt))

    def interval(self, server: int, key: str, tries: int, blind: int = 0) -> float | None:
        """Seconds from the last copy of a question to the next one, or None: wait for an answer.

        A zone with answers: its RTO, times 1.5 for every copy sent since its round trip was
        known (``blind`` copies went out before: they do not count, the zone's answers since
        then show they were lost). A zone with no answer yet: one speculative copy after the
        server's RTO, then nothing more until the zone answers or half the timeout has passed.
        A zone already known to be slow (an outlier): two copies, then wait for its answers.
        """
        est = self._keys.get((server, key))
        if est is not None and est.samples:
            rto = min(self.ceiling, max(MIN_RTO, est.rto()))
            return rto * BACKOFF ** max(0, tries - blind - 1)
        first = self.initial_rto(server)
        whole = self._servers.get(server)
        if est is not None and est.slow and whole is not None:
            # an outlier zone's questions finish last, and a lost one costs its whole slow round
            # trip: two copies within that round trip, a usual round trip and an RTO apart (the
            # resolver merges identical questions, so the list's servers still see one)
            return (min(first, max(MIN_RTO, whole.srtt)), first)[tries - 1] if tries <= 2 else None
        if tries == 1:
            return first
        if tries == 2:
            return max(self.timeout * 0.5 - first, first)
        return None

    def known(self, server: int, key: str) -> bool:
        est = self._keys.get((server, key))
        return est is not None and est.samples > 0

    def newly_slow(self, server: int, keys: list[str], now: float) -> list[str]:
        """Zones among ``keys`` (those with questions out on ``server``) that just turned out slow.

        A zone is slow when it stays silent for 1.5 times the server's usual round trip while
        three quarters of the zones asked have answered: an outlier, not a cold resolver
        cache that makes every zone slow at first. Keys starting with ``#`` are not zones.
        """
        whole = self._servers.get(server)
        if whole is None or whole.samples < 3:
            return []
        asked = [e for (s, k), e in self._keys.items() if s == server and k[:1] != "#"
                 and (e.samples or e.silent_since is not None)]
        if not asked or sum(1 for e in asked if e.samples) < 0.75 * len(asked):
            return []
        limit = max(SLOW_AFTER, 1.5 * whole.srtt)
        found = []
        for key in keys:
            est = self._keys.get((server, key))
            if est is not None and not est.slow and not est.samples and est.silent_since is not None \
                    and now - est.silent_since >= limit:
                est.slow = True
                found.append(key)
        if found:
            self.any_slow = True
        return found

    def is_slow(self, server: int, key: str) -> bool:
        if not self.any_slow:
            return False
        est = self._keys.get((server, key))
        return est is not None and est.slow

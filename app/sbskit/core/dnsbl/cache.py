"""The process-wide answer cache: DNS answers kept for their TTL, shared by every sweep.

The blacklist tab, the triage live check and a client's re-run sweep on the thread pool
at the same time, so every read, expiry and write happens under one lock (a lookup
that finds an expired entry while another thread removes it must not raise).
"""

from __future__ import annotations

import time
from _thread import allocate_lock  # threading.py costs start-up time; the lock is the same

MAX_CACHE_TTL = 3600
CACHE_LIMIT = 100_000


class AnswerCache:
    """``(servers, qname, qtype) -> (expires at, value)``; thread-safe."""

    def __init__(self, limit: int = CACHE_LIMIT) -> None:
        self._entries: dict[tuple, tuple[float, object]] = {}
        self._lock = allocate_lock()
        self.limit = limit

    def get(self, key: tuple, now: float | None = None) -> object | None:
        """The live value for ``key``, or None (an expired entry is dropped)."""
        if key not in self._entries:  # a miss needs no lock (one dict read is atomic): the common case
            return None
        now = time.monotonic() if now is None else now
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if hit[0] > now:
                return hit[1]
            self._entries.pop(key, None)
            return None

    def put(self, key: tuple, value: object, ttl: float) -> None:
        if ttl <= 0:
            return
        expires = time.monotonic() + min(ttl, MAX_CACHE_TTL)
        with self._lock:
            if len(self._entries) >= self.limit and key not in self._entries:
                self._entries.clear()  # a crude bound: a sweep of this size refills what it needs
            self._entries[key] = (expires, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

"""A UDP proxy on loopback that makes a local DNS server look like a real, lossy network.

Real links are not loopback: answers take 20-150 ms, some lists take almost a second, a
few percent of datagrams are lost. This proxy sits in front of the test BIND and
delays each answer by the zone its question falls in, and drops datagrams by chance
(half of the loss on the way in, half on the way out, so a round trip is lost with
about the probability given) or by a rule (a test loses exactly the packets it names).
It counts what it saw per zone, so a test can tell a retransmit storm from a retry.
Used by the blacklist tests and by ``tests/benchmarks/bench_blacklist.py``.
"""

from __future__ import annotations

import heapq
import random
import select
import socket
import threading
import time
from typing import Callable


def question(packet: bytes) -> tuple[str, int]:
    """The question's name and type of a DNS packet (('', 0) if it cannot be read)."""
    labels = []
    pos = 12
    try:
        while packet[pos]:
            length = packet[pos]
            labels.append(packet[pos + 1 : pos + 1 + length].decode("ascii", "replace"))
            pos += 1 + length
        qtype = (packet[pos + 1] << 8) | packet[pos + 2]
    except IndexError:
        return "", 0
    return ".".join(labels).lower(), qtype


def question_name(packet: bytes) -> str:
    """The question's name of a DNS packet ('' if it cannot be read)."""
    return question(packet)[0]


class LossyProxy:
    """Forward DNS over UDP from ``127.0.0.1:<port>`` to ``upstream``, delayed and lossy.

    ``delays`` maps a zone to seconds added to each answer for names in it (the longest
    matching zone wins; others get ``default_delay``). ``loss`` is the chance that a round
    trip is lost. ``drop`` (qname, copy number of that name and type, from 1) -> True drops
    that query for sure.
    """

    def __init__(self, upstream: tuple[str, int], delays: dict[str, float] | None = None, default_delay: float = 0.0,
                 loss: float = 0.0, seed: int = 0, jitter: float = 0.1,
                 drop: Callable[[str, int], bool] | None = None) -> None:
        self.upstream = upstream
        self.delays = {zone.lower().rstrip("."): delay for zone, delay in (delays or {}).items()}
        self.default_delay = default_delay
        self.one_way_loss = loss / 2
        self.jitter = jitter
        self.drop = drop
        self.random = random.Random(seed)
        self.port = 0
        self.queries: dict[str, int] = {}  # copies of each question name seen (any type)
        self.questions: dict[tuple[str, int], int] = {}  # copies of each (name, type) seen
        self.by_zone: dict[str, int] = {}  # queries seen per zone ('' for names outside every zone)
        self.dropped = 0
        self.max_in_flight = 0  # most questions waiting upstream or in the delay queue at once
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # --- set-up ----------------------------------------------------------------------------
    def zone_of(self, name: str) -> str:
        best = ""
        for zone in self.delays:
            if (name == zone or name.endswith("." + zone)) and len(zone) > len(best):
                best = zone
        return best

    def start(self) -> "LossyProxy":
        self._front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._front.bind(("127.0.0.1", 0))
        self._front.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self._front.setblocking(False)
        self.port = self._front.getsockname()[1]
        self._up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._up.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self._up.connect(self.upstream)
        self._up.setblocking(False)
        self._thread = threading.Thread(target=self._serve, name="lossy-proxy", daemon=True)
        self._thread.start()
        return self

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        for sock in (getattr(self, "_front", None), getattr(self, "_up", None)):
            if sock is not None:
                sock.close()

    def __enter__(self) -> "LossyProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        with self._lock:
            return dict(self.queries), dict(self.by_zone)

    def most_copies(self) -> tuple[int, str]:
        """(copies, 'name TYPE') of the question sent most often."""
        with self._lock:
            if not self.questions:
                return 0, ""
            (name, qtype), copies = max(self.questions.items(), key=lambda item: item[1])
        return copies, f"{name} {'TXT' if qtype == 16 else 'A' if qtype == 1 else qtype}"

    # --- the loop --------------------------------------------------------------------------
    def _serve(self) -> None:
        waiting: dict[int, tuple[tuple, int, float, float]] = {}  # proxy id -> (client, client id, due delay, t0)
        queue: list[tuple[float, int, bytes, tuple]] = []  # (send at, seq, packet, client)
        seq = 0
        next_id = 0
        while not self._stop.is_set():
            now = time.monotonic()
            while queue and queue[0][0] <= now:
                _due, _n, packet, client = heapq.heappop(queue)
                try:
                    self._front.sendto(packet, client)
                except OSError:
                    pass
            wait = min(0.05, max(0.0, queue[0][0] - now)) if queue else 0.05
            readable, _, _ = select.select([self._front, self._up], [], [], wait)
            now = time.monotonic()
            if self._front in readable:
                for _ in range(512):
                    try:
                        packet, client = self._front.recvfrom(4096)
                    except (BlockingIOError, InterruptedError):
                        break
                    if len(packet) < 12:
                        continue
                    name, qtype = question(packet)
                    zone = self.zone_of(name)
                    with self._lock:
                        self.queries[name] = self.queries.get(name, 0) + 1
                        copy = self.questions[(name, qtype)] = self.questions.get((name, qtype), 0) + 1
                        self.by_zone[zone] = self.by_zone.get(zone, 0) + 1
                    if (self.drop is not None and self.drop(name, copy)) or self.random.random() < self.one_way_loss:
                        self.dropped += 1
                        continue
                    delay = self.delays.get(zone, self.default_delay) if zone else self.default_delay
                    delay *= 1.0 + self.random.uniform(-self.jitter / 2, self.jitter)
                    next_id = (next_id + 1) & 0xFFFF
                    waiting[next_id] = (client, packet[:2], delay, now)
                    self.max_in_flight = max(self.max_in_flight, len(waiting) + len(queue))
                    try:
                        self._up.send(next_id.to_bytes(2, "big") + packet[2:])
                    except OSError:
                        waiting.pop(next_id, None)
            if self._up in readable:
                for _ in range(512):
                    try:
                        answer = self._up.recv(4096)
                    except (BlockingIOError, InterruptedError, ConnectionRefusedError):
                        break
                    if len(answer) < 12:
                        continue
                    entry = waiting.pop(int.from_bytes(answer[:2], "big"), None)
                    if entry is None:
                        continue
                    client, client_id, delay, t0 = entry
                    if self.random.random() < self.one_way_loss:
                        self.dropped += 1
                        continue
                    seq += 1
                    heapq.heappush(queue, (t0 + delay, seq, client_id + answer[2:], client))

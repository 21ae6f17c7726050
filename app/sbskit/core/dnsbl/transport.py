"""Many DNS queries in flight over one UDP socket per address family.

A blocklist sweep is hundreds of tiny independent queries; waiting for each in turn (or
spinning up a thread or an asyncio task per query) wastes most of the time. Here every
query goes out at once, answers are matched back by id *and* question (so a stray or
spoofed packet cannot answer the wrong query), each query is retransmitted once, and
the whole sweep ends at a hard deadline. A per-zone cap on queries in flight keeps us
polite to each list operator. Answers are cached by their TTL for the session.
"""

from __future__ import annotations

import errno
import os
import select
import time
from collections import deque

import _socket as socket  # the C module: socket.py (with selectors, array) costs start-up time
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time (CLI start-up time)
    from typing import Callable

from sbskit.core.dnsbl import wire

TIMEOUT = "timeout"
MALFORMED = "malformed"
UNREACHABLE = "unreachable"  # ICMP port unreachable: nothing listens for DNS there


class Answer:
    """The outcome of one query: a parsed ``msg`` or an ``error`` (timeout, malformed)."""

    __slots__ = ("msg", "error", "detail", "cached")

    def __init__(self, msg: wire.Message | None = None, error: str | None = None, detail: str = "") -> None:
        self.msg = msg
        self.error = error
        self.detail = detail
        self.cached = False

    @property
    def rcode(self) -> int | None:
        return self.msg.rcode if self.msg is not None else None


Callback = "Callable[[Answer], None]"

# (server tuple, qname, qtype) -> (expires at, Answer); shared by every sweep in this process
_CACHE: dict[tuple, tuple[float, Answer]] = {}
_CACHE_LIMIT = 100_000
MAX_CACHE_TTL = 3600


def clear_cache() -> None:
    _CACHE.clear()


class _Query:
    __slots__ = ("qname", "qtype", "key", "callbacks", "qid", "packet", "sent", "first_sent", "server", "retried", "question")

    def __init__(self, qname: str, qtype: int, key: str) -> None:
        self.qname = qname
        self.qtype = qtype
        self.key = key
        self.callbacks: list[Callback] = []
        self.qid = 0
        self.packet = b""
        self.sent = 0.0
        self.first_sent = 0.0
        self.server = 0
        self.retried = False
        self.question = b""


class Transport:
    """Send queries to ``servers`` (``[(host, port), ...]``, v4 or v6) and call back with answers.

    ``submit`` only queues; :meth:`run` does the work until every query (including those
    submitted by callbacks) is answered or the deadline passes. Not thread-safe: one
    sweep, one thread.
    """

    def __init__(
        self,
        servers: list[tuple[str, int]],
        timeout: float = 3.0,
        per_key_limit: int = 64,
        use_cache: bool = True,
        max_inflight: int = 128,
    ) -> None:
        if not servers:
            raise ValueError("no DNS server to ask")
        self.servers = list(servers)
        self.timeout = timeout
        # retransmit early enough to matter within the deadline, late enough not to pile on;
        # once answers arrive, an RTT estimate (as TCP's RTO) shortens it: on a fast local
        # resolver a lost packet then costs a few milliseconds, not a second
        self.retry_after = min(max(0.25, timeout * 0.25), 1.0, timeout * 0.6)
        self._retry_ceiling = self.retry_after
        self._srtt: float | None = None
        self._rttvar = 0.0
        self.per_key_limit = max(1, per_key_limit)
        self.max_inflight = max(1, max_inflight)
        self.use_cache = use_cache
        self._server_key = tuple(self.servers)
        self._sockaddrs: list[tuple[int, tuple]] = [self._sockaddr(h, p) for h, p in self.servers]
        # one connected socket per server: the kernel drops packets from anyone else, send()
        # is cheaper than sendto(), and a closed port is reported at once (ECONNREFUSED)
        self._sockets: dict[int, socket.socket] = {}  # by server index
        self._socket_index: dict[socket.socket, int] = {}
        self._dead: dict[int, str] = {}  # server index -> why it cannot be used
        self._ready: list[tuple[Callback, Answer]] = []
        self._waiting: dict[str, deque[_Query]] = {}  # per key, not yet sent
        self._inflight_by_key: dict[str, int] = {}
        self._inflight: dict[int, _Query] = {}  # by id
        self._pending: dict[tuple[str, int], _Query] = {}  # coalesce identical questions
        self._expired = False
        self._timer_due = 0.0
        self._ids: list[int] = []
        self.sent_packets = 0
        self.received_packets = 0

    # --- public -------------------------------------------------------------------------
    def submit(self, qname: str, qtype: int, callback: Callback, key: str = "") -> None:
        qname = qname.rstrip(".").lower()
        ident = (qname, qtype)
        if self.use_cache:
            hit = _CACHE.get((self._server_key, qname, qtype))
            if hit is not None:
                if hit[0] > time.monotonic():
                    answer = Answer(hit[1].msg)
                    answer.cached = True
                    self._ready.append((callback, answer))
                    return
                del _CACHE[(self._server_key, qname, qtype)]
        pending = self._pending.get(ident)
        if pending is not None:
            pending.callbacks.append(callback)
            return
        if self._expired:
            self._ready.append((callback, Answer(error=TIMEOUT, detail="the overall time limit was reached")))
            return
        try:
            question = wire.question(qname, qtype)
        except (ValueError, UnicodeEncodeError):
            self._ready.append((callback, Answer(error=MALFORMED, detail=f"cannot ask for {qname[:80]!r}")))
            return
        query = _Query(qname, qtype, key)
        query.question = question
        query.callbacks.append(callback)
        self._pending[ident] = query
        queue = self._waiting.get(key)
        if queue is None:
            queue = self._waiting[key] = deque()
        queue.append(query)

    def queued(self) -> int:
        """Questions submitted and not yet answered."""
        return len(self._pending)

    def run(self, deadline: float, is_cancelled: Callable[[], bool] | None = None) -> None:
        """Work until nothing is left or ``deadline`` (``time.monotonic()``) passes."""
        while True:
            self._drain_ready()
            if is_cancelled is not None and is_cancelled():
                self._expire_all("cancelled")
                self._drain_ready()
                return
            now = time.monotonic()
            if now >= deadline:
                self._expire_all("the overall time limit was reached")
                self._drain_ready()
                if not self._ready and not self._inflight and not self._waiting:
                    return
                continue
            self._pump(now)
            if not self._inflight and not self._waiting and not self._ready:
                return
            if self._ready:
                continue
            wake = min(deadline, max(self._timer_due, now + 0.001))
            wait = max(0.0, min(wake - now, 0.1))  # wake at least every 0.1 s to notice a cancel
            socks = list(self._socket_index)
            if socks:
                readable, _, _ = select.select(socks, [], [], wait)
                for sock in readable:
                    self._receive(sock, self._socket_index[sock])
            elif wait > 0:
                time.sleep(wait)
            now = time.monotonic()
            if now >= self._timer_due:
                self._timers(now)

    def close(self) -> None:
        for sock in self._sockets.values():
            try:
                sock.close()
            except OSError:
                pass
        self._sockets.clear()
        self._socket_index.clear()

    def __enter__(self) -> "Transport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- internals ------------------------------------------------------------------------
    @staticmethod
    def _sockaddr(host: str, port: int) -> tuple[int, tuple]:
        if ":" in host:
            return socket.AF_INET6, (host, port, 0, 0)
        return socket.AF_INET, (host, port)

    def _socket(self, index: int) -> socket.socket:
        sock = self._sockets.get(index)
        if sock is None:
            family, addr = self._sockaddrs[index]
            sock = socket.socket(family, socket.SOCK_DGRAM)
            try:
                sock.setblocking(False)
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
                except OSError:
                    pass
                sock.connect(addr)  # UDP: sets the peer, sends nothing
            except OSError:
                sock.close()
                raise
            self._sockets[index] = sock
            self._socket_index[sock] = index
        return sock

    def _new_id(self) -> int:
        # unpredictable ids (RFC 5452) from os.urandom, drawn in blocks
        while True:
            if not self._ids:
                block = os.urandom(1024)
                self._ids = [block[i] << 8 | block[i + 1] for i in range(0, 1024, 2)]
            qid = self._ids.pop()
            if qid not in self._inflight:
                return qid

    def _pump(self, now: float) -> None:
        if not self._waiting:
            return
        done_keys = []
        for key, queue in self._waiting.items():
            room = self.per_key_limit - self._inflight_by_key.get(key, 0)
            while room > 0 and queue and len(self._inflight) < self.max_inflight:
                query = queue.popleft()
                query.qid = self._new_id()
                query.packet = wire.query_packet(query.qid, query.question)
                query.first_sent = now
                query.server = 0
                self._inflight[query.qid] = query
                self._inflight_by_key[key] = self._inflight_by_key.get(key, 0) + 1
                self._send(query, now)
                room -= 1
            if not queue:
                done_keys.append(key)
        for key in done_keys:
            del self._waiting[key]

    def _send(self, query: _Query, now: float) -> None:
        count = len(self._sockaddrs)
        for _ in range(count):  # skip servers known to be unusable
            if query.server % count not in self._dead:
                break
            query.server += 1
        index = query.server % count
        query.sent = now
        if index in self._dead:
            self._finish(query, Answer(error=UNREACHABLE, detail=self._dead[index]))
            return
        try:
            self._socket(index).send(query.packet)
            self.sent_packets += 1
        except BlockingIOError:
            pass  # the retransmit (or the timeout) takes care of it
        except (ConnectionRefusedError, ConnectionResetError):
            self._server_down(index)
        except OSError as exc:
            if exc.errno in (errno.ENOBUFS, errno.EAGAIN):
                return
            self._dead[index] = f"cannot send to {self._name(index)}: {exc.strerror or exc}"
            self._server_down(index)

    def _name(self, index: int) -> str:
        host, port = self.servers[index]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def _server_down(self, index: int) -> None:
        """Nothing listens at this server: move its queries to the next one, or fail them now."""
        self._dead.setdefault(index, f"nothing answers DNS at {self._name(index)} (connection refused)")
        now = time.monotonic()
        for query in list(self._inflight.values()):
            if query.server % len(self._sockaddrs) == index:
                query.server += 1
                self._send(query, now)

    def _receive(self, sock: socket.socket, index: int) -> None:
        for _ in range(4096):
            try:
                data = sock.recv(4096)
            except (BlockingIOError, InterruptedError):
                return
            except (ConnectionRefusedError, ConnectionResetError):  # ICMP port unreachable
                self._server_down(index)
                return
            except OSError:
                return
            self.received_packets += 1
            if len(data) < 12:
                continue
            qid = (data[0] << 8) | data[1]
            query = self._inflight.get(qid)
            if query is None:
                continue
            try:
                msg = wire.parse_response(data, query.question, query.qname, query.qtype)
            except wire.WireError as exc:
                # a garbled answer to this id: do not trust it, let the retransmit try again
                if query.retried:
                    self._finish(query, Answer(error=MALFORMED, detail=f"garbled answer: {exc}"))
                continue
            if msg.qname.lower() != query.qname or msg.qtype != query.qtype:
                continue
            if not query.retried:
                self._sample_rtt(time.monotonic() - query.sent)
            self._finish(query, Answer(msg))

    def _sample_rtt(self, rtt: float) -> None:
        if self._srtt is None:
            self._srtt, self._rttvar = rtt, rtt / 2
        else:
            self._rttvar = 0.75 * self._rttvar + 0.25 * abs(self._srtt - rtt)
            self._srtt = 0.875 * self._srtt + 0.125 * rtt
        self.retry_after = min(self._retry_ceiling, max(0.05, self._srtt + 4 * self._rttvar))

    def _finish(self, query: _Query, answer: Answer) -> None:
        if self._inflight.get(query.qid) is query:
            del self._inflight[query.qid]
            self._inflight_by_key[query.key] -= 1
        self._pending.pop((query.qname, query.qtype), None)
        msg = answer.msg
        if self.use_cache and msg is not None and msg.rcode in (wire.NOERROR, wire.NXDOMAIN) and not msg.truncated:
            ttl = min(msg.min_ttl(), MAX_CACHE_TTL)
            if ttl > 0:
                if len(_CACHE) >= _CACHE_LIMIT:
                    _CACHE.clear()
                _CACHE[(self._server_key, query.qname, query.qtype)] = (time.monotonic() + ttl, answer)
        for callback in query.callbacks:
            self._ready.append((callback, answer))

    def _timers(self, now: float) -> None:
        self._timer_due = now + 0.02
        for query in list(self._inflight.values()):
            if query.retried:
                if now >= query.first_sent + self.timeout:
                    self._finish(query, Answer(error=TIMEOUT, detail=f"no answer within {self.timeout:g} s"))
            elif now >= query.sent + self.retry_after:
                query.retried = True
                query.server += 1
                self._send(query, now)

    def _expire_all(self, why: str) -> None:
        self._expired = True
        for query in list(self._inflight.values()):
            self._finish(query, Answer(error=TIMEOUT, detail=why))
        for queue in self._waiting.values():
            for query in queue:
                self._pending.pop((query.qname, query.qtype), None)
                for callback in query.callbacks:
                    self._ready.append((callback, Answer(error=TIMEOUT, detail=why)))
        self._waiting.clear()

    def _drain_ready(self) -> None:
        # callbacks may submit follow-up queries (TXT reasons, MX addresses); those queue up
        while self._ready:
            batch, self._ready = self._ready, []
            for callback, answer in batch:
                callback(answer)

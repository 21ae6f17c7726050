"""Many DNS queries in flight over one UDP socket per resolver, complete on slow and lossy links.

A blocklist sweep is hundreds of tiny independent queries: every one goes out at once,
answers are matched by id *and* question (a stray or spoofed packet cannot answer the
wrong query), and the sweep ends at a hard deadline. A lost query is asked again when
its zone's own round trip says it is late (``timing``), with a fresh id per copy so each
answer is an exact round-trip sample; a merely slow zone is waited for, not flooded. A
global cap keeps the questions in flight to what a small office resolver bears (dnsmasq,
the usual router resolver, forwards at most 150 at once), a per-zone cap keeps us polite
to each list, and the slowest zones get free slots first. Answers are cached (``cache``).
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
from sbskit.core.dnsbl.cache import MAX_CACHE_TTL, AnswerCache  # noqa: F401 - MAX_CACHE_TTL re-exported
from sbskit.core.dnsbl.timing import MIN_RTO, Timing

TIMEOUT = "timeout"
MALFORMED = "malformed"
UNREACHABLE = "unreachable"  # ICMP port unreachable: nothing listens for DNS there
CANCELLED = "cancelled"  # asked, then the caller cancelled before the answer came
NOT_ASKED = "not-asked"  # never sent: the caller cancelled first

MAX_COPIES = 8  # ids per question, however long the timeout


class Answer:
    """The outcome of one query: a parsed ``msg`` or an ``error`` (timeout, malformed, ...)."""

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

# (server tuple, qname, qtype) -> parsed message; shared by every sweep in this process, thread-safe
_CACHE = AnswerCache()


def clear_cache() -> None:
    _CACHE.clear()


class _Query:
    __slots__ = ("qname", "qtype", "key", "callbacks", "question", "first_sent", "last_sent", "server", "tries",
                 "ids", "home", "blind")

    def __init__(self, qname: str, qtype: int, key: str) -> None:
        self.qname = qname
        self.qtype = qtype
        self.key = key
        self.callbacks: list[Callback] = []
        self.question = b""
        self.first_sent = 0.0
        self.last_sent = 0.0
        self.server = 0  # counts up on every retransmit: the copy goes to the next resolver
        self.tries = 0
        self.ids: list[int] = []
        self.home = 0  # the resolver the first copy went to
        self.blind = 0  # copies sent before the zone's round trip was known

    @property
    def retried(self) -> bool:
        return self.tries > 1


class Transport:
    """Send queries to ``servers`` (``[(host, port), ...]``, v4 or v6) and call back with answers.

    ``submit`` only queues; :meth:`run` does the work until every query (including those
    submitted by callbacks) is answered or the deadline passes. Not thread-safe: one
    sweep, one thread. ``on_slow(key)`` (optional) is called once for a key whose answers
    are late compared with the rest; :meth:`is_slow` asks the same for new queries.
    """

    def __init__(
        self,
        servers: list[tuple[str, int]],
        timeout: float = 3.0,
        per_key_limit: int = 64,
        use_cache: bool = True,
        max_inflight: int = 100,
    ) -> None:
        if not servers:
            raise ValueError("no DNS server to ask")
        self.servers = list(servers)
        self.timeout = timeout
        self.timing = Timing(timeout)
        self.per_key_limit = max(1, per_key_limit)
        self.max_inflight = max(1, max_inflight)
        self.use_cache = use_cache
        self.on_slow: Callable[[str], None] | None = None
        self._server_key = tuple(self.servers)
        self._sockaddrs: list[tuple[int, tuple]] = [self._sockaddr(h, p) for h, p in self.servers]
        # one connected socket per server: the kernel drops packets from anyone else, send()
        # is cheaper than sendto(), and a closed port is reported at once (ECONNREFUSED)
        self._sockets: dict[int, socket.socket] = {}  # by server index
        self._socket_index: dict[socket.socket, int] = {}
        self._dead: dict[int, str] = {}  # server index -> why it cannot be used
        self._count = len(self._sockaddrs)
        self._first = 0  # the first usable server (recomputed when one turns out dead)
        self._ready: list[tuple[Callback, Answer]] = []
        self._waiting: dict[str, deque[_Query]] = {}  # per key, not yet sent
        self._inflight_by_key: dict[str, int] = {}
        self._active: dict[_Query, None] = {}  # questions asked and not yet answered, oldest first
        self._by_id: dict[int, tuple[_Query, float, int]] = {}  # every copy: id -> (query, sent at, server)
        self._pending: dict[tuple[str, int], _Query] = {}  # coalesce identical questions
        self._expired = False
        self._timer_due = 0.0
        self._ids: list[int] = []
        self.sent_packets = 0
        self.received_packets = 0
        self.retransmits = 0

    # --- public -------------------------------------------------------------------------
    def submit(self, qname: str, qtype: int, callback: Callback, key: str = "") -> None:
        qname = qname.rstrip(".").lower()
        ident = (qname, qtype)
        if self.use_cache:
            msg = _CACHE.get((self._server_key, qname, qtype))
            if msg is not None:
                answer = Answer(msg)
                answer.cached = True
                self._ready.append((callback, answer))
                return
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

    def withdraw(self, qname: str, qtype: int, callback: Callback) -> None:
        """Take back a question asked with ``callback`` whose answer is no longer needed.

        Other askers of the same question keep it; with none left it stops being asked and
        no longer holds up :meth:`run` (a TXT reason asked early for a name that is, as it
        turns out, not listed).
        """
        query = self._pending.get((qname.rstrip(".").lower(), qtype))
        if query is None or callback not in query.callbacks:
            return
        query.callbacks.remove(callback)
        if query.callbacks:
            return
        queue = self._waiting.get(query.key)
        if queue is not None and query in queue:
            queue.remove(query)
            if not queue:
                del self._waiting[query.key]
            self._pending.pop((query.qname, query.qtype), None)
            return
        self._finish(query, Answer(error=CANCELLED, detail="no longer needed"))

    def queued(self) -> int:
        """Questions submitted and not yet answered."""
        return len(self._pending)

    def is_slow(self, key: str) -> bool:
        """True when ``key``'s answers take long (or have not come back while others have)."""
        return self.timing.is_slow(self._first, key)

    def run(self, deadline: float, is_cancelled: Callable[[], bool] | None = None) -> None:
        """Work until nothing is left or ``deadline`` (``time.monotonic()``) passes.

        When ``is_cancelled()`` turns true, questions in flight are answered ``CANCELLED``
        and those never sent ``NOT_ASKED`` (neither is a timeout: nothing was waited for).
        """
        while True:
            self._drain_ready()
            if is_cancelled is not None and is_cancelled():
                self._stop_all(CANCELLED, "cancelled while waiting for the answer",
                               NOT_ASKED, "not asked: the check was cancelled first")
                self._drain_ready()
                return
            now = time.monotonic()
            if now >= deadline:
                why = "the overall time limit was reached"
                self._stop_all(TIMEOUT, why, TIMEOUT, why + " before this question could be sent")
                self._drain_ready()
                if not self._ready and not self._active and not self._waiting:
                    return
                continue
            self._pump(now)
            if not self._active and not self._waiting and not self._ready:
                return
            if self._ready:
                continue
            if now >= self._timer_due:
                self._timers(now)
                if self._ready:
                    continue
            wait = max(0.0, min(deadline, self._timer_due) - now)
            wait = min(max(wait, 0.001), 0.1)  # wake at least every 0.1 s to notice a cancel
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

    # --- sockets --------------------------------------------------------------------------
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
            if qid not in self._by_id:
                return qid

    def _mark_dead(self, index: int, why: str) -> None:
        self._dead.setdefault(index, why)
        self._first = next((i for i in range(self._count) if i not in self._dead), 0)

    def _name(self, index: int) -> str:
        host, port = self.servers[index]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    # --- sending --------------------------------------------------------------------------
    def _urgency(self, key: str, now: float) -> tuple[int, float, int]:
        """Sort key for the pump: zones never asked first, then the slowest (the critical path),
        then the one with fewest questions out (so equally slow zones share the free slots)."""
        est = self.timing.estimate(self._first, key)
        inflight = self._inflight_by_key.get(key, 0)
        if est.samples:
            return (1, -round(est.srtt, 2), inflight)
        if est.silent_since is not None:
            return (1, -round(now - est.silent_since, 2), inflight)
        return (0, 0.0, 0)

    def _pump(self, now: float) -> None:
        room = self.max_inflight - len(self._active)
        if not self._waiting or room <= 0:
            return
        keys = list(self._waiting)
        if len(keys) > 1 and sum(len(q) for q in self._waiting.values()) > room:  # not all fit: who goes first
            keys.sort(key=lambda k: self._urgency(k, now))
        while room > 0 and keys:
            sent_any = False
            for key in keys:  # one question per zone per pass: every zone gets going at once
                queue = self._waiting[key]
                if not queue or self._inflight_by_key.get(key, 0) >= self.per_key_limit:
                    continue
                query = queue.popleft()
                query.first_sent = now
                query.server = query.home = self._first
                self._active[query] = None
                self._inflight_by_key[key] = self._inflight_by_key.get(key, 0) + 1
                self._send(query, now)
                sent_any = True
                room -= 1
                if room <= 0:
                    break
            for key in [k for k in keys if not self._waiting[k]]:
                del self._waiting[key]
            keys = [k for k in keys if k in self._waiting]
            if not sent_any:
                break

    def _send(self, query: _Query, now: float) -> None:
        """Send a copy of ``query`` (with a fresh id) to its current resolver."""
        count = self._count
        index = query.server % count
        if self._dead:
            for _ in range(count):  # skip servers known to be unusable
                if query.server % count not in self._dead:
                    break
                query.server += 1
            index = query.server % count
        query.last_sent = now
        query.tries += 1
        if index in self._dead:
            self._finish(query, Answer(error=UNREACHABLE, detail=self._dead[index]))
            return
        qid = self._new_id()
        if len(query.ids) >= MAX_COPIES:
            self._by_id.pop(query.ids.pop(0), None)
        query.ids.append(qid)
        self._by_id[qid] = (query, now, index)
        if not self.timing.sent(index, query.key, now):
            query.blind += 1  # sent before the zone's round trip was known
        try:
            self._socket(index).send(wire.query_packet(qid, query.question))
            self.sent_packets += 1
        except BlockingIOError:
            pass  # the retransmit (or the timeout) takes care of it
        except (ConnectionRefusedError, ConnectionResetError):
            self._server_down(index)
        except OSError as exc:
            if exc.errno in (errno.ENOBUFS, errno.EAGAIN):
                return
            self._mark_dead(index, f"cannot send to {self._name(index)}: {exc.strerror or exc}")
            self._server_down(index)

    def _server_down(self, index: int) -> None:
        """Nothing listens at this server: move its queries to the next one, or fail them now."""
        self._mark_dead(index, f"nothing answers DNS at {self._name(index)} (connection refused)")
        now = time.monotonic()
        for query in list(self._active):
            if query.server % self._count == index and query in self._active:
                query.server += 1
                self._send(query, now)

    # --- receiving ------------------------------------------------------------------------
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
            entry = self._by_id.get((data[0] << 8) | data[1])
            if entry is None or entry[2] != index:  # unknown id, or not from the server we asked
                continue
            query, sent_at, _server = entry
            try:
                msg = wire.parse_response(data, query.question, query.qname, query.qtype)
            except wire.WireError as exc:
                # a garbled answer to this id: do not trust it, let the retransmit try again
                if query.tries > 1:
                    self._finish(query, Answer(error=MALFORMED, detail=f"garbled answer: {exc}"))
                continue
            if msg.qname is not query.qname and (msg.qname.lower() != query.qname or msg.qtype != query.qtype):
                continue  # (the same object: the question matched byte for byte in the parser)
            # every copy has its own id, so this is the exact round trip of the copy answered
            self.timing.sample(index, query.key, time.monotonic() - sent_at)
            self._finish(query, Answer(msg))

    def _finish(self, query: _Query, answer: Answer) -> None:
        if query in self._active:
            del self._active[query]
            self._inflight_by_key[query.key] -= 1
        for qid in query.ids:
            self._by_id.pop(qid, None)
        query.ids = []
        self._pending.pop((query.qname, query.qtype), None)
        msg = answer.msg
        if self.use_cache and msg is not None and msg.rcode in (wire.NOERROR, wire.NXDOMAIN) and not msg.truncated:
            _CACHE.put((self._server_key, query.qname, query.qtype), msg, msg.min_ttl())
        for callback in query.callbacks:
            self._ready.append((callback, answer))

    # --- timers -----------------------------------------------------------------------------
    def _timers(self, now: float) -> None:
        due_next = now + 0.25
        timing = self.timing
        count = self._count
        for query in list(self._active):
            give_up = query.first_sent + self.timeout
            if now >= give_up:
                self._finish(query, Answer(error=TIMEOUT, detail=f"no answer within {self.timeout:g} s"))
                continue
            if now - query.last_sent < MIN_RTO:  # no interval is shorter: nothing to work out yet
                due_next = min(due_next, query.last_sent + MIN_RTO)
                continue
            interval = timing.interval(query.server % count, query.key, query.tries, query.blind)
            due = give_up if interval is None else query.last_sent + interval
            if now >= due:
                self._retransmit(query, now)
                if query not in self._active:
                    continue
                interval = timing.interval(query.server % count, query.key, query.tries, query.blind)
                due = give_up if interval is None else query.last_sent + interval
            due_next = min(due_next, due, give_up)
        keys = [key for key, inflight in self._inflight_by_key.items() if inflight and key[:1] != "#"]
        for key in timing.newly_slow(self._first, keys, now):
            # an outlier zone's questions finish last: a lost one would cost a whole extra round
            # trip, so each gets its one speculative copy now rather than at the usual time
            settled = self.timing.server(self._first)
            young = settled.srtt if settled is not None else 0.0
            for query in [q for q in self._active if q.key == key and q.tries == 1 and now - q.last_sent >= young]:
                self._retransmit(query, now)
            if self.on_slow is not None:
                self.on_slow(key)
        due_next = min(due_next, now + 0.05)
        self._timer_due = max(due_next, now + 0.005)

    def _stop_all(self, error: str, why: str, unsent_error: str, unsent_why: str) -> None:
        """Answer every open question now: those asked with ``error``, those never sent with ``unsent_error``."""
        self._expired = True
        for query in list(self._active):
            self._finish(query, Answer(error=error, detail=why))
        for queue in self._waiting.values():
            for query in queue:
                self._pending.pop((query.qname, query.qtype), None)
                for callback in query.callbacks:
                    self._ready.append((callback, Answer(error=unsent_error, detail=unsent_why)))
        self._waiting.clear()

    def _retransmit(self, query: _Query, now: float) -> None:
        self.retransmits += 1
        query.server += 1  # the next resolver, if there are several
        self._send(query, now)

    def _drain_ready(self) -> None:
        # callbacks may submit follow-up queries (TXT reasons, MX addresses); those queue up
        while self._ready:
            batch, self._ready = self._ready, []
            for callback, answer in batch:
                callback(answer)

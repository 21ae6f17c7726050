"""DNS answers with their rcode, TTL and CNAME chain, asked many at a time over the lean engine.

The blocklist sweep's :class:`~sbskit.core.dnsbl.transport.Transport` sends queries in
parallel and matches answers safely; this module adds what the mail checks need on top:
every answer kept for the run (one question is asked once), the outcome as
``ok``/``nodata``/``nxdomain``/``error`` (never a guess), a TCP retry when an answer
was truncated (big TXT sets), one overall deadline, and evidence lines for the report.
"""

from __future__ import annotations

import time

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.transport import Transport

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time (CLI start-up time)
    from typing import Callable, Iterable

OK, NODATA, NXDOMAIN, ERROR = "ok", "nodata", "nxdomain", "error"
RCODE_NAMES = {wire.NOERROR: "NOERROR", wire.FORMERR: "FORMERR", wire.SERVFAIL: "SERVFAIL",
               wire.NXDOMAIN: "NXDOMAIN", wire.NOTIMP: "NOTIMP", wire.REFUSED: "REFUSED"}
MAX_TCP_ANSWER = 65535
SPF_TYPE = 99  # the obsolete SPF record type (RFC 4408; RFC 7208 3.1 says to publish SPF only as TXT)


def txt_text(value: object) -> str:
    """One TXT record as text, whatever form the wire layer gives (joined str, parts, bytes)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return "".join(txt_text(part) for part in value)
    return str(value)


def txt_strings(value: object) -> tuple[str, ...]:
    """The character-strings one TXT record was published as (one string when it was not split)."""
    return tuple(getattr(value, "strings", None) or (txt_text(value),))


def character_strings(rdata: bytes) -> str:
    """TXT-format rdata of another record type (SPF, type 99) as text, the strings joined (RFC 7208 3.3)."""
    parts, pos = [], 0
    while pos < len(rdata):
        size = rdata[pos]
        parts.append(rdata[pos + 1:pos + 1 + size].decode("utf-8", "replace"))
        pos += 1 + size
    return "".join(parts)


class Lookup:
    """The answer to one question: ``status`` is ok, nodata, nxdomain or error (with ``detail``)."""

    __slots__ = ("name", "qtype", "status", "rcode", "records", "cnames", "detail", "ttl", "via_tcp")

    def __init__(self, name: str, qtype: int) -> None:
        self.name = name
        self.qtype = qtype
        self.status = ERROR
        self.rcode: int | None = None
        self.records: list = []  # values of the asked type, in answer order
        self.cnames: list[str] = []  # the alias chain the resolver followed
        self.detail = ""
        self.ttl: int | None = None
        self.via_tcp = False

    @property
    def type_name(self) -> str:
        return "SPF" if self.qtype == SPF_TYPE else wire.TYPE_NAMES.get(self.qtype, str(self.qtype))

    @property
    def failed(self) -> bool:
        return self.status == ERROR

    @property
    def void(self) -> bool:
        """RFC 7208 4.6.4: an answer with no records, or NXDOMAIN."""
        return self.status in (NODATA, NXDOMAIN)

    def texts(self) -> list[str]:
        if self.qtype == SPF_TYPE:
            return [character_strings(v) if isinstance(v, bytes) else txt_text(v) for v in self.records]
        return [txt_text(v) for v in self.records] if self.qtype == wire.TXT else [str(v) for v in self.records]

    def evidence(self, limit: int = 6) -> str:
        """One line for the evidence list: ``TXT _dmarc.example.com -> "v=DMARC1; p=none" (TTL 300)``."""
        head = f"{self.type_name} {self.name}"
        chain = "".join(f" -> CNAME {c}" for c in self.cnames)
        if self.status == ERROR:
            return f"{head}{chain}: could not be looked up ({self.detail})"
        if self.status == NXDOMAIN:
            return f"{head}{chain}: NXDOMAIN (the name does not exist)"
        if self.status == NODATA:
            return f"{head}{chain}: no {self.type_name} record (the name exists)"
        shown = [self._show(v) for v in self.records[:limit]]
        more = f" (+{len(self.records) - limit} more)" if len(self.records) > limit else ""
        ttl = f" (TTL {self.ttl})" if self.ttl is not None else ""
        return f"{head}{chain} -> {', '.join(shown)}{more}{ttl}"

    def _show(self, value: object) -> str:
        if self.qtype in (wire.TXT, SPF_TYPE):
            text = character_strings(value) if isinstance(value, bytes) else txt_text(value)
            return " ".join('"' + part.replace('"', '\\"') + '"' for part in txt_strings(text))
        if self.qtype == wire.MX and isinstance(value, tuple):
            return f"{value[0]} {value[1] or '.'}"
        return str(value)


def _from_message(lookup: Lookup, msg: wire.Message) -> Lookup:
    lookup.rcode = msg.rcode
    if msg.rcode == wire.NXDOMAIN:
        lookup.status = NXDOMAIN
        lookup.cnames = [str(c).rstrip(".").lower() for c in msg.values(wire.CNAME)]
        lookup.ttl = msg.negative_ttl
        return lookup
    if msg.rcode != wire.NOERROR:
        lookup.status = ERROR
        name = RCODE_NAMES.get(msg.rcode, f"DNS error code {msg.rcode}")
        why = {wire.SERVFAIL: "the resolver could not get an answer from the domain's name servers",
               wire.REFUSED: "the DNS server refused to answer"}.get(msg.rcode, "")
        lookup.detail = f"{name}: {why}" if why else name
        return lookup
    lookup.cnames = [str(c).rstrip(".").lower() for c in msg.values(wire.CNAME)] if lookup.qtype != wire.CNAME else []
    values = msg.values(lookup.qtype)
    if lookup.qtype in (wire.PTR, wire.CNAME, wire.NS):
        values = [str(v).rstrip(".").lower() for v in values]
    elif lookup.qtype == wire.MX:
        values = [(pref, str(host).rstrip(".").lower()) for pref, host in values]
    lookup.records = values
    ttls = [ttl for _owner, rtype, ttl, _value in msg.answers if rtype == lookup.qtype]
    lookup.ttl = min(ttls) if ttls else msg.negative_ttl
    lookup.status = OK if values else NODATA
    return lookup


def valid_query_name(name: str) -> bool:
    """Whether a DNS query can be built for ``name`` (labels 1-63 octets, ASCII, <= 253 in all)."""
    name = name.rstrip(".")
    if not name or len(name) > 253:
        return False
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        return False
    return all(0 < len(label) < 64 for label in name.split("."))


class Resolver:
    """Ask questions for one run; every answer is kept, so a question is asked once.

    ``fetch`` asks many questions at once (one round trip for the whole batch); ``get``
    answers one, from memory when it was asked before. Thread-confined like the transport.
    """

    def __init__(self, servers: list[tuple[str, int]], timeout: float = 3.0, budget: float | None = None,
                 is_cancelled: Callable[[], bool] | None = None) -> None:
        if not servers:
            raise ValueError("no DNS server to ask")
        self.servers = list(servers)
        self.timeout = timeout
        self.started = time.monotonic()
        # RFC 7208 4.6.4: an evaluation should be allowed at least 20 seconds in all
        self.deadline = self.started + (budget if budget is not None else max(20.0, timeout * 8))
        self.is_cancelled = is_cancelled or (lambda: False)
        self.memo: dict[tuple[str, int], Lookup] = {}
        self.asked = 0  # questions sent (not answered from memory)

    def cancelled(self) -> bool:
        return bool(self.is_cancelled())

    def fetch(self, questions: Iterable[tuple[str, int]]) -> None:
        """Ask every question not asked yet, in parallel, and wait for all the answers."""
        todo = []
        seen = set()
        for name, qtype in questions:
            key = (name.rstrip(".").lower(), qtype)
            if key in self.memo or key in seen:
                continue
            seen.add(key)
            if not valid_query_name(key[0]):
                lookup = Lookup(key[0], qtype)
                lookup.status = NXDOMAIN  # RFC 7208 4.3 / 4.8: a name DNS cannot hold does not exist
                lookup.detail = "not a valid DNS name"
                self.memo[key] = lookup
                continue
            todo.append(key)
        if not todo:
            return
        if self.cancelled():
            from sbskit.core.jobs import Cancelled

            raise Cancelled()
        now = time.monotonic()
        if now >= self.deadline:
            for key in todo:
                lookup = self.memo[key] = Lookup(*key)
                lookup.detail = "the check's overall time limit was reached before this was asked"
            return
        answers: dict[tuple[str, int], object] = {}
        truncated = []
        with Transport(self.servers, timeout=self.timeout, use_cache=False) as transport:
            for key in todo:
                transport.submit(key[0], key[1], lambda a, k=key: answers.__setitem__(k, a), key="maildns")
            end = min(self.deadline, now + self.timeout + 0.5)
            transport.run(end, self.is_cancelled)
        if self.cancelled():
            from sbskit.core.jobs import Cancelled

            raise Cancelled()
        self.asked += len(todo)
        for key in todo:
            lookup = Lookup(*key)
            answer = answers.get(key)
            if answer is None:
                lookup.detail = f"no answer within {self.timeout:g} s"
            elif answer.msg is None:
                lookup.detail = answer.detail or answer.error or "no answer"
                if answer.error == "timeout" and "within" not in lookup.detail:
                    lookup.detail = f"no answer within {self.timeout:g} s ({lookup.detail})"
            elif answer.msg.truncated:
                truncated.append(lookup)
            else:
                _from_message(lookup, answer.msg)
            self.memo[key] = lookup
        for lookup in truncated:
            self._retry_tcp(lookup)

    def get(self, name: str, qtype: int) -> Lookup:
        key = (name.rstrip(".").lower(), qtype)
        if key not in self.memo:
            self.fetch([key])
        return self.memo[key]

    def _retry_tcp(self, lookup: Lookup) -> None:
        """RFC 7766: an answer too big for UDP is asked again over TCP."""
        import os
        import socket

        host, port = self.servers[0]
        qid = int.from_bytes(os.urandom(2), "big")
        packet = wire.build_query(qid, lookup.name, lookup.qtype)
        remaining = max(0.1, min(self.timeout, self.deadline - time.monotonic()))
        try:
            with socket.create_connection((host, port), timeout=remaining) as sock:
                sock.settimeout(remaining)
                sock.sendall(len(packet).to_bytes(2, "big") + packet)
                size = int.from_bytes(_read_exact(sock, 2), "big")
                data = _read_exact(sock, min(size, MAX_TCP_ANSWER))
            msg = wire.parse_response(data)
            if msg.id != qid or msg.qname.rstrip(".").lower() != lookup.name or msg.qtype != lookup.qtype:
                raise wire.WireError("the TCP answer does not match the question")
        except (OSError, wire.WireError) as exc:
            lookup.status = ERROR
            lookup.detail = f"the answer was too big for UDP and the TCP retry failed ({exc})"
            return
        _from_message(lookup, msg)
        lookup.via_tcp = True


def _read_exact(sock, count: int) -> bytes:
    chunks = []
    while count > 0:
        chunk = sock.recv(min(count, 65536))
        if not chunk:
            raise OSError("the DNS server closed the TCP connection early")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)

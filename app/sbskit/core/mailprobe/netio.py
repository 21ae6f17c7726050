"""Bounded, deadline-guarded line I/O for talking to mail servers we do not trust.

A probe talks to servers that may drip one byte a second, never end a line, send
megabytes of garbage or stall a TLS handshake. Per-call socket timeouts alone do not
bound that (a drip resets them), so every answer has a deadline of its own (``timeout``
after asking, or a longer ``wait`` where a server is known to pause on purpose, such as
a failed-login delay or a tarpit), every connection an overall deadline, and a shared
watchdog thread shuts a socket down at the overall deadline, on cancel, or when a TLS
handshake overruns its answer deadline. Reads are capped per line and per connection.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from typing import Callable

from sbskit.core.mailprobe.hosts import split_host

MAX_LINE = 4096  # bytes in one protocol line
MAX_TOTAL = 256 * 1024  # bytes read on one connection
MAX_LINES = 200  # lines in one multi-line reply
# OpenSSL's reasons when the first bytes back are not a TLS record (plain text, HTTP, a mail greeting)
NOT_TLS_REASONS = frozenset({"WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST",
                             "HTTPS_PROXY_REQUEST", "RECORD_LAYER_FAILURE"})


class ProbeError(Exception):
    """A service could not be checked; ``kind`` is one of the fixed reasons below.

    ``refused`` / ``unreachable`` / ``no-answer`` (connect failed: "not reachable"),
    ``timeout`` (connected, then the server was too slow), ``closed`` (it hung up),
    ``garbage`` (not the protocol), ``too-long`` (an endless line or reply),
    ``tls-failed`` (the TLS handshake broke), ``untrusted`` (the certificate check failed),
    ``rejected`` (the server greets with a refusal), ``not-tls`` (a TLS handshake got a plain
    answer: no TLS on this port), ``cancelled``.
    """

    NOT_REACHABLE = ("refused", "unreachable", "no-answer")

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail

    @property
    def not_reachable(self) -> bool:
        return self.kind in self.NOT_REACHABLE


class Conn:
    """One TCP (optionally TLS) connection with a hard deadline and capped reads.

    A shared watchdog thread (:class:`_Watchdog`) shuts the socket down at the deadline.
    """

    def __init__(
        self,
        host: str,
        port: int,
        timeout: float,
        deadline: float,
        is_cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.host = split_host(host)
        self.port = port
        self.timeout = timeout
        self.deadline = deadline
        self._is_cancelled = is_cancelled
        self._buf = b""
        self._total = 0
        self._tripped = ""  # why the watchdog shut the socket ("timeout"/"cancelled")
        self._asked = "the connection"  # what the next answer answers, for the timeout message
        self._wait = timeout
        self._answer_due = time.monotonic() + timeout
        self._handshaking = False
        self.sock: socket.socket | ssl.SSLSocket | None = None
        self.peer_ip: str | None = None
        self.local_ip: str | None = None  # this end's address: tells whether the test runs on the server itself
        self.transcript: list[str] = []  # what was said, for the report (no secrets are ever sent)
        self._connect()
        self.expect("the greeting")
        _WATCHDOG.register(self)

    # -- connection -------------------------------------------------------------
    def expect(self, what: str, wait: float | None = None) -> None:
        """Start the clock for the next answer: it must be complete within ``wait`` (default: timeout)."""
        self._asked = what
        self._wait = self.timeout if wait is None else wait
        self._answer_due = time.monotonic() + self._wait

    def _timeout_error(self) -> ProbeError:
        if time.monotonic() >= self.deadline and self.deadline <= self._answer_due:
            return ProbeError("timeout", f"the connection's time ran out while waiting for the answer to "
                                         f"{self._asked}{self._partial()}")
        return ProbeError("timeout", f"no complete answer to {self._asked} within {self._wait:g} s{self._partial()}")

    def _partial(self) -> str:
        """What arrived of an unfinished answer: a port that drips is open and answering, just very slowly."""
        if not self._buf:
            return ""
        text = "".join(ch if ch.isprintable() else " " for ch in self._buf[:200].decode("utf-8", "replace"))
        shown = text[:40] + ("..." if len(text) > 40 or len(self._buf) > 200 else "")
        self.transcript.append(f"S: (unfinished) {text[:120]}")
        return (f" (the port is open and answers very slowly: {len(self._buf)} byte(s) of it came, "
                f"'{shown}', but the line did not finish)")

    def _op_timeout(self) -> float:
        remaining = min(self.deadline, self._answer_due) - time.monotonic()
        if remaining <= 0:
            raise self._timeout_error()
        return max(0.05, remaining)

    def _connect(self) -> None:
        self.expect("the name lookup")
        infos = resolve_bounded(self.host, self.port, self._op_timeout())
        last: ProbeError | None = None
        for family, socktype, proto, _name, addr in infos:
            if self._is_cancelled():
                raise ProbeError("cancelled", "cancelled")
            self.expect("the connection attempt")
            sock = socket.socket(family, socktype, proto)
            try:
                sock.settimeout(self._op_timeout())
                sock.connect(addr)
            except ConnectionRefusedError:
                sock.close()
                last = ProbeError("refused", "connection refused (port closed)")
                continue
            except (TimeoutError, socket.timeout):
                sock.close()
                last = ProbeError("no-answer", "no answer to the connection attempt (filtered?)")
                continue
            except OSError as exc:
                sock.close()
                last = ProbeError("unreachable", exc.strerror or str(exc))
                continue
            self.sock = sock
            self.peer_ip = addr[0]
            try:
                self.local_ip = sock.getsockname()[0]
            except OSError:
                self.local_ip = None
            return
        raise last or ProbeError("unreachable", f"no address for {self.host}")

    def _check_watch(self, now: float) -> bool:
        """Called by the shared watchdog; True once the socket has been shut down."""
        reason = ""
        if self._is_cancelled():
            reason = "cancelled"
        elif now >= self.deadline or (self._handshaking and now >= self._answer_due):
            reason = "timeout"
        if not reason:
            return False
        self._tripped = reason
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return True

    def close(self) -> None:
        _WATCHDOG.unregister(self)
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def __enter__(self) -> "Conn":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _fail_from(self, exc: BaseException, what: str) -> ProbeError:
        if self._tripped == "cancelled" or self._is_cancelled():
            return ProbeError("cancelled", "cancelled")
        if self._tripped == "timeout" or isinstance(exc, (TimeoutError, socket.timeout)):
            return self._timeout_error()
        if isinstance(exc, ssl.SSLError):
            return ProbeError("tls-failed", f"TLS handshake failed: {exc.reason or exc}")
        return ProbeError("closed", f"connection lost ({what}): {getattr(exc, 'strerror', None) or exc}")

    # -- TLS --------------------------------------------------------------------
    def start_tls(self, context: ssl.SSLContext, server_hostname: str | None) -> None:
        """Wrap the socket in TLS (implicit TLS or after STARTTLS); bounded by the deadline."""
        if self._buf:
            raise ProbeError("garbage", "the server sent data before the TLS handshake")
        assert self.sock is not None
        raw = self.sock
        early = _waiting_bytes(raw)
        if early:  # a TLS server never speaks first: this is a plain-text service (a greeting, a banner)
            text = "".join(ch if ch.isprintable() else " " for ch in early.decode("latin-1")).strip()
            self.transcript.append(f"S: (not TLS) {text[:120]}")
            raise ProbeError("not-tls", f"the port answered without TLS (it spoke first, in plain text): "
                                        f"'{text[:60]}'")
        self.expect("the TLS handshake")
        try:
            raw.settimeout(self._op_timeout())
            tls = context.wrap_socket(raw, server_hostname=server_hostname, do_handshake_on_connect=False)
            self.sock = tls
            self._handshaking = True
            tls.do_handshake()
        except ProbeError:
            raise
        except (OSError, ValueError) as exc:
            if self._tripped or isinstance(exc, (TimeoutError, socket.timeout)):
                raise self._fail_from(exc, "TLS handshake") from None
            if isinstance(exc, ssl.SSLCertVerificationError):
                raise ProbeError("untrusted", exc.verify_message or "certificate verification failed") from None
            if isinstance(exc, ssl.SSLError) and (exc.reason or "").upper() in NOT_TLS_REASONS:
                raise ProbeError("not-tls", self._plain_answer()) from None
            reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise ProbeError("tls-failed", f"TLS handshake failed: {reason}") from None
        finally:
            self._handshaking = False

    def _plain_answer(self) -> str:
        """What a server that does not speak TLS said instead, in words.

        The TLS library read the first five bytes as a record header and gave up; what follows
        them is still in the socket (read without waiting, at most 200 bytes) and is shown.
        """
        rest = b""
        if self.sock is not None:
            try:
                rest = socket.socket.recv(self.sock, 200, socket.MSG_DONTWAIT)  # the plain socket under the TLS one
            except (OSError, ValueError, AttributeError):
                rest = b""
        text = "".join(ch if ch.isprintable() else " " for ch in rest.decode("latin-1")).strip()
        self.transcript.append(f"S: (not TLS) ...{text[:120]}")
        shown = f": '...{text[:60]}'" if text else ""
        return f"the port answered without TLS (its answer to the TLS hello was not a TLS record){shown}"

    @property
    def tls_socket(self) -> ssl.SSLSocket | None:
        return self.sock if isinstance(self.sock, ssl.SSLSocket) else None

    # -- I/O --------------------------------------------------------------------
    def send_line(self, text: str, log_as: str | None = None, wait: float | None = None) -> None:
        """Send one command; its answer must then be complete within ``wait`` (default: timeout)."""
        if self.sock is None:
            raise ProbeError("closed", "connection already closed")
        shown = log_as if log_as is not None else text
        self.transcript.append("C: " + shown)
        self.expect(_command_name(shown), wait)
        try:
            self.sock.settimeout(self._op_timeout())
            self.sock.sendall(text.encode("utf-8", "replace") + b"\r\n")
        except ProbeError:
            raise
        except OSError as exc:
            raise self._fail_from(exc, "sending") from None

    def _fill(self) -> None:
        if self.sock is None:
            raise ProbeError("closed", "connection already closed")
        if self._total >= MAX_TOTAL:
            raise ProbeError("too-long", f"the server sent more than {MAX_TOTAL // 1024} KiB")
        try:
            self.sock.settimeout(self._op_timeout())
            chunk = self.sock.recv(min(4096, MAX_TOTAL - self._total))
        except ProbeError:
            raise
        except OSError as exc:
            raise self._fail_from(exc, "reading") from None
        if not chunk:
            if self._tripped:
                raise self._fail_from(TimeoutError(), "reading")
            raise ProbeError("closed", "the server closed the connection")
        self._total += len(chunk)
        self._buf += chunk

    def read_line(self) -> str:
        """One line without its CRLF; ``too-long`` if no line end comes within MAX_LINE bytes."""
        while True:
            idx = self._buf.find(b"\n")
            if idx >= 0:
                raw, self._buf = self._buf[:idx], self._buf[idx + 1 :]
                if len(raw) > MAX_LINE:
                    raise ProbeError("too-long", f"a line longer than {MAX_LINE} bytes")
                text = raw.rstrip(b"\r").decode("utf-8", "replace")
                if _looks_binary(text):
                    raise ProbeError("garbage", "the server sent binary data, not a mail protocol")
                self.transcript.append("S: " + text[:300])
                return text
            if len(self._buf) > MAX_LINE:
                raise ProbeError("too-long", f"a line longer than {MAX_LINE} bytes without an end")
            self._fill()


class _Watchdog:
    """One thread for all connections: shuts a socket down at its deadline or on cancel.

    A thread per connection would cost more than the probe's own work on a fast LAN.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conns: set[Conn] = set()
        self._thread: threading.Thread | None = None

    def register(self, conn: Conn) -> None:
        with self._lock:
            self._conns.add(conn)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="mailprobe-watchdog", daemon=True)
                self._thread.start()

    def unregister(self, conn: Conn) -> None:
        with self._lock:
            self._conns.discard(conn)

    def _run(self) -> None:
        idle = 0
        while True:
            time.sleep(0.05)
            with self._lock:
                conns = list(self._conns)
                if not conns:
                    idle += 1
                    if idle > 100:  # five quiet seconds: let the thread end
                        self._thread = None
                        return
                    continue
            idle = 0
            now = time.monotonic()
            for conn in conns:
                if conn._check_watch(now):
                    self.unregister(conn)


_WATCHDOG = _Watchdog()


def _waiting_bytes(sock: socket.socket) -> bytes:
    """Bytes the server already sent, looked at without reading them and without waiting."""
    try:
        return sock.recv(200, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except (OSError, ValueError, AttributeError):  # nothing there (EAGAIN), or no MSG_DONTWAIT here
        return b""


def _command_name(shown: str) -> str:
    """``s3 LOGIN x y`` -> ``LOGIN``, ``MAIL FROM:<a@b>`` -> ``MAIL FROM``: names the question, never its secrets."""
    words = shown.split()
    if len(words) > 1 and words[0][:1].islower() and words[0][1:].isdigit():  # an IMAP tag
        words = words[1:]
    if not words:
        return "an empty line"
    first = words[0].split(":")[0]
    if first.upper() in ("MAIL", "RCPT") and len(words) > 1:
        return f"{first.upper()} {words[1].split(':')[0].upper()}"
    if first.startswith("<") or not first.isalpha():
        return "the continuation line"
    return first.upper()


def _looks_binary(text: str) -> bool:
    if text.isprintable() and "\ufffd" not in text:  # the common case, checked at C speed
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t") or ch == "\ufffd")
    return bad > 0 and bad * 10 >= max(1, len(text)) or "\x00" in text


def resolve_bounded(host: str, port: int, timeout: float) -> list:
    """``getaddrinfo`` with a deadline: the system resolver has no timeout of its own, so it
    runs on a daemon thread and a resolver that never answers becomes a "timeout" finding."""
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    thread = threading.Thread(target=work, name="probe-resolve", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise ProbeError("timeout", f"the name lookup of {host} did not answer within {timeout:.0f} s")
    if "error" in box:
        raise ProbeError("unreachable", f"cannot resolve {host}: {box['error']}")
    return box["infos"]  # type: ignore[return-value]

"""Hostile fakes for the POP3-risk tests; the real Dovecot and Postfix come from tests/servers.

The real servers (``dovecot_risky``, ``dovecot_safe``, ``postfix_open``, ``postfix_closed``,
``certs``) are fixtures of the shared plugin :mod:`servers.plugin`. The small socket servers
here play only the hostile cases a real server will not: drip, endless line, garbage, hang,
broken TLS.
"""

from __future__ import annotations

import socket
import threading

import pytest



class HostileServer:
    """A loopback TCP server whose every connection runs ``behaviour(conn, stop)`` in a thread."""

    def __init__(self, behaviour, addr: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.behaviour = behaviour
        self.stop = threading.Event()
        self.connections = 0
        self.threads: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            t = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            t.start()
            self.threads.append(t)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        try:
            self.behaviour(conn, self.stop)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for t in self.threads:
            t.join(5)
        self.sock.close()


@pytest.fixture
def hostile():
    servers: list[HostileServer] = []

    def make(behaviour, addr: str = "127.0.0.1") -> HostileServer:
        server = HostileServer(behaviour, addr)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()

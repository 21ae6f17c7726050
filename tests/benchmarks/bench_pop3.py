"""Benchmark: the probe's bounded, watchdog-guarded POP3 reads against the stdlib's poplib.

Both clients talk to the same loopback server (greeting, a 150-line CAPA, QUIT) for the
same number of sessions; the RATIO says what the safety (deadline watchdog, capped
lines, binary checks) costs compared with an unguarded reader. Run:
``python tests/benchmarks/bench_pop3.py``.
"""

from __future__ import annotations

import os
import poplib
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "app"))

from sbskit.core.mailprobe import pop3  # noqa: E402
from sbskit.core.mailprobe.netio import Conn  # noqa: E402

CAPA = b"+OK\r\n" + b"".join(f"X-CAPABILITY-{i:03d} some words here\r\n".encode() for i in range(150)) + b".\r\n"
SESSIONS = 300


def serve(listener: socket.socket, stop: threading.Event) -> None:
    listener.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except OSError:
            continue
        with conn:
            conn.settimeout(5)
            conn.sendall(b"+OK bench ready\r\n")
            buf = b""
            while True:
                try:
                    data = conn.recv(4096)
                except OSError:
                    break
                if not data:
                    break
                buf += data
                while b"\r\n" in buf:
                    line, buf = buf.split(b"\r\n", 1)
                    if line.upper().startswith(b"CAPA"):
                        conn.sendall(CAPA)
                    elif line.upper().startswith(b"QUIT"):
                        conn.sendall(b"+OK bye\r\n")
                        break


def ours(port: int) -> int:
    with Conn("127.0.0.1", port, 5.0, time.monotonic() + 15) as conn:
        conn.read_line()
        caps = pop3._capa(conn)
        conn.send_line("QUIT")
        conn.read_line()
    return len(caps)


def baseline(port: int) -> int:
    client = poplib.POP3("127.0.0.1", port, timeout=5)
    caps = client.capa()
    client.quit()
    return len(caps)


def timed(fn, port: int) -> float:
    start = time.perf_counter()
    for _ in range(SESSIONS):
        fn(port)
    return time.perf_counter() - start


def main() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(listener, stop), daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    try:
        assert ours(port) == 150 and baseline(port) == 150
        bases, mines = [], []
        for _ in range(3):  # interleaved rounds, best of each: less noise from the machine
            bases.append(timed(baseline, port))
            mines.append(timed(ours, port))
        base, mine = min(bases), min(mines)
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    print(f"baseline poplib: {SESSIONS} sessions in {base:.3f}s (best of 3)")
    print(f"sbskit probe reader: {SESSIONS} sessions in {mine:.3f}s (best of 3)")
    print(f"RATIO {mine / base:.2f} (sbskit / poplib; lower is better)")


if __name__ == "__main__":
    main()

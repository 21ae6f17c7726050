"""Benchmark: the relay test against a real tarpitting Postfix, and the drip bound, against baselines.

1. Tarpit. Postfix on loopback with ``smtpd_error_sleep_time = 5s`` and
   ``smtpd_soft_error_limit = 1`` (every reply after the first refusal waits 5 s, as
   Exchange's tarpit does for refused recipients). Measured: the kit's relay test (at most
   four connections at once). Baselines in the same run: the old shape of the test (one
   connection, MAIL FROM / RCPT TO / RSET per variant, written out here with the kit's own
   SMTP helpers) and the ideal 16 refusals x 5 s / 4 connections = 20 s.
2. Drip. A server that sends its greeting one byte every 0.2 s. Measured: the whole
   ``sbskit-cli relaytest --timeout 3`` and ``sbskit-cli mailprobe --timeout 3`` processes.
   Baseline: the same commands against a server that never says anything (only the
   timeout can end that one), so the RATIO should be about 1; before the per-answer
   deadline the relay test ran for over 100 s against the drip.

3. Exchange-style tarpit with a timeout shorter than the hold (see :func:`exchange_like_figures`).

Run: ``python tests/benchmarks/bench_pop3_delays.py`` (``--quick`` skips the four-minute
old-shape baseline). Needs Postfix and openssl, like the tests.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "app"))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from servers import postfix as fixtures  # noqa: E402  (the tests' own server helpers)
from servers.certs import make_certs  # noqa: E402

from sbskit.core.mailprobe import smtp  # noqa: E402
from sbskit.core.mailprobe.netio import Conn  # noqa: E402
from sbskit.core.mailprobe.relay import run_relay_test, variants  # noqa: E402

TARPIT = 5


def old_shape_relay_test(port: int, timeout: float) -> int:
    """The relay test as it was: one connection, MAIL FROM / RCPT TO / RSET for each variant."""
    with Conn("127.0.0.1", port, timeout, time.monotonic() + 900) as conn:
        smtp.read_reply(conn)
        smtp.ehlo(conn)
        answered = 0
        for _name, sender, recipient in variants("sbskit-relaytest@example.org", "sbskit-relaytest@example.net",
                                                 "relay.sbskit.test", "127.0.0.1"):
            smtp.command(conn, f"MAIL FROM:<{sender}>", wait=timeout + TARPIT * 2)
            code, _ = smtp.command(conn, f"RCPT TO:<{recipient}>", wait=timeout + TARPIT * 2)
            answered += code >= 500
            smtp.command(conn, "RSET", wait=timeout + TARPIT * 2)
        return answered


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def serve(behaviour) -> tuple[socket.socket, threading.Event]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=behaviour, args=(conn, stop), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return listener, stop


def drip(conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        try:
            conn.sendall(b"220 ")
            while not stop.wait(0.2):
                conn.sendall(b"x")
        except OSError:
            pass


def silent(conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        stop.wait(300)


def cli(*args: str) -> float:
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "app"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sbskit.cli", *args], capture_output=True, env=env, timeout=600)
    return time.perf_counter() - start


def drip_figures() -> None:
    for name, args in (("relaytest", ("--timeout", "3")),
                       ("mailprobe", ("--timeout", "3", "--pop3s-port", "0", "--imap-port", "0", "--imaps-port", "0",
                                      "--smtp-port", "0", "--submission-port", "0", "--smtps-port", "0"))):
        results = {}
        for label, behaviour in (("silent", silent), ("drip", drip)):
            listener, stop = serve(behaviour)
            port = str(listener.getsockname()[1])
            target = ("127.0.0.1", "--port", port) if name == "relaytest" else ("127.0.0.1", "--pop3-port", port)
            try:
                results[label] = min(cli(name, *target, *args) for _ in range(2))
            finally:
                stop.set()
                listener.close()
        print(f"{name} --timeout 3, whole process: silent server {results['silent']:.2f} s (baseline), "
              f"greeting dripping a byte every 0.2 s {results['drip']:.2f} s")
        print(f"RATIO {results['drip'] / results['silent']:.2f} ({name} drip / silent; about 1 means the drip is "
              f"bounded like silence)")


def tarpit_figures(quick: bool) -> None:
    certs = make_certs()
    server, out = fixtures.start_postfix(certs, False, {"smtpd_error_sleep_time": f"{TARPIT}s",
                                                        "smtpd_soft_error_limit": "1", "smtpd_hard_error_limit": "100"})
    try:
        port = server.ports["smtp"]
        seconds, report = timed(run_relay_test, "127.0.0.1", port, "sbskit-relaytest@example.org",
                                "sbskit-relaytest@example.net", 3.0)
        assert report.open_relay is False, report.to_dict()
        ideal = 16 * TARPIT / 4
        print(f"relay test against a {TARPIT} s tarpit: {seconds:.1f} s over {report.connections} connections "
              f"(tarpit seen: {report.tarpit_seconds} s per refusal)")
        print(f"RATIO {seconds / ideal:.2f} (kit / ideal {ideal:.0f} s = 16 refusals x {TARPIT} s / 4 connections)")
        if not quick:
            old, refused = timed(old_shape_relay_test, port, 3.0)
            assert refused == 16
            print(f"old shape (one connection, MAIL/RCPT/RSET per variant): {old:.1f} s (baseline)")
            print(f"RATIO {seconds / old:.2f} (kit / old shape; lower is better)")
    finally:
        fixtures.stop_postfix(server)
        out.close()


def exchange_like_figures() -> None:
    """3. An Exchange-style tarpit (every refused recipient held 5 s, the first one too: Postfix's ``sleep``
    restriction) with --timeout 3, shorter than the hold. Baseline in the same run: the same test with
    --timeout 8, which never needs to ask a held-back answer again."""
    certs = make_certs()
    server, out = fixtures.start_postfix(certs, False, {"smtpd_relay_restrictions": f"permit_mynetworks, "
                                                        f"sleep {TARPIT}, reject_unauth_destination"})
    try:
        port = server.ports["smtp"]
        runs = {}
        for timeout in (8.0, 3.0):
            runs[timeout] = timed(run_relay_test, "127.0.0.1", port, "sbskit-relaytest@example.org",
                                  "sbskit-relaytest@example.net", timeout)
            assert runs[timeout][1].open_relay is False, runs[timeout][1].to_dict()
        print(f"Exchange-like tarpit: --timeout 3 {runs[3.0][0]:.1f} s, --timeout 8 {runs[8.0][0]:.1f} s (baseline)")
        print(f"RATIO {runs[3.0][0] / runs[8.0][0]:.2f} (short timeout / long timeout; the held-back first answer is "
              "asked again once per lane)")
    finally:
        fixtures.stop_postfix(server)
        out.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the old-shape baseline (about four minutes)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    drip_figures()
    tarpit_figures(args.quick)
    exchange_like_figures()


if __name__ == "__main__":
    main()

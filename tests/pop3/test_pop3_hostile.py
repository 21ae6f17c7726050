"""Hostile servers cannot hang or crash the probe: every case ends within its deadline.

These fakes play what no real server in the fixtures will: dripping bytes, a line that
never ends, binary garbage, silence, and broken TLS handshakes.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from sbskit.core.jobs import JobContext
from sbskit.core.mailprobe.probe import run_probe
from sbskit.core.mailprobe.relay import run_relay_test

NONE = {k: 0 for k in ("pop3", "pop3s", "imap", "imaps", "smtp", "submission", "smtps")}
TIMEOUT = 1.0


def pause(stop: threading.Event, seconds: float) -> bool:
    """Sleep unless the fixture is shutting down; True when it is."""
    return stop.wait(seconds)


def drip(conn, stop):
    conn.sendall(b"+OK ")
    while not pause(stop, 0.2):
        conn.sendall(b"x")


def endless_line(conn, stop):
    chunk = b"A" * 8192
    for _ in range(200):
        if stop.is_set():
            return
        conn.sendall(chunk)


def garbage(conn, stop):
    # binary noise whose first line is long enough to judge (a line end in the first bytes of os.urandom
    # made the first "line" a single harmless letter now and then)
    junk = os.urandom(3000).replace(b"\n", b"\x00")
    conn.sendall(junk[:400] + b"\r\n" + junk[400:])
    pause(stop, 3)


def silent(conn, stop):
    pause(stop, 30)


def greet_then_silent(conn, stop):
    conn.sendall(b"+OK ready\r\n")
    pause(stop, 30)


def tls_garbage(conn, stop):
    _read_some(conn, stop)
    conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" + os.urandom(200))
    pause(stop, 1)


def tls_drip(conn, stop):
    _read_some(conn, stop)
    conn.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16 KiB... that arrives a byte at a time
    while not pause(stop, 0.2):
        conn.sendall(b"\x02")


def stls_then_garbage(conn, stop):
    conn.sendall(b"+OK ready\r\n")
    while not stop.is_set():
        line = _read_some(conn, stop)
        if not line:
            return
        if line.startswith(b"CAPA"):
            conn.sendall(b"+OK\r\nSTLS\r\n.\r\n")
        elif line.startswith(b"USER"):
            conn.sendall(b"-ERR secure connection required\r\n")
        elif line.startswith(b"STLS"):
            conn.sendall(b"+OK go ahead\r\n")
            _read_some(conn, stop)
            conn.sendall(os.urandom(100))
            return


def endless_smtp_reply(conn, stop):
    conn.sendall(b"220 hello\r\n")
    _read_some(conn, stop)
    for _ in range(100000):
        if stop.is_set():
            return
        conn.sendall(b"250-more\r\n" * 50)


def _read_some(conn, stop) -> bytes:
    while not stop.is_set():
        try:
            return conn.recv(4096)
        except socket.timeout:
            continue
    return b""


def probe_one(key: str, port: int, ctx=None):
    started = time.monotonic()
    report = run_probe("127.0.0.1", {**NONE, key: port}, timeout=TIMEOUT, ctx=ctx)
    return report, time.monotonic() - started


@pytest.mark.parametrize(
    "behaviour,key,kind,status,needle",
    [
        (drip, "pop3", "timeout", "error", "no complete answer to the greeting within 1 s"),
        (endless_line, "pop3", "too-long", "error", "line longer than"),
        (garbage, "imap", "garbage", "error", "binary data"),
        (silent, "smtp", "timeout", "error", "no complete answer to the greeting within 1 s"),
        (greet_then_silent, "pop3", "timeout", "partial", "no complete answer to CAPA within 1 s"),
        (tls_garbage, "pop3s", "not-tls", "error", "the port answered without TLS"),
        (tls_drip, "imaps", "timeout", "error", "no complete answer to the TLS handshake within 1 s"),
        (silent, "smtps", "timeout", "error", "no complete answer to the TLS handshake within 1 s"),
        (stls_then_garbage, "pop3", "tls-failed", "partial", ""),
        (endless_smtp_reply, "submission", "too-long", "partial", "SMTP reply with no last line"),
    ],
    ids=["drip", "endless-line", "garbage", "silent-smtp", "greet-then-silent", "tls-garbage", "tls-drip",
         "silent-tls", "stls-then-garbage", "endless-smtp-reply"],
)
def test_hostile_server_is_bounded(hostile, behaviour, key, kind, status, needle):
    """Each case ends by the bound meant for it (the detail names which one fired), keeping what it saw."""
    server = hostile(behaviour)
    report, _elapsed = probe_one(key, server.port)
    (svc,) = report.services
    assert svc.reachable is True
    assert (svc.status, svc.error) == (status, kind), svc.to_dict()
    assert needle in svc.detail, svc.detail
    assert report.risk in ("unknown", "medium")
    assert not report.to_dict()["complete"]
    if status == "partial":  # something was learned before it broke, and it is kept
        assert svc.banner
        assert svc.open_questions or svc.findings
    if kind == "not-tls":
        assert svc.open_questions[0]["reason"].endswith(svc.detail)
    elif kind != "tls-failed":
        assert svc.open_questions[0]["reason"] == svc.detail


def test_partial_service_keeps_its_facts_and_names_the_open_questions(hostile):
    server = hostile(greet_then_silent)
    report, _ = probe_one("pop3", server.port)
    (svc,) = report.services
    assert svc.banner == "ready"
    ids = [q["id"] for q in svc.open_questions]
    assert ids == ["capabilities", "tls", "after-tls", "login"]
    assert svc.open_questions[1]["reason"].startswith("not asked: the dialogue stopped at")
    assert any(r.startswith(f"POP3 ({server.port}): could not tell: What does it offer before TLS?")
               for r in report.reasons)


def test_broken_stls_handshake_keeps_the_offer_and_still_asks_the_login_question(hostile):
    server = hostile(stls_then_garbage)
    report, _ = probe_one("pop3", server.port)
    (svc,) = report.services
    assert svc.starttls_offered is True and svc.tls == "starttls"
    assert svc.capabilities == ["STLS"]
    assert svc.cleartext_login_before_tls is False  # CAPA offered no USER and no SASL: nothing to ask
    assert svc.login_test.startswith("CAPA before TLS offers neither USER")
    assert "tls-failed" in {f.id for f in svc.findings}
    assert [q["id"] for q in svc.open_questions] == ["after-tls"]
    assert report.risk == "medium"


def test_closed_port_is_not_reachable_not_an_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, never listening: connection refused
        report, elapsed = probe_one("pop3", port)
    (svc,) = report.services
    assert svc.status == "not-reachable" and svc.error == "refused"
    assert elapsed < 1.5


def test_cancel_stops_a_hanging_probe(hostile):
    server = hostile(silent)
    flag = threading.Event()
    threading.Timer(0.3, flag.set).start()
    ctx = JobContext(is_cancelled=flag.is_set)
    started = time.monotonic()
    report = run_probe("127.0.0.1", {**NONE, "pop3": server.port, "imap": server.port}, timeout=20, ctx=ctx)
    assert time.monotonic() - started < 2.0
    assert report.cancelled
    assert all(s.error == "cancelled" for s in report.services)
    assert report.risk == "unknown"


def test_relay_test_against_a_silent_server_is_bounded(hostile):
    server = hostile(silent)
    report = run_relay_test("127.0.0.1", server.port, timeout=TIMEOUT)
    assert report.open_relay is None and report.error == "timeout"
    assert report.detail == "no complete answer to the greeting within 1 s"


def drip_smtp_greeting(conn, stop):
    conn.sendall(b"220 ")
    while not pause(stop, 0.2):
        conn.sendall(b"x")


def test_relay_test_against_a_dripping_greeting_ends_at_the_answer_deadline(hostile):
    """A byte every 0.2 s resets any per-read timeout; the greeting's own deadline ends it."""
    server = hostile(drip_smtp_greeting)
    report = run_relay_test("127.0.0.1", server.port, timeout=TIMEOUT, deadline=300)
    assert report.open_relay is None and report.error == "timeout"
    assert report.detail.startswith("no complete answer to the greeting within 1 s (the port is open and answers "
                                    "very slowly: ")
    assert "'220 x" in report.detail  # what the drip had sent is kept
    assert report.attempts == [] and server.connections == 1


def smtp_that_drips_rcpt_answers(conn, stop):
    conn.sendall(b"220 drip.example ESMTP\r\n")
    while not stop.is_set():
        line = _read_some(conn, stop)
        if not line:
            return
        if line.startswith(b"RCPT"):
            conn.sendall(b"250")
            while not pause(stop, 0.2):
                conn.sendall(b" ")
            return
        conn.sendall(b"250 ok\r\n")


def test_relay_answers_that_drip_are_cut_per_answer_and_reported_open(hostile):
    server = hostile(smtp_that_drips_rcpt_answers)
    report = run_relay_test("127.0.0.1", server.port, timeout=TIMEOUT, deadline=300, tarpit_allowance=1.0)
    assert report.open_relay is None
    assert report.attempts == []
    reasons = {u["reason"] for u in report.unanswered}
    # asked again with the tarpit allowance (1 s here); what dripped in is kept
    assert any(r.startswith("no complete answer to RCPT TO within 2 s (the port is open and answers very slowly")
               for r in reasons), reasons
    assert any("(--timeout 4)" in n for n in report.notes), report.notes
    assert len(report.unanswered) == 16
    assert any("stopped: two sessions in a row ended before any answer" in n for n in report.notes)


def test_relay_test_against_garbage(hostile):
    server = hostile(garbage)
    report = run_relay_test("127.0.0.1", server.port, timeout=TIMEOUT)
    assert report.open_relay is None and report.error == "garbage"


@pytest.mark.parametrize("greeting,key", [(b"-ERR go away\r\n", "pop3"), (b"* BYE too many connections\r\n", "imap"),
                                          (b"554 5.7.1 no service for you\r\n", "smtp")])
def test_refusing_greeting_is_rejected_not_a_finding(hostile, greeting, key):
    def refuse(conn, stop):
        conn.sendall(greeting)
        pause(stop, 1)

    server = hostile(refuse)
    report, _ = probe_one(key, server.port)
    (svc,) = report.services
    assert svc.status == "error" and svc.error == "rejected"
    assert greeting.decode().strip().split(" ", 1)[1][:10] in svc.detail
    assert [f.id for f in svc.findings if f.severity != "info"] == []
    assert report.risk == "unknown"


def plain_pop3_greeting(conn, stop):
    conn.sendall(b"+OK plain POP3 ready\r\n")
    _read_some(conn, stop)
    pause(stop, 1)


def http_error(conn, stop):
    _read_some(conn, stop)  # the TLS hello
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nServer: webserver\r\nContent-Length: 0\r\n\r\n")
    pause(stop, 1)


@pytest.mark.parametrize("behaviour,seen", [(plain_pop3_greeting, "plain POP3 ready"), (http_error, "1.1 400 Bad Request")],
                         ids=["plain-greeting", "http"])
def test_a_plain_answer_on_a_tls_port_is_not_a_tls_weakness(hostile, behaviour, seen):
    """Plain text on 995 is 'not a POP3S service here' (info, could not check, exit 3), not a medium finding."""
    server = hostile(behaviour)
    report, _ = probe_one("pop3s", server.port)
    (svc,) = report.services
    assert (svc.status, svc.error) == ("error", "not-tls"), svc.to_dict()
    assert seen in svc.detail and svc.detail.startswith("the port answered without TLS")
    assert [(f.id, f.severity) for f in svc.findings] == [("not-tls", "info")]
    assert svc.findings[0].title == "No TLS on this port: not a POP3S service"
    assert report.risk == "unknown" and not report.to_dict()["complete"]
    assert svc.open_questions[0]["id"] == "tls"


def test_a_dripping_greeting_keeps_what_arrived(hostile):
    def drip_pop3(conn, stop):
        for byte in b"+OK drip POP3 server ready\r\n":
            conn.sendall(bytes([byte]))
            if pause(stop, 0.1):
                return

    server = hostile(drip_pop3)
    report, _ = probe_one("pop3", server.port)
    (svc,) = report.services
    assert svc.error == "timeout"
    assert svc.detail.startswith("no complete answer to the greeting within 1 s (the port is open and answers very "
                                 "slowly: ")
    assert "'+OK drip" in svc.detail and "but the line did not finish" in svc.detail
    assert any(line.startswith("S: (unfinished) +OK drip") for line in svc.transcript)

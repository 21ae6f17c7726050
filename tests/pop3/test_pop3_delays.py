"""Servers that delay on purpose: Dovecot's failed-login delay and penalty, login tests taking turns,
and the decisive answers that make waiting for a password verdict unnecessary.

Dovecot runs with its stock ``auth_failure_delay`` (2 s) and anvil penalty; the small
scripted servers play what the real ones here cannot be configured to do (USER refused
while SASL PLAIN is offered, AUTH before TLS on SMTP, LOGINDISABLED with AUTH=PLAIN).
"""

from __future__ import annotations

import re
import socket
import threading


from sbskit.core.mailprobe.probe import run_probe
from sbskit.core.mailprobe.textout import probe_text

NONE = {k: 0 for k in ("pop3", "pop3s", "imap", "imaps", "smtp", "submission", "smtps")}


def only(key: str, port: int, **more) -> dict[str, int]:
    return {**NONE, key: port, **more}


# What fail2ban's stock dovecot filter counts as a failed login (patterns written from its idioms, not copied).
FAIL2BAN_COUNTS = re.compile(r"auth failed, \d+ attempts|tried to use (?:disabled|disallowed) \S+ auth|"
                             r"Authentication failure|: unknown user|password mismatch")


def test_three_probes_in_a_row_agree_and_leave_no_failed_login(dovecot_risky, certs):
    """Dovecot offers AUTH=PLAIN before TLS: AUTHENTICATE PLAIN gets '+' at once and '*' cancels it, so no probe
    waits out the failed-login delay or penalty, and Dovecot's log has nothing fail2ban would count."""
    ports = {**NONE, **dovecot_risky.ports}
    before = len(dovecot_risky.log_text())
    runs = [run_probe(dovecot_risky.addr, ports, timeout=5, ca_file=str(certs.ca), assume_untrusted=True)
            for _ in range(3)]
    summaries = []
    for report in runs:
        assert report.to_dict()["complete"], report.reasons
        services = {s.name: s for s in report.services}
        summaries.append((report.risk, tuple((s.name, s.status, s.cleartext_login_before_tls,
                                              (s.login_proof or {}).get("kind"), (s.certificate or {}).get("subject"))
                                             for s in report.services)))
        imap = services["IMAP"]
        assert imap.login_proof == {"kind": "sasl-continuation", "seen": "AUTHENTICATE PLAIN -> +"}
        assert imap.login_delay_seconds is None and imap.failed_logins == 0
        assert services["POP3"].login_proof["kind"] == "pop3-user-accepted"
        assert report.to_dict()["failed_logins"] == 0
        assert not any("LOGIN" in line and "sbskit-dummy" in line for line in imap.transcript)
        assert not any(line.startswith("C: s") and " LOGIN " in line for line in imap.transcript)
    assert summaries[0] == summaries[1] == summaries[2]
    assert summaries[0][0] == "high"
    log = dovecot_risky.log_text()[before:]
    # the cancelled AUTHENTICATE, as Dovecot 2.3 and 2.4 log it
    assert re.search(r"client didn't finish SASL auth|auth_aborted_by_client", log), log
    assert not FAIL2BAN_COUNTS.search(log), log


def test_a_penalty_from_other_failed_logins_does_not_slow_the_probe(dovecot_risky):
    """Another client failed logins from this address (Dovecot's anvil penalty is on): the probe, which sends no
    password, is still decided by the first answer."""
    import socket as _socket

    for attempt in range(3):
        with _socket.create_connection((dovecot_risky.addr, dovecot_risky.ports["imap"]), timeout=30) as s:
            reader = s.makefile("rb")
            reader.readline()
            s.sendall(f"x{attempt} LOGIN alice wrong-password-{attempt}\r\n".encode())
            assert reader.readline().startswith(f"x{attempt} NO".encode())
    report = run_probe(dovecot_risky.addr, only("imap", dovecot_risky.ports["imap"]), timeout=5,
                       assume_untrusted=True)
    (imap,) = report.services
    assert imap.login_proof["kind"] == "sasl-continuation" and imap.failed_logins == 0
    login_part = imap.transcript[imap.transcript.index("-- the login question, on a new connection --"):]
    assert [line for line in login_part if line.startswith("C: ")] == ["C: s1 AUTHENTICATE PLAIN", "C: *", "C: s2 LOGOUT"]


def test_login_answer_held_back_keeps_the_facts_and_names_the_open_question(hostile):
    """An IMAP server without a cleartext SASL mechanism that never answers LOGIN (a stalled auth back end):
    the login question stays open, nothing else is lost, and the headline says the risk could be higher."""
    def imap(line, stop):
        tag, _, command = line.partition(b" ")
        if command.startswith(b"LOGIN"):
            stop.wait(5)
            return None
        if command.startswith(b"LOGOUT"):
            return b"* BYE\r\n" + tag + b" OK bye\r\n"
        return tag + b" BAD\r\n"

    server = hostile(scripted(b"* OK [CAPABILITY IMAP4rev1 AUTH=NTLM] Stalling IMAP ready\r\n", imap), "127.0.0.2")
    report = run_probe("127.0.0.2", only("imap", server.port), timeout=1.5, login_allowance=-1.2,
                       assume_untrusted=True)
    (imap_result,) = report.services
    assert imap_result.status == "partial"
    assert imap_result.banner == "Stalling IMAP ready"
    assert imap_result.starttls_offered is False and imap_result.capabilities == ["IMAP4rev1", "AUTH=NTLM"]
    assert imap_result.cleartext_login_before_tls is None
    assert imap_result.open_questions == [{"id": "login", "question": "Does it take a password before TLS?",
                                           "reason": "no complete answer to LOGIN within 0.3 s"}]
    assert report.risk == "high"  # no STARTTLS at all: high whatever the login answer
    text = probe_text(report.to_dict())
    assert "partly checked" in text and "Open questions:" in text
    assert "learned: greeting 'Stalling IMAP ready'" in text


# --- scripted servers -----------------------------------------------------------------------------------
def read_line(conn, stop) -> bytes:
    data = b""
    while not stop.is_set() and not data.endswith(b"\n"):
        try:
            chunk = conn.recv(1)
        except socket.timeout:
            continue
        if not chunk:
            return b""
        data += chunk
    return data.strip()


def scripted(greeting: bytes, answer):
    """A server that greets, then answers each line with ``answer(line)`` (None ends the session)."""
    def behaviour(conn, stop):
        conn.sendall(greeting)
        while not stop.is_set():
            line = read_line(conn, stop)
            if not line:
                return
            reply = answer(line, stop)
            if reply is None:
                return
            conn.sendall(reply)
    return behaviour


class LoginWatch:
    """Counts login tests in progress across servers: max_seen must stay 1."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.max_seen = self.total = 0

    def hold(self, stop, seconds: float = 0.4) -> None:
        with self.lock:
            self.now += 1
            self.total += 1
            self.max_seen = max(self.max_seen, self.now)
        stop.wait(seconds)
        with self.lock:
            self.now -= 1


def test_login_tests_to_one_host_take_turns(hostile):
    watch = LoginWatch()

    def pop3(line, stop):
        if line == b"CAPA":
            return b"+OK\r\nUSER\r\n.\r\n"
        if line.startswith(b"USER"):
            watch.hold(stop)
            return b"+OK\r\n"
        return b"+OK bye\r\n" if line == b"QUIT" else b"-ERR\r\n"

    def imap(line, stop):
        tag, _, command = line.partition(b" ")
        if command.startswith(b"LOGIN"):
            watch.hold(stop)
            return tag + b" NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"
        if command.startswith(b"LOGOUT"):
            return b"* BYE\r\n" + tag + b" OK bye\r\n"
        return tag + b" BAD\r\n"

    pop3_server = hostile(scripted(b"+OK ready\r\n", pop3), "127.0.0.2")
    imap_server = hostile(scripted(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", imap), "127.0.0.2")
    report = run_probe("127.0.0.2", only("pop3", pop3_server.port, imap=imap_server.port), timeout=2,
                       assume_untrusted=True)
    pop3_result, imap_result = report.services
    assert pop3_result.login_proof["kind"] == "pop3-user-accepted"
    assert imap_result.login_proof["kind"] == "imap-login-checked"
    assert watch.total == 2 and watch.max_seen == 1


def test_pop3_sasl_continuation_proves_it_without_sending_credentials(hostile):
    def pop3(line, _stop):
        if line == b"CAPA":
            return b"+OK\r\nSASL PLAIN\r\n.\r\n"
        if line.startswith(b"USER"):
            return b"-ERR USER is not supported here\r\n"
        if line == b"AUTH PLAIN":
            return b"+ \r\n"
        if line == b"*":
            return b"-ERR authentication aborted\r\n"
        return b"+OK bye\r\n" if line == b"QUIT" else b"-ERR unexpected\r\n"

    server = hostile(scripted(b"+OK ready\r\n", pop3), "127.0.0.2")
    report = run_probe("127.0.0.2", only("pop3", server.port), timeout=2, assume_untrusted=True)
    (svc,) = report.services
    assert svc.cleartext_login_before_tls is True
    assert svc.login_proof == {"kind": "sasl-continuation", "seen": "AUTH PLAIN -> +"}
    login_part = svc.transcript[svc.transcript.index("-- the login question, on a new connection --"):]
    sent = [line for line in login_part if line.startswith("C: ")]
    assert sent == ["C: USER sbskit-probe-nobody", "C: AUTH PLAIN", "C: *", "C: QUIT"]  # nothing awaited after "*"
    assert "cleartext-login" in {f.id for f in svc.findings} and report.risk == "high"


def test_smtp_auth_before_tls_is_proven_by_the_334_continuation(hostile):
    def smtp(line, _stop):
        if line.startswith(b"EHLO"):
            return b"250-mx.example\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
        if line == b"AUTH PLAIN":
            return b"334 \r\n"
        if line == b"*":
            return b"501 5.7.0 Authentication aborted\r\n"
        return b"221 bye\r\n" if line == b"QUIT" else b"502 no\r\n"

    server = hostile(scripted(b"220 mx.example ESMTP\r\n", smtp), "127.0.0.2")
    report = run_probe("127.0.0.2", only("submission", server.port), timeout=2, assume_untrusted=True)
    (svc,) = report.services
    assert svc.login_proof["kind"] == "smtp-auth-continuation"
    assert svc.starttls_offered is False
    assert {"cleartext-login", "smtp-no-starttls"} <= {f.id for f in svc.findings}
    assert not any(line.startswith("C: AUTH PLAIN ") for line in svc.transcript)  # never an initial response


def test_imap_logindisabled_but_plain_offered_is_asked_with_authenticate(hostile):
    def imap(line, _stop):
        tag, _, command = line.partition(b" ")
        if command == b"AUTHENTICATE PLAIN":
            return b"+ \r\n"
        if line == b"*":
            return b"s1 BAD Authentication aborted\r\n"
        if command.startswith(b"LOGOUT"):
            return b"* BYE\r\n" + tag + b" OK bye\r\n"
        return tag + b" BAD\r\n"

    server = hostile(scripted(b"* OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN] ready\r\n", imap), "127.0.0.2")
    report = run_probe("127.0.0.2", only("imap", server.port), timeout=2, assume_untrusted=True)
    (svc,) = report.services
    assert svc.login_proof["kind"] == "sasl-continuation"
    assert "LOGINDISABLED is advertised, but AUTHENTICATE PLAIN" in svc.login_test
    assert not any(" LOGIN " in line for line in svc.transcript if line.startswith("C: "))

"""The safe relay test against real Postfix: an open relay, a closed one, never DATA."""

from __future__ import annotations

import re
import time

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext
from sbskit.core.mailprobe.relay import run_relay_test, variants


def queued_files_in(queue) -> list[str]:
    found = []
    for sub in ("maildrop", "incoming", "active", "deferred", "hold", "bounce", "corrupt"):
        folder = queue / sub
        if folder.exists():
            found.extend(str(p) for p in folder.rglob("*") if p.is_file())
    return found


def assert_nothing_sent(server):
    log = server.log_text()
    sessions = re.findall(r"disconnect from \S+ (.*)", log)
    assert sessions, log
    for counts in sessions:
        assert "data=" not in counts and "bdat=" not in counts, counts
    assert "queued as" not in log
    assert not re.search(r"qmgr\[\d+\]: \w+: from=<sbskit", log)
    # Postfix opens a queue file at MAIL FROM and removes it after RSET/QUIT; give it a moment
    deadline = time.monotonic() + 10
    while queued_files_in(server.dir / "queue") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert queued_files_in(server.dir / "queue") == []
    assert not re.search(r"qmgr\[\d+\]: \w+: removed", log)  # qmgr never saw a message (cleanup may log "removed (canceled)")


def test_open_relay_is_reported(postfix_open):
    streamed = []
    report = run_relay_test("127.0.0.1", postfix_open.ports["smtp"], timeout=5,
                            ctx=JobContext(result=streamed.append))
    assert report.open_relay is True
    assert report.error is None
    assert len(report.attempts) == len(variants("a@b.c", "d@e.f", "x", "127.0.0.1")) == 16
    assert [a.variant for a in streamed] == [a.variant for a in report.attempts]
    first = report.attempts[0]
    assert first.mail_from == "sbskit-relaytest@example.org" and first.rcpt_to == "sbskit-relaytest@example.net"
    assert first.reply_code == 250 and first.relayed
    assert report.attempts[1].mail_from == ""  # null sender
    assert any("%" in a.rcpt_to for a in report.attempts)
    assert any("!" in a.rcpt_to for a in report.attempts)
    assert any(a.rcpt_to.startswith("@[127.0.0.1]:") for a in report.attempts)
    assert "C: RSET" in report.transcript and report.transcript[-2] == "C: QUIT"
    assert not any(line.startswith("C: DATA") or line.startswith("C: BDAT") for line in report.transcript)
    doc = report.to_dict()
    assert doc["data_sent"] is False and "possibly relays" in doc["note"]
    assert_nothing_sent(postfix_open)


def test_closed_relay_is_reported(postfix_closed):
    report = run_relay_test("127.0.0.1", postfix_closed.ports["smtp"], mail_from="someone@example.com",
                            rcpt_to="victim@example.org", timeout=5)
    assert report.open_relay is False
    assert all(not a.relayed and a.reply_code == 554 for a in report.attempts)
    assert "Relay access denied" in report.attempts[0].reply
    assert report.attempts[0].rcpt_to == "victim@example.org"
    log = postfix_closed.log_text()
    assert "Relay access denied; from=<someone@example.com> to=<victim@example.org>" in log
    assert_nothing_sent(postfix_closed)


@pytest.mark.parametrize("address", ["", "no-at-sign", "a@b@c", "<x@y>", "x@y\r\nDATA", "@example.com"])
def test_bad_addresses_are_refused_before_connecting(address):
    with pytest.raises(UserInputError):
        run_relay_test("127.0.0.1", 25, mail_from=address)


def test_refused_port_gives_unknown():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        report = run_relay_test("127.0.0.1", port, timeout=2)
    assert report.open_relay is None and report.error == "refused"

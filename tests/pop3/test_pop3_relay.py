"""The safe relay test against real Postfix: open, closed, tarpitting, hanging up; never DATA.

Postfix keeps its stock error handling (1 s sleep after 10 errors, hang-up after 20) in
the open and closed fixtures; the tarpit fixture sleeps 5 s before every reply after the
first error, as a server tarpitting refused recipients does; the hang-up fixture ends
the session (421) at the third error.
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext
from sbskit.core.mailprobe.relay import plan_lanes, run_relay_test, variants


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
                            ctx=JobContext(result=streamed.append), assume_untrusted=True)
    assert report.open_relay is True
    assert report.error is None
    tries = variants("a@b.c", "d@e.f", "x", "127.0.0.1")
    assert len(report.attempts) == len(tries) == 16
    assert sorted(a.variant for a in streamed) == sorted(a.variant for a in report.attempts)
    assert [a.variant for a in report.attempts] == [name for name, *_ in tries]  # the standard order in the end
    first = report.attempts[0]
    assert first.mail_from == "sbskit-relaytest@example.org" and first.rcpt_to == "sbskit-relaytest@example.net"
    assert first.reply_code == 250 and first.relayed
    assert report.attempts[1].mail_from == ""  # null sender
    assert any("%" in a.rcpt_to for a in report.attempts)
    assert any("!" in a.rcpt_to for a in report.attempts)
    assert any(a.rcpt_to.startswith("@[127.0.0.1]:") for a in report.attempts)
    assert "C: RSET" in report.transcript  # no refusal: a new sender gets RSET on the same session
    assert report.transcript.count("C: QUIT") == report.connections == 4  # no refusal, no tarpit: polite QUIT
    assert report.unanswered == [] and len(report.notes) == 1 and "--as-outsider" in report.notes[0]
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


def max_parallel_sessions(log: str) -> int:
    """The most SMTP sessions Postfix had open at once, from its connect/disconnect lines."""
    now = peak = 0
    for line in log.splitlines():
        if re.search(r"smtpd\[\d+\]: connect from", line):
            now += 1
            peak = max(peak, now)
        elif re.search(r"smtpd\[\d+\]: disconnect from", line):
            now -= 1
    return peak


def test_lanes_are_even_and_change_sender_at_most_once():
    tries = variants("a@example.org", "b@example.net", "mx.example.com", "192.0.2.1")
    lanes = plan_lanes(tries)
    assert len(lanes) == 4 and sorted(i for lane in lanes for i in lane) == list(range(16))
    assert sorted(len(lane) for lane in lanes) == [4, 4, 4, 4]
    for lane in lanes:
        senders = [tries[i][1] for i in lane]
        assert sum(1 for a, b in zip(senders, senders[1:]) if a != b) <= 1, senders
    assert plan_lanes(tries[:2]) == [[0], [1]]


@pytest.mark.slow  # waits out a real 5 s tarpit (about 15 s; one connection at a time would take minutes)
def test_tarpit_is_spread_over_four_connections(postfix_tarpit):
    tarpit = float(postfix_tarpit.extra["smtpd_error_sleep_time"].rstrip("s"))
    report = run_relay_test("127.0.0.1", postfix_tarpit.ports["smtp"], timeout=3)
    assert report.open_relay is False and report.error is None, report.to_dict()
    assert len(report.attempts) == 16 and all(a.reply_code == 554 for a in report.attempts)
    assert report.tarpit_seconds == pytest.approx(tarpit, abs=0.6)
    slowed = [a for a in report.attempts if a.seconds >= tarpit - 0.5]
    assert len(slowed) >= 8  # the tarpit was really there for most refusals...
    assert max_parallel_sessions(postfix_tarpit.log_text()) <= 4  # ...and at most four sessions shared it
    assert any("holds every refused recipient about 5." in n or "refusals were held back about 5." in n
               for n in report.notes), report.notes
    assert report.transcript.count("C: RSET") == 0  # a new sender after a refusal gets a fresh session
    assert_nothing_sent(postfix_tarpit)


def test_deadline_ends_a_tarpitted_test_and_names_the_open_variants(postfix_tarpit):
    report = run_relay_test("127.0.0.1", postfix_tarpit.ports["smtp"], timeout=3, deadline=2)
    assert report.open_relay is None
    assert 0 < len(report.attempts) < 16
    assert len(report.attempts) + len(report.unanswered) == 16
    assert {u["reason"] for u in report.unanswered} <= {
        "the overall deadline of 2 s ran out",
        "the connection's time ran out while waiting for the answer to RCPT TO",
        "the connection's time ran out while waiting for the answer to MAIL FROM"}
    assert report.error in ("timeout", "incomplete")
    doc = report.to_dict()
    assert doc["deadline_seconds"] == 2 and doc["data_sent"] is False


def test_server_that_hangs_up_after_three_refusals_is_reconnected(postfix_hangup):
    report = run_relay_test("127.0.0.1", postfix_hangup.ports["smtp"], timeout=3)
    assert report.open_relay is False and report.error is None, report.to_dict()
    assert len(report.attempts) == 16 and all(a.reply_code == 554 for a in report.attempts)
    assert report.reconnects >= 1
    assert any("ended 1 session(s) (421 4.7.0" in n and "after 3 refusal(s)" in n for n in report.notes), report.notes
    assert "too many errors" in postfix_hangup.log_text()
    assert_nothing_sent(postfix_hangup)


def test_relay_test_is_cancelled_promptly(postfix_tarpit):
    from sbskit.core.jobs import Cancelled

    flag = threading.Event()
    threading.Timer(1.0, flag.set).start()
    with pytest.raises(Cancelled):
        run_relay_test("127.0.0.1", postfix_tarpit.ports["smtp"], timeout=3, ctx=JobContext(is_cancelled=flag.is_set))


def test_stock_debian_postfix_454_relay_denied_is_a_refusal(postfix_stock):
    """defer_unauth_destination answers every foreign recipient 454 4.7.1 Relay access denied: a verdict, not 'temporary'."""
    report = run_relay_test("127.0.0.1", postfix_stock.ports["smtp"], timeout=5)
    doc = report.to_dict()
    assert report.open_relay is False and report.verdict == "closed" and report.error is None, doc
    assert len(report.attempts) == 16
    assert all(a.reply_code == 454 and a.meaning == "relay-denied" for a in report.attempts)
    assert doc["attempts"][0]["meaning_text"] == "relay denied, 4xx on purpose"
    assert report.summary.startswith("not an open relay: no relay variant accepted, all 16 refused (16 \u00d7 454 4.7.1 Relay access denied")
    assert "defer_unauth_destination" in report.summary
    assert "454 4.7.1" in postfix_stock.log_text() and "Relay access denied" in postfix_stock.log_text()
    from sbskit.core.mailprobe.textout import relay_text

    text = relay_text(doc)
    assert "Stopped" not in text and "could not" not in text.splitlines()[0]
    assert_nothing_sent(postfix_stock)


def test_greylisting_leaves_the_question_open_and_says_why(postfix_greylist):
    report = run_relay_test("127.0.0.1", postfix_greylist.ports["smtp"], timeout=5)
    assert report.open_relay is None and report.verdict == "temporary-only", report.to_dict()
    assert all(a.reply_code == 450 and a.meaning == "greylisted" for a in report.attempts)
    assert report.error == "temporary"
    assert report.detail.startswith("every variant was answered, but 16 only temporarily (greylisting: 16")
    assert "Run the test again in a few minutes" in report.summary
    assert report.unanswered == []
    assert_nothing_sent(postfix_greylist)


@pytest.mark.slow  # a real 5 s hold on every refused recipient, from the first one (about 25 s)
def test_exchange_like_tarpit_from_the_first_refusal_with_a_short_timeout(postfix_exchange_like):
    """Every foreign recipient is held 5 s before its refusal, the first one too; --timeout 3 is shorter than
    that: the first RCPT of each lane is asked again with the tarpit allowance, and the test reaches its verdict."""
    report = run_relay_test("127.0.0.1", postfix_exchange_like.ports["smtp"], timeout=3)
    assert report.open_relay is False and report.verdict == "closed", report.to_dict()
    assert len(report.attempts) == 16 and report.unanswered == []
    assert all(a.reply_code == 554 and a.seconds >= 4.5 for a in report.attempts)
    assert report.tarpit_seconds == pytest.approx(5, abs=0.6)
    assert any("holds every refused recipient about 5." in n and "as Exchange does" in n for n in report.notes)
    assert any("held back longer than 3 s" in n and "asked again with 10 s more" in n for n in report.notes)
    # at most four of ours at once; Postfix logs the first four (given up after 3 s) only when their 5 s sleep ends
    assert max_parallel_sessions(postfix_exchange_like.log_text()) <= 8
    assert_nothing_sent(postfix_exchange_like)


def test_a_timeout_too_short_for_the_tarpit_says_which_timeout_would_work(postfix_exchange_like):
    report = run_relay_test("127.0.0.1", postfix_exchange_like.ports["smtp"], timeout=1.5, tarpit_allowance=1.0,
                            deadline=20)
    assert report.open_relay is None and report.attempts == []
    assert "no complete answer to RCPT TO within 2.5 s" in {u["reason"] for u in report.unanswered}
    (hint,) = [n for n in report.notes if n.startswith("The server may hold refused recipients")]
    assert "no RCPT TO was answered within 2.5 s" in hint and "try a timeout of 5 s or more (--timeout 5)" in hint


@pytest.mark.slow  # Postfix's tarpit after two errors (5 s per reply from then on)
def test_postfix_tarpit_after_the_soft_limit_is_reported(postfix_stock_tarpit):
    report = run_relay_test("127.0.0.1", postfix_stock_tarpit.ports["smtp"], timeout=5)
    assert report.open_relay is False and report.verdict == "closed", report.to_dict()
    slow = [a for a in report.attempts if a.seconds >= 4.5]
    assert 0 < len(slow) < 16  # the first refusals of a session come at once, the later ones are held back
    assert report.tarpit_seconds == pytest.approx(5, abs=0.6)
    note = next(n for n in report.notes if "refusals were held back about 5." in n)
    assert note.startswith(f"{len(slow)} of 16 refusals") and "smtpd_error_sleep_time" in note

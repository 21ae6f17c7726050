"""The triage wizard's live relay test with qtbot, against real Postfix (and a server that hangs)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from sbskit.ui.triage.wizard import TriageWizard

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(triage_tab):
    return triage_tab


def _to_live_page(tab, server_ip: str):
    wizard = tab.wizard
    wizard.symptoms.set_answer("queues_long", "yes")
    wizard.symptoms.server_ip.setText(server_ip)
    wizard.next()
    wizard.next()
    assert wizard.currentId() == TriageWizard.LIVE
    return wizard.live


def _connections(server) -> int:
    return server.log_text().count(": connect from")  # not "disconnect from"


def test_declined_makes_no_connection_then_accepted_is_not_confirmed_from_loopback(tab, qtbot, postfix_open):
    live = _to_live_page(tab, "127.0.0.1")
    assert live.host_edit.text() == "127.0.0.1"  # the mail server address from the symptoms page
    live.port_spin.setValue(postfix_open.ports["smtp"])
    asked = []
    live.confirm = lambda host, port: asked.append((host, port)) or False
    before = _connections(postfix_open)
    qtbot.keyClick(live.host_edit, Qt.Key.Key_Return)  # Enter asks too, and does not press Next
    assert asked == [("127.0.0.1", postfix_open.ports["smtp"])]
    assert tab.wizard.currentId() == TriageWizard.LIVE
    assert not live.relay.busy and live.relay.result.text().startswith("Not run (not confirmed)")
    qtbot.wait(500)
    assert _connections(postfix_open) == before  # declined: not a single connection
    assert tab.wizard.state.live.relay is None

    live.confirm = lambda host, port: True
    live.relay.run.click()
    assert live.relay.busy and not live.isComplete()
    qtbot.waitUntil(lambda: not live.relay.busy, timeout=30000)
    sessions = tab.wizard.state.live.relay["connections"]
    assert 1 <= sessions <= 4  # the variants are spread over at most four connections
    qtbot.waitUntil(lambda: _connections(postfix_open) == before + sessions, timeout=5000)  # logged a bit later
    text = live.relay.result.text()
    # Postfix trusts loopback (mynetworks): accepted from here is "could not tell", never a confirmed open relay
    assert "127.0.0.1 port" in text and "an address the server may trust" in text
    assert "will use the relay test" in live.skip_note.text()

    tab.wizard.next()
    result = tab.wizard.state.result
    assert result.as_dict()["live_checks"]["relay"]["state"] == "unknown"
    assert not (result.findings and result.findings[0].cause == "open_relay" and result.findings[0].confidence >= 0.8)


def test_closed_relay_lowers_open_relay(tab, qtbot, postfix_closed):
    live = _to_live_page(tab, "127.0.0.1")
    live.host_edit.setText(f"127.0.0.1:{postfix_closed.ports['smtp']}")  # HOST:PORT in the field works too
    asked = []
    live.confirm = lambda host, port: asked.append((host, port)) or True
    live.relay.run.click()
    qtbot.waitUntil(lambda: not live.relay.busy, timeout=30000)
    assert asked == [("127.0.0.1", postfix_closed.ports["smtp"])]
    assert (live.host_edit.text(), live.port_spin.value()) == ("127.0.0.1", postfix_closed.ports["smtp"])
    assert "accepted none of the" in live.relay.result.text()
    tab.wizard.next()
    scores = tab.wizard.state.result.scores["open_relay"]
    assert scores["evidence_logit"] < 0 and scores["reasons"][0].startswith("Live relay test:")


def test_bad_host_port_is_said_on_the_page(tab):
    live = _to_live_page(tab, "")
    asked = []
    live.confirm = lambda host, port: asked.append(host) or True
    live.relay.run.click()
    assert "Enter the mail server" in live.relay.result.text()
    live.host_edit.setText("mail.example.com:0")
    live.relay.run.click()
    assert "not a port number" in live.relay.result.text() and asked == [] and not live.relay.busy


def test_cancel_relay_test_against_a_hanging_server(tab, qtbot, hostile):
    def greet_then_hang(conn, stop):
        conn.sendall(b"220 slow.sbskit.test ESMTP\r\n")
        stop.wait(30)

    server = hostile(greet_then_hang)
    live = _to_live_page(tab, "127.0.0.1")
    live.port_spin.setValue(server.port)
    live.relay_timeout = 20.0
    live.confirm = lambda host, port: True
    live.relay.run.click()
    qtbot.waitUntil(lambda: server.connections == 1, timeout=5000)
    assert live.relay.busy and live.relay.cancel.isEnabled()
    live.relay.cancel.click()
    qtbot.waitUntil(lambda: not live.relay.busy, timeout=5000)  # far sooner than the 20 s timeout
    assert live.relay.result.text().startswith("Cancelled")
    assert tab.wizard.state.live.relay is None and live.isComplete()
    tab.wizard.next()
    assert tab.wizard.state.result.as_dict()["live_checks"] == {}

"""The POP3 risk tab with pytest-qt: checklist saving, live probe, relay confirmation, memo."""

from __future__ import annotations

import socket
import threading

import pytest

from sbskit.core.mailprobe import checklist as cl
from sbskit.ui.pop3.probe import COLUMNS
from sbskit.ui.pop3.relay import COLUMNS as RELAY_COLUMNS

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot):
    from sbskit.ui.pop3.tab import Pop3RiskTab

    widget = Pop3RiskTab()
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.checklist.loaded, timeout=5000)
    yield widget
    widget.shutdown()  # waits until the checklist's queued saves are done
    for worker in (widget.probe.worker, widget.relay.worker, widget.memo_worker):
        if worker is not None:
            qtbot.waitUntil(lambda w=worker: not w.running, timeout=15000)


def test_identity():
    from sbskit.ui.pop3.tab import Pop3RiskTab

    assert Pop3RiskTab.slug == "pop3-risk" and Pop3RiskTab.title == "POP3 risk"


def test_checklist_edits_are_saved_to_the_profile(tab, qtbot):
    panel = tab.checklist
    assert panel.table.rowCount() == len(cl.catalogue()["items"])
    row = panel.row_of("cleartext")
    panel.status_combo(row).setCurrentIndex(cl.STATUSES.index("at-risk"))
    panel.table.item(row, 3).setText("port 110 forwarded on the router")
    panel.client_edit.setText("Contoso")
    panel.client_edit.textEdited.emit("Contoso")
    qtbot.waitUntil(lambda: not panel.saving, timeout=5000)
    qtbot.waitUntil(lambda: panel.saved_label.text().startswith("Saved"), timeout=5000)
    from sbskit.core.profiles import ProfileStore, checklists

    with ProfileStore() as store:  # no client chosen: the answers are the "default" template's
        _name, saved = checklists.load_template(store, "default")
    assert saved["client"] == "Contoso"
    assert saved["items"]["cleartext"] == {"status": "at-risk", "notes": "port 110 forwarded on the router"}


def test_commands_follow_the_exchange_version(tab):
    panel = tab.checklist
    panel.version_combo.setCurrentIndex(panel.version_combo.findData("2003"))
    assert "ADModify" in panel.commands.toPlainText()
    panel.version_combo.setCurrentIndex(panel.version_combo.findData("2007-2010"))
    text = panel.commands.toPlainText()
    assert "Set-PopSettings -LoginType SecureLogin" in text and "-PopEnabled $false" in text
    assert panel.sheet.exchange_version == "2007-2010"
    panel.copy_commands()
    from PySide6.QtGui import QGuiApplication

    assert "SecureLogin" in QGuiApplication.clipboard().text()


def set_ports(panel, **ports):
    for key, spin in panel.port_spins.items():
        spin.setValue(ports.get(key, 0))


def test_probe_streams_rows_and_shows_high_risk(tab, qtbot, dovecot_risky):
    panel = tab.probe
    panel.host_edit.setText(dovecot_risky.addr)
    ports = dovecot_risky.ports
    set_ports(panel, pop3=ports["pop3"], pop3s=ports["pop3s"])
    panel.timeout_spin.setValue(5)
    panel.outsider_check.setChecked(True)  # 127.0.0.1 -> 127.0.0.2: loopback that this Dovecot does not trust
    streamed = []
    panel.run_button.click()
    panel.worker.result.connect(lambda r: streamed.append(r.name))
    assert panel.cancel_button.isEnabled() and not panel.run_button.isEnabled()
    with qtbot.waitSignal(panel.probe_done, timeout=30000) as blocker:
        pass
    doc = blocker.args[0]
    assert doc["risk"] == "high"
    assert panel.table.rowCount() == 2
    assert [panel.table.item(r, 0).text() for r in range(2)] == ["POP3", "POP3S"]
    proof_column = COLUMNS.index("How we know")
    assert panel.table.item(0, COLUMNS.index("Login before TLS")).text() == "YES"
    assert panel.table.item(0, proof_column).text() == "+OK to USER"
    assert panel.table.item(0, proof_column).toolTip() == "Proof seen: USER sbskit-probe-nobody -> +OK"
    assert panel.table.item(1, proof_column).text() == "TLS from the first byte"
    assert "HIGH risk" in panel.risk_label.text() and "stayed open" not in panel.risk_label.text()
    panel.table.setCurrentCell(0, 0)
    details = panel.details.toPlainText()
    assert "Proof seen: passwords can cross before encryption" in details
    assert "USER sbskit-probe-nobody -> +OK" in details and "PASS was not sent" in details
    assert "Passwords are accepted before encryption" in panel.csv_text()
    assert "USER sbskit-probe-nobody -> +OK" in panel.csv_text()
    panel.copy_text()
    from PySide6.QtGui import QGuiApplication

    clipboard = QGuiApplication.clipboard().text()
    assert "overall risk HIGH" in clipboard and "How the login question was decided" in clipboard
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=5000)
    assert tab.relay.host_edit.text() == dovecot_risky.addr  # handed over to the relay page
    section, *findings = tab.report_sections()  # the visit report carries what the probe found, as tables
    assert section.heading == "Mail server exposure" and "overall risk HIGH" in section.html_body
    assert "<pre>" not in section.html_body and "<td>+OK to USER</td>" in section.html_body
    assert findings[0].heading == "Findings" and "Passwords are accepted before encryption" in findings[0].html_body


def greet_then_silent(conn, stop):
    conn.sendall(b"+OK ready\r\n")
    stop.wait(30)


def test_partly_checked_service_keeps_what_it_showed_and_lists_what_is_open(tab, qtbot, hostile):
    server = hostile(greet_then_silent)
    panel = tab.probe
    panel.host_edit.setText("127.0.0.1")
    set_ports(panel, pop3=server.port)
    panel.timeout_spin.setValue(1)
    with qtbot.waitSignal(panel.probe_done, timeout=15000) as blocker:
        panel.run_button.click()
    (svc,) = blocker.args[0]["services"]
    assert svc["status"] == "partial"
    cells = [panel.table.item(0, c).text() for c in range(len(COLUMNS))]
    assert cells[2:6] == ["partly checked", "?", "?", "open question"]
    badge = panel.risk_label.text()
    assert "UNKNOWN" in badge and "(could be HIGH)" in badge
    assert f"Open: POP3 ({server.port}): Does it take a password before TLS? and 3 more" in badge
    assert "could not tell: What does it offer before TLS?" in panel.reasons_label.text()
    panel.table.setCurrentCell(0, 0)
    details = panel.details.toPlainText()
    assert "Still open (4)" in details and "no complete answer to CAPA within 1 s" in details
    assert "Kept from before it stopped: greeting 'ready'" in details
    assert "open,Does it take a password before TLS?" in panel.csv_text()


def test_ctrl_enter_runs_the_probe_and_ctrl_r_stays_the_client_rerun(qtbot):
    """One meaning per key: Ctrl+Enter runs the probe while its page shows (as it runs every tab's
    check); Ctrl+R is Client > Re-run from every page, the probe page included."""
    from PySide6.QtCore import Qt

    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    window = MainWindow(settings=Settings())
    qtbot.addWidget(window)
    reruns = []
    window.recheck_client = lambda: reruns.append(window.tabs.currentIndex())
    window.action_recheck.triggered.disconnect()
    window.action_recheck.triggered.connect(window.recheck_client)
    window.action_recheck.setEnabled(True)
    index = next(i for i, t in enumerate(window.tab_widgets) if t.slug == "pop3-risk")
    window.tabs.setCurrentIndex(index)
    pop3_tab = window.tab_widgets[index]
    pop3_tab.pages.setCurrentWidget(pop3_tab.checklist)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    panel = pop3_tab.probe
    assert "Ctrl+Enter" in panel.run_button.toolTip() and "Ctrl+R" not in panel.run_button.toolTip()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, not listening: refused at once
        set_ports(panel, pop3=closed.getsockname()[1])
        panel.host_edit.setText("127.0.0.1")
        qtbot.keyClick(pop3_tab.checklist.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert panel.worker is None  # the probe page is not showing: Ctrl+Enter is not the probe's
        pop3_tab.pages.setCurrentWidget(panel)
        panel.host_edit.setFocus()
        qtbot.waitUntil(panel.host_edit.hasFocus)
        qtbot.keyClick(panel.host_edit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        assert reruns == [index] and panel.worker is None  # Ctrl+R on the probe page: the client re-run
        with qtbot.waitSignal(panel.probe_done, timeout=10000) as blocker:
            qtbot.keyClick(panel.host_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args[0]["services"][0]["status"] == "not-reachable"
    pop3_tab.shutdown()


def test_mnemonics_are_unique_on_every_page(tab):
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    def letters(widgets) -> list[str]:
        found = []
        for widget in widgets:
            match = re.search(r"&(\w)", widget.text().replace("&&", ""))
            if match:
                found.append(match.group(1).lower())
        return found

    shared = letters([tab.memo_html_button, tab.memo_pdf_button])
    for page in (tab.checklist, tab.probe, tab.relay):
        own = letters(page.findChildren(QAbstractButton) + page.findChildren(QLabel))
        assert len(set(own + shared)) == len(own + shared), (type(page).__name__, sorted(own + shared))


def test_probe_cancel_is_quick(tab, qtbot):
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    held = []

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])  # accept and say nothing: a hanging server
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        panel = tab.probe
        panel.host_edit.setText("127.0.0.1")
        set_ports(panel, pop3=listener.getsockname()[1])
        panel.timeout_spin.setValue(60)
        panel.start()
        qtbot.wait(300)
        with qtbot.waitSignal(panel.worker.ended, timeout=3000):
            panel.cancel_button.click()
        assert panel.run_button.isEnabled()
    finally:
        stop.set()
        thread.join(5)
        for s in held:
            s.close()
        listener.close()


def test_probe_bad_host_shows_one_line_error(tab, qtbot):
    panel = tab.probe
    panel.host_edit.setText("not a host")
    panel.start()
    qtbot.waitUntil(lambda: "not a host name" in panel.risk_label.text(), timeout=5000)


def test_relay_needs_confirmation(tab, qtbot, postfix_open):
    panel = tab.relay
    asked = []
    panel.confirm = lambda host, port: asked.append((host, port)) or False
    panel.host_edit.setText("127.0.0.1")
    panel.port_spin.setValue(postfix_open.ports["smtp"])
    before = postfix_open.log_text().count("connect from")
    panel.run_button.click()
    assert asked == [("127.0.0.1", postfix_open.ports["smtp"])]
    assert panel.worker is None
    qtbot.wait(300)
    assert postfix_open.log_text().count("connect from") == before  # declined: not a single connection

    panel.confirm = lambda host, port: True
    panel.timeout_spin.setValue(5)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.last is not None, timeout=30000)
    assert panel.last["open_relay"] is None  # Postfix trusts loopback: accepted from here is no verdict
    assert "Could not tell:</b> 16 of 16 variants were accepted, but from the server itself" in panel.verdict.text()
    assert "tested from a trusted network" in panel.behaviour.text()
    panel.outsider_check.setChecked(True)
    panel.last = None
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=5000)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.last is not None, timeout=30000)
    assert panel.last["open_relay"] is True
    assert panel.table.rowCount() == 16
    assert "Possibly an open relay" in panel.verdict.text()
    assert "over 4 connection(s), at most 4 at once" in panel.behaviour.text()
    assert [s.heading for s in tab.report_sections()] == ["Open-relay test"]


def smtp_that_drips_rcpt_answers(conn, stop):
    conn.sendall(b"220 drip.example ESMTP\r\n")
    while not stop.is_set():
        try:
            line = conn.recv(1000)
        except socket.timeout:
            continue
        if not line:
            return
        if line.startswith(b"RCPT"):
            while not stop.wait(0.2):
                conn.sendall(b" ")
            return
        conn.sendall(b"250 ok\r\n")


def test_relay_page_shows_hang_ups_and_open_variants(tab, qtbot, postfix_hangup, hostile):
    panel = tab.relay
    panel.confirm = lambda host, port: True
    panel.host_edit.setText("127.0.0.1")
    panel.port_spin.setValue(postfix_hangup.ports["smtp"])
    panel.timeout_spin.setValue(3)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.last is not None, timeout=30000)
    assert panel.last["open_relay"] is False
    assert "Not an open relay:</b> no relay variant accepted, all 16 refused" in panel.verdict.text()
    assert "after 3 refusal(s)" in panel.behaviour.text()
    dripping = hostile(smtp_that_drips_rcpt_answers)
    panel.port_spin.setValue(dripping.port)
    panel.timeout_spin.setValue(0.5)
    panel.deadline_spin.setValue(40)
    panel.last = None
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=5000)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.last is not None, timeout=30000)
    assert panel.last["open_relay"] is None
    assert "Could not tell" in panel.verdict.text() and "None was accepted" in panel.verdict.text()
    accepted_column = RELAY_COLUMNS.index("Accepted")
    open_rows = [r for r in range(panel.table.rowCount()) if panel.table.item(r, accepted_column).text() == "? (open)"]
    assert len(open_rows) == len(panel.last["unanswered"]) > 0
    assert panel.table.rowCount() == 16 == len(open_rows)
    reply_column = RELAY_COLUMNS.index("Server reply")
    # a held-back first answer is asked again with the 10 s tarpit allowance before it counts as no answer
    assert "no answer: no complete answer to RCPT TO within 10.5 s" in panel.table.item(open_rows[0], reply_column).text()
    assert "try a timeout of" in panel.behaviour.text()
    assert "deadline 40 s" in panel.behaviour.text() and panel.last["deadline_seconds"] == 40


def test_memo_export_html_and_pdf(tab, qtbot, tmp_path):
    tab.checklist.sheet.request = "POP3 for the warehouse PC"
    target = tmp_path / "memo"
    tab.ask_memo_path = lambda kind: str(target)
    worker = tab.export_memo("html")
    qtbot.waitUntil(lambda: not worker.running, timeout=10000)
    html_file = target.with_suffix(".html")
    assert "POP3 for the warehouse PC" in html_file.read_text()
    assert "No live test was run" in html_file.read_text()
    worker = tab.export_memo("pdf")
    qtbot.waitUntil(lambda: not worker.running, timeout=20000)
    assert target.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    tab.ask_memo_path = lambda kind: ""
    assert tab.export_memo("pdf") is None  # dialog cancelled: nothing happens


def test_prepare_screenshot_is_offline_and_real(qtbot):
    from sbskit.ui.pop3.tab import Pop3RiskTab

    widget = Pop3RiskTab()
    qtbot.addWidget(widget)
    widget.prepare_screenshot()
    assert widget.pages.currentWidget() is widget.checklist
    assert widget.checklist.table.rowCount() == len(cl.catalogue()["items"])
    assert widget.probe.table.rowCount() == 0 and widget.probe.last is None  # no invented probe results
    qtbot.waitUntil(lambda: not widget.checklist.jobs.pending, timeout=5000)


def test_templates_keep_their_own_answers(tab, qtbot):
    panel = tab.checklist
    row = panel.row_of("devices")
    panel.status_combo(row).setCurrentIndex(cl.STATUSES.index("accepted"))
    qtbot.waitUntil(lambda: not panel.saving, timeout=5000)
    panel.show_template("Fabrikam")
    qtbot.waitUntil(lambda: panel.loaded, timeout=5000)
    assert panel.owner == ("template", "Fabrikam")
    assert panel.status_combo(panel.row_of("devices")).currentData() == "not-assessed"
    panel.show_template("default")
    qtbot.waitUntil(lambda: panel.loaded, timeout=5000)
    assert panel.status_combo(panel.row_of("devices")).currentData() == "accepted"
    assert panel.owner_bar.template_combo.findText("default") >= 0


def test_enter_in_the_host_field_runs_the_probe(tab, qtbot):
    from PySide6.QtCore import Qt

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, not listening: refused at once
        panel = tab.probe
        set_ports(panel, pop3=closed.getsockname()[1])
        panel.host_edit.setText("127.0.0.1")
        with qtbot.waitSignal(panel.probe_done, timeout=10000) as blocker:
            qtbot.keyClick(panel.host_edit, Qt.Key.Key_Return)
    assert blocker.args[0]["services"][0]["status"] == "not-reachable"
    assert panel.table.item(0, 2).text() == "not reachable"
    assert "UNKNOWN" in panel.risk_label.text()


def test_tab_follows_the_client_and_reports_its_results(tab, qtbot):
    from sbskit.core.profiles import ProfileStore

    with ProfileStore() as store:
        store.add("Contoso Dental")
    tab.client_changed("contoso dental")  # any case, like the GUI's client list and the CLI's --profile
    qtbot.waitUntil(lambda: tab.checklist.loaded and tab.checklist.owner == ("client", "Contoso Dental"),
                    timeout=10000)
    assert tab.report_sections() == []  # nothing checked or assessed yet
    runs = []
    tab.run_completed.connect(lambda kind, doc: runs.append(kind))
    tab.relay.relay_done.emit({"host": "127.0.0.1", "port": 25, "open_relay": False, "attempts": []})
    tab.probe.probe_done.emit({"host": "127.0.0.1", "services": [], "risk": "unknown", "reasons": []})
    assert runs == ["relaytest", "mailprobe"]


def test_probe_and_relay_forms_remember_the_last_host(qtbot):
    from sbskit.core.settings import Settings
    from sbskit.ui.pop3.probe import ProbePanel
    from sbskit.ui.pop3.relay import RelayPanel
    from sbskit.ui.common.remembered import recall, remember

    remember({"probe/host": "mail.contoso.example", "probe/timeout": 5, "relay/host": "smtp.contoso.example",
              "relay/port": 587})
    probe, relay = ProbePanel(), RelayPanel()
    qtbot.addWidget(probe)
    qtbot.addWidget(relay)
    assert probe.host_edit.text() == "mail.contoso.example" and probe.timeout_spin.value() == 5.0
    assert (relay.host_edit.text(), relay.port_spin.value()) == ("smtp.contoso.example", 587)
    settings = Settings()
    settings.set("relay/port", "not a port")  # a hand-edited file
    settings.save()
    assert recall("relay/port", 25) == 25


def test_probe_from_loopback_says_so_and_is_not_final(tab, qtbot, dovecot_risky):
    from PySide6.QtCore import Qt

    """The badge: not final while the login question is open, and where the probe ran from."""
    panel = tab.probe
    panel.host_edit.setText(dovecot_risky.addr)
    set_ports(panel, pop3=dovecot_risky.ports["pop3"])
    panel.timeout_spin.setValue(5)
    panel.outsider_check.setChecked(False)
    qtbot.keyClick(panel.host_edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(panel.probe_done, timeout=30000) as blocker:
        pass
    assert blocker.args[0]["risk_could_be"] == "high"
    badge = panel.risk_label.text()
    assert "At least MEDIUM risk, could be HIGH: not final" in badge
    assert f"Open: POP3 ({dovecot_risky.ports['pop3']}): Does it take a password before TLS?" in badge
    assert "<b>Careful:</b> tested over loopback" in badge and "tick Outsider" in badge
    reasons = panel.reasons_label.text()
    assert f"POP3 ({dovecot_risky.ports['pop3']}): could not tell: Does it take a password before TLS? (see the details" \
        in reasons
    assert "Failed logins caused on the server: 0" in reasons
    assert panel.table.item(0, COLUMNS.index("How we know")).text() == "yes from here only (trusted)"
    assert "Could not tell from here: seen from a trusted address only" in panel.details.toPlainText()

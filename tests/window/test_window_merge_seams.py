"""Where two round-2 branches met (window2's report scope and resolver lines, stick2's re-run dialog
and client following), driven as the consultant does: real keys, the real dialogs.

* Ctrl+R opens the real re-run dialog: it shows the resolver problem and the resolver asked
  first, then the per-target blocks; Copy (clicked) puts the same lines on the clipboard.
* Renaming the current client in Client profiles keeps what this visit made for it (a pasted
  ``ver`` has no target: only the session rule ties it to the client) in its report.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from servers.bind import BindServer
from window_keys import press, type_keys

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def bind(tmp_path_factory):  # the root zone only: every blocklist is silent, the resolver is the cause
    server = BindServer(tmp_path_factory.mktemp("seams-bind"))
    server.start()
    yield server
    server.stop()


def _add(name: str, **entries) -> None:
    from sbskit.core.profiles.store import ProfileStore

    with ProfileStore() as store:
        store.add(name, **entries)


def test_ctrl_r_opens_the_rerun_dialog_with_the_resolver_first_and_copy_has_it_all(main_window, qtbot, bind):
    from sbskit.ui.profiles.rerun_dialog import RerunDialog

    _add("Acme Dental", ips=["127.0.0.77"])
    main_window.set_current_client("Acme Dental")
    main_window.tabs.setCurrentIndex(1)
    blacklist = main_window.ensure_tab(1)
    qtbot.waitUntil(blacklist.resolver_edit.isVisible)
    QTest.mouseClick(blacklist.resolver_edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(blacklist.resolver_edit.hasFocus)
    type_keys(main_window, bind.address)
    blacklist.timeout_spin.setValue(1)
    seen: dict = {}

    def inspect() -> None:  # runs inside the dialog's own modal loop
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, RerunDialog):
            QTimer.singleShot(50, inspect)
            return
        seen["shown"] = dialog.body.toPlainText()
        seen["headline"] = dialog.headline.text()
        screen = dialog.screen().availableGeometry()
        seen["fits"] = screen.contains(dialog.frameGeometry()) or dialog.height() <= screen.height()
        QTest.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        seen["copied"] = QGuiApplication.clipboard().text()
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(50, inspect)
    press(main_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "copied" in seen, timeout=60000)
    shown = [line.strip() for line in seen["shown"].splitlines() if line.strip()]
    assert shown[0].startswith(f"Your resolver ({bind.address}) cannot reach the blocklists")
    assert shown[1] == f"DNS resolver asked: {bind.address}"
    verdict = next(line for line in shown if line.startswith("First visit"))
    assert verdict.split(": ")[1] in ("could not check (32 of 32 lists failed", "incomplete") and "no problems" not in verdict
    assert "could not check everything" in seen["headline"]
    copied = [line.strip() for line in seen["copied"].splitlines()]
    assert copied[1] == shown[0] and copied[2] == shown[1]  # Copy says what the dialog says, in its order
    assert any("127.0.0.77" in line and verdict.split(": ", 1)[1] in line for line in copied)
    assert seen["fits"]


def test_a_rename_keeps_this_visits_results_in_the_renamed_clients_report(main_window, qtbot):
    from sbskit.ui.profiles.dialog import ProfilesDialog

    _add("Empty Co", ips=["192.0.2.7"])
    main_window.set_current_client("Empty Co")
    osver = main_window.ensure_tab(0)
    main_window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(osver.identify.input.isVisible)
    QTest.mouseClick(osver.identify.input, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(osver.identify.input.hasFocus)
    type_keys(main_window, "Microsoft Windows [Version 6.1.7601]")  # Empty Co's server, pasted this visit
    press(main_window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: osver.identify.result is not None, timeout=10000)
    before = {part.key: inc.include for part, inc in main_window.reports.candidates()}
    assert before["osver/identify"]

    dialog = ProfilesDialog(main_window, current=main_window.current_client)
    for signal, slot in main_window.profile_hooks().items():  # as Client > Client profiles connects them
        getattr(dialog, {"on_renamed": "profile_renamed", "on_deleted": "profile_deleted"}[signal]).connect(slot)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Empty Co" and not dialog.busy, timeout=10000)
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Empty Company")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main_window.current_client == "Empty Company", timeout=10000)
    dialog.reject()
    after = {part.key: (inc.include, inc.reason) for part, inc in main_window.reports.candidates()}
    assert after["osver/identify"][0], after["osver/identify"][1]  # not "made while Empty Co was the client"

    main_window.set_current_client("")  # a real change of client still seals it as the renamed client's
    _add("Other")
    main_window.set_current_client("Other")
    other = {part.key: (inc.include, inc.reason) for part, inc in main_window.reports.candidates()}
    assert not other["osver/identify"][0] and "Empty Company" in other["osver/identify"][1]


def test_about_says_what_the_kit_does_and_where_it_keeps_things(main_window):
    text = main_window.about_text()
    assert "Offline checks" not in text and "live against the servers and DNS resolver you name" in text
    if main_window.paths.mode == "portable":  # SBSKIT_HOME in the tests: a folder, not necessarily a USB stick
        assert f"portable (everything in one folder: {main_window.paths.root})" in text and "USB" not in text


def test_the_action_plan_names_the_relay_test_where_it_is():
    import json

    from sbskit.core.resources import resource_path

    text = json.dumps(json.loads(resource_path("triage-actions.json").read_text(encoding="utf-8")))
    assert "POP3 & relay tab" not in text and "POP3 risk tab, Relay test page" in text


def test_a_report_picture_shows_no_selected_row_and_the_view_keeps_its_selection(qtbot):
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    from sbskit.ui.shell.report_views import render_view

    table = QTableWidget(3, 2)
    for row in range(3):
        for column in range(2):
            table.setItem(row, column, QTableWidgetItem(f"cell {row} {column}"))
    qtbot.addWidget(table)
    table.show()
    qtbot.waitExposed(table)
    table.selectRow(0)
    highlight = table.palette().color(table.palette().ColorGroup.Active, table.palette().ColorRole.Highlight)
    image = render_view(table).toImage()
    ratio = image.devicePixelRatio()
    rect = table.visualRect(table.model().index(0, 1)).translated(table.viewport().pos())
    colour = image.pixelColor(int((rect.right() - 3) * ratio), int(rect.center().y() * ratio))
    assert colour != highlight and colour == table.palette().color(table.palette().ColorRole.Base)
    assert [i.row() for i in table.selectionModel().selectedRows()] == [0]
    assert table.palette().color(table.palette().ColorRole.Highlight) == highlight


def test_reports_get_the_permissions_of_any_saved_file_settings_stay_private(tmp_path):
    import os
    import stat

    from sbskit.core.settings import atomic_write_text

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "report.html", "<p>x</p>")
        atomic_write_text(tmp_path / "settings.json", "{}", private=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o644  # as the PDF next to it
    assert stat.S_IMODE((tmp_path / "settings.json").stat().st_mode) == 0o600


def test_one_allow_list_that_could_not_answer_is_one_lookup():
    from sbskit.core.dnsbl.summary import summary_line

    line = summary_line({"verdict": "not-listed", "results": 3, "listed": 0, "clean": 3, "errors": 0,
                         "allow_lists": {"errors": 1}})
    assert "1 allow-list lookup could not answer" in line, line


def test_a_rerun_is_on_page_one_of_the_clients_report(main_window, qtbot, bind, tmp_path):
    from sbskit.ui.shell.report_dialog import ReportOptions

    _add("Acme Dental", ips=["127.0.0.77"])
    _add("Baker")
    main_window.set_current_client("Acme Dental")
    main_window.tabs.setCurrentIndex(1)
    blacklist = main_window.ensure_tab(1)
    qtbot.waitUntil(blacklist.resolver_edit.isVisible)
    blacklist.resolver_edit.setText(bind.address)
    blacklist.timeout_spin.setValue(1)
    shown = []
    main_window.show_rerun = shown.append
    press(main_window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(shown), timeout=60000)
    report = main_window.build_report(ReportOptions("Acme Dental", "", "", tmp_path / "visit"))
    [line] = [s for s in report.summaries if s.check == "Re-run of Acme Dental's saved checks"]
    assert line.light == "amber" and "Blacklist check 127.0.0.77" in line.verdict  # not "no checks were run"
    assert "Could not check everything" in line.verdict and "nothing is wrong" not in line.verdict
    body = "".join(s.html_body for s in report.sections)
    assert f"DNS resolver asked: {bind.address}" in body
    main_window.client_renamed("Acme Dental", "Acme Dental Care")  # Client profiles saved a rename
    included = {part.key: inc.include for part, inc in main_window.reports.candidates()}
    assert included["client/rerun"] is True
    main_window.set_current_client("Baker")  # another client's report leaves Acme's re-run out
    included = {part.key: inc.include for part, inc in main_window.reports.candidates()}
    assert included["client/rerun"] is False


def test_a_block_says_its_network_and_broadcast_addresses_are_left_out(main_window, qtbot):
    main_window.tabs.setCurrentIndex(1)
    blacklist = main_window.ensure_tab(1)
    qtbot.waitUntil(blacklist.resolver_edit.isVisible)
    blacklist.resolver_edit.setText("127.0.0.1:53")  # typed only: nothing is asked
    QTest.mouseClick(blacklist.target_box.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(blacklist.target_box.lineEdit().hasFocus)
    type_keys(main_window, "192.0.2.0/30")
    qtbot.waitUntil(lambda: "Will check" in blacklist.validation_label.text(), timeout=5000)
    text = blacklist.validation_label.text()
    assert "2 IPv4 addresses" in text and "network and broadcast addresses" in text


def test_results_asked_of_another_resolver_say_so(main_window, qtbot, bind):
    main_window.tabs.setCurrentIndex(1)
    blacklist = main_window.ensure_tab(1)
    qtbot.waitUntil(blacklist.resolver_edit.isVisible)
    blacklist.resolver_edit.setText(bind.address)
    blacklist.timeout_spin.setValue(1)
    QTest.mouseClick(blacklist.target_box.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(blacklist.target_box.lineEdit().hasFocus)
    type_keys(main_window, "127.0.0.77")
    press(main_window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: blacklist.worker is None and bool(blacklist.results.items), timeout=60000)
    assert "were asked of" not in blacklist.validation_label.text()
    QTest.mouseClick(blacklist.resolver_edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(blacklist.resolver_edit.hasFocus)
    press(main_window, Qt.Key.Key_Backspace)  # the admin edits the resolver after the check
    qtbot.waitUntil(lambda: "were asked of" in blacklist.validation_label.text(), timeout=5000)
    assert f"asked of {bind.address}" in blacklist.validation_label.text()


def test_triage_live_blocklist_tests_a_loopback_address_against_your_own_dns(main_window, qtbot, bind):
    wizard = main_window.ensure_tab(2).wizard
    main_window.tabs.setCurrentIndex(2)
    wizard.start_over()
    wizard.next()
    wizard.next()
    live = wizard.live
    qtbot.waitUntil(live.isVisible)
    live.ip_edit.setText("127.0.0.77")
    live.resolver_edit.clear()
    live.run_blacklist()  # no resolver: a loopback address is refused, with the way to test it
    assert "not a public address" in live.blacklist.result.text() and "your own DNS server" in \
        live.blacklist.result.text()
    live.resolver_edit.setText(bind.address)
    live.run_blacklist()  # as on the Blacklist tab: your own DNS server may list it
    qtbot.waitUntil(lambda: not live.blacklist.busy and live.state.live.blacklist is not None, timeout=60000)
    assert "not a public address" not in live.blacklist.result.text()

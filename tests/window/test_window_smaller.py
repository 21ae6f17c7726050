"""Item 10: save dialogs start in the reports folder; the Targets box keeps what was typed; a
long paste stays out of settings.json; the relay test is never prefilled with a LAN address.

No packet leaves loopback here: the one blocklist run asks a resolver on 127.0.0.1 and is
cancelled at once; the relay tests are never started.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from sbskit.core.paths import app_paths
from window_keys import press, type_keys

pytestmark = pytest.mark.gui


@pytest.fixture
def save_dialogs(monkeypatch):
    """Every save dialog's starting path; the dialog answers Cancel."""
    asked = []

    def fake(parent, caption="", directory="", filter="", *args, **kwargs):
        asked.append((caption, directory))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return asked


def test_every_save_dialog_starts_in_the_reports_folder(main_window, qtbot, save_dialogs):
    reports = app_paths().reports
    osver = main_window.ensure_tab(0)
    osver.identify.ask_save_path()
    osver.lint.ask_save_path()
    osver.snippets.ask_save_path("ps1")
    pop3 = main_window.ensure_tab(3)
    pop3._ask_memo_path("pdf")
    pop3.probe._ask_csv_path()
    blacklist = main_window.ensure_tab(1)
    blacklist._ask_save_path("blacklist-results.csv")  # the name alone: the caller adds the folder
    main_window._ask_save_path(str(reports / "x.png"))
    starts = {caption: directory for caption, directory in save_dialogs}
    wrong = {c: d for c, d in starts.items() if c != "Export blocklist results" and not d.startswith(str(reports))}
    assert wrong == {}
    assert len(starts) == 7


def test_blacklist_csv_export_asks_for_a_file_in_the_reports_folder(main_window, qtbot, monkeypatch):
    blacklist = main_window.ensure_tab(1)
    asked = []
    blacklist.ask_save_path = lambda default: asked.append(default) or ""
    blacklist.results.items = [object()]  # something to export
    monkeypatch.setattr(blacklist.results, "items", [object()], raising=False)
    blacklist.export_csv()
    assert asked and asked[0].startswith(str(app_paths().reports))


def _blacklist(main_window, qtbot):
    main_window.tabs.setCurrentIndex(1)
    tab = main_window.ensure_tab(1)
    qtbot.waitUntil(tab.target_box.isVisible)
    return tab


def test_a_typed_ip_is_not_completed_into_an_old_multi_target_line(main_window, qtbot):
    tab = _blacklist(main_window, qtbot)
    tab.target_box.addItem("203.0.113.7 203.0.113.8 mail.example.com")
    tab.target_box.setCurrentIndex(-1)
    tab.target_box.lineEdit().clear()
    QTest.mouseClick(tab.target_box.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.target_box.lineEdit().hasFocus)
    type_keys(main_window, "203.0.113.7")
    assert tab.target_box.currentText() == "203.0.113.7"
    assert tab.target_text().strip() == "203.0.113.7"


def test_a_10000_character_paste_is_not_stored_in_settings(main_window, qtbot):
    tab = _blacklist(main_window, qtbot)
    tab.resolver_edit.setText("127.0.0.1:9")  # loopback only; nothing answers there
    pasted = " ".join(f"203.0.113.{i % 250 + 1}" for i in range(800))[:10000]
    assert len(pasted) >= 9990
    QGuiApplication.clipboard().setText(pasted)
    QTest.mouseClick(tab.target_box.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.target_box.lineEdit().hasFocus)
    press(main_window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert tab.target_text() == pasted
    tab._remember(tab.target_text().strip())  # what Check does first; the run itself is not needed here
    main_window.settings.save()
    stored = json.loads(main_window.settings.path.read_text(encoding="utf-8"))
    longest = max((len(v) for v in json.dumps(stored).split('"')), default=0)
    assert longest < 600
    assert pasted not in json.dumps(stored)
    assert tab.target_text() == pasted  # the box still shows what was pasted


def test_triage_relay_host_is_not_prefilled_with_the_servers_lan_ip(main_window, qtbot):
    main_window.tabs.setCurrentIndex(2)
    wizard = main_window.ensure_tab(2).wizard
    qtbot.waitUntil(lambda: wizard.currentPage() is not None and wizard.currentPage().isVisible())
    QTest.mouseClick(wizard.symptoms.server_ip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(wizard.symptoms.server_ip.hasFocus)
    type_keys(main_window, "192.168.1.10")
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == wizard.LIVE)
    assert wizard.live.host_edit.text() == ""
    assert wizard.live.ip_edit.text() == ""  # not public either: nothing to look up


def test_pop3_relay_host_is_not_prefilled_from_a_probe_of_a_lan_address(main_window, qtbot):
    pop3 = main_window.ensure_tab(3)
    pop3.relay.host_edit.clear()
    pop3._probe_done({"host": "192.168.1.10"})
    assert pop3.relay.host_edit.text() == ""
    pop3._probe_done({"host": "mail.example.com"})
    assert pop3.relay.host_edit.text() == "mail.example.com"


def test_without_logs_the_plan_asks_the_exchange_version(main_window, qtbot):
    """SBS sites run Exchange 2007 and 2010: with nothing to detect it from, the plan asks, and the
    choice made with keys gives that version's commands."""
    main_window.tabs.setCurrentIndex(2)
    wizard = main_window.ensure_tab(2).wizard
    qtbot.waitUntil(lambda: wizard.currentPage() is not None and wizard.currentPage().isVisible())
    wizard.symptoms.set_answer("queues_long", "yes")
    wizard.symptoms.set_answer("ip_listed", "yes")
    for _ in range(4):
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == wizard.PLAN)
    plan = wizard.plan
    assert plan.ask_version.isVisible()
    assert "2013" not in plan.version.text()  # nothing assumed
    before = plan.plain
    plan.ask_version.setFocus()
    qtbot.waitUntil(plan.ask_version.hasFocus)
    press(main_window, Qt.Key.Key_Down)  # the question -> Exchange 2007 (SBS 2008), chosen at once
    assert wizard.state.result.exchange_version == "2007"
    assert "Exchange 2007" in plan.version.text()
    assert plan.plain != before  # one version's commands instead of one per version
    assert not plan.ask_version.isVisible()  # known now: the commands are for that version alone

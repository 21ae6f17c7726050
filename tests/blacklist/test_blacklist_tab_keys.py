"""The Blacklist tab driven from the keyboard in a focused window: headline, Cancel, shortcuts.

Real key events (QTest) go to the widgets of a shown, active window; the sweeps are real
(the test BIND and the misbehaving resolvers of ``bad_resolvers.py``).
"""

from __future__ import annotations

import re

import pytest
from bad_resolvers import ALLOWED_IP
from blacklist_world import CLEAN_IP
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabWidget

from sbskit.core.settings import Settings
from sbskit.ui.blacklist.results import COL_RESULT
from sbskit.ui.blacklist.tab import LISTS_PAGE, RESULTS_PAGE, BlacklistTab
from sbskit.ui.shell.main_window import MainWindow
from sbskit.ui.common.theme import status_foreground

pytestmark = pytest.mark.gui


def focused(qtbot, widget):
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())
    return widget


def type_into(qtbot, line_edit, text: str) -> None:
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(line_edit, text)


def rows(tab):
    tree = tab.results
    return [tree.topLevelItem(g).child(c) for g in range(tree.topLevelItemCount())
            for c in range(tree.topLevelItem(g).childCount())]


@pytest.fixture
def tab(qtbot):
    widget = BlacklistTab()
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    focused(qtbot, widget)
    yield widget
    widget.shutdown()
    if widget.worker is not None:
        qtbot.waitUntil(lambda: widget.worker is None, timeout=15000)


def test_headline_blames_the_resolver_first(qtbot, tab, bad_resolvers):
    type_into(qtbot, tab.resolver_edit, bad_resolvers.address_of("hiding"))
    type_into(qtbot, tab.zones_edit, "")
    tab.timeout_spin.setValue(1.0)
    tab.ptr_check.setChecked(False)
    type_into(qtbot, tab.target_box.lineEdit(), ALLOWED_IP)
    qtbot.waitUntil(lambda: tab.check_button.isEnabled())
    with qtbot.waitSignal(tab.run_completed, timeout=20000):
        qtbot.keyClick(tab.target_box.lineEdit(), Qt.Key.Key_Return)
    headline = tab.summary_label.text()
    assert headline.startswith("Your resolver (") and "cannot reach the blocklists" in headline
    assert "Not listed" not in headline
    assert tab.problem_label.isVisible() and tab.problem_label.text().startswith("Use another resolver")
    assert "cannot reach" not in tab.problem_label.text()  # said once
    assert f"color: {status_foreground('unknown', tab).name()}" in tab.summary_label.styleSheet()
    labels = [row.text(COL_RESULT) for row in rows(tab) if row.text(1) and row.text(1) != "Reverse DNS / MX"]
    assert "Good: Allow-list" in labels
    assert not any("zone-broken" in label for label in labels)
    assert labels.count("Could not tell: blocked-resolver") >= 25


def test_cancel_mid_run_never_calls_unasked_lookups_timeouts(qtbot, tab, bind):
    type_into(qtbot, tab.resolver_edit, bind.address)
    type_into(qtbot, tab.zones_edit, "good.bl.test slow.bl.test")
    tab.timeout_spin.setValue(10.0)
    tab.ptr_check.setChecked(False)
    type_into(qtbot, tab.target_box.lineEdit(), "192.0.2.0/24")
    qtbot.waitUntil(lambda: tab.check_button.isEnabled())
    qtbot.keyClick(tab.target_box.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(tab.results.items) >= 30, timeout=10000)
    assert tab.worker is not None  # slow.bl.test never answers: the sweep is still running
    qtbot.keyClick(tab.target_box.lineEdit(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: tab.worker is None, timeout=5000)
    ran = len(tab.results.items)
    total = 2 * 254
    text = tab.summary_label.text()
    assert text.startswith(f"Cancelled: {ran} of {total} lookups ran"), text
    assert f"{total - ran} were cancelled or not asked" in text
    assert not any(row.text(COL_RESULT) == "Could not tell: timeout" for row in rows(tab))
    doc = tab.current_document()
    assert doc["summary"]["verdict"] == "cancelled" and doc["summary"]["not_asked"] == total - ran
    assert tab.check_button.isEnabled()


@pytest.fixture
def window(qtbot, bind):
    win = MainWindow(settings=Settings())
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.tabs.setCurrentIndex(1)
    focused(qtbot, win)
    return win


def test_shortcuts_reach_the_blacklist_tab(qtbot, window, bind, tmp_path):
    tab = window.current_tab()
    assert isinstance(tab, BlacklistTab)
    asked = []
    window.ask_report_options = lambda: asked.append("report") or None
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["report"]  # Ctrl+E: File > Export report, also on this tab
    type_into(qtbot, tab.resolver_edit, bind.address)
    type_into(qtbot, tab.zones_edit, "good.bl.test")
    type_into(qtbot, tab.target_box.lineEdit(), CLEAN_IP)
    qtbot.waitUntil(lambda: tab.check_button.isEnabled())
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Chec&k
    qtbot.waitUntil(lambda: tab.worker is None and bool(tab.results.items), timeout=10000)
    saved = tmp_path / "bl.csv"
    tab.ask_save_path = lambda default: str(saved)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert saved.exists() and CLEAN_IP in saved.read_text(encoding="utf-8")
    for key, check in ((Qt.Key.Key_L, lambda: tab.pages.currentIndex() == LISTS_PAGE),
                       (Qt.Key.Key_U, lambda: tab.pages.currentIndex() == RESULTS_PAGE),
                       (Qt.Key.Key_R, lambda: tab.resolver_edit.hasFocus()),
                       (Qt.Key.Key_Q, lambda: tab.dqs_edit.hasFocus()),
                       (Qt.Key.Key_Z, lambda: tab.zones_edit.hasFocus()),
                       (Qt.Key.Key_A, lambda: tab.pages.currentWidget() is tab.mail_dns),
                       (Qt.Key.Key_N, lambda: tab.mail_dns.domain_edit.hasFocus()),
                       (Qt.Key.Key_U, lambda: tab.pages.currentIndex() == RESULTS_PAGE),
                       (Qt.Key.Key_T, lambda: tab.target_box.lineEdit().hasFocus()),
                       (Qt.Key.Key_P, lambda: not tab.ptr_check.isChecked()),
                       (Qt.Key.Key_M, lambda: not tab.mx_check.isChecked())):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(check, timeout=2000)


def _mnemonics(texts):
    found = []
    for text in texts:
        match = re.search(r"&([^&\s])", text.replace("&&", ""))
        if match:
            found.append((match.group(1).lower(), text))
    return found


@pytest.mark.parametrize("page", [0, 1, 2])
def test_mnemonics_are_unique_on_the_blacklist_tab(window, page):
    """Every page of the tab (results, lists, mail DNS) with the controls above and below it and the menus."""
    tab = window.current_tab()
    tab.pages.setCurrentIndex(page)
    texts = [a.text() for a in window.menuBar().actions()]
    texts += [w.text() for w in tab.findChildren(QAbstractButton) if w.isVisibleTo(tab)]
    texts += [w.text() for w in tab.findChildren(QLabel) if w.buddy() is not None and w.isVisibleTo(tab)]
    for pages in tab.findChildren(QTabWidget):
        texts += [pages.tabText(i) for i in range(pages.count())]
    letters = _mnemonics(texts)
    seen = {}
    for letter, text in letters:
        assert letter not in seen, f"Alt+{letter.upper()} is both {seen[letter]!r} and {text!r}"
        seen[letter] = text
    assert len(seen) >= 15

"""Item 2: the triage form can be typed into (the embedded QWizard used to move the focus to the
tab bar on every change, so only the first key arrived)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabBar

from window_keys import press, type_keys

pytestmark = pytest.mark.gui


def _triage(main_window, qtbot):
    """The triage wizard, on screen with its first page (the wizard starts itself when first shown)."""
    main_window.tabs.setCurrentIndex(2)
    wizard = main_window.ensure_tab(2).wizard
    qtbot.waitUntil(lambda: wizard.currentPage() is not None and wizard.currentPage().isVisible())
    return wizard


@pytest.mark.parametrize("field, text", [("server_ip", "192.168.1.10"),
                                         ("local_domain", "smallbiz.com, smallbiz.local")])
def test_typing_into_symptom_fields_keeps_every_key_and_the_focus(main_window, qtbot, field, text):
    wizard = _triage(main_window, qtbot)
    edit = getattr(wizard.symptoms, field)
    QTest.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(edit.hasFocus)
    type_keys(main_window, text)
    assert edit.text() == text
    assert QApplication.focusWidget() is edit
    assert not isinstance(QApplication.focusWidget(), QTabBar)


def test_an_invalid_ip_is_reported_while_typing_and_focus_stays(main_window, qtbot):
    wizard = _triage(main_window, qtbot)
    edit = wizard.symptoms.server_ip
    QTest.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(edit.hasFocus)
    type_keys(main_window, "192.168.1.999")
    assert edit.text() == "192.168.1.999"
    assert "Not an IP address" in wizard.symptoms.error.text()
    assert QApplication.focusWidget() is edit
    press(main_window, Qt.Key.Key_Backspace)
    press(main_window, Qt.Key.Key_Backspace)
    assert edit.text() == "192.168.1.9" and wizard.symptoms.error.text() == ""
    assert QApplication.focusWidget() is edit


def test_tab_moves_between_fields_and_next_lands_on_the_next_page(main_window, qtbot):
    wizard = _triage(main_window, qtbot)
    symptoms = wizard.symptoms
    QTest.mouseClick(symptoms.server_ip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(symptoms.server_ip.hasFocus)
    type_keys(main_window, "10.0.0.5")
    press(main_window, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is symptoms.local_domain
    type_keys(main_window, "example.org")
    assert symptoms.local_domain.text() == "example.org"
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == wizard.EVIDENCE)
    focus = QApplication.focusWidget()
    assert focus is not None and focus.isVisible() and wizard.isAncestorOf(focus)
    assert wizard.state.server_ips == ["10.0.0.5"] and wizard.state.local_domains == ["example.org"]

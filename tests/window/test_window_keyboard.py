"""Item 11 (round 2): keyboard details. Tab into a triage answer row lands on the checked answer;
every menu item has an access key unique in its menu; Ctrl+R means one thing. (The relay test's
confirmation, centred on the window, is checked on a real X server: test_window_x11.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from window_keys import press

pytestmark = pytest.mark.gui


def test_tab_lands_on_the_checked_answer_and_space_keeps_it(main_window, qtbot):
    main_window.tabs.setCurrentIndex(2)
    symptoms = main_window.ensure_tab(2).wizard.symptoms
    qtbot.waitUntil(symptoms.isVisible)
    groups = list(symptoms.groups.values())
    first = groups[0]
    symptoms.set_answer(list(symptoms.groups)[0], "no")
    first.checkedButton().setFocus()
    qtbot.waitUntil(first.checkedButton().hasFocus)
    for group in groups[1:]:
        press(main_window, Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is group.checkedButton(), f"Tab landed on {focused.text() if focused else None}"
        assert focused.text() == "Don't know"
        press(main_window, Qt.Key.Key_Space)  # Tab, Space must not change the answer
        assert group.checkedButton().text() == "Don't know"
    # the arrows move within a row and choose; Tab then starts from the new choice
    groups[-1].checkedButton().setFocus()
    press(main_window, Qt.Key.Key_Left)
    assert groups[-1].checkedButton().text() == "No" and QApplication.focusWidget() is groups[-1].checkedButton()
    assert symptoms.state.answers.get(list(symptoms.groups)[-1]) == "no"
    press(main_window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is groups[-2].checkedButton()


def test_every_menu_item_has_an_access_key_unique_in_its_menu(main_window):
    problems = []
    for top in main_window.menuBar().actions():
        menu = top.menu()
        keys = {}
        for action in menu.actions():
            if action.isSeparator():
                continue
            key = QKeySequence.mnemonic(action.text()).toString()
            if not key:
                problems.append(f"{top.text()} > {action.text()}: no access key")
            elif key in keys:
                problems.append(f"{top.text()} > {action.text()}: {key} as for {keys[key]}")
            keys[key] = action.text()
    assert problems == []
    assert [a.text() for a in main_window.menuBar().actions()[2].menu().actions()] == [
        "&OS version", "&Blacklist lookup", "&Queue triage", "&POP3 risk"]


def test_ctrl_r_has_one_meaning_on_every_tab(main_window, qtbot):
    """Client > Re-run answers Ctrl+R wherever the focus is (the probe page runs with Ctrl+Enter)."""
    from shortcut_walk import inner_states, live_shortcuts

    main_window.set_current_client("")
    for index in range(main_window.tabs.count()):
        main_window.tabs.setCurrentIndex(index)
        tab = main_window.ensure_tab(index)
        qtbot.waitUntil(tab.isVisible)
        for state in inner_states(tab, main_window.tabs.tabText(index)):
            owners = live_shortcuts(main_window).get("CTRL+R", [])
            assert owners == ["menu item 'Re-run this client's checks'"], f"{state}: {owners}"
    seq = QKeySequence(QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_R))
    assert main_window.action_recheck.shortcut() == seq and "Ctrl+R" in main_window.action_recheck.toolTip()

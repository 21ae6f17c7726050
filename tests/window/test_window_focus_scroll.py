"""Item 8 (round 2): an Alt+letter that focuses a field scrolled out of view brings it into view,
on every tab and page, so the keys typed next land where the admin can see them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QScrollArea

from shortcut_walk import inner_states
from window_keys import press, type_keys

pytestmark = pytest.mark.gui


def _scroll_everything_down(window) -> None:
    for area in window.findChildren(QAbstractScrollArea):
        if area.isVisible() and isinstance(area, QScrollArea):
            area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    QApplication.processEvents()


def _label_mnemonics(window):
    """(Alt+letter, the field it focuses) for every visible label with a buddy."""
    found = []
    for label in window.findChildren(QLabel):
        buddy = label.buddy()
        if label.isVisible() and buddy is not None and buddy.isVisible() and buddy.isEnabled():
            key = QKeySequence.mnemonic(label.text())
            if not key.isEmpty():
                found.append((key[0].key(), buddy, label.text().replace("&", "")))
    return found


def test_alt_letter_scrolls_its_field_into_view_on_every_page(main_window, qtbot):
    from sbskit.ui.common.scroll_into_view import visible_in_scroll_areas

    main_window.resize(1024, 480)  # a small laptop at 150%: every tab is taller than this
    QApplication.processEvents()
    missed, tried = [], 0
    for index in range(main_window.tabs.count()):
        main_window.tabs.setCurrentIndex(index)
        tab = main_window.ensure_tab(index)
        qtbot.waitUntil(tab.isVisible)
        for state in inner_states(tab, main_window.tabs.tabText(index)):
            for key, field, text in _label_mnemonics(main_window):
                _scroll_everything_down(main_window)
                press(main_window, key, Qt.KeyboardModifier.AltModifier)
                if not field.hasFocus():
                    continue  # the shortcut walk test owns clashes; here: where the focus went
                tried += 1
                QApplication.processEvents()
                if not visible_in_scroll_areas(field):
                    missed.append(f"{state}: Alt+{text} focused a field out of view")
    assert tried >= 15  # the walk reached the forms of every tab
    assert missed == [], "\n".join(missed)


def test_typing_after_alt_t_goes_into_the_targets_box_in_view(main_window, qtbot):
    """The evaluator's case: results scrolled into view, Alt+T, then typing."""
    from sbskit.ui.common.scroll_into_view import scroll_areas_around, visible_in_scroll_areas

    main_window.tabs.setCurrentIndex(1)
    blacklist = main_window.ensure_tab(1)
    qtbot.waitUntil(blacklist.isVisible)
    main_window.resize(1024, blacklist.minimumSizeHint().height() // 2 + 60)  # the tab is twice the room
    targets = blacklist.target_box.lineEdit()
    outer = scroll_areas_around(targets)[-1]
    qtbot.waitUntil(lambda: outer.verticalScrollBar().maximum() > 0)
    outer.verticalScrollBar().setValue(outer.verticalScrollBar().maximum())
    blacklist.results.setFocus()
    QApplication.processEvents()
    assert not visible_in_scroll_areas(targets)
    press(main_window, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(targets.hasFocus)
    assert visible_in_scroll_areas(targets)
    type_keys(main_window, "203.0.113.9")
    assert blacklist.target_text().strip() == "203.0.113.9"

"""Item 4: the mouse wheel over an unfocused combo or spin box scrolls the view; it never changes
a checklist answer (they autosave and reach the management memo)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox, QScrollArea, QVBoxLayout, QWidget

from sbskit.ui.common.wheel_guard import install_wheel_guard

pytestmark = pytest.mark.gui

DOWN = QPoint(0, -120)  # one notch towards the user


def _checklist(main_window, qtbot):
    main_window.resize(1000, 560)  # a short window: the checklist table has to scroll
    main_window.tabs.setCurrentIndex(3)
    panel = main_window.ensure_tab(3).checklist
    qtbot.waitUntil(lambda: panel.loaded and panel.table.isVisible(), timeout=5000)
    QApplication.processEvents()
    assert panel.table.verticalScrollBar().maximum() > 0, "the table must be able to scroll for this test"
    return panel


def _center_in_window(widget):
    return widget.mapTo(widget.window(), widget.rect().center())


def test_a_real_wheel_over_an_unfocused_status_combo_scrolls_and_keeps_the_answer(main_window, qtbot):
    panel = _checklist(main_window, qtbot)
    combo = panel.status_combo(0)
    panel.table.setFocus()
    before = [panel.status_combo(r).currentIndex() for r in range(panel.table.rowCount())]
    bar = panel.table.verticalScrollBar()
    assert bar.value() == 0
    # spontaneous, as from the platform: through focus policy and propagation like a real mouse
    QTest.wheelEvent(main_window.windowHandle(), QPointF(_center_in_window(combo)), DOWN)
    QApplication.processEvents()
    assert [panel.status_combo(r).currentIndex() for r in range(panel.table.rowCount())] == before
    assert not combo.hasFocus()
    assert bar.value() > 0  # the view scrolled instead


def test_a_wheel_event_sent_to_the_combo_itself_scrolls_the_table(main_window, qtbot):
    panel = _checklist(main_window, qtbot)
    combo = panel.status_combo(1)
    panel.table.setFocus()
    bar = panel.table.verticalScrollBar()
    local = QPointF(combo.rect().center())
    event = QWheelEvent(local, QPointF(combo.mapToGlobal(combo.rect().center())), QPoint(), DOWN,
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, event)
    assert combo.currentData() == "not-assessed"
    assert bar.value() > 0
    assert panel.sheet.state(panel.item_id(1)).status == "not-assessed"


def test_a_focused_combo_still_takes_the_wheel(main_window, qtbot):
    """Keyboard users and deliberate choosers keep the wheel: only unfocused boxes are guarded."""
    panel = _checklist(main_window, qtbot)
    combo = panel.status_combo(0)
    panel.table.setFocus()
    panel.table.setCurrentCell(0, 1)
    QTest.keyClick(main_window.windowHandle(), Qt.Key.Key_Tab)  # from the Kind cell to the Status combo
    qtbot.waitUntil(combo.hasFocus)
    QTest.wheelEvent(main_window.windowHandle(), QPointF(_center_in_window(combo)), DOWN)
    QApplication.processEvents()
    assert combo.currentIndex() == 1


def test_every_combo_and_spin_box_in_the_window_lost_wheel_focus(main_window):
    for index in range(main_window.tabs.count()):
        main_window.tabs.setCurrentIndex(index)  # shown once: polished
        QApplication.processEvents()
    boxes = main_window.findChildren(QComboBox) + main_window.findChildren(QSpinBox)
    assert len(boxes) > 10
    assert [box.accessibleName() for box in boxes if box.focusPolicy() == Qt.FocusPolicy.WheelFocus] == []


def test_a_spin_box_in_a_scrolled_form_scrolls_the_form(qtbot):
    install_wheel_guard()
    area = QScrollArea()
    form = QWidget()
    column = QVBoxLayout(form)
    spins = [QSpinBox() for _ in range(40)]
    for spin in spins:
        spin.setValue(5)
        column.addWidget(spin)
    area.setWidget(form)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    area.activateWindow()
    qtbot.waitExposed(area)
    area.setFocus()
    spin = spins[1]
    QTest.wheelEvent(area.windowHandle(), QPointF(spin.mapTo(area, spin.rect().center())), DOWN)
    QApplication.processEvents()
    assert all(s.value() == 5 for s in spins)
    assert area.verticalScrollBar().value() > 0

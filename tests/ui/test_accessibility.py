"""Every control in every tab can be reached and named by keyboard and screen-reader users.

A control counts as named when it has an accessible name, visible text of its own
(buttons, check boxes), or a label whose buddy it is (the label's mnemonic then also
gives it a keyboard shortcut).
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from sbskit.core.settings import Settings
from sbskit.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView)


def inside_composite(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, (QComboBox, QAbstractSpinBox)):
            return True
        parent = parent.parentWidget()
    return False


def unnamed_controls(root: QWidget) -> list[str]:
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or isinstance(widget, QTabBar):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if inside_composite(widget, root):
            continue  # a combo box's popup list or line edit, a spin box's editor
        if widget.accessibleName() or id(widget) in buddies:
            continue
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName() or ''} in {type(root).__name__}")
    return missing


def test_every_control_in_every_tab_has_a_name(qtbot):
    window = MainWindow(settings=Settings())
    qtbot.addWidget(window)
    problems = []
    for tab in window.tab_widgets:
        problems += unnamed_controls(tab)
    assert problems == []

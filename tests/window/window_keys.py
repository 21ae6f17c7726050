"""Real key events for the window tests: sent to the QWindow, delivered to the focus widget."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def type_keys(window: QWidget, text: str) -> None:
    """Type ``text`` key by key into the window: each key goes where the focus is at that moment."""
    handle = window.windowHandle()
    for char in text:
        QTest.keyClick(handle, char)
        QApplication.processEvents()


def press(window: QWidget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(window.windowHandle(), key, modifier)
    QApplication.processEvents()

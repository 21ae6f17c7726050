"""Fixtures of the window tests: the real main window, shown, active and focused, driven by keys
sent to its QWindow (as the platform delivers them: to whatever widget has the focus)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture
def main_window(qtbot):
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    window = MainWindow(settings=Settings())
    window.persist_state = False
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    for tab in window.built_tabs():
        tab.shutdown()


"""Run by test_window_x11.py under a real X server (Xvfb) on Qt's xcb platform: the keys an admin
presses on a Linux desktop, where QLineEdit's X11 key bindings claim Ctrl+E. Prints JSON."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def settle(app) -> None:
    for _ in range(20):
        app.processEvents()


def main() -> int:
    app = QApplication(sys.argv[:1])
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    window = MainWindow(settings=Settings())
    window.persist_state = False
    asked = []
    window.ask_report_options = lambda: asked.append(app.focusWidget().__class__.__name__) and None
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 5000)
    window.tabs.setCurrentIndex(1)
    blacklist = window.ensure_tab(1)
    settle(app)
    targets = blacklist.target_box.lineEdit()
    targets.setFocus()
    settle(app)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    settle(app)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)  # no mnemonic
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_M)
    settle(app)
    print(json.dumps({
        "platform": app.platformName(),
        "end_of_line_keys": [k.toString() for k in QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)],
        "export_asked_from": asked,
        "targets_text": targets.text(),
    }))
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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


def relay_confirmation_offset(app, window) -> list[int]:
    """Where the relay test's "Do you have permission?" opens, from the window's centre (x, y);
    answered No, so nothing is sent."""
    from PySide6.QtCore import QTimer

    window.setGeometry(120, 40, 1000, 660)
    settle(app)
    window.tabs.setCurrentIndex(3)
    pop3 = window.ensure_tab(3)
    pop3.pages.setCurrentWidget(pop3.relay)
    settle(app)
    pop3.relay.host_edit.setText("127.0.0.1")
    seen = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        settle(app)
        seen.append(dialog.frameGeometry().center())
        dialog.reject()

    QTimer.singleShot(20, answer)
    pop3.relay.run_button.click()
    centre = window.frameGeometry().center()
    return [seen[0].x() - centre.x(), seen[0].y() - centre.y()] if seen else []


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
    centre = relay_confirmation_offset(app, window)
    print(json.dumps({
        "relay_confirmation_offset": centre,
        "platform": app.platformName(),
        "end_of_line_keys": [k.toString() for k in QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)],
        "export_asked_from": asked,
        "targets_text": targets.text(),
    }))
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run by test_window_x11.py under Xvfb on Qt's xcb platform: a blocklist check whose results
stream into a tab taller than the window, then what the SCREEN shows where the status bar's
client label is (the X server's pixels: what the evaluator saw, not a fresh render). Prints JSON."""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def settle(app, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.01)


def main(resolver: str, targets: str, columns: str = "fitted") -> int:
    app = QApplication(sys.argv[:1])
    from sbskit.core.settings import Settings
    from sbskit.ui.common.theme import STATUS_COLORS, apply_theme
    from sbskit.ui.shell.main_window import MainWindow

    apply_theme(app, "light")
    window = MainWindow(settings=Settings())
    window.persist_state = False
    window.setGeometry(0, 0, 1366, 700)  # a 1366x768 laptop with a taskbar
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 5000)
    window.tabs.setCurrentIndex(1)
    tab = window.ensure_tab(1)
    if columns == "resize-to-contents":  # how the columns were sized before: the window's guard must repair it
        from PySide6.QtWidgets import QHeaderView

        tab.results.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tab.results.fit_columns = lambda: None
    settle(app)
    tab.resolver_edit.setText(resolver)
    tab.target_box.setEditText(targets)
    tab.target_box.lineEdit().setFocus()
    settle(app)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Return)
    end = time.monotonic() + 60
    while (tab.worker is not None or not tab.results.items) and time.monotonic() < end:
        settle(app, 1)
    settle(app, 50)
    label = window.client_label
    corner = label.mapToGlobal(label.rect().topLeft())
    shot = app.primaryScreen().grabWindow(0, corner.x(), corner.y(), label.width(), label.height()).toImage()
    seen = {shot.pixelColor(x, y).name() for x in range(shot.width()) for y in range(shot.height())}
    rows = {light for light, _dark in STATUS_COLORS.values()}
    print(json.dumps({"rows": len(tab.results.items), "row_colours_under_label": sorted(seen & rows),
                      "label": label.text()}))
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))

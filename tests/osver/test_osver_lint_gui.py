"""The Script checker driven from the keyboard in a focused window: type a script, check it with
Ctrl+Enter (the run happens in a worker thread), read a finding's proof, open the matrix with its
mnemonic, filter it with the arrow keys and export it."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from sbskit.ui.osver.tab import OsVersionTab

pytestmark = pytest.mark.gui

SCRIPT = ['@echo off', 'ver | find "2000" > nul', 'if not errorlevel 1 goto w2k', 'echo other Windows',
          'goto :eof', ':w2k', 'echo Windows 2000']


@pytest.fixture
def panel(qtbot, today):
    tab = OsVersionTab()
    qtbot.addWidget(tab)
    tab.resize(1100, 720)
    tab.show()
    tab.activateWindow()
    qtbot.waitExposed(tab)
    tab.sections.setCurrentWidget(tab.lint)
    tab.lint.today = today
    tab.lint.filename = "logon.bat"
    yield tab.lint
    tab.shutdown()


def type_script(qtbot, panel, lines) -> None:
    panel.editor.setFocus()
    qtbot.waitUntil(panel.editor.hasFocus, timeout=5000)
    for n, line in enumerate(lines):
        QTest.keyClicks(panel.editor, line)
        if n + 1 < len(lines):
            QTest.keyClick(panel.editor, Qt.Key.Key_Return)


def test_keyboard_check_proof_matrix_and_export(panel, qtbot, tmp_path):
    type_script(qtbot, panel, SCRIPT)
    assert panel.editor.toPlainText() == "\n".join(SCRIPT)
    threads = []
    original = panel._start

    def spy(job, name, done):
        original(lambda ctx: (threads.append(threading.current_thread()), job(ctx))[1], name, done)

    panel._start = spy
    QTest.keyClick(panel.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.result is not None and panel.check_button.isEnabled(), timeout=30000)
    assert threads and threads[0] is not threading.main_thread()  # evaluated off the GUI thread
    rows = [panel.table.item(r, 2).text() for r in range(panel.table.rowCount())]
    assert "substring-build-match" in rows
    row = rows.index("substring-build-match")
    panel.table.setFocus()
    panel.table.setCurrentCell(row, 0)
    assert "Proof:" in panel.detail.toPlainText()
    assert "Windows 11 21H2 (10.0.22000.194) reaches :w2k" in panel.detail.toPlainText()
    assert panel.editor.textCursor().blockNumber() + 1 == 2  # jumped to the find line

    QTest.keyClick(panel.window(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert panel.views.currentIndex() == 1
    view = panel.matrix_view
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert ":w2k (line 6)" in headers
    col = headers.index(":w2k (line 6)")
    names = {view.table.item(r, 0).text(): r for r in range(view.table.rowCount())}
    assert view.table.item(names["11 21H2"], col).text() == "\u25cf"
    all_rows = view.table.rowCount()

    QTest.keyClick(panel.window(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert view.filter.hasFocus()
    QTest.keyClick(view.filter, Qt.Key.Key_Down)  # Clients
    names = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert view.table.rowCount() < all_rows and "Server 2022" not in names and "11 21H2" in names
    QTest.keyClick(view.filter, Qt.Key.Key_Down)
    QTest.keyClick(view.filter, Qt.Key.Key_Down)  # Supported today (2026-11-28)
    names = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert "2000 Professional" not in names and "11 25H2" in names

    out = tmp_path / "matrix.csv"
    panel.ask_matrix_path = lambda: str(out)
    QTest.keyClick(panel.window(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(out.exists, timeout=5000)  # a mnemonic "animates" the click first
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    w11 = [r for r in rows if r["release_id"] == "win11-21h2"]
    assert len(w11) == 9 and all(":w2k (line 6)" in r["branches"] for r in w11)  # every language


def test_languages_that_differ_get_their_own_cell(panel, qtbot):
    panel.editor.setPlainText('@echo off\nver | find "Version 6.1" > nul && goto w7\necho other\ngoto :eof\n'
                              ':w7\necho Windows 7 or 2008 R2\n')
    panel.editor.setFocus()
    QTest.keyClick(panel.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.result is not None and panel.check_button.isEnabled(), timeout=30000)
    view = panel.matrix_view
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    col = headers.index(":w7 (line 5)")
    names = {view.table.item(r, 0).text(): r for r in range(view.table.rowCount())}
    assert view.table.item(names["7 SP1"], col).text() == "en de ja"
    other = view.table.item(names["7 SP1"], headers.index("line 3 (echo other)")).text()
    assert other == "fr es it nl ru zh-CN"
    assert "locale-bound-parsing" in {panel.table.item(r, 2).text() for r in range(panel.table.rowCount())}

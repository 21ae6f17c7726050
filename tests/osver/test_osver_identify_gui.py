"""The Identify sub-page on real captures: the same answer as the CLI, nothing stale after a
failure, a verdict line that says "could not tell" when the edition decides."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from sbskit.ui.osver.tab import OsVersionTab

pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot, today):
    tab = OsVersionTab()
    tab.identify.today = today
    qtbot.addWidget(tab)
    tab.resize(1100, 720)
    tab.show()
    tab.activateWindow()
    qtbot.waitExposed(tab)
    yield tab.identify
    tab.shutdown()


def _rows(panel):
    return [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]


def _identify(panel, qtbot, text):
    panel.input.setPlainText(text)
    panel.input.setFocus()
    qtbot.keyClick(panel.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.identify_button.isEnabled() and bool(panel.table.rowCount() or panel.message.isVisible()),
                    timeout=10000)


def test_failed_identify_clears_the_previous_result(panel, qtbot):
    _identify(panel, qtbot, "Microsoft Windows [Version 10.0.20348.2700]")
    assert _rows(panel) == ["Windows Server 2022"] and panel.copy_button.isEnabled()
    assert "Supported" in panel.summary.text()
    _identify(panel, qtbot, "nothing that names a version")
    assert panel.message.isVisible() and "no windows version" in panel.message.text().lower()
    assert panel.table.rowCount() == 0
    assert panel.summary.text() == "" and panel.details.toPlainText() == ""
    assert not panel.copy_button.isEnabled() and not panel.export_button.isEnabled()
    assert not panel.snippet_button.isEnabled() and panel.result_text() == ""


def test_open_oem_capture_matches_the_cli(panel, qtbot, corpus, run_cli):
    path = corpus / "systeminfo-2012r2-dc-ru-cp866.txt"
    panel.ask_open_path = lambda: str(path)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=10000)
    assert "Основной контроллер домена" in panel.input.toPlainText()
    cli = json.loads(run_cli("osver", "--file", str(path), "--json", "--today", panel.today.isoformat()).stdout)
    assert _rows(panel) == [m["label"] for m in cli["matches"]] == ["Windows Server 2012 R2"]
    assert "domain controller" in panel.details.toPlainText()
    assert "Out of support" in panel.summary.text() and cli["verdict"] == "ended"


def test_quoted_paste_and_could_not_tell(panel, qtbot):
    _identify(panel, qtbot, "> Major  Minor  Build  Revision\n> -----  -----  -----  --------\n> 10     0      19044  0\n")
    assert set(_rows(panel)) == {"Windows 10 21H2", "Windows 10 Enterprise LTSC 2021",
                                 "Windows 10 IoT Enterprise LTSC 2021"}
    assert "Could not tell" in panel.summary.text()
    assert "e-mail quoting" in panel.details.toPlainText()

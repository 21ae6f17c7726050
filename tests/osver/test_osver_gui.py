"""The OS version tab, driven like an admin would: paste, click, read the tables."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QMimeData, Qt

from sbskit.core.osver.releases import load_table
from sbskit.ui.osver.tab import OsVersionTab

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, today):
    widget = OsVersionTab()
    widget.identify.today = today
    qtbot.addWidget(widget)
    widget.resize(1100, 720)
    widget.show()
    yield widget
    widget.shutdown()


def cell(table, row, col):
    return table.item(row, col).text()


def test_identity(tab):
    assert (OsVersionTab.slug, OsVersionTab.title) == ("os-version", "OS version")
    assert [tab.sections.tabText(i).replace("&", "") for i in range(3)] == ["Identify", "Script checker",
                                                                           "Snippet generator"]


def test_paste_and_identify(tab, qtbot):
    panel = tab.identify
    panel.input.setPlainText("Microsoft Windows [Version 10.0.19045.3803]")
    with qtbot.waitSignal(tab.status_message, timeout=10000):
        qtbot.mouseClick(panel.identify_button, Qt.MouseButton.LeftButton)
    assert panel.table.rowCount() == 1
    assert cell(panel.table, 0, 0) == "Windows 10 22H2"
    assert cell(panel.table, 0, 2) == "10.0.19045.3803"
    assert "ESU" in cell(panel.table, 0, 4)  # ended 2025-10-14, paid ESU until 2028
    assert panel.copy_button.isEnabled()


def test_ctrl_enter_identifies_shared_build(tab, qtbot):
    panel = tab.identify
    panel.input.setPlainText("6.0.6001")
    panel.input.setFocus()
    qtbot.keyClick(panel.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 4, timeout=10000)
    assert "ProductType" in panel.details.toPlainText()
    assert "Which one is it?" in panel.details.toPlainText()


@pytest.mark.parametrize("text,needle", [("", "empty"), ("no version here", "no Windows version"),
                                         ("abc\x00\x01\x02\x03\x04\x05" * 50, "binary")])
def test_bad_input_shows_a_message(tab, qtbot, text, needle):
    panel = tab.identify
    panel.input.setPlainText(text)
    qtbot.mouseClick(panel.identify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.isVisible(), timeout=10000)
    assert needle.lower() in panel.message.text().lower()
    qtbot.waitUntil(panel.identify_button.isEnabled, timeout=5000)


def test_50mb_paste_is_refused_without_freezing(tab, qtbot):
    panel = tab.identify
    mime = QMimeData()
    mime.setText("Microsoft Windows [Version 10.0.19045.1]\n" * (50 * 1024 * 1024 // 41))
    panel.input.insertFromMimeData(mime)
    assert panel.input.toPlainText() == ""
    assert panel.message.isVisible() and "limit" in panel.message.text()


def test_this_computer(tab, qtbot):
    panel = tab.identify
    qtbot.mouseClick(panel.local_button, Qt.MouseButton.LeftButton)
    if sys.platform == "win32":
        qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=10000)
    else:
        qtbot.waitUntil(lambda: panel.message.isVisible(), timeout=10000)
        assert "not Windows" in panel.message.text() and "paste" in panel.message.text()


def test_open_utf16_file_and_export(tab, qtbot, corpus, tmp_path):
    panel = tab.identify
    panel.ask_open_path = lambda: str(corpus / "wmic-2008sp2.txt")
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10000)
    assert cell(panel.table, 0, 0) == "Windows Server 2008 SP2"
    assert "6.0.6002" in panel.input.toPlainText()
    out = tmp_path / "result.txt"
    panel.ask_save_path = lambda: str(out)
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert "Windows Server 2008 SP2" in out.read_text()


def test_script_checker_marks_lines_and_jumps(tab, qtbot):
    tab.sections.setCurrentIndex(1)
    panel = tab.lint
    panel.editor.setPlainText('@echo off\nver > "%TEMP%\\v.txt"\nfindstr "6000" "%TEMP%\\v.txt"\n'
                              'if not errorlevel 1 goto vista\n:vista\necho vista\n')
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=10000)
    rules = {cell(panel.table, r, 2) for r in range(panel.table.rowCount())}
    assert "goto-fallthrough" in rules
    assert panel.editor.marks[4] == "error"
    row = next(r for r in range(panel.table.rowCount()) if cell(panel.table, r, 2) == "goto-fallthrough")
    panel.table.selectRow(row)
    assert panel.editor.textCursor().blockNumber() + 1 == int(cell(panel.table, row, 0))
    assert "Fix:" in panel.detail.toPlainText()
    assert panel.findings_csv().startswith("line,severity,rule,message,suggestion")


def test_script_checker_utf16_file_and_clean_script(tab, qtbot, tmp_path):
    panel = tab.lint
    path = tmp_path / "logon.ps1"
    path.write_bytes(b"\xff\xfe" + "$os = Get-CimInstance Win32_OperatingSystem\r\nif ($os.Version -like '*2000*') { 'Windows 2000' }\r\n"
                     .encode("utf-16-le"))
    panel.ask_open_path = lambda: str(path)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() > 0, timeout=10000)
    assert "Win32_OperatingSystem" in panel.editor.toPlainText()
    assert panel.editor.marks.get(2) == "error"
    qtbot.waitUntil(panel.check_button.isEnabled, timeout=5000)
    panel.filename = None
    panel.editor.setPlainText("SELECT * FROM Win32_OperatingSystem WHERE Version LIKE \"10.0.%\" AND "
                              "BuildNumber >= \"22000\" AND ProductType = 1")
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no fragile" in panel.summary.text(), timeout=10000)
    assert panel.table.rowCount() == 0


def test_script_checker_bad_input(tab, qtbot, tmp_path):
    tab.sections.setCurrentIndex(1)
    panel = tab.lint
    binary = tmp_path / "x.bat"
    binary.write_bytes(b"MZ\x90\x00" * 200)
    panel.ask_open_path = lambda: str(binary)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.message.isVisible(), timeout=10000)
    assert "binary" in panel.message.text()
    qtbot.waitUntil(panel.check_button.isEnabled, timeout=5000)
    panel.editor.setPlainText("")
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "empty" in panel.message.text(), timeout=10000)


def test_snippet_generator_matrix(tab, qtbot):
    tab.sections.setCurrentIndex(2)
    panel = tab.snippets
    panel.target.setCurrentIndex(panel.target.findData("server-2016-or-later"))
    panel.language.setCurrentIndex(panel.language.findData("batch"))
    assert "if /i not \"%OSTYPE%\"==\"WinNT\" if %OSBUILD% GEQ 14393 goto os_match" in panel.code.toPlainText()
    assert panel.table.rowCount() == len(load_table().nt())
    matched = {cell(panel.table, r, 0) for r in range(panel.table.rowCount()) if cell(panel.table, r, 4) == "yes"}
    assert "Windows Server 2025" in matched and "Windows 11 24H2" not in matched
    assert all(cell(panel.table, r, 3) == cell(panel.table, r, 4) for r in range(panel.table.rowCount()))
    panel.target.setCurrentIndex(panel.target.findData(None))
    panel.family.setCurrentText("any")
    panel.min_build.setValue(0)
    panel.max_build.setValue(7600)
    assert "older" not in panel.message.text()
    matched = {cell(panel.table, r, 0) for r in range(panel.table.rowCount()) if cell(panel.table, r, 4) == "yes"}
    assert "Windows Vista SP2" in matched and "Windows 7" not in matched
    panel.min_build.setValue(9000)  # above the maximum: refused inline
    assert panel.message.isVisible()


def test_prepare_screenshot(tab):
    assert tab.report_sections() == []
    tab.prepare_screenshot()
    headings = [s.heading for s in tab.report_sections()]
    assert headings == ["Windows version", "Login script check"]
    assert "6.1.7601" in tab.report_sections()[0].html_body
    assert tab.identify.table.rowCount() == 5
    assert tab.lint.table.rowCount() > 0
    assert not tab.grab().isNull()


def test_huge_script_shows_a_bounded_table(tab, qtbot):
    from sbskit.core.osver.lint import Finding, LintResult
    from sbskit.ui.osver.lint import MAX_SHOWN

    tab.sections.setCurrentIndex(1)
    panel = tab.lint
    panel.filename = "big.bat"
    panel.editor.setPlainText(('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v ProductName | '
                               'find "Windows 10" > nul && echo Windows 10\n') * 150)
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() >= 150, timeout=30000)
    many = [Finding(n, "wrong-branch", "error", f"finding {n}", "fix") for n in range(1, MAX_SHOWN + 101)]
    panel.show_result(LintResult("batch", ["x"] * (MAX_SHOWN + 100), many))
    assert panel.table.rowCount() == MAX_SHOWN
    assert "Export CSV has them all" in panel.summary.text()
    assert panel.findings_csv().count("\n") > MAX_SHOWN


def test_dropping_a_file_opens_it(tab, qtbot, tmp_path):
    from PySide6.QtCore import QUrl

    tab.sections.setCurrentIndex(1)
    script = tmp_path / "dropped.vbs"
    script.write_text('Set os = GetObject("winmgmts:").ExecQuery("SELECT * FROM Win32_OperatingSystem").ItemIndex(0)\n'
                      'If InStr(os.Version, "2000") > 0 Then WScript.Echo "Windows 2000"\n')
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(script))])
    tab.lint.editor.insertFromMimeData(mime)
    qtbot.waitUntil(lambda: tab.lint.table.rowCount() > 0, timeout=10000)
    assert tab.lint.result.language == "vbscript"
    assert "InStr" in tab.lint.editor.toPlainText()


def test_snippet_for_the_identified_release(tab, qtbot):
    panel = tab.identify
    panel.input.setPlainText("wmic\nBuildNumber  ProductType  Version\n6003         2            6.0.6003\n")
    qtbot.mouseClick(panel.identify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.snippet_button.isEnabled, timeout=10000)
    qtbot.mouseClick(panel.snippet_button, Qt.MouseButton.LeftButton)
    assert tab.sections.currentWidget() is tab.snippets
    rows = tab.snippets.snippet.matrix
    assert {r["label"] for r in rows if r["matched"]} == {"Windows Server 2008 SP2 (build 6003)",
                                                         "Windows Small Business Server 2008 SP2 (build 6003)"}

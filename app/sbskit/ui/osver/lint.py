"""Script checker sub-tab: the script with line numbers, each finding marked beside its line, a
findings list whose selection shows the proof, and the matrix of where each release goes.
The script runs on every release in a worker thread (JobPanel)."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.osver.lint import SEVERITY_ORDER, LintResult, lint_file, lint_text
from sbskit.ui.osver.lint_matrix import MatrixView
from sbskit.ui.common.job_panel import JobPanel
from sbskit.ui.common.job_widgets import BusyBar, MessageLine
from sbskit.ui.osver.widgets import SEVERITY_KIND, CodeEditor, read_only_table, tint
from sbskit.ui.common.save_paths import in_reports

SAMPLE = r"""@echo off
rem Logon script: map drives by Windows version (the classic, fragile way)
ver | find "2000" > nul
if not errorlevel 1 goto win2000
ver | find "XP" > nul
if not errorlevel 1 goto xp
for /f "tokens=4-5 delims=. " %%i in ('ver') do set VERSION=%%i.%%j
if "%VERSION%" == "10.0" goto win10
if "%VERSION%" GEQ "6.1" goto win7
:vista
net use S: \\sbs\shared
goto end
:win2000
echo Windows 2000: no drive mapping
goto end
:xp
net use S: \\sbs\shared /persistent:no
goto end
:win7
echo Windows 7 or later
net use S: \\sbs\shared /persistent:yes
goto end
:win10
echo Windows 10
net use S: \\sbs\shared /persistent:yes
:end
"""

LANG_ITEMS = [("Auto-detect", None), ("Batch (.bat/.cmd)", "batch"), ("VBScript (.vbs)", "vbscript"),
              ("PowerShell (.ps1)", "powershell"), ("WQL (GPO WMI filter)", "wql")]
COLUMNS = ("Line", "Severity", "Rule", "Finding")
MAX_SHOWN = 2000  # a table row per finding; more than this is exported, not drawn


class LintPanel(JobPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: LintResult | None = None
        self.filename: str | None = None
        self.today = None  # support status is judged today (tests fix a date)
        self.ask_open_path = lambda: QFileDialog.getOpenFileName(
            self, "Open logon script", "", "Scripts (*.bat *.cmd *.vbs *.ps1 *.wql *.txt);;All files (*)")[0]
        self.ask_save_path = lambda: QFileDialog.getSaveFileName(self, "Export findings", in_reports("script-findings.csv"),
                                                                 "CSV (*.csv)")[0]
        self.ask_matrix_path = lambda: QFileDialog.getSaveFileName(self, "Export matrix", "script-matrix.csv",
                                                                   "CSV (*.csv)")[0]

        self.editor = CodeEditor()
        self.editor.setAccessibleName("Script")
        self.editor.setPlaceholderText("Paste a logon script (.bat/.cmd, .vbs, .ps1) or a WQL filter, or open a file. "
                                       "Ctrl+Enter checks it.")
        self.editor.refused.connect(lambda msg: self.message.show_message(msg, "bad"))
        self.editor.file_dropped.connect(self.open_path)
        self.language = QComboBox()
        for label, _value in LANG_ITEMS:
            self.language.addItem(label)
        self.language.setAccessibleName("Script language")
        self.language.setToolTip("Auto-detect uses the file name, then the content")
        self.check_button = QPushButton("Chec&k script")
        self.check_button.setToolTip("Look for fragile OS detection (Ctrl+Enter)")
        self.open_button = QPushButton("&Open script...")
        self.sample_button = QPushButton("Sample")
        self.sample_button.setToolTip("Load a typical fragile logon script")
        self.copy_button = QPushButton("Cop&y findings")
        self.export_button = QPushButton("E&xport CSV...")
        for b in (self.copy_button, self.export_button):
            b.setEnabled(False)
        bar = QHBoxLayout()
        language_label = QLabel("&Language:")
        language_label.setBuddy(self.language)
        for w in (self.open_button, self.sample_button, language_label, self.language, self.check_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.copy_button)
        bar.addWidget(self.export_button)

        self.message = MessageLine()
        self.busy = BusyBar()
        self.job_buttons = (self.check_button, self.open_button)
        self.summary = QLabel("")
        self.table = read_only_table(COLUMNS, "Findings")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Finding details and proof")

        findings = QSplitter(Qt.Orientation.Vertical)
        findings.addWidget(self.table)
        findings.addWidget(self.detail)
        findings.setStretchFactor(0, 3)
        findings.setStretchFactor(1, 2)
        self.findings_view = findings  # what the visit report pictures, whichever sub-tab is open
        self.matrix_view = MatrixView()
        self.views = QTabWidget()
        self.views.addTab(findings, "Fi&ndings")
        self.views.addTab(self.matrix_view, "&Matrix")
        self.views.setTabToolTip(1, "Releases down, branches across: where each Windows goes, per language where "
                                    "they differ")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.editor)
        split.addWidget(self.views)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

        self.check_button.clicked.connect(self.check)
        self.open_button.clicked.connect(self.open_file)
        self.sample_button.clicked.connect(self.load_sample)
        self.copy_button.clicked.connect(self.copy_findings)
        self.export_button.clicked.connect(self.export_csv)
        self.table.itemSelectionChanged.connect(self._selected)
        self.matrix_view.export_requested.connect(self.export_matrix)
        self.editor.textChanged.connect(self._edited)
        self.add_shortcuts(self.check)

    def _edited(self) -> None:
        """Marks belong to the checked text: drop them once the script changes."""
        if self.editor.marks:
            self.editor.set_marks({})
            self.summary.setText("The script changed: check it again (Ctrl+Enter).")

    def load_sample(self) -> None:
        self.filename = "logon.bat"
        self.editor.setPlainText(SAMPLE)
        self.check()

    def _language(self) -> str | None:
        return LANG_ITEMS[self.language.currentIndex()][1]

    def check(self) -> None:
        text = self.editor.toPlainText()
        name, language = self.filename, self._language()
        today = self.today
        self._start(lambda ctx: lint_text(text, filename=name, language=language, today=today), "check script",
                    self.show_result)

    def open_path(self, path: str) -> None:
        language = self._language()

        today = self.today

        def job(ctx):
            return lint_file(path, language=language, today=today)

        self.filename = str(path)
        self._start(job, "open script", self.show_result)

    def show_result(self, result: LintResult) -> None:
        self.result = result
        if self.editor.toPlainText().replace("\r", "") != "\n".join(result.lines):
            self.editor.setPlainText("\n".join(result.lines))
        shown = result.findings[:MAX_SHOWN]
        marks: dict[int, str] = {}
        for f in shown:
            if f.line not in marks or SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[marks[f.line]]:
                marks[f.line] = f.severity
        self.editor.set_marks(marks)
        self.table.setRowCount(0)
        self.table.setUpdatesEnabled(False)
        for f in shown:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, value in enumerate((str(f.line), f.severity, f.rule, f.message)):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{f.message}\n\nFix: {f.suggestion}")
                if col == 1:
                    kind = SEVERITY_KIND[f.severity]
                    tint(item, kind, self.table)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, f.line)
                self.table.setItem(row, col, item)
        self.table.setUpdatesEnabled(True)
        counts = {s: sum(1 for f in result.findings if f.severity == s) for s in SEVERITY_ORDER}
        if result.findings:
            more = (f" Showing the first {MAX_SHOWN} of {len(result.findings)}; Export CSV has them all."
                    if len(result.findings) > MAX_SHOWN else "")
            self.summary.setText(f"{result.language}: {counts['error']} error(s), {counts['warning']} warning(s), "
                                 f"{counts['info']} note(s). Select a finding to see its proof and jump to its line."
                                 + more)
        else:
            self.summary.setText(f"{result.language}: no fragile OS detection found.")
        self.detail.clear()
        for b in (self.copy_button, self.export_button):
            b.setEnabled(True)
        self.matrix_view.show_matrix(result.matrix, self.today)
        self.views.setTabEnabled(1, result.matrix is not None)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.result is None:
            return
        f = self.result.findings[rows[0].row()]
        import html

        parts = [f"<p><b>Line {f.line}</b> - <b>{html.escape(f.rule)}</b> ({f.severity})</p>",
                 f"<p>{html.escape(f.message)}</p>"]
        if f.proof:
            parts.append(f"<p><b>Proof:</b> {html.escape(f.proof)}</p>")
        parts.append(f"<p><b>Fix:</b> {html.escape(f.suggestion)}</p>")
        for key, values in f.evidence.items():
            if isinstance(values, dict):
                values = [f"{k}: {', '.join(v)}" for k, v in values.items()]
            elif isinstance(values, str):
                values = [values]
            parts.append(f"<p><b>{html.escape(key.replace('_', ' '))}:</b> {html.escape(', '.join(map(str, values)))}</p>")
        self.detail.setHtml("".join(parts))
        self.editor.go_to_line(f.line)

    def findings_csv(self) -> str:
        from sbskit.core.csvout import to_csv

        return to_csv(([f.line, f.severity, f.rule, f.message, f.suggestion, f.proof]
                       for f in (self.result.findings if self.result else [])),
                      ["line", "severity", "rule", "message", "suggestion", "proof"])

    def copy_findings(self) -> None:
        from sbskit.core.osver.lint_report import lint_text_report

        if self.result:
            QGuiApplication.clipboard().setText(lint_text_report(self.result))

    def export_csv(self) -> None:
        self.export_text(self.findings_csv)

    def export_matrix(self) -> None:
        from sbskit.ui.common.job_panel import save_text

        path = self.ask_matrix_path()
        if path:
            save_text(self.message, path, self.matrix_view.matrix_csv())

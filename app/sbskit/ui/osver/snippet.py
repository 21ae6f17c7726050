"""Snippet generator sub-tab: pick target releases and a language, get an OS test that compares
numbers and logs a default, and see which releases in the data it really matches."""

from __future__ import annotations


from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.errors import UserInputError
from sbskit.core.osver import landmarks
from sbskit.core.osver.snippet import PRESETS, Snippet, custom_target, generate
from sbskit.ui.common.job_panel import save_text
from sbskit.ui.common.job_widgets import MessageLine
from sbskit.ui.osver.widgets import mono_font, read_only_table, tint
from sbskit.ui.common.save_paths import in_reports

LANGS = [("PowerShell", "powershell"), ("Batch (.cmd)", "batch"), ("VBScript", "vbscript"), ("WQL (GPO WMI filter)", "wql")]
SUFFIX = {"powershell": "ps1", "batch": "cmd", "vbscript": "vbs", "wql": "wql"}
COLUMNS = ("Release", "Version", "Family", "Wanted", "Matched")


class SnippetPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snippet: Snippet | None = None
        self.ask_save_path = lambda suffix: QFileDialog.getSaveFileName(
            self, "Save snippet", in_reports(f"os-test.{suffix}"), "All files (*)")[0]
        self.target = QComboBox()
        for key, t in PRESETS.items():
            self.target.addItem(t.title, key)
        self.target.addItem("Custom range...", None)
        self.target.setAccessibleName("Target releases")
        self.target.setToolTip("Which releases the test should pick out")
        self.language = QComboBox()
        for label, value in LANGS:
            self.language.addItem(label, value)
        self.language.setAccessibleName("Script language")
        self.family = QComboBox()
        self.family.addItems(["client", "server", "any"])
        self.family.setToolTip("client = workstations (ProductType 1); server = member servers and domain controllers")
        self.family.setAccessibleName("Client or server")
        self.min_build = QSpinBox()
        self.max_build = QSpinBox()
        for spin, name in ((self.min_build, "Lowest build (0 = no limit)"), (self.max_build, "Builds below (0 = no limit)")):
            spin.setRange(0, 99999)
            spin.setSpecialValueText("no limit")
            spin.setAccessibleName(name)
            spin.setToolTip(f"NT build numbers grow with every release: {landmarks.windows7()} = Windows 7, "
                            f"{landmarks.windows11()} = Windows 11")
        self.min_build.setValue(landmarks.windows10())
        form = QFormLayout()
        form.addRow("&Target:", self.target)
        form.addRow("&Language:", self.language)
        custom = QHBoxLayout()
        custom.addWidget(self.family)
        custom.addWidget(QLabel("from build"))
        custom.addWidget(self.min_build)
        custom.addWidget(QLabel("below build"))
        custom.addWidget(self.max_build)
        custom.addStretch(1)
        self.custom_row = QWidget()
        self.custom_row.setLayout(custom)
        form.addRow("Custom:", self.custom_row)
        self.copy_button = QPushButton("Cop&y code")
        self.save_button = QPushButton("&Save as...")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)

        self.message = MessageLine()
        self.code = QPlainTextEdit()
        self.code.setReadOnly(True)
        self.code.setFont(mono_font())
        self.code.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.code.setAccessibleName("Generated code")
        self.matrix_label = QLabel()
        self.matrix_label.setWordWrap(True)
        self.table = read_only_table(COLUMNS, "Match matrix", select_rows=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.matrix_label)
        right_layout.addWidget(self.table, 1)
        split = QSplitter()
        split.addWidget(self.code)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

        for combo in (self.target, self.language, self.family):
            combo.currentIndexChanged.connect(self.regenerate)
        for spin in (self.min_build, self.max_build):
            spin.valueChanged.connect(self.regenerate)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.code.toPlainText()))
        self.save_button.clicked.connect(self.save)
        self.regenerate()

    def show_custom(self, family: str, min_build: int, max_build: int) -> None:
        """Switch to a custom target (used by Identify's 'Snippet for this...')."""
        widgets = (self.target, self.family, self.min_build, self.max_build)
        for w in widgets:
            w.blockSignals(True)
        self.target.setCurrentIndex(self.target.findData(None))
        self.family.setCurrentText(family)
        self.min_build.setValue(min_build)
        self.max_build.setValue(max_build)
        for w in widgets:
            w.blockSignals(False)
        self.regenerate()

    def regenerate(self, *_args) -> None:
        key = self.target.currentData()
        self.custom_row.setEnabled(key is None)
        try:
            if key is None:
                target = custom_target(self.family.currentText(), self.min_build.value() or None,
                                       self.max_build.value() or None)
            else:
                target = PRESETS[key]
            snippet = generate(target, self.language.currentData())
        except UserInputError as exc:
            self.message.show_message(str(exc)[:1].upper() + str(exc)[1:], "bad")
            return
        self.message.clear_message()
        self.show_snippet(snippet)

    def show_snippet(self, snippet: Snippet) -> None:
        self.snippet = snippet
        self.code.setPlainText(snippet.code)
        self.table.setRowCount(0)
        rows = sorted(snippet.matrix, key=lambda r: (not r["matched"], not r["expected"]))
        for row_data in rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            kind = ("bad" if row_data["matched"] != row_data["expected"] else "good" if row_data["matched"] else None)
            values = (row_data["label"], row_data["version"], row_data["family"],
                      "yes" if row_data["expected"] else "no", "yes" if row_data["matched"] else "no")
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if kind:
                    tint(item, kind, self.table)
                self.table.setItem(row, col, item)
        doc = snippet.to_doc()
        text = (f"The {snippet.language} condition, read back from the code above, matches {doc['matched']} of "
                f"{len(snippet.matrix)} releases in the data: {snippet.target.describe()}.")
        if doc["mismatches"]:
            text += " MISMATCH: " + ", ".join(doc["mismatches"])
        if snippet.language == "wql":
            text += (" A WMI filter has no default branch: computers it does not match skip the GPO "
                     "(check with gpresult /r).")
        self.matrix_label.setText(text)

    def save(self) -> None:
        if not self.snippet:
            return
        path = self.ask_save_path(SUFFIX[self.snippet.language])
        if path:
            save_text(self.message, path, self.snippet.code)

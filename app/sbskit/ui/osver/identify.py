"""Identify sub-tab: paste any version text (or read this computer) and see the release(s),
support status today, how to tell shared builds apart, and what the build means for scripts."""

from __future__ import annotations

import datetime
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.osver.identify import Identification, identify_text, match_doc, support_verdict
from sbskit.core.osver.report import KIND_NAMES, identification_text
from sbskit.ui.common.job_panel import JobPanel
from sbskit.ui.common.job_widgets import BusyBar, MessageLine
from sbskit.ui.osver.widgets import GuardedTextEdit, mono_font, read_only_table, tint
from sbskit.ui.common.save_paths import in_reports

EXAMPLES = {
    "ver (Windows 7 / 2008 R2 era)": "Microsoft Windows [Version 6.1.7601]",
    "ver (German, Windows 11)": "Microsoft Windows [Version 10.0.26100.2314]\n(c) Microsoft Corporation. Alle Rechte vorbehalten.",
    "wmic os get (SBS 2008)": "BuildNumber  Caption                                             OperatingSystemSKU  ProductType  Version\n"
                              "6002         Microsoft Windows Small Business Server 2008 Premium  25                  2            6.0.6002\n",
    "reg query CurrentVersion (Windows 11 saying 10)":
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\n"
        "    CurrentBuildNumber    REG_SZ    22631\n    CurrentMajorVersionNumber    REG_DWORD    0xa\n"
        "    CurrentMinorVersionNumber    REG_DWORD    0x0\n    CurrentVersion    REG_SZ    6.3\n"
        "    DisplayVersion    REG_SZ    23H2\n    EditionID    REG_SZ    Professional\n"
        "    InstallationType    REG_SZ    Client\n    ProductName    REG_SZ    Windows 10 Pro\n"
        "    ReleaseId    REG_SZ    2009\n    UBR    REG_DWORD    0x1112\n",
    "A bare version": "6.0.6001",
}

COLUMNS = ("Release", "Family", "Version", "Released", "Support today", "Product end")


class IdentifyPanel(JobPanel):
    """Input on top, matches table and explanation below; all parsing runs on a JobWorker."""

    snippet_requested = Signal(str, int, int)  # family, lowest build, builds below

    def __init__(self, parent: QWidget | None = None, today=None) -> None:
        super().__init__(parent)
        self.today = today or datetime.date.today()
        self.result: Identification | None = None
        self.ask_open_path = lambda: QFileDialog.getOpenFileName(self, "Open version output", "",
                                                                 "Text files (*.txt *.log *.reg);;All files (*)")[0]
        self.ask_save_path = lambda: QFileDialog.getSaveFileName(self, "Export", in_reports("windows-version.txt"),
                                                                 "Text files (*.txt)")[0]

        self.input = GuardedTextEdit()
        self.input.setFont(mono_font())
        self.input.setPlaceholderText(
            "Paste the output of ver, systeminfo, wmic os get Caption,Version,BuildNumber,ProductType, "
            "reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\", PowerShell "
            "(Get-CimInstance Win32_OperatingSystem, [Environment]::OSVersion, $PSVersionTable) - "
            "or just a version such as 6.0.6001 or a build such as 19045. Ctrl+Enter identifies.")
        self.input.setAccessibleName("Version text to identify")
        self.input.setTabChangesFocus(True)
        self.input.refused.connect(lambda msg: self.message.show_message(msg, "bad"))
        self.input.file_dropped.connect(self.open_path)

        self.identify_button = QPushButton("I&dentify")
        self.identify_button.setToolTip("Name the Windows release in the text (Ctrl+Enter)")
        self.identify_button.setDefault(True)
        self.local_button = QPushButton("This co&mputer")
        self.local_button.setToolTip("Read this computer's real version from the 64-bit registry view (Windows only)")
        self.open_button = QPushButton("&Open file...")
        self.open_button.setToolTip("Read saved output (UTF-8, UTF-16 as wmic writes it, or ANSI)")
        self.examples = QComboBox()
        self.examples.addItem("Examples...")
        self.examples.addItems(list(EXAMPLES))
        self.examples.setAccessibleName("Example inputs")
        # long example names must not widen the whole window; the popup still shows them in full
        self.examples.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.examples.setMinimumContentsLength(12)
        self.examples.setToolTip("Fill the box with a typical output to see what the kit makes of it")
        self.snippet_button = QPushButton("&Snippet for this...")
        self.snippet_button.setToolTip("Open the snippet generator with a test for exactly these builds and family")
        self.copy_button = QPushButton("Cop&y result")
        self.export_button = QPushButton("E&xport...")
        for b in (self.copy_button, self.export_button, self.snippet_button):
            b.setEnabled(False)

        buttons = QHBoxLayout()
        for w in (self.identify_button, self.local_button, self.open_button, self.examples):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.snippet_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)

        self.message = MessageLine()
        self.busy = BusyBar()
        self.job_buttons = (self.identify_button, self.local_button, self.open_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.table = read_only_table(COLUMNS, "Matching Windows releases")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.details = QTextBrowser()
        self.details.setAccessibleName("Explanation")
        self.details.setOpenExternalLinks(True)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.input)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.busy)
        top_layout.addWidget(self.message)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.summary)
        results = QSplitter(Qt.Orientation.Vertical)
        results.addWidget(self.table)
        results.addWidget(self.details)
        results.setStretchFactor(0, 2)
        results.setStretchFactor(1, 3)
        bottom_layout.addWidget(results, 1)
        self.result_view = bottom  # what the visit report pictures: the verdict, the releases, the explanation
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.identify_button.clicked.connect(self.identify)
        self.local_button.clicked.connect(self.identify_local)
        self.open_button.clicked.connect(self.open_file)
        self.examples.activated.connect(self._example)
        self.copy_button.clicked.connect(self.copy_result)
        self.snippet_button.clicked.connect(self.request_snippet)
        self.export_button.clicked.connect(self.export_result)
        self.add_shortcuts(self.identify)

    # --- actions -------------------------------------------------------------------
    def _example(self, index: int) -> None:
        if index > 0:
            self.input.setPlainText(EXAMPLES[self.examples.itemText(index)])
            self.examples.setCurrentIndex(0)
            self.identify()

    def identify(self) -> None:
        text = self.input.toPlainText()
        self._start(lambda ctx: identify_text(text), "identify", self._finished)

    def identify_local(self) -> None:
        from sbskit.core.osver.local import identify_local

        self._start(lambda ctx: identify_local(), "identify this computer", self._finished)

    def open_path(self, path: str) -> None:
        def job(ctx):
            from sbskit.core.osver.textio import read_file

            text, _enc = read_file(path)
            return text, identify_text(text)

        self._start(job, "read file", self._finished)

    def _failed(self, message: str, details: str) -> None:
        super()._failed(message, details)
        self.clear_result()
        self.status(message)

    def clear_result(self) -> None:
        """Nothing of an earlier identification stays visible or copyable once a new one failed."""
        self.result = None
        self.table.setRowCount(0)
        self.summary.clear()
        self.details.clear()
        for b in (self.copy_button, self.export_button, self.snippet_button):
            b.setEnabled(False)

    def status(self, text: str) -> None:
        """Forward a note to the main window's status bar through the owning tab."""
        parent_tab = self.parent()
        while parent_tab is not None and not hasattr(parent_tab, "status_message"):
            parent_tab = parent_tab.parent()
        if parent_tab is not None:
            parent_tab.status_message.emit(text)

    def _finished(self, value) -> None:
        if isinstance(value, tuple):
            text, value = value
            self.input.setPlainText(text)
        self.show_result(value)

    def show_result(self, result: Identification) -> None:
        self.result = result
        f = result.facts
        self.table.setRowCount(0)
        for r in result.matches:
            d = match_doc(r, self.today, result.channel)
            partly = any(row["status"] == "ended" and not row["channel"].startswith("ESU") for row in d["support"])
            if d["supported"]:
                kind = "unknown" if partly and not d["channel"] else "good"  # depends on the edition
            else:
                kind = "unknown" if d["esu_until"] and d["esu_until"] >= self.today.isoformat() else "bad"
            row = self.table.rowCount()
            self.table.insertRow(row)
            values = (r.label, r.family, r.version + (f".{f.revision}" if f.revision is not None and r.major >= 10 else ""),
                      d["released"], d["status"], r.end_of_support().isoformat())
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(r.notes or value)
                if col == 4:
                    tint(item, kind, self.table)
                self.table.setItem(row, col, item)
        ver = html.escape(f.version or "?")
        ubr = f", UBR {f.revision}" if f.revision is not None else ""
        count = len(result.matches)
        what = (f"<b>{count} release{'s' if count != 1 else ''}</b> fit" if count else
                f"<b>No release in the data fits</b>: {html.escape(result.unknown_build or '')}")
        verdict, why = support_verdict(result, self.today)
        word = {"supported": "Supported", "ended": "Out of support"}.get(verdict, "Could not tell")
        self.summary.setText(f"Read as <b>{html.escape(KIND_NAMES.get(f.kind, f.kind))}</b>: version {ver}{ubr}. {what}. "
                             f"Support as of {self.today.isoformat()}.<br><b>{word}</b>: "
                             f"{html.escape(why.split(': ', 1)[-1])}")
        self.details.setHtml(self._details_html(result))
        self.copy_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.snippet_button.setEnabled(bool(result.matches))
        self.status(f"Identified {f.version or '?'}: {count} matching release(s)")

    def _details_html(self, result: Identification) -> str:
        parts = []
        if result.ambiguity:
            parts.append(f"<h4>Which one is it?</h4><p>{html.escape(result.ambiguity)}</p>")
        if result.hints:
            parts.append("<p><b>Narrowed by:</b> " + html.escape("; ".join(result.hints)) + "</p>")
        if result.conflicts:
            parts.append("<p><b>Ignored:</b> " + html.escape("; ".join(result.conflicts)) + "</p>")
        if result.script_notes:
            parts.append("<h4>What this build means for scripts</h4><ul>" +
                         "".join(f"<li>{html.escape(n)}</li>" for n in result.script_notes) + "</ul>")
        if result.facts.notes:
            parts.append("<h4>About the input</h4><ul>" +
                         "".join(f"<li>{html.escape(n)}</li>" for n in result.facts.notes) + "</ul>")
        rows = []
        for r in result.matches:
            d = match_doc(r, self.today, result.channel)
            chans = "; ".join(f"{c['channel']}: {('mainstream to ' + c['mainstream_end'] + ', ') if c['mainstream_end'] else ''}"
                              f"end {c['end']} ({c['status']})" for c in d["support"])
            rows.append(f"<li><b>{html.escape(r.label)}</b> - {html.escape(chans)} "
                        f"<a href=\"{html.escape(r.source)}\">source</a>, reviewed {r.reviewed}</li>")
        if rows:
            parts.append("<h4>Support by servicing channel</h4><ul>" + "".join(rows) + "</ul>")
        return "".join(parts)

    def request_snippet(self) -> None:
        if not self.result or not self.result.matches:
            return
        families = {r.family for r in self.result.matches}
        builds = [r.build for r in self.result.matches]
        family = families.pop() if len(families) == 1 else "any"
        self.snippet_requested.emit(family, min(builds), max(builds) + 1)

    def result_text(self) -> str:
        return identification_text(self.result, self.today) if self.result else ""

    def copy_result(self) -> None:
        QGuiApplication.clipboard().setText(self.result_text())

    def export_result(self) -> None:
        self.export_text(self.result_text)

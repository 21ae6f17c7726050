"""The evidence page: drop or add files; each is imported in the background and listed
with its detected format, encoding, record count and problems."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from sbskit.core.triage import EvidenceFile
from sbskit.core.triage.engine import read_evidence
from sbskit.core.triage.model import InputSummary
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.triage.state import TriageState
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker

COLUMNS = ("File", "Format", "Encoding", "Records", "Problems")
NO_FILES = "No files yet: your answers alone can point at a cause, but only evidence can confirm one."


class EvidenceTable(QTableWidget):
    """The file list; also the drop target for files from Explorer."""

    def __init__(self, on_drop: Callable[[list[Path]], None], parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.on_drop = on_drop
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.setAccessibleName("Evidence files")
        self.setToolTip("Drop log files and exports here. The kind of each file is recognised from its content.")

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.rowCount() == 0:  # an empty list says what to do with it
            painter = QPainter(self.viewport())
            color = self.palette().color(self.palette().ColorGroup.Disabled, self.palette().ColorRole.Text)
            painter.setPen(color)
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter,
                             "Drop log files and exports here\nor press Add files\u2026 (Ctrl+O)")
            painter.end()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.on_drop(paths)


class EvidencePage(QWizardPage):
    """Files are read as soon as they are added (on a worker, with progress and Cancel)."""

    def __init__(self, state: TriageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle("Evidence")
        self.setSubTitle("Drop the server's logs and exports here, or add them. Each one sharpens the diagnosis; "
                         "\"healthy\" needs delivery logs that cover at least a working day.")
        self.ask_open_paths: Callable[[], list[str]] = self._ask_open_paths  # replaced in tests
        self.worker: JobWorker | None = None
        self._queued: list[Path] = []
        self._rows: dict[str, int] = {}
        self._restart: list[Path] = []
        self._importing = False

        self.table = EvidenceTable(self.add_paths)
        self.table.setMinimumHeight(self.fontMetrics().height() * 8)
        hint = QLabel(
            "Supported: Exchange message tracking logs (2003-2019/SE) and Get-MessageTrackingLog exports, SMTP receive/send "
            "protocol logs (also lines pasted without their header), IIS SMTP logs, Get-Queue / Get-Message exports or "
            "pasted screen output, Postfix <tt>postqueue -j</tt>, <tt>mailq</tt> and maillog, saved bounce messages "
            "(NDRs), Windows Firewall <tt>pfirewall.log</tt>, pfSense/OPNsense filterlog, firewall CSV. Any encoding "
            "(UTF-8, UTF-16, ANSI), also indented or quoted copies."
        )
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.RichText)
        self.add_button = QPushButton("&Add files\u2026")
        self.add_button.setToolTip("Choose evidence files (Ctrl+O)")
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setToolTip("Remove the selected files from the analysis (Delete)")
        self.cancel_button = QPushButton("Cancel i&mport")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.progress.setAccessibleName("Import progress")
        self.status = QLabel(NO_FILES)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_selected)
        self.cancel_button.clicked.connect(self.cancel)
        QShortcut(QKeySequence.StandardKey.Open, self, self.choose_files)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.remove_selected)

    # --- adding and removing ---------------------------------------------------------------
    def _ask_open_paths(self) -> list[str]:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Add evidence files", "", "Logs, exports and bounces (*.log *.csv *.txt *.json *.eml);;All files (*)")
        return chosen

    def choose_files(self) -> None:
        paths = [Path(p) for p in self.ask_open_paths()]
        if paths:
            self.add_paths(paths)

    def add_paths(self, paths: list[Path]) -> None:
        known = {str(f.path) for f in self.state.files} | {str(p) for p in self._queued}
        new = [p for p in paths if str(p) not in known]
        if not new:
            return
        for path in new:
            self._add_row(path)
        if self.busy:
            self._queued.extend(new)
        else:
            self._start(new)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows or self.busy:
            return
        names = {self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows}
        keep = [f.path for f in self.state.files if str(f.path) not in names]
        self.state.files = []
        self.state.reset_evidence()
        self.table.setRowCount(0)
        self._rows.clear()
        for path in keep:
            self._add_row(path)
        if keep:
            self._start(keep)
        else:
            self.status.setText(NO_FILES)
        self.completeChanged.emit()

    def _add_row(self, path: Path) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(path.name)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        item.setToolTip(str(path))
        self.table.setItem(row, 0, item)
        for col, text in enumerate(("waiting\u2026", "", "", ""), 1):
            self.table.setItem(row, col, QTableWidgetItem(text))
        self._rows[str(path)] = row

    # --- background import --------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True from start until the worker's ``ended`` reached this (GUI) thread."""
        return self._importing

    def _current(self) -> bool:
        """Signals still queued from a worker that was replaced (after Remove) are ignored."""
        return self.sender() is self.worker

    def _start(self, paths: list[Path]) -> None:
        files = [EvidenceFile(p) for p in paths]
        self.state.files.extend(files)
        evidence = self.state.evidence
        self._importing = True
        self.cancel_button.setEnabled(True)
        self.remove_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setFormat("Reading\u2026 %p%")
        self.completeChanged.emit()
        # bound methods: queued to this thread, so self.worker is set before the first one runs (see _current)
        self.worker = start_job(lambda ctx: read_evidence(files, evidence, ctx), "triage import",
                                progress=self._on_progress, result=self._on_file_done, failed=self._on_failed,
                                cancelled=self._on_cancelled, ended=self._on_ended)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if not self._current():
            return
        self.progress.setValue(done if total else 0)
        self.status.setText(message)

    def _on_file_done(self, summary: InputSummary) -> None:
        if not self._current():
            return
        self.state.inputs.append(summary)
        row = self._rows.get(summary.file)
        if row is None:
            return
        problems = "; ".join(summary.problems)
        values = (summary.format_name if summary.format else "not used", summary.encoding or "-",
                  f"{summary.records:,}" if summary.format else "-", problems or "none")
        kind = "bad" if not (summary.usable or summary.empty) else ("unknown" if summary.problems else "good")
        for col, text in enumerate(values, 1):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if col == 4 or not summary.usable:
                item.setBackground(status_background(kind, self))
                item.setForeground(status_foreground(kind, self))
            if col == 3:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, col, item)
        self.table.resizeRowToContents(row)

    def _on_failed(self, message: str, _details: str) -> None:
        if not self._current():
            return
        self.status.setText(f"The import stopped: {message}")

    def _on_cancelled(self) -> None:
        """Partly read files would skew the counts: keep only files read to the end, read afresh."""
        if not self._current():
            return
        done = [Path(i.file) for i in self.state.inputs]
        self._queued.clear()
        self.state.files = []
        self.state.reset_evidence()
        self.table.setRowCount(0)
        self._rows.clear()
        for path in done:
            self._add_row(path)
        self._restart = done
        self.status.setText("Import cancelled; only files that were read completely are kept.")

    def _on_ended(self) -> None:
        if not self._current():
            return
        self._importing = False
        self.cancel_button.setEnabled(False)
        self.remove_button.setEnabled(True)
        self.progress.setFormat("%p%")
        again = self._restart or self._queued
        if again:
            self._restart, self._queued = [], []
            self._start(again)
            return
        usable = sum(1 for i in self.state.inputs if i.usable)
        records = sum(i.records for i in self.state.inputs)
        if self.state.inputs:
            self.status.setText(f"{usable} of {len(self.state.inputs)} file(s) usable, {records:,} records read.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.busy

    def reset(self) -> None:
        """No files, for a new triage (the wizard's Start over; the state is reset by the wizard)."""
        self.table.setRowCount(0)
        self._rows.clear()
        self.status.setText(NO_FILES)

    def shutdown(self) -> None:
        self._queued.clear()
        self.cancel()

"""The read-only history of one client: what changed since the last visit, then every saved run.

Kept apart from the dialog so the report export (or a tab) can reuse the same view.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.profiles.comparison import Comparison
from sbskit.core.profiles.history import Coverage, run_result
from sbskit.core.profiles.kinds import kind_spec
from sbskit.core.profiles.model import Run, local_date, local_datetime
from sbskit.ui.common.theme import status_background, status_foreground

RUN_COLUMNS = ["When", "Check", "Target", "Result", "Problems", "OK", "Errors", "Run"]
COL_RESULT, COL_PROBLEMS, COL_OK, COL_ERRORS, COL_ID = 3, 4, 5, 6, 7
STATE_STYLE = {"problem": "bad", "unknown": "unknown", "ok": "good", "stale": "info"}


def kind_label(kind: str) -> str:
    spec = kind_spec(kind)
    return spec.label if spec else kind


def comparison_html(comparison: Comparison, widget: QWidget) -> str:
    """One target's block: title, latest visit and its verdict, the visit compared with, then each group."""
    style = STATE_STYLE[comparison.state]
    fg = status_foreground(style, widget).name()
    verdict = f"<span style='color:{fg}; font-weight:bold'>{html.escape(comparison.verdict())}</span>"
    out = [f"<p><b>{html.escape(comparison.title())}</b><br>"]
    if comparison.stale:
        latest = local_date(comparison.kind_latest_at) if comparison.kind_latest_at else "the latest visit"
        out.append(f"Not checked on the latest visit ({html.escape(latest)}). Last checked "
                   f"{html.escape(comparison.visit_text())}: {verdict}")
    elif comparison.previous is None:
        out.append(f"First visit ({html.escape(comparison.visit_text())}): {verdict}")
    else:
        out.append(f"Latest visit ({html.escape(comparison.visit_text())}): {verdict}<br>Since the last visit "
                   f"({local_date(comparison.previous.at)}): {html.escape(comparison.change_summary())}")
    out.append("</p>")
    for group_style, heading, lines in comparison.groups():
        bg, gfg = status_background(group_style, widget).name(), status_foreground(group_style, widget).name()
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        out.append(f"<table width='100%' cellpadding='4' style='background:{bg}; margin-bottom:6px'><tr><td>"
                   f"<span style='color:{gfg}; font-weight:bold'>{html.escape(heading)} ({len(lines)})</span>"
                   f"<ul style='margin-top:2px; margin-bottom:0'>{items}</ul></td></tr></table>")
    return "".join(out)


class HistoryView(QWidget):
    """Shows comparisons (rich text) above a table of runs; a selected run can be deleted (the dialog asks)."""

    run_activated = Signal(int)  # a run's id: double-click or Enter asks to see its full result
    delete_requested = Signal(int)  # a run's id: "Delete run..." (the dialog confirms, deletes, offers Undo)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.summary = QTextBrowser()
        self.summary.setAccessibleName("Changes since the last visit")
        self.summary.setOpenLinks(False)
        self.runs = QTreeWidget()
        self.runs.setAccessibleName("Saved check runs")
        self.runs.setRootIsDecorated(False)
        self.runs.setAlternatingRowColors(False)
        self.runs.setUniformRowHeights(True)
        self.runs.setHeaderLabels(RUN_COLUMNS)
        self.runs.setToolTip("Double-click a run (or press Enter) to see its full result; Del deletes it")
        self.runs.itemActivated.connect(
            lambda item, _column: self.run_activated.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))
        )
        self.runs.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.runs.headerItem().setToolTip(COL_RESULT, "What the run could tell: a run where items failed is "
                                          "'could not check' or 'incomplete', never 'no problems'")
        self.runs.headerItem().setToolTip(COL_PROBLEMS, "Items with a problem: listed on a blocklist, an open relay ...")
        self.runs.headerItem().setToolTip(COL_ERRORS, "Items that gave no answer (timeouts, refused queries): never "
                                          "counted as fixed")
        self.runs.headerItem().setToolTip(COL_ID, "The run's number ('sbskit-cli profile delete-run' uses it)")
        header = self.runs.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        splitter.addWidget(self.summary)
        splitter.addWidget(self.runs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        self.count_label = QLabel()
        self.delete_run_button = QPushButton("De&lete run...")
        self.delete_run_button.setToolTip("Delete the selected run from the history (a check against the wrong "
                                          "resolver, a mistyped domain); asks first, and can be undone")
        self.delete_run_button.setAutoDefault(False)
        self.delete_run_button.clicked.connect(self.request_delete)
        delete_shortcut = QShortcut(QKeySequence.StandardKey.Delete, self.runs, self.request_delete)
        delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_button = QPushButton("Copy history")
        self.copy_button.setToolTip("Copy the changes and the list of runs as plain text (Ctrl+Shift+C)")
        self.copy_button.setAccessibleName("Copy history as text")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.copy_to_clipboard)
        row.addWidget(self.count_label, 1)
        row.addWidget(self.delete_run_button)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self._text = ""
        self.can_delete = True  # False on a write-protected stick
        self.clear()

    def clear(self, message: str = "Choose a client to see the history of its checks.") -> None:
        self.summary.setHtml(f"<p>{html.escape(message)}</p>")
        self.runs.clear()
        self.count_label.setText("")
        self._text = ""
        self.copy_button.setEnabled(False)
        self._update_buttons()

    def selected_run(self) -> int | None:
        item = self.runs.currentItem()
        return int(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    def run_description(self, run_id: int) -> str:
        """``the Blacklist check of 192.0.2.7 saved 2026-12-01 16:14`` (for the question and the status line)."""
        for index in range(self.runs.topLevelItemCount()):
            item = self.runs.topLevelItem(index)
            if int(item.data(0, Qt.ItemDataRole.UserRole)) == run_id:
                return f"the {item.text(1)} of {item.text(2)} saved {item.text(0)}"
        return f"run {run_id}"

    def request_delete(self) -> None:
        run_id = self.selected_run()
        if run_id is not None and self.delete_run_button.isEnabled():
            self.delete_requested.emit(run_id)

    def _update_buttons(self) -> None:
        self.delete_run_button.setEnabled(self.can_delete and self.selected_run() is not None)

    def show_history(self, name: str, runs: list[Run], comparisons: list[Comparison], total: int) -> None:
        from sbskit.core.profiles.history_report import history_text

        self.runs.clear()
        parts = [f"<h3>{html.escape(name)}</h3>"]
        if not runs:
            parts.append("<p>No saved runs yet. Save a check's results to this client to start its history.</p>")
        parts.extend(comparison_html(c, self) for c in comparisons)
        if comparisons:
            parts.append("<p style='color:gray'>A visit is every check run on one day; each item is compared with "
                         "its last real answer before the latest visit.</p>")
        self.summary.setHtml("".join(parts))
        for run in runs:
            c = run.counts
            result = run_result(run)
            values = [local_datetime(run.at), kind_label(run.kind), run.target, result, str(c["problem"]),
                      str(c["ok"]), str(c["error"]), str(run.id)]
            item = QTreeWidgetItem(values)
            state = Coverage.of_counts(c).state
            clean_run = state == "complete" and not c["problem"]
            result_style = None if result == "-" else "bad" if c["problem"] else "good" if clean_run else "unknown"
            for column, style in ((COL_RESULT, result_style), (COL_PROBLEMS, "bad" if c["problem"] else None),
                                  (COL_OK, "good" if clean_run else None),
                                  (COL_ERRORS, "unknown" if c["error"] else None)):
                if style:
                    item.setBackground(column, status_background(style, self))
                    item.setForeground(column, status_foreground(style, self))
            for column in (COL_PROBLEMS, COL_OK, COL_ERRORS, COL_ID):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(2, run.target)
            item.setData(0, Qt.ItemDataRole.UserRole, run.id)
            self.runs.addTopLevelItem(item)
        shown = len(runs)
        self.count_label.setText(
            f"{total} saved runs" if shown == total else f"Latest {shown} of {total} saved runs"
        )
        self._text = history_text(name, comparisons, runs) + "\n"
        self.copy_button.setEnabled(True)
        self._update_buttons()

    def copy_to_clipboard(self) -> None:
        if self._text:
            QGuiApplication.clipboard().setText(self._text)


class DocumentDialog(QDialog):
    """A saved run's JSON result, read-only, with a Copy button."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Saved result document")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 480)

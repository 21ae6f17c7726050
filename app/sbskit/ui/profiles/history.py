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

from sbskit.core.profiles.history import Comparison, Coverage, run_result
from sbskit.core.profiles.kinds import kind_spec, spec_or_generic
from sbskit.core.profiles.model import Run, local_date, local_datetime
from sbskit.ui.common.theme import status_background, status_foreground

RUN_COLUMNS = ["When", "Check", "Target", "Result", "Problems", "OK", "Errors"]
COL_RESULT, COL_PROBLEMS, COL_OK, COL_ERRORS = 3, 4, 5, 6
STATE_STYLE = {"problem": "bad", "unknown": "unknown", "ok": "good"}
BUCKET_STYLE = {"new": "bad", "still_listed": "bad", "fixed": "good", "unknown": "unknown"}
BUCKET_TEXT = {
    "new": "New since last visit",
    "fixed": "Fixed since last visit",
    "still_listed": "Still listed",
    "unknown": "Could not be compared (no answer on one of the visits)",
}


def kind_label(kind: str) -> str:
    spec = kind_spec(kind)
    return spec.label if spec else kind


class HistoryView(QWidget):
    """Shows comparisons (rich text) above a table of runs; never edits anything."""

    run_activated = Signal(int)  # a run's id: double-click or Enter asks to see its full result

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
        self.runs.setToolTip("Double-click a run (or press Enter) to see its full result")
        self.runs.itemActivated.connect(
            lambda item, _column: self.run_activated.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))
        )
        self.runs.headerItem().setToolTip(COL_RESULT, "What the run could tell: a run where items failed is "
                                          "'could not check' or 'incomplete', never 'no problems'")
        self.runs.headerItem().setToolTip(COL_PROBLEMS, "Items with a problem: listed on a blocklist, an open relay ...")
        self.runs.headerItem().setToolTip(COL_ERRORS, "Items that gave no answer (timeouts, refused queries): never "
                                          "counted as fixed")
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
        self.copy_button = QPushButton("Copy history")
        self.copy_button.setToolTip("Copy the changes and the list of runs as plain text (Ctrl+Shift+C)")
        self.copy_button.setAccessibleName("Copy history as text")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.copy_to_clipboard)
        row.addWidget(self.count_label, 1)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self._text = ""
        self.clear()

    def clear(self, message: str = "Choose a client to see the history of its checks.") -> None:
        self.summary.setHtml(f"<p>{html.escape(message)}</p>")
        self.runs.clear()
        self.count_label.setText("")
        self._text = ""
        self.copy_button.setEnabled(False)

    def show_history(self, name: str, runs: list[Run], comparisons: list[Comparison], total: int) -> None:
        self.runs.clear()
        lines = [f"History of {name}"]
        parts = [f"<h3>{html.escape(name)}</h3>"]
        if not runs:
            parts.append("<p>No saved runs yet. Save a check's results to this client to start its history.</p>")
            lines.append("No saved runs yet.")
        for comparison in comparisons:
            parts.append(self._comparison_html(comparison))
            lines.append("")
            lines.extend(comparison.report_lines()[:1])
            lines.extend(f"  {s}" for s in comparison.sentences())
        self.summary.setHtml("".join(parts))
        lines.append("")
        for run in runs:
            c = run.counts
            result = run_result(run)
            values = [local_datetime(run.at), kind_label(run.kind), run.target, result, str(c["problem"]),
                      str(c["ok"]), str(c["error"])]
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
            for column in (COL_PROBLEMS, COL_OK, COL_ERRORS):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(2, run.target)
            item.setData(0, Qt.ItemDataRole.UserRole, run.id)
            self.runs.addTopLevelItem(item)
            lines.append("\t".join(values))
        shown = len(runs)
        self.count_label.setText(
            f"{total} saved runs" if shown == total else f"Latest {shown} of {total} saved runs"
        )
        self._text = "\n".join(lines) + "\n"
        self.copy_button.setEnabled(True)

    def _comparison_html(self, comparison: Comparison) -> str:
        title = f"{kind_label(comparison.kind)}: {comparison.target or '-'}"
        when = local_datetime(comparison.latest.at)
        style = STATE_STYLE[comparison.state]
        fg = status_foreground(style, self).name()
        verdict = f"<span style='color:{fg}; font-weight:bold'>{html.escape(comparison.verdict())}</span>"
        out = [f"<p><b>{html.escape(title)}</b><br>Latest run {when}: {verdict}"]
        if comparison.previous is not None:
            out.append(f"<br>Since the last visit ({local_date(comparison.previous.at)}): "
                       f"{html.escape(comparison.change_summary())}")
        out.append("</p>")
        spec = kind_spec(comparison.kind)
        word = spec.problem_word if spec else "problem"
        if comparison.previous is None:
            if comparison.listed_now:
                heading = f"{word[:1].upper()}{word[1:]} now (first saved run)"
                out.append(self._list_html("new", heading, comparison.listed_now, word, comparison.kind))
            return "".join(out)
        for bucket in ("new", "fixed", "still_listed", "unknown"):
            changes = comparison.buckets[bucket]
            if changes:
                out.append(self._list_html(bucket, BUCKET_TEXT[bucket], changes, word, comparison.kind))
        return "".join(out)

    def _list_html(self, bucket: str, heading: str, changes, word: str, kind: str = "") -> str:
        style = BUCKET_STYLE[bucket]
        fg = status_foreground(style, self).name()
        bg = status_background(style, self).name()
        items = []
        for change in changes:
            text = f"{change.target}: {spec_or_generic(kind).name(change.item)}"
            if change.listed_since is not None:
                text += f" - {word} since {local_date(change.listed_since.since)}"
            if change.reason:
                text += f" - {change.reason}"
            items.append(f"<li>{html.escape(text)}</li>")
        return (
            f"<table width='100%' cellpadding='4' style='background:{bg}; margin-bottom:6px'><tr><td>"
            f"<span style='color:{fg}; font-weight:bold'>{html.escape(heading)} ({len(changes)})</span>"
            f"<ul style='margin-top:2px; margin-bottom:0'>{''.join(items)}</ul></td></tr></table>"
        )

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

"""Small widgets the OS version tab shares: a code view with line numbers and finding
markers beside the lines, and a paste-guarded text box (the message line and busy bar
every panel uses are in ``ui/common/job_widgets.py``)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QPainter, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QWidget,
)

from sbskit.core.osver.textio import MAX_CHARS
from sbskit.ui.common.theme import status_background, status_foreground

SEVERITY_KIND = {"error": "bad", "warning": "unknown", "info": "info"}


def read_only_table(columns, name: str, select_rows: bool = True) -> QTableWidget:
    """A results table: column titles, an accessible name, no editing, no row numbers."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if select_rows:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    return table


def tint(item: QTableWidgetItem, kind: str, table: QTableWidget) -> None:
    """Colour a cell by status kind (bad/good/unknown/info), readable in light and dark themes."""
    item.setBackground(status_background(kind, table))
    item.setForeground(status_foreground(kind, table))


def mono_font():
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    return font


class GuardedTextEdit(QPlainTextEdit):
    """A plain text box that refuses pastes over the kit's size cap instead of freezing on them."""

    refused = Signal(str)
    file_dropped = Signal(str)  # a local file dropped or pasted: open it instead of inserting its name

    def canInsertFromMimeData(self, source) -> bool:  # noqa: N802 - Qt override
        return bool(source is not None and (source.hasUrls() or super().canInsertFromMimeData(source)))

    def insertFromMimeData(self, source) -> None:  # noqa: N802 - Qt override
        if source is not None and source.hasUrls():
            files = [u.toLocalFile() for u in source.urls() if u.isLocalFile()]
            if files:
                self.file_dropped.emit(files[0])
                return
        if source is not None and source.hasText():
            size = len(source.text())
            if size > MAX_CHARS:
                self.refused.emit(f"The pasted text is {size / 1048576:.1f} MB; the limit is "
                                  f"{MAX_CHARS / 1048576:.0f} MB - paste only the relevant output or script.")
                return
        super().insertFromMimeData(source)


class _Gutter(QWidget):
    def __init__(self, editor: "CodeEditor") -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802
        self.editor.paint_gutter(event)


class CodeEditor(GuardedTextEdit):
    """Line numbers in a gutter; lines with findings get a coloured mark (E/W/i) and a tint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(mono_font())
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.marks: dict[int, str] = {}  # 1-based line -> worst severity
        self.gutter = _Gutter(self)
        self.blockCountChanged.connect(self._update_width)
        self.updateRequest.connect(self._update_gutter)
        self._update_width()

    def gutter_width(self) -> int:
        digits = max(3, len(str(max(1, self.blockCount()))))
        return 12 + self.fontMetrics().horizontalAdvance("9") * (digits + 2)

    def _update_width(self, *_args) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect, dy) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        cr = self.contentsRect()
        self.gutter.setGeometry(QRect(cr.left(), cr.top(), self.gutter_width(), cr.height()))

    def set_marks(self, marks: dict[int, str]) -> None:
        self.marks = dict(marks)
        selections = []
        for line, severity in sorted(self.marks.items()):
            block = self.document().findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            sel = QTextEdit.ExtraSelection()
            color = QColor(status_background(SEVERITY_KIND[severity], self))
            sel.format.setBackground(color)
            sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            sel.cursor = QTextCursor(block)
            selections.append(sel)
        self.setExtraSelections(selections)
        self.gutter.update()

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        if block.isValid():
            cursor = QTextCursor(block)
            self.setTextCursor(cursor)
            self.centerCursor()
            self.setFocus()

    def paint_gutter(self, event) -> None:
        painter = QPainter(self.gutter)
        painter.fillRect(event.rect(), self.palette().color(self.palette().ColorRole.AlternateBase))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        width = self.gutter.width()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                line = number + 1
                severity = self.marks.get(line)
                if severity:
                    kind = SEVERITY_KIND[severity]
                    painter.fillRect(0, top, width, height, status_background(kind, self))
                    painter.setPen(status_foreground(kind, self))
                    painter.drawText(4, top, 12, height, Qt.AlignmentFlag.AlignLeft, severity[0].upper())
                else:
                    painter.setPen(self.palette().color(self.palette().ColorRole.PlaceholderText))
                painter.drawText(0, top, width - 6, height, Qt.AlignmentFlag.AlignRight, str(line))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

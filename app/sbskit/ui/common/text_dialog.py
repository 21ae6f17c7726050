"""A read-only text in a dialog that fits the screen: long results scroll instead of running
off the bottom (a QMessageBox grows with its text: the Re-run result was 870 px tall)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from sbskit.ui.common.screen_fit import available_rect, fit_rect


class TextDialog(QDialog):
    def __init__(self, title: str, text: str, parent: QWidget | None = None, heading: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if heading:
            label = QLabel(heading)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setAccessibleName(title)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        lines = max(4, text.count("\n") + 2)
        wanted = (min(metrics.averageCharWidth() * 100, 900), metrics.lineSpacing() * lines + 120)
        self.setGeometry(*fit_rect(available_rect(parent or self), wanted, (320, 200)))


def show_text(parent: QWidget | None, title: str, text: str, heading: str = "") -> None:
    TextDialog(title, text, parent, heading).exec()

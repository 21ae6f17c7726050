"""The two widgets every panel that runs a background job shows: a message line and a busy bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from sbskit.ui.common.theme import status_background, status_foreground


class MessageLine(QLabel):
    """One line under a form for errors and notes, coloured by kind (bad/good/unknown/info)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName("Message")
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        bg = status_background(kind, self).name()
        fg = status_foreground(kind, self).name()
        self.setStyleSheet(f"QLabel {{ background: {bg}; color: {fg}; padding: 6px; border-radius: 4px; }}")
        self.setText(text)
        self.kind = kind
        self.show()

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class BusyBar(QWidget):
    """An indeterminate progress bar with a Cancel button, shown while a worker runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        self.bar.setAccessibleName("Working")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop this job (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self._worker = None
        self.cancel_button.clicked.connect(self.cancel)
        self.hide()

    def attach(self, worker) -> None:
        """Show while ``worker`` runs; Cancel asks it to stop."""
        self._worker = worker
        worker.ended.connect(self.hide)
        self.show()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

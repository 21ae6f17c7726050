"""The result of "Re-run this client's checks": one block per checked target, scrolling, with Copy.

Each block is the History view's (title, latest visit and verdict, the visit it was compared
with, then what is wrong now, what was fixed, what could not be compared), so the re-run and
the history read the same. Copy puts the plain text on the clipboard (for a ticket or a mail).
"""

from __future__ import annotations

import html

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.profiles.history import comparison_html

OUTCOME = {"problem": "problems found", "unknown": "could not check everything", "ok": "nothing wrong found"}
STYLE = {"problem": "bad", "unknown": "unknown", "ok": "good"}


def rerun_title(result) -> str:
    return f"{result.profile}: {len(result.runs)} check(s) re-run, {OUTCOME[result.state]}"


class RerunDialog(QDialog):
    """Shows a :class:`~sbskit.core.profiles.rerun.RerunResult`; never edits anything."""

    def __init__(self, result, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(rerun_title(result))
        layout = QVBoxLayout(self)
        style = STYLE[result.state]
        self.headline = QLabel(f"{len(result.runs)} check(s) re-run for {result.profile}: {OUTCOME[result.state]}")
        self.headline.setObjectName("rerunHeadline")
        self.headline.setWordWrap(True)
        self.headline.setContentsMargins(8, 6, 8, 6)
        self.headline.setStyleSheet(f"#rerunHeadline {{ background: {status_background(style, self).name()}; "
                                    f"color: {status_foreground(style, self).name()}; font-weight: bold; }}")
        layout.addWidget(self.headline)
        self.body = QTextBrowser()
        self.body.setAccessibleName("What changed since the last visit")
        self.body.setOpenLinks(False)
        self.body.setHtml(self._html())
        layout.addWidget(self.body, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setToolTip("Copy the result as plain text")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 560)

    def _html(self) -> str:
        result = self.result
        parts = [comparison_html(c, self) for c in result.comparisons]
        notes = [f"Could not run: {problem}" for problem in result.problems]
        if not result.saved:
            notes.append("Not saved: the kit's folder is write-protected (compared with the saved history only).")
        if result.state == "unknown":
            notes.append("Not every check could answer: this visit cannot say the client is clean.")
        elif result.state == "ok" and not result.comparisons:
            notes.append("Nothing listed or changed since the last visit.")
        if notes:
            fg = status_foreground("unknown" if result.state != "ok" else "good", self).name()
            parts.append("".join(f"<p style='color:{fg}'><b>{html.escape(n)}</b></p>" for n in notes))
        lead = "".join(f"<p>{html.escape(line)}</p>" for line in result.lead)
        return lead + ("".join(parts) or "<p>No check was re-run.</p>")

    def plain_text(self) -> str:
        return self.result.text() + "\n"

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())

"""The window's menu shortcuts win over text fields, and a stray Alt+letter types nothing.

On X11 (and with Emacs-style key themes) a QLineEdit claims Ctrl+E as "end of line" through a
ShortcutOverride event, so File > Export report (Ctrl+E) did nothing while the focus was in a
field; End still moves to the end of the line. ``ShortcutPriority`` lets the window's own
shortcuts through: the override is refused for those keys only.

On Linux an Alt+letter that is no mnemonic reaches the focused field as a key press with the
letter as its text, and QLineEdit inserts it (Alt+H in the profile filter typed "h"). A key
press with Alt (and neither Ctrl nor AltGr's level-3 shift) is never text: it is swallowed
before it reaches a text field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)


def is_text_input(widget: QObject) -> bool:
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, TEXT_INPUTS)


def _sequence(event) -> QKeySequence:
    return QKeySequence(event.keyCombination())


class ShortcutPriority(QObject):
    """Installed on the application once; ``protect`` adds the sequences that must always win."""

    _instance: ShortcutPriority | None = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.protected: set[str] = set()

    @classmethod
    def install(cls) -> ShortcutPriority | None:
        app = QApplication.instance()
        if app is None:
            return None
        if cls._instance is None:
            cls._instance = cls(app)
            app.installEventFilter(cls._instance)
        return cls._instance

    def protect(self, *sequences: QKeySequence) -> None:
        for sequence in sequences:
            if not sequence.isEmpty():
                self.protected.add(sequence.toString(QKeySequence.SequenceFormat.PortableText))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(watched, QWidget) and is_text_input(watched):
            if _sequence(event).toString(QKeySequence.SequenceFormat.PortableText) in self.protected:
                event.ignore()  # not the field's: the window's shortcut runs
                return True
        elif kind == QEvent.Type.KeyPress and isinstance(watched, QWidget) and is_text_input(watched):
            mods = event.modifiers()
            alt_only = mods & Qt.KeyboardModifier.AltModifier and not mods & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
                | Qt.KeyboardModifier.GroupSwitchModifier)
            if alt_only and event.text() and event.text().isprintable():
                event.accept()  # an Alt+letter with no mnemonic: no letter in the field
                return True
        return False

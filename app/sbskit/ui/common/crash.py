"""Unhandled exceptions and Qt's own messages, routed into the log and shown to the admin.

An exception in a slot must not silently kill the kit: the excepthook logs the traceback
and shows a dialog with "Copy details"; the app keeps running. The dialog factory is an
attribute so tests can replace it instead of facing a modal window.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from types import TracebackType
from typing import Callable

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from sbskit import APP_NAME, __version__

log = logging.getLogger("sbskit.crash")
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


_starting: list[str] | None = None  # Qt's platform messages while the QApplication is being made


def qt_message_handler(mode: QtMsgType, context, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)
    category = getattr(context, "category", "") or ""
    if _starting is not None and (category.startswith("qt.qpa") or mode != QtMsgType.QtDebugMsg):
        _starting.append(message.strip())
    if mode == QtMsgType.QtFatalMsg and _starting is not None:
        # Qt aborts (exit 134) right after this message: say its reasons, and leave with exit 2 first
        lines = list(dict.fromkeys(line for text in _starting for line in text.splitlines() if line.strip()))
        print("sbskit: cannot open the window; Qt says:", file=sys.stderr)
        for line in lines:
            print(f"  {line}", file=sys.stderr)
        print("  (check DISPLAY and -platform; without a desktop: sbskit-cli ..., or "
              "sbskit -platform offscreen --screenshots DIR)", file=sys.stderr, flush=True)
        logging.shutdown()
        os._exit(2)
    # anything else Qt finds fatal or critical reaches the terminal too (the log may never be read)
    if _starting is None and (mode in (QtMsgType.QtFatalMsg, QtMsgType.QtCriticalMsg)
                              or category.startswith("qt.qpa.plugin")):
        print(f"Qt: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def starting_qt():
    """While the QApplication is made: collect Qt's platform messages for a fatal start-up."""
    global _starting
    _starting = []
    try:
        yield
    finally:
        _starting = None


def install_qt_message_handler() -> None:
    qInstallMessageHandler(qt_message_handler)


class CrashDialog(QDialog):
    """Says what happened in plain words, with the details one click from the clipboard."""

    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: something went wrong")
        self.details = details
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"<b>{summary}</b><br>The kit keeps running, but the last action did not finish. "
            "The details below are also in the log file; please send them with a bug report."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        text = QPlainTextEdit(details)
        text.setReadOnly(True)
        text.setMinimumSize(560, 240)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)


class CrashHandler:
    """Installed as ``sys.excepthook``; ``show_dialog`` is swappable for tests."""

    def __init__(self) -> None:
        self.show_dialog: Callable[[str, str], None] = self._show_dialog
        self._showing = False

    def install(self) -> None:
        sys.excepthook = self.handle

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        details = f"{APP_NAME} {__version__}\n" + "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled exception\n%s", details)
        if self._showing:  # an error inside the dialog itself: log only
            return
        self._showing = True
        try:
            self.show_dialog(f"{exc_type.__name__}: {exc}", details)
        finally:
            self._showing = False

    def _show_dialog(self, summary: str, details: str) -> None:
        if QApplication.instance() is None:
            return
        CrashDialog(summary, details, QApplication.activeWindow()).exec()

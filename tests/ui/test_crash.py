"""Unhandled exceptions are logged and shown with copyable details; Qt warnings reach the log."""

import logging
import sys

import pytest
from PySide6.QtWidgets import QApplication

from sbskit.ui.common.crash import CrashDialog, CrashHandler, install_qt_message_handler

pytestmark = pytest.mark.gui


def test_excepthook_logs_and_shows_dialog(caplog):
    shown = []
    handler = CrashHandler()
    handler.show_dialog = lambda summary, details: shown.append((summary, details))
    try:
        raise ValueError("a bad thing")
    except ValueError:
        with caplog.at_level(logging.ERROR, logger="sbskit.crash"):
            handler.handle(*sys.exc_info())
    assert shown and shown[0][0] == "ValueError: a bad thing"
    assert "Traceback" in shown[0][1]
    assert "a bad thing" in caplog.text


def test_crash_dialog_copies_details(qtbot):
    dialog = CrashDialog("ValueError: x", "details here")
    qtbot.addWidget(dialog)
    dialog.copy_details()
    assert QApplication.clipboard().text() == "details here"


def test_qt_messages_are_routed_to_logging(caplog, qapp):
    install_qt_message_handler()
    try:
        with caplog.at_level(logging.INFO, logger="qt"):
            from PySide6.QtCore import qInfo

            qInfo("hello from qt")
        assert "hello from qt" in caplog.text
    finally:
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(None)

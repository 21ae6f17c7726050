"""Honest history in the window: the History view, the Re-run dialog and the report say "could not check"."""

from __future__ import annotations

import socket

import pytest

from sbskit.core.dnsbl.engine import Options, check
from sbskit.core.profiles import ProfileStore

pytestmark = pytest.mark.gui
IP = "192.0.2.7"


def closed_resolver() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def dead_client():
    """Acme with one real blocklist run in which every list was refused (no DNS)."""
    doc = check([IP], Options(resolvers=[closed_resolver()], timeout=1, reverse_dns=False))
    n = len(doc["targets"][0]["results"])
    with ProfileStore() as store:
        store.add("Acme", ips=[IP])
        store.add_run("Acme", "blacklist", doc)
    return n


def test_history_view_says_could_not_check(qtbot, dead_client):
    from sbskit.ui.profiles.dialog import ProfilesDialog

    dialog = ProfilesDialog(current="Acme")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme" and not dialog.busy, timeout=10000)
    summary = dialog.history.summary.toPlainText()
    n = dead_client
    assert f"could not check ({n} of {n} lists failed: refused)" in summary
    assert "no problems" not in summary.lower()
    row = dialog.history.runs.topLevelItem(0)
    assert row.text(3) == "could not check" and row.text(6) == str(n)
    dialog.history.copy_to_clipboard()
    from PySide6.QtGui import QGuiApplication

    assert "could not check" in QGuiApplication.clipboard().text()


def test_rerun_dialog_and_report_say_could_not_check(qtbot, dead_client):
    from sbskit.core.report import Report, render_html
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow
    from sbskit.ui.shell.report_export import add_history_section

    settings = Settings()
    settings.set("blacklist/resolver", closed_resolver())  # no DNS on this PC
    settings.set("blacklist/timeout", 1.0)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.set_current_client("Acme")
    shown = []
    window.show_info = lambda title, text: shown.append((title, text))
    window.action_recheck.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    title, text = shown[0]
    assert title == "Acme: 1 check(s) re-run, could not check everything"
    assert "Nothing listed or changed" not in text
    assert "latest run: could not check (" in text and "nothing could be compared" in text
    assert "could not check everything" in window.statusBar().currentMessage()

    report = Report(title="visit")
    add_history_section(report, "Acme")
    html = render_html(report)
    assert "could not check (" in html and "no problems found" not in html

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
        store.add_run("Acme", "blacklist", doc, at="2026-03-03T10:00:00Z")  # the last visit
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
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from sbskit.core.report import Report, render_html
    from sbskit.core.settings import Settings
    from sbskit.ui.profiles.rerun_dialog import RerunDialog
    from sbskit.ui.shell.main_window import MainWindow
    from sbskit.ui.shell.report_export import add_history_section

    settings = Settings()
    settings.set("blacklist/resolver", closed_resolver())  # no DNS on this PC
    settings.set("blacklist/timeout", 1.0)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.set_current_client("Acme")
    shown = []

    def show(result):  # the real dialog, shown without a modal loop
        dialog = RerunDialog(result, window)
        qtbot.addWidget(dialog)
        dialog.show()
        shown.append(dialog)

    window.show_rerun = show
    window.action_recheck.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    dialog = shown[0]
    assert dialog.windowTitle() == "Acme: 1 check(s) re-run, could not check everything"
    body = dialog.body.toPlainText()
    assert "Nothing listed or changed" not in body
    assert "Blacklist check 192.0.2.7" in body and "Latest visit (" in body and "could not check (" in body
    assert "Since the last visit (" in body and "nothing could be compared" in body
    assert "this visit cannot say the client is clean" in body
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Re-ran 1 check(s) for Acme.") and "could not check (" in copied
    assert "could not check everything" in window.statusBar().currentMessage()

    report = Report(title="visit")
    add_history_section(report, "Acme")
    html = render_html(report)
    assert "could not check (" in html and "no problems found" not in html
    assert ">Compared with</th>" in html and "<pre>" not in html  # a table with the run dates


def test_a_listing_after_a_visit_without_answers_is_named_in_the_view_and_the_report(qtbot, dead_client):
    """P2: the last visit had no answer from the list; the listing now is named anyway, with why it is not compared."""
    from sbskit.core.report import Report, render_html
    from sbskit.ui.shell.report_export import add_history_section
    from sbskit.ui.profiles.dialog import ProfilesDialog

    doc = {"targets": [{"target": IP, "results": [{"zone": "b.barracudacentral.org", "status": "listed"}]}]}
    with ProfileStore() as store:
        store.add_run("Acme", "blacklist", doc, at="2026-04-07T10:00:00Z")
    expected = "listed on b.barracudacentral.org since 7 Apr 2026 (could not compare: no answer last visit (refused))"
    dialog = ProfilesDialog(current="Acme")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme" and not dialog.busy, timeout=10000)
    summary = dialog.history.summary.toPlainText()
    assert "Listed now (1)" in summary and expected in summary
    report = Report(title="visit")
    add_history_section(report, "Acme")
    assert expected in render_html(report)

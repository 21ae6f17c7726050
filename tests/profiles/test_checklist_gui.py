"""The POP3 tab says whose checklist it shows, switches only when the client changes, and keys drive it.

Driven in a shown, focused main window with real key events (QTest through qtbot).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from sbskit.core.mailprobe import checklist as cl
from sbskit.core.profiles import ProfileStore, checklists

pytestmark = pytest.mark.gui


def answers(status: str, request: str = "") -> dict:
    sheet = cl.Checklist(request=request)
    sheet.set_status("cleartext", status)
    return sheet.to_dict()


@pytest.fixture
def window(qtbot):
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    with ProfileStore() as store:
        store.add("Acme Dental")
        store.add("Baker & Sons")
        checklists.save_client_checklist(store, "Acme Dental", answers("at-risk", "POP3 for the field staff"))
        checklists.save_template(store, "default", answers("fine", "the usual answers"))
    settings = Settings()
    settings.set("client/current", "Acme Dental")
    win = MainWindow(settings=settings)
    win.persist_state = False
    qtbot.addWidget(win)
    win.tabs.setCurrentIndex(3)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    panel = win.ensure_tab(3).checklist
    qtbot.waitUntil(lambda: panel.loaded and not panel.jobs.pending, timeout=10000)
    yield win
    win.ensure_tab(3).shutdown()


def panel_of(window):
    return window.ensure_tab(3).checklist


def saved_status(client: str) -> str:
    with ProfileStore() as store:
        return store.get(client).checklist["items"]["cleartext"]["status"]


def test_keys_change_the_clients_answers_and_they_are_saved_to_that_client(window, qtbot):
    panel = panel_of(window)
    assert panel.owner_bar.owner_label.text() == "Acme Dental's checklist"
    combo = panel.status_combo(panel.row_of("cleartext"))
    assert combo.currentData() == "at-risk"
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # at-risk -> accepted
    assert combo.currentData() == "accepted"
    qtbot.waitUntil(lambda: not panel.saving, timeout=5000)
    assert saved_status("Acme Dental") == "accepted"
    assert "Acme Dental's checklist" in panel.saved_label.text()


def test_choosing_another_client_switches_explicitly_and_templates_work_by_keyboard(window, qtbot):
    panel = panel_of(window)
    window.choose_profile = lambda current: "Baker & Sons"
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: panel.loaded and panel.owner == ("client", "Baker & Sons"), timeout=10000)
    assert panel.owner_bar.owner_label.text() == "Baker & Sons' checklist"
    assert window.statusBar().currentMessage() == "POP3 checklist: now showing Baker & Sons' checklist"
    assert panel.status_combo(panel.row_of("cleartext")).currentData() == "not-assessed"
    assert "No answers saved in Baker & Sons' checklist yet" in panel.saved_label.text()

    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # &Apply template ("default")
    qtbot.waitUntil(lambda: panel.status_combo(panel.row_of("cleartext")).currentData() == "fine", timeout=5000)
    qtbot.waitUntil(lambda: not panel.saving, timeout=5000)
    assert saved_status("Baker & Sons") == "fine" and saved_status("Acme Dental") == "at-risk"

    panel.ask_template_name = lambda current: "Dental practices"
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # &Save as template...
    qtbot.waitUntil(lambda: panel.owner_bar.template_combo.currentText() == "Dental practices", timeout=5000)
    with ProfileStore() as store:
        _name, state = checklists.load_template(store, "dental practices")
    assert state["items"]["cleartext"]["status"] == "fine" and state["client"] == ""

    # back to no client: the tab shows the template, and says so
    window.set_current_client("")
    qtbot.waitUntil(lambda: panel.loaded and panel.owner[0] == "template", timeout=10000)
    assert panel.owner_bar.owner_label.text() == "Template 'Dental practices' (no client chosen)"
    assert not panel.owner_bar.apply_button.isVisible()


def test_the_visit_report_names_whose_checklist_it_is(window):
    tab = window.ensure_tab(3)
    [section] = [s for s in tab.report_sections() if "POP3 checklist" in s.heading]
    assert section.heading == "Acme Dental's POP3 checklist"


def test_mnemonics_on_the_checklist_page_are_unique_with_the_menus(window):
    import re

    tab = window.ensure_tab(3)
    letters = [re.search(r"&(\w)", a.text()).group(1).lower() for a in window.menuBar().actions()]
    page = [tab.memo_html_button, tab.memo_pdf_button, *panel_of(window).findChildren(QAbstractButton),
            *panel_of(window).findChildren(QLabel)]
    for widget in page:
        found = re.search(r"&(\w)", widget.text() or "")
        if found and widget.isVisible():
            letters.append(found.group(1).lower())
    assert len(letters) == len(set(letters)), sorted(letters)


def test_client_profiles_dialog_shows_the_checklist_summary(qtbot, window):
    from sbskit.ui.profiles.dialog import ProfilesDialog

    dialog = ProfilesDialog(current="acme dental")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental" and not dialog.busy, timeout=10000)
    assert dialog.checklist_label.text().startswith("1 of ") and "(1 at risk)" in dialog.checklist_label.text()

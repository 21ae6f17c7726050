"""The window's client is always one that exists; one wrong run can be deleted (and put back); keys are unique.

Driven through the real Client profiles dialog (its buttons and keys) in a shown main window.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from sbskit.core.profiles import ProfileStore

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot):
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    with ProfileStore() as store:
        store.add("Empty Co", ips=["192.0.2.7"])
        store.add("Acme Dental")
    settings = Settings()
    settings.set("client/current", "Empty Co")
    win = MainWindow(settings=settings)
    win.persist_state = False
    qtbot.addWidget(win)
    win.tabs.setCurrentIndex(3)
    win.show()
    panel = win.ensure_tab(3).checklist
    qtbot.waitUntil(lambda: panel.loaded and not panel.jobs.pending and not win.history_workers, timeout=10000)
    yield win
    win.ensure_tab(3).shutdown()


def dialog_of(window, qtbot):
    """The real dialog as the menu opens it (with the window's rename/delete hooks), shown without a modal loop."""
    from sbskit.ui.profiles.dialog import ProfilesDialog

    dialog = ProfilesDialog(window, current=window.current_client)
    dialog.profile_renamed.connect(window.client_renamed)
    dialog.profile_deleted.connect(window.client_deleted)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.name_edit.text() == window.current_client and not dialog.busy, timeout=10000)
    return dialog


def test_renaming_the_current_client_moves_the_window_with_it(window, qtbot):
    panel = window.ensure_tab(3).checklist
    assert panel.owner_bar.owner_label.text() == "Empty Co's checklist"
    dialog = dialog_of(window, qtbot)
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Empty Company")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_client == "Empty Company", timeout=10000)
    dialog.reject()  # Close, not "Use this client"
    assert window.windowTitle().endswith("Empty Company") and window.client_label.text() == "Client: Empty Company"
    assert window.settings.get("client/current") == "Empty Company"
    qtbot.waitUntil(lambda: panel.loaded and panel.owner_bar.owner_label.text() == "Empty Company's checklist",
                    timeout=10000)
    assert dialog.status_label.text() == "Saved Empty Company: this visit's client has its new name."


def test_deleting_the_current_client_returns_to_no_client(window, qtbot):
    panel = window.ensure_tab(3).checklist
    dialog = dialog_of(window, qtbot)
    dialog.confirm_delete = lambda name, runs: True
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_client == "", timeout=10000)
    assert dialog.status_label.text().endswith("It was this visit's client: no client is selected now.")
    dialog.reject()
    assert window.windowTitle() == "SBS Admin Kit" and window.client_label.text() == "No client selected"
    qtbot.waitUntil(lambda: panel.loaded and panel.owner[0] == "template", timeout=10000)
    assert panel.owner_bar.owner_label.text().startswith("Template ")


def test_a_saved_client_that_is_gone_at_start_means_no_client_and_a_message(qtbot):
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    with ProfileStore() as store:
        store.add("Someone Else")
    settings = Settings()
    settings.set("client/current", "Renamed Meanwhile")  # renamed with the CLI since the last start
    window = MainWindow(settings=settings)
    window.persist_state = False
    qtbot.addWidget(window)
    window.tabs.setCurrentIndex(3)
    window.show()
    qtbot.waitUntil(lambda: window.current_client == "", timeout=10000)
    assert "'Renamed Meanwhile' saved as this kit's client no longer exists" in window.warning_bar.text()
    panel = window.ensure_tab(3).checklist
    qtbot.waitUntil(lambda: panel.loaded, timeout=10000)  # never stuck at "Loading the checklist..."
    assert panel.table.isEnabled() and panel.owner_bar.owner_label.text().startswith("Template ")
    window.ensure_tab(3).shutdown()


def test_a_checklist_that_cannot_be_loaded_is_said_and_the_template_shown(qtbot):
    """The POP3 tab alone, asked for a client that does not exist: the tab says so and stays usable."""
    from sbskit.ui.pop3.checklist import ChecklistPanel

    panel = ChecklistPanel()
    qtbot.addWidget(panel)
    messages = []
    panel.message.connect(messages.append)
    panel.show_client("Nobody Here")
    qtbot.waitUntil(lambda: panel.loaded and not panel.jobs.pending, timeout=10000)
    assert panel.owner_bar.owner_label.text() == "Template 'default' (no client chosen)"
    assert "Nobody Here's checklist could not be loaded: there is no client profile named" in messages[0]
    assert "Showing the template 'default' instead" in panel.saved_label.text()
    panel.shutdown()


def test_one_wrong_run_is_deleted_after_asking_and_can_be_put_back(window, qtbot, bl):
    with ProfileStore() as store:
        store.add_run("Empty Co", "blacklist", bl("192.0.2.7", {"a.example": "clean"}), at="2026-11-02T10:00:00Z")
        store.add_run("Empty Co", "blacklist", bl("192.0.2.7", {"a.example": "listed"}), at="2026-11-30T10:00:00Z")
    dialog = dialog_of(window, qtbot)
    dialog.tabs.setCurrentIndex(1)
    history = dialog.history
    assert history.runs.topLevelItemCount() == 2 and "Listed now (1)" in history.summary.toPlainText()
    asked = []
    dialog.confirm_delete_run = lambda name, what: asked.append((name, what)) or False
    history.runs.setFocus()
    history.runs.setCurrentItem(history.runs.topLevelItem(0))  # the wrong one: the newest
    qtbot.keyClick(history.runs, Qt.Key.Key_Delete)
    assert asked == [("Empty Co", "the Blacklist check of 192.0.2.7 saved "
                      f"{history.runs.topLevelItem(0).text(0)}")]
    assert history.runs.topLevelItemCount() == 2  # answered No: nothing deleted
    dialog.confirm_delete_run = lambda name, what: True
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # De&lete run...
    qtbot.waitUntil(lambda: history.runs.topLevelItemCount() == 1 and not dialog.busy, timeout=10000)
    assert "first visit" in history.summary.toPlainText().lower() and "Listed now" not in history.summary.toPlainText()
    assert dialog.undo_button.isVisible() and "Deleted the Blacklist check" in dialog.status_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Undo
    qtbot.waitUntil(lambda: history.runs.topLevelItemCount() == 2 and not dialog.busy, timeout=10000)
    assert "Listed now (1)" in history.summary.toPlainText() and not dialog.undo_button.isVisible()
    with ProfileStore() as store:
        assert [r.at[:10] for r in store.runs("Empty Co")] == ["2026-11-30", "2026-11-02"]  # its date kept


def test_mnemonics_in_the_client_profiles_dialog_are_unique(window, qtbot):
    dialog = dialog_of(window, qtbot)
    for tab in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        letters = []
        for widget in [*dialog.findChildren(QAbstractButton), *dialog.findChildren(QLabel)]:
            found = re.search(r"&(\w)", widget.text() or "")
            if found and widget.isVisibleTo(dialog):
                letters.append(found.group(1).lower())
        assert len(letters) == len(set(letters)), (dialog.tabs.tabText(tab), sorted(letters))

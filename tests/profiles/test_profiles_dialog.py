"""The client profiles dialog, driven with qtbot against a real store in the test's portable home."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton

from sbskit.core.profiles import ProfileStore
from sbskit.ui.profiles.dialog import ProfilesDialog, choose_current_profile

pytestmark = pytest.mark.gui


@pytest.fixture
def filled(bl):
    with ProfileStore() as store:
        store.add("Acme Dental", ips=["203.0.113.25"], domains=["acme.example"], notes="back office")
        store.add("Baker & Sons", domains=["baker.example"])
        store.add("Northwind")
        store.add_run("acme dental", "blacklist",
                      bl("203.0.113.25", {"bl.spamcop.net": "listed", "zen.spamhaus.org": "clean",
                                          "dnsbl.example": "listed", "b.example": "error"}),
                      at="2026-03-03T10:00:00Z")
        store.add_run("acme dental", "blacklist",
                      bl("203.0.113.25", {"bl.spamcop.net": "listed", "zen.spamhaus.org": "listed",
                                          "dnsbl.example": "clean", "b.example": "clean"}),
                      at="2026-04-07T10:00:00Z")
    return store.path


def names(dialog):
    return [dialog.client_list.item(i).text() for i in range(dialog.client_list.count())]


def open_dialog(qtbot, current=None):
    dialog = ProfilesDialog(current=current)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def select(qtbot, dialog, name):
    row = names(dialog).index(name)
    dialog.client_list.setCurrentRow(row)
    qtbot.waitUntil(lambda: dialog.name_edit.text() == name and not dialog.busy)


def test_lists_and_filters_clients(qtbot, filled):
    dialog = open_dialog(qtbot)
    qtbot.waitUntil(lambda: names(dialog) == ["Acme Dental", "Baker & Sons", "Northwind"])
    dialog.filter_edit.setText("baker.ex")  # matches a domain, not only names
    qtbot.waitUntil(lambda: names(dialog) == ["Baker & Sons"])
    dialog.filter_edit.setText("zzz")
    qtbot.waitUntil(lambda: names(dialog) == [] and "No client matches" in dialog.status_label.text())
    dialog.filter_edit.clear()
    qtbot.waitUntil(lambda: len(names(dialog)) == 3)


def test_opening_with_a_current_client_selects_it_and_shows_history(qtbot, filled):
    dialog = open_dialog(qtbot, current="ACME DENTAL")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental")
    assert dialog.list_edits["ips"].toPlainText() == "203.0.113.25"
    assert dialog.notes_edit.toPlainText() == "back office"
    summary = dialog.history.summary.toPlainText()
    assert "Latest visit (7 Apr 2026): 2 listed (of 4 lists)" in summary
    assert "Since the last visit (3 Mar 2026): " in summary
    assert "Listed now (2)" in summary  # every listing now, each saying whether it is new or old
    assert "listed on zen.spamhaus.org since 7 Apr 2026 (new since the last visit)" in summary
    assert "listed on bl.spamcop.net since 3 Mar 2026 (still listed)" in summary
    assert "Fixed since the last visit (1)" in summary and "no longer listed on dnsbl.example" in summary
    # error last visit, clean now: not "fixed", grouped with its reason
    assert "Could not be compared (1)" in summary and "1 list could not be compared (no answer last visit: " \
        "timeout): b.example" in summary
    assert dialog.history.runs.topLevelItemCount() == 2
    first = dialog.history.runs.topLevelItem(0)
    assert first.text(0).startswith("2026-04-07") and first.text(3) == "2 listed" and first.text(4) == "2"
    assert first.text(6) == "0"
    dialog.history.copy_to_clipboard()
    copied = QApplication.clipboard().text()
    assert "History of Acme Dental" in copied and "fixed since the last visit" in copied


def test_add_a_client_through_the_form(qtbot, filled):
    dialog = open_dialog(qtbot)
    qtbot.waitUntil(lambda: len(names(dialog)) == 3)
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert dialog.name_edit.isEnabled() and dialog.name_edit.text() == ""
    assert not dialog.save_button.isEnabled()  # an empty name is not valid
    qtbot.keyClicks(dialog.name_edit, "Contoso")
    dialog.list_edits["ips"].setPlainText("192.0.2.10\n2001:DB8::10, 192.0.2.10")
    dialog.list_edits["mail_hosts"].setPlainText("mail.contoso.example")
    dialog.notes_edit.setPlainText("new client")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.job_done, check_params_cb=lambda name: name == "save"):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.current_name() == "Contoso" and not dialog.busy)
    with ProfileStore() as store:
        saved = store.get("contoso")
    assert saved.ips == ["192.0.2.10", "2001:db8::10"] and saved.mail_hosts == ["mail.contoso.example"]
    assert saved.notes == "new client"
    assert not dialog.save_button.isEnabled() and "Saved Contoso" in dialog.status_label.text()


def test_validation_messages_block_saving(qtbot, filled):
    dialog = open_dialog(qtbot, current="Acme Dental")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental")
    dialog.list_edits["ips"].setPlainText("203.0.113.25\n203.0.113.300")
    dialog.list_edits["domains"].setPlainText("not_a domain!")
    assert dialog.validation_label.isVisible()
    text = dialog.validation_label.text()
    assert "Public IPs: '203.0.113.300' is not an IPv4 or IPv6 address" in text
    assert "Domains:" in text
    assert not dialog.save_button.isEnabled()
    dialog.save()  # Ctrl+S path: does nothing while invalid
    dialog.name_edit.clear()
    assert "Name: a client name cannot be empty" in dialog.validation_label.text()
    qtbot.mouseClick(dialog.revert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental" and not dialog.validation_label.isVisible())
    assert dialog.list_edits["ips"].toPlainText() == "203.0.113.25"
    with ProfileStore() as store:
        assert store.get("acme dental").ips == ["203.0.113.25"]


def test_duplicate_name_is_reported_from_the_store(qtbot, filled):
    dialog = open_dialog(qtbot, current="Northwind")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Northwind")
    dialog.name_edit.setText("acme DENTAL")
    with qtbot.waitSignal(dialog.job_done, check_params_cb=lambda name: name == "save"):
        dialog.save()
    assert "already exists" in dialog.validation_label.text()
    assert "already exists" in dialog.status_label.text()
    with ProfileStore() as store:
        assert store.exists("northwind")


def test_rename_and_edit_keep_history(qtbot, filled):
    dialog = open_dialog(qtbot, current="Acme Dental")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental")
    dialog.name_edit.setText("Acme Dental Ltd")
    dialog.list_edits["domains"].setPlainText("acme.example\nacme-dental.example")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.current_name() == "Acme Dental Ltd" and not dialog.busy)
    with ProfileStore() as store:
        assert store.get("acme dental ltd").domains == ["acme.example", "acme-dental.example"]
        assert len(store.runs("acme dental ltd")) == 2
        assert not store.exists("acme dental")


def test_delete_asks_first(qtbot, filled):
    dialog = open_dialog(qtbot, current="Acme Dental")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental" and not dialog.busy)
    asked = []
    dialog.confirm_delete = lambda name, runs: asked.append((name, runs)) or False
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert asked == [("Acme Dental", 2)]
    assert not dialog.busy and names(dialog)[0] == "Acme Dental"
    dialog.confirm_delete = lambda name, runs: True
    with qtbot.waitSignal(dialog.job_done, check_params_cb=lambda name: name == "delete"):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: names(dialog) == ["Baker & Sons", "Northwind"])
    assert dialog.name_edit.text() == "" and not dialog.name_edit.isEnabled()
    with ProfileStore() as store:
        assert not store.exists("acme dental")
        assert store.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0


def test_switching_with_unsaved_changes_asks(qtbot, filled):
    dialog = open_dialog(qtbot, current="Acme Dental")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental" and not dialog.busy)
    dialog.notes_edit.setPlainText("edited")
    asked = []
    dialog.confirm_discard = lambda name: asked.append(name) or False
    dialog.client_list.setCurrentRow(1)
    assert asked == ["Acme Dental"] and dialog.current_name() == "Acme Dental"
    assert dialog.notes_edit.toPlainText() == "edited"
    dialog.confirm_discard = lambda name: True
    dialog.client_list.setCurrentRow(1)
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Baker & Sons")


def test_use_this_client_emits_the_name(qtbot, filled):
    dialog = open_dialog(qtbot)
    qtbot.waitUntil(lambda: len(names(dialog)) == 3)
    select(qtbot, dialog, "Northwind")
    with qtbot.waitSignal(dialog.profile_selected) as blocker:
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["Northwind"]
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.selected_name == "Northwind"


def test_enter_on_a_client_uses_it(qtbot, filled):
    dialog = open_dialog(qtbot)
    qtbot.waitUntil(lambda: len(names(dialog)) == 3)
    select(qtbot, dialog, "Baker & Sons")
    dialog.client_list.setFocus()
    with qtbot.waitSignal(dialog.profile_selected) as blocker:
        qtbot.keyClick(dialog.client_list, Qt.Key.Key_Return)
    assert blocker.args == ["Baker & Sons"]


def test_choose_current_profile_returns_the_choice(qtbot, filled):
    def pick():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ProfilesDialog) and w.isVisible())
        qtbot.waitUntil(lambda: dialog.name_edit.text() == "Baker & Sons" and not dialog.busy)
        dialog.use_button.click()

    QTimer.singleShot(0, pick)
    assert choose_current_profile(current="baker & sons") == "Baker & Sons"


def test_empty_store_invites_the_first_client(qtbot):
    dialog = open_dialog(qtbot)
    qtbot.waitUntil(lambda: "No client profiles yet" in dialog.status_label.text())
    assert not dialog.delete_button.isEnabled() and not dialog.use_button.isEnabled()
    assert not dialog.name_edit.isEnabled()


def test_every_input_has_an_accessible_name(qtbot, filled):
    dialog = open_dialog(qtbot)
    for widget in dialog.findChildren(QLineEdit) + dialog.findChildren(QPlainTextEdit):
        if widget.parent() is not None and widget.isVisibleTo(dialog):
            assert widget.accessibleName(), widget
    for button in dialog.findChildren(QPushButton):
        assert button.text().replace("&", "") or button.accessibleName()


def test_export_then_import_on_another_stick(qtbot, filled, tmp_path, monkeypatch):
    dialog = open_dialog(qtbot, current="Acme Dental")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental" and not dialog.busy)
    out = tmp_path / "acme.json"
    suggested = []
    dialog.ask_export_path = lambda default: suggested.append(default) or str(out)
    with qtbot.waitSignal(dialog.job_done, check_params_cb=lambda name: name == "export"):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert suggested[0].endswith("Acme Dental.sbskit-profile.json")
    assert out.is_file() and "Exported Acme Dental with 2 saved runs" in dialog.status_label.text()
    dialog.close()

    from sbskit.core import paths

    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "other-stick"))
    paths.reset_for_tests()
    other = open_dialog(qtbot)
    qtbot.waitUntil(lambda: "No client profiles yet" in other.status_label.text())
    other.ask_import_path = lambda: str(out)
    qtbot.mouseClick(other.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: other.name_edit.text() == "Acme Dental" and not other.busy)
    assert other.history.runs.topLevelItemCount() == 2
    # importing again asks before replacing
    asked = []
    other.confirm_replace = lambda name: asked.append(name) or False
    with qtbot.waitSignal(other.job_done, check_params_cb=lambda name: name == "import"):
        other.import_profile()
    assert asked == ["Acme Dental"]
    other.confirm_replace = lambda name: True
    other.import_profile()
    qtbot.waitUntil(lambda: "Imported Acme Dental" in other.status_label.text() and not other.busy)


def test_importing_a_bad_file_says_why(qtbot, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\x01binary")
    dialog = open_dialog(qtbot)
    qtbot.waitUntil(lambda: not dialog.busy)  # the first load's status must not race the import's
    dialog.ask_import_path = lambda: str(bad)
    with qtbot.waitSignal(dialog.job_done, check_params_cb=lambda name: name == "import"):
        dialog.import_profile()
    assert "looks binary" in dialog.status_label.text()


def test_huge_paste_is_refused_quickly(qtbot, filled):
    dialog = open_dialog(qtbot, current="Northwind")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Northwind" and not dialog.busy)
    dialog.list_edits["ips"].setPlainText("192.0.2.1\n" * 100_000)
    assert "too long" in dialog.validation_label.text() and not dialog.save_button.isEnabled()


def test_closing_with_work_in_flight_is_harmless(qtbot, filled):
    dialog = open_dialog(qtbot)
    dialog.reload()
    dialog.close()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.name_edit.text() == ""


def test_keyboard_shortcuts(qtbot, filled):
    dialog = open_dialog(qtbot, current="Northwind")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Northwind" and not dialog.busy)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.notes_edit.setFocus()
    dialog.notes_edit.setPlainText("typed")
    with qtbot.waitSignal(dialog.job_done, check_params_cb=lambda name: name == "save"):
        qtbot.keyClick(dialog.notes_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.busy)
    with ProfileStore() as store:
        assert store.get("northwind").notes == "typed"
    qtbot.keyClick(dialog.notes_edit, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert dialog.filter_edit.hasFocus()
    asked = []
    dialog.confirm_delete = lambda name, runs: asked.append(name) or False
    dialog.client_list.setFocus()
    qtbot.keyClick(dialog.client_list, Qt.Key.Key_Delete)
    assert asked == ["Northwind"]
    qtbot.keyClick(dialog.client_list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert dialog.name_edit.hasFocus() and dialog.name_edit.text() == ""


def test_typing_a_filter_keeps_unsaved_edits(qtbot, filled):
    dialog = open_dialog(qtbot, current="Acme Dental")
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental" and not dialog.busy)
    dialog.notes_edit.setPlainText("not saved yet")
    dialog.filter_edit.setText("acme")
    qtbot.waitUntil(lambda: names(dialog) == ["Acme Dental"] and not dialog.busy)
    assert dialog.notes_edit.toPlainText() == "not saved yet" and dialog.save_button.isEnabled()


def test_a_run_opens_its_saved_document(qtbot, filled):
    dialog = open_dialog(qtbot, current="Acme Dental")
    qtbot.waitUntil(lambda: dialog.history.runs.topLevelItemCount() == 2 and not dialog.busy)
    shown = []
    dialog.show_document = lambda title, text: shown.append((title, text))
    item = dialog.history.runs.topLevelItem(1)  # the older visit
    dialog.history.runs.itemActivated.emit(item, 0)
    qtbot.waitUntil(lambda: len(shown) == 1)
    title, text = shown[0]
    assert title.startswith("Blacklist check 203.0.113.25 - 2026-03-03")
    assert '"zone": "dnsbl.example"' in text and '"status": "listed"' in text


def test_document_dialog_copies(qtbot):
    from sbskit.ui.profiles.history import DocumentDialog

    box = DocumentDialog("t", '{"a": 1}')
    qtbot.addWidget(box)
    copy = next(b for b in box.findChildren(QPushButton) if b.text() == "&Copy")
    copy.click()
    assert QApplication.clipboard().text() == '{"a": 1}'
    assert box.text.isReadOnly()

"""Item 5: no Alt-letter or shortcut answers twice in what one window shows at one moment: every
tab, sub-page, wizard page and dialog is walked. Qt's own "Ambiguous shortcut overload" warning
fails any test here too (pytest-qt turns Qt warnings into failures, see pyproject)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from shortcut_walk import clashes, inner_states, live_shortcuts
from window_keys import press

pytestmark = pytest.mark.gui


def test_the_checker_sees_a_clash_between_a_menu_and_a_button(qtbot):
    """The walker must see what the issue reported: Alt+C for a menu and a button at once."""
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    window.menuBar().addMenu("&Client")
    body = QWidget()
    column = QVBoxLayout(body)
    column.addWidget(QPushButton("&Copy commands"))
    label = QLabel("&Host:")
    edit = QLineEdit()
    label.setBuddy(edit)
    column.addWidget(label)
    column.addWidget(edit)
    window.setCentralWidget(body)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    found = clashes(window)
    assert sorted(found) == ["ALT+C"] and len(found["ALT+C"]) == 2
    assert "ALT+H" in live_shortcuts(window)


def test_every_tab_and_page_of_the_main_window_has_unique_shortcuts(main_window, qtbot):
    problems = []
    states = 0
    for index in range(main_window.tabs.count()):
        main_window.tabs.setCurrentIndex(index)
        tab = main_window.ensure_tab(index)
        qtbot.waitUntil(tab.isVisible)
        for state in inner_states(tab, main_window.tabs.tabText(index)):
            states += 1
            for key, owners in clashes(main_window).items():
                problems.append(f"{state}: {key} -> {'; '.join(owners)}")
    assert states >= 12  # four tabs, their sub-pages and the six wizard pages
    assert problems == [], "\n" + "\n".join(problems)


def test_dialogs_have_unique_shortcuts(main_window, qtbot, tmp_path):
    from sbskit.ui.profiles.dialog import ProfilesDialog
    from sbskit.ui.profiles.history import DocumentDialog
    from sbskit.ui.shell.report_dialog import ReportDialog

    from sbskit.ui.common.crash import CrashDialog
    from sbskit.ui.common.text_dialog import TextDialog

    dialogs = [ReportDialog(tmp_path / "report", "A. Consultant", main_window),
               ProfilesDialog(main_window, path=tmp_path / "profiles.sqlite3"),
               DocumentDialog("Saved run", "{}", main_window),
               TextDialog("Acme: 2 check(s) re-run", "nothing new", main_window),
               CrashDialog("The check stopped.", "Traceback (most recent call last): ...", main_window)]
    problems = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        for state in inner_states(dialog, dialog.windowTitle()):
            for key, owners in clashes(dialog).items():
                problems.append(f"{state}: {key} -> {'; '.join(owners)}")
        dialog.close()
    assert problems == [], "\n" + "\n".join(problems)


def test_menu_shortcuts_reach_their_action_from_every_tab(main_window, qtbot):
    """Ctrl+1..4 are the View menu: pressed as keys they switch tabs from anywhere, unambiguously."""
    for index in (2, 0, 3, 1):
        press(main_window, getattr(Qt.Key, f"Key_{index + 1}"), Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda i=index: main_window.tabs.currentIndex() == i)


def test_ctrl_e_reaches_export_report_without_an_ambiguity_warning(main_window, qtbot):
    """Pressed for real on tabs without their own Ctrl+E: the File menu's Export report answers
    (a clash would log Qt's "Ambiguous shortcut overload" warning, which fails the test)."""
    asked = []
    main_window.ask_report_options = lambda: asked.append(main_window.tabs.currentIndex())
    for index in (0, 2, 3):
        main_window.tabs.setCurrentIndex(index)
        qtbot.waitUntil(main_window.ensure_tab(index).isVisible)
        press(main_window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == [0, 2, 3]


# --- round 2: the menus' keys win while a text field has the focus; no stray Alt+letter text ----
class ClaimsLikeX11(QObject):
    """What QLineEdit does on X11 (GNOME/KDE key bindings): it claims Ctrl+E ("end of line") and the
    other Emacs-style keys through ShortcutOverride, so a menu's Ctrl+E never fires."""

    CLAIMED = {"Ctrl+E", "Ctrl+A", "Ctrl+K", "Ctrl+U"}

    def eventFilter(self, watched, event):  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeySequence

        if event.type() == QEvent.Type.ShortcutOverride:
            if QKeySequence(event.keyCombination()).toString() in self.CLAIMED:
                event.accept()
                return True
        return False


def _text_fields(window):
    from sbskit.ui.common.shortcut_priority import is_text_input

    return [w for w in window.findChildren(QWidget)
            if w.isVisible() and w.isEnabled() and is_text_input(w) and w.focusPolicy() != Qt.FocusPolicy.NoFocus
            and not (isinstance(w, QLineEdit) and w.parentWidget() is not None and is_text_input(w.parentWidget()))]


def test_ctrl_e_exports_from_every_text_field_even_where_fields_claim_it(main_window, qtbot):
    """Focus in Targets, Resolver, a client name, the paste box ...: Ctrl+E still opens Export report
    (the evaluator's case on Linux); the claim itself is emulated as X11 makes it."""
    asked = []
    main_window.ask_report_options = lambda: asked.append(1)
    claims = ClaimsLikeX11(main_window)
    fields = 0
    for index in range(main_window.tabs.count()):
        main_window.tabs.setCurrentIndex(index)
        tab = main_window.ensure_tab(index)
        qtbot.waitUntil(tab.isVisible)
        for state in inner_states(tab, main_window.tabs.tabText(index)):
            for field in _text_fields(main_window):
                field.installEventFilter(claims)
                field.setFocus()
                qtbot.waitUntil(field.hasFocus)
                before = len(asked)
                press(main_window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
                assert len(asked) == before + 1, f"{state}: Ctrl+E did nothing in {type(field).__name__} " \
                                                 f"'{field.accessibleName()}'"
                fields += 1
    assert fields >= 15
    # the emulation is what blocked it: without the kit's priority the same key does nothing
    targets = main_window.ensure_tab(1).target_box
    main_window.tabs.setCurrentIndex(1)
    targets.setFocus()
    qtbot.waitUntil(targets.hasFocus)
    saved = set(main_window.shortcut_priority.protected)
    main_window.shortcut_priority.protected.clear()
    try:
        before = len(asked)
        press(main_window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert len(asked) == before
    finally:
        main_window.shortcut_priority.protected.update(saved)


def _free_alt_letters(window) -> list[str]:
    taken = {key for key in live_shortcuts(window) if key.startswith("ALT+")}
    return [c for c in "QWJXZKVBN" if f"ALT+{c}" not in taken]


def test_an_alt_letter_that_is_no_mnemonic_types_nothing(main_window, qtbot):
    from sbskit.ui.profiles.dialog import ProfilesDialog

    main_window.tabs.setCurrentIndex(1)
    blacklist = main_window.ensure_tab(1)
    qtbot.waitUntil(blacklist.isVisible)
    targets = blacklist.target_box.lineEdit()
    targets.setFocus()
    qtbot.waitUntil(targets.hasFocus)
    free = _free_alt_letters(main_window)
    assert "Q" not in free and free  # Alt+Q is the DQS key's: the walk sees the tab's mnemonics
    for letter in free:
        press(main_window, getattr(Qt.Key, f"Key_{letter}"), Qt.KeyboardModifier.AltModifier)
    assert targets.text() == ""
    press(main_window, Qt.Key.Key_A)  # a plain letter still types
    assert targets.text() == "a"
    dialog = ProfilesDialog(main_window)  # the evaluator's case: Alt+H in the profiles filter
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow())
    field = dialog.filter_edit
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    for letter in _free_alt_letters(dialog):
        press(dialog, getattr(Qt.Key, f"Key_{letter}"), Qt.KeyboardModifier.AltModifier)
    assert field.text() == ""

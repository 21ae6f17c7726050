"""Client profiles: pick the client of this visit, keep its addresses and notes, read its history.

Every database access runs on a :class:`JobWorker` with its own short-lived
:class:`ProfileStore` (SQLite connections stay on one thread, and a slow USB stick must
not freeze the window). Answers that arrive after a newer request are dropped.
Confirmations are attributes (``confirm_delete``, ``confirm_discard``) so tests can
answer them without modal boxes. The main window connects :attr:`ProfilesDialog.profile_selected`
or calls :func:`choose_current_profile`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.errors import UserInputError
from sbskit.core.profiles.checklists import checklist_summary
from sbskit.core.profiles.store import ProfileStore, default_path, store_is_read_only
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.profiles.actions import ProfileActions
from sbskit.ui.profiles.form import ProfileForm

HISTORY_LIMIT = 200


class ProfilesDialog(ProfileForm, ProfileActions, QDialog):
    """List, filter, add, edit and delete client profiles; show a client's check history."""

    profile_selected = Signal(str)  # the client chosen with "Use this client"
    profile_renamed = Signal(str, str)  # old name, new name: after a rename was saved
    profile_deleted = Signal(str)  # after a client was deleted
    job_done = Signal(str)  # after each background job ("list", "load", "save", "delete"); for tests

    def __init__(self, parent: QWidget | None = None, path: Path | None = None, current: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Client profiles")
        self.path = Path(path) if path is not None else default_path()
        self.read_only = store_is_read_only(Path(path) if path is not None else None)
        self.confirm_delete: Callable[[str, int], bool] = self._ask_delete
        self.confirm_delete_run: Callable[[str, str], bool] = self._ask_delete_run
        self.confirm_discard: Callable[[str], bool] = self._ask_discard
        self.confirm_replace: Callable[[str], bool] = self._ask_replace
        self.ask_export_path: Callable[[str], str] = self._ask_export_path
        self.ask_import_path: Callable[[], str] = self._ask_import_path
        self.show_document: Callable[[str, str], None] = self._show_document
        self.selected_name: str | None = None
        self._loaded: str | None = None  # name of the profile in the form (None: a new one)
        self._wanted = current
        self.current_client = current or ""  # the window's client (a rename or delete of it is said here too)
        self._generation: dict[str, int] = {}
        self._workers: set[JobWorker] = set()
        self._dirty = False
        self._filling = False
        self._run_count = 0
        self._closed = False
        self._build()
        self._set_form_enabled(False)
        self.reload()

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.read_only_banner = QLabel(
            "Read-only: the kit's folder is write-protected. Every client and its history are shown; nothing can "
            "be added, changed or deleted. Export still works (to a folder you choose).")
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setContentsMargins(8, 6, 8, 6)
        self.read_only_banner.setVisible(self.read_only)
        if self.read_only:
            bg, fg = status_background("unknown", self).name(), status_foreground("unknown", self).name()
            self.read_only_banner.setStyleSheet(f"#readOnlyBanner {{ background: {bg}; color: {fg}; }}")
        outer.addWidget(self.read_only_banner)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name, IP or domain (Ctrl+F)")
        self.filter_edit.setAccessibleName("Filter clients")
        self.filter_edit.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(lambda: self.reload(refresh=False))
        self.filter_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        self.client_list = QListWidget()
        self.client_list.setAccessibleName("Clients")
        self.client_list.currentItemChanged.connect(self._on_current_changed)
        self.client_list.itemActivated.connect(lambda _item: self.use_selected())
        self.new_button = QPushButton("Ne&w")
        self.new_button.setToolTip("Add a client profile (Ctrl+N)")
        self.delete_button = QPushButton("Delete...")
        self.delete_button.setToolTip("Delete the selected client and all its saved runs (Del)")
        self.new_button.clicked.connect(self.new_profile)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button = QPushButton("Im&port...")
        self.import_button.setToolTip("Add a client from a profile file exported on another stick")
        self.export_button = QPushButton("E&xport...")
        self.export_button.setToolTip("Save the selected client and its history as a JSON file (to move it to another stick)")
        self.import_button.clicked.connect(self.import_profile)
        self.export_button.clicked.connect(self.export_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        transfer = QHBoxLayout()
        transfer.addWidget(self.import_button)
        transfer.addWidget(self.export_button)
        transfer.addStretch(1)
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.client_list, 1)
        left_layout.addLayout(buttons)
        left_layout.addLayout(transfer)
        splitter.addWidget(left)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_details(), "Details")
        from sbskit.ui.profiles.history import HistoryView

        self.history = HistoryView()
        self.history.can_delete = not self.read_only
        self.history.run_activated.connect(self.show_run)
        self.history.delete_requested.connect(self.delete_run)
        self.tabs.addTab(self.history, "History")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 640])

        self.status_label = QLabel()
        self.status_label.setObjectName("profilesStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Status")
        self.undo_button = QPushButton("Undo dele&te")
        self.undo_button.setToolTip("Put the deleted run back into the history (Ctrl+Z)")
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self.undo_delete_run)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo_delete_run)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.undo_button)
        outer.addLayout(status_row)

        self.button_box = QDialogButtonBox()
        self.use_button = self.button_box.addButton("&Use this client", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.setToolTip("Make the selected client the one this visit's checks and report are for")
        self.close_button = self.button_box.addButton(QDialogButtonBox.StandardButton.Close)
        self.use_button.clicked.connect(self.use_selected)
        self.close_button.clicked.connect(self.reject)
        outer.addWidget(self.button_box)
        for button in (self.new_button, self.delete_button, self.use_button, self.close_button, self.undo_button,
                       self.save_button, self.revert_button, self.import_button, self.export_button):
            button.setAutoDefault(False)
            button.setDefault(False)

        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_filter)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_profile)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        delete_shortcut = QShortcut(QKeySequence.StandardKey.Delete, self.client_list, self.delete_selected)
        delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.resize(900, 600)
        self._update_buttons()

    # --- background jobs ----------------------------------------------------------------------
    def _submit(self, name: str, work: Callable[[ProfileStore], Any], on_done: Callable[[Any], None]) -> None:
        """Run ``work(store)`` off the GUI thread; only the newest job of each name is answered."""
        generation = self._generation.get(name, 0) + 1
        self._generation[name] = generation
        path, read_only = self.path, self.read_only

        def job(_ctx):
            with ProfileStore(path, read_only=read_only) as store:
                return work(store)

        def current() -> bool:
            return not self._closed and self._generation.get(name) == generation

        def finished(value: Any) -> None:
            if current():
                on_done(value)

        def failed(message: str, _details: str) -> None:
            if current():
                self._show_status(message, "bad")
                if name == "save":
                    self._show_validation([message])

        def ended() -> None:
            self._workers.discard(worker)
            if self._closed:
                return  # the widgets may be gone already
            self._update_buttons()
            self.job_done.emit(name)

        # the handlers are queued to this (GUI) thread: ``worker`` is bound before ``ended`` can run
        worker = start_job(job, f"profiles-{name}", finished=finished, failed=failed, ended=ended)
        self._workers.add(worker)
        self._update_buttons()

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    # --- list ------------------------------------------------------------------------------
    def reload(self, select: str | None = None, refresh: bool = True) -> None:
        """Re-read the client list; ``refresh`` also re-reads the client shown (unless it has edits)."""
        if select is not None:
            self._wanted = select
        text = self.filter_edit.text()
        self._submit("list", lambda store: store.list_profiles(text), lambda found: self._fill_list(found, refresh))

    def _fill_list(self, profiles, refresh: bool = True) -> None:
        wanted = (self._wanted or self._loaded or "").casefold()
        self.client_list.blockSignals(True)
        self.client_list.clear()
        select_row = -1
        for row, summary in enumerate(profiles):
            item = QListWidgetItem(summary.name)
            item.setData(Qt.ItemDataRole.UserRole, summary.name)
            runs = f"{summary.runs} saved runs" if summary.runs else "no saved runs"
            item.setToolTip(runs)
            self.client_list.addItem(item)
            if summary.name.casefold() == wanted:
                select_row = row
        if select_row >= 0:
            self.client_list.setCurrentRow(select_row)
        self.client_list.blockSignals(False)
        self._wanted = None
        if select_row >= 0:
            name = profiles[select_row].name
            shown = self._loaded is not None and self._loaded.casefold() == name.casefold()
            if not shown or (refresh and not self._dirty):
                self._load(name)
        if not profiles:
            filtered = bool(self.filter_edit.text().strip())
            self._show_status("No client matches the filter." if filtered else
                              "No client profiles yet: press New to add the first one.", "info")
        self._update_buttons()

    def _focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def current_name(self) -> str | None:
        item = self.client_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _on_current_changed(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        name = current.data(Qt.ItemDataRole.UserRole)
        if self._loaded is not None and name.casefold() == self._loaded.casefold():
            return
        if self._dirty and not self.confirm_discard(self._loaded or "the new client"):
            self.client_list.blockSignals(True)
            self.client_list.setCurrentItem(previous)
            self.client_list.blockSignals(False)
            return
        self._show_status("", "info")
        self._load(name)

    # --- one profile --------------------------------------------------------------------------
    def _load(self, name: str) -> None:
        def work(store: ProfileStore):
            profile = store.get(name)
            runs = store.runs(profile.name, limit=HISTORY_LIMIT)
            total = len(runs) if len(runs) < HISTORY_LIMIT else store.run_count(profile.name)
            return profile, runs, store.comparisons(profile.name), total

        self._submit("load", work, self._show_profile)

    def _show_profile(self, loaded) -> None:
        profile, runs, comparisons, total = loaded
        self._filling = True
        self.name_edit.setText(profile.name)
        for key, edit in self.list_edits.items():
            edit.setPlainText("\n".join(getattr(profile, key)))
        self.notes_edit.setPlainText(profile.notes)
        self.checklist_label.setText(checklist_summary(profile.checklist))
        self._filling = False
        self._loaded = profile.name
        self._run_count = total
        self._dirty = False
        self._set_form_enabled(True)
        self._show_validation([])
        self.history.show_history(profile.name, runs, comparisons, total)
        self._update_buttons()

    def new_profile(self) -> None:
        if self.read_only:
            return
        if self._dirty and not self.confirm_discard(self._loaded or "the new client"):
            return
        self.client_list.blockSignals(True)
        self.client_list.setCurrentRow(-1)
        self.client_list.clearSelection()
        self.client_list.blockSignals(False)
        self._filling = True
        self.name_edit.clear()
        for edit in (*self.list_edits.values(), self.notes_edit):
            edit.clear()
        self.checklist_label.setText(checklist_summary({}))
        self._filling = False
        self._loaded = None
        self._dirty = True
        self._show_status("", "info")
        self._set_form_enabled(True)
        self.history.clear("A new client has no history yet.")
        self.tabs.setCurrentIndex(0)
        self.name_edit.setFocus()
        self._validate()
        self._update_buttons()

    def _on_edited(self) -> None:
        if self._filling:
            return
        self._dirty = True
        self._validate()
        self._update_buttons()

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        try:
            values = self.form_values()
        except UserInputError:
            self._validate()
            return
        original = self._loaded

        def work(store: ProfileStore):
            if original is None:
                return store.add(**values).name
            new_name = values.pop("name")
            return store.update(original, new_name=new_name, **values).name

        def done(saved_name: str) -> None:
            self._dirty = False
            self._loaded = saved_name
            self._show_status(f"Saved {saved_name}.", "good")
            if original is not None and original != saved_name:
                if original.casefold() == self.current_client.casefold():
                    self.current_client = saved_name
                    self._show_status(f"Saved {saved_name}: this visit's client has its new name.", "good")
                self.profile_renamed.emit(original, saved_name)  # the window follows if it is its client
            self.reload(select=saved_name)

        self._submit("save", work, done)

    def revert(self) -> None:
        self._dirty = False
        if self._loaded is None:
            self._set_form_enabled(False)
            self._filling = True
            self.name_edit.clear()
            for edit in (*self.list_edits.values(), self.notes_edit):
                edit.clear()
            self._filling = False
            self._show_validation([])
            self.history.clear()
            self._update_buttons()
        else:
            self._load(self._loaded)

    def delete_selected(self) -> None:
        name = self.current_name()
        if name is None or not self.delete_button.isEnabled():  # disabled while a write is in flight
            return
        if not self.confirm_delete(name, self._run_count if self._loaded == name else 0):
            return

        def done(runs: int) -> None:
            self._loaded = None
            self._dirty = False
            self.revert()
            text = f"Deleted {name} and its {runs} saved runs."
            if name.casefold() == self.current_client.casefold():
                self.current_client = ""
                text += " It was this visit's client: no client is selected now."
            self._show_status(text, "info")
            self.profile_deleted.emit(name)
            self.reload()

        self._submit("delete", lambda store: store.delete(name), done)

    def use_selected(self) -> None:
        name = self._loaded if self._loaded is not None else self.current_name()
        if name is None:
            return
        if self._dirty and not self.confirm_discard(name):
            return
        self.selected_name = name
        self.profile_selected.emit(name)
        self.accept()

    # --- state -------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        has_current = self.current_name() is not None
        writing = any(w.name in ("profiles-save", "profiles-delete", "profiles-import", "profiles-delete-run",
                                 "profiles-undo-delete-run") for w in self._workers)
        form_ok = self.name_edit.isEnabled() and not self.validation_label.isVisible()
        can_write = not self.read_only
        self.save_button.setEnabled(can_write and self._dirty and form_ok and not writing)
        self.revert_button.setEnabled(can_write and self._dirty and not writing)
        self.delete_button.setEnabled(can_write and has_current and not writing)
        self.new_button.setEnabled(can_write)
        self.export_button.setEnabled(has_current and not self._dirty)
        self.import_button.setEnabled(can_write and not writing)
        self.use_button.setEnabled((has_current or self._loaded is not None) and not writing)

    def _show_status(self, text: str, kind: str) -> None:
        self.status_label.setText(text)
        if text and kind in ("bad", "good"):
            fg = status_foreground(kind, self).name()
            self.status_label.setStyleSheet(f"#profilesStatus {{ color: {fg}; }}")
        else:
            self.status_label.setStyleSheet("")

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._closed:  # shown again after being closed: answers count again
            self._closed = False
            self.reload()
        super().showEvent(event)

    def done(self, result: int) -> None:  # noqa: D401 - QDialog API
        self._closed = True  # answers still on their way are dropped
        for worker in list(self._workers):
            worker.cancel()
        super().done(result)


def choose_current_profile(parent: QWidget | None = None, current: str | None = None,
                           path: Path | None = None, on_renamed: Callable[[str, str], None] | None = None,
                           on_deleted: Callable[[str], None] | None = None) -> str | None:
    """Show the dialog modally; the chosen client's name, or None if it was closed.

    ``on_renamed``/``on_deleted`` hear of renames and deletions as they are saved (closing with
    Close after renaming the current client must not leave the window on a name that is gone).
    """
    dialog = ProfilesDialog(parent, path=path, current=current)
    if on_renamed is not None:
        dialog.profile_renamed.connect(on_renamed)
    if on_deleted is not None:
        dialog.profile_deleted.connect(on_deleted)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.selected_name
        return None
    finally:
        dialog.deleteLater()

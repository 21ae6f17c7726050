"""The checklist page of the POP3 risk tab: statuses and notes per item, Exchange commands.

Whose answers are shown is always on screen: "Acme Dental's checklist" when a client is
chosen, otherwise a template (a named preset, "default" to begin with). Answers live in
profiles.sqlite3 (see ``sbskit.core.profiles.checklists``) and save themselves, debounced.

One load at a time, and never the wrong one: every database job (load, save) runs in
order on this panel's own one-thread pool, each load carries a generation number and an
answer for an older request is dropped, and the table is locked while a load is on its
way, so an edit can never land on another client's checklist. The commands panel shows the
exact steps for the chosen Exchange version, with a Copy button because admins paste them.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.exchange_commands import command_blocks
from sbskit.core.mailprobe import checklist as cl
from sbskit.core.profiles import checklists
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.pop3.checklist_owner import CLIENT, TEMPLATE, ChecklistOwnerBar, ChecklistTemplates, OrderedJobs, owner_text

STATUS_KIND = {"not-assessed": "unknown", "fine": "good", "at-risk": "bad", "accepted": "info"}
KIND_LABEL = {"question": "Question", "risk": "Risk", "mitigation": "Mitigation"}
COL_ITEM, COL_KIND, COL_STATUS, COL_NOTES = range(4)


class ChecklistPanel(ChecklistTemplates, QWidget):
    """Edits one :class:`~sbskit.core.mailprobe.checklist.Checklist`; ``changed`` after every edit.

    ``owner`` is (``client`` or ``template``, name). :meth:`show_client` and :meth:`show_template`
    switch it; both save pending edits to the old owner first and load exactly once.
    """

    changed = Signal()
    message = Signal(str)
    owner_changed = Signal(str, str)  # kind, name: after a load finished

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.owner: tuple[str, str] = (TEMPLATE, checklists.DEFAULT_TEMPLATE)
        self.template = checklists.DEFAULT_TEMPLATE  # chosen in the combo
        self.sheet = cl.Checklist()
        self.loaded = False
        self._filling = False
        self._generation = 0
        self._wanted: tuple[str, str] | None = None
        self._fallback_note = ""  # why a client's checklist is not shown (it could not be loaded)
        self._shown_once = False
        self.jobs = OrderedJobs(self)
        from sbskit.core.profiles.store import store_is_read_only

        self.read_only = store_is_read_only()  # a write-protected stick: answers shown, changes not saved
        self.confirm_apply: Callable[[str], bool] = self._ask_apply
        self.ask_template_name: Callable[[str], str] = self._ask_template_name
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_now)
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.setInterval(0)
        self._load_timer.timeout.connect(self._start_load)
        self._build()
        self._set_editable(False)
        self.owner_bar.owner_label.setText("Loading the checklist...")

    # --- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.owner_bar = ChecklistOwnerBar()
        self.owner_bar.template_chosen.connect(self._template_chosen)
        self.owner_bar.apply_clicked.connect(self.apply_template)
        self.owner_bar.save_as_clicked.connect(self.save_as_template)
        layout.addWidget(self.owner_bar)
        form = QFormLayout()
        self.client_edit = QLineEdit()
        self.client_edit.setPlaceholderText("client or company name")
        self.requested_edit = QLineEdit()
        self.requested_edit.setPlaceholderText("who asked, e.g. Sales manager")
        self.request_edit = QLineEdit()
        self.request_edit.setPlaceholderText("what was asked, e.g. POP3 for the field staff's phones")
        for label, edit in (("Clie&nt:", self.client_edit), ("Requested &by:", self.requested_edit),
                            ("&Request:", self.request_edit)):
            edit.setAccessibleName(label.replace("&", "").rstrip(":"))
            edit.textEdited.connect(self._header_edited)
            form.addRow(label, edit)
        layout.addLayout(form)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Item", "Kind", "Status", "Notes"])
        self.table.setAccessibleName("POP3 risk checklist")
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NOTES, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_detail(row))
        splitter.addWidget(self.table)

        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        detail_box = QGroupBox("Why it matters")
        QVBoxLayout(detail_box).addWidget(self.detail)
        lower_layout.addWidget(detail_box, 2)

        commands_box = QGroupBox("Exchange commands")
        commands_layout = QVBoxLayout(commands_box)
        row = QHBoxLayout()
        self.version_combo = QComboBox()
        self.version_combo.setAccessibleName("Exchange version")
        self.version_combo.setToolTip("The Exchange version on the client's server; the commands below follow it")
        self.version_combo.currentIndexChanged.connect(self._version_changed)
        version_label = QLabel("V&ersion:")
        version_label.setBuddy(self.version_combo)
        row.addWidget(version_label)
        row.addWidget(self.version_combo, 1)
        self.copy_commands_button = QPushButton("Cop&y commands")
        self.copy_commands_button.setToolTip("Copy exactly the block shown below to the clipboard")
        self.copy_commands_button.clicked.connect(self.copy_commands)
        row.addWidget(self.copy_commands_button)
        commands_layout.addLayout(row)
        # one block at a time: what is copied is what is shown, and the steps that turn POP3
        # on are a block of their own, never pasted together with the hardening steps
        block_row = QHBoxLayout()
        self.block_combo = QComboBox()
        self.block_combo.setAccessibleName("Which commands")
        self.block_combo.setToolTip("Each block is copied on its own; 'TURN POP3 ON' is never part of the others")
        self.block_combo.currentIndexChanged.connect(self._block_changed)
        block_label = QLabel("C&ommands:")
        block_label.setBuddy(self.block_combo)
        block_row.addWidget(block_label)
        block_row.addWidget(self.block_combo, 1)
        commands_layout.addLayout(block_row)
        self.commands = QPlainTextEdit()
        self.commands.setReadOnly(True)
        self.commands.setAccessibleName("Exchange commands for the chosen version")
        self.commands.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.commands.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        commands_layout.addWidget(self.commands)
        lower_layout.addWidget(commands_box, 3)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("checklistSaved")
        layout.addWidget(self.saved_label)

    # --- whose checklist ---------------------------------------------------------------
    def show_client(self, name: str) -> None:
        """Show (and save to) this client's checklist; ``''`` goes back to the chosen template."""
        self._switch((CLIENT, name) if name else (TEMPLATE, self.template))

    def show_template(self, name: str) -> None:
        self.template = name
        self._switch((TEMPLATE, name))

    def _switch(self, owner: tuple[str, str]) -> None:
        if self.loaded and owner[0] == self.owner[0] and owner[1].casefold() == self.owner[1].casefold():
            return
        self.flush()  # the old owner's pending answers go first, in the same queue
        self._wanted = owner
        self._generation += 1  # an answer to any earlier load is dropped
        self.loaded = False
        self._set_editable(False)
        self.saved_label.setText(f"Loading {owner_text(*owner)}...")
        self._load_timer.start()  # requests made in the same turn of the event loop load once

    def load_async(self) -> None:
        """Load the current owner (the tab calls this once; :meth:`show_client` before it wins)."""
        if self._wanted is None and not self.loaded:
            self._wanted = self.owner
            self._generation += 1
            self._load_timer.start()

    def _start_load(self) -> None:
        owner, generation = self._wanted, self._generation
        if owner is None:
            return
        self.jobs.submit("load checklist", lambda: self._read(owner),
                         lambda value: self._loaded(generation, value),
                         lambda msg: self._load_failed(generation, owner, msg))

    @staticmethod
    def _read(owner: tuple[str, str]):
        from sbskit.core.profiles.store import ProfileStore

        cl.catalogue()
        with ProfileStore() as store:
            if owner[0] == CLIENT:
                name, state = checklists.client_checklist(store, owner[1])
            else:
                name, state = checklists.load_template(store, owner[1])
            return (owner[0], name), state, checklists.template_names(store)

    def load_now(self) -> None:
        """Synchronous load (screenshots only: a small local database)."""
        self._load_timer.stop()
        self._generation += 1
        self._loaded(self._generation, self._read(self._wanted or self.owner))

    def _loaded(self, generation: int, value) -> None:
        if generation != self._generation:
            return  # a newer switch was asked for meanwhile
        owner, state, templates = value
        self._wanted = None
        self.owner = owner
        sheet = cl.Checklist.from_dict(state) if state else cl.Checklist(client=owner[1] if owner[0] == CLIENT else "")
        self.owner_bar.show_owner(owner[0], owner[1], templates, self.template)
        self.saved_label.setText(f"Showing {owner_text(*owner)}.")
        self.set_checklist(sheet)  # says when it was saved, if it was
        if not state and owner[0] == CLIENT:
            self.saved_label.setText(f"No answers saved in {owner_text(*owner)} yet: answer below, or start from "
                                     "a template.")
        elif not state:
            self.saved_label.setText(f"The template '{owner[1]}' has no saved answers yet.")
        if self.read_only:
            self.saved_label.setText(self.saved_label.text() + " The kit's folder is write-protected: changes are "
                                     "not saved.")
        if self._fallback_note:  # a client's checklist could not be read: this is the template, and why
            self.saved_label.setText(f"{self._fallback_note} {self.saved_label.text()}")
            self._fallback_note = ""
        self._set_editable(True)
        if self._shown_once:  # a switch, not the first load: say so where the admin looks
            self.message.emit(f"POP3 checklist: now showing {owner_text(*owner)}")
        self._shown_once = True
        self.owner_changed.emit(*owner)

    def _load_failed(self, generation: int, owner: tuple[str, str], msg: str) -> None:
        """Never leave the tab at "Loading the checklist...": say why, and show the template instead of a
        client's checklist that cannot be read (a client renamed or removed meanwhile, a locked database)."""
        if generation != self._generation:
            return
        self._wanted = None
        text = f"{owner_text(*owner)} could not be loaded: {msg}"
        self.message.emit(text)
        if owner[0] == CLIENT:
            self._switch((TEMPLATE, self.template))
            self._fallback_note = f"{text}. Showing the template '{self.template}' instead."
            self.saved_label.setText(self._fallback_note)
            return
        self.owner_bar.owner_label.setText(text)  # nothing to show: say so where "Loading..." was
        self.saved_label.setText(text)

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.table, self.client_edit, self.requested_edit, self.request_edit, self.version_combo,
                       self.owner_bar.apply_button, self.owner_bar.save_as_button, self.owner_bar.template_combo):
            widget.setEnabled(editable)

    def set_checklist(self, sheet: cl.Checklist) -> None:
        self._filling = True
        try:
            self.sheet = sheet
            self.client_edit.setText(sheet.client)
            self.requested_edit.setText(sheet.requested_by)
            self.request_edit.setText(sheet.request)
            self.version_combo.clear()
            for entry in cl.catalogue()["versions"]:
                self.version_combo.addItem(entry["name"], entry["id"])
            index = self.version_combo.findData(sheet.exchange_version)
            self.version_combo.setCurrentIndex(max(0, index))
            self._fill_table()
        finally:
            self._filling = False
        self._version_changed()
        self.loaded = True
        if sheet.updated:
            self.saved_label.setText(f"Saved {sheet.updated} in {owner_text(*self.owner)}.")
        self.table.setCurrentCell(0, COL_ITEM)

    def _fill_table(self) -> None:
        statuses = cl.catalogue()["statuses"]
        items = self.sheet.items()
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            title = QTableWidgetItem(item["title"])
            title.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            title.setToolTip(item["detail"])
            title.setData(Qt.ItemDataRole.UserRole, item["id"])
            kind = QTableWidgetItem(KIND_LABEL.get(item["kind"], item["kind"]))
            kind.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            notes = QTableWidgetItem(item["notes"])
            notes.setToolTip("Double-click or start typing to edit the notes")
            self.table.setItem(row, COL_ITEM, title)
            self.table.setItem(row, COL_KIND, kind)
            self.table.setItem(row, COL_NOTES, notes)
            combo = QComboBox()
            combo.setAccessibleName(f"Status of {item['title']}")
            for key in cl.STATUSES:
                combo.addItem(statuses[key], key)
            combo.setCurrentIndex(cl.STATUSES.index(item["status"]))
            combo.currentIndexChanged.connect(lambda _i, r=row: self._status_changed(r))
            self.table.setCellWidget(row, COL_STATUS, combo)
            self._paint_row(row, item["status"])
        self.table.resizeRowsToContents()

    def _paint_row(self, row: int, status: str) -> None:
        kind = STATUS_KIND.get(status, "unknown")
        cell = self.table.item(row, COL_ITEM)
        if cell is not None:
            cell.setBackground(status_background(kind, self.table))
            cell.setForeground(status_foreground(kind, self.table))

    # --- edits -------------------------------------------------------------------------
    def item_id(self, row: int) -> str:
        return self.table.item(row, COL_ITEM).data(Qt.ItemDataRole.UserRole)

    def status_combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, COL_STATUS)

    def row_of(self, item_id: str) -> int:
        for row in range(self.table.rowCount()):
            if self.item_id(row) == item_id:
                return row
        raise KeyError(item_id)

    def _status_changed(self, row: int) -> None:
        if self._filling:
            return
        status = self.status_combo(row).currentData()
        self.sheet.set_status(self.item_id(row), status)
        self._paint_row(row, status)
        self._edited()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != COL_NOTES:
            return
        self.sheet.state(self.item_id(item.row())).notes = item.text()
        self._edited()

    def _header_edited(self) -> None:
        if self._filling:
            return
        self.sheet.client = self.client_edit.text()
        self.sheet.requested_by = self.requested_edit.text()
        self.sheet.request = self.request_edit.text()
        self._edited()

    def _version_changed(self) -> None:
        version = self.version_combo.currentData()
        if not version:
            return
        wanted = self.block_combo.currentData() or "harden"
        self._blocks = {b.block_id: b for b in command_blocks(version)}
        self.block_combo.blockSignals(True)
        self.block_combo.clear()
        for found in self._blocks.values():
            self.block_combo.addItem(found.title, found.block_id)
        self.block_combo.setCurrentIndex(max(0, self.block_combo.findData(wanted)))
        self.block_combo.blockSignals(False)
        self._block_changed()
        if not self._filling and self.loaded and version != self.sheet.exchange_version:
            self.sheet.exchange_version = version
            self._edited()

    def _block_changed(self) -> None:
        chosen = getattr(self, "_blocks", {}).get(self.block_combo.currentData())
        self.commands.setPlainText(chosen.text() if chosen else "")
        if chosen is not None and chosen.turns_pop3_on:
            self.copy_commands_button.setText("Cop&y commands (turns POP3 on)")
        else:
            self.copy_commands_button.setText("Cop&y commands")

    def _show_detail(self, row: int) -> None:
        if row < 0 or self.table.item(row, COL_ITEM) is None:
            self.detail.clear()
            return
        title = self.table.item(row, COL_ITEM)
        self.detail.setText(f"<b>{title.text()}</b><br>{title.toolTip()}")

    def copy_commands(self) -> None:
        QGuiApplication.clipboard().setText(self.commands.toPlainText())
        title = self.block_combo.currentText()
        self.message.emit(f"Copied to the clipboard: {title}" if title else "Exchange commands copied to the clipboard")

    def _edited(self) -> None:
        if not self.loaded:  # a checklist is loading: its answers replace these in a moment
            return
        self.saved_label.setText("Saving...")
        self._save_timer.start()
        self.changed.emit()

    # --- saving ------------------------------------------------------------------------
    def save_now(self) -> JobWorker | None:
        """Queue a save of the answers as they are now, to the owner they belong to."""
        self._save_timer.stop()
        if not self.loaded:
            return None
        if self.read_only:
            self.saved_label.setText(f"NOT saved: the kit's folder is write-protected (changes to {owner_text(*self.owner)} "
                                     "last until you switch client or close the kit).")
            return None
        owner = self.owner
        state = checklists.stamped(self.sheet.to_dict())

        def write():
            from sbskit.core.profiles.store import ProfileStore

            with ProfileStore() as store:
                if owner[0] == CLIENT:
                    checklists.save_client_checklist(store, owner[1], state)
                else:
                    checklists.save_template(store, owner[1], state)
            return state["updated"]

        return self.jobs.submit("save checklist", write, lambda when: self._saved(owner, when),
                                lambda msg: self._save_failed(owner, msg))

    def _saved(self, owner: tuple[str, str], when: str) -> None:
        if owner == self.owner:
            self.sheet.updated = when
            if not self._save_timer.isActive():
                self.saved_label.setText(f"Saved {when} in {owner_text(*owner)}.")

    def _save_failed(self, owner: tuple[str, str], msg: str) -> None:
        text = f"NOT saved in {owner_text(*owner)}: {msg}"
        self.saved_label.setText(text)
        self.message.emit(text)

    @property
    def saving(self) -> bool:
        return self._save_timer.isActive() or self.jobs.pending > 0

    def flush(self) -> None:
        """Queue the pending edits now (before a switch, or when the window closes)."""
        if self._save_timer.isActive():
            self.save_now()

    def shutdown(self) -> None:
        """Window closing: save pending edits and wait (bounded) until they are on the stick."""
        self.flush()
        self._load_timer.stop()
        self.jobs.wait(10_000)

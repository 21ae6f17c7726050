"""The checklist page of the POP3 risk tab: statuses and notes per item, Exchange commands.

Answers save themselves (debounced) through a worker into the client's profile in the
kit's data folder; the commands panel shows the exact steps for the chosen Exchange
version, with a Copy button because admins paste them into a shell.
"""

from __future__ import annotations

from typing import Any

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

from sbskit.core.errors import UserInputError
from sbskit.core.exchange_commands import command_blocks
from sbskit.core.mailprobe import checklist as cl
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.common.workers import JobWorker

STATUS_KIND = {"not-assessed": "unknown", "fine": "good", "at-risk": "bad", "accepted": "info"}
KIND_LABEL = {"question": "Question", "risk": "Risk", "mitigation": "Mitigation"}
COL_ITEM, COL_KIND, COL_STATUS, COL_NOTES = range(4)


class ChecklistPanel(QWidget):
    """Edits one :class:`~sbskit.core.mailprobe.checklist.Checklist`; ``changed`` after every edit."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, profile: str = "default", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.sheet = cl.Checklist()
        self.loaded = False
        self._filling = False
        self._save_worker: JobWorker | None = None
        self._save_again = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_now)
        self._build()

    # --- layout ------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        profile_row = QHBoxLayout()
        self.profile_combo = QComboBox()
        self.profile_combo.setEditable(True)
        self.profile_combo.setAccessibleName("Client profile")
        self.profile_combo.setToolTip("Each client profile keeps its own answers; type a new name to start one")
        self.profile_combo.addItem(self.profile)
        self.profile_combo.activated.connect(lambda _i: self.switch_profile(self.profile_combo.currentText()))
        self.profile_combo.lineEdit().editingFinished.connect(
            lambda: self.switch_profile(self.profile_combo.currentText()))
        self.profile_combo.setMinimumContentsLength(24)
        profile_row.addWidget(self.profile_combo)
        profile_row.addStretch(1)
        profile_label = QLabel("&Profile:")
        profile_label.setBuddy(self.profile_combo)
        form.addRow(profile_label, profile_row)
        self.client_edit = QLineEdit()
        self.client_edit.setPlaceholderText("client or company name")
        self.requested_edit = QLineEdit()
        self.requested_edit.setPlaceholderText("who asked, e.g. Sales manager")
        self.request_edit = QLineEdit()
        self.request_edit.setPlaceholderText("what was asked, e.g. POP3 for the field staff's phones")
        for label, edit in (("C&lient:", self.client_edit), ("Requested &by:", self.requested_edit),
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
        block_label = QLabel("Command&s:")
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

    # --- loading -----------------------------------------------------------------------
    def switch_profile(self, name: str) -> JobWorker | None:
        name = name.strip()
        if not name or name == self.profile:
            return None
        try:
            cl.checklist_path(name)
        except UserInputError as exc:
            self.message.emit(str(exc))
            self.saved_label.setText(str(exc))
            self.profile_combo.setEditText(self.profile)
            return None
        self.flush()
        self.profile = name
        self.loaded = False
        return self.load_async()

    def load_async(self) -> JobWorker:
        profile = self.profile

        def job(_ctx):
            cl.catalogue()
            return cl.load_checklist(profile), cl.list_profiles()

        worker = JobWorker(job, "load checklist")
        worker.finished.connect(self._loaded)
        worker.failed.connect(lambda msg, _d: self.message.emit(f"The checklist could not be loaded: {msg}"))
        worker.start()
        self._load_worker = worker
        return worker

    def load_now(self) -> None:
        """Synchronous load (screenshots only: the catalogue is a small local file)."""
        self._loaded((cl.load_checklist(self.profile), cl.list_profiles()))

    def _loaded(self, value) -> None:
        (sheet, warning), profiles = value
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        self.profile_combo.addItems(sorted(set(profiles) | {self.profile}, key=str.lower))
        self.profile_combo.setCurrentText(self.profile)
        self.profile_combo.blockSignals(False)
        self.set_checklist(sheet)
        if not warning and not sheet.updated:
            self.saved_label.setText(f"New checklist for profile '{self.profile}'.")
        if warning:
            self.message.emit(warning)
            self.saved_label.setText(warning)

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
            self.saved_label.setText(f"Saved {sheet.updated} in profile '{self.profile}'.")
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
        if not self.loaded:  # a profile is loading: its answers replace these in a moment
            return
        self.saved_label.setText("Saving...")
        self._save_timer.start()
        self.changed.emit()

    # --- saving ------------------------------------------------------------------------
    def save_now(self) -> JobWorker | None:
        if not self.loaded:
            return None
        if self._save_worker is not None and self._save_worker.running:
            self._save_again = True
            return None
        snapshot = cl.Checklist.from_dict(self.sheet.to_dict())
        profile = self.profile
        worker = JobWorker(lambda _ctx: cl.save_checklist(snapshot, profile), "save checklist")
        worker.finished.connect(lambda path: self._saved(path, snapshot.updated))
        worker.failed.connect(lambda msg, _d: self._save_failed(msg))
        worker.ended.connect(self._save_ended)
        self._save_worker = worker
        worker.start()
        return worker

    def _saved(self, path, when: str) -> None:
        self.sheet.updated = when
        self.saved_label.setText(f"Saved {when} in profile '{self.profile}' ({path}).")

    def _save_failed(self, msg: str) -> None:
        self.saved_label.setText(f"NOT saved: {msg}")
        self.message.emit(f"The checklist was not saved: {msg}")

    def _save_ended(self) -> None:
        if self._save_again:
            self._save_again = False
            self.save_now()

    @property
    def saving(self) -> bool:
        return self._save_timer.isActive() or (self._save_worker is not None and self._save_worker.running)

    def flush(self) -> None:
        """Save pending edits now (window closing)."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            if self.loaded:
                try:
                    cl.save_checklist(self.sheet, self.profile)
                except OSError:
                    pass

    def state_for_memo(self) -> dict[str, Any]:
        return self.sheet.to_dict()

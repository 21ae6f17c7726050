"""Whose POP3 checklist is on screen, and the one queue its database jobs go through.

:class:`ChecklistOwnerBar` says it in words ("Acme Dental's checklist", or "Template
'default'") and offers the templates: start this checklist from one, or save the answers
as one. :class:`OrderedJobs` runs every load and save of the checklist one after another
on a private one-thread pool, so a save made before a switch is in the database before the
next load reads it, and two saves never overtake each other.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from shiboken6 import isValid
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QMessageBox, QPushButton, QWidget

from sbskit.core.mailprobe import checklist as cl
from sbskit.core.profiles import checklists

from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker

CLIENT, TEMPLATE = "client", "template"


def owner_text(kind: str, name: str) -> str:
    """``Acme Dental's checklist``, ``Baker & Sons' checklist`` / ``Template 'default' (no client chosen)``."""
    if kind == CLIENT:
        return f"{name}{chr(39) if name.endswith(('s', 'S')) else chr(39) + 's'} checklist"
    return f"Template '{name}' (no client chosen)"


def report_heading(kind: str, name: str) -> str:
    """The report's heading for the answers: ``Acme Dental's POP3 checklist`` / ``POP3 checklist (template 'x')``."""
    if kind == CLIENT:
        return owner_text(kind, name).removesuffix(" checklist") + " POP3 checklist"
    return f"POP3 checklist (template '{name}')"


class OrderedJobs(QObject):
    """Background jobs that run strictly in the order they were submitted."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pending = 0
        self.workers: list[JobWorker] = []

    def submit(self, name: str, job: Callable[[], Any], done: Callable[[Any], None],
               failed: Callable[[str], None]) -> JobWorker:
        """Queue ``job`` (run on the pool thread); ``done``/``failed`` run on the GUI thread, and only
        while this object (a child of the panel) still exists: a panel closed mid-save hears nothing."""
        self.pending += 1
        worker = start_job(lambda _ctx: job(), name, pool=self.pool,
                           finished=lambda value: done(value) if isValid(self) else None,
                           failed=lambda message, _details: failed(message) if isValid(self) else None,
                           ended=lambda: self._ended(worker) if isValid(self) else None)  # queued: worker is bound
        self.workers.append(worker)
        return worker

    def _ended(self, worker: JobWorker) -> None:
        self.pending -= 1
        if worker in self.workers:
            self.workers.remove(worker)
        if not self.pending:
            self.idle.emit()

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every queued job ran (window closing: the last answers must reach the stick)."""
        return self.pool.waitForDone(msecs)


class ChecklistOwnerBar(QWidget):
    """The owner in bold, then the template controls."""

    template_chosen = Signal(str)  # the combo's choice changed (with no client: show that template)
    apply_clicked = Signal()
    save_as_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.owner_label = QLabel()
        self.owner_label.setObjectName("checklistOwner")
        self.owner_label.setAccessibleName("Whose checklist this is")
        self.owner_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.owner_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.owner_label.setFont(font)
        row.addWidget(self.owner_label, 1)
        self.template_combo = QComboBox()
        self.template_combo.setAccessibleName("Checklist template")
        self.template_combo.setToolTip("Templates are named sets of answers any client's checklist can start from")
        self.template_combo.setMinimumContentsLength(14)
        self.template_combo.activated.connect(lambda _i: self.template_chosen.emit(self.template_combo.currentText()))
        label = QLabel("&Template:")
        label.setBuddy(self.template_combo)
        self.apply_button = QPushButton("&Apply template")
        self.apply_button.setToolTip("Fill this client's checklist with the template's answers")
        self.apply_button.clicked.connect(self.apply_clicked)
        self.save_as_button = QPushButton("&Save as template...")
        self.save_as_button.setToolTip("Keep these answers as a named template for other clients")
        self.save_as_button.clicked.connect(self.save_as_clicked)
        for widget in (label, self.template_combo, self.apply_button, self.save_as_button):
            row.addWidget(widget)

    def show_owner(self, kind: str, name: str, templates: list[str], template: str) -> None:
        self.owner_label.setText(owner_text(kind, name))
        self.owner_label.setToolTip("Answers are saved to this client's profile in profiles.sqlite3" if kind == CLIENT
                                    else "Choose a client (Client > Client profiles...) to keep its own answers")
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        self.template_combo.addItems(templates)
        index = next((i for i, t in enumerate(templates) if t.casefold() == template.casefold()), 0)
        self.template_combo.setCurrentIndex(index)
        self.template_combo.blockSignals(False)
        self.apply_button.setVisible(kind == CLIENT)


class ChecklistTemplates:
    """The template actions of :class:`~sbskit.ui.pop3.checklist.ChecklistPanel` (a mix-in: it uses the
    panel's ``owner``, ``sheet``, ``jobs``, ``owner_bar`` and ``set_checklist``)."""

    def _template_chosen(self, name: str) -> None:
        self.template = name
        if self.owner[0] == TEMPLATE:
            self.show_template(name)

    def apply_template(self) -> None:
        """Fill the client's checklist with the chosen template's answers (asks first if it has answers)."""
        if not self.loaded or self.owner[0] != CLIENT:
            return
        template = self.owner_bar.template_combo.currentText()
        answered = any(s.status != "not-assessed" or s.notes for s in self.sheet.states.values())
        if answered and not self.confirm_apply(template):
            return
        generation = self._generation

        def read():
            from sbskit.core.profiles.store import ProfileStore

            with ProfileStore() as store:
                return checklists.load_template(store, template)

        def done(value) -> None:
            if generation != self._generation:
                return
            name, state = value
            source = cl.Checklist.from_dict(state) if state else cl.Checklist()
            sheet = cl.Checklist.from_dict(self.sheet.to_dict())
            sheet.states = source.states
            sheet.exchange_version = source.exchange_version
            self.set_checklist(sheet)
            self.message.emit(f"Template '{name}' applied to {owner_text(*self.owner)}")
            self._edited()

        self.jobs.submit("apply template", read, done, lambda msg: self.message.emit(f"Template not applied: {msg}"))

    def save_as_template(self) -> None:
        if not self.loaded:
            return
        name = self.ask_template_name(self.owner_bar.template_combo.currentText())
        if not name or not name.strip():
            return
        state = checklists.stamped({**self.sheet.to_dict(), "client": "", "requested_by": "", "request": ""})

        def write():
            from sbskit.core.profiles.store import ProfileStore

            with ProfileStore() as store:
                saved = checklists.save_template(store, name, state)
                return saved, checklists.template_names(store)

        def done(value) -> None:
            saved, templates = value
            self.template = saved
            self.owner_bar.show_owner(self.owner[0], self.owner[1], templates, saved)
            self.message.emit(f"Saved the answers as template '{saved}'")

        self.jobs.submit("save template", write, done, lambda msg: self.message.emit(f"Template not saved: {msg}"))

    def _ask_apply(self, template: str) -> bool:
        answer = QMessageBox.question(
            self, "Apply template",
            f"Replace the answers in {owner_text(*self.owner)} with those of the template '{template}'?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_template_name(self, current: str) -> str:
        name, ok = QInputDialog.getText(self, "Save as template", "Template name:", text=current)
        return name if ok else ""


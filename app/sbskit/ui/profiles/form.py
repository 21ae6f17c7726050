"""The Details form of the Client profiles dialog: the fields, and the same validation the store uses.

A mix-in of :class:`~sbskit.ui.profiles.dialog.ProfilesDialog` (it calls the dialog's
``_on_edited``, ``revert`` and ``save``). On a write-protected stick the fields are read-only
(text can still be selected and copied) rather than greyed out.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from sbskit.core.errors import UserInputError
from sbskit.core.profiles.model import clean_list, clean_name, clean_notes, split_entries
from sbskit.ui.common.theme import status_background, status_foreground

LIST_FIELDS = (
    ("ips", "Public &IPs", "The client's public IPv4/IPv6 addresses, one per line (used for blocklist checks)"),
    ("domains", "&Domains", "The client's mail domains, one per line, e.g. example.com"),
    ("mail_hosts", "&Mail hosts", "Mail servers to probe: host names or IP addresses, one per line"),
)



class ProfileForm:
    """Builds and reads the Details page."""

    def _build_details(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Client name")
        self.name_edit.setToolTip("Unique; upper and lower case count as the same name")
        self.name_edit.setMaxLength(100)
        name_label = QLabel("&Name")
        name_label.setBuddy(self.name_edit)
        form.addRow(name_label, self.name_edit)
        self.list_edits: dict[str, QPlainTextEdit] = {}
        for key, label_text, tip in LIST_FIELDS:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setToolTip(tip)
            edit.setAccessibleName(label_text.replace("&", ""))
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
            label = QLabel(label_text)
            label.setBuddy(edit)
            label.setToolTip(tip)
            form.addRow(label, edit)
            self.list_edits[key] = edit
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setAccessibleName("Notes")
        self.notes_edit.setPlaceholderText("Contacts, server names, where the router is ...")
        notes_label = QLabel("N&otes")
        notes_label.setBuddy(self.notes_edit)
        form.addRow(notes_label, self.notes_edit)
        self.checklist_label = QLabel()
        self.checklist_label.setObjectName("checklistSummary")
        self.checklist_label.setAccessibleName("POP3 checklist")
        self.checklist_label.setToolTip("The client's answers in the POP3 risk tab's checklist; they are part of "
                                        "the profile (exported and imported with it)")
        form.addRow("POP3 checklist", self.checklist_label)
        layout.addLayout(form, 1)
        self.validation_label = QLabel()
        self.validation_label.setObjectName("validation")
        self.validation_label.setWordWrap(True)
        self.validation_label.setAccessibleName("Validation messages")
        self.validation_label.setVisible(False)
        layout.addWidget(self.validation_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setToolTip("Throw away the changes in this form")
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save this client profile (Ctrl+S)")
        self.revert_button.clicked.connect(self.revert)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        for widget in (self.name_edit,):
            widget.textChanged.connect(self._on_edited)
        for widget in (*self.list_edits.values(), self.notes_edit):
            widget.textChanged.connect(self._on_edited)
        return page

    def form_values(self) -> dict[str, Any]:
        """The form, validated by the same rules as the store; raises on the first problem."""
        problems = self.form_problems()
        if problems:
            raise UserInputError(problems[0])
        return {
            "name": clean_name(self.name_edit.text()),
            **{key: clean_list(key, split_entries(edit.toPlainText())) for key, edit in self.list_edits.items()},
            "notes": clean_notes(self.notes_edit.toPlainText()),
        }

    def form_problems(self) -> list[str]:
        problems = []
        checks = [("Name", lambda: clean_name(self.name_edit.text()))]
        for key, label, _tip in LIST_FIELDS:
            edit = self.list_edits[key]
            checks.append((label.replace("&", ""), lambda k=key, e=edit: clean_list(k, split_entries(e.toPlainText()))))
        checks.append(("Notes", lambda: clean_notes(self.notes_edit.toPlainText())))
        for label, check in checks:
            try:
                check()
            except UserInputError as exc:
                problems.append(f"{label}: {exc}")
        return problems

    def _validate(self) -> bool:
        problems = self.form_problems()
        self._show_validation(problems)
        return not problems

    def _show_validation(self, problems: list[str]) -> None:
        self.validation_label.setVisible(bool(problems))
        if problems:
            bg = status_background("bad", self).name()
            fg = status_foreground("bad", self).name()
            self.validation_label.setStyleSheet(f"#validation {{ background: {bg}; color: {fg}; padding: 6px; }}")
            self.validation_label.setText("\n".join(problems))

    def _set_form_enabled(self, enabled: bool) -> None:
        for widget in (self.name_edit, *self.list_edits.values(), self.notes_edit):
            widget.setEnabled(enabled)
            widget.setReadOnly(self.read_only)  # write-protected stick: readable and copyable, not editable


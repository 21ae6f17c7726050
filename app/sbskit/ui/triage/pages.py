"""Wizard pages without background work: the symptom questions (live checks: ``triage_live``)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from sbskit.core.triage.answers import questions
from sbskit.core.triage.evidence import ip_kind
from sbskit.core.triage.versions import VERSION_CHOICES
from sbskit.ui.common.radio_groups import tab_to_checked
from sbskit.ui.common.theme import status_foreground
from sbskit.ui.triage.state import TriageState

CHOICES = (("yes", "&Yes"), ("no", "N&o"), ("", "Don't know"))


class SymptomsPage(QWizardPage):
    """Five yes/no questions: they weigh the causes and name suspects; only evidence confirms a cause."""

    def __init__(self, state: TriageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle("Symptoms")
        self.setSubTitle("What do you see? Your answers point at suspects; the logs and exports on the next page "
                         "confirm or rule them out.")
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        self.groups: dict[str, QButtonGroup] = {}
        for row, question in enumerate(questions()):
            label = QLabel(question["text"])
            label.setWordWrap(True)
            label.setToolTip(question["help"])
            grid.addWidget(label, row, 0)
            group = QButtonGroup(self)
            for col, (value, text) in enumerate(CHOICES, 1):
                button = QRadioButton(text.replace("&", "") if row else text)
                button.setProperty("answer", value)
                button.setToolTip(question["help"])
                button.setAccessibleName(f"{question['text']} {text.replace('&', '')}")
                group.addButton(button)
                grid.addWidget(button, row, col)
                if value == "":
                    button.setChecked(True)
            group.buttonToggled.connect(self._store)
            tab_to_checked(group)  # Tab lands on the checked answer, the arrows move within the row
            self.groups[question["id"]] = group
        grid.setColumnStretch(0, 1)

        self.server_ip = QLineEdit()
        self.server_ip.setPlaceholderText("e.g. 192.168.1.10 (optional)")
        self.server_ip.setToolTip("The mail server's LAN address, so the firewall check does not name the server itself.")
        self.server_ip.setAccessibleName("Mail server IP addresses")
        self.local_domain = QLineEdit()
        self.local_domain.setPlaceholderText("e.g. smallbiz.com (optional; otherwise learnt from the logs)")
        self.local_domain.setToolTip("Your own (accepted) mail domains, separated by spaces or commas.")
        self.local_domain.setAccessibleName("Own mail domains")
        self.version = QComboBox()
        self.version.addItem("Detect from the log files (else: commands for each version)", None)
        for version in VERSION_CHOICES:
            self.version.addItem("Exchange Server SE" if version == "SE" else f"Exchange {version}", version)
        self.version.setToolTip("The PowerShell in the action plan is written for this version; when the logs do not "
                                "say it, each step lists the command per version. Postfix evidence gets Postfix commands.")
        self.version.setAccessibleName("Exchange version")
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {status_foreground('bad', self).name()};")  # readable in dark mode too
        form = QFormLayout()
        form.addRow("Mail server &IP:", self.server_ip)
        form.addRow("Own mail &domains:", self.local_domain)
        form.addRow("E&xchange version:", self.version)
        for edit in (self.server_ip, self.local_domain):
            edit.textChanged.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addSpacing(10)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def reset(self) -> None:
        """Every answer open, the fields empty (the wizard's Start over)."""
        for qid in self.groups:
            self.set_answer(qid, None)
        self.server_ip.clear()
        self.local_domain.clear()
        self.version.setCurrentIndex(0)

    def set_answer(self, qid: str, value: str | None) -> None:
        for button in self.groups[qid].buttons():
            if button.property("answer") == (value or ""):
                button.setChecked(True)

    def _store(self, *_args) -> None:
        for qid, group in self.groups.items():
            checked = group.checkedButton()
            self.state.answers.set(qid, checked.property("answer") if checked else None)

    def _split(self, text: str) -> list[str]:
        return [part for part in text.replace(",", " ").split() if part]

    def isComplete(self) -> bool:
        bad = [ip for ip in self._split(self.server_ip.text()) if not ip_kind(ip)]
        self.error.setText(f"Not an IP address: {bad[0]}" if bad else "")
        return not bad

    def validatePage(self) -> bool:
        self._store()
        self.state.server_ips = self._split(self.server_ip.text())
        self.state.local_domains = self._split(self.local_domain.text())
        self.state.exchange_version = self.version.currentData()
        return True

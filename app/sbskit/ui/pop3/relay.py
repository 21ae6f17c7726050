"""The relay-test page of the POP3 risk tab, behind an explicit confirmation.

Trying relay tricks against a server is an active test; the admin must confirm they
may test it. The dialog is an attribute (``confirm``) so tests answer it without a
modal window. DATA is never sent, which the page says plainly. The page shows how the
server behaved (a tarpit, sessions it ended, the connections used) and lists any variant
that got no answer before the deadline as open, never as refused.
"""

from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.mailprobe import relayreplies
from sbskit.core.mailprobe.relay import DEFAULT_FROM, DEFAULT_TO, MAX_LANES, NOTE, default_deadline
from sbskit.core.mailprobe.textout import relay_text
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.common.remembered import recall, remember
from sbskit.ui.common.workers import JobWorker

COLUMNS = ["Variant", "MAIL FROM", "RCPT TO", "Code", "Seconds", "Accepted", "Server reply"]


class RelayPanel(QWidget):
    message = Signal(str)
    relay_done = Signal(dict)  # the finished test's document, as `sbskit-cli relaytest --json` prints it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker: JobWorker | None = None
        self.last: dict | None = None
        self.confirm: Callable[[str, int], bool] = self._confirm
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel("Tries the address tricks spammers use (the set nmap's smtp-open-relay script tries) with "
                       "MAIL FROM and RCPT TO only, over up to four connections at once. <b>DATA is never sent</b>, "
                       "so no message can be delivered. Only test servers you are allowed to test.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.host_edit = QLineEdit(recall("relay/host", ""))
        self.host_edit.setPlaceholderText("mail.example.com or 203.0.113.10")
        self.host_edit.setAccessibleName("SMTP server host")
        self.host_edit.returnPressed.connect(self.start)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(recall("relay/port", 25))
        self.port_spin.setAccessibleName("SMTP port")
        self.from_edit = QLineEdit(DEFAULT_FROM)
        self.from_edit.setAccessibleName("Sender address")
        self.from_edit.setToolTip("Sender for the external-to-external try; use an address outside the client's domain")
        self.to_edit = QLineEdit(DEFAULT_TO)
        self.to_edit.setAccessibleName("Outside recipient")
        self.to_edit.setToolTip("An outside recipient; nothing is ever delivered to it")
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(0.5, 120)
        self.timeout_spin.setValue(8.0)
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setAccessibleName("Timeout per answer")
        self.timeout_spin.setToolTip("Seconds to wait for each answer; 10 s more for answers a tarpit holds back "
                                     "(after a refusal, and for every RCPT TO once one came late: Exchange holds "
                                     "each refused recipient 5 s)")
        self.deadline_spin = QSpinBox()
        self.deadline_spin.setRange(5, 3600)
        self.deadline_spin.setValue(int(default_deadline(8.0)))
        self.deadline_spin.setSuffix(" s")
        self.deadline_spin.setAccessibleName("Deadline for the whole test")
        self.deadline_spin.setToolTip(f"The whole test ends by then; variants not answered are listed as open. "
                                      f"Up to {MAX_LANES} connections run at once, so a 5 s tarpit costs about 20 s.")
        for label, widget in (("&Server:", self.host_edit), ("&Port:", self.port_spin), ("MAIL F&ROM:", self.from_edit),
                              ("RCPT &TO:", self.to_edit), ("Time&out:", self.timeout_spin),
                              ("Dead&line:", self.deadline_spin)):
            form.addRow(label, widget)
        self.outsider_check = QCheckBox("Outs&ider: the server does not trust this PC")
        self.outsider_check.setAccessibleName("Treat this PC as an outsider")
        self.outsider_check.setToolTip("Tick only if you checked that the server does not relay for this PC's "
                                       "address (Postfix mynetworks, Exchange relay connectors). Otherwise a "
                                       "recipient accepted from loopback or the LAN is 'could not tell'.")
        form.addRow("", self.outsider_check)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.run_button = QPushButton("R&un relay test...")
        self.run_button.setToolTip("Asks for confirmation first")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Relay test progress")
        self.copy_button = QPushButton("Cop&y as text")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_text)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self.verdict = QLabel("Not run yet.")
        self.verdict.setObjectName("relayVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setMargin(6)
        self.results_view = QWidget()  # the verdict, how the server behaved and the attempts: the report's picture
        results = QVBoxLayout(self.results_view)
        results.setContentsMargins(0, 0, 0, 0)
        results.addWidget(self.verdict)
        self.behaviour = QLabel("")
        self.behaviour.setWordWrap(True)
        self.behaviour.setAccessibleName("How the server behaved")
        self.behaviour.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.behaviour.setVisible(False)
        results.addWidget(self.behaviour)
        note = QLabel(NOTE)
        note.setWordWrap(True)
        results.addWidget(note)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Relay attempts")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        results.addWidget(self.table, 1)
        layout.addWidget(self.results_view, 1)

    def _confirm(self, host: str, port: int) -> bool:
        return confirm_relay_test(self, host, port)

    def start(self) -> None:
        if self.worker is not None and self.worker.running:
            return
        host, port = self.host_edit.text().strip(), self.port_spin.value()
        if not host:
            self._verdict("bad", "Enter the SMTP server's host name or address first.")
            return
        if not self.confirm(host, port):
            self.message.emit("Relay test not run")
            return
        from sbskit.core.mailprobe.relay import run_relay_test

        sender, rcpt, timeout = self.from_edit.text(), self.to_edit.text(), self.timeout_spin.value()
        deadline = float(self.deadline_spin.value())
        outsider = self.outsider_check.isChecked()
        remember({"relay/host": host, "relay/port": port})
        self.table.setRowCount(0)
        self.behaviour.setVisible(False)
        self.last = None
        self.progress.setRange(0, 0)
        self._running(True)
        self._verdict("info", f"Testing {html.escape(host)} port {port}...")
        self.worker = start_job(lambda ctx: run_relay_test(host, port, sender, rcpt, timeout=timeout, ctx=ctx,
                                                           deadline=deadline, assume_untrusted=outsider), "relay test",
                                result=self._attempt,
                                progress=lambda d, t, m: (self.progress.setRange(0, t), self.progress.setValue(d)),
                                finished=self._finished, failed=lambda msg, _d: self._verdict("bad", html.escape(msg)),
                                cancelled=lambda: self._verdict("info", "Relay test cancelled."),
                                ended=lambda: self._running(False))

    def cancel(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.cancel()

    def _running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if not running:
            self.progress.setRange(0, max(1, self.progress.maximum()))

    def _row(self, kind: str, cells: list[str]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setBackground(status_background(kind, self.table))
            item.setForeground(status_foreground(kind, self.table))
            self.table.setItem(row, col, item)

    def _attempt(self, attempt) -> None:
        seconds = "-" if attempt.seconds is None else f"{attempt.seconds:.1f}"
        found = relayreplies.meaning(attempt.reply_code, attempt.reply, attempt.stage)
        words = relayreplies.describe(attempt.reply_code, attempt.reply, attempt.stage)
        if attempt.relayed:
            kind, cell = "bad", "YES - possibly relays"
        elif found.refusal:
            kind, cell = "good", f"no ({words})"
        else:
            kind, cell = "unknown", f"not yet ({words})"
        self._row(kind, [attempt.variant, f"<{attempt.mail_from}>", f"<{attempt.rcpt_to}>",
                         str(attempt.reply_code or "-"), seconds, cell, attempt.reply])

    def _finished(self, report) -> None:
        self.last = report.to_dict()
        self.copy_button.setEnabled(True)
        self.table.setRowCount(0)
        for attempt in report.attempts:  # the standard order in the end
            self._attempt(attempt)
        for open_variant in report.unanswered:
            self._row("unknown", [open_variant["variant"], "", "", "-", "-", "? (open)",
                                  f"no answer: {open_variant['reason']}"])
        kind = {True: "bad", False: "good", None: "unknown"}[report.open_relay]
        head, _, rest = report.summary.partition(": ")
        self._verdict(kind, f"<b>{html.escape(head[:1].upper() + head[1:])}:</b> {html.escape(rest)}")
        self._show_behaviour(report)
        self.message.emit("Relay test finished")
        self.relay_done.emit(self.last)

    def _show_behaviour(self, report) -> None:
        lines = []
        if report.connections:
            lines.append(f"Took {report.seconds:.0f} s over {report.connections} connection(s), at most "
                         f"{MAX_LANES} at once (deadline {report.deadline_seconds:g} s).")
        lines += report.notes
        self.behaviour.setText("\n".join(lines))
        self.behaviour.setVisible(bool(lines))

    def _verdict(self, kind: str, text: str) -> None:
        bg = status_background(kind, self).name()
        fg = status_foreground(kind, self).name()
        self.verdict.setStyleSheet(f"QLabel#relayVerdict {{ background: {bg}; color: {fg}; border-radius: 4px; }}")
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setText(text)

    def copy_text(self) -> None:
        if self.last:
            QGuiApplication.clipboard().setText(relay_text(self.last))
            self.message.emit("Relay test copied as text")

    def shutdown(self) -> None:
        self.cancel()


def confirm_relay_test(parent: QWidget, host: str, port: int) -> bool:
    """Ask before any relay test: it connects to a real server and shows up in its logs."""
    answer = QMessageBox.question(
        parent, "Run the relay test?",
        f"The kit will connect to {host} port {port} and try 16 relay variants with MAIL FROM and RCPT TO, "
        f"over up to {MAX_LANES} connections at once. "
        "It never sends DATA, so nothing is delivered, but the attempts appear in the server's logs.\n\n"
        "Do you have permission to test this server?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes

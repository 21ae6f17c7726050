"""The live-probe page of the POP3 risk tab: what the mail server exposes, streamed in.

Every connection runs in the core probe on a worker; rows appear as each service
finishes, Cancel stops the sockets at once (the probe's watchdogs), and the result can
be copied as text or saved as CSV for the client file. Each row says how its login
verdict is known (the proof seen) or that the question stayed open; a partly checked
service keeps what it showed. Ctrl+Enter runs the probe (as it runs every tab's check);
Ctrl+R stays the window's Client > Re-run.
"""

from __future__ import annotations

import datetime as _dt
import html
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.mailprobe.model import ServiceResult
from sbskit.core.mailprobe.probe import DEFAULT_PORTS, SPEC_TEMPLATES
from sbskit.core.mailprobe.textout import (
    cert_summary,
    failed_logins_line,
    login_cell,
    probe_text,
    proof_short,
    service_state,
    tls_cell,
)
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.remembered import recall, remember
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.common.save_paths import in_reports
from sbskit.ui.pop3.probe_details import details_html

COLUMNS = ["Service", "Port", "State", "TLS", "Login before TLS", "How we know", "Certificate", "Findings"]
FINDINGS_COLUMN = COLUMNS.index("Findings")
MAX_REASONS_SHOWN = 6  # more would push the table off a 1100x740 window
PROOF_COLUMN = COLUMNS.index("How we know")
RISK_KIND = {"high": "bad", "medium": "unknown", "low": "good", "unknown": "info"}
RISK_TEXT = {
    "high": "HIGH risk: passwords can travel unencrypted or the server is badly exposed",
    "medium": "MEDIUM risk: TLS or certificate weaknesses, or information leaks",
    "low": "LOW risk: every reachable service insists on TLS before a password",
    "unknown": "UNKNOWN: not enough could be checked from here",
}


def service_kind(svc: dict[str, Any]) -> str:
    if svc["status"] == "not-reachable":
        return "info"
    severities = {f["severity"] for f in svc["findings"]}
    if "high" in severities:
        return "bad"
    if "medium" in severities or svc["status"] in ("error", "partial") or svc.get("open_questions"):
        return "unknown"
    return "good"


class ProbePanel(QWidget):
    """Host, ports and timeout in; streamed service rows, risk and reasons out."""

    message = Signal(str)
    probe_done = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker: JobWorker | None = None
        self.last: dict[str, Any] | None = None
        self.last_at: _dt.datetime | None = None
        self.rows: dict[str, dict[str, Any]] = {}
        self.ask_csv_path: Callable[[], str] = self._ask_csv_path
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        self.host_edit = QLineEdit(recall("probe/host", ""))
        self.host_edit.setPlaceholderText("mail.example.com, 203.0.113.10 or [::1]")
        self.host_edit.setAccessibleName("Mail server host")
        self.host_edit.setToolTip("Run the probe from where users connect (outside the LAN shows what the internet sees)")
        self.host_edit.returnPressed.connect(self.start)
        host_label = QLabel("Mail &server:")
        host_label.setBuddy(self.host_edit)
        grid.addWidget(host_label, 0, 0)
        grid.addWidget(self.host_edit, 0, 1, 1, 3)
        self.name_edit = QLineEdit(recall("probe/name", ""))
        self.name_edit.setPlaceholderText("optional: mail.example.com")
        self.name_edit.setAccessibleName("Name clients use")
        self.name_edit.setToolTip("The name Outlook and phones use for the server. The certificates are checked "
                                  "against it; without it, a probe by IP address cannot check their name.")
        self.name_edit.returnPressed.connect(self.start)
        name_label = QLabel("Name clients &use:")
        name_label.setBuddy(self.name_edit)
        grid.addWidget(name_label, 0, 4)
        grid.addWidget(self.name_edit, 0, 5, 1, 3)
        self.port_spins: dict[str, QSpinBox] = {}
        for index, (key, (name, _proto, tls)) in enumerate(SPEC_TEMPLATES.items()):
            spin = QSpinBox()
            spin.setRange(0, 65535)
            spin.setValue(DEFAULT_PORTS[key])
            spin.setSpecialValueText("skip")
            spin.setAccessibleName(f"{name} port")
            spin.setToolTip(f"{name} port ({'TLS from the first byte' if tls == 'implicit' else 'STARTTLS if offered'}); 0 skips it")
            self.port_spins[key] = spin
            label = QLabel(f"{name}:")
            label.setBuddy(spin)
            r, c = 1 + index // 4, (index % 4) * 2
            grid.addWidget(label, r, c)
            grid.addWidget(spin, r, c + 1)
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(0.5, 120)
        self.timeout_spin.setValue(recall("probe/timeout", 8.0))
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setAccessibleName("Timeout per answer")
        self.timeout_spin.setToolTip("Seconds to wait for each answer. Login answers get 18 s more, because servers "
                                     "delay failed logins on purpose (Dovecot: 2 s plus up to 15 s penalty).")
        timeout_label = QLabel("Time&out:")
        timeout_label.setBuddy(self.timeout_spin)
        grid.addWidget(timeout_label, 2, 6)
        grid.addWidget(self.timeout_spin, 2, 7)
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText("optional: CA certificates (PEM) to trust instead of the system store")
        self.ca_edit.setAccessibleName("CA file")
        grid.addWidget(QLabel("CA file:"), 3, 0)
        grid.addWidget(self.ca_edit, 3, 1, 1, 6)
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse_ca)
        grid.addWidget(browse, 3, 7)
        self.outsider_check = QCheckBox("Outs&ider: the server does not trust this PC")
        self.outsider_check.setAccessibleName("Treat this PC as an outsider")
        self.outsider_check.setToolTip(
            "Tick only if you checked that the server does not trust this PC's address (Dovecot "
            "login_trusted_networks, Postfix mynetworks, Exchange relay connectors). Otherwise a password taken "
            "before TLS from loopback or the LAN is reported as 'could not tell from here'. Never applies on the "
            "server itself: Dovecot always treats its own address as secure.")
        grid.addWidget(self.outsider_check, 4, 1, 1, 6)
        layout.addLayout(grid)

        buttons = QHBoxLayout()
        self.run_button = QPushButton("&Run probe")
        self.run_button.setToolTip("Probe every port above (Enter in a field, or Ctrl+Enter). No real password is "
                                   "ever sent.")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip("Stop the probe (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Probe progress")
        self.progress.setTextVisible(True)
        self.progress.setValue(0)
        self.copy_button = QPushButton("Copy as &text")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_text)
        self.csv_button = QPushButton("S&ave CSV...")
        self.csv_button.setEnabled(False)
        self.csv_button.clicked.connect(self.save_csv)
        for w in (self.run_button, self.cancel_button):
            buttons.addWidget(w)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.csv_button)
        layout.addLayout(buttons)
        # Ctrl+Enter runs the probe, as it runs every tab's main check; Ctrl+R is the window's one
        # meaning of it (Client > Re-run this client's checks)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.start)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel)

        self.risk_label = QLabel("Enter the mail server and run the probe. It sends no real password: the "
                                 "login test uses a made-up user and a dummy password.")
        self.risk_label.setWordWrap(True)
        self.risk_label.setObjectName("riskBadge")
        self.risk_label.setMargin(6)
        self.results_view = QWidget()  # the verdict and the table: what the visit report pictures
        results = QVBoxLayout(self.results_view)
        results.setContentsMargins(0, 0, 0, 0)
        results.addWidget(self.risk_label)
        self.reasons_label = QLabel("")
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setAccessibleName("Why this risk")
        self.reasons_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reasons_label.setVisible(False)
        results.addWidget(self.reasons_label)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Probe results per service")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)  # one line per service; the full findings are in the tooltip and below
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))
        splitter.addWidget(self.table)
        self.details = QTextBrowser()
        self.details.setAccessibleName("Details of the selected service")
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        results.addWidget(splitter, 1)
        layout.addWidget(self.results_view, 1)

    # --- running -----------------------------------------------------------------------
    def ports(self) -> dict[str, int]:
        return {key: spin.value() for key, spin in self.port_spins.items()}

    def start(self) -> None:
        if self.worker is not None and self.worker.running:
            return
        from sbskit.core.mailprobe.probe import run_probe

        host = self.host_edit.text()
        name = self.name_edit.text().strip() or None
        outsider = self.outsider_check.isChecked()
        ports = self.ports()
        timeout = self.timeout_spin.value()
        remember({"probe/host": host.strip(), "probe/timeout": timeout, "probe/name": name or ""})
        ca_file = self.ca_edit.text().strip() or None
        self.table.setRowCount(0)
        self.rows.clear()
        self.details.clear()
        self.last = None
        self.reasons_label.setVisible(False)
        self.progress.setRange(0, 0)
        self._set_running(True)
        self._badge("info", f"Probing {host or '?'}...")
        self.worker = start_job(lambda ctx: run_probe(host, ports, timeout=timeout, ca_file=ca_file, ctx=ctx, name=name,
                                                      assume_untrusted=outsider),
                                "mail probe", result=self._add_result, progress=self._progress, finished=self._finished,
                                failed=self._failed, cancelled=lambda: self._badge("info", "Probe cancelled."),
                                ended=lambda: self._set_running(False))

    def cancel(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            self.message.emit("Cancelling the probe...")

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if not running:
            self.progress.setRange(0, max(1, self.progress.maximum()))

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total}")
        self.message.emit(message)

    def _add_result(self, res: ServiceResult) -> None:
        svc = res.to_dict()
        self.rows[res.name] = svc
        row = self.table.rowCount()
        self.table.insertRow(row)
        findings = [f for f in svc["findings"] if f["severity"] != "info"]
        cells = [svc["name"], str(svc["port"]), service_state(svc), tls_cell(svc), login_cell(svc), proof_short(svc),
                 cert_summary(svc["certificate"]), "; ".join(f["title"] for f in findings) or "-"]
        kind = service_kind(svc)
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, svc["name"])
            item.setBackground(status_background(kind, self.table))
            item.setForeground(status_foreground(kind, self.table))
            if col == FINDINGS_COLUMN and findings:
                item.setToolTip("\n".join(f"[{f['severity']}] {f['title']}: {f['detail']}" for f in findings))
            if col == PROOF_COLUMN:
                item.setToolTip(row_tooltip(svc))
            self.table.setItem(row, col, item)
        if self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)

    def _finished(self, report) -> None:
        doc = report.to_dict()
        self.last = doc
        self.last_at = _dt.datetime.now().astimezone()  # the memo says when the server was tested
        self.table.setRowCount(0)
        for res in report.services:  # final order: the standard service order
            self._add_result(res)
        self._badge(RISK_KIND[doc["risk"]], badge_html(doc))
        vantage = doc.get("vantage") or {}
        reasons = [one_line(r) for r in doc["reasons"] if r != vantage.get("note")]  # the badge says it
        shown = reasons[:MAX_REASONS_SHOWN]
        more = len(reasons) - len(shown)
        lines = [f"  \u2022 {r}" for r in shown] + ([f"  \u2022 and {more} more (Copy as text has them all)"] if more else [])
        lines.append(f"  \u2022 {failed_logins_line(doc)}")
        self.reasons_label.setText("\n".join(lines))
        self.reasons_label.setVisible(True)
        self.copy_button.setEnabled(True)
        self.csv_button.setEnabled(True)
        self.message.emit(f"Probe of {doc['host']} finished: risk {doc['risk']}")
        self.probe_done.emit(doc)

    def _failed(self, message: str, _details: str) -> None:
        self._badge("bad", html.escape(message))
        self.message.emit(message)

    def _badge(self, kind: str, text: str) -> None:
        bg = status_background(kind, self).name()
        fg = status_foreground(kind, self).name()
        self.risk_label.setStyleSheet(f"QLabel#riskBadge {{ background: {bg}; color: {fg}; border-radius: 4px; }}")
        self.risk_label.setText(text)

    def _show_details(self, row: int) -> None:
        item = self.table.item(row, 0) if row >= 0 else None
        svc = self.rows.get(item.data(Qt.ItemDataRole.UserRole)) if item else None
        if not svc:
            self.details.clear()
            return
        self.details.setHtml(details_html(svc, self.details))

    # --- export ------------------------------------------------------------------------
    def text(self) -> str:
        return probe_text(self.last) if self.last else ""

    def copy_text(self) -> None:
        if self.last:
            QGuiApplication.clipboard().setText(self.text())
            self.message.emit("Probe result copied as text")

    def csv_text(self) -> str:
        from sbskit.core.csvout import to_csv

        out = []
        header = ["host", "service", "port", "state", "tls", "cleartext_login_before_tls", "proof_seen",
                  "certificate", "severity", "finding", "detail"]
        for svc in (self.last or {}).get("services", []):
            base = [self.last["host"], svc["name"], svc["port"], service_state(svc), svc["tls"],
                    svc["cleartext_login_before_tls"], (svc.get("login_proof") or {}).get("seen", ""),
                    cert_summary(svc["certificate"])]
            rows = [[f["severity"], f["title"], f["detail"]] for f in svc["findings"]]
            rows += [["open", q["question"], q["reason"]] for q in svc.get("open_questions") or []]
            for row in rows or [["", "", ""]]:
                out.append(base + row)
        return to_csv(out, header)

    def save_csv(self) -> None:
        if not self.last:
            return
        path = self.ask_csv_path()
        if not path:
            return
        from sbskit.core.settings import atomic_write_text
        from pathlib import Path

        content = self.csv_text()
        self._csv_worker = start_job(lambda _ctx: atomic_write_text(Path(path), content), "save csv",
                                     finished=lambda _v: self.message.emit(f"Saved {path}"),
                                     failed=lambda msg, _d: self.message.emit(f"Not saved: {msg}"))

    def _ask_csv_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Save probe result", in_reports("mail-probe.csv"),
                                              "CSV files (*.csv)")
        return path

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "CA certificates", "", "PEM files (*.pem *.crt *.cer);;All files (*)")
        if path:
            self.ca_edit.setText(path)

    def shutdown(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.cancel()


REASON_WIDTH = 150  # characters: one line of the reasons list at 1100 px; the whole text is in Copy as text


def one_line(reason: str) -> str:
    """A reason cut to one line; an open question loses its (long) explanation, shown in the details pane."""
    if ": could not tell: " in reason:
        head, question = reason.split(": could not tell: ", 1)
        reason = f"{head}: could not tell: {question.split(' (', 1)[0]} (see the details below)"
    return reason if len(reason) <= REASON_WIDTH else reason[: REASON_WIDTH - 1] + "\u2026"


def badge_html(doc: dict[str, Any]) -> str:
    """The verdict: the risk (never as final while a question could raise it), what stayed open, where from."""
    e = html.escape
    title = RISK_TEXT[doc["risk"]]
    could = doc.get("risk_could_be")
    if could and doc["risk"] != "unknown":
        title = f"At least {doc['risk'].upper()} risk, could be {could.upper()}: not final"
    elif could:
        title += f" (could be {could.upper()})"
    lines = [f"<b>{e(title)}</b>"]
    open_items = [(s, q) for s in doc["services"] for q in s.get("open_questions") or []]
    if open_items:
        service, question = next(((s, q) for s, q in open_items if q["id"] == "login"), open_items[0])
        more = f" and {len(open_items) - 1} more" if len(open_items) > 1 else ""
        lines.append(f"Open: {e(service['name'])} ({service['port']}): {e(question['question'])}{more}: see the "
                     "details; what each service did show is kept.")
    vantage = doc.get("vantage") or {}
    if vantage.get("trusted"):
        where = {"same-address": "from the server itself", "this-machine": "over loopback, on the server's machine",
                 "private": "from a private network"}.get(vantage.get("kind"), "from a trusted network")
        lines.append(f"<b>Careful:</b> tested {e(where)} ({e(vantage.get('local') or '?')} to "
                     f"{e(vantage.get('peer') or '?')}): results may be more permissive than from the internet. "
                     + _vantage_advice(vantage))
    return "<br>".join(lines)


def _vantage_advice(vantage: dict[str, Any]) -> str:
    if vantage.get("kind") == "same-address":
        return ("Test from another machine: the server treats its own address as secure"
                + (", Outsider or not." if vantage.get("assumed_untrusted") else "."))
    if vantage.get("assumed_untrusted"):
        return "Outsider is ticked, so what the server accepts from here counts as what the internet gets."
    return "Test from outside the network, or tick Outsider if the server does not trust this PC."


def row_tooltip(svc: dict[str, Any]) -> str:
    proof = svc.get("login_proof")
    if proof:
        return f"Proof seen: {proof['seen']}"
    login_open = [q for q in svc.get("open_questions") or [] if q["id"] == "login"]
    if login_open:
        return f"Open: {login_open[0]['reason']}"
    return svc.get("login_test") or ""

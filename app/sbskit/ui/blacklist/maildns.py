"""The "Mail DNS health" page of the Blacklist lookup tab: why is our mail refused if we are not listed?

A thin shell over ``sbskit.core.maildns``: the admin types the domain (and optionally the
server's public address and DKIM selectors); the run goes to a :class:`JobWorker`, each
check streams in as a traffic-light row with its evidence, what the receiving side does,
and the fix; Copy records puts the DNS records to publish on the clipboard. The resolver
and timeout are the tab's own fields above, so both pages ask the same DNS server.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.errors import UserInputError
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker

KIND = {"ok": "good", "warning": "unknown", "problem": "bad", "error": "info"}
LABEL = {"ok": "OK", "warning": "Warning", "problem": "PROBLEM", "error": "Could not tell"}
COLUMNS = ["Status", "Check", "Finding"]
COL_STATUS, COL_CHECK, COL_FINDING = range(3)
PAGE_TITLE = "M&ail DNS health"  # Alt+H is the Help menu
GUI_WORDS = (("no --ip was given", "no sending IP was given"), ("(--ip)", "(the Sending IP field)"),
             ("with --ip", "in the Sending IP field"), ("--ip", "the Sending IP field"),
             ("--dkim-selector", "the DKIM selectors field"))
SHORT = {"mx": "MX", "spf": "SPF record", "spf-ip": "SPF for the sending IP", "dmarc": "DMARC", "dkim": "DKIM keys",
         "ptr": "Reverse DNS (PTR)", "mta-sts": "MTA-STS (info)", "tls-rpt": "TLS-RPT (info)", "bimi": "BIMI (info)"}


def gui_text(text: str) -> str:
    """The core's texts name the CLI options; on this page they name the fields instead."""
    for cli, field in GUI_WORDS:
        text = text.replace(cli, field)
    return text


def row_label(check: dict) -> tuple[str, str]:
    """(status text, theme kind): an information-only check that is fine reads 'Info', not a green OK."""
    if check.get("info") and check["status"] == "ok":
        return "Info", "info"
    return LABEL[check["status"]], KIND[check["status"]]


class ChecksTree(QTreeWidget):
    """One coloured row per check; children hold what receivers do, the fix and the evidence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(COLUMNS)
        self.setAccessibleName("Mail DNS checks")
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.header()
        header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CHECK, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_FINDING, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(COL_CHECK, 260)
        self.checks: list[dict] = []

    def clear_checks(self) -> None:
        self.clear()
        self.checks = []

    def add_check(self, check: dict) -> QTreeWidgetItem:
        self.checks.append(check)
        status = check["status"]
        label, kind = row_label(check)
        row = QTreeWidgetItem([label, SHORT.get(check["id"], check["id"]), gui_text(check["detail"])])
        row.setData(COL_STATUS, Qt.ItemDataRole.UserRole, check["id"])
        background = QBrush(status_background(kind, self))
        foreground = QBrush(status_foreground(kind, self))
        for col in range(len(COLUMNS)):
            if not check.get("info") or status != "ok":  # information rows keep the plain background:
                row.setBackground(col, background)  # in the dark theme the info colour is the selection's
            row.setForeground(col, foreground)
            row.setToolTip(col, gui_text(f"{check['title']}: {check['detail']}"))
        font = row.font(COL_STATUS)
        font.setBold(True)
        row.setFont(COL_STATUS, font)
        self.addTopLevelItem(row)
        receivers = [r for r in check.get("receivers") or []]
        if receivers:
            group = QTreeWidgetItem(["", "What receivers do", receivers[0].get("what", "")])
            row.addChild(group)
            for r in receivers[1:]:
                text = f"\u201c{r['reply']}\u201d" if r.get("reply") else r.get("effect", "")
                group.addChild(QTreeWidgetItem(["", r["provider"], text]))
        if check["fix"] and status != "ok":
            row.addChild(QTreeWidgetItem(["", "Fix", gui_text(check["fix"])]))
        for record in check.get("records") or []:
            row.addChild(QTreeWidgetItem(["", "Record to publish", f"{record['name']}  {record['type']}  "
                                                                  f"\"{record['value']}\""]))
        if check["evidence"]:
            evidence = QTreeWidgetItem(["", "Evidence", f"{len(check['evidence'])} DNS answer(s) and steps"])
            row.addChild(evidence)
            for line in check["evidence"]:
                evidence.addChild(QTreeWidgetItem(["", "", line]))
        if status in ("problem", "error"):
            row.setExpanded(True)
        return row


class MailDnsPanel(QWidget):
    """The page; ``resolver_text`` and ``timeout`` read the tab's shared DNS settings."""

    def __init__(self, tab: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tab = tab
        self.worker: JobWorker | None = None
        self.last_doc: dict | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel("Mail refused although the server is not listed? Most refusals today are DNS: SPF, DKIM, "
                       "DMARC, reverse DNS, MX. Each check says <b>OK</b>, <b>warning</b>, <b>problem</b> (with what "
                       "Gmail, Microsoft and Yahoo reply) or <b>could not tell</b>, and gives the record to publish. "
                       "Uses the resolver and timeout above.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        row = QHBoxLayout()
        form = QFormLayout()
        self.domain_edit = QLineEdit()
        self.domain_edit.setPlaceholderText("the mail domain, e.g. example.com")
        self.domain_edit.setAccessibleName("Mail domain")
        self.domain_edit.setToolTip("The domain after the @ in the addresses whose mail is refused.")
        self.ip_edit = QLineEdit()
        self.ip_edit.setPlaceholderText("optional: the server's public sending address")
        self.ip_edit.setAccessibleName("Sending IP address")
        self.ip_edit.setToolTip("The public address the mail server sends from. Without it the MX hosts' addresses "
                                "are checked (usually the same server for a small business).")
        self.selectors_edit = QLineEdit()
        self.selectors_edit.setPlaceholderText("optional: s= values from DKIM-Signature headers")
        self.selectors_edit.setAccessibleName("DKIM selectors")
        self.selectors_edit.setToolTip("DKIM selectors to check, separated by spaces or commas (the s= value in a "
                                       "sent message's DKIM-Signature header). Common ones are always tried.")
        for label, edit in (("Mail domai&n:", self.domain_edit), ("Sendin&g IP:", self.ip_edit),
                            ("DKIM &selectors:", self.selectors_edit)):
            buddy = QLabel(label)
            buddy.setBuddy(edit)
            form.addRow(buddy, edit)
            edit.returnPressed.connect(self.start)
            edit.textChanged.connect(lambda _t: self._validate_timer.start())
        row.addLayout(form, 1)
        buttons = QVBoxLayout()
        self.check_button = QPushButton("Ch&eck mail DNS")
        self.check_button.setToolTip("Run every mail DNS check now (Enter in a field)")
        self.check_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the check (Esc); the checks done so far stay")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        layout.addLayout(row)
        self.validation_label = QLabel()
        self.validation_label.setAccessibleName("Mail DNS input check")
        self.validation_label.setWordWrap(True)
        layout.addWidget(self.validation_label)
        status = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Mail DNS progress")
        self.progress.setMaximumWidth(220)
        self.progress.setValue(0)
        self.progress.setFormat("not started")
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Mail DNS summary")
        self.summary_label.setWordWrap(True)
        status.addWidget(self.progress)
        status.addWidget(self.summary_label, 1)
        layout.addLayout(status)
        self.tree = ChecksTree()
        self.details = QTextBrowser()
        self.details.setAccessibleName("Mail DNS check details")
        self.details.setOpenLinks(False)
        self.details.setPlaceholderText("Select a check to read all of it: what receivers do, the fix, the evidence.")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.tree.currentItemChanged.connect(lambda item, _prev: self.show_details(item))
        actions = QHBoxLayout()
        self.copy_records_button = QPushButton("Copy records to pu&blish")
        self.copy_records_button.setToolTip("Copy the suggested DNS records (zone-file form) to the clipboard")
        self.copy_records_button.clicked.connect(self.copy_records)
        self.copy_text_button = QPushButton("Cop&y as text")
        self.copy_text_button.setToolTip("Copy every check, what receivers do, and the fixes as plain text")
        self.copy_text_button.clicked.connect(self.copy_text)
        actions.addWidget(self.copy_records_button)
        actions.addWidget(self.copy_text_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self._validate_timer = QTimer(self, singleShot=True, interval=250, timeout=self.validate)
        self._update_buttons()
        self._set_summary("Type the domain whose mail is refused and press Enter.", "info")
        self.validate()

    # --- input ---------------------------------------------------------------------------
    def _run_object(self):
        from sbskit.core.maildns.engine import Options, Run

        resolver = self.tab.resolver_edit.text().strip()
        selectors = [s for s in self.selectors_edit.text().replace(",", " ").split() if s]
        options = Options(ip=self.ip_edit.text().strip() or None, selectors=selectors,
                          resolvers=[resolver] if resolver else [], timeout=min(self.tab.timeout_spin.value(), 60.0))
        return Run(self.domain_edit.text(), options)

    def validate(self) -> bool:
        from sbskit.core.maildns.names import parse_domain, parse_ip, parse_selector

        text = self.domain_edit.text().strip()
        if not text:
            self.validation_label.setText("")
            self.check_button.setEnabled(False)
            return False
        try:
            domain = parse_domain(text)
            ip = parse_ip(self.ip_edit.text()) if self.ip_edit.text().strip() else None
            for selector in self.selectors_edit.text().replace(",", " ").split():
                parse_selector(selector)
        except UserInputError as exc:
            self._show_validation(gui_text(str(exc)), "bad")
            self.check_button.setEnabled(False)
            return False
        self._show_validation(f"Will check {domain}" + (f" sending from {ip}." if ip else
                                                        " (and its MX hosts' addresses)."), "info")
        self.check_button.setEnabled(self.worker is None)
        return True

    def _show_validation(self, text: str, kind: str) -> None:
        self.validation_label.setText(text)
        self.validation_label.setStyleSheet(f"color: {status_foreground(kind, self).name()};")

    def _set_summary(self, text: str, kind: str) -> None:
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet(f"color: {status_foreground(kind, self).name()}; font-weight: bold;")

    # --- running -------------------------------------------------------------------------
    def start(self) -> None:
        if self.worker is not None or not self.validate():
            return
        try:
            run = self._run_object()
        except UserInputError as exc:
            self._show_validation(str(exc), "bad")
            return
        self.tree.clear_checks()
        self.last_doc = None
        self._checked = (run.domain, run.options.ip)  # what the rows are about, whatever the fields say later
        self.progress.setRange(0, 0)
        self._set_summary(f"Checking {run.domain}...", "info")
        self.check_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.tab.status_message.emit(f"Checking the mail DNS of {run.domain}...")
        self.worker = start_job(
            run.run, "maildns", progress=self._on_progress, result=self._on_result, finished=self._on_finished,
            failed=lambda message, _d: self._set_summary(f"The check failed: {message}", "bad"),
            cancelled=lambda: self._set_summary(
                f"Cancelled; {len(self.tree.checks)} check(s) done so far are shown. This is not a verdict.", "unknown"),
            ended=self._on_ended)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self._set_summary("Cancelling...", "unknown")

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape and self.worker is not None:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"{done} / {total}")

    def _on_result(self, item: dict) -> None:
        if item.get("type") == "check":
            self.tree.add_check({k: v for k, v in item.items() if k != "type"})
            self._update_buttons()

    def _on_finished(self, doc: dict) -> None:
        self.last_doc = doc
        for index in range(self.tree.topLevelItemCount()):  # open the first problem (or the first row)
            item = self.tree.topLevelItem(index)
            if item.text(COL_STATUS) in (LABEL["problem"], LABEL["error"]) or index == self.tree.topLevelItemCount() - 1:
                self.tree.setCurrentItem(item)
                break
        summary = doc["summary"]
        kind = {"problems": "bad", "could-not-tell": "unknown", "warnings": "unknown", "healthy": "good"}[summary["verdict"]]
        self._set_summary(summary["line"], kind)
        self.tab.status_message.emit(f"Mail DNS of {doc['domain']}: {summary['line']}")
        self.tab.run_completed.emit("maildns", doc)

    def _on_ended(self) -> None:
        self.worker = None
        self.cancel_button.setEnabled(False)
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.setFormat("stopped")
        self.validate()
        self._update_buttons()

    def show_details(self, item: QTreeWidgetItem | None) -> None:
        """The whole of the selected check (its row, or any line under it) in the pane below."""
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None:
            self.details.clear()
            return
        check_id = item.data(COL_STATUS, Qt.ItemDataRole.UserRole)
        check = next((c for c in self.tree.checks if c["id"] == check_id), None)
        if check is not None:
            self.details.setHtml(details_html(check, status_foreground(row_label(check)[1], self).name()))

    # --- actions -------------------------------------------------------------------------
    def current_document(self) -> dict | None:
        if self.last_doc is not None:
            return self.last_doc
        if not self.tree.checks:
            return None
        from sbskit.core.maildns.model import summarize

        domain, ip = getattr(self, "_checked", (self.domain_edit.text().strip(), self.ip_edit.text().strip() or None))
        return {"domain": domain, "ip": ip, "checks": list(self.tree.checks), "summary": summarize(self.tree.checks)}

    def _update_buttons(self) -> None:
        doc = self.current_document()
        from sbskit.core.maildns.render import suggested_records

        self.copy_records_button.setEnabled(bool(doc and suggested_records(doc)))
        self.copy_text_button.setEnabled(doc is not None)

    def copy_records(self) -> None:
        doc = self.current_document()
        if doc is None:
            return
        from sbskit.core.maildns.render import records_text

        text = records_text(doc)
        if text:
            QGuiApplication.clipboard().setText(text)
            self.tab.status_message.emit("Records to publish copied to the clipboard")

    def copy_text(self) -> None:
        doc = self.current_document()
        if doc is None:
            return
        from sbskit.core.maildns.render import render_text

        QGuiApplication.clipboard().setText(gui_text(render_text(doc, evidence=True)))
        self.tab.status_message.emit("Mail DNS results copied to the clipboard")

    def report_sections(self) -> list:
        doc = self.current_document()
        if doc is None:
            return []
        from sbskit.core.maildns.report import report_sections

        return report_sections(doc)

    def report_parts(self) -> list:
        """The Mail DNS check as its own part of the visit report: its own page-1 line, and its
        domain (and sending IP) as targets."""
        doc = self.current_document()
        if doc is None:
            return []
        from sbskit.core.visit_scope import ReportPart
        from sbskit.core.visit_summary import maildns_summary

        targets = [t for t in (doc.get("domain"), doc.get("ip")) if t]
        return [ReportPart("blacklist/maildns", f"Mail DNS health: {doc.get('domain', '')}", maildns_summary(doc),
                           self.report_sections(), [("The mail DNS checks", self.tree)], targets,
                           result=self.tree.checks)]


def details_html(check: dict, color: str) -> str:
    import html

    esc = html.escape
    parts = [f"<p><b style='color:{color}'>{row_label(check)[0]}</b> &nbsp;<b>{esc(gui_text(check['title']))}</b></p>",
             f"<p>{esc(gui_text(check['detail']))}</p>"]
    receivers = check.get("receivers") or []
    if receivers:
        parts.append(f"<p><b>What receivers do:</b> {esc(receivers[0].get('what', ''))}</p><ul>")
        for r in receivers[1:]:
            said = f"&ldquo;{esc(r['reply'])}&rdquo;" if r.get("reply") else esc(r.get("effect", ""))
            parts.append(f"<li><b>{esc(r['provider'])}:</b> {said}</li>")
        parts.append("</ul>")
    if check["fix"] and check["status"] != "ok":
        parts.append(f"<p><b>Fix:</b> {esc(gui_text(check['fix']))}</p>")
    for record in check.get("records") or []:
        notes = "".join(f"<br><small>{esc(n)}</small>" for n in record.get("notes") or [])
        if record.get("verified"):
            from sbskit.core.maildns.render import proof_text

            notes += f"<br><small>Proved before it was offered: {esc(proof_text(record['verified']))}</small>"
        parts.append(f"<p><b>Publish:</b> <code>{esc(record['name'])} {esc(record['type'])} "
                     f"&quot;{esc(record['value'])}&quot;</code>{notes}</p>")
    if check["evidence"]:
        parts.append("<p><b>Evidence</b></p><pre>" + esc("\n".join(check["evidence"])) + "</pre>")
    return "".join(parts)


def attach_mail_dns(tab: Any) -> MailDnsPanel:
    """Add the page to the Blacklist tab's page widget (the one hook the tab calls)."""
    panel = MailDnsPanel(tab)
    tab.mail_dns = panel
    tab.pages.addTab(panel, PAGE_TITLE)
    tab.pages.setTabToolTip(tab.pages.count() - 1, "SPF, DKIM, DMARC, reverse DNS and MX: why mail is refused")
    tab.pages.currentChanged.connect(lambda _i: _prefill(tab, panel))
    return panel


def _prefill(tab: Any, panel: MailDnsPanel) -> None:
    """Switching to the page with an empty domain takes a domain from the target box above."""
    if tab.pages.currentWidget() is not panel or panel.domain_edit.text().strip():
        return
    for word in tab.target_text().replace(",", " ").split():
        if any(c.isalpha() for c in word.rsplit(".", 1)[-1]) and "." in word and "/" not in word:
            panel.domain_edit.setText(word.strip().lower())
            break

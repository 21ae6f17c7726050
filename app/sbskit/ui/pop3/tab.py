"""The POP3 risk tab: checklist, live probe, safe relay test, and the memo for management.

Three pages share one job: help the admin answer "can we turn on POP3?" with facts.
The memo combines the checklist answers with the last probe, as HTML or PDF; file
dialogs are attributes so tests can answer them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from sbskit.ui.pop3.checklist import ChecklistPanel
from sbskit.ui.pop3.probe import ProbePanel
from sbskit.ui.pop3.relay import RelayPanel
from sbskit.ui.common.tab_base import KitTab
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.common.save_paths import in_reports, is_lan_address


class Pop3RiskTab(KitTab):
    slug = "pop3-risk"
    title = "POP3 risk"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ask_memo_path: Callable[[str], str] = self._ask_memo_path
        self.memo_worker: JobWorker | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        intro = QLabel("Someone wants POP3? Ask why, record the risks, check what the server really exposes, "
                       "and give management a memo to decide on.")
        intro.setWordWrap(True)
        top.addWidget(intro, 1)
        self.memo_html_button = QPushButton("Memo as HT&ML...")
        self.memo_html_button.setToolTip("One-page memo for management from the checklist and the last probe")
        self.memo_html_button.clicked.connect(lambda: self.export_memo("html"))
        self.memo_pdf_button = QPushButton("Memo as P&DF...")
        self.memo_pdf_button.setToolTip("The same memo as a PDF, ready to print and sign")
        self.memo_pdf_button.clicked.connect(lambda: self.export_memo("pdf"))
        top.addWidget(self.memo_html_button)
        top.addWidget(self.memo_pdf_button)
        layout.addLayout(top)

        self.pages = QTabWidget()
        self.checklist = ChecklistPanel()
        self.probe = ProbePanel()
        self.relay = RelayPanel()
        self.pages.addTab(self.checklist, "1  Checklist")
        self.pages.addTab(self.probe, "2  Live probe")
        self.pages.addTab(self.relay, "3  Relay test")
        layout.addWidget(self.pages, 1)
        for panel in (self.checklist, self.probe, self.relay):
            panel.message.connect(self.status_message)
        self.probe.probe_done.connect(self._probe_done)
        self.probe.probe_done.connect(lambda doc: self.run_completed.emit("mailprobe", doc))
        self.relay.relay_done.connect(lambda doc: self.run_completed.emit("relaytest", doc))
        for index in range(3):
            QShortcut(QKeySequence(f"Alt+{index + 1}"), self, lambda i=index: self.pages.setCurrentIndex(i))
        self.checklist.load_async()  # deferred: a client_changed() right after construction makes it the only load

    def _probe_done(self, doc: dict) -> None:
        if not self.relay.host_edit.text() and not is_lan_address(doc["host"]):
            self.relay.host_edit.setText(doc["host"])  # never a LAN address: the relay test is run from outside

    # --- memo --------------------------------------------------------------------------
    def memo_html(self) -> str:
        from sbskit.core.mailprobe.memo import render_memo
        from sbskit.core.settings import Settings

        settings = getattr(self.window(), "settings", None)  # the main window's: the name typed this session
        try:
            author = (settings if isinstance(settings, Settings) else Settings()).get("report/consultant", "")
        except OSError:
            author = ""
        return render_memo(self.checklist.sheet, self.probe.last, author=author)

    def _ask_memo_path(self, kind: str) -> str:
        filters = {"html": "HTML files (*.html)", "pdf": "PDF files (*.pdf)"}
        path, _ = QFileDialog.getSaveFileName(self, "Save the POP3 memo", in_reports(f"pop3-memo.{kind}"),
                                              filters[kind])
        return path

    def export_memo(self, kind: str) -> JobWorker | None:
        path = self.ask_memo_path(kind)
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != f".{kind}":
            target = target.with_suffix(f".{kind}")
        document = self.memo_html()

        def job(_ctx):
            from sbskit.documents.files import write_document

            write_document(document, target, what="memo")
            return target

        self.memo_worker = start_job(
            job, "write memo", finished=lambda p: self.status_message.emit(f"Memo saved: {p}"),
            failed=lambda msg, _d: self.status_message.emit(f"The memo was not saved: {msg}"))
        return self.memo_worker

    # --- shell hooks ---------------------------------------------------------------------
    def client_changed(self, name: str) -> None:
        """Each client keeps its own checklist: follow the consultant's current client (the owner bar says whose)."""
        self.checklist.show_client(name)

    def report_sections(self) -> list:
        """What the probe and the relay test found, and the checklist, for the visit report."""
        import html

        from sbskit.core.mailprobe.checklist import status_label
        from sbskit.core.mailprobe.textout import probe_text, relay_text
        from sbskit.core.report import Section

        sections = []
        if self.probe.last:
            sections.append(Section("Mail server exposure", f"<pre>{html.escape(probe_text(self.probe.last))}</pre>"))
        if self.relay.last:
            sections.append(Section("Open-relay test", f"<pre>{html.escape(relay_text(self.relay.last))}</pre>"))
        sheet = self.checklist.sheet if self.checklist.loaded else None  # never another owner's answers
        assessed = [i for i in sheet.items() if i.get("status", "not-assessed") != "not-assessed"] if sheet else []
        if assessed:
            rows = "".join(
                f"<tr><td>{html.escape(i['title'])}</td><td>{html.escape(status_label(i['status']))}</td>"
                f"<td>{html.escape(i.get('notes') or '')}</td></tr>" for i in assessed)
            from sbskit.ui.pop3.checklist_owner import report_heading

            sections.append(Section(report_heading(*self.checklist.owner),
                                    "<table border='1' cellpadding='3' cellspacing='0'>"
                                    f"<tr><th>Item</th><th>Status</th><th>Notes</th></tr>{rows}</table>"))
        return sections

    def report_summary(self):
        from sbskit.core.visit_summary import pop3_summary

        return pop3_summary(self.checklist.sheet if self.checklist.loaded else None, self.probe.last, self.relay.last)

    def report_views(self) -> list:
        views = [("The POP3 checklist", self.checklist)] if self.checklist.loaded else []
        views += [("The live probe", self.probe)] if self.probe.last else []
        return views + ([("The relay test", self.relay)] if self.relay.last else [])

    def prepare_screenshot(self) -> None:
        """The checklist as loaded from profiles.sqlite3, with the Exchange commands: real and offline."""
        if not self.checklist.loaded:
            self.checklist.load_now()
        self.pages.setCurrentWidget(self.checklist)
        self.checklist.table.setCurrentCell(1, 0)

    def shutdown(self) -> None:
        self.probe.shutdown()
        self.relay.shutdown()
        self.checklist.shutdown()

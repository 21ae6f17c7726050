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
from sbskit.ui.pop3.checklist_owner import CLIENT
from sbskit.ui.pop3.probe import ProbePanel
from sbskit.ui.pop3.relay import RelayPanel
from sbskit.ui.common.tab_base import KitTab
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.common.save_paths import in_reports, is_lan_address


def local_time(stamp: str) -> str:
    """A history timestamp (UTC, ISO) as the consultant's local 'YYYY-MM-DD HH:MM'."""
    import datetime as _dt

    try:
        when = _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return f"{when.astimezone():%Y-%m-%d %H:%M}"


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
        probe, when = self.memo_probe()
        return render_memo(self.checklist.sheet, probe, author=author, probe_when=when)

    def memo_probe(self) -> tuple[dict | None, str]:
        """The probe the memo reports, and when it ran: this session's, else the client's latest
        saved one (from its history, dated as such), else none."""
        if self.probe.last:
            at = self.probe.last_at
            return self.probe.last, (f"{at:%Y-%m-%d %H:%M}, in this session" if at else "in this session")
        owner_kind, owner = self.checklist.owner
        if owner_kind != CLIENT or not owner:
            return None, ""
        from sbskit.core.errors import UserInputError
        from sbskit.core.profiles.store import ProfileStore

        try:
            store = ProfileStore()
            try:
                latest = store.runs(owner, kind="mailprobe", limit=1)
                run = store.load_run(latest[0].id) if latest else None
            finally:
                store.close()
        except (UserInputError, OSError):
            return None, ""
        if run is None or not isinstance(run.document, dict):
            return None, ""
        return run.document, f"{local_time(run.at)} (the latest probe in {owner}'s history; not run again for this memo)"

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

    def report_parts(self) -> list:
        """The checklist (kept per client: only its owner's), the probe and the relay test (each with
        its host as the target), each its own line on page 1 and its own chapter."""
        from sbskit.core.visit_pop3 import checklist_section, probe_sections, relay_sections
        from sbskit.core.visit_scope import ReportPart
        from sbskit.core.visit_summary import checklist_summary, probe_summary, relay_summary
        from sbskit.ui.pop3.checklist_owner import owner_text, report_heading

        parts = []
        sheet = self.checklist.sheet if self.checklist.loaded else None  # never another owner's answers
        summary = checklist_summary(sheet)
        if summary is not None:
            owner_kind, owner_name = self.checklist.owner
            parts.append(ReportPart("pop3/checklist", f"POP3 checklist: {owner_text(owner_kind, owner_name)}", summary,
                                    checklist_section(sheet, report_heading(owner_kind, owner_name)),
                                    [("The POP3 checklist", self.checklist.table)],
                                    owner=owner_name if owner_kind == "client" else "", result=sheet))
        probe = self.probe.last
        if probe:
            parts.append(ReportPart("pop3/probe", f"Mail server exposure: {probe.get('host', '')}", probe_summary(probe),
                                    probe_sections(probe), [("The live probe", self.probe.results_view)],
                                    [probe["host"]] if probe.get("host") else [], result=probe))
        relay = self.relay.last
        if relay:
            parts.append(ReportPart("pop3/relay", f"Open-relay test: {relay.get('host', '')}", relay_summary(relay),
                                    relay_sections(relay), [("The relay test", self.relay.results_view)],
                                    [relay["host"]] if relay.get("host") else [], result=relay))
        return parts

    def report_sections(self) -> list:
        return [s for part in self.report_parts() for s in part.sections]

    def report_summary(self):
        from sbskit.core.visit_summary import pop3_summary

        return pop3_summary(self.checklist.sheet if self.checklist.loaded else None, self.probe.last, self.relay.last)

    def report_views(self) -> list:
        return [view for part in self.report_parts() for view in part.views]

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

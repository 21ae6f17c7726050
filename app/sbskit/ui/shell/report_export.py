"""File > Export report for the main window: ask for the options, assemble the visit report from
every used tab (on the GUI thread: it renders their result views), then write the HTML and PDF
off the GUI thread, with "since the last visit" from the client's history.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sbskit.core.profiles.history_report import add_history_section
from sbskit.core.report import Report
from sbskit.documents.files import write_report_file
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.shell.report_dialog import ReportDialog, ReportOptions
from sbskit.ui.shell.report_views import add_check_chapter

if TYPE_CHECKING:
    from sbskit.ui.shell.main_window import MainWindow


class ReportExport:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.worker: JobWorker | None = None

    def ask_options(self) -> ReportOptions | None:
        w = self.window
        stamp = datetime.now().strftime("%Y-%m-%d")
        dialog = ReportDialog(w.paths.reports / f"sbskit-report-{stamp}", w.settings.get("report/consultant"), w)
        dialog.client.setText(w.current_client)
        if dialog.exec() != ReportDialog.DialogCode.Accepted:
            return None
        return dialog.options()

    def build(self, options: ReportOptions) -> Report:
        """Page 1: one line per check (light, finding, action); then per check its verdict, its
        evidence and pictures of its result views, rendered at a fixed size (on the GUI thread)."""
        report = Report(title="SBS Admin Kit visit report", client=options.client, site=options.site,
                        consultant=options.consultant)
        for tab in self.window.built_tabs():
            add_check_chapter(report, tab, options.screenshots)
        if not report.summaries:
            report.add_html_section("Checks", "<p>No checks were run in this session.</p>")
        return report

    def export(self) -> None:
        w = self.window
        if self.worker is not None and self.worker.running:
            return
        options = w.ask_report_options()
        if options is None:
            return
        w.settings.set("report/consultant", options.consultant)
        report = self.build(options)
        client = w.current_client if options.client.casefold() == w.current_client.casefold() else ""

        def write(ctx):
            if client:
                add_history_section(report, client)
            written = []
            for i, target in enumerate(options.targets()):
                ctx.check()
                ctx.progress(i, len(options.targets()), f"Writing {target.name}")
                written.append(write_report_file(report, target, page=options.page))
            return written

        self.worker = start_job(
            write, "export report",
            finished=lambda paths: w.statusBar().showMessage("Report written: " + ", ".join(str(p) for p in paths), 10000),
            failed=lambda message, _details: w.show_error(f"The report was not written: {message}"),
            progress=lambda _d, _t, message: w.statusBar().showMessage(message))

    def cancel(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.cancel()

"""File > Export report for the main window: ask for the options, assemble the visit report from
every used tab (on the GUI thread: it renders their result views), then write the HTML and PDF
off the GUI thread, with "since the last visit" from the client's history.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sbskit.core.profiles.history_report import add_history_section
from sbskit.core.report import Report
from sbskit.core.visit_scope import ClientScope, Inclusion, Provenance, ReportPart, decide
from sbskit.documents.files import write_report_file
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.shell.report_dialog import ReportDialog, ReportOptions
from sbskit.ui.shell.report_views import add_part_chapter

if TYPE_CHECKING:
    from sbskit.ui.shell.main_window import MainWindow


def client_scope(name: str) -> ClientScope | None:
    """The current client's addresses and domains from its profile (None: no client chosen)."""
    if not name:
        return None
    from sbskit.core.errors import UserInputError
    from sbskit.core.profiles.store import ProfileStore

    try:
        store = ProfileStore()
        try:
            return ClientScope.from_profile(store.get(name))
        finally:
            store.close()
    except (UserInputError, OSError):
        return ClientScope(name)  # a profile that cannot be read matches no target: the session rule decides


class ReportExport:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.worker: JobWorker | None = None
        self.provenance = Provenance()

    def all_parts(self) -> list[ReportPart]:
        return [part for tab in self.window.built_tabs() for part in tab.report_parts()] + \
            self.window.runs.report_parts()  # the client re-run (Ctrl+R) is a result of this visit too

    def client_leaving(self, name: str) -> None:
        """Before the window changes client: what is on screen now was made under ``name``."""
        self.provenance.seal(self.all_parts(), name)

    def candidates(self) -> list[tuple[ReportPart, Inclusion]]:
        """Every result on screen, and whether it belongs to the current client's report (and why)."""
        client = self.window.current_client
        scope = client_scope(client)
        return [(part, decide(scope, part, self.provenance.made_under(part, client))) for part in self.all_parts()]

    def make_dialog(self) -> ReportDialog:
        """File > Export report's dialog, with a check box for every result on screen."""
        w = self.window
        stamp = datetime.now().strftime("%Y-%m-%d")
        choices = [(part.key, part.label, inclusion.include, inclusion.reason) for part, inclusion in self.candidates()]
        dialog = ReportDialog(w.paths.reports / f"sbskit-report-{stamp}", w.settings.get("report/consultant"), w,
                              parts=choices, client_name=w.current_client)
        dialog.client.setText(w.current_client)
        return dialog

    def ask_options(self) -> ReportOptions | None:
        dialog = self.make_dialog()
        if dialog.exec() != ReportDialog.DialogCode.Accepted:
            return None
        return dialog.options()

    def build(self, options: ReportOptions) -> Report:
        """Page 1: one line per result that belongs to this visit (light, finding, action); then
        per result its verdict, its evidence and pictures of its result views, rendered at a fixed
        size (on the GUI thread). ``options.include`` (the dialog's ticks) overrides the kit's choice."""
        report = Report(title="SBS Admin Kit visit report", client=options.client, site=options.site,
                        consultant=options.consultant)
        for part, inclusion in self.candidates():  # what was left out is never named: it is another client's
            wanted = inclusion.include if options.include is None else part.key in options.include
            if not wanted:
                continue
            add_part_chapter(report, part, options.screenshots, "" if inclusion.include else inclusion.reason)
        if not report.summaries:
            report.add_html_section("Checks", "<p>No checks for this client were run in this session.</p>")
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
        scope = client_scope(client)

        def write(ctx):
            if client:
                add_history_section(report, client, scope=scope)
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

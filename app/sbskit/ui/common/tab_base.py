"""What every tab of the main window offers the shell (status text, report, screenshots)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget


class KitTab(QWidget):
    """Base of the four tabs. ``slug`` names the screenshot file, ``title`` the tab."""

    slug = "tab"
    title = "Tab"
    status_message = Signal(str)  # shown in the main window's status bar
    # (kind, result document as the CLI's --json prints it): the main window saves it to the
    # current client's history, so the next visit can say "new" or "fixed since last visit"
    run_completed = Signal(str, dict)

    def prepare_screenshot(self) -> None:
        """Put the tab in a state worth showing (real, offline work only). Default: as is."""

    def shutdown(self) -> None:
        """Cancel running work before the window closes."""

    def client_changed(self, name: str) -> None:
        """The consultant chose another client ('' for none): tabs with per-client state follow."""

    def report_sections(self) -> list:
        """``sbskit.core.report.Section`` items for File > Export report: what was checked,
        the verdicts, the evidence (as tables), the recommended actions. Empty when the tab was
        not used."""
        return []

    # --- the visit report: what a check offers File > Export report ----------------------
    # A new check plugs in with these two and ``report_sections``; the shell does the rest
    # (page 1 summary line, the check's chapter, its result views rendered at a fixed size).
    def report_summary(self):
        """A ``sbskit.core.report.CheckSummary`` (light, verdict, the one action), or None when
        nothing was checked. Helpers for the built-in tabs: ``sbskit.core.visit_summary``."""
        return None

    def report_views(self) -> list[tuple[str, QWidget]]:
        """(caption, widget) for each view that shows the RESULT (not a form), rendered offscreen
        for the report at a fixed size whatever sub-page is open. Empty: no picture."""
        return []

    def report_parts(self) -> list:
        """``sbskit.core.visit_scope.ReportPart`` items: each result of the tab on its own, with its
        targets, so the report takes only the current client's (see visit_scope). Default: the tab
        as one part without a target, from the three methods above."""
        from sbskit.core.report import CheckSummary
        from sbskit.core.visit_scope import ReportPart

        summary = self.report_summary()
        sections = self.report_sections()
        if summary is None and not sections:
            return []
        if summary is None:
            summary = CheckSummary(self.title, "grey", "See the details below.", "Read the details below.")
        return [ReportPart(self.slug, self.title, summary, sections, self.report_views(),
                           result=(summary.verdict, tuple(s.heading for s in sections)))]

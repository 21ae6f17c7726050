"""The OS version tab: identify Windows from any text, check logon scripts that detect it,
and generate OS tests whose match matrix comes from the same release data."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from sbskit.ui.osver.identify import IdentifyPanel
from sbskit.ui.osver.lint import SAMPLE, LintPanel
from sbskit.ui.osver.snippet import SnippetPanel
from sbskit.ui.common.tab_base import KitTab

SCREENSHOT_TEXT = "Microsoft Windows [Version 6.1.7601]"


class OsVersionTab(KitTab):
    slug = "os-version"
    title = "OS version"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.identify = IdentifyPanel(self)
        self.lint = LintPanel(self)
        self.snippets = SnippetPanel(self)
        self.sections = QTabWidget()
        self.sections.addTab(self.identify, "&Identify")
        self.sections.addTab(self.lint, "Sc&ript checker")
        self.sections.addTab(self.snippets, "Snippet &generator")
        self.sections.setTabToolTip(0, "Name the Windows release from ver, systeminfo, wmic, registry or PowerShell text")
        self.sections.setTabToolTip(1, "Find fragile OS detection in logon scripts and WMI filters")
        self.sections.setTabToolTip(2, "Generate an OS test that compares numbers and logs a default")
        self.identify.snippet_requested.connect(self._snippet_for)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.sections)

    def _snippet_for(self, family: str, min_build: int, max_build: int) -> None:
        self.snippets.show_custom(family, min_build, max_build)
        self.sections.setCurrentWidget(self.snippets)

    def prepare_screenshot(self) -> None:
        """Real offline work: identify a shared build and run the sample script (no worker needed)."""
        from sbskit.core.osver.identify import identify_text
        from sbskit.core.osver.lint import lint_text

        self.identify.input.setPlainText(SCREENSHOT_TEXT)
        self.identify.show_result(identify_text(SCREENSHOT_TEXT))
        self.lint.filename = "logon.bat"
        self.lint.editor.setPlainText(SAMPLE)
        self.lint.show_result(lint_text(SAMPLE, filename="logon.bat"))
        # the tab's picture: the Script checker with the sample's result, a finding and its proof
        self.sections.setCurrentWidget(self.lint)
        self.lint.views.setCurrentIndex(0)
        errors = [r for r in range(self.lint.table.rowCount()) if self.lint.table.item(r, 1).text() == "error"]
        self.lint.table.selectRow(errors[0] if errors else 0)

    def report_parts(self) -> list:
        """The identification and the script check, each on its own (neither has a target: they
        belong to the client that was chosen when they were made)."""
        from sbskit.core.visit_scope import ReportPart
        from sbskit.core.visit_summary import file_name, osver_sections, script_summary, windows_summary

        parts = []
        found = self.identify.result
        if found is not None:
            what = found.facts.version or "pasted text"
            parts.append(ReportPart("osver/identify", f"Windows version: {what}",
                                    windows_summary(found), osver_sections(found, None),
                                    [("The identified Windows release", self.identify.result_view)], result=found))
        lint = self.lint.result
        if lint is not None:
            parts.append(ReportPart("osver/lint", f"Login script check: {file_name(lint.file) or 'pasted script'}",
                                    script_summary(lint), osver_sections(None, lint),
                                    [("The login script findings", self.lint.findings_view)], result=lint))
        return parts

    def report_sections(self) -> list:
        """The identified release(s) and the script findings, as tables, for the visit report."""
        from sbskit.core.visit_summary import osver_sections

        return osver_sections(self.identify.result, self.lint.result)

    def report_summary(self):
        from sbskit.core.visit_summary import osver_summary

        return osver_summary(self.identify.result, self.lint.result)

    def report_views(self) -> list:
        views = [("The identified Windows release", self.identify)] if self.identify.result is not None else []
        return views + ([("The login script findings", self.lint)] if self.lint.result is not None else [])

    def shutdown(self) -> None:
        self.identify.shutdown()
        self.lint.shutdown()

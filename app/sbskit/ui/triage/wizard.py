"""The triage wizard: Symptoms -> Evidence -> Live checks -> Diagnosis -> Action plan -> Export."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget, QWizard

from sbskit.ui.common.scroll_into_view import make_scrollable
from sbskit.ui.triage.evidence import EvidencePage
from sbskit.ui.triage.live import LiveChecksPage
from sbskit.ui.triage.pages import SymptomsPage
from sbskit.ui.triage.results import DiagnosisPage, ExportPage, PlanPage
from sbskit.ui.triage.state import TriageState


class TriageWizard(QWizard):
    """A QWizard living inside the tab (not a dialog); Finish starts a new triage."""

    SYMPTOMS, EVIDENCE, LIVE, DIAGNOSIS, PLAN, EXPORT = range(6)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoCancelButton, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Start over")
        self.state = TriageState()
        self.symptoms = SymptomsPage(self.state)
        self.evidence = EvidencePage(self.state)
        self.live = LiveChecksPage(self.state)
        self.diagnosis = DiagnosisPage(self.state)
        self.plan = PlanPage(self.state)
        self.export = ExportPage(self.state)
        for page_id, page in enumerate((self.symptoms, self.evidence, self.live, self.diagnosis, self.plan, self.export)):
            make_scrollable(page)  # a page taller than the room scrolls; its wrapped lines are never cut
            self.setPage(page_id, page)
        self.setStartId(self.SYMPTOMS)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Keep the keyboard focus while the wizard refreshes its buttons.

        Every ``completeChanged`` (typing into a validated field, an import starting or ending)
        makes QWizard hide its page container for a moment; Qt then moves the focus out of the
        hidden widget, and embedded in the tab widget the next one is the tab bar, so typing
        stopped after one key. While the current page is only hidden by that refresh, stay put.
        """
        page = self.currentPage()
        if self.isVisible() and page is not None and not page.isVisible():
            return True
        return super().focusNextPrevChild(next)

    def accept(self) -> None:
        """Finish: keep the widget, clear everything for the next triage."""
        self.start_over()

    def reject(self) -> None:  # Esc must not hide an embedded wizard
        return None

    def start_over(self) -> None:
        """Every page back to its first state (each page's ``reset``), then the first page."""
        self.evidence.shutdown()
        self.live.shutdown()
        self.state.reset()
        for page in (self.symptoms, self.evidence, self.live, self.export):
            page.reset()
        self.restart()

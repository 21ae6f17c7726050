"""The Queue triage tab: a wizard from "the queues are full" to the cause and the fix.

All reasoning lives in ``sbskit.core.triage``; this tab collects answers and files, runs
the import on a worker and shows the result. The screenshot shows a generated sample,
labelled as such, analysed for real.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from sbskit.ui.common.tab_base import KitTab
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.triage.wizard import TriageWizard


class TriageTab(KitTab):
    slug = "queue-triage"
    title = "Queue triage"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample_banner = QLabel()
        self.sample_banner.setObjectName("sampleBanner")
        self.sample_banner.setWordWrap(True)
        self.sample_banner.setContentsMargins(10, 6, 10, 6)
        self.sample_banner.setVisible(False)
        self.wizard = TriageWizard(self)
        self.wizard.currentIdChanged.connect(self._page_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.sample_banner)
        layout.addWidget(self.wizard, 1)
        self._sample_dir: tempfile.TemporaryDirectory | None = None
        self._recorded = None  # the last result handed to the client history
        self._recorded_live: set[int] = set()

    def _page_changed(self, page_id: int) -> None:
        if page_id == TriageWizard.SYMPTOMS and not self.wizard.state.sample:
            self.sample_banner.setVisible(False)
        if page_id == TriageWizard.DIAGNOSIS:
            self._record_result()
        names = ["Symptoms", "Evidence", "Live checks", "Diagnosis", "Action plan", "Export"]
        if 0 <= page_id < len(names):
            self.status_message.emit(f"Queue triage: {names[page_id]}")

    def load_sample(self, timeout_ms: int = 20000) -> None:
        """Generate the labelled sample (authenticated relay), import it on the worker, wait for it."""
        from sbskit.core.triage.samples import scenario_authenticated_relay

        self.wizard.start_over()
        self._sample_dir = tempfile.TemporaryDirectory(prefix="sbskit-triage-sample-")
        files = scenario_authenticated_relay(Path(self._sample_dir.name))
        state = self.wizard.state
        state.sample = True
        self.wizard.symptoms.set_answer("queues_long", "yes")
        self.wizard.symptoms.set_answer("users_get_ndrs", "no")
        self.wizard.symptoms.server_ip.setText("192.168.1.10")
        self.sample_banner.setText("SAMPLE DATA \u2014 generated example evidence (an authenticated relay after password "
                                   "guessing), analysed for real. Not from your server; press Start over to begin.")
        bg, fg = status_background("info", self).name(), status_foreground("info", self).name()
        self.sample_banner.setStyleSheet(f"#sampleBanner {{ background: {bg}; color: {fg}; font-weight: bold; }}")
        self.sample_banner.setVisible(True)
        self.wizard.next()  # symptoms -> evidence (stores the answers)
        loop = QEventLoop()
        page = self.wizard.evidence

        def done() -> None:
            if not page.busy:
                loop.quit()

        page.completeChanged.connect(done)
        page.add_paths(files)
        if page.busy:
            timer = QTimer(loop)  # dies with the loop: no stray quit later
            timer.setSingleShot(True)
            timer.timeout.connect(loop.quit)
            timer.start(timeout_ms)
            loop.exec()
        page.completeChanged.disconnect(done)
        self.wizard.next()  # live checks
        self.wizard.next()  # diagnosis

    def _record_result(self) -> None:
        state = self.wizard.state
        if state.result is not None and not state.sample and state.result is not self._recorded:
            self._recorded = state.result
            self.run_completed.emit("triage", state.result.as_dict())
            # the live checks are blocklist and relay runs in their own right: the client's
            # history can then say "new since last visit" for them too
            live = state.live
            for kind, doc in (("blacklist", live.blacklist), ("maildns", live.maildns), ("relaytest", live.relay)):
                if doc is not None and id(doc) not in self._recorded_live:
                    self._recorded_live.add(id(doc))
                    self.run_completed.emit(kind, doc)

    def report_parts(self) -> list:
        """The triage as one part; its targets are the own mail domains the admin gave (none given:
        it belongs to the client chosen when it ran). Never the sample."""
        state = self.wizard.state
        if state.result is None or state.sample:
            return []
        from sbskit.core.visit_scope import ReportPart

        domains = list(dict.fromkeys(d.lower() for d in state.local_domains))
        label = "Queue triage" + (f": {', '.join(domains)}" if domains else "")
        return [ReportPart("triage", label, self.report_summary(), self.report_sections(), self.report_views(),
                           domains, result=state.result)]

    def report_sections(self) -> list:
        """The diagnosis, evidence and plan, for File > Export report (never the sample)."""
        state = self.wizard.state
        if state.result is None or state.sample:
            return []
        from sbskit.core.triage.render import make_report

        return make_report(state.result, "Queue triage").sections

    def report_summary(self):
        from sbskit.core.visit_summary import triage_summary

        state = self.wizard.state
        return None if state.sample else triage_summary(state.result)

    def report_views(self) -> list:
        state = self.wizard.state
        return [] if state.result is None or state.sample else [("The diagnosis", self.wizard.diagnosis)]

    def prepare_screenshot(self) -> None:
        self.load_sample()

    def shutdown(self) -> None:
        self.wizard.evidence.shutdown()
        self.wizard.live.shutdown()

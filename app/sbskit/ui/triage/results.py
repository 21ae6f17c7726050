"""The last three wizard pages: diagnosis (ranked causes with evidence), action plan, export."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from sbskit.core.triage.plan import cause_info
from sbskit.core.triage.render import make_report, plan_text, to_text
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.triage.says import OUTCOME_TITLE, EvidenceSaysView, banner_style, muted_text, outcome_kind
from sbskit.ui.triage.state import TriageState

CAUSE_TITLES = {
    "ndr_backscatter": "NDR backscatter",
    "directory_harvest": "Directory harvest",
    "authenticated_relay": "Authenticated relay",
    "open_relay": "Open relay",
    "compromised_workstation": "Compromised workstation",
    "configuration_error": "Configuration error",
    "blocklisted": "Blocklisted / poor reputation",
    "mail_dns": "Cannot verify us (PTR, SPF, DMARC)",
}


def _kind(finding) -> str:
    """Red for a cause the evidence confirms, amber for a possible one (never green: a cause is no good news)."""
    return "bad" if finding.confirmed else "unknown"


class DiagnosisPage(QWizardPage):
    """The outcome (cause found, healthy and what it rests on, or not enough evidence), every cause
    ranked with its reasons and evidence (file:line), and what the evidence says whatever the outcome."""

    def __init__(self, state: TriageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle("Diagnosis")
        self.setSubTitle("The verdict, every cause ranked by confidence, and what the files say. Select a cause to see "
                         "why, and the lines in your files that show it.")
        # the banner: the outcome in capitals over the verdict sentence, one colour per outcome
        self.banner = QFrame()
        self.banner.setObjectName("triageBanner")
        self.outcome = QLabel()
        self.outcome.setObjectName("triageOutcome")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setObjectName("triageVerdict")
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner = QVBoxLayout(self.banner)
        banner.setContentsMargins(10, 6, 10, 6)
        banner.setSpacing(2)
        banner.addWidget(self.outcome)
        banner.addWidget(self.verdict)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Cause", "Confidence", "Named in the evidence"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Causes ranked by confidence")
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.details = QTextBrowser()
        self.details.setAccessibleName("Reasons and evidence of the selected cause")
        self.details.setOpenExternalLinks(False)
        self.tree.currentItemChanged.connect(self._show_details)
        self.copy_button = QPushButton("Co&py diagnosis")
        self.copy_button.setToolTip("Copy the diagnosis with its evidence as text (Ctrl+Shift+C)")
        self.copy_button.clicked.connect(self.copy)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.copy)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        self.tree.setMinimumHeight(self.fontMetrics().height() * 9)
        self.says = EvidenceSaysView()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Diagnosis views")
        self.tabs.addTab(splitter, "Ca&uses")
        self.tabs.addTab(self.says, "What the evidence &says")
        self.tabs.setTabToolTip(0, "Every cause ranked by confidence, with its reasons and evidence lines")
        self.tabs.setTabToolTip(1, "Every refusal and deferral reason grouped with its meaning, failed logons, relay "
                                   "refusals, the queues, and what the verdict rests on")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(row)

    def initializePage(self) -> None:
        result = self.state.run_diagnosis()
        kind = outcome_kind(result)
        self.banner.setStyleSheet(banner_style(kind, self))
        prefix = "SAMPLE DATA \u2014 " if self.state.sample else ""
        self.outcome.setText(prefix + OUTCOME_TITLE[result.outcome].upper())
        self.outcome.setAccessibleName(f"Outcome: {OUTCOME_TITLE[result.outcome]}")
        self.verdict.setText(result.verdict())
        self.says.show_result(result)
        self.tabs.setCurrentIndex(0 if result.outcome == "cause" else 1)
        self.tree.clear()
        findings = {f.cause: f for f in result.findings}
        order = {f.cause: i for i, f in enumerate(result.findings)}
        ranked = sorted(result.scores.items(), key=lambda kv: (order.get(kv[0], 99), -kv[1]["confidence"]))
        muted = muted_text(self)
        for cause, score in ranked:
            confidence = score["confidence"]
            finding = findings.get(cause)
            named = ", ".join(finding.subjects[:4]) if finding else ""
            item = QTreeWidgetItem([CAUSE_TITLES[cause], f"{round(confidence * 100)}%", named])
            item.setData(0, Qt.ItemDataRole.UserRole, cause)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
            if finding:
                item.setBackground(1, status_background(_kind(finding), self))
                item.setForeground(1, status_foreground(_kind(finding), self))
                font = QFont(self.tree.font())
                font.setBold(True)
                item.setFont(0, font)
                item.setToolTip(0, finding.summary)
            else:
                for col in range(3):
                    item.setForeground(col, muted)
                item.setToolTip(0, "Below the reporting threshold: unlikely on this evidence")
            possible = "Possible, not confirmed by the evidence. " if finding and not finding.confirmed else ""
            item.setToolTip(1, f"{possible}Confidence (0-100%): prior from your answers {round(score['prior'] * 100)}%, "
                               "moved up or down by the evidence")
            item.setStatusTip(0, cause_info(cause)["explain"])
            item.setToolTip(2, cause_info(cause)["explain"])
            self.tree.addTopLevelItem(item)
        self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _show_details(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        result = self.state.result
        if item is None or result is None:
            self.details.clear()
            return
        cause = item.data(0, Qt.ItemDataRole.UserRole)
        finding = next((f for f in result.findings if f.cause == cause), None)
        esc = html.escape
        parts = []
        parts.append(f"<p style='color: {muted_text(self).name()};'>{esc(cause_info(cause)['explain'])}</p>")
        if finding:
            parts.append(f"<p><b>{esc(finding.title)}</b> \u2014 {esc(finding.summary)}</p>")
            reasons = [r for r in finding.reasons if r not in finding.summary]
        else:
            parts.append(f"<p><b>{esc(CAUSE_TITLES[cause])}</b> \u2014 unlikely on this evidence.</p>")
            reasons = result.scores[cause].get("reasons", [])
        if reasons:
            parts.append("<ul>" + "".join(f"<li>{esc(r)}</li>" for r in reasons) + "</ul>")
        if finding and finding.evidence:
            lines = "<br>".join(f"<b>{esc(line.where())}</b>&nbsp; {esc(line.text)}" for line in finding.evidence)
            parts.append(f"<p><b>Evidence</b></p><p style='font-family: monospace; white-space: pre-wrap;'>{lines}</p>")
        self.details.setHtml("".join(parts))

    def copy(self) -> None:
        if self.state.result is not None:
            QGuiApplication.clipboard().setText(to_text(self.state.result))


ASK_VERSIONS = (("2007", "Exchange 2007 (SBS 2008)"), ("2010", "Exchange 2010 (SBS 2011)"),
                ("2003", "Exchange 2003 (SBS 2003)"), ("2013", "Exchange 2013"), ("2016", "Exchange 2016"),
                ("2019", "Exchange 2019"), ("SE", "Exchange Server SE"))


class PlanPage(QWizardPage):
    """The ordered plan per cause (stop the bleeding first) and the evidence still missing."""

    def __init__(self, state: TriageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle("Action plan")
        self.setSubTitle("In order: stop the bleeding first. Select and copy any command, or copy the whole plan.")
        self.version = QLabel()
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setAccessibleName("Action plan")
        self.plain = ""
        self.copy_button = QPushButton("Co&py plan")
        self.copy_button.setToolTip("Copy the whole plan with its PowerShell commands as text")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.plain))
        # no log says which Exchange runs: ask (SBS sites run 2007 and 2010) instead of assuming one
        self.ask_version = QComboBox()
        self.ask_version.setAccessibleName("Which Exchange version runs on the server")
        self.ask_version.addItem("Which Exchange version? (until chosen: the command for each)", None)
        for version, label in ASK_VERSIONS:
            self.ask_version.addItem(label, version)
        self.ask_version.activated.connect(self._version_chosen)
        row = QHBoxLayout()
        row.addWidget(self.version, 1)
        row.addWidget(self.ask_version)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.text, 1)

    def _version_chosen(self, _index: int) -> None:
        version = self.ask_version.currentData()
        if version:
            self.state.exchange_version = version
            self.state.run_diagnosis()
            self.initializePage()

    def initializePage(self) -> None:
        result = self.state.result or self.state.run_diagnosis()
        platform = result.platform
        self.ask_version.setVisible(platform is not None and platform.plan_version is None)
        self.version.setText(f"Commands for {platform.name}" + (f" \u2014 {platform.note}" if platform and platform.note else "")
                             if platform else "Commands per Exchange version")
        self.version.setWordWrap(True)
        esc = html.escape
        shade = self.palette().color(self.palette().ColorRole.AlternateBase).name()
        lines: list[str] = []
        parts: list[str] = []
        if result.findings and result.outcome != "cause":
            note = "Possible causes, not confirmed by the evidence: check them before acting."
            lines += [note, ""]
            parts.append(f"<p><b>{esc(note)}</b></p>")

        def block(command: str, label: str = "") -> str:
            caption = f"<tr><td><i>{esc(label)}:</i></td></tr>" if label else ""
            return (f"<table width='100%' cellpadding='4' style='background: {shade};'>{caption}<tr><td>"
                    f"<code>{esc(command)}</code></td></tr></table>")

        for rank, finding in enumerate(result.findings, 1):
            lines.append(f"{rank}. {finding.title} ({round(finding.confidence * 100)}%)"
                         + (f" \u2014 commands for {finding.platform}" if platform and finding.platform
                            and finding.platform != platform.name else ""))
            lines.extend(plan_text(finding.plan, "   "))
            lines.append("")
            steps = []
            for step in finding.plan:
                body = f"<b>{esc(step['title'])}</b>"
                if step["detail"]:
                    body += f"<br>{esc(step['detail'])}"
                if step["command"]:
                    body += block(step["command"])
                for alt in step.get("alternatives", []):
                    body += block(alt["command"], alt["versions"])
                body += "".join(f"<br><a href='{esc(u)}'>{esc(u)}</a>" for u in step["links"])
                steps.append(f"<li style='margin-bottom: 6px;'>{body}</li>")
            own = (f" \u2014 commands for {esc(finding.platform)}"
                   if platform and finding.platform and finding.platform != platform.name else "")
            parts.append(f"<h3>{rank}. {esc(finding.title)} ({round(finding.confidence * 100)}%){own}</h3>"
                         f"<ol>{''.join(steps)}</ol>")
        if not result.findings:
            text = ("Nothing to fix: " + result.verdict()) if result.outcome == "healthy" else (
                "No cause reaches the reporting threshold on this evidence; collect what is listed below.")
            lines += [text, ""]
            parts.append(f"<p>{esc(text)}</p>")
        if result.missing:
            lines.append("Evidence still missing (collect it, then run the triage again):")
            items = []
            for item in result.missing:
                lines.append(f" - {item['title']}: {item['why']}")
                body = f"<b>{esc(item['title'])}</b>: {esc(item['why'])}"
                if item["command"]:
                    lines.append(f"   {(item['prompt'] + ' ') if item['prompt'] else ''}{item['command']}")
                    body += block(item["command"])
                for alt in item.get("alternatives", []):
                    lines.append(f"   [{alt['versions']}] {alt['command']}")
                    body += block(alt["command"], alt["versions"])
                if item["note"]:
                    lines.append(f"   {item['note']}")
                    body += f"<i>{esc(item['note'])}</i>"
                items.append(f"<li style='margin-bottom: 6px;'>{body}</li>")
            parts.append(f"<h3>Evidence still missing</h3><p>Collect it, then run the triage again.</p><ul>{''.join(items)}</ul>")
        self.plain = "\n".join(lines)
        self.text.setHtml("".join(parts))


class ExportPage(QWizardPage):
    """Save the whole triage as a client report (HTML or PDF) or copy it as text."""

    def __init__(self, state: TriageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle("Export")
        self.setSubTitle("Keep the diagnosis, the evidence and the plan for the client file or a colleague.")
        self.ask_save_path: Callable[[str], str] = self._ask_save_path  # replaced in tests
        self.save_button = QPushButton("Save &report\u2026")
        self.save_button.setToolTip("HTML or PDF, by the file name's ending")
        self.copy_button = QPushButton("Copy as &text")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.save_button.clicked.connect(self.save)
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.setFinalPage(True)

    def reset(self) -> None:
        """No report message left from the last triage (the wizard's Start over)."""
        self.status.clear()

    def _ask_save_path(self, default: str) -> str:
        chosen, _ = QFileDialog.getSaveFileName(self, "Save triage report", default, "HTML (*.html);;PDF (*.pdf)")
        return chosen

    def save(self) -> Path | None:
        from sbskit.core.errors import UserInputError
        from sbskit.core.paths import app_paths
        from sbskit.documents.files import write_report_file

        result = self.state.result or self.state.run_diagnosis()
        chosen = self.ask_save_path(str(app_paths().reports / "queue-triage.html"))
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() not in (".html", ".htm", ".pdf"):
            path = path.with_suffix(".html")
        title = "Queue triage (SAMPLE DATA)" if self.state.sample else "Queue triage"
        try:
            write_report_file(make_report(result, title), path)
        except UserInputError as exc:
            self.status.setText(f"The report was not saved: {exc}")
            return None
        self.status.setText(f"Report saved to {path}")
        return path

    def copy(self) -> None:
        result = self.state.result or self.state.run_diagnosis()
        QGuiApplication.clipboard().setText(to_text(result))
        self.status.setText("The diagnosis and plan are on the clipboard.")

"""The last three wizard pages: diagnosis (ranked causes with evidence), action plan, export."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from sbskit.core.triage.plan import cause_info, version_name
from sbskit.core.triage.render import make_report, plan_text, to_text
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.triage.state import TriageState

CAUSE_TITLES = {
    "ndr_backscatter": "NDR backscatter",
    "directory_harvest": "Directory harvest",
    "authenticated_relay": "Authenticated relay",
    "open_relay": "Open relay",
    "compromised_workstation": "Compromised workstation",
    "configuration_error": "Configuration error",
}


def _kind(confidence: float) -> str:
    return "bad" if confidence >= 0.5 else ("unknown" if confidence >= 0.35 else "good")


class DiagnosisPage(QWizardPage):
    """All six causes ranked by confidence; the selected one's reasons and evidence (file:line) below."""

    def __init__(self, state: TriageState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle("Diagnosis")
        self.setSubTitle("Every cause ranked by confidence. Select one to see why, and the lines in your files that show it.")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setObjectName("triageVerdict")
        self.verdict.setContentsMargins(8, 6, 8, 6)
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
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict)
        layout.addWidget(splitter, 1)
        layout.addLayout(row)

    def initializePage(self) -> None:
        result = self.state.run_diagnosis()
        kind = _kind(result.findings[0].confidence) if result.findings else "good"
        bg, fg = status_background(kind, self).name(), status_foreground(kind, self).name()
        self.verdict.setStyleSheet(f"#triageVerdict {{ background: {bg}; color: {fg}; font-weight: bold; border-radius: 3px; }}")
        prefix = "SAMPLE DATA \u2014 " if self.state.sample else ""
        self.verdict.setText(prefix + result.verdict())
        self.tree.clear()
        findings = {f.cause: f for f in result.findings}
        ranked = sorted(result.scores.items(), key=lambda kv: -kv[1]["confidence"])
        muted = self.palette().color(self.palette().ColorGroup.Disabled, self.palette().ColorRole.Text)
        for cause, score in ranked:
            confidence = score["confidence"]
            finding = findings.get(cause)
            named = ", ".join(finding.subjects[:4]) if finding else ""
            item = QTreeWidgetItem([CAUSE_TITLES[cause], f"{round(confidence * 100)}%", named])
            item.setData(0, Qt.ItemDataRole.UserRole, cause)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
            if finding:
                item.setBackground(1, status_background(_kind(confidence), self))
                item.setForeground(1, status_foreground(_kind(confidence), self))
                font = QFont(self.tree.font())
                font.setBold(True)
                item.setFont(0, font)
                item.setToolTip(0, finding.summary)
            else:
                for col in range(3):
                    item.setForeground(col, muted)
                item.setToolTip(0, "Below the reporting threshold: unlikely on this evidence")
            item.setToolTip(1, f"Confidence (0-100%): prior from your answers {round(score['prior'] * 100)}%, "
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
        parts.append(f"<p style='color: gray;'>{esc(cause_info(cause)['explain'])}</p>")
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
        row = QHBoxLayout()
        row.addWidget(self.version, 1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.text, 1)

    def initializePage(self) -> None:
        result = self.state.result or self.state.run_diagnosis()
        self.version.setText(f"PowerShell for {version_name(result.exchange_version)} "
                             f"({'as chosen' if result.version_source == 'given' else result.version_source})")
        esc = html.escape
        shade = self.palette().color(self.palette().ColorRole.AlternateBase).name()
        lines: list[str] = []
        parts: list[str] = []
        for rank, finding in enumerate(result.findings, 1):
            lines.append(f"{rank}. {finding.title} ({round(finding.confidence * 100)}%)")
            lines.extend(plan_text(finding.plan, "   "))
            lines.append("")
            steps = []
            for step in finding.plan:
                body = f"<b>{esc(step['title'])}</b>"
                if step["detail"]:
                    body += f"<br>{esc(step['detail'])}"
                if step["command"]:
                    body += (f"<table width='100%' cellpadding='4' style='background: {shade};'><tr><td>"
                             f"<code>{esc(step['command'])}</code></td></tr></table>")
                body += "".join(f"<br><a href='{esc(u)}'>{esc(u)}</a>" for u in step["links"])
                steps.append(f"<li style='margin-bottom: 6px;'>{body}</li>")
            parts.append(f"<h3>{rank}. {esc(finding.title)} ({round(finding.confidence * 100)}%)</h3><ol>{''.join(steps)}</ol>")
        if not result.findings:
            lines += ["No cause reaches the reporting threshold: nothing to fix from this evidence.", ""]
            parts.append("<p>No cause reaches the reporting threshold: nothing to fix from this evidence.</p>")
        if result.missing:
            lines.append("Evidence still missing (collect it, then run the triage again):")
            items = []
            for item in result.missing:
                lines.append(f" - {item['title']}: {item['why']}")
                body = f"<b>{esc(item['title'])}</b>: {esc(item['why'])}"
                if item["command"]:
                    lines.append(f"   PS> {item['command']}")
                    body += (f"<table width='100%' cellpadding='4' style='background: {shade};'><tr><td>"
                             f"<code>{esc(item['command'])}</code></td></tr></table>")
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

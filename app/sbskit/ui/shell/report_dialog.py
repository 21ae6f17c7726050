"""File > Export report: ask for client, site and consultant, then write HTML and PDF.

The tabs' sections and screenshots are collected on the GUI thread (grabbing widgets
must happen there); rendering and writing the files runs on a worker.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


@dataclass
class ReportOptions:
    client: str
    site: str
    consultant: str
    base_path: Path  # without suffix; .html and/or .pdf are added
    html: bool = True
    pdf: bool = True
    screenshots: bool = True
    page: str = "A4"  # or "Letter", for the PDF
    include: set[str] | None = None  # keys of the results to put in (None: the kit's choice, see visit_scope)

    def targets(self) -> list[Path]:
        out = []
        if self.html:
            out.append(self.base_path.with_suffix(".html"))
        if self.pdf:
            out.append(self.base_path.with_suffix(".pdf"))
        return out


def default_page_size() -> str:
    """Letter where the locale measures in inches (US), A4 elsewhere."""
    imperial = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
    return "Letter" if imperial else "A4"


class ReportDialog(QDialog):
    """``parts``: (key, label, included by default, why) for every result on screen; each gets a
    check box, ticked when it belongs to the current client (``visit_scope.decide``)."""

    def __init__(self, default_path: Path, consultant: str = "", parent: QWidget | None = None,
                 parts: list[tuple[str, str, bool, str]] | None = None, client_name: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report")
        self.client = QLineEdit()
        self.client.setPlaceholderText("e.g. Contoso Dental Ltd")
        self.site = QLineEdit()
        self.site.setPlaceholderText("e.g. Main office")
        self.consultant = QLineEdit(consultant)
        self.path = QLineEdit(str(default_path))
        browse = QPushButton("Browse...")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.html = QCheckBox("HTML")
        self.html.setChecked(True)
        self.pdf = QCheckBox("PDF")
        self.pdf.setChecked(True)
        self.page = QComboBox()
        self.page.addItems(["A4", "Letter"])
        self.page.setCurrentText(default_page_size())
        self.page.setAccessibleName("PDF page size")
        self.screenshots = QCheckBox("Include pictures of the results")
        self.screenshots.setChecked(True)
        formats = QHBoxLayout()
        formats.addWidget(self.html)
        formats.addWidget(self.pdf)
        page_label = QLabel("&Page:")
        page_label.setBuddy(self.page)
        formats.addSpacing(16)
        formats.addWidget(page_label)
        formats.addWidget(self.page)
        formats.addStretch(1)
        form = QFormLayout()
        form.addRow("&Client:", self.client)
        form.addRow("&Site:", self.site)
        form.addRow("C&onsultant:", self.consultant)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, path_row)
        form.addRow("Formats:", formats)
        form.addRow("", self.screenshots)
        for widget, name in ((self.client, "Client name"), (self.site, "Site"), (self.consultant, "Consultant"),
                             (self.path, "Report file, without suffix")):
            widget.setAccessibleName(name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.part_boxes: dict[str, QCheckBox] = {}
        layout.addWidget(self._parts_group(parts or [], client_name))
        layout.addWidget(self.buttons)
        self.html.toggled.connect(self._update_ok)
        self.pdf.toggled.connect(self._update_ok)
        self.path.textChanged.connect(self._update_ok)
        self.resize(560, self.sizeHint().height())

    def _parts_group(self, parts: list[tuple[str, str, bool, str]], client_name: str) -> QGroupBox:
        """What goes into the report: one check box per result, with why the kit ticked it or not."""
        whose = f"{client_name}'s visit" if client_name else "this session (no client chosen)"
        group = QGroupBox(f"Results in the report: {whose}")
        rows = QVBoxLayout(group)
        if not parts:
            rows.addWidget(QLabel("No check was run in this session."))
        for key, label, include, reason in parts:
            box = QCheckBox(label)
            box.setChecked(include)
            box.setToolTip(reason)
            box.setAccessibleDescription(reason)
            why = QLabel(("<i>In:</i> " if include else "<i>Left out:</i> ") + html.escape(reason))
            why.setWordWrap(True)
            why.setIndent(24)
            rows.addWidget(box)
            rows.addWidget(why)
            self.part_boxes[key] = box
        return group

    def _update_ok(self) -> None:
        ok = (self.html.isChecked() or self.pdf.isChecked()) and bool(self.path.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Report file", self.path.text(), "Reports (*.html *.pdf)")
        if chosen:
            self.path.setText(str(Path(chosen).with_suffix("")))

    def options(self) -> ReportOptions:
        base = Path(self.path.text().strip()).expanduser()
        if base.suffix.lower() in (".html", ".htm", ".pdf"):
            base = base.with_suffix("")
        return ReportOptions(
            client=self.client.text().strip(),
            site=self.site.text().strip(),
            consultant=self.consultant.text().strip(),
            base_path=base,
            html=self.html.isChecked(),
            pdf=self.pdf.isChecked(),
            screenshots=self.screenshots.isChecked(),
            page=self.page.currentText(),
            include={key for key, box in self.part_boxes.items() if box.isChecked()},
        )

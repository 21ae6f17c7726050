"""The Script checker's matrix: releases down, branches across. A cell marks the branch a release
reaches (red: the branch is meant for another Windows, green: meant for it); where languages
disagree the cell names the languages that go there. Filter to clients, servers or releases
supported today; export the matrix as CSV."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sbskit.ui.osver.widgets import read_only_table, tint

FILTERS = [("All releases", "all"), ("Clients", "client"), ("Servers", "server"), ("Supported today", "supported")]
MAX_BRANCH_COLUMNS = 60  # a huge script's branches are in the CSV export
OTHER = "No branch / other"


def _short(title: str) -> str:
    return title if len(title) <= 28 else title[:26] + "..."


class MatrixView(QWidget):
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix = None
        self.today = _dt.date.today()
        self.filter = QComboBox()
        for label, _value in FILTERS:
            self.filter.addItem(label)
        self.filter.setAccessibleName("Show releases")
        filter_label = QLabel("Sho&w:")
        filter_label.setBuddy(self.filter)
        self.export_button = QPushButton("Export m&atrix...")
        self.export_button.setToolTip("Save the whole matrix (every release and language) as CSV")
        self.export_button.setEnabled(False)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.table = read_only_table(("Release", "Version"), "Releases and the branches they reach")
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        bar = QHBoxLayout()
        bar.addWidget(filter_label)
        bar.addWidget(self.filter)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.filter.currentIndexChanged.connect(self.refill)
        self.export_button.clicked.connect(self.export_requested)

    def show_matrix(self, matrix, today: _dt.date | None = None) -> None:
        self.matrix = matrix
        self.today = today or _dt.date.today()
        self.export_button.setEnabled(matrix is not None)
        self.refill()

    def _rows(self):
        mode = FILTERS[self.filter.currentIndex()][1]
        for r in self.matrix.releases:
            if mode in ("client", "server") and r.family != mode:
                continue
            if mode == "supported" and not r.supported(self.today):
                continue
            yield r

    def refill(self) -> None:
        table = self.table
        table.setUpdatesEnabled(False)
        table.clear()
        table.setRowCount(0)
        m = self.matrix
        if m is None:
            table.setColumnCount(2)
            table.setHorizontalHeaderLabels(["Release", "Version"])
            self.note.setText("")
            table.setUpdatesEnabled(True)
            return
        branches = list(m.branches.values())[:MAX_BRANCH_COLUMNS]
        headers = ["Release", "Version"] + [_short(b.title) for b in branches] + [OTHER]
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        for col, b in enumerate(branches, start=2):
            table.horizontalHeaderItem(col).setToolTip(f"{b.title}\nMeant for: {b.meant_for()}")
        langs = m.languages
        for r in self._rows():
            row = table.rowCount()
            table.insertRow(row)
            name = QTableWidgetItem(r.label.removeprefix("Windows ") if r.label != "Windows" else r.label)
            name.setToolTip(f"{r.label} ({r.family}, {'supported' if r.supported(self.today) else 'out of support'})")
            table.setItem(row, 0, name)
            version = QTableWidgetItem(_version(m, r))
            table.setItem(row, 1, version)
            cells = {lang: m.cell(r.id, lang) for lang in langs}
            for col, b in enumerate(branches, start=2):
                reached = [lang for lang, c in cells.items() if b.key in c.keys]
                if not reached:
                    continue
                text = "\u25cf" if len(reached) == len(langs) else " ".join(reached)
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setToolTip(f"{r.label} reaches {b.title}" + ("" if len(reached) == len(langs) else
                                                                  f" in {', '.join(reached)}"))
                if b.meaning is not None and not b.meaning.default:
                    tint(item, "good" if r.id in b.meaning.releases else "bad", table)
                table.setItem(row, col, item)
            other = [(lang, m.cell_text(c)) for lang, c in cells.items() if c.status != "branch"]
            if other:
                texts = sorted({t for _lang, t in other})
                label = texts[0] if len(other) == len(langs) and len(texts) == 1 else \
                    "; ".join(f"{t} ({' '.join(lang for lang, tt in other if tt == t)})" for t in texts)
                item = QTableWidgetItem(label)
                if any(c.status in ("error", "not-evaluated") for c in cells.values()):
                    tint(item, "unknown", table)
                table.setItem(row, len(headers) - 1, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        more = len(m.branches) - len(branches)
        shown = "one column per language group where languages differ" if not m.language_independent else \
            "the same in every language"
        self.note.setText(f"{table.rowCount()} releases, {len(m.branches)} branches; {shown}."
                          + (f" {more} more branches are in the export." if more > 0 else ""))
        table.setUpdatesEnabled(True)

    def matrix_csv(self) -> str:
        """Every release x language: the branches reached (or the status), and what they are meant for."""
        from sbskit.core.csvout import to_csv

        m = self.matrix
        rows = []
        for r in (m.releases if m else []):
            for lang in m.languages:
                cell = m.cell(r.id, lang)
                rows.append([r.id, r.label, r.family, _version(m, r), "yes" if r.supported(self.today) else "no",
                             lang if not m.language_independent else "all", m.cell_text(cell), cell.status])
        return to_csv(rows, ["release_id", "release", "family", "version", "supported", "language", "branches",
                             "status"])


def _version(matrix, release) -> str:
    from sbskit.core.osver.scripteval.machines import machines

    for mach in machines():
        if mach.release.id == release.id:
            return mach.full_version
    return release.version

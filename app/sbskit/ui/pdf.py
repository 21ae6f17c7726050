"""HTML to PDF with Qt alone (QTextDocument + QPdfWriter): no browser engine to ship."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument


def _ensure_gui_app() -> None:
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _ensure_gui_app.app = QGuiApplication([])  # type: ignore[attr-defined]


def html_to_pdf(document: str, path: Path, page: str = "A4") -> None:
    """Render ``document`` to ``path``; A4 or Letter, 15 mm margins."""
    _ensure_gui_app()
    writer = QPdfWriter(str(path))
    size = QPageSize(QPageSize.PageSizeId.Letter if page.lower() == "letter" else QPageSize.PageSizeId.A4)
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15),
                                     QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    writer.setTitle("SBS Admin Kit report")
    text = QTextDocument()
    text.documentLayout().setPaintDevice(writer)  # measure fonts at the PDF's 300 dpi, not the screen's
    text.setHtml(document)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    text.setPageSize(QSizeF(rect.width(), rect.height()))
    text.print_(writer)
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"Qt wrote no PDF to {path}")

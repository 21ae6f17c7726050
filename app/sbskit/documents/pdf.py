"""HTML to PDF with Qt alone (QTextDocument + QPdfWriter): no browser engine to ship.

Needs PySide6's QtCore and QtGui (not QtWidgets) and starts an offscreen QGuiApplication
when none runs: this is the CLI's one documented Qt edge, imported only by
:mod:`sbskit.documents.files` when a ``.pdf`` is written.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from sbskit.core.report import IMAGE_SCHEME


_POINT_SIZE = re.compile(r"(font-size:\s*)(\d+(?:\.\d+)?)pt", re.IGNORECASE)


def _true_point_sizes(document: str) -> str:
    """Scale CSS point sizes by 72/96: on a page laid out in points, Qt renders a "pt" font
    at the screen's 96 dpi, a third too large; this makes 10pt come out as 10 pt on paper."""
    return _POINT_SIZE.sub(lambda m: f"{m.group(1)}{float(m.group(2)) * 0.75:.2f}pt", document)


def _ensure_gui_app() -> None:
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _ensure_gui_app.app = QGuiApplication([])  # type: ignore[attr-defined]


def html_to_pdf(document: str, path: Path, page: str = "A4", images: dict[str, bytes] | None = None) -> None:
    """Render ``document`` to ``path``; A4 or Letter, 15 mm margins.

    ``images`` supplies the PNGs behind ``sbskit-img:NAME`` placeholders. Safe to call
    from a worker thread (QPdfWriter and QImage need no GUI thread).
    """
    _ensure_gui_app()
    writer = QPdfWriter(str(path))
    size = QPageSize(QPageSize.PageSizeId.Letter if page.lower() == "letter" else QPageSize.PageSizeId.A4)
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15),
                                     QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    writer.setTitle("SBS Admin Kit report")
    writer.setCreator("SBS Admin Kit")
    text = QTextDocument()
    for name, png in (images or {}).items():
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"{IMAGE_SCHEME}{name}"),
                         QImage.fromData(png, "PNG"))
    text.setHtml(_true_point_sizes(document))
    text.setDocumentMargin(0)
    # A page size in points makes print_() lay out 1 CSS px as 1 pt and skip its own 2 cm margins
    text.setPageSize(writer.pageLayout().paintRect(QPageLayout.Unit.Point).size())
    text.print_(writer)
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"Qt wrote no PDF to {path}")

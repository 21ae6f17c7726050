"""HTML to PDF with Qt alone (QTextDocument + QPdfWriter): no browser engine to ship.

Needs PySide6's QtCore and QtGui (not QtWidgets) and starts an offscreen QGuiApplication
when none runs: this is the CLI's one documented Qt edge, imported only by
:mod:`sbskit.documents.files` when a ``.pdf`` is written.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor, QFont, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument)

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


FOOTER_POINTS = 18.0  # the band under the text for the running title and "Page 3 of 12"


def html_to_pdf(document: str, path: Path, page: str = "A4", images: dict[str, bytes] | None = None,
                running_title: str = "", author: str = "") -> None:
    """Render ``document`` to ``path``; A4 or Letter, 15 mm margins, every page numbered
    ("Page 3 of 12") under the running title.

    ``images`` supplies the PNGs behind ``sbskit-img:NAME`` placeholders. Safe to call
    from a worker thread (QPdfWriter, QImage and QPainter on a PDF need no GUI thread).
    """
    _ensure_gui_app()
    writer = QPdfWriter(str(path))
    size = QPageSize(QPageSize.PageSizeId.Letter if page.lower() == "letter" else QPageSize.PageSizeId.A4)
    writer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15),
                                     QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    writer.setTitle(running_title or "SBS Admin Kit report")
    writer.setCreator("SBS Admin Kit")
    if author and hasattr(writer, "setAuthor"):  # Qt 6.8 and later
        writer.setAuthor(author)
    text = QTextDocument()
    for name, png in (images or {}).items():
        text.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"{IMAGE_SCHEME}{name}"),
                         QImage.fromData(png, "PNG"))
    text.setHtml(_true_point_sizes(document))
    text.setDocumentMargin(0)
    # laid out in points (1 CSS px = 1 pt), in pages of the text area minus the footer band
    area = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
    body = QSizeF(area.width(), area.height() - FOOTER_POINTS)
    text.setPageSize(body)
    pages = max(1, text.pageCount())
    scale = writer.resolution() / 72.0
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write a PDF to {path}")
    try:
        footer_font = QFont(text.defaultFont())
        footer_font.setPointSizeF(7.5)
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)  # document points to device pixels
            painter.translate(0, -index * body.height())
            text.drawContents(painter, QRectF(0, index * body.height(), body.width(), body.height()))
            painter.restore()
            # the footer in device pixels: a font's point size already means points on this device
            painter.setFont(footer_font)
            painter.setPen(QColor("#5a6472"))
            top = (body.height() + 3) * scale
            painter.drawLine(0, int(top), int(body.width() * scale), int(top))
            band = QRectF(0, top + 2 * scale, body.width() * scale, (FOOTER_POINTS - 5) * scale)
            if running_title:
                painter.drawText(band, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, running_title)
            painter.drawText(band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"Page {index + 1} of {pages}")
    finally:
        painter.end()
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"Qt wrote no PDF to {path}")

"""The visit report's chapters from the tabs' report API, with pictures of their result views
rendered offscreen at a fixed size.

The report shows what a check found, not whatever sub-page happens to be open: each tab
names its result widgets (``KitTab.report_views``); each is laid out at the report's size
and painted into a pixmap without being shown, then given back its own size.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QApplication, QTextEdit, QWidget

from sbskit.core.report import CheckSummary, Report, Section, light_html

VIEW_SIZE = QSize(960, 560)  # logical pixels: readable at the report's 500 pt image width
PIXEL_RATIO = 2.0  # crisp in print


def _lay_out(widget: QWidget) -> None:
    """Lay out a (possibly hidden) widget for its new size. Directly, without posting a layout
    request: that would let the parent (a wizard, a tab widget) put back its own size first.
    The children follow when render() delivers their pending resize events."""
    layout = widget.layout()
    if layout is not None:
        layout.setGeometry(widget.rect())


def _scroll_areas(widget: QWidget) -> list[QAbstractScrollArea]:
    found = [widget] if isinstance(widget, QAbstractScrollArea) else []
    return found + [a for a in widget.findChildren(QAbstractScrollArea) if not a.isHidden()]


def _cut_line_top(area: QAbstractScrollArea) -> int | None:
    """The viewport y where the last, partly visible row or text line starts (None: nothing cut)."""
    viewport = area.viewport()
    bottom = viewport.height() - 1
    if isinstance(area, QAbstractItemView):
        index = area.indexAt(QPoint(4, bottom))
        if not index.isValid():
            return None
        rect = area.visualRect(index)
        return rect.top() if rect.bottom() > bottom else None
    if isinstance(area, QTextEdit):
        cursor = area.cursorForPosition(QPoint(4, bottom))
        block = cursor.block()
        layout = block.layout()
        if layout is None or layout.lineCount() == 0:
            return None
        line = layout.lineForTextPosition(cursor.positionInBlock())
        if not line.isValid():
            return None
        top = area.document().documentLayout().blockBoundingRect(block).top() + line.y()
        top -= area.verticalScrollBar().value()
        return int(top) if top + line.height() > bottom else None
    return None


def _erase_cut_lines(widget: QWidget, pixmap: QPixmap) -> None:
    """Blank the bottom row or line a scroll area shows only in part: a picture in a report shows
    whole lines (the table above it in the report has every row)."""
    painter = QPainter(pixmap)
    try:
        for area in _scroll_areas(widget):
            top = _cut_line_top(area)
            if top is None or top <= 0:
                continue
            viewport = area.viewport()
            origin = viewport.mapTo(widget, QPoint(0, top)) if viewport is not widget else QPoint(0, top)
            rect = QRect(origin, QSize(viewport.width(), viewport.height() - top))
            painter.fillRect(rect, viewport.palette().color(viewport.backgroundRole()))
    finally:
        painter.end()


def _relayout(area: QAbstractScrollArea) -> None:
    """A scroll area places its bars on a resize event; a hidden one gets none when a policy changes."""
    QApplication.sendEvent(area, QResizeEvent(area.size(), area.size()))


def render_view(widget: QWidget, size: QSize = VIEW_SIZE) -> QPixmap:
    """``widget`` painted at ``size`` (then restored), visible or not: no scroll bars, no half lines."""
    old_size = widget.size()
    areas = _scroll_areas(widget)
    policies = [(a.horizontalScrollBarPolicy(), a.verticalScrollBarPolicy()) for a in areas]
    for area in areas:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        _relayout(area)
    # the parent's layout would put its own slot size back while render() lays the widget out
    parent = widget.parentWidget()
    parent_layout = parent.layout() if parent is not None else None
    was_enabled = parent_layout.isEnabled() if parent_layout is not None else False
    if parent_layout is not None:
        parent_layout.setEnabled(False)
    views = [(a, a.palette()) for a in areas if isinstance(a, QAbstractItemView)]
    for view, palette in views:  # the row the admin last clicked is no finding: no highlight in the picture
        plain = QPalette(palette)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            plain.setColor(group, QPalette.ColorRole.Highlight, palette.color(group, QPalette.ColorRole.Base))
            plain.setColor(group, QPalette.ColorRole.HighlightedText, palette.color(group, QPalette.ColorRole.Text))
        view.setPalette(plain)
    widget.resize(size)
    _lay_out(widget)
    pixmap = QPixmap(size * PIXEL_RATIO)
    pixmap.setDevicePixelRatio(PIXEL_RATIO)
    pixmap.fill(widget.palette().color(widget.backgroundRole()))
    try:
        widget.render(pixmap)  # a hidden page is laid out and painted too, without being shown
        _erase_cut_lines(widget, pixmap)
    finally:
        for area, (horizontal, vertical) in zip(areas, policies):
            area.setHorizontalScrollBarPolicy(horizontal)
            area.setVerticalScrollBarPolicy(vertical)
            _relayout(area)
        for view, palette in views:
            view.setPalette(palette)
        widget.resize(old_size)
        if parent_layout is not None:
            parent_layout.setEnabled(was_enabled)
    return pixmap


def png_bytes(pixmap: QPixmap) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    return bytes(buffer.data())


def add_part_chapter(report: Report, part, pictures: bool, note: str = "") -> None:
    """One result's chapter of the visit report (see ``visit_scope.ReportPart``): its page-1 line,
    its verdict and action, its evidence, and pictures of its result views. ``note`` says why a
    result the kit would have left out is in (the consultant ticked it)."""
    import html

    import dataclasses

    summary = part.summary
    if summary is None:
        summary = CheckSummary(part.label, "grey", "See the details below.", "Read the details below.")
    report.summaries.append(dataclasses.replace(summary, check=part.label))  # page 1 names what was checked
    marked = f"<p class='muted'><b>Included by the consultant:</b> {html.escape(note)}.</p>" if note else ""
    report.sections.append(Section(part.label, f"{marked}<p class='verdict'>{light_html(summary.light)} "
                                               f"{html.escape(summary.verdict)}</p><p><b>Most important action:</b> "
                                               f"{html.escape(summary.action)}</p>"))
    for section in part.sections:
        if section.heading.casefold() in part.label.casefold():  # "Mail DNS health: a.test" under the same title
            last = report.sections[-1]
            report.sections[-1] = Section(last.heading, last.html_body + section.html_body, last.level)
        else:
            report.sections.append(Section(section.heading, section.html_body, 3))
    if pictures:
        for index, (caption, widget) in enumerate(part.views):
            image = report.add_image(f"{part.key.replace('/', '-')}-{index + 1}", png_bytes(render_view(widget)),
                                     caption)
            last = report.sections[-1]  # picture and caption in the chapter, never a heading left alone
            report.sections[-1] = Section(last.heading, last.html_body + image, last.level)

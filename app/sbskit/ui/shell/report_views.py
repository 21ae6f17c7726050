"""The visit report's chapters from the tabs' report API, with pictures of their result views
rendered offscreen at a fixed size.

The report shows what a check found, not whatever sub-page happens to be open: each tab
names its result widgets (``KitTab.report_views``); each is laid out at the report's size
and painted into a pixmap without being shown, then given back its own size.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QIODevice, QSize
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QWidget

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


def render_view(widget: QWidget, size: QSize = VIEW_SIZE) -> QPixmap:
    """``widget`` painted at ``size`` (then restored), visible or not."""
    old_size = widget.size()
    # the parent's layout would put its own slot size back while render() lays the widget out
    parent = widget.parentWidget()
    parent_layout = parent.layout() if parent is not None else None
    was_enabled = parent_layout.isEnabled() if parent_layout is not None else False
    if parent_layout is not None:
        parent_layout.setEnabled(False)
    widget.resize(size)
    _lay_out(widget)
    pixmap = QPixmap(size * PIXEL_RATIO)
    pixmap.setDevicePixelRatio(PIXEL_RATIO)
    pixmap.fill(widget.palette().color(widget.backgroundRole()))
    try:
        widget.render(pixmap)  # a hidden page is laid out and painted too, without being shown
    finally:
        widget.resize(old_size)
        if parent_layout is not None:
            parent_layout.setEnabled(was_enabled)
    return pixmap


def png_bytes(pixmap: QPixmap) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    return bytes(buffer.data())


def add_check_chapter(report: Report, tab, pictures: bool) -> None:
    """One check's chapter of the visit report, from the tab's report API (see ``KitTab``)."""
    import html

    summary = tab.report_summary()
    sections = tab.report_sections()
    if summary is None and not sections:
        return
    if summary is None:
        summary = CheckSummary(tab.title, "grey", "See the details below.", "Read the details below.")
    report.summaries.append(summary)
    report.sections.append(Section(tab.title, f"<p class='verdict'>{light_html(summary.light)} "
                                              f"{html.escape(summary.verdict)}</p><p><b>Most important action:</b> "
                                              f"{html.escape(summary.action)}</p>"))
    for section in sections:
        report.sections.append(Section(section.heading, section.html_body, 3))
    if pictures:
        for index, (caption, widget) in enumerate(tab.report_views()):
            image = report.add_image(f"{tab.slug}-{index + 1}", png_bytes(render_view(widget)), caption)
            last = report.sections[-1]  # picture and caption in the chapter, never a heading left alone
            report.sections[-1] = Section(last.heading, last.html_body + image, last.level)

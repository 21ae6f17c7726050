"""Pages that scroll instead of squeezing, and a focused widget that is always scrolled into view.

``make_scrollable`` moves a page's layout into a frameless scroll area: word-wrapped labels
get the height their text needs at the page's width (a scroll area honours height-for-width;
a QWizard or a small window squeezes them until their lines are cut), and a long page scrolls.

``FocusScroller`` follows the application's focus: whatever gets it (Tab, an Alt+letter
mnemonic, a click) is scrolled into view in every scroll area around it, innermost first, so
keys never go into a field the admin cannot see.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

MARGIN = 12  # px of context kept around a field scrolled into view


def make_scrollable(page: QWidget) -> QScrollArea:
    """Put ``page``'s own layout (and its widgets) in a scroll area that fills the page."""
    inner = QWidget()
    inner.setObjectName(f"{page.objectName() or type(page).__name__}Content")
    inner.setLayout(page.layout())  # Qt moves a layout, with its widgets, from one widget to another
    area = QScrollArea()
    area.setObjectName("pageScroller")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(inner)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(area)
    return area


def scroll_areas_around(widget: QWidget) -> list[QScrollArea]:
    """The scroll areas ``widget`` sits in, innermost first."""
    found = []
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None and parent.widget().isAncestorOf(widget):
            found.append(parent)
        parent = parent.parentWidget()
    return found


def ensure_visible(widget: QWidget) -> None:
    """Scroll every area around ``widget`` so that it is in view (the innermost first)."""
    for area in scroll_areas_around(widget):
        target = widget
        if not area.widget().isAncestorOf(target):
            continue
        # a field taller than the view: show its top; else the whole of it, with a margin
        margin_y = min(MARGIN, max(0, (area.viewport().height() - target.height()) // 2))
        area.ensureWidgetVisible(target, MARGIN, margin_y)


def visible_in_scroll_areas(widget: QWidget) -> bool:
    """Is the whole of ``widget`` inside the viewport of every scroll area around it?"""
    for area in scroll_areas_around(widget):
        viewport = area.viewport()
        top_left = widget.mapTo(viewport, QPoint(0, 0))
        rect = QRect(top_left, widget.size())
        if not viewport.rect().contains(rect.topLeft()) or rect.bottom() > viewport.height():
            return False
    return True


class FocusScroller(QObject):
    """Installed once for the application (``install``): the focused widget is scrolled into view
    when the focus moves to it, when an Alt+letter names the field that already has it, and when
    a key is typed into it while it is scrolled away."""

    _instance: FocusScroller | None = None

    @classmethod
    def install(cls) -> FocusScroller | None:
        app = QApplication.instance()
        if app is None:
            return None
        if cls._instance is None:
            cls._instance = cls(app)
            app.focusChanged.connect(cls._instance.focus_changed)
            app.installEventFilter(cls._instance)
        return cls._instance

    def focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.isVisible():
            ensure_visible(new)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind == QEvent.Type.Shortcut and isinstance(watched, QLabel) and watched.buddy() is not None:
            buddy = watched.buddy()  # after the label moved the focus (or found it already there)
            QTimer.singleShot(0, self, lambda: ensure_visible(buddy) if buddy.isVisible() else None)
        elif kind == QEvent.Type.KeyPress and isinstance(watched, QWidget) and watched.hasFocus() \
                and scroll_areas_around(watched) and not visible_in_scroll_areas(watched):
            ensure_visible(watched)
        return False

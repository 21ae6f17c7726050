"""The mouse wheel scrolls the page; it changes a combo box or spin box only when that has the focus.

Scrolling down a checklist with the mouse over its Status column used to flip the answers one
by one (and they autosave, and reach the management memo). One application-wide event filter
covers every tab, table, form and dialog, present and future:

- combo and spin boxes lose ``Qt.WheelFocus`` (a wheel turn no longer focuses them, so it
  cannot start changing them either);
- a wheel event for one of them without the focus goes to the nearest scrollable ancestor
  (the table or the scroll area), so the view scrolls as the user expects.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QComboBox, QAbstractSpinBox)


def _guarded_owner(widget: QObject) -> QWidget | None:
    """The combo or spin box this widget is (or is the inner line edit of), if any."""
    for candidate in (widget, widget.parent() if isinstance(widget, QWidget) else None):
        if isinstance(candidate, GUARDED):
            return candidate
    return None


def _scroll_target(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """Install once on the QApplication (``install_wheel_guard``)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        owner = _guarded_owner(watched)
        if owner is None:
            return False
        focus = QApplication.focusWidget()
        if focus is not None and (focus is owner or owner.isAncestorOf(focus)):
            return False  # the user is working in it: the wheel changes it, as usual
        if isinstance(owner, QComboBox) and owner.view().isVisible():  # its own open list scrolls
            return False
        area = _scroll_target(owner)
        if area is not None:
            viewport = area.viewport()
            position = viewport.mapFromGlobal(event.globalPosition().toPoint())
            forwarded = QWheelEvent(position.toPointF(), event.globalPosition(), event.pixelDelta(), event.angleDelta(),
                                    event.buttons(), event.modifiers(), event.phase(), event.inverted(), event.source())
            QApplication.sendEvent(viewport, forwarded)
        event.accept()
        return True  # the combo or spin box never sees it


_guard: WheelGuard | None = None


def install_wheel_guard(app: QApplication | None = None) -> WheelGuard:
    """Idempotent: the first call installs the filter, later calls return it."""
    global _guard
    app = app or QApplication.instance()
    if _guard is None:
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
    return _guard

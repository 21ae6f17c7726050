"""A safety net for a Qt repaint that runs outside a widget's visible area.

A view inside a scroll area that is taller than the window (a tab on a small screen) can get a
paint event for its whole rectangle when a ResizeToContents header re-measures its columns;
its rows were then drawn over the status bar and stayed there until the bar changed. The
blocklist results no longer size their columns that way, but every other view still may: when
a widget paints outside what is visible of it, the window repaints that part at once, which
draws what belongs there on top again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QTimer
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QApplication, QWidget


def clip_rect(widget: QWidget) -> QRect:
    """What of ``widget`` its ancestors leave on screen (its rect cut by theirs), in its coordinates;
    siblings that overlap it do not count (painting under them is Qt's normal business)."""
    rect = widget.rect()
    parent = widget.parentWidget()
    while parent is not None:
        offset = widget.mapTo(parent, QPoint(0, 0))
        rect = rect.intersected(parent.rect().translated(-offset))
        if parent.isWindow():
            break
        parent = parent.parentWidget()
    return rect


class SpillGuard(QObject):
    _instance: SpillGuard | None = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.repairs = 0  # how often a spill was repainted (tests read it)
        self._pending: dict[int, tuple[QWidget, QRect]] = {}

    @classmethod
    def install(cls) -> SpillGuard | None:
        app = QApplication.instance()
        if app is None:
            return None
        if cls._instance is None:
            cls._instance = cls(app)
            app.installEventFilter(cls._instance)
        return cls._instance

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget) and not watched.isWindow():
            spill = event.region() - QRegion(clip_rect(watched))
            if not spill.isEmpty():
                top = watched.window()
                rect = QRect(watched.mapTo(top, spill.boundingRect().topLeft()), spill.boundingRect().size())
                key = id(top)
                held = self._pending.get(key)
                self._pending[key] = (top, rect if held is None else held[1].united(rect))
                if held is None:
                    QTimer.singleShot(0, self, self._repair)
        return False

    def _repair(self) -> None:
        pending, self._pending = self._pending, {}
        for top, rect in pending.values():
            self.repairs += 1
            top.update(rect)

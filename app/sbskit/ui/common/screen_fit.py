"""Windows and dialogs sized to the screen they open on.

A 1366x768 laptop with a taskbar, or 1920x1080 at 150 % (1280x720 logical), cut off the
bottom of a window that always opened at 1100x740. The arithmetic is pure (rectangles as
``(x, y, width, height)`` tuples) so it is tested with any screen; ``fit_widget`` applies it
to a real widget and its screen's available geometry (the screen minus taskbars and docks).
"""

from __future__ import annotations

Rect = tuple[int, int, int, int]

# what the window manager adds around a window (title bar, borders), when not known yet
FRAME_ALLOWANCE = (16, 40)


def fit_rect(available: Rect, preferred: tuple[int, int], minimum: tuple[int, int] = (0, 0),
             frame: tuple[int, int] = FRAME_ALLOWANCE) -> Rect:
    """The client rectangle for a window that prefers ``preferred``: as large as that, never
    larger than the available area less the frame, centred in it. ``minimum`` wins only where
    the screen has room for it (a window larger than the screen helps nobody)."""
    ax, ay, aw, ah = available
    room_w, room_h = max(1, aw - frame[0]), max(1, ah - frame[1])
    width = min(max(preferred[0], min(minimum[0], room_w)), room_w)
    height = min(max(preferred[1], min(minimum[1], room_h)), room_h)
    x = ax + (aw - width - frame[0]) // 2 + frame[0] // 2
    y = ay + (ah - height - frame[1]) // 2 + frame[1] - frame[0] // 2
    return x, max(ay, y), width, height


def fits(rect: Rect, available: Rect, frame: tuple[int, int] = FRAME_ALLOWANCE) -> bool:
    """Whether a (saved) client rectangle, with its frame, lies wholly inside the available area."""
    x, y, w, h = rect
    ax, ay, aw, ah = available
    left, top = x - frame[0] // 2, y - (frame[1] - frame[0] // 2)
    right, bottom = x + w + frame[0] // 2, y + h + frame[0] // 2
    return w > 0 and h > 0 and left >= ax and top >= ay and right <= ax + aw and bottom <= ay + ah


def fits_any(rect: Rect, screens: list[Rect], frame: tuple[int, int] = FRAME_ALLOWANCE) -> bool:
    """A saved geometry is kept when it fits on one of the screens there are now."""
    return any(fits(rect, available, frame) for available in screens)


# --- Qt side -------------------------------------------------------------------------------------
def _as_tuple(rect) -> Rect:
    return rect.x(), rect.y(), rect.width(), rect.height()


def available_rect(widget) -> Rect:
    """The available geometry of the screen the widget is on (or will open on)."""
    from PySide6.QtGui import QGuiApplication

    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return _as_tuple(screen.availableGeometry())


def all_available_rects() -> list[Rect]:
    from PySide6.QtGui import QGuiApplication

    return [_as_tuple(screen.availableGeometry()) for screen in QGuiApplication.screens()]


def fit_widget(widget, preferred: tuple[int, int] | None = None) -> Rect:
    """Resize and centre a top-level widget so that it fits its screen; returns the rectangle."""
    hint = widget.sizeHint()
    wanted = preferred or (max(hint.width(), widget.width()), max(hint.height(), widget.height()))
    minimum = widget.minimumSizeHint()
    rect = fit_rect(available_rect(widget), wanted, (minimum.width(), minimum.height()))
    widget.setGeometry(*rect)
    return rect


def install_dialog_fitter(app=None):
    """Every dialog that would open larger than its screen is shrunk and centred on it first."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

    global _fitter
    if _fitter is not None:
        return _fitter

    class DialogFitter(QObject):
        def eventFilter(self, watched, event) -> bool:
            # only a dialog too large for its screen is resized (and centred on it); any other is
            # left to Qt, which centres it on its parent window after this. A message box is
            # never touched: it wraps its text and fits the screen in its own showEvent (before
            # that its hint is one long line, and fitting it put "Run the relay test?" at the
            # screen's left edge)
            if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) \
                    and not isinstance(watched, (QFileDialog, QMessageBox)) and watched.isWindow():
                hint = watched.sizeHint()
                size = (max(hint.width(), watched.width()), max(hint.height(), watched.height()))
                _ax, _ay, aw, ah = available_rect(watched)
                if size[0] > aw - FRAME_ALLOWANCE[0] or size[1] > ah - FRAME_ALLOWANCE[1]:
                    fit_widget(watched, size)
            return False

    app = app or QApplication.instance()
    _fitter = DialogFitter(app)
    app.installEventFilter(_fitter)
    return _fitter


_fitter = None

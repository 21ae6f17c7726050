"""Light, dark or the OS's choice, and status colours that stay readable in both.

Fusion is used everywhere so screenshots look the same on every machine that makes
them; its palette follows the OS colour scheme, or a forced light/dark one.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QWidget

THEMES = ("system", "light", "dark")

# (light background, dark background) for result rows and verdict badges
STATUS_COLORS = {
    "bad": ("#fbe3e1", "#5c1f1b"),
    "good": ("#e2f4e6", "#1d4a2a"),
    "unknown": ("#fdf0d5", "#5a4413"),
    "info": ("#e3ecf8", "#1f3a5c"),
}
STATUS_TEXT = {
    "bad": ("#8a1c14", "#ffb4ab"),
    "good": ("#1c6b33", "#9fe0b0"),
    "unknown": ("#7a5300", "#ffd58a"),
    "info": ("#1f4e8c", "#a9c8f0"),
}


def _dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#202326",
        QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#17191b",
        QPalette.ColorRole.AlternateBase: "#24282b",
        QPalette.ColorRole.ToolTipBase: "#2b2f33",
        QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.PlaceholderText: "#8b9196",
        QPalette.ColorRole.Text: "#e8e8e8",
        QPalette.ColorRole.Button: "#2b2f33",
        QPalette.ColorRole.ButtonText: "#e8e8e8",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#7fb2f0",
        QPalette.ColorRole.Highlight: "#2f6fba",
        QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f757a"))
    return p


# the edge of an unchecked check box or radio button: 3:1 or more against the window (WCAG 1.4.11);
# Fusion draws it a shade darker than the window, 2:1 in light and 1.1:1 in dark mode
INDICATOR_EDGE = ("#6f6f6f", "#9aa0a6")  # (light, dark)
INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorRadioButton,
              QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)


class KitStyle(QProxyStyle):
    """The base style (Fusion unless ``-style`` named another), with check box and radio button
    edges drawn visibly in both themes."""

    def drawPrimitive(self, element, option, painter: QPainter, widget=None) -> None:  # noqa: N802 - Qt API
        super().drawPrimitive(element, option, painter, widget)
        if element not in INDICATORS:
            return
        dark = option.palette.color(QPalette.ColorRole.Window).lightness() < 128
        edge = QColor(INDICATOR_EDGE[1] if dark else INDICATOR_EDGE[0])
        if not option.state & QStyle.StateFlag.State_Enabled:
            edge.setAlpha(120)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(edge, 1.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = QRectF(option.rect).adjusted(0.6, 0.6, -0.6, -0.6)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 1.5, 1.5)
        painter.restore()


def known_style(name: str) -> bool:
    return name.casefold() in (key.casefold() for key in QStyleFactory.keys())


def kit_style(base: str = "Fusion") -> QStyle:
    """``KitStyle`` over ``base`` (a name QStyleFactory knows), or over Fusion when it does not."""
    style = QStyleFactory.create(base) or QStyleFactory.create("Fusion")
    return KitStyle(style)


def apply_theme(app: QApplication, theme: str = "system", style: str = "Fusion") -> None:
    """``style`` (Fusion unless the user asked for another with ``-style``) with visible check box
    and radio button edges, and the OS scheme (``system``) or a forced ``light``/``dark`` palette."""
    app.setStyle(kit_style(style))
    hints = app.styleHints()
    if theme == "dark":
        if hasattr(hints, "setColorScheme"):
            hints.setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(_dark_palette())
    elif theme == "light":
        if hasattr(hints, "setColorScheme"):
            hints.setColorScheme(Qt.ColorScheme.Light)
        app.setPalette(app.style().standardPalette())
    elif is_dark(app) and app.palette().color(QPalette.ColorRole.Window).lightness() > 128:
        app.setPalette(_dark_palette())  # OS says dark but the platform gave a light palette


def is_dark(widget_or_app: QWidget | QApplication | None = None) -> bool:
    """True when the current palette is dark (forced or from the OS)."""
    app = QApplication.instance()
    palette = widget_or_app.palette() if widget_or_app is not None else app.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_background(kind: str, widget: QWidget | None = None) -> QColor:
    light, dark = STATUS_COLORS[kind]
    return QColor(dark if is_dark(widget) else light)


def status_foreground(kind: str, widget: QWidget | None = None) -> QColor:
    light, dark = STATUS_TEXT[kind]
    return QColor(dark if is_dark(widget) else light)

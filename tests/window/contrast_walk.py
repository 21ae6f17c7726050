"""The colours a person actually sees for each visible text: label text on its effective
background, table and tree cells with their own colours, inline colours in rich text."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QLabel,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QTableWidget,
    QTreeWidget,
    QWidget,
)

from sbskit.ui.common.contrast import contrast_ratio

BACKGROUND_RULE = re.compile(r"background(?:-color)?\s*:\s*(#[0-9a-fA-F]{6})")
INLINE_COLOR = re.compile(r"(?:color\s*:\s*|<font[^>]*color=['\"]?)(#[0-9a-fA-F]{6})")


def background_of(widget: QWidget) -> str:
    """The colour behind a widget: the nearest stylesheet background, auto-filled or view background."""
    current = widget
    while current is not None:
        match = BACKGROUND_RULE.search(current.styleSheet() or "")
        if match:
            return match.group(1).lower()
        parent = current.parentWidget()
        if parent is not None and isinstance(parent.parentWidget(), QAbstractItemView) \
                and parent is parent.parentWidget().viewport():
            return parent.palette().color(QPalette.ColorRole.Base).name()
        if current.autoFillBackground() and current is not widget:
            return current.palette().color(current.backgroundRole()).name()
        current = parent
    return widget.window().palette().color(QPalette.ColorRole.Window).name()


def label_problems(window: QWidget, where: str, minimum: float = 4.5) -> list[str]:
    found = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.isEnabled() or not label.text().strip() or label.pixmap() and not label.text():
            continue
        label.ensurePolished()
        bg = background_of(label)
        own = label.palette().color(QPalette.ColorGroup.Active, label.foregroundRole()).name()
        colours = {own} | {c.lower() for c in INLINE_COLOR.findall(label.text())}
        for colour in colours:
            ratio = contrast_ratio(colour, bg)
            if ratio < minimum:
                text = re.sub(r"<[^>]+>", "", label.text())[:60]
                found.append(f"{where}: label '{text}' {colour} on {bg} = {ratio:.2f}:1")
    return found


def _brush_colour(brush, default: str) -> str:
    return brush.color().name() if brush.style() != Qt.BrushStyle.NoBrush else default


def item_problems(window: QWidget, where: str, minimum: float = 4.5) -> list[str]:
    found = []
    for view in window.findChildren(QTableWidget) + window.findChildren(QTreeWidget):
        if not view.isVisible():
            continue
        base = view.palette().color(QPalette.ColorRole.Base).name()
        text = view.palette().color(QPalette.ColorRole.Text).name()
        items = []
        if isinstance(view, QTableWidget):
            items = [(view.item(r, c), None) for r in range(view.rowCount()) for c in range(view.columnCount())]
        else:
            stack = [view.topLevelItem(i) for i in range(view.topLevelItemCount())]
            while stack:
                node = stack.pop()
                stack.extend(node.child(i) for i in range(node.childCount()))
                items.extend((node, col) for col in range(view.columnCount()))
        for item, col in items:
            if item is None:
                continue
            fg_brush = item.foreground() if col is None else item.foreground(col)
            bg_brush = item.background() if col is None else item.background(col)
            shown = item.text() if col is None else item.text(col)
            if not shown.strip():
                continue
            fg, bg = _brush_colour(fg_brush, text), _brush_colour(bg_brush, base)
            ratio = contrast_ratio(fg, bg)
            if ratio < minimum:
                found.append(f"{where}: cell '{shown[:40]}' {fg} on {bg} = {ratio:.2f}:1")
    return found


def indicator_edge_contrast(button: QCheckBox | QRadioButton) -> float:
    """The best contrast between the drawn edge of ``button``'s indicator and what is around it
    (WCAG 1.4.11 asks 3:1 for the part that shows it is a check box)."""
    option = QStyleOptionButton()
    option.initFrom(button)
    element = (QStyle.SubElement.SE_RadioButtonIndicator if isinstance(button, QRadioButton)
               else QStyle.SubElement.SE_CheckBoxIndicator)
    rect = button.style().subElementRect(element, option, button)
    image = button.grab().toImage()
    around = background_of(button)
    ring = set()
    for x in range(rect.left(), rect.right() + 1):
        for y in range(rect.top(), rect.bottom() + 1):
            inside = rect.adjusted(3, 3, -3, -3)
            if not inside.contains(x, y) and image.valid(x, y):
                ring.add(image.pixelColor(x, y).name())
    return max((contrast_ratio(colour, around) for colour in ring), default=0.0)


def indicator_problems(window: QWidget, where: str, minimum: float = 3.0) -> list[str]:
    found = []
    for button in window.findChildren(QCheckBox) + window.findChildren(QRadioButton):
        if not button.isVisible() or not button.isEnabled():
            continue
        ratio = indicator_edge_contrast(button)
        if ratio < minimum:
            state = "checked" if button.isChecked() else "unchecked"
            found.append(f"{where}: {state} {type(button).__name__} '{button.text().replace('&', '')}' "
                         f"edge {ratio:.2f}:1")
    return found

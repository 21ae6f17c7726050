"""Find every keyboard shortcut that is live at one moment in one window, and the clashes.

"Live" is what Qt's shortcut map would match: mnemonics (Alt+letter from ``&`` in button texts,
labels with a buddy, group box titles, tab bar tabs, menu bar titles), QAction shortcuts of the
window's menus and widgets, and QShortcut objects whose parent is visible. A key live twice in
one window is ambiguous: Qt then cycles focus or does nothing ("Ambiguous shortcut overload").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenuBar,
    QTabBar,
    QTabWidget,
    QWidget,
    QWizard,
)


def _key(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText).upper()


def _mnemonic(text: str) -> str:
    return _key(QKeySequence.mnemonic(text)) if text else ""


def _describe(widget: QWidget, text: str = "") -> str:
    name = text or widget.accessibleName() or widget.objectName() or ""
    return f"{type(widget).__name__} '{name.replace('&', '')}'"


def live_shortcuts(window: QWidget) -> dict[str, list[str]]:
    """Key (e.g. 'ALT+C', 'CTRL+E') -> what answers to it, for the widgets visible right now."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(key: str, what: str) -> None:
        if key:
            found[key].append(what)

    widgets = [window] + [w for w in window.findChildren(QWidget) if w.isVisible() and w.window() is window]
    for widget in widgets:
        if isinstance(widget, QAbstractButton):
            add(_key(widget.shortcut()), _describe(widget, widget.text()))
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            add(_mnemonic(widget.text()), _describe(widget, widget.text()))
        elif isinstance(widget, QGroupBox):
            add(_mnemonic(widget.title()), _describe(widget, widget.title()))
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                add(_mnemonic(widget.tabText(index)), f"tab '{widget.tabText(index).replace('&', '')}'")
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                add(_mnemonic(action.text()), f"menu '{action.text().replace('&', '')}'")
                menu = action.menu()
                for item in (menu.actions() if menu is not None else []):
                    for sequence in item.shortcuts():
                        add(_key(sequence), f"menu item '{item.text().replace('&', '')}'")
        for action in widget.actions():
            if isinstance(widget, QMenuBar) or action.menu() is not None:
                continue
            for sequence in action.shortcuts():
                if action.shortcutContext() != Qt.ShortcutContext.WidgetShortcut:
                    add(_key(sequence), f"action '{action.text().replace('&', '')}' on {_describe(widget)}")
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if not isinstance(parent, QWidget) or not parent.isVisible() or parent.window() is not window or not shortcut.isEnabled():
            continue
        if shortcut.context() == Qt.ShortcutContext.WidgetShortcut:
            continue  # only while its own widget has the focus
        for sequence in shortcut.keys():
            add(_key(sequence), f"QShortcut on {_describe(parent)}")
    return dict(found)


def clashes(window: QWidget) -> dict[str, list[str]]:
    return {key: owners for key, owners in live_shortcuts(window).items() if len(owners) > 1}


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _outermost(widget: QWidget, root: QWidget, kind: type) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, kind):
            return False
        parent = parent.parentWidget()
    return True


def inner_states(root: QWidget, label: str) -> Iterator[str]:
    """Every page of every tab widget and wizard under ``root``, one after the other."""
    _settle()
    yield label
    for tabs in [t for t in root.findChildren(QTabWidget) if t.isVisible() and _outermost(t, root, QTabWidget)]:
        current = tabs.currentIndex()
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield from inner_states(tabs.widget(index), f"{label} > {tabs.tabText(index).replace('&', '')}")
        tabs.setCurrentIndex(current)
        _settle()
    for wizard in [w for w in root.findChildren(QWizard) if w.isVisible()]:
        wizard.restart()
        seen = set()
        while wizard.currentId() not in seen and wizard.currentId() != -1:
            seen.add(wizard.currentId())
            _settle()
            yield f"{label} > {wizard.currentPage().title()}"
            if wizard.nextId() == -1:
                break
            wizard.next()
        wizard.restart()
        _settle()

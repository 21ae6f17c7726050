"""Tab into a row of radio buttons lands on the checked one, as in every native dialog.

Qt's tab chain holds every button of a QButtonGroup, so Tab into a "Yes / No / Don't know" row
landed on Yes even when "Don't know" was checked, and Tab, Space changed the answer. Only the
checked button is in the tab chain; the arrow keys still move within the row (Qt moves focus in
an exclusive group whatever the buttons' focus policy), and a click still focuses any of them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QButtonGroup


def tab_to_checked(group: QButtonGroup) -> None:
    """Keep ``group``'s tab stop on its checked button (the first one while none is checked)."""

    def update(*_args) -> None:
        buttons = group.buttons()
        stop = group.checkedButton() or (buttons[0] if buttons else None)
        for button in buttons:
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus if button is stop else Qt.FocusPolicy.ClickFocus)

    group.buttonToggled.connect(update)
    update()


def tab_stop(group: QButtonGroup) -> QAbstractButton | None:
    """The button Tab reaches in ``group``."""
    return next((b for b in group.buttons() if b.focusPolicy() & Qt.FocusPolicy.TabFocus), None)

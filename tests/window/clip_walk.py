"""Labels that do not get the room their text needs: a word-wrapped label shorter than its
height for its width (its last lines cut through), or a one-line label narrower than its text."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel, QWidget


def _shown(label: QLabel) -> str:
    return re.sub(r"<[^>]+>", "", label.text()).replace("&amp;", "&")[:70]


def clipped_labels(window: QWidget, where: str, slack: int = 1) -> list[str]:
    found = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text().strip() or label.pixmap() is not None and not label.pixmap().isNull():
            continue
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + slack:
                found.append(f"{where}: '{_shown(label)}' is {label.height()} px high, needs {need} "
                             f"at {label.width()} px wide")
        elif label.sizeHint().width() > label.width() + slack and label.minimumSizeHint().width() > label.width():
            found.append(f"{where}: '{_shown(label)}' is {label.width()} px wide, needs {label.sizeHint().width()}")
    return found

"""The "Lists" page of the Blacklist tab: what will be asked, and why familiar names are missing.

Admins look for SORBS or NiX Spam and wonder why they are not checked; this page shows
every active list with its terms and every dead one with the date it died and what it
answers now, straight from the catalogue (offline, no network).
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from sbskit.core.dnsbl.catalogue import load_catalogue
from sbskit.ui.common.theme import status_background


class CatalogueTree(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["List", "Zone", "Takes", "Terms, notes, or why it is dead"])
        self.setAccessibleName("Blocklist catalogue")
        self.setWordWrap(True)
        header = self.header()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.fill()

    def fill(self) -> None:
        self.clear()
        catalogue = load_catalogue()
        groups: dict[str, QTreeWidgetItem] = {}
        bold = QFont(self.font())
        bold.setBold(True)
        order = list(catalogue.groups)
        zones = sorted(catalogue.zones, key=lambda z: order.index(z.group) if z.group in order else len(order))
        for zone in zones:
            parent = groups.get(zone.group)
            if parent is None:
                parent = QTreeWidgetItem([catalogue.groups.get(zone.group, zone.group)])
                parent.setFont(0, bold)
                self.addTopLevelItem(parent)
                parent.setFirstColumnSpanned(True)
                groups[zone.group] = parent
            if zone.requires == "dqs-key":
                when = "only with a Spamhaus DQS key"
            elif zone.requires:
                when = "not queried by default: needs an access key"
            elif not zone.default:
                when = "not queried by default"
            else:
                when = ""
            notes = " ".join(x for x in (when + "." if when else "", zone.note, zone.terms) if x)
            row = QTreeWidgetItem([zone.name, zone.zone, ", ".join(zone.targets), notes])
            row.setToolTip(0, f"Operator: {zone.operator}")
            row.setToolTip(3, notes)
            parent.addChild(row)
        dead = QTreeWidgetItem([f"Dead or dangerous lists: never queried ({len(catalogue.dead)})"])
        dead.setFont(0, bold)
        self.addTopLevelItem(dead)
        dead.setFirstColumnSpanned(True)
        amber = QBrush(status_background("unknown", self))
        for entry in catalogue.dead:
            text = f"Dead since {entry.get('since', '?')}: {entry.get('now', '')}"
            row = QTreeWidgetItem([entry.get("name", entry["zone"]), entry["zone"], "", text])
            row.setToolTip(0, f"Operator: {entry.get('operator', '?')}")
            row.setToolTip(3, text)
            for column in range(4):
                row.setBackground(column, amber)
            dead.addChild(row)
        self.expandAll()

    def counts(self) -> tuple[int, int]:
        catalogue = load_catalogue()
        return len(catalogue.zones), len(catalogue.dead)

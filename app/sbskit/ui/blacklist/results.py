"""The results tree of the Blacklist tab: rows stream in, grouped by kind of list, coloured.

Listed (bad) rows are red, clean and allow-list rows green, could-not-tell rows amber
with the reason: the colours come from ``ui.theme`` so dark mode stays readable. The
widget keeps every streamed item, so copy and CSV export work on partial runs too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Qt, Signal
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from sbskit.core.dnsbl.catalogue import load_catalogue
from sbskit.core.dnsbl.summary import Tally
from sbskit.ui.common.theme import status_background, status_foreground

COLUMNS = ["Target", "List", "Result", "Codes and meaning", "Reason (TXT) / detail", "Delist"]
COL_TARGET, COL_LIST, COL_RESULT, COL_MEANING, COL_DETAIL, COL_DELIST = range(6)
DETAILS_GROUP = "details"
GROUP_ORDER = ["details", "major", "spam", "exploit", "policy", "backscatter", "domain", "allow", "custom"]
URL_ROLE = Qt.ItemDataRole.UserRole + 1


def status_kind(result: dict[str, Any]) -> str:
    """Theme colour kind for one result: bad, good, info or unknown."""
    if result["status"] == "clean":
        return "good"
    if result["status"] == "listed":
        return {"bad": "bad", "good": "good"}.get(result.get("verdict") or "bad", "info")
    return "unknown"


def result_label(result: dict[str, Any]) -> str:
    catalogue = load_catalogue()
    if result["status"] == "clean":
        return "Not on this allow-list" if result.get("list_kind") == "allow-list" else "Not listed"
    if result["status"] == "listed":
        label = catalogue.category_label(result.get("category") or "listed")
        if result.get("verdict") == "good":
            return f"Good: {label}"
        if result.get("verdict") == "neutral":
            return f"Noted: {label}"
        return f"LISTED: {label}"
    return f"Could not tell: {result.get('error')}"


SHARES = {COL_TARGET: 0.24, COL_LIST: 0.2, COL_RESULT: 0.2, COL_DELIST: 0.14}  # most of the width each may take
MIN_EXPLAIN = 160  # px: the codes/meaning and the reason columns stay readable


def detail_state(info: dict[str, Any]) -> tuple[str, str]:
    """(theme kind, word) of a target's reverse DNS / MX row: "Checked" only when every lookup
    answered; a lookup that failed is "Could not tell"; no PTR or an unconfirmed one "Attention"."""
    failed = (info.get("ptr") is None and "ptr_error" in info) or "mx_error" in info or bool(info.get("skipped"))
    pending = ("ptr" in info and info["ptr"] is None and "ptr_error" not in info) or \
              (info.get("ptr") and info.get("fcrdns") is None)
    if failed:
        return "unknown", "Could not tell"
    if info.get("fcrdns") is False or info.get("ptr") == []:
        return "unknown", "Attention"
    if pending:
        return "info", "Checking..."
    return "info", "Checked"


class ResultsTree(QTreeWidget):
    """Rows per (target, list) under one top-level item per group of lists."""

    delist_requested = Signal(str)  # a delisting URL the admin asked to open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(COLUMNS)
        self.setAccessibleName("Blocklist results")
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(False)
        header = self.header()
        header.setStretchLastSection(False)
        # widths are set by fit_columns, not by ResizeToContents: re-measuring every column on every
        # streamed row made Qt repaint the whole view outside its scroll area, over the status bar
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)  # cut text ends in "...", the tooltip has it all
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(150)
        self._fit_timer.timeout.connect(self.fit_columns)
        self.headerItem().setToolTip(COL_DELIST, "Double-click a row (or press Enter) to open the list's delisting page")
        self.headerItem().setToolTip(COL_DETAIL, "TXT: the reason text a list publishes with a listing")
        self.itemActivated.connect(self._activated)
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._details: dict[str, QTreeWidgetItem] = {}
        self.items: list[dict[str, Any]] = []  # every streamed result, in arrival order
        self._news: dict[str, int] = {}  # rows that are not "clean", per group (they go first)
        self.tally = Tally()
        self.targets: dict[str, dict[str, Any]] = {}  # target info (PTR, MX) by target
        QShortcut(QKeySequence.StandardKey.Copy, self, activated=self._copy_selection_signal)
        self.copy_selection = None  # set by the tab: a callable copying the selection

    def fit_columns(self) -> None:
        """Column widths from the rows and the room: the target, list, result and delisting columns
        take what they need up to a share of the width; the two columns that explain a result share
        the rest and never get less than MIN_EXPLAIN px (the others give way first)."""
        width = self.viewport().width()
        if width <= 0 or self.topLevelItemCount() == 0:
            return
        header = self.header()
        need = {c: max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(len(COLUMNS))}
        given = {c: min(need[c], int(width * share)) for c, share in SHARES.items()}
        explain = width - sum(given.values())
        short = 2 * MIN_EXPLAIN - explain
        if short > 0:  # a narrow window: the fitted columns give way, down to their headers
            room = {c: given[c] - header.sectionSizeHint(c) for c in given}
            total = sum(max(0, r) for r in room.values()) or 1
            for c in given:
                given[c] -= min(max(0, room[c]), short * max(0, room[c]) // total + 1)
            explain = width - sum(given.values())
        half, floor = explain // 2, min(MIN_EXPLAIN, explain // 2)
        if need[COL_MEANING] < half:  # one needs less than half: the other gets the rest
            given[COL_MEANING] = max(need[COL_MEANING], floor)
        elif need[COL_DETAIL] < half:
            given[COL_MEANING] = explain - max(need[COL_DETAIL], floor)
        else:
            given[COL_MEANING] = half
        given[COL_DETAIL] = max(0, explain - given[COL_MEANING])
        for column, size in given.items():
            header.resizeSection(column, max(size, 24))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_timer.start()

    def _copy_selection_signal(self) -> None:
        if self.copy_selection is not None:
            self.copy_selection()

    @property
    def summary(self) -> dict[str, Any]:
        """Running totals in the shape of ``summary.summarize`` (counted as rows arrive, no re-scan)."""
        return self.tally.summary()

    def clear_results(self) -> None:
        self._news.clear()
        self.tally = Tally()
        self.clear()
        self._groups.clear()
        self._details.clear()
        self.items.clear()
        self.targets.clear()

    def _group(self, key: str) -> QTreeWidgetItem:
        item = self._groups.get(key)
        if item is None:
            catalogue = load_catalogue()
            title = {"details": "Target details (reverse DNS, mail servers)", "custom": "Other lists (not in the catalogue)"}
            item = QTreeWidgetItem([title.get(key) or catalogue.groups.get(key, key)])
            item.setFirstColumnSpanned(True)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            order = GROUP_ORDER.index(key) if key in GROUP_ORDER else len(GROUP_ORDER)
            position = sum(1 for k in self._groups if (GROUP_ORDER.index(k) if k in GROUP_ORDER else len(GROUP_ORDER)) < order)
            self.insertTopLevelItem(position, item)
            self._groups[key] = item
            item.setExpanded(True)
            item.setFirstColumnSpanned(True)
        return item

    def add_result(self, item: dict[str, Any]) -> None:
        self.items.append(item)
        catalogue = load_catalogue()
        zone = catalogue.by_name(item["zone"])
        group = zone.group if zone is not None else "custom"
        parent = self._group(group)
        meaning = ", ".join(item["codes"])
        if item["meanings"]:
            meaning = (meaning + ": " if meaning else "") + "; ".join(item["meanings"])
        detail = " | ".join(item["txt"]) if item["txt"] else ""
        if item.get("detail"):
            detail = f"{detail} | {item['detail']}" if detail else item["detail"]
        delist = "Open delisting page" if item.get("delist_url") and item["status"] == "listed" and item.get("verdict") == "bad" else ""
        target = item["target"]
        if item.get("source"):
            target += f"  (MX {item['source']['mx']})"
        row = QTreeWidgetItem([target, item.get("name") or item["zone"], result_label(item), meaning, detail, delist])
        row.setToolTip(COL_TARGET, target)
        row.setToolTip(COL_LIST, item["zone"])
        row.setToolTip(COL_DETAIL, detail)
        row.setToolTip(COL_MEANING, meaning)
        row.setData(0, URL_ROLE, item.get("delist_url") or "")
        kind = status_kind(item)
        background = QBrush(status_background(kind, self))
        for column in range(len(COLUMNS)):
            row.setBackground(column, background)
        row.setForeground(COL_RESULT, QBrush(status_foreground(kind, self)))
        if delist:
            row.setForeground(COL_DELIST, QBrush(self.palette().link().color()))
            row.setToolTip(COL_DELIST, item["delist_url"])
        if item["status"] != "clean":  # the news goes first within its group
            position = self._news.get(group, 0)
            parent.insertChild(position, row)
            self._news[group] = position + 1
        else:
            parent.addChild(row)
        self.tally.add(item, item["target"])
        self._fit_timer.start()

    def show_document(self, doc: dict[str, Any]) -> None:
        """Show a finished sweep's final words (the resolver diagnosis relabels rows at the end)."""
        infos = list(self.targets.values())
        self.setUpdatesEnabled(False)
        try:
            self.clear_results()
            for target in doc["targets"]:
                for result in target["results"]:
                    self.add_result({"type": "result", "target": target["target"], "kind": target["kind"],
                                     "source": target.get("source"), **result})
            for info in infos:
                self.update_target(info)
        finally:
            self.setUpdatesEnabled(True)

    def update_target(self, info: dict[str, Any]) -> None:
        text = info["target"]
        self.targets[text] = info
        parts = []
        if info.get("skipped"):
            parts.append(f"skipped: {info['skipped']}")
        if "ptr" in info:
            if info["ptr"] is None:
                parts.append("reverse DNS: could not tell" if "ptr_error" in info else "reverse DNS: checking...")
            elif not info["ptr"]:
                parts.append("reverse DNS: none (no PTR record)")
            else:
                confirmed = {True: "forward-confirmed", False: "NOT forward-confirmed", None: "checking..."}[info.get("fcrdns")]
                parts.append(f"reverse DNS: {', '.join(info['ptr'])} ({confirmed})")
        if info.get("mx") is not None:
            hosts = [f"{m['host']} -> {', '.join(m['addresses']) or '...'}" for m in info["mx"]]
            parts.append("mail servers: " + ("; ".join(hosts) if hosts else "none"))
        elif "mx_error" in info:
            parts.append(f"mail servers: could not tell ({info['mx_error']})")
        if not parts:
            return
        row = self._details.get(text)
        if row is None:
            row = QTreeWidgetItem([text, "", "", "", "", ""])
            self._group(DETAILS_GROUP).addChild(row)
            self._details[text] = row
        kind, word = detail_state(info)
        row.setText(COL_LIST, "Reverse DNS / MX")
        row.setText(COL_RESULT, word)
        row.setForeground(COL_RESULT, QBrush(status_foreground(kind, self)))
        row.setText(COL_MEANING, "; ".join(parts))
        row.setToolTip(COL_MEANING, "; ".join(parts) + "\n\nPTR: the name an address points back to. Forward-confirmed "
                       "(FCrDNS): that name points to the same address again - receivers expect this from mail servers.")
        for column in range(len(COLUMNS)):
            row.setBackground(column, QBrush(status_background(kind, self)))
        self._fit_timer.start()

    def selected_delist_url(self) -> str:
        for item in self.selectedItems():
            url = item.data(0, URL_ROLE)
            if url:
                return url
        return ""

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        url = item.data(0, URL_ROLE)
        if url:
            self.delist_requested.emit(url)

    def selected_text(self) -> str:
        rows = []
        for item in self.selectedItems():
            rows.append("\t".join(item.text(c) for c in range(len(COLUMNS))))
        return "\n".join(rows)

    def as_document(self) -> dict[str, Any]:
        """The streamed items regrouped as the CLI's JSON document (for copy and CSV)."""
        targets: dict[str, dict[str, Any]] = {}
        for item in self.items:
            entry = targets.setdefault(item["target"], {"target": item["target"], "kind": item["kind"],
                                                         "source": item.get("source"), "results": []})
            entry["results"].append({k: v for k, v in item.items() if k not in ("type", "target", "kind", "source")})
        for text, info in self.targets.items():
            entry = targets.setdefault(text, {"target": text, "kind": info["kind"], "source": info.get("source"), "results": []})
            for key in ("ptr", "fcrdns", "mx", "skipped"):
                if key in info:
                    entry[key] = info[key]
        return {"targets": list(targets.values())}

"""Item 9 (round 2): the blocklist results read well at 1366x768: the columns that explain a result
keep room next to long MX-derived targets (cut text ends in "..." with the whole of it in the
tooltip), and a reverse DNS / MX row says "Could not tell" when its lookup failed. A real BIND on
loopback (the blacklist tests' world) answers; the failing case asks a loopback port where nothing
listens."""

from __future__ import annotations

import os
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from servers.bind import BindServer
from window_keys import press, type_keys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "blacklist"))
from blacklist_world import LISTED_IP, MAIL_DOMAIN, build_world  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def bind(tmp_path_factory):  # the name tests/servers/plugin.py marks "servers"
    server = BindServer(tmp_path_factory.mktemp("view-bind"))
    build_world(server)
    server.start()
    yield server
    server.stop()


def sweep(window, qtbot, resolver: str, targets: str):
    window.tabs.setCurrentIndex(1)
    tab = window.ensure_tab(1)
    qtbot.waitUntil(tab.resolver_edit.isVisible)
    tab.resolver_edit.setText(resolver)
    tab.timeout_spin.setValue(1)
    QTest.mouseClick(tab.target_box.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.target_box.lineEdit().hasFocus)
    type_keys(window, targets)
    press(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.worker is None and bool(tab.results.items), timeout=60000)
    qtbot.waitUntil(lambda: not tab.results._fit_timer.isActive())
    return tab


def test_explanation_columns_keep_their_room_next_to_long_targets(main_window, qtbot, bind):
    from sbskit.ui.blacklist.results import COL_DETAIL, COL_MEANING, COL_TARGET, MIN_EXPLAIN

    main_window.resize(1366, 700)
    tab = sweep(main_window, qtbot, bind.address, f"{LISTED_IP}, 192.0.2.11, {MAIL_DOMAIN}")
    tree = tab.results
    header = tree.header()
    assert header.sectionSize(COL_MEANING) >= MIN_EXPLAIN and header.sectionSize(COL_DETAIL) >= MIN_EXPLAIN
    assert sum(header.sectionSize(c) for c in range(tree.columnCount())) <= tree.viewport().width()
    rows = [tree.topLevelItem(g).child(i) for g in range(tree.topLevelItemCount())
            for i in range(tree.topLevelItem(g).childCount())]
    derived = [r for r in rows if "(MX mx1.mail.example)" in r.text(COL_TARGET)]
    assert derived and all(r.toolTip(COL_TARGET) == r.text(COL_TARGET) for r in derived)
    listed = [r for r in rows if r.text(2).startswith("LISTED")]
    assert listed and all(r.toolTip(COL_MEANING) == r.text(COL_MEANING) for r in listed)
    main_window.resize(1024, 600)  # narrower: the fitted columns give way, the explanations keep their floor
    qtbot.waitUntil(lambda: tree.viewport().width() < 1000)
    qtbot.wait(300)
    assert header.sectionSize(COL_MEANING) >= MIN_EXPLAIN and header.sectionSize(COL_DETAIL) >= MIN_EXPLAIN


def test_a_failed_reverse_lookup_says_could_not_tell(main_window, qtbot):
    from sbskit.ui.blacklist.results import detail_state

    tab = sweep(main_window, qtbot, "127.0.0.1:9", LISTED_IP)  # nothing listens: every lookup fails
    group = next(tab.results.topLevelItem(i) for i in range(tab.results.topLevelItemCount())
                 if tab.results.topLevelItem(i).text(0).startswith("Target details"))
    row = group.child(0)
    assert row.text(1) == "Reverse DNS / MX"
    assert row.text(2) == "Could not tell" and "could not tell" in row.text(3)
    # the rule itself, for every state a target row can be in
    assert detail_state({"ptr": None, "ptr_error": "refused"}) == ("unknown", "Could not tell")
    assert detail_state({"mx": None, "mx_error": "timeout"}) == ("unknown", "Could not tell")
    assert detail_state({"ptr": []}) == ("unknown", "Attention")
    assert detail_state({"ptr": ["mail.example"], "fcrdns": False}) == ("unknown", "Attention")
    assert detail_state({"ptr": ["mail.example"], "fcrdns": True}) == ("info", "Checked")
    assert detail_state({"ptr": None}) == ("info", "Checking...")

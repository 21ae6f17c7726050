"""The Blacklist tab with a real sweep against the test BIND (worker thread, streaming rows)."""

from __future__ import annotations

import csv

import pytest
from blacklist_world import CLEAN_IP, LISTED_IP, MAIL_DOMAIN
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from sbskit.core.settings import Settings
from sbskit.ui.blacklist.results import COL_RESULT, status_kind
from sbskit.ui.blacklist.tab import LISTS_PAGE, RESULTS_PAGE, BlacklistTab
from sbskit.ui.common.theme import status_background

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, bind):
    widget = BlacklistTab()
    qtbot.addWidget(widget)
    widget.resolver_edit.setText(bind.address)
    widget.timeout_spin.setValue(1.0)
    widget.opened = []
    widget.open_url = widget.opened.append
    yield widget
    widget.shutdown()
    if widget.worker is not None:
        qtbot.waitUntil(lambda: widget.worker is None, timeout=10000)


def run(qtbot, tab, text, zones=""):
    tab.zones_edit.setText(zones)
    tab.target_box.setEditText(text)
    assert tab.validate()
    qtbot.keyClick(tab.target_box.lineEdit(), Qt.Key.Key_Return)
    assert tab.worker is not None
    qtbot.waitUntil(lambda: tab.worker is None, timeout=15000)


def rows(tab):
    found = []
    tree = tab.results
    for g in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(g)
        for c in range(group.childCount()):
            found.append((group.text(0), group.child(c)))
    return found


def test_listing_streams_in_red_with_delisting(qtbot, tab):
    run(qtbot, tab, LISTED_IP, "zen.spamhaus.org good.bl.test slow.bl.test")
    assert tab.pages.currentIndex() == RESULTS_PAGE
    by_list = {row.text(1): row for _g, row in rows(tab) if row.text(1)}
    zen = by_list["Spamhaus ZEN"]
    assert zen.text(COL_RESULT).startswith("LISTED")
    assert zen.background(0).color() == status_background("bad", tab.results)
    assert by_list["slow.bl.test"].text(COL_RESULT) == "Could not tell: timeout"
    assert by_list["slow.bl.test"].background(0).color() == status_background("unknown", tab.results)
    assert "Listed on 2 of 3 blocklists" in tab.summary_label.text()
    assert "1 could not answer (1 timeout)" in tab.summary_label.text()
    tab.results.setCurrentItem(zen)
    assert tab.delist_button.isEnabled()
    qtbot.mouseClick(tab.delist_button, Qt.MouseButton.LeftButton)
    assert tab.opened == [f"https://check.spamhaus.org/listed/?searchterm={LISTED_IP}"]
    details = [row for g, row in rows(tab) if g.startswith("Target details")]
    assert details and "forward-confirmed" in details[0].text(3)


def test_finished_run_feeds_client_history_and_report(qtbot, tab):
    from sbskit.core.profiles.kinds import extract

    with qtbot.waitSignal(tab.run_completed, timeout=15000) as signal:
        run(qtbot, tab, LISTED_IP, "zen.spamhaus.org slow.bl.test")
    kind, doc = signal.args
    assert kind == "blacklist" and doc["targets"][0]["target"] == LISTED_IP
    states = {f.item: f.state for f in extract(kind, doc)}
    assert states == {"zen.spamhaus.org": "problem", "slow.bl.test": "error"}
    headings = [s.heading for s in tab.report_sections()]
    assert headings[:2] == ["What was checked", "Listings"] and "Could not be checked" in headings


def test_clean_is_green_and_history_is_kept(qtbot, tab, isolated_home):
    run(qtbot, tab, CLEAN_IP, "zen.spamhaus.org")
    result_rows = [row for _g, row in rows(tab) if row.text(1) == "Spamhaus ZEN"]
    assert result_rows[0].text(COL_RESULT) == "Not listed"
    assert result_rows[0].background(0).color() == status_background("good", tab.results)
    assert "Not listed on the 1 blocklist asked" in tab.summary_label.text()
    assert Settings().get("blacklist/history")[0] == CLEAN_IP
    assert tab.target_box.itemText(0) == CLEAN_IP


def test_domain_mail_servers_copy_and_csv(qtbot, tab, tmp_path):
    run(qtbot, tab, MAIL_DOMAIN, "zen.spamhaus.org")
    targets = {row.text(0).split()[0] for _g, row in rows(tab)}
    assert LISTED_IP in targets and CLEAN_IP in targets
    tab.results.clearSelection()
    tab.copy_results()
    copied = QGuiApplication.clipboard().text()
    assert "mail server mx1.mail.example of mail.example" in copied and "LISTED" in copied
    out = tmp_path / "out.csv"
    tab.ask_save_path = lambda default: str(out)
    tab.export_csv()
    with open(out, newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert {r["target"] for r in table} >= {LISTED_IP, CLEAN_IP}
    assert any(r["status"] == "listed" and r["zone"] == "zen.spamhaus.org" for r in table)


def test_bad_input_is_explained_and_blocks_the_check(qtbot, tab):
    for text, needle in (("999.1.1.1", "larger than 255"), ("1.2.3", "3 parts"), ("junk", "not an IP address")):
        tab.target_box.setEditText(text)
        assert not tab.validate()
        assert needle in tab.validation_label.text()
        assert not tab.check_button.isEnabled()
    tab.target_box.setEditText("192.0.2.1\n192.0.2.2,  mail.example")  # a pasted list
    assert tab.validate() and "2 IPv4 addresses, 1 domain" in tab.validation_label.text()
    tab.target_box.setEditText("192.0.2.1")
    tab.resolver_edit.setText("not-an-ip")
    assert not tab.validate() and "resolver" in tab.validation_label.text()


def test_cancel_keeps_the_gui_responsive(qtbot, tab):
    tab.timeout_spin.setValue(10.0)
    tab.zones_edit.setText("slow.bl.test")
    tab.target_box.setEditText(CLEAN_IP)
    tab.start()
    assert tab.cancel_button.isEnabled()
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    tab.target_box.setFocus()
    qtbot.keyClick(tab.target_box.lineEdit(), Qt.Key.Key_Escape)
    assert tab.worker is None or tab.worker.token.cancelled
    qtbot.waitUntil(lambda: tab.worker is None, timeout=5000)
    assert "Cancelled" in tab.summary_label.text()
    assert tab.check_button.isEnabled()


def test_screenshot_state_is_the_offline_catalogue(qtbot, bind):
    widget = BlacklistTab()
    qtbot.addWidget(widget)
    widget.prepare_screenshot()
    assert widget.pages.currentIndex() == LISTS_PAGE
    assert widget.worker is None and not widget.results.items
    assert "Not checked yet" in widget.summary_label.text()
    dead_group = widget.catalogue_view.topLevelItem(widget.catalogue_view.topLevelItemCount() - 1)
    assert dead_group.text(0).startswith("Dead or dangerous lists")
    assert any("2024-06" in dead_group.child(i).text(3) for i in range(dead_group.childCount()))


def test_status_kinds():
    assert status_kind({"status": "clean"}) == "good"
    assert status_kind({"status": "listed", "verdict": "bad"}) == "bad"
    assert status_kind({"status": "listed", "verdict": "good"}) == "good"
    assert status_kind({"status": "listed", "verdict": "neutral"}) == "info"
    assert status_kind({"status": "error", "error": "timeout"}) == "unknown"


def test_cidr_block_streams_one_row_per_address(qtbot, tab):
    run(qtbot, tab, "192.0.2.8/29", "good.bl.test")
    results = [row for g, row in rows(tab) if not g.startswith("Target details")]
    assert len(results) == 6 == tab.results.summary["results"]
    listed = [row for row in results if row.text(COL_RESULT).startswith("LISTED")]
    assert [row.text(0) for row in listed] == [LISTED_IP]
    assert results.index(listed[0]) == 0  # the news is on top of its group


def test_damaged_settings_do_not_break_the_tab(qtbot, isolated_home):
    settings = Settings()
    settings.set("blacklist/history", ["192.0.2.1", 7, None, {"x": 1}])
    settings.set("blacklist/timeout", "soon")
    settings.set("blacklist/resolver", ["127.0.0.1"])
    settings.save()
    widget = BlacklistTab()
    qtbot.addWidget(widget)
    assert widget.target_box.count() == 1 and widget.target_box.itemText(0) == "192.0.2.1"
    assert widget.timeout_spin.value() == 3.0 and widget.resolver_edit.text() == ""

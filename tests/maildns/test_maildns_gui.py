"""The "Mail DNS health" page of the Blacklist tab, driven with real keys against the test BIND."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from maildns_world import SERVER
from sbskit.ui.blacklist.tab import BlacklistTab
from sbskit.ui.blacklist.maildns import COL_CHECK, COL_FINDING, COL_STATUS, KIND
from sbskit.ui.common.theme import status_background

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, bind):
    widget = BlacklistTab()
    qtbot.addWidget(widget)
    widget.resolver_edit.setText(bind.address)
    widget.timeout_spin.setValue(1.0)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.pages.setCurrentWidget(widget.mail_dns)
    yield widget
    widget.shutdown()
    if widget.mail_dns.worker is not None:
        qtbot.waitUntil(lambda: widget.mail_dns.worker is None, timeout=10000)


def type_and_run(qtbot, panel, domain, ip=""):
    panel.domain_edit.setFocus()
    qtbot.keyClicks(panel.domain_edit, domain)
    if ip:
        qtbot.keyClicks(panel.ip_edit, ip)
    panel.validate()
    qtbot.keyClick(panel.domain_edit, Qt.Key.Key_Return)
    assert panel.worker is not None
    qtbot.waitUntil(lambda: panel.worker is None, timeout=20000)


def rows(panel):
    tree = panel.tree
    return {tree.topLevelItem(i).data(COL_STATUS, Qt.ItemDataRole.UserRole): tree.topLevelItem(i)
            for i in range(tree.topLevelItemCount())}


def test_page_is_reached_with_alt_a_and_has_unique_mnemonics(qtbot, tab):
    tab.pages.setCurrentIndex(0)
    tab.target_box.setFocus()
    qtbot.keyClick(tab, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert tab.pages.currentWidget() is tab.mail_dns
    mnemonics = []
    for label in tab.findChildren(QLabel):
        text = label.text()
        if "&" in text and not text.startswith("<") and label.buddy() is not None:
            mnemonics.append(text[text.index("&") + 1].lower())
    from PySide6.QtWidgets import QPushButton
    for button in tab.findChildren(QPushButton):
        if "&" in button.text():
            mnemonics.append(button.text()[button.text().index("&") + 1].lower())
    panel_keys = {"n", "g", "s", "e", "b", "y"}
    assert panel_keys <= set(mnemonics)
    for key in panel_keys:
        assert mnemonics.count(key) == 1, key


def test_problems_stream_in_red_with_receivers_fix_and_records(qtbot, tab):
    panel = tab.mail_dns
    saved = []
    tab.run_completed.connect(lambda kind, doc: saved.append((kind, doc)))
    type_and_run(qtbot, panel, "nospf.test", SERVER)
    found = rows(panel)
    assert list(found)[:6] == ["mx", "spf", "spf-ip", "dmarc", "dkim", "ptr"]
    spf = found["spf"]
    assert spf.text(COL_STATUS) == "PROBLEM"
    assert spf.background(0).color() == status_background(KIND["problem"], panel.tree)
    assert spf.isExpanded()
    children = {spf.child(i).text(COL_CHECK): spf.child(i) for i in range(spf.childCount())}
    assert "What receivers do" in children and "Fix" in children and "Record to publish" in children
    gmail = [children["What receivers do"].child(i).text(COL_FINDING)
             for i in range(children["What receivers do"].childCount())]
    assert any("5.7.26" in text for text in gmail)
    assert found["mx"].text(COL_STATUS) == "OK"
    assert "problem" in panel.summary_label.text()
    assert saved and saved[0][0] == "maildns" and saved[0][1]["domain"] == "nospf.test"
    assert panel.copy_records_button.isEnabled()
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(panel.domain_edit, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # the mnemonic animates a click
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() != "", timeout=3000)
    assert QGuiApplication.clipboard().text() == (
        'nospf.test.  TXT  "v=spf1 mx ~all"\n'
        "    ; 'mx' authorises the domain's own mail servers (they usually send too)\n"
        "    ; ~all (soft fail) is the safe start; change to -all once every sender is listed\n"
        "    ; proved before it was offered: 203.0.113.25 (this server) pass, 198.18.0.1 (any other server) softfail")


def test_could_not_tell_rows_and_copy_as_text(qtbot, tab):
    panel = tab.mail_dns
    type_and_run(qtbot, panel, "servfail.test", SERVER)
    found = rows(panel)
    assert found["spf"].text(COL_STATUS) == "Could not tell"
    assert "not an all-clear" in panel.summary_label.text()
    assert not panel.copy_records_button.isEnabled()
    panel.copy_text_button.click()
    assert "COULD NOT TELL  spf" in QGuiApplication.clipboard().text()


def test_bad_input_is_explained_and_check_disabled(qtbot, tab):
    panel = tab.mail_dns
    panel.domain_edit.setFocus()
    qtbot.keyClicks(panel.domain_edit, "someone@good.test")
    assert not panel.validate()
    assert "email address" in panel.validation_label.text() and not panel.check_button.isEnabled()
    panel.domain_edit.clear()
    qtbot.keyClicks(panel.domain_edit, "good.test")
    qtbot.keyClicks(panel.ip_edit, "300.1.1.1")
    assert not panel.validate() and "not a valid IP address" in panel.validation_label.text()


def test_escape_cancels_and_keeps_the_gui_responsive(qtbot, tab):
    panel = tab.mail_dns
    tab.timeout_spin.setValue(10.0)
    panel.domain_edit.setFocus()
    qtbot.keyClicks(panel.domain_edit, "timeout.test")
    panel.validate()
    qtbot.keyClick(panel.domain_edit, Qt.Key.Key_Return)
    assert panel.cancel_button.isEnabled()
    qtbot.keyClick(panel.domain_edit, Qt.Key.Key_Escape)
    assert panel.worker is None or panel.worker.token.cancelled
    qtbot.waitUntil(lambda: panel.worker is None, timeout=5000)
    assert "Cancelled" in panel.summary_label.text() and "not a verdict" in panel.summary_label.text()
    assert panel.check_button.isEnabled()


def test_domain_is_taken_from_the_target_box(qtbot, tab):
    tab.pages.setCurrentIndex(0)
    tab.target_box.setEditText("203.0.113.9 Good.Test")
    tab.pages.setCurrentWidget(tab.mail_dns)
    assert tab.mail_dns.domain_edit.text() == "good.test"


def test_report_sections_include_the_mail_dns_run(qtbot, tab):
    panel = tab.mail_dns
    type_and_run(qtbot, panel, "good.test", SERVER)
    sections = tab.report_sections()
    assert any(s.heading == "Mail DNS health: good.test (server 203.0.113.25)" for s in sections)


def test_details_pane_shows_the_whole_selected_check(qtbot, tab):
    panel = tab.mail_dns
    type_and_run(qtbot, panel, "nodmarc.test", SERVER)
    current = panel.tree.currentItem()
    assert current.data(COL_STATUS, Qt.ItemDataRole.UserRole) == "dmarc"  # the first problem is opened
    text = panel.details.toPlainText()
    assert "publishes no DMARC record" in text and "5.7.515" in text
    assert '_dmarc.nodmarc.test TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.test; fo=1"' in text
    mx = rows(panel)["mx"]
    panel.tree.setFocus()
    panel.tree.setCurrentItem(mx)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down)  # into the next check's row: the pane follows the keyboard
    assert "SPF record" in panel.details.toPlainText()


def test_page_names_the_sending_ip_field_not_the_cli_option(qtbot, tab):
    panel = tab.mail_dns
    type_and_run(qtbot, panel, "privip.test", "192.168.1.10")
    spf_ip = rows(panel)["spf-ip"]
    assert spf_ip.text(COL_STATUS) == "Warning"
    fix = next(spf_ip.child(i).text(COL_FINDING) for i in range(spf_ip.childCount())
               if spf_ip.child(i).text(COL_CHECK) == "Fix")
    assert "Sending IP field" in fix and "--ip" not in fix
    panel.tree.setCurrentItem(spf_ip)
    assert "--ip" not in panel.details.toPlainText()


def test_information_rows_read_info_not_a_green_ok(qtbot, tab):
    panel = tab.mail_dns
    type_and_run(qtbot, panel, "pnone.test", SERVER)
    found = rows(panel)
    assert found["bimi"].text(COL_STATUS) == "Info" and found["mx"].text(COL_STATUS) == "OK"
    assert found["bimi"].background(COL_STATUS).style() == Qt.BrushStyle.NoBrush  # plain, unlike a green OK row
    assert found["mx"].background(COL_STATUS).color() == status_background("good", panel.tree)

"""The triage wizard's live blocklist check with qtbot, asking the session BIND."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from blacklist_world import CLEAN_IP, LISTED_IP
from sbskit.core.settings import Settings
from sbskit.ui.triage.wizard import TriageWizard

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(triage_tab):
    return triage_tab


def _to_live_page(tab, server_ips: str):
    wizard = tab.wizard
    wizard.symptoms.set_answer("queues_long", "no")
    wizard.symptoms.server_ip.setText(server_ips)
    wizard.next()
    wizard.next()
    assert wizard.currentId() == TriageWizard.LIVE
    return wizard.live


def test_listed_ip_leads_the_diagnosis(tab, qtbot, bind):
    settings = Settings()
    settings.set("blacklist/resolver", bind.address)
    settings.save()
    live = _to_live_page(tab, f"192.168.1.10 {LISTED_IP}")
    assert live.ip_edit.text() == LISTED_IP  # the first public one of the symptoms page's addresses
    assert live.resolver_edit.text() == bind.address  # from Settings "blacklist/resolver"
    assert live.blacklist.result.text().startswith("Not run")
    live.zones = ["zen.spamhaus.org", "good.bl.test"]

    qtbot.keyClick(live.ip_edit, Qt.Key.Key_Return)  # Enter runs the check and stays on the page
    assert tab.wizard.currentId() == TriageWizard.LIVE
    qtbot.waitUntil(lambda: not live.blacklist.busy, timeout=15000)
    assert live.blacklist.result.text() == f"{LISTED_IP} is listed on 2 of 2 lists: Spamhaus ZEN, good.bl.test."
    assert "will use the blocklist check" in live.skip_note.text()
    assert live.isComplete()

    runs = []
    tab.run_completed.connect(lambda kind, doc: runs.append(kind))
    tab.wizard.next()
    assert runs == ["triage", "blacklist"]  # the live check goes to the client's history too
    result = tab.wizard.state.result
    assert result.answers.get("ip_listed") == "yes"  # the admin did not say; the live check did
    assert result.findings[0].cause == "compromised_workstation"
    page = tab.wizard.diagnosis
    page.tree.setCurrentItem(page.tree.topLevelItem(0))
    shown = page.details.toPlainText()
    assert "Live blocklist check: Spamhaus ZEN lists it as an exploited host" in shown
    assert "live check: blocklists" in shown and "live check: blocklists:0" not in shown

    tab.wizard.start_over()  # a new triage forgets the check
    assert tab.wizard.state.live.blacklist is None and live.ip_edit.text() == ""
    assert live.blacklist.result.text().startswith("Not run")


def test_edited_resolver_clean_ip_and_lan_ip(tab, qtbot, bind):
    live = _to_live_page(tab, "192.168.1.10")
    assert live.ip_edit.text() == "" and live.resolver_edit.text() == ""  # a LAN IP is not prefilled
    live.ip_edit.setText("192.168.1.10")
    live.blacklist.run.click()
    assert not live.blacklist.busy and "not a public address" in live.blacklist.result.text()
    live.ip_edit.setText("not-an-ip")
    live.blacklist.run.click()
    assert "not an IP address" in live.blacklist.result.text()

    live.ip_edit.setText(CLEAN_IP)
    live.resolver_edit.setText("not a resolver")
    live.zones = ["good.bl.test"]
    live.blacklist.run.click()
    qtbot.waitUntil(lambda: not live.blacklist.busy, timeout=5000)
    assert live.blacklist.result.text().startswith("Could not run: resolver 'not a resolver' is not an IP address")
    assert tab.wizard.state.live.blacklist is None

    live.resolver_edit.setText(bind.address)
    live.zones = ["good.bl.test"]
    live.blacklist.run.click()
    qtbot.waitUntil(lambda: not live.blacklist.busy, timeout=15000)
    assert live.blacklist.result.text() == f"{CLEAN_IP} is clean: not listed on any of 1 lists."
    tab.wizard.next()
    assert tab.wizard.state.result.answers.get("ip_listed") == "no"
    assert tab.wizard.state.result.as_dict()["live_checks"]["blacklist"]["state"] == "clean"


def test_cancel_blocklist_check(tab, qtbot, bind):
    settings = Settings()
    settings.set("blacklist/timeout", 8.0)
    settings.save()
    live = _to_live_page(tab, LISTED_IP)
    live.resolver_edit.setText(bind.address)
    live.zones = ["slow.bl.test"]  # never answers
    live.blacklist.run.click()
    assert live.blacklist.busy and not live.isComplete()  # Next waits for a running check
    assert not tab.wizard.button(tab.wizard.WizardButton.NextButton).isEnabled()
    qtbot.wait(200)
    live.blacklist.cancel.click()
    qtbot.waitUntil(lambda: not live.blacklist.busy, timeout=3000)  # well before the 8 s timeout
    assert live.blacklist.result.text().startswith("Cancelled")
    assert live.isComplete() and live.blacklist.run.isEnabled()
    tab.wizard.next()
    assert tab.wizard.state.result.as_dict()["live_checks"] == {}
    assert tab.wizard.state.result.answers.get("ip_listed") is None

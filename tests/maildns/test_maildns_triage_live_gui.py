"""The triage wizard's live Mail DNS check with qtbot, asking the maildns test BIND."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from maildns_world import SERVER
from sbskit.core.settings import Settings
from sbskit.ui.triage.wizard import TriageWizard

pytestmark = pytest.mark.gui


def _to_live_page(tab, server_ips: str, domains: str = ""):
    wizard = tab.wizard
    wizard.symptoms.set_answer("users_get_ndrs", "yes")
    wizard.symptoms.server_ip.setText(server_ips)
    wizard.symptoms.local_domain.setText(domains)
    wizard.next()
    wizard.next()
    assert wizard.currentId() == TriageWizard.LIVE
    return wizard.live


def test_records_wrong_now_lead_the_diagnosis(triage_tab, qtbot, bind):
    tab = triage_tab
    settings = Settings()
    settings.set("blacklist/resolver", bind.address)
    settings.set("blacklist/timeout", 1.0)
    settings.save()
    live = _to_live_page(tab, f"192.168.1.10 {SERVER}", "nospf.test")
    assert live.domain_edit.text() == "nospf.test"  # the own mail domain of the symptoms page
    assert live.maildns.result.text().startswith("Not run")
    qtbot.keyClick(live.domain_edit, Qt.Key.Key_Return)  # Enter runs the check and stays on the page
    assert tab.wizard.currentId() == TriageWizard.LIVE
    qtbot.waitUntil(lambda: not live.maildns.busy, timeout=15000)
    shown = live.maildns.result.text()
    assert shown.startswith(f"Mail DNS of nospf.test sending from {SERVER}: ")  # the public IP of the blocklist box
    assert "problem" in shown
    assert "will use the Mail DNS check" in live.skip_note.text() and live.isComplete()

    runs = []
    tab.run_completed.connect(lambda kind, doc: runs.append(kind))
    tab.wizard.next()
    assert runs == ["triage", "maildns"]  # the check goes to the client's history too
    result = tab.wizard.state.result
    assert result.findings[0].cause == "mail_dns" and result.exit_code == 1
    page = tab.wizard.diagnosis
    page.tree.setCurrentItem(page.tree.topLevelItem(0))
    details = page.details.toPlainText()
    assert "Live Mail DNS check of nospf.test" in details and "live check: mail DNS" in details
    says = page.says.toPlainText()
    assert "Live checks" in says and "Mail DNS check:" in says and "Problem spf:" in says

    tab.wizard.start_over()  # a new triage forgets the check
    assert tab.wizard.state.live.maildns is None and live.domain_edit.text() == ""


def test_bad_domain_and_a_lan_ip(triage_tab, qtbot, bind):
    live = _to_live_page(triage_tab, "192.168.1.10")
    assert live.domain_edit.text() == ""
    live.maildns.run.click()
    assert "Enter the sender domain first" in live.maildns.result.text()
    live.domain_edit.setText("bad domain")
    live.maildns.run.click()
    assert not live.maildns.busy and "contains a space" in live.maildns.result.text()
    live.domain_edit.setText("good.test")
    live.sending_ip_edit.setText("192.168.1.10")  # a LAN address is not what receivers see: the MX addresses are used
    live.resolver_edit.setText(bind.address)
    live.maildns.run.click()
    qtbot.waitUntil(lambda: not live.maildns.busy, timeout=15000)
    assert live.maildns.result.text().startswith("Mail DNS of good.test: ")
    assert triage_tab.wizard.state.live.maildns["ip"] is None


def test_cancel_the_mail_dns_check(triage_tab, qtbot, bind):
    settings = Settings()
    settings.set("blacklist/timeout", 8.0)
    settings.save()
    live = _to_live_page(triage_tab, SERVER, "timeout.test")  # that zone never answers
    live.resolver_edit.setText(bind.address)
    live.maildns.run.click()
    assert live.maildns.busy and not live.isComplete()
    assert not triage_tab.wizard.button(triage_tab.wizard.WizardButton.NextButton).isEnabled()
    qtbot.wait(200)
    live.maildns.cancel.click()
    qtbot.waitUntil(lambda: not live.maildns.busy, timeout=4000)  # well before the 8 s timeout
    assert live.maildns.result.text().startswith("Cancelled")
    triage_tab.wizard.next()
    assert "maildns" not in triage_tab.wizard.state.result.as_dict()["live_checks"]

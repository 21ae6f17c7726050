"""The diagnosis page shows the three outcomes apart, what the evidence says, and readable colours.

Driven with real key events in a focused window: Alt+U / Alt+V switch between the causes
and "What the evidence says"; colours are checked for a contrast of at least 4.5:1 in the
light and the dark theme (WCAG 2 relative luminance).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from sbskit.ui.common.theme import STATUS_COLORS, STATUS_TEXT, apply_theme, status_background
from sbskit.ui.triage.says import MUTED_TEXT
from sbskit.ui.triage.wizard import TriageWizard
from triage_fixtures import config_error, healthy, mail_dns

pytestmark = pytest.mark.gui

TWO_RECORDS = """#Software: Microsoft Exchange Server\r
#Version: 14.03.0123.004\r
#Log-type: Message Tracking Log\r
#Fields: date-time,client-ip,server-ip,source,event-id,internal-message-id,recipient-address,recipient-status,sender-address\r
2026-11-27T06:00:01.123Z,203.0.113.5,192.168.1.10,SMTP,RECEIVE,100001,anna@smallbiz.example,,bob@partner.example\r
2026-11-27T06:00:01.456Z,,192.168.1.10,STOREDRIVER,DELIVER,100001,anna@smallbiz.example,,bob@partner.example\r
"""


def luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _diagnose(qtbot, tab, files, answers=None):
    wizard = tab.wizard
    for qid, value in (answers or {}).items():
        wizard.symptoms.set_answer(qid, value)
    wizard.next()
    if files:
        wizard.evidence.add_paths(files)
        qtbot.waitUntil(lambda: not wizard.evidence.busy, timeout=20000)
    wizard.next()
    wizard.next()
    assert wizard.currentId() == TriageWizard.DIAGNOSIS
    return wizard.diagnosis


def _banner_background(page) -> str:
    style = page.banner.styleSheet()
    return style.split("background:", 1)[1].split(";", 1)[0].strip()


def test_cause_found_is_red_and_shows_the_causes_first(triage_tab, qtbot, evidence_dir):
    page = _diagnose(qtbot, triage_tab, config_error(evidence_dir))
    assert page.outcome.text() == "CAUSE FOUND"
    assert page.verdict.text().startswith("Most likely cause: Configuration error")
    assert _banner_background(page) == status_background("bad", page).name()
    assert page.tabs.currentIndex() == 0
    says = page.says.toPlainText()
    assert "Smart host refuses the logon" in says and "smart host" in says and "88" in says


def test_healthy_is_green_and_says_what_it_rests_on(triage_tab, qtbot, evidence_dir):
    page = _diagnose(qtbot, triage_tab, healthy(evidence_dir))
    assert page.outcome.text() == "HEALTHY"
    assert _banner_background(page) == status_background("good", page).name()
    assert "rests on" in page.verdict.text() and "h of delivery logs" in page.verdict.text()
    assert page.tabs.currentIndex() == 1
    says = page.says.toPlainText()
    assert "The healthy verdict rests on" in says and "Relay denied" in says  # the refused relay attempt is shown


def test_thin_evidence_is_amber_not_green(triage_tab, qtbot, evidence_dir):
    log = evidence_dir / "MSGTRK2026112706-1.LOG"
    log.write_text(TWO_RECORDS, encoding="utf-8", newline="")
    page = _diagnose(qtbot, triage_tab, [log])
    assert page.outcome.text() == "NOT ENOUGH EVIDENCE TO TELL"
    assert _banner_background(page) == status_background("unknown", page).name()
    assert "Why the triage cannot tell yet" in page.says.toPlainText()


def test_no_evidence_at_all_is_never_green(triage_tab, qtbot):
    page = _diagnose(qtbot, triage_tab, [], {"queues_long": "no", "users_get_ndrs": "no"})
    assert page.outcome.text() == "NOT ENOUGH EVIDENCE TO TELL"
    assert _banner_background(page) == status_background("unknown", page).name()
    assert "No evidence files" in page.says.toPlainText()


def test_keyboard_switches_views_in_a_focused_window(triage_tab, qtbot, evidence_dir):
    page = _diagnose(qtbot, triage_tab, mail_dns(evidence_dir))
    triage_tab.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is triage_tab.window())
    page.tree.setFocus()
    assert page.tabs.currentIndex() == 0
    qtbot.keyClick(page.tree, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Alt+V is the View menu
    assert page.tabs.currentIndex() == 1
    assert "Unverified Client host" in page.says.toPlainText()
    qtbot.keyClick(page.says, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentIndex() == 0
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Down)  # the next cause's details follow the keyboard
    assert page.tree.currentItem() is page.tree.topLevelItem(1)
    wizard = triage_tab.wizard
    wizard.next()
    plan = wizard.plan.text.toPlainText()
    assert "postconf" in plan and "Set-SendConnector" not in plan and "Get-Queue" not in plan
    assert wizard.plan.version.text().startswith("Commands for Postfix")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_contrast_is_at_least_4_5(qapp, theme):
    apply_theme(qapp, theme)
    try:
        index = 0 if theme == "light" else 1
        base = qapp.palette().color(qapp.palette().ColorRole.Base).name()
        window = qapp.palette().color(qapp.palette().ColorRole.Window).name()
        assert contrast(MUTED_TEXT[index], base) >= 4.5  # lower-ranked causes, explanations
        assert contrast(MUTED_TEXT[index], window) >= 4.5
        for kind in ("bad", "good", "unknown", "info"):  # banners and confidence cells
            assert contrast(STATUS_TEXT[kind][index], STATUS_COLORS[kind][index]) >= 4.5, kind
        text = qapp.palette().color(qapp.palette().ColorRole.Text).name()
        shade = qapp.palette().color(qapp.palette().ColorRole.AlternateBase).name()
        assert contrast(text, shade) >= 4.5  # commands in the plan
    finally:
        apply_theme(qapp, "light")


def test_lower_ranked_causes_use_the_readable_grey(triage_tab, qtbot, evidence_dir):
    page = _diagnose(qtbot, triage_tab, config_error(evidence_dir))
    last = page.tree.topLevelItem(page.tree.topLevelItemCount() - 1)
    colour = last.foreground(0).color().name()
    assert colour.lower() in (MUTED_TEXT[0], MUTED_TEXT[1])
    assert colour.lower() != "#bebebe"

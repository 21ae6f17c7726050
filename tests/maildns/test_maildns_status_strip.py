"""The Blacklist tab's status strip follows the page shown: after a Mail DNS run no strip in view says
"not started" (test BIND on loopback, real keys)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar

from maildns_world import SERVER
from sbskit.ui.blacklist.tab import BlacklistTab

pytestmark = pytest.mark.gui


def _visible_strips(tab) -> list[str]:
    return [bar.text() for bar in tab.findChildren(QProgressBar) if bar.isVisible()]


def test_strip_after_a_mail_dns_run(qtbot, bind):
    tab = BlacklistTab()
    qtbot.addWidget(tab)
    tab.resolver_edit.setText(bind.address)
    tab.timeout_spin.setValue(1.0)
    tab.resize(1100, 760)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    assert _visible_strips(tab) == ["not started"]  # the sweep has not run: true on the Results page
    tab.pages.setCurrentWidget(tab.mail_dns)
    panel = tab.mail_dns
    assert tab.pages.currentWidget() is panel
    assert not tab.sweep_strip.isVisible() and tab.summary_label.isVisible() is False
    panel.domain_edit.setFocus()
    qtbot.keyClicks(panel.domain_edit, "nospf.test")
    qtbot.keyClicks(panel.ip_edit, SERVER)
    panel.validate()
    qtbot.keyClick(panel.domain_edit, Qt.Key.Key_Return)
    assert panel.worker is not None
    qtbot.waitUntil(lambda: panel.worker is None, timeout=20000)
    shown = _visible_strips(tab)
    assert shown and "not started" not in shown, shown
    assert panel.progress.isVisible() and panel.progress.text() == f"{panel.progress.maximum()} / {panel.progress.maximum()}"
    assert "problem" in panel.summary_label.text()
    tab.pages.setCurrentIndex(0)  # back on the sweep's results: its own strip, honestly not started
    assert tab.sweep_strip.isVisible() and _visible_strips(tab) == ["not started"]
    tab.shutdown()

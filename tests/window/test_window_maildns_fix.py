"""Item 12 (round 2): the Mail DNS fix for a domain with two SPF records merges them without the
includes that do not exist (they would be a permerror again), and says so when the records ended
differently ('?all' and '-all'). The evaluator's zone, on a real BIND on loopback, checked from
the Mail DNS page with keys; what "Copy records to publish" copies is read back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from servers.bind import BindServer
from window_keys import press, type_keys

pytestmark = pytest.mark.gui

ZONE = """@ IN MX 10 mx1
mx1 IN A 127.0.0.26
@ IN TXT "v=spf1 mx -all"
@ IN TXT "v=spf1 include:spf.broken-mail.test include:a.test include:b.test include:c.test ?all"
spf IN TXT "v=spf1 ip4:127.0.0.27 -all"
"""


@pytest.fixture(scope="module")
def bind(tmp_path_factory):  # the name tests/servers/plugin.py marks "servers"
    server = BindServer(tmp_path_factory.mktemp("spf-bind"))
    server.add_zone("broken-mail.test", ZONE)
    server.start()
    yield server
    server.stop()


def test_two_spf_records_merge_without_includes_that_do_not_exist(main_window, qtbot, bind):
    main_window.tabs.setCurrentIndex(1)
    tab = main_window.ensure_tab(1)
    qtbot.waitUntil(tab.resolver_edit.isVisible)
    tab.resolver_edit.setText(bind.address)
    panel = tab.mail_dns
    tab.pages.setCurrentWidget(panel)
    qtbot.waitUntil(panel.domain_edit.isVisible)
    panel.domain_edit.clear()
    QTest.mouseClick(panel.domain_edit, Qt.MouseButton.LeftButton)
    type_keys(main_window, "broken-mail.test")
    press(main_window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.worker is None and panel.last_doc is not None, timeout=60000)
    spf = next(c for c in panel.last_doc["checks"] if c["id"] == "spf")
    assert spf["status"] == "problem" and "publishes 2 SPF records" in spf["detail"]
    (record,) = spf["records"]
    value = record["value"]
    assert value.startswith("v=spf1 ") and value.count("v=spf1") == 1
    assert "include:spf.broken-mail.test" in value and " mx" in value  # both records' real senders kept
    for missing in ("a.test", "b.test", "c.test"):
        assert f"include:{missing}" not in value  # NXDOMAIN: it would be a permerror again
        assert any(f"'include:{missing}' is dropped" in note for note in record["notes"])
    assert any("ended differently (-all, ?all)" in note for note in record["notes"])
    assert record["verified"]  # proved against the evaluator before it is offered
    QTest.mouseClick(panel.copy_records_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    (line,) = [row for row in copied.splitlines() if row.startswith("broken-mail.test.") and "v=spf1" in row]
    assert f'"{value}"' in line and "include:a.test" not in line  # the notes below it are comments

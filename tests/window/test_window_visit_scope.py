"""Item 1 (round 2): the visit report holds only the current client's findings.

The evaluator's morning, for real: a ``ver`` identified before any client was chosen, then client
"Acme Dental" (IP 127.0.0.77, domain acme-dental.test, mail host 127.0.0.2) chosen, a logon script
checked, a blocklist lookup of Acme's IP, and Mail DNS checks of another client's domain
(broken-mail.test) and of Acme's own. Everything is typed with keys and asks a real BIND on
loopback; the export dialog shows each result with a check box and why.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from servers.bind import BindServer
from window_keys import press, type_keys

pytestmark = pytest.mark.gui

ACME = """@ IN MX 10 mail
mail IN A 127.0.0.25
@ IN TXT "v=spf1 ip4:127.0.0.25 -all"
"""
BROKEN = """@ IN MX 10 mx1
mx1 IN A 127.0.0.26
@ IN TXT "v=spf1 mx -all"
@ IN TXT "v=spf1 include:spf.broken-mail.test ?all"
spf IN TXT "v=spf1 ip4:127.0.0.27 -all"
"""


@pytest.fixture(scope="module")
def bind(tmp_path_factory):  # the name tests/servers/plugin.py marks "servers"
    server = BindServer(tmp_path_factory.mktemp("visit-bind"))
    server.add_zone("acme-dental.test", ACME)
    server.add_zone("broken-mail.test", BROKEN)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def acme(isolated_home):
    from sbskit.core.profiles.store import ProfileStore

    store = ProfileStore()
    try:
        store.add("Acme Dental", ips=["127.0.0.77"], domains=["acme-dental.test"], mail_hosts=["127.0.0.2"])
    finally:
        store.close()
    return "Acme Dental"


def _click_into(widget, qtbot):
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(widget.hasFocus)


def _mail_dns(window, qtbot, blacklist, domain):
    panel = blacklist.mail_dns
    blacklist.pages.setCurrentWidget(panel)
    qtbot.waitUntil(panel.domain_edit.isVisible)
    panel.domain_edit.clear()
    _click_into(panel.domain_edit, qtbot)
    type_keys(window, domain)
    press(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.worker is None and panel.last_doc is not None
                    and panel.last_doc["domain"] == domain, timeout=60000)


def a_morning(window, qtbot, bind, client):
    osver = window.ensure_tab(0)
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(osver.identify.input.isVisible)
    _click_into(osver.identify.input, qtbot)
    type_keys(window, "Microsoft Windows [Version 6.0.6003]")  # the last client's server, before choosing
    press(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: osver.identify.result is not None, timeout=10000)

    window.choose_profile = lambda _current: client
    press(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.current_client == client

    from sbskit.ui.osver.lint import SAMPLE

    osver.sections.setCurrentWidget(osver.lint)
    osver.lint.editor.setPlainText(SAMPLE)
    osver.lint.filename = "C:\\Users\\jordan\\Desktop\\acme\\logon.bat"  # the consultant's own folders
    osver.lint.check()
    qtbot.waitUntil(lambda: osver.lint.result is not None, timeout=10000)

    window.tabs.setCurrentIndex(1)
    blacklist = window.ensure_tab(1)
    qtbot.waitUntil(blacklist.resolver_edit.isVisible)
    blacklist.resolver_edit.setText(bind.address)
    blacklist.timeout_spin.setValue(1)
    _click_into(blacklist.target_box.lineEdit(), qtbot)
    type_keys(window, "127.0.0.77")
    press(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: blacklist.worker is None and bool(blacklist.results.items), timeout=60000)
    _mail_dns(window, qtbot, blacklist, "broken-mail.test")  # another client's domain, looked at in passing
    return osver, blacklist


def _export(window, qtbot, tmp_path, options):
    window.ask_report_options = lambda: options
    window.export_report()
    qtbot.waitUntil(lambda: window.report_worker is not None and not window.report_worker.running, timeout=60000)
    return (tmp_path / "visit.html").read_text(encoding="utf-8")


def test_the_dialog_lists_every_result_and_ticks_only_the_clients(main_window, qtbot, bind, acme, tmp_path):
    a_morning(main_window, qtbot, bind, acme)
    dialog = main_window.reports.make_dialog()
    qtbot.addWidget(dialog)
    boxes = dialog.part_boxes
    assert set(boxes) == {"osver/identify", "osver/lint", "blacklist/lookup", "blacklist/maildns"}
    assert not boxes["osver/identify"].isChecked()  # identified before Acme Dental was chosen
    assert "before Acme Dental was chosen" in boxes["osver/identify"].toolTip()
    assert boxes["osver/lint"].isChecked()
    assert boxes["blacklist/lookup"].isChecked() and "in Acme Dental's profile" in boxes["blacklist/lookup"].toolTip()
    assert not boxes["blacklist/maildns"].isChecked()
    assert boxes["blacklist/maildns"].toolTip() == "broken-mail.test is not in Acme Dental's profile"
    # the consultant may still tick one, with the keyboard
    dialog.show()
    qtbot.waitExposed(dialog)
    boxes["osver/identify"].setFocus()
    qtbot.waitUntil(boxes["osver/identify"].hasFocus)
    QTest.keyClick(boxes["osver/identify"], Qt.Key.Key_Space)
    assert boxes["osver/identify"].isChecked()
    assert "osver/identify" in dialog.options().include and "blacklist/maildns" not in dialog.options().include


def test_the_report_leaves_out_other_clients_results_and_sums_up_every_check(main_window, qtbot, bind, acme,
                                                                            tmp_path):
    _osver, blacklist = a_morning(main_window, qtbot, bind, acme)
    dialog = main_window.reports.make_dialog()
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "visit"))
    html = _export(main_window, qtbot, tmp_path, dialog.options())
    assert "broken-mail.test" not in html and "127.0.0.26" not in html  # not one word of the other domain
    assert "Windows version" not in html and "Version 6.0.6003" not in html  # identified before Acme was chosen
    assert "jordan" not in html and "Desktop" not in html  # the script's name, not the consultant's folders
    summary = html[html.index("<h2>Summary</h2>"):html.index("page-break-before")]
    assert "Login script check: logon.bat" in summary and "Blacklist lookup: 127.0.0.77" in summary

    _mail_dns(main_window, qtbot, blacklist, "acme-dental.test")  # now Acme's own domain: no DMARC record
    dialog = main_window.reports.make_dialog()
    qtbot.addWidget(dialog)
    assert dialog.part_boxes["blacklist/maildns"].isChecked()
    dialog.path.setText(str(tmp_path / "visit"))
    html = _export(main_window, qtbot, tmp_path, dialog.options())
    summary = html[html.index("<h2>Summary</h2>"):html.index("page-break-before")]
    rows = re.findall(r"<tr><td>.*?</tr>", summary)
    assert len(rows) == 3  # one line per result in the report: the script, the blocklists, the mail DNS
    dns_row = next(r for r in rows if "Mail DNS health: acme-dental.test" in r)
    assert "Problem" in dns_row and "DMARC" in dns_row  # the problem that gets mail refused, on page 1
    # the light rests on the check's own evidence: the chapter shows the DMARC check that found it
    chapter = html[html.index(">Mail DNS health: acme-dental.test</h2>"):]
    assert "DMARC" in chapter and "_dmarc.acme-dental.test" in chapter


def test_a_ticked_foreign_result_is_marked_in_its_chapter(main_window, qtbot, bind, acme, tmp_path):
    a_morning(main_window, qtbot, bind, acme)
    dialog = main_window.reports.make_dialog()
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "visit"))
    dialog.part_boxes["blacklist/maildns"].setChecked(True)
    html = _export(main_window, qtbot, tmp_path, dialog.options())
    chapter = html[html.index(">Mail DNS health: broken-mail.test</h2>"):]
    assert "Included by the consultant:</b> broken-mail.test is not in Acme Dental&#x27;s profile" in chapter



def test_the_pdf_numbers_its_pages_and_keeps_file_names_off_the_cover(main_window, qtbot, bind, acme, tmp_path):
    a_morning(main_window, qtbot, bind, acme)
    dialog = main_window.reports.make_dialog()
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "visit"))
    dialog.consultant.setText("Jordan Price")
    _export(main_window, qtbot, tmp_path, dialog.options())
    pdf = tmp_path / "visit.pdf"
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60)
    text = pages.stdout.split("\f")
    count = len([p for p in text if p.strip()])
    assert count >= 3
    for number, page in enumerate(text[:count], 1):
        assert f"Page {number} of {count}" in page
        assert "Acme Dental" in page  # the running title
    cover = text[0]
    assert ".json" not in cover and "Data" not in cover.split("Summary")[0]
    assert "windows-releases.json" not in "".join(text) and "Windows releases 20" in text[count - 1]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    assert re.search(r"Author:\s+Jordan Price", info)

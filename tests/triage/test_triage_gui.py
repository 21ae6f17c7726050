"""The triage wizard walked with qtbot: answers, drop/add files, import with cancel, diagnosis, plan, export."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication

from sbskit.core.triage import CAUSES
from sbskit.ui.triage.tab import TriageTab
from sbskit.ui.triage.wizard import TriageWizard
from triage_fixtures import backscatter, healthy, workstation

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(triage_tab):
    return triage_tab


def _wait_import(qtbot, page):
    qtbot.waitUntil(lambda: not page.busy and page.isComplete(), timeout=20000)


def _drop(table, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    table.dropEvent(event)


def test_identity():
    assert (TriageTab.slug, TriageTab.title) == ("queue-triage", "Queue triage")


def test_walk_the_wizard_with_dropped_files(tab, qtbot, evidence_dir, tmp_path):
    wizard = tab.wizard
    assert wizard.currentId() == TriageWizard.SYMPTOMS
    wizard.symptoms.set_answer("queues_long", "yes")
    wizard.symptoms.set_answer("users_get_ndrs", "no")
    wizard.symptoms.server_ip.setText("192.168.1.10")
    wizard.next()
    assert wizard.currentId() == TriageWizard.EVIDENCE
    assert tab.wizard.state.answers.get("queues_long") == "yes"

    junk = evidence_dir / "holiday.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    files = backscatter(evidence_dir) + [junk]
    _drop(wizard.evidence.table, files)
    _wait_import(qtbot, wizard.evidence)
    table = wizard.evidence.table
    assert table.rowCount() == 3
    assert table.item(0, 1).text() == "Exchange message tracking log"
    assert table.item(1, 2).text() == "UTF-16LE with BOM"
    assert int(table.item(0, 3).text().replace(",", "")) > 500
    assert "JPEG picture" in table.item(2, 4).text()
    _drop(wizard.evidence.table, files[:1])  # the same file again is not added twice
    assert table.rowCount() == 3

    wizard.next()
    assert wizard.currentId() == TriageWizard.LIVE
    live = wizard.live  # skipped: nothing runs, nothing is claimed
    assert live.ip_edit.text() == "" and live.host_edit.text() == ""  # a LAN IP is no public IP, no relay target
    assert "No live check has run" in live.skip_note.text()
    assert live.blacklist.result.text().startswith("Not run") and live.relay.result.text().startswith("Not run")
    runs = []
    tab.run_completed.connect(lambda kind, doc: runs.append((kind, doc)))
    wizard.next()
    assert wizard.currentId() == TriageWizard.DIAGNOSIS
    assert [kind for kind, _ in runs] == ["triage"]  # saved to the client's history once
    assert runs[0][1]["findings"][0]["cause"] == "ndr_backscatter"
    assert any("NDR backscatter" in s.heading or "NDR backscatter" in s.html_body for s in tab.report_sections())
    tree = wizard.diagnosis.tree
    assert tree.topLevelItemCount() == len(CAUSES) == 8
    assert tree.topLevelItem(0).text(0) == "NDR backscatter"
    details = wizard.diagnosis.details.toPlainText()
    assert "MSGTRK20261127-1.LOG:" in details and "non-delivery reports" in details
    wizard.diagnosis.copy()
    assert "NDR backscatter" in QGuiApplication.clipboard().text()

    wizard.next()
    assert wizard.currentId() == TriageWizard.PLAN
    plan = wizard.plan.plain
    assert "Set-RemoteDomain Default -NDREnabled $false" in wizard.plan.text.toPlainText()
    qtbot.mouseClick(wizard.plan.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == plan
    assert plan.index("Stop the bleeding") < plan.index("Remove the queued NDRs")
    assert "Set-RemoteDomain Default -NDREnabled $false" in plan
    assert "Exchange 2010" in wizard.plan.version.text()  # from the log header

    wizard.next()
    assert wizard.currentId() == TriageWizard.EXPORT
    target = tmp_path / "out" / "triage.html"
    wizard.export.ask_save_path = lambda default: str(target)
    assert wizard.export.save() == target
    html = target.read_text(encoding="utf-8")
    assert "NDR backscatter" in html and "holiday.jpg" in html

    wizard.accept()  # "Start over"
    assert wizard.currentId() == TriageWizard.SYMPTOMS
    assert wizard.evidence.table.rowCount() == 0 and wizard.state.files == []


def test_answers_only_and_add_files_button(tab, qtbot, evidence_dir):
    wizard = tab.wizard
    wizard.symptoms.set_answer("queues_long", "no")
    wizard.symptoms.set_answer("ip_listed", "yes")
    wizard.symptoms.set_answer("shared_ip", "yes")
    wizard.next()
    wizard.next()
    wizard.next()
    assert wizard.diagnosis.tree.topLevelItem(0).text(0) == "Compromised workstation"
    assert "From your answers" in wizard.diagnosis.details.toPlainText()
    wizard.back()
    wizard.back()
    files = workstation(evidence_dir)
    wizard.evidence.ask_open_paths = lambda: [str(p) for p in files]
    qtbot.mouseClick(wizard.evidence.add_button, Qt.MouseButton.LeftButton)
    _wait_import(qtbot, wizard.evidence)
    wizard.next()
    wizard.next()
    top = wizard.diagnosis.tree.topLevelItem(0)
    assert top.text(0) == "Compromised workstation" and "192.168.1.37" in top.text(2)
    assert int(top.text(1).rstrip("%")) > 80


def test_bad_server_ip_blocks_next(tab, qtbot):
    wizard = tab.wizard
    wizard.symptoms.server_ip.setText("192.168.1.300")
    assert not wizard.symptoms.isComplete()
    assert "Not an IP address" in wizard.symptoms.error.text()
    wizard.symptoms.server_ip.setText("192.168.1.10, 203.0.113.4")
    assert wizard.symptoms.isComplete()


def test_remove_file_reimports_the_rest(tab, qtbot, evidence_dir):
    wizard = tab.wizard
    wizard.next()
    (a := evidence_dir / "a").mkdir()
    (b := evidence_dir / "b").mkdir()
    files = backscatter(a) + healthy(b)[:1]
    wizard.evidence.add_paths(files)
    _wait_import(qtbot, wizard.evidence)
    table = wizard.evidence.table
    table.selectRow(0)
    table.selectRow(1)
    wizard.evidence.table.setCurrentCell(0, 0)
    table.clearSelection()
    for row in (0, 1):
        for col in range(table.columnCount()):
            table.item(row, col).setSelected(True)
    wizard.evidence.remove_selected()
    _wait_import(qtbot, wizard.evidence)
    assert table.rowCount() == 1
    assert [Path(i.file).name for i in wizard.state.inputs] == ["MSGTRK20261127-2.LOG"]
    wizard.next()
    wizard.next()
    assert wizard.state.result.findings == []
    assert wizard.diagnosis.verdict.text().startswith("Healthy: outbound mail flows and no cause of queue trouble was found. This rests on ")


def test_cancel_during_import_keeps_the_gui_responsive(tab, qtbot, evidence_dir, monkeypatch):
    from sbskit.core.triage import samples as S
    from sbskit.core.triage import textio

    # a slow disk: every progress tick takes a little longer, so a loaded CI machine cannot
    # finish the import between "progress seen" and the click on Cancel
    real_tick = textio.Progress.tick

    ticks = []

    def slow_tick(self):
        ticks.append(1)
        time.sleep(0.03)
        real_tick(self)

    monkeypatch.setattr(textio.Progress, "tick", slow_tick)

    big = S.TrackingLog("2016", seed=9)
    big.normal_traffic(300)
    lines = big.lines[:5] + big.lines[5:] * 800  # ~480k lines: seconds of reading, cancelled at ~3%
    path = S.write_text(evidence_dir / "MSGTRK-big.LOG", lines)
    wizard = tab.wizard
    wizard.next()
    page = wizard.evidence
    page.add_paths([path])
    assert page.busy and page.cancel_button.isEnabled() and not page.isComplete()
    qtbot.waitUntil(lambda: page.progress.value() > 0, timeout=20000)  # the GUI keeps running meanwhile
    assert page.busy  # ~7% of the file read: far from done
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    _wait_import(qtbot, page)
    assert "cancelled" in page.status.text().lower()
    assert wizard.state.inputs == [] and wizard.state.files == [] and page.table.rowCount() == 0
    assert wizard.state.evidence.formats == {}  # nothing half-read is kept
    assert 0 < len(ticks) < 30  # read in ticks, and stopped well before the end (~30 ticks)


def test_prepare_screenshot_shows_the_labelled_sample(tab, qtbot):
    runs = []
    tab.run_completed.connect(lambda kind, doc: runs.append(kind))
    tab.prepare_screenshot()
    assert runs == [] and tab.report_sections() == []  # the sample is never a client's result
    assert tab.wizard.currentId() == TriageWizard.DIAGNOSIS
    assert tab.sample_banner.isVisible() and "SAMPLE" in tab.sample_banner.text()
    assert tab.wizard.diagnosis.outcome.text().startswith("SAMPLE DATA")
    assert tab.wizard.diagnosis.tree.topLevelItem(0).text(0) == "Authenticated relay"
    tab.wizard.accept()
    assert not tab.wizard.state.sample


def test_keyboard_add_and_delete(tab, qtbot, evidence_dir):
    wizard = tab.wizard
    qtbot.keyClick(wizard, Qt.Key.Key_Return)  # Enter = Next
    assert wizard.currentId() == TriageWizard.EVIDENCE
    files = workstation(evidence_dir)
    page = wizard.evidence
    page.ask_open_paths = lambda: [str(files[0])]
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    _wait_import(qtbot, page)
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "Windows Firewall log (pfirewall.log)"
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.table.rowCount() == 0 and wizard.state.files == []
    assert page.table.accessibleName() and page.add_button.toolTip()

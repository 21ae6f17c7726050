"""Item 9: the visit report a consultant sends as is. Every tab is used for real with keys
(offline, or loopback only: the blocklist resolver is 127.0.0.1 where nothing answers), other
sub-pages are left open, then File > Export report (Ctrl+E) writes HTML and PDF."""

from __future__ import annotations

import base64
import re

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtTest import QTest

from sbskit.core.report import CheckSummary, LIGHTS
from sbskit.core.visit_summary import blacklist_summary, pop3_summary, worst
from sbskit.ui.shell.report_dialog import ReportOptions
from sbskit.ui.shell.report_views import PIXEL_RATIO, VIEW_SIZE, png_bytes, render_view
from window_keys import press, type_keys

pytestmark = pytest.mark.gui


def _click_into(widget, qtbot):
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(widget.hasFocus)


def use_every_tab(window, qtbot, tmp_path):
    tabs = window.tabs
    # OS version: paste-free, typed, identified with Ctrl+Enter
    tabs.setCurrentIndex(0)
    osver = window.ensure_tab(0)
    qtbot.waitUntil(osver.identify.input.isVisible)
    _click_into(osver.identify.input, qtbot)
    type_keys(window, "Microsoft Windows [Version 6.1.7601]")
    press(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: osver.identify.result is not None, timeout=10000)
    osver.sections.setCurrentIndex(2)  # leave the snippet generator open: the report must not show it
    # Blacklist: one IP, a resolver on loopback that refuses everything
    tabs.setCurrentIndex(1)
    blacklist = window.ensure_tab(1)
    qtbot.waitUntil(blacklist.resolver_edit.isVisible)
    blacklist.resolver_edit.setText("127.0.0.1:9")
    blacklist.timeout_spin.setValue(1)
    _click_into(blacklist.target_box.lineEdit(), qtbot)
    type_keys(window, "203.0.113.7")
    press(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: blacklist.worker is None and bool(blacklist.results.items), timeout=60000)
    # Queue triage: the admin's files, then back to the form (a blank form must not be pictured)
    from sbskit.core.triage.samples import scenario_authenticated_relay

    tabs.setCurrentIndex(2)
    wizard = window.ensure_tab(2).wizard
    qtbot.waitUntil(lambda: wizard.currentPage() is not None and wizard.currentPage().isVisible())
    wizard.symptoms.set_answer("queues_long", "yes")
    wizard.next()
    wizard.evidence.add_paths(scenario_authenticated_relay(tmp_path / "evidence"))
    qtbot.waitUntil(lambda: not wizard.evidence.busy, timeout=30000)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.state.result is not None)
    wizard.restart()
    # POP3: two answers chosen with keys on the focused Status combos
    tabs.setCurrentIndex(3)
    pop3 = window.ensure_tab(3)
    checklist = pop3.checklist
    qtbot.waitUntil(lambda: checklist.loaded and checklist.table.isVisible(), timeout=5000)
    for row in (1, 2):
        combo = checklist.status_combo(row)
        combo.setFocus()
        qtbot.waitUntil(combo.hasFocus)
        press(window, Qt.Key.Key_Down)
        press(window, Qt.Key.Key_Down)  # Not assessed -> Fine -> At risk
    assert checklist.sheet.state(checklist.item_id(1)).status == "at-risk"
    pop3.pages.setCurrentIndex(2)  # the relay form open, never run
    return osver, blacklist, wizard, pop3


@pytest.fixture
def exported(main_window, qtbot, tmp_path):
    osver, blacklist, wizard, pop3 = use_every_tab(main_window, qtbot, tmp_path)
    options = ReportOptions(client="Acme Dental", site="Main office", consultant="Dana Consultant",
                            base_path=tmp_path / "visit", html=True, pdf=True, screenshots=True, page="A4")
    main_window.ask_report_options = lambda: options
    press(main_window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main_window.report_worker is not None and not main_window.report_worker.running,
                    timeout=60000)
    html = (tmp_path / "visit.html").read_text(encoding="utf-8")
    return html, tmp_path / "visit.pdf", (osver, blacklist, wizard, pop3)


def test_page_one_is_an_executive_summary(exported):
    html, pdf, _ = exported
    summary = html[html.index("<h2>Summary</h2>"):html.index("page-break-before")]
    rows = re.findall(r"<tr><td>.*?</tr>", summary)
    assert len(rows) == 4  # one line per result (no client chosen: everything of this session)
    for check in ("Windows version: 6.1.7601", "Blacklist lookup: 203.0.113.7", "Queue triage", "POP3 checklist"):
        assert f"<b>{check}" in summary
    assert "Could not tell" in summary  # every list failed: never "OK", never "Not listed" first
    assert "Out of support" in summary and "Problem" in summary
    assert html.index("Acme Dental") < html.index("<h2>Summary</h2>")
    assert pdf.exists() and pdf.read_bytes().count(b"/Type /Page\n") + pdf.read_bytes().count(b"/Type /Page ") >= 3


def test_the_data_versions_are_in_an_appendix_without_file_names(exported):
    html, _, _ = exported
    cover = html[:html.index("<h2>Summary</h2>")]
    assert "Data" not in cover and ".json" not in cover
    appendix = html[html.index("<h2>About this report</h2>"):]
    assert "Windows releases 20" in appendix and "DNS blocklists 20" in appendix
    assert ".json" not in appendix and ".svg" not in appendix and "art/" not in appendix


def test_client_wording_no_cli_options_or_local_paths(exported, tmp_path):
    html, _, _ = exported
    body = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert "sbskit-cli" not in body and not re.findall(r"(?<![\w-])--[a-z][a-z-]+", body)  # no CLI option at all
    assert str(tmp_path) not in body  # the evidence files and the report's folder are the consultant's
    listings = body[body.index(">Listings</h3>"):]
    listings = listings[:listings.index("<h3")]
    assert "No blocklist answered, so no listing could be seen" in listings  # never "No list ... lists these"


def test_client_words_cover_the_cores_cli_options():
    from sbskit.core.report import client_words

    said = client_words("test from outside the network, or use --as-outsider if the server does not trust it; "
                        "give it with --name (in the GUI: &quot;Name clients use&quot;); name it with --resolver; "
                        "(--dqs-key); give it (--server-ip) so it is not named")
    assert "--" not in said and "the Outsider option" in said and "in the Name clients use field" in said


def test_the_listings_sentence_is_could_not_tell_unless_every_blocklist_answered():
    from sbskit.core.dnsbl.report import no_listing_text
    from sbskit.core.dnsbl.summary import summarize

    def text(statuses):
        return no_listing_text(summarize(_bl_doc(statuses)["targets"]))

    assert text(["clean"] * 5).startswith("Not listed: every blocklist asked answered (5 answers)")
    assert text(["error"] * 5).startswith("No blocklist answered, so no listing could be seen")
    partial = text(["clean"] * 3 + ["error"] * 2)
    assert "show no listing, but 2 could not answer" in partial and "could not tell" in partial


def test_evidence_is_tables_and_identical_failures_are_collapsed(exported):
    html, _, _ = exported
    chapter = html[html.index(">Windows version: 6.1.7601</h2>"):html.index(">Blacklist lookup: 203.0.113.7</h2>")]
    assert "<table class='grid'" in chapter and "Windows Server 2008 R2 SP1" in chapter
    assert "<pre>" not in chapter
    start = html.index("Could not be checked")
    failed = html[start:html.index("<h", start + 30)]  # up to the next heading
    assert re.search(r"\d{2} lists \(", failed)  # "32 lists (Spamhaus ZEN, ...)" in one row
    assert failed.count("<tr") < 10


def _embedded_images(html: str) -> list[QImage]:
    return [QImage.fromData(base64.b64decode(data), "PNG")
            for data in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)]


def test_pictures_are_the_result_views_at_a_fixed_size(exported):
    html, _, (osver, _blacklist, wizard, _pop3) = exported
    images = _embedded_images(html)
    assert len(images) == 4  # identify, blocklist results, diagnosis, checklist (nothing for the unused relay)
    expected = (int(VIEW_SIZE.width() * PIXEL_RATIO), int(VIEW_SIZE.height() * PIXEL_RATIO))
    assert all((image.width(), image.height()) == expected for image in images)
    assert osver.sections.currentIndex() == 2 and wizard.currentId() == wizard.SYMPTOMS  # left as they were
    first = images[0]
    identify = QImage.fromData(png_bytes(render_view(osver.identify.result_view)), "PNG")
    assert first == identify  # the Identify result, although the Snippet generator was open


def test_a_picture_shows_whole_rows_and_no_scroll_bars(qtbot):
    """A table longer than the picture: its last, partly shown row is left out, and neither scroll
    bar is drawn (then the table gets its own policies back)."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

    table = QTableWidget(60, 3)
    table.verticalHeader().setVisible(False)
    qtbot.addWidget(table)
    for row in range(60):
        for col in range(3):
            item = QTableWidgetItem(f"row {row} column {col} " + "x" * 40)
            item.setBackground(QColor("#fbe3e1"))
            table.setItem(row, col, item)
    size = VIEW_SIZE - QSize(0, 7)  # so that a row is cut
    table.resize(size)
    plain = QPixmap(size * PIXEL_RATIO)
    plain.setDevicePixelRatio(PIXEL_RATIO)
    table.render(plain)  # what a plain grab shows: scroll bars, half a row at the bottom
    image = render_view(table, size).toImage()
    plain = plain.toImage()
    assert table.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded  # given back
    base = table.palette().color(table.viewport().backgroundRole()).name()

    def colours(img, x, y0, y1):
        return {img.pixelColor(x, y).name() for y in range(y0, y1)}

    right, middle, bottom = image.width() - 4, image.height() // 2, image.height() - 6
    assert colours(plain, right, middle, bottom) - {base}  # the scroll bar is there in a plain grab ...
    assert colours(image, right, middle, bottom) == {base}  # ... and not in the report's picture
    x = int(20 * PIXEL_RATIO)  # inside the first column
    assert plain.pixelColor(x, bottom).name() == "#fbe3e1"  # half a pink row at the bottom of the grab ...
    assert image.pixelColor(x, bottom).name() == base  # ... left out of the picture


def test_the_pop3_memo_names_the_consultant_from_the_settings(exported, main_window):
    _, _, (_, _, _, pop3) = exported
    memo = pop3.memo_html()
    assert "Dana Consultant" in memo  # typed in the report dialog this session
    assert "e-mail" not in re.search(r"<h1>(.*?)</h1>", memo).group(1)


# --- the lights, from the results alone ---------------------------------------------------
def _bl_doc(statuses):
    results = [{"zone": f"z{i}.example", "name": f"List {i}", "status": s, "verdict": "bad" if s == "listed" else None,
                "error": "timeout" if s == "error" else None, "meanings": [], "txt": [], "detail": ""}
               for i, s in enumerate(statuses)]
    return {"targets": [{"target": "203.0.113.7", "results": results}]}


def test_blacklist_light_is_green_only_when_blocklists_answered():
    assert blacklist_summary(_bl_doc(["clean"] * 5)).light == "green"
    assert blacklist_summary(_bl_doc(["error"] * 5)).light == "amber"
    assert blacklist_summary(_bl_doc(["clean"] * 4 + ["error"])).light == "amber"
    assert blacklist_summary(_bl_doc(["clean", "listed"])).light == "red"
    assert blacklist_summary({"targets": []}) is None


def test_pop3_light_and_worst():
    assert pop3_summary(None, None, {"open_relay": True}).light == "red"
    assert pop3_summary(None, {"risk": "low", "host": "x"}, {"open_relay": None, "error": "timeout"}).light == "amber"
    assert pop3_summary(None, None, None) is None
    assert worst(["green", "amber"]) == "amber" and worst([]) == "grey"
    assert set(LIGHTS) == {"red", "amber", "warning", "green", "grey"}
    assert CheckSummary("x", "red", "v", "a").light in LIGHTS


def test_a_resolver_problem_is_the_summary_and_its_fix_the_action():
    doc = _bl_doc(["error"] * 5)
    doc["resolver_problem"] = {"headline": "Your resolver (127.0.0.1:9) cannot reach the blocklists: it refuses.",
                               "advice": "Use another resolver: the mail server's own. For Spamhaus a DQS key works."}
    summary = blacklist_summary(doc)
    assert summary.light == "amber"
    assert summary.verdict.startswith("Your resolver (127.0.0.1:9)") and "Could not tell" in summary.verdict
    assert summary.action == "Use another resolver: the mail server's own."


def test_probe_light_rests_on_a_final_risk():
    from sbskit.core.visit_summary import maildns_summary, probe_summary

    base = {"host": "mail.acme.test", "complete": True}
    assert probe_summary({**base, "risk": "high"}).light == "red"
    assert probe_summary({**base, "risk": "low", "risk_final": True}).light == "green"
    unsettled = probe_summary({**base, "risk": "low", "risk_final": False, "risk_could_be": "high",
                               "headline": "overall risk at least LOW: could be HIGH (IMAP login unanswered)"})
    assert unsettled.light == "amber" and "could be HIGH" in unsettled.verdict
    assert probe_summary({**base, "risk": "low", "complete": False}).light == "amber"
    assert probe_summary({**base, "risk": "medium", "risk_final": True}).light == "warning"
    checks = [{"id": "spf", "status": "ok", "title": "SPF"}, {"id": "dmarc", "status": "warning", "title": "DMARC",
                                                               "fix": "Publish p=quarantine. Then watch."}]
    assert maildns_summary({"domain": "acme.test", "checks": checks}).light == "warning"
    checks.append({"id": "mx", "status": "error", "title": "MX", "fix": ""})
    assert maildns_summary({"domain": "acme.test", "checks": checks}).light == "amber"
    checks.append({"id": "dkim", "status": "problem", "title": "DKIM", "fix": "Turn on signing. Details."})
    summary = maildns_summary({"domain": "acme.test", "checks": checks})
    assert summary.light == "red" and summary.action == "Turn on signing."


def test_relay_light_and_action_follow_the_tests_own_verdict():
    from sbskit.core.visit_summary import relay_summary

    trusted = relay_summary({"host": "127.0.0.1", "open_relay": None, "verdict": "accepted-from-trusted-network",
                             "summary": "could not tell: 16 of 16 variants were accepted, but from the server itself"})
    assert trusted.light == "amber" and "from outside the network" in trusted.action
    assert "Nothing to do" not in trusted.action and "16 of 16" in trusted.verdict
    assert relay_summary({"host": "mx", "open_relay": True, "verdict": "possibly-open"}).light == "red"
    assert relay_summary({"host": "mx", "open_relay": False, "verdict": "closed"}).light == "green"
    assert relay_summary({"host": "mx", "open_relay": None, "error": "timeout"}).light == "amber"

"""The shell: four tabs in order, menus, state restored, screenshots, About, the warning bar."""

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from sbskit.core.paths import app_paths
from sbskit.core.settings import Settings
from sbskit.ui.app import render_screenshots
from sbskit.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

APP_DIR = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture
def window(qtbot):
    win = MainWindow(settings=Settings())
    qtbot.addWidget(win)
    return win


def test_four_tabs_in_order(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["OS version", "Blacklist lookup", "Queue triage", "POP3 risk"]


def test_file_menu_actions(window):
    assert window.action_save_screenshot.shortcut().toString() == "Ctrl+Shift+S"
    assert window.action_export_report.isEnabled()
    assert window.action_quit.isEnabled()


def test_window_size_and_last_tab_are_restored(qtbot):
    first = MainWindow(settings=Settings())
    qtbot.addWidget(first)
    first.show()
    first.resize(790, 560)
    qtbot.waitUntil(lambda: first.width() == 790)
    first.tabs.setCurrentIndex(2)
    first.close()  # saves state
    second = MainWindow(settings=Settings())
    qtbot.addWidget(second)
    second.show()
    assert second.tabs.currentIndex() == 2
    assert (second.width(), second.height()) == (790, 560)


def test_save_screenshot_via_menu_uses_injected_dialog(window, tmp_path):
    target = tmp_path / "shot.png"
    window.ask_save_path = lambda default: str(target)
    window.show()
    window.action_save_screenshot.trigger()
    image = QImage(str(target))
    assert not image.isNull() and image.width() > 200


def test_copy_screenshot_puts_image_on_clipboard(window):
    window.show()
    window.action_copy_screenshot.trigger()
    assert not QApplication.clipboard().image().isNull()


def test_render_screenshots_writes_one_png_per_tab_and_refuses_overwrite(window, tmp_path):
    written = render_screenshots(window, tmp_path, force=False)
    assert [p.name for p in written] == [
        "01-os-version.png", "02-blacklist.png", "03-queue-triage.png", "04-pop3-risk.png"
    ]
    assert all(not QImage(str(p)).isNull() for p in written)
    with pytest.raises(FileExistsError):
        render_screenshots(window, tmp_path, force=False)
    assert len(render_screenshots(window, tmp_path, force=True)) == 4


def test_about_names_version_data_and_folders(window):
    text = window.about_text()
    assert "0." in text and "art/sbskit.svg" in text
    assert str(app_paths().logs) in text and "portable" in text


def test_warning_bar_shown_for_temporary_storage(qtbot, tmp_path):
    from dataclasses import replace

    paths = replace(app_paths(), mode="temporary", warning="The portable folder X cannot be written")
    win = MainWindow(settings=Settings(), paths=paths)
    qtbot.addWidget(win)
    win.show()
    assert win.warning_bar.isVisible()
    assert "cannot be written" in win.warning_bar.text()


def test_screenshots_command_line_end_to_end(tmp_path, isolated_home):
    env = {"PYTHONPATH": str(APP_DIR), "SBSKIT_HOME": str(isolated_home), "QT_QPA_PLATFORM": "offscreen",
           "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "sbskit", "--screenshots", str(tmp_path / "shots")]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in (tmp_path / "shots").iterdir()) == [
        "01-os-version.png", "02-blacklist.png", "03-queue-triage.png", "04-pop3-risk.png"
    ]
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert again.returncode == 2
    assert "--force" in again.stderr and "Traceback" not in again.stderr
    forced = subprocess.run(cmd + ["--force", "--theme", "dark"], capture_output=True, text=True, timeout=120, env=env)
    assert forced.returncode == 0, forced.stderr
    # portable mode: the app wrote its log inside SBSKIT_HOME
    assert (isolated_home / "logs" / "sbskit.log").is_file()


def test_export_report_writes_html_and_pdf_with_tab_sections(window, qtbot, tmp_path):
    from sbskit.core.report import Section
    from sbskit.ui.shell.report_dialog import ReportOptions

    from sbskit.ui.common.tab_base import KitTab

    tab = window.tab_widgets[1]
    tab.report_parts = lambda: KitTab.report_parts(tab)  # a tab that offers only the three simple methods
    tab.report_sections = lambda: [Section("Verdicts", "<p>listed on 1 of 3 lists</p>")]
    tab.report_views = lambda: [("The results", tab.results)]  # pictured offscreen at the report's size
    window.ask_report_options = lambda: ReportOptions("Contoso", "HQ", "Alex", tmp_path / "visit")
    errors = []
    window.show_error = errors.append
    window.show()
    window.action_export_report.trigger()
    qtbot.waitUntil(lambda: not window.report_worker.running, timeout=30_000)
    assert errors == []
    html_text = (tmp_path / "visit.html").read_text(encoding="utf-8")
    assert "Contoso" in html_text and ">Blacklist lookup</h2>" in html_text and "<h3>Verdicts</h3>" in html_text
    assert "listed on 1 of 3 lists" in html_text
    assert "data:image/png;base64," in html_text  # the tab's result view is pictured
    assert ">OS version</h2>" not in html_text  # unused tabs contribute nothing
    pdf = (tmp_path / "visit.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Image" in pdf


def test_export_report_failure_is_shown_not_raised(window, qtbot, tmp_path):
    from sbskit.ui.shell.report_dialog import ReportOptions

    blocker = tmp_path / "file"
    blocker.write_text("x")
    window.ask_report_options = lambda: ReportOptions("C", "", "", blocker / "visit", pdf=False)
    errors = []
    window.show_error = errors.append
    window.action_export_report.trigger()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert "cannot write the report" in errors[0]


def test_view_menu_jumps_to_tabs_with_ctrl_number(window):
    assert [a.shortcut().toString() for a in window.tab_actions] == ["Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"]
    window.tab_actions[3].trigger()
    assert window.tabs.currentIndex() == 3


def test_current_client_records_runs_and_report_tells_since_last_visit(window, qtbot, tmp_path):
    from sbskit.core.profiles.store import ProfileStore
    from sbskit.ui.shell.report_dialog import ReportOptions

    store = ProfileStore()
    store.add("Contoso")
    store.close()
    window.choose_profile = lambda current: "Contoso"
    window.action_choose_client.trigger()
    assert window.current_client == "Contoso" and "Contoso" in window.windowTitle()

    def blacklist_doc(status):
        return {"resolver": ["127.0.0.1"], "targets": [{"target": "192.0.2.7", "kind": "ipv4", "results": [
            {"zone": "bl.example.org", "status": status, "codes": ["127.0.0.2"] if status == "listed" else [],
             "meanings": [], "txt": [], "error": None, "detail": "", "delist_url": ""}]}]}

    tab = window.tab_widgets[1]
    for status in ("clean", "listed"):
        tab.run_completed.emit("blacklist", blacklist_doc(status))
        qtbot.waitUntil(lambda: not window.history_workers, timeout=10_000)
        if status == "clean":  # the clean run was the last visit (a visit is the runs of one day)
            store = ProfileStore()
            for table in ("runs", "facts", "run_targets"):
                store.conn.execute(f"UPDATE {table} SET at = '2026-03-03T10:00:00.000000Z'")
            store.close()
    store = ProfileStore()
    assert len(store.runs("Contoso")) == 2
    store.close()

    window.ask_report_options = lambda: ReportOptions("Contoso", "", "", tmp_path / "visit", pdf=False)
    window.action_export_report.trigger()
    qtbot.waitUntil(lambda: not window.report_worker.running, timeout=30_000)
    text = (tmp_path / "visit.html").read_text(encoding="utf-8")
    assert "Since the last visit" in text
    assert "bl.example.org" in text and "new since the last visit" in text


def test_no_client_means_runs_are_not_recorded(window, qtbot):
    window.set_current_client("")
    window.tab_widgets[0].run_completed.emit("osver", {"version": "6.0.6001"})
    assert window.history_workers == []


def test_tab_table_matches_the_tab_classes():
    from sbskit.ui.shell.tabs import TABS

    for spec in TABS:
        cls = spec.load()
        assert (cls.slug, cls.title) == (spec.slug, spec.title)


def test_only_the_visible_tab_is_built_before_the_first_paint_and_the_rest_follow(qtbot):
    win = MainWindow(settings=Settings())
    qtbot.addWidget(win)
    assert [t is not None for t in win._built] == [True, False, False, False]
    win.show()
    qtbot.waitUntil(lambda: all(t is not None for t in win._built), timeout=10_000)
    assert win.tabs.currentIndex() == 0


def test_report_dialog_options_and_letter_pdf(qtbot, tmp_path):

    from sbskit.core.report import Report
    from sbskit.documents.files import write_report_file
    from sbskit.ui.shell.report_dialog import ReportDialog

    dialog = ReportDialog(tmp_path / "visit.pdf", consultant="Alex")
    qtbot.addWidget(dialog)
    dialog.client.setText("  Contoso ")
    dialog.page.setCurrentText("Letter")
    dialog.html.setChecked(False)
    options = dialog.options()
    assert options.client == "Contoso" and options.consultant == "Alex"
    assert options.targets() == [tmp_path / "visit.pdf"] and options.page == "Letter"
    dialog.pdf.setChecked(False)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Save).isEnabled()  # nothing to write

    letter, a4 = tmp_path / "l.pdf", tmp_path / "a.pdf"
    write_report_file(Report("t"), letter, page="Letter")
    write_report_file(Report("t"), a4, page="A4")
    # the page box in points: Letter 612 x 792, A4 595 x 842
    assert b"MediaBox [0 0 612.000000 792.000000]" in letter.read_bytes()
    assert b"MediaBox [0 0 595" in a4.read_bytes()

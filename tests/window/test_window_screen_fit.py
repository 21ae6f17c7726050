"""Item 6: the window and its dialogs fit the screen they open on (1366x768 with a taskbar,
1920x1080 at 150 %), long content scrolls, and a saved geometry is restored only if it fits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sbskit.ui.common.screen_fit import FRAME_ALLOWANCE, fit_rect, fits, fits_any

LAPTOP = (0, 0, 1366, 728)  # 1366x768 less a 40 px taskbar at the bottom
SCALED_150 = (0, 0, 1280, 680)  # 1920x1080 at 150 %: 1280x720 logical, less the taskbar
LEFT_TASKBAR = (60, 0, 1306, 768)
BIG = (0, 0, 2560, 1400)


def frame_inside(rect, available):
    x, y, w, h = rect
    border = FRAME_ALLOWANCE[0] // 2
    top = FRAME_ALLOWANCE[1] - border
    ax, ay, aw, ah = available
    return x - border >= ax and y - top >= ay and x + w + border <= ax + aw and y + h + border <= ay + ah


@pytest.mark.parametrize("available", [LAPTOP, SCALED_150, LEFT_TASKBAR, (0, 0, 800, 600)])
def test_the_window_shrinks_to_fit_small_screens(available):
    rect = fit_rect(available, (1100, 740), (640, 420))
    assert frame_inside(rect, available)
    assert rect[2] <= 1100 and rect[3] <= 740
    assert fits(rect, available)


def test_a_big_screen_gets_the_preferred_size_centred():
    x, y, w, h = fit_rect(BIG, (1100, 740))
    assert (w, h) == (1100, 740)
    assert abs((x - BIG[0]) - (BIG[2] - (x + w))) <= FRAME_ALLOWANCE[0]


def test_the_rerun_dialog_height_is_capped_by_a_768_px_screen():
    rect = fit_rect(LAPTOP, (700, 870))
    assert rect[3] + FRAME_ALLOWANCE[1] <= 728 and frame_inside(rect, LAPTOP)


def test_a_saved_geometry_is_kept_only_where_it_fits():
    saved_on_big_monitor = (100, 80, 1800, 1200)
    assert not fits_any(saved_on_big_monitor, [LAPTOP])
    assert fits_any(saved_on_big_monitor, [LAPTOP, BIG])
    assert fits_any((200, 100, 900, 500), [LAPTOP])
    assert not fits_any((3000, 100, 900, 500), [LAPTOP, BIG])  # on a monitor that is gone


SCRIPT = textwrap.dedent("""
    import json, sys
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1] + ["-platform", sys.argv[1]])
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow
    from sbskit.ui.common.text_dialog import TextDialog
    settings = Settings()
    if len(sys.argv) > 2:
        settings.set("window/geometry", sys.argv[2])
    window = MainWindow(settings=settings)
    window.persist_state = False
    window.show()
    for _ in range(5):
        app.processEvents()
    tabs = [window.ensure_tab(i) for i in range(4)]
    out = {"screen": app.primaryScreen().availableGeometry().getRect(), "window": window.frameGeometry().getRect(),
           "scrolls": []}
    for index in range(4):
        window.tabs.setCurrentIndex(index)
        app.processEvents()
        area = window.tabs.currentWidget()
        out["scrolls"].append(area.verticalScrollBar().maximum() > 0 or area.viewport().height() >= area.widget().minimumSizeHint().height())
    lines = "\\n".join(f"203.0.113.{i}: listed on list{i}.example since the last visit" for i in range(60))
    dialog = TextDialog("Acme: 3 check(s) re-run", lines, window)
    dialog.show()
    app.processEvents()
    out["dialog"] = dialog.frameGeometry().getRect()
    print(json.dumps(out))
""")


def run_on_screen(tmp_path, width, height, scale="1", geometry=None):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "test", "x": 0, "y": 0, "width": width, "height": height,
                                               "logicalDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_SCALE_FACTOR=scale, SBSKIT_HOME=str(tmp_path / "home"),
               PYTHONPATH=str(Path(__file__).resolve().parents[2] / "app"))
    env.pop("QT_QPA_PLATFORM", None)  # the -platform argument names the screen
    args = [sys.executable, "-c", SCRIPT, f"offscreen:configfile={config}"] + ([geometry] if geometry else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def inside(rect, screen):
    x, y, w, h = rect
    sx, sy, sw, sh = screen
    return x >= sx and y >= sy and x + w <= sx + sw and y + h <= sy + sh


@pytest.mark.gui
@pytest.mark.parametrize("width, height, scale", [(1366, 768, "1"), (1920, 1080, "1.5"), (1280, 800, "2")])
def test_window_and_rerun_dialog_fit_a_real_offscreen_screen(tmp_path, width, height, scale):
    found = run_on_screen(tmp_path, width, height, scale)
    assert inside(found["window"], found["screen"]), found
    assert inside(found["dialog"], found["screen"]), found
    assert all(found["scrolls"]), found  # every tab either fits or scrolls


@pytest.mark.gui
def test_a_geometry_saved_on_a_bigger_screen_is_not_restored(tmp_path, qtbot):
    from PySide6.QtWidgets import QMainWindow
    import base64

    big = QMainWindow()
    qtbot.addWidget(big)
    big.setGeometry(50, 50, 1800, 1150)
    saved = base64.b64encode(bytes(big.saveGeometry())).decode("ascii")
    found = run_on_screen(tmp_path, 1366, 768, "1", geometry=saved)
    assert inside(found["window"], found["screen"]), found

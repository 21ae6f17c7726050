"""Process start to the main window's first paint, against an empty 4-tab QMainWindow.

Both run as whole processes (offscreen), alternating, so machine noise hits both alike.
The kit's child runs the real ``sbskit.ui.app.main``; a paint-event filter prints a line
and quits on the first paint. Prints medians and the ratio (goal: under 2x).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[2] / "app"

_PAINT_HOOK = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    done = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not FirstPaint.done:
            FirstPaint.done = True
            print("painted", flush=True)
            QTimer.singleShot(0, QApplication.quit)
        return False

def watch(window):
    hook = FirstPaint(window)
    window._first_paint_hook = hook
    window.installEventFilter(hook)
"""

KIT_CHILD = _PAINT_HOOK + """
import sys
from sbskit.ui import app
from sbskit.ui.shell import main_window
original_show = main_window.MainWindow.show
def show(self):
    watch(self)
    original_show(self)
main_window.MainWindow.show = show
raise SystemExit(app.main([]))
"""

BASELINE_CHILD = _PAINT_HOOK + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget
app = QApplication(sys.argv[:1])
window = QMainWindow()
tabs = QTabWidget()
for title in ("OS version", "Blacklist lookup", "Queue triage", "POP3 risk"):
    tabs.addTab(QWidget(), title)
window.setCentralWidget(tabs)
window.resize(1100, 740)
watch(window)
window.show()
raise SystemExit(app.exec())
"""


def time_child(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if line.strip() != "painted":
        raise RuntimeError(f"child did not paint (exit {proc.returncode})")
    return elapsed


def main(rounds: int = 7) -> float:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SBSKIT_HOME=home,
                   PYTHONPATH=str(APP_DIR) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        time_child(BASELINE_CHILD, env)  # warm the OS file cache for both
        time_child(KIT_CHILD, env)
        kit, base = [], []
        for _ in range(rounds):
            base.append(time_child(BASELINE_CHILD, env))
            kit.append(time_child(KIT_CHILD, env))
    k, b = statistics.median(kit), statistics.median(base)
    ratio = k / b
    print(f"empty 4-tab QMainWindow: median {b * 1000:.0f} ms over {rounds} runs")
    print(f"sbskit main window:      median {k * 1000:.0f} ms over {rounds} runs")
    print(f"ratio: {ratio:.2f}x (goal: under 2x)")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)

"""Every GUI job starts through ``ui/common/job_panel.start_job``: one place wires a worker's signals.

(The pages' own tests check progress, Cancel and errors; this keeps new code from hand-wiring again.)
"""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "app" / "sbskit" / "ui"
ALLOWED = {UI / "common" / "job_panel.py", UI / "common" / "workers.py"}


def test_no_hand_wired_job_worker():
    wired = []
    for path in sorted(UI.rglob("*.py")):
        if path in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bJobWorker\(", line):
                wired.append(f"{path.relative_to(UI)}:{number}")
    assert wired == [], "start these jobs with start_job: " + ", ".join(wired)


def test_start_job_runs_on_a_given_pool_and_queues_handlers_to_the_gui(qtbot):
    import threading

    from PySide6.QtCore import QThreadPool

    from sbskit.ui.common.job_panel import start_job

    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    gui, seen = threading.get_ident(), []
    worker = start_job(lambda _ctx: threading.current_thread().name, "pool test", pool=pool,
                       finished=lambda value: seen.append((value, threading.get_ident() == gui)),
                       ended=lambda: seen.append("ended"))
    assert seen == []  # nothing runs before the caller's next line (it may still store the worker)
    qtbot.waitUntil(lambda: "ended" in seen, timeout=5000)
    assert seen[0][1] is True and seen[0][0] != threading.main_thread().name
    assert not worker.running
    assert pool.waitForDone(1000)

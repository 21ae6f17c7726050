"""Long work runs off the GUI thread: the event loop keeps ticking and cancel stops the job."""

import threading
import time

import pytest
from PySide6.QtCore import QThread, QTimer

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext
from sbskit.ui.common.workers import JobWorker

pytestmark = pytest.mark.gui


def slow_job(steps: int, delay: float):
    """A deliberately slow core job: streams one result per step, polls for cancel."""

    def job(ctx: JobContext):
        for i in range(steps):
            ctx.check()
            time.sleep(delay)
            ctx.result(i)
            ctx.progress(i + 1, steps, f"step {i + 1}")
        return "done"

    return job


def test_event_loop_keeps_ticking_while_job_runs(qtbot):
    beats, results, threads = [], [], []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: beats.append(time.monotonic()))
    heartbeat.start()

    def job(ctx):
        threads.append(threading.current_thread() is threading.main_thread())
        return slow_job(20, 0.02)(ctx)

    worker = JobWorker(job, "slow")
    worker.result.connect(results.append)
    with qtbot.waitSignal(worker.finished, timeout=10_000) as done:
        worker.start()
    heartbeat.stop()
    assert done.args == ["done"]
    assert results == list(range(20))
    assert threads == [False], "the job ran on the GUI thread"
    # ~400 ms of work: a frozen loop would give one or two beats, a live one dozens
    assert len(beats) >= 15
    gaps = [b - a for a, b in zip(beats, beats[1:])]
    assert max(gaps) < 0.25


def test_cancel_stops_the_job(qtbot):
    results = []
    worker = JobWorker(slow_job(1000, 0.01), "long")
    worker.result.connect(results.append)
    finished = []
    worker.finished.connect(finished.append)
    worker.start()
    qtbot.waitUntil(lambda: len(results) >= 3, timeout=5000)
    with qtbot.waitSignal(worker.cancelled, timeout=5000):
        worker.cancel()
    qtbot.waitUntil(lambda: not worker.running, timeout=5000)
    assert finished == []
    assert 3 <= len(results) < 1000


def test_exceptions_become_failed_signals(qtbot):
    def broken(_ctx):
        raise RuntimeError("boom")

    def bad_input(_ctx):
        raise UserInputError("999.1.1.1 is not an IP address")

    worker = JobWorker(broken)
    with qtbot.waitSignal(worker.failed, timeout=5000) as failed:
        worker.start()
    message, details = failed.args
    assert "boom" in message and "Traceback" in details

    worker = JobWorker(bad_input)
    with qtbot.waitSignal(worker.failed, timeout=5000) as failed:
        worker.start()
    assert failed.args == ["999.1.1.1 is not an IP address", ""]


def test_progress_signal_reaches_gui_thread(qtbot):
    seen = []
    worker = JobWorker(slow_job(3, 0))
    worker.progress.connect(lambda d, t, m: seen.append((d, t, m, QThread.currentThread().isMainThread())))
    with qtbot.waitSignal(worker.ended, timeout=5000):
        worker.start()
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=2000)
    assert seen[-1] == (3, 3, "step 3", True)


def test_job_outliving_its_parent_widget_stops_quietly(qtbot):
    """A tab closed mid-job deletes the worker's Qt side: the job must stop, not crash the pool."""
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    steps = []

    def job(ctx):
        for i in range(500):
            ctx.check()
            steps.append(i)
            ctx.result(i)
            time.sleep(0.005)

    worker = JobWorker(job, "orphan", parent=parent)
    worker.start()
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=5000)
    parent.deleteLater()
    qtbot.waitUntil(lambda: worker not in __import__("sbskit.ui.common.workers", fromlist=["_RUNNING"])._RUNNING,
                    timeout=5000)
    assert len(steps) < 500  # the job noticed and stopped early


def test_start_job_wires_each_given_handler_and_runs_off_the_gui_thread(qtbot):
    from sbskit.ui.common.job_panel import start_job

    seen: dict[str, list] = {"result": [], "progress": [], "finished": [], "ended": [], "thread": []}

    def job(ctx: JobContext):
        seen["thread"].append(QThread.currentThread())
        return slow_job(3, 0.01)(ctx)

    worker = start_job(job, "three steps", result=seen["result"].append,
                       progress=lambda d, t, m: seen["progress"].append((d, t)), finished=seen["finished"].append,
                       ended=lambda: seen["ended"].append(True))
    qtbot.waitUntil(lambda: seen["ended"] == [True], timeout=5000)
    assert seen["result"] == [0, 1, 2] and seen["progress"][-1] == (3, 3) and seen["finished"] == ["done"]
    assert seen["thread"] and seen["thread"][0] is not QThread.currentThread()
    assert not worker.running


def test_start_job_failure_reaches_only_the_failed_handler(qtbot):
    from sbskit.ui.common.job_panel import start_job

    said = []

    def bad(_ctx):
        raise UserInputError("no such host")

    worker = start_job(bad, "bad", failed=lambda message, details: said.append((message, details)),
                       finished=lambda _v: said.append("finished?!"))
    qtbot.waitUntil(lambda: not worker.running and bool(said), timeout=5000)
    assert said == [("no such host", "")]

"""Run core jobs off the GUI thread and turn their plain callbacks into Qt signals.

A core function takes a :class:`~sbskit.core.jobs.JobContext`; :class:`JobWorker`
runs it on ``QThreadPool`` and re-emits ``progress``/``result`` as signals, which Qt
queues to the GUI thread. Every exception becomes ``failed`` (never a dead thread),
and ``cancel()`` is honoured at the job's next ``ctx.check()``.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import CancelToken, Cancelled, JobContext

log = logging.getLogger(__name__)

_RUNNING: set["JobWorker"] = set()  # keeps workers alive until their job ends


class JobWorker(QObject):
    """One background job. Connect the signals, then :meth:`start`."""

    progress = Signal(int, int, str)  # done, total (0 = unknown), message
    result = Signal(object)  # one streamed item
    finished = Signal(object)  # the job's return value, after success
    failed = Signal(str, str)  # a message for the admin, details (traceback or "")
    cancelled = Signal()
    ended = Signal()  # after finished, failed or cancelled: re-enable buttons here

    def __init__(self, job: Callable[[JobContext], Any], name: str = "job", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self.name = name
        self.token = CancelToken()
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def start(self, pool: QThreadPool | None = None) -> None:
        if self._running:
            raise RuntimeError(f"{self.name} is already running")
        self._running = True
        _RUNNING.add(self)
        (pool or QThreadPool.globalInstance()).start(_Runner(self))

    def cancel(self) -> None:
        self.token.cancel()

    def _emit(self, signal, *args) -> None:
        """Emit, unless the Qt side is gone (its parent was deleted, e.g. a tab closed mid-job):
        then there is nobody to tell, and the job is asked to stop."""
        try:
            signal.emit(*args)
        except RuntimeError:
            self.token.cancel()

    def _run(self) -> None:  # on the pool thread
        ctx = JobContext(
            progress=lambda done, total, message: self._emit(self.progress, done, total, message),
            result=lambda item: self._emit(self.result, item),
            is_cancelled=self.token,
        )
        try:
            value = self._job(ctx)
            if self.token.cancelled:
                self._emit(self.cancelled)
            else:
                self._emit(self.finished, value)
        except Cancelled:
            self._emit(self.cancelled)
        except UserInputError as exc:
            self._emit(self.failed, str(exc), "")
        except Exception as exc:  # noqa: BLE001 - every failure must reach the GUI
            log.exception("%s failed", self.name)
            self._emit(self.failed, f"{type(exc).__name__}: {exc}", traceback.format_exc())
        finally:
            self._running = False
            self._emit(self.ended)
            _RUNNING.discard(self)


class _Runner(QRunnable):
    def __init__(self, worker: JobWorker) -> None:
        super().__init__()
        self._worker = worker
        self.setAutoDelete(True)

    def run(self) -> None:
        self._worker._run()

"""Starting a background job and showing its outcome, written once for every tab and dialog.

:func:`start_job` makes a :class:`~sbskit.ui.common.workers.JobWorker`, connects the handlers
given and starts it (the wiring every place that runs a check or writes a file needs).
:class:`JobPanel` adds the usual panel around it: one job at a time, its buttons greyed
meanwhile, a :class:`BusyBar` with Cancel, failures on its :class:`MessageLine`, and saving
text to a file with the outcome said there too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

from sbskit.ui.common.job_widgets import BusyBar, MessageLine
from sbskit.ui.common.workers import JobWorker

Handler = Callable[..., Any]


def start_job(job: Callable, name: str, *, finished: Handler | None = None, failed: Handler | None = None,
              result: Handler | None = None, progress: Handler | None = None, cancelled: Handler | None = None,
              ended: Handler | None = None, pool: QThreadPool | None = None) -> JobWorker:
    """Run ``job(ctx)`` off the GUI thread (on ``pool``, default Qt's global one); each handler given is
    connected to the signal of its name (Qt queues them to the GUI thread, so code right after this call
    runs before any of them). Returns the started worker (keep it: cancel, ``running``)."""
    worker = JobWorker(job, name)
    for signal, handler in ((worker.finished, finished), (worker.failed, failed), (worker.result, result),
                            (worker.progress, progress), (worker.cancelled, cancelled), (worker.ended, ended)):
        if handler is not None:
            signal.connect(handler)
    worker.start(pool)
    return worker


def save_text(message: MessageLine, path: str, text: str) -> bool:
    """Write ``text`` to ``path`` atomically; say 'Saved ...' or why not on ``message``."""
    from sbskit.core.settings import atomic_write_text

    try:
        atomic_write_text(Path(path), text)
    except OSError as exc:
        message.show_message(f"Cannot write {path}: {exc.strerror or exc}", "bad")
        return False
    message.show_message(f"Saved {path}", "good")
    return True


class JobPanel(QWidget):
    """A panel that runs one job at a time. Subclasses set ``message``, ``busy``, ``job_buttons``
    (disabled while a job runs), ``ask_open_path``/``ask_save_path`` in their ``__init__``, and
    define ``open_path(path)``."""

    message: MessageLine
    busy: BusyBar
    job_buttons: tuple[QPushButton, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker: JobWorker | None = None

    def add_shortcuts(self, run: Callable[[], None]) -> None:
        """Ctrl+Enter runs the panel's main action; Escape cancels the running job."""
        QShortcut(QKeySequence("Escape"), self, activated=self.shutdown)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=run)

    def open_file(self) -> None:
        """Ask for a file (``ask_open_path``, replaceable in tests) and hand it to ``open_path``."""
        path = self.ask_open_path()
        if path:
            self.open_path(path)

    def _start(self, job: Callable, name: str, on_finished: Callable, **handlers: Handler) -> None:
        if self._worker is not None and self._worker.running:
            return
        self.message.clear_message()
        for b in self.job_buttons:
            b.setEnabled(False)
        # bound methods: Qt queues them to the GUI thread
        self._worker = start_job(job, name, finished=on_finished, failed=self._failed, ended=self._ended, **handlers)
        self.busy.attach(self._worker)

    def _failed(self, message: str, _details: str) -> None:
        self.message.show_message(message[:1].upper() + message[1:], "bad")

    def _ended(self) -> None:
        for b in self.job_buttons:
            b.setEnabled(True)

    def export_text(self, make_text: Callable[[], str]) -> None:
        """Ask for a path (``ask_save_path``, replaceable in tests) and save ``make_text()`` there."""
        path = self.ask_save_path()
        if path:
            save_text(self.message, path, make_text())

    def shutdown(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

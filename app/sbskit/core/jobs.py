"""Plain-callback job protocol shared by the CLI, the GUI workers and the tests.

Long checks (DNS sweeps, log imports, mail probes) take a :class:`JobContext` so the
caller decides how progress, results and cancellation are delivered: the GUI turns the
callbacks into Qt signals on a worker thread, the CLI prints to stderr, tests collect
them in lists. Core code never needs to know which.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable


class Cancelled(Exception):
    """Raised inside a job when its caller asked it to stop."""


def _ignore(*_args: Any) -> None:
    return None


@dataclass
class JobContext:
    """What a long-running core function may report and ask.

    ``progress(done, total, message)`` - total may be 0 when unknown.
    ``result(item)`` - one finished item, streamed as soon as it is known.
    ``is_cancelled()`` - poll this often; :meth:`check` raises :class:`Cancelled`.
    """

    progress: Callable[[int, int, str], None] = _ignore
    result: Callable[[Any], None] = _ignore
    is_cancelled: Callable[[], bool] = field(default=lambda: False)

    def check(self) -> None:
        """Raise :class:`Cancelled` if the caller has asked to stop."""
        if self.is_cancelled():
            raise Cancelled()


class CancelToken:
    """A thread-safe cancel flag: ``token.cancel()`` from one thread, ``token()`` in another."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking early on cancel; True if cancelled."""
        return self._event.wait(timeout)


def null_context() -> JobContext:
    """A context that reports nowhere and never cancels (for one-shot callers)."""
    return JobContext()

"""Run core work off the GUI thread; results, errors and progress arrive on the GUI thread.

    runner.run(fn, *args, on_done=..., on_error=..., on_progress=..., title=...)

`fn` gets a `Progress` as keyword `progress` when `with_progress=True`; it must not touch
widgets. Callbacks run on the GUI thread. `Task.cancel()` asks the work to stop (the core
raises `Cancelled`, its transaction rolls back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

from posko_desktop.core.progress import Cancelled, Progress

logger = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                 with_progress: bool) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self.progress = Progress(lambda d, t, m: self.signals.progress.emit(d, t, m))
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._with_progress = with_progress
        self.finished = False

    def cancel(self) -> None:
        self.progress.cancel()

    def run(self) -> None:  # worker thread
        try:
            kwargs = dict(self._kwargs)
            if self._with_progress:
                kwargs["progress"] = self.progress
            result = self._fn(*self._args, **kwargs)
        except BaseException as err:  # every failure must reach the GUI
            if not isinstance(err, Cancelled):
                logger.exception("Background task %s failed", getattr(self._fn, "__name__", self._fn))
            self.signals.failed.emit(err)
        else:
            self.signals.done.emit(result)


class TaskRunner(QObject):
    """Owns the worker pool. Database writes are serialised by SQLite's BEGIN IMMEDIATE."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._active: set[Task] = set()

    def run(self, fn: Callable[..., Any], *args: Any,
            on_done: Callable[[Any], object] | None = None,
            on_error: Callable[[BaseException], object] | None = None,
            on_progress: Callable[[int, int, str], None] | None = None,
            with_progress: bool = False, **kwargs: Any) -> Task:
        task = Task(fn, args, kwargs, with_progress or on_progress is not None)
        if on_progress is not None:
            task.signals.progress.connect(on_progress)

        def finish(callback: Callable[[Any], object] | None, value: Any) -> None:
            self._active.discard(task)
            task.finished = True
            if not self._active and isValid(self):  # deleted with its window: no one listens
                self.busy_changed.emit(False)
            if callback is None:
                return
            try:
                callback(value)
            except RuntimeError as err:
                # A late result for a widget that was closed while the work ran: drop it.
                if "already deleted" not in str(err):
                    raise
                logger.info("Result of %s dropped: its window is closed",
                            getattr(task._fn, "__name__", task._fn))

        task.signals.done.connect(lambda value: finish(on_done, value))
        task.signals.failed.connect(lambda err: finish(on_error or _log_error, err))
        self._active.add(task)
        self.busy_changed.emit(True)
        self.pool.start(task)
        return task

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)

    @property
    def active(self) -> int:
        return len(self._active)


def _log_error(err: BaseException) -> None:
    if not isinstance(err, Cancelled):
        logger.error("Unhandled background error: %s", err)

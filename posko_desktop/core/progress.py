"""Progress and cancellation for long work, usable from the CLI, tests and the UI."""

from __future__ import annotations

import threading
from collections.abc import Callable

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import N_


class Cancelled(PoskoError):
    code = "cancelled"

    def __init__(self) -> None:
        super().__init__(N_("Cancelled"))


class Progress:
    """Passed into long-running core functions: `report()` progress, `check()` for cancel.

    `report(done, total, message)`: `total` 0 means unknown. The callback may run on any
    thread; the UI adapter forwards it to the GUI thread.
    """

    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def report(self, done: int, total: int = 0, message: str = "") -> None:
        self.check()
        if self._callback is not None:
            self._callback(done, total, message)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled when cancel was asked; the caller's transaction then rolls back."""
        if self._cancel.is_set():
            raise Cancelled()


NO_PROGRESS = Progress()

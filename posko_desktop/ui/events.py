"""Core change events (plain Python, any thread) as a Qt signal on the GUI thread."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal

from posko_desktop.core.events import Change, EventBus

logger = logging.getLogger(__name__)


class QtEvents(QObject):
    """`changed(Change)` is always emitted on the thread this object lives in (the GUI).

    Services publish after commit, possibly from a TaskRunner worker; the private signal is
    connected with a queued connection so listeners never run on a worker thread.
    """

    changed = Signal(object)
    _incoming = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = bus
        self._incoming.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        bus.subscribe(self._on_core_change)

    def _on_core_change(self, change: Change) -> None:  # any thread
        self._incoming.emit(change)

    def _deliver(self, change: Change) -> None:  # GUI thread
        self.changed.emit(change)

    def close(self) -> None:
        self._bus.unsubscribe(self._on_core_change)

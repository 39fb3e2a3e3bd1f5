"""Plain Python change events. Services publish after commit; the UI adapts them to signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """What changed: `kind` is a table-ish name ("incident", "followup", "settings"...)."""

    kind: str
    ids: tuple[str, ...] = field(default_factory=tuple)


Listener = Callable[[Change], None]


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def publish(self, change: Change) -> None:
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:  # a broken listener must not undo a committed change
                logger.exception("Change listener failed for %s", change)

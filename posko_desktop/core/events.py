"""Plain Python change events. Services publish after commit; the UI adapts them to signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

logger = logging.getLogger(__name__)


class ChangeKind(Enum):
    """What changed. A service publishes the kind of every record it changed (an import of
    incidents publishes INCIDENT, whatever brought them in); listeners compare kinds, never
    strings. `ids` in the comment: what `Change.ids` holds (empty: "many, reload all")."""

    INCIDENT = "incident"  # incidents and their timeline; ids: incident ids
    ACTIVITY = "activity"  # the desk's activity log; ids: activity ids
    REPORTING_UNIT = "reporting_unit"  # reporting units; ids: unit ids
    DIRECTORY = "directory"  # agencies and contact persons; ids: agency or contact ids

    CANDIDATE_PAIR = "candidate_pair"  # the contests' candidate pairs; ids: pair ids
    BASELINE = "baseline"  # TPS register and vulnerability baseline imports; ids: import ids

    SOCIAL_POST = "social_post"  # Pantau Medsos posts; ids: post ids
    HOAX_CASE = "hoax_case"  # hoax cases (verdict, clarification); ids: case ids
    TAKEDOWN = "takedown"  # take-down requests and re-checks; ids: request ids
    LEXICON = "lexicon"  # the desk's lexicon changes; ids: entry ids

    STAGE_PROGRESS = "stage_progress"  # stage reports of voting day and after; ids: report ids
    NIHIL_REPORT = "nihil_report"  # reporting watch; ids: nihil report ids
    SETTINGS = "settings"  # ids: setting keys
    USER = "user"  # accounts; ids: user names
    SITREP = "sitrep"  # issued reports; ids: sitrep ids
    BACKUP = "backup"  # a backup written; ids: file names
    SYNC = "sync"  # packages exported or imported, conflicts resolved; ids: package ids
    SYNC_KEY = "sync_key"  # trusted keys; ids: fingerprints
    SITE_KEY = "site_key"  # this site's signing key; ids: user names or fingerprints
    SHIFT = "shift"  # duty roster and handovers; ids: handover ids (empty: the roster)


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
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

"""The optimistic version check of incidents (docs/decisions.md, docs/contributing.md
"Optimistic version check on update"): an incident's version, the fields changed since
a version, and the StaleEdit refusal naming who changed it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.models_sync import SyncBase
from posko_desktop.core.domain import StaleEdit
from posko_desktop.core.hlc import Stamp
from posko_desktop.core.i18n import N_
from posko_desktop.core.services.edit_versions import last_audited, person, require_a_version
from posko_desktop.core.services.incident_input import UNIT_FIELD, editable_values

logger = logging.getLogger(__name__)


def snapshot(inc: Incident) -> dict[str, Any]:
    return {**editable_values(inc), "status": inc.status, "deleted": inc.deleted}


def _current(inc: Incident) -> dict[str, Any]:
    """What a refusal carries (the merge's "theirs"): the snapshot and the reporting unit,
    which edits and sync imports change too."""
    return {**snapshot(inc), UNIT_FIELD: inc.reporting_unit}


_STALE = N_("Incident {number} was changed by {name} at {time} since you opened it; "
            "your change was not saved.")


def versions(s: Session, inc: Incident) -> tuple[str, str]:
    """(version, import mark). The version is the newest of the modification stamp (every
    local edit, status change, delete, conflict resolution) and the mark of the last sync
    import that touched the incident: an import can bring an edit older than the last local
    one, and then leaves `mod_stamp` as it was."""
    mark = s.scalar(select(SyncBase.mark).where(SyncBase.incident_id == inc.id)) or ""
    return max(inc.mod_stamp, mark), mark


def incident_version(s: Session, inc: Incident) -> str:
    return versions(s, inc)[0]


def stale_edit(s: Session, inc: Incident, version: str, clashes: tuple[str, ...] = ()) -> StaleEdit:
    """The refusal, naming who made the newest change (of the clashing fields, if any)."""
    by_import = version != inc.mod_stamp
    if by_import:  # the import's mark: a local stamp taken when it ran
        who, at = "", datetime.fromtimestamp(Stamp.parse(version).millis / 1000, UTC)
    else:
        who, at = (clashes and last_audited(s, "incident", str(inc.id), ("incident.", "sync."),
                                            clashes)) or (person(s, inc.updated_by), inc.updated_at)
    logger.info("Stale save of incident %s refused (now version %s, fields %s)",
                inc.number, version, clashes)
    return StaleEdit(_STALE, version=version, current=_current(inc), changed_by=who,
                     changed_at=at, fields=clashes, by_import=by_import, number=inc.number)


def changed_since(s: Session, inc: Incident, expected: str) -> tuple[str, set[str]]:
    """The current version and the fields changed since version `expected` (all of them
    when a sync import touched the incident since: it keeps the remote stamps)."""
    version, mark = versions(s, inc)
    require_a_version(expected, version, inc.number)
    if expected == version:
        return version, set()
    if mark > expected:
        return version, set(_current(inc))
    return version, {name for name, stamp in inc.field_stamps.items() if stamp > expected}


def require_version(s: Session, inc: Incident, expected: str | None) -> None:
    """For actions on the whole record as the user sees it (status, delete, restore)."""
    if expected is not None:
        version, since = changed_since(s, inc, expected)
        if since or version != expected:
            raise stale_edit(s, inc, version)

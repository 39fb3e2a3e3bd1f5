"""`audit verify --deep`: replay the values the trail recorded against the current rows.

For every incident the trail speaks about, each field it recorded (created, imported,
edited, status, delete/restore, merged by sync, conflict resolved) must still hold the
last value recorded; the same for settings. A value that differs was changed outside the
app (in SQL, with the file). Fields the trail never recorded (incidents that came by sync
or demo data and were never edited here) cannot be checked: docs/roles.md, "Anchors".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.db.models import Incident, Setting
from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.services import audit
from posko_desktop.core.services.incidents import EDITABLE_FIELDS

INCIDENT_FIELDS = (*EDITABLE_FIELDS, "reporting_unit", "status", "deleted")
INCIDENT_ACTIONS = ("incident.create", "incident.import", "incident.update", "incident.status",
                    "incident.delete", "incident.restore", "sync.merge",
                    "sync.conflict_resolve")
_TIMES = frozenset({"occurred_at", "reported_at"})
_BATCH = 5000


@dataclass(frozen=True)
class Difference:
    """A record whose current value is not the one the trail recorded last."""

    record_type: str  # incident | setting
    record: str  # the incident's number, the setting's key
    field: str
    recorded: Any
    current: Any
    entry_id: int

    def text(self) -> str:
        return _(N_("{kind} {record}: {field} is {current} but the audit trail last recorded "
                    "{recorded} (entry #{entry}): changed outside the app")).format(
            kind=_("Incident") if self.record_type == "incident" else _("Setting"),
            record=self.record, field=self.field, current=_short(self.current),
            recorded=_short(self.recorded), entry=self.entry_id)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:79] + "…"


def _entries(s: Session, record_type: str, actions: tuple[str, ...] | None,
             progress: Progress) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(entry id, record id, after-values) of the matching entries, oldest first."""
    last = 0
    while True:
        progress.check()
        stmt = select(AuditEntry.id, AuditEntry.record_id, AuditEntry.after_json).where(
            AuditEntry.record_type == record_type, AuditEntry.id > last)
        if actions is not None:
            stmt = stmt.where(AuditEntry.action.in_(actions))
        rows = s.execute(stmt.order_by(AuditEntry.id).limit(_BATCH)).all()
        if not rows:
            return
        for entry_id, record_id, after_json in rows:
            try:
                after = json.loads(after_json)
            except ValueError:
                continue  # an altered entry: the chain check names it
            if isinstance(after, dict):
                yield entry_id, record_id, after
        last = rows[-1][0]


def _same(field: str, recorded: Any, current: Any) -> bool:
    if field in _TIMES and isinstance(recorded, str) and current is not None:
        try:
            at = datetime.fromisoformat(recorded)
        except ValueError:
            return False
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        now = current if current.tzinfo else current.replace(tzinfo=UTC)
        return at == now
    return bool(recorded == json.loads(audit.canonical_json(current)))


def incident_differences(s: Session, progress: Progress = NO_PROGRESS
                         ) -> tuple[int, list[Difference]]:
    """(incidents compared, differences) over every incident the trail recorded values of."""
    expected: dict[str, dict[str, tuple[Any, int]]] = {}
    for entry_id, record_id, after in _entries(s, "incident", INCIDENT_ACTIONS, progress):
        fields = expected.setdefault(record_id, {})
        for name in INCIDENT_FIELDS:
            if name in after:
                fields[name] = (after[name], entry_id)
    found: list[Difference] = []
    ids = sorted(expected)
    columns = [getattr(Incident, name) for name in INCIDENT_FIELDS]
    for start in range(0, len(ids), 500):
        progress.check()
        chunk = []
        for text in ids[start:start + 500]:
            try:
                chunk.append(uuid.UUID(text))
            except ValueError:
                continue
        for row in s.execute(select(Incident.id, Incident.number, *columns)
                             .where(Incident.id.in_(chunk))):
            current = dict(zip(INCIDENT_FIELDS, row[2:], strict=True))
            for name, (value, entry_id) in sorted(expected[str(row[0])].items()):
                if not _same(name, value, current[name]):
                    found.append(Difference("incident", row[1], name, value,
                                            json.loads(audit.canonical_json(current[name])),
                                            entry_id))
        progress.report(min(start + 500, len(ids)), len(ids), _("Comparing incidents with "
                                                               "the audit trail"))
    return len(ids), found


def setting_differences(s: Session) -> list[Difference]:
    """Each setting the trail changed must still hold the last value it recorded."""
    expected: dict[str, tuple[Any, int]] = {}
    for entry_id, key, after in _entries(s, "setting", ("setting.change",), NO_PROGRESS):
        if key in after:
            expected[key] = (after[key], entry_id)
    found = []
    for key, (value, entry_id) in sorted(expected.items()):
        row = s.get(Setting, key)
        var = settings.REGISTRY.get(key)
        current = row.value if row is not None else (var.default if var else None)
        if json.loads(audit.canonical_json(current)) != value:
            found.append(Difference("setting", key, key, value, current, entry_id))
    return found

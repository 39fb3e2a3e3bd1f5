"""The records of an export, read from the database: which incidents go out, and the plain
path that turns rows into package records (dicts for `PackageWriter.write_records`).

The plain path runs on every database; on SQLite the export takes the fast path of
`export_sqlite.py`, which must give the same lines (tests/sync/test_export_records.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import Connection, Text, or_, select, type_coerce

from posko_desktop.core.db.models import Attachment, FollowUp, Incident
from posko_desktop.core.db.models_sync import SyncBase
from posko_desktop.core.db.stamps import unpack_stored
from posko_desktop.core.progress import Progress
from posko_desktop.core.sync import merge, records, scan

INCIDENT_COLUMNS = scan.INCIDENT_COLUMNS
assert INCIDENT_COLUMNS[-1] == "field_stamps"  # the SQLite export adds it in Python
FOLLOWUP_COLUMNS = scan.FOLLOWUP_COLUMNS
# format 1 (a recipient on an older version) has no optional follow-up field
LEGACY_FOLLOWUP_COLUMNS = tuple(c for c in FOLLOWUP_COLUMNS if c not in records.OPTIONAL_FOLLOWUP)
ATTACHMENT_COLUMNS = ("id", "incident_id", "sha256", "filename", "mime", "size", "added_at",
                      "added_by", "origin_site", "mod_stamp", "deleted")
UUID_COLUMNS = frozenset({"id", "incident_id", "referral_id", "contact_id"})
DT_COLUMNS = frozenset(scan.INCIDENT_DT) | {"due_at", "added_at"}
_STAMPS_COLUMNS = frozenset({"field_stamps"})


@dataclass
class RecordScope:
    """What the record readers of one export share: the transaction's connection, which
    incidents go out (`changed`: a condition, None for all), and what they collect on the
    way (the packages of relayed records, the attachment contents)."""

    conn: Connection
    changed: Any
    site_code: str
    progress: Progress
    total: int  # incidents going out; progress runs to twice that (incidents, follow-ups)
    legacy: bool = False  # format 1 (the recipient runs an older version): no optional field
    done: int = 0
    vias: set[uuid.UUID] = field(default_factory=set)
    shas: set[str] = field(default_factory=set)

    def report(self) -> None:
        self.progress.report(min(self.done, self.total * 2), self.total * 2, "")


def changed_incidents(since: str) -> Any:
    """Condition: incidents to send to a recipient whose watermark is `since` (None: all)."""
    if not since:
        return None
    return or_(
        Incident.mod_stamp > since,
        Incident.id.in_(select(SyncBase.incident_id).where(SyncBase.mark > since)),
        Incident.id.in_(select(FollowUp.incident_id).where(FollowUp.mod_stamp > since)),
        Incident.id.in_(select(Attachment.incident_id).where(Attachment.mod_stamp > since)),
    )


@overload
def uuid_text(value: None) -> None: ...
@overload
def uuid_text(value: str | uuid.UUID) -> str: ...
def uuid_text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is str and len(value) == 32:  # SQLite stores hex without dashes
        return (value[:8] + "-" + value[8:12] + "-" + value[12:16] + "-" + value[16:20] + "-"
                + value[20:])
    return str(uuid.UUID(str(value)))


def _dt_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    text = str(value)  # SQLite: "YYYY-MM-DD HH:MM:SS.ffffff" in UTC
    return text[:10] + "T" + text[11:] + "+00:00"


def _raw(col: Any, name: str) -> Any:
    """A column read without SQLAlchemy's per-value type processing, labelled `name`;
    `_record` turns the driver's values into the package's JSON forms."""
    return type_coerce(col, Text()).label(name)


def _columns(model: Any, columns: tuple[str, ...]) -> list[Any]:
    return [_raw(getattr(model, c), c) if c in UUID_COLUMNS | DT_COLUMNS | _STAMPS_COLUMNS
            else getattr(model, c).label(c) for c in columns]


def _converter(name: str) -> Callable[[Any], Any] | None:
    if name in UUID_COLUMNS:
        return uuid_text
    if name in DT_COLUMNS:
        return _dt_text
    if name in _STAMPS_COLUMNS:
        return unpack_stored
    if name == "deleted":
        return bool
    return None


def _record(columns: tuple[str, ...], values: Any) -> dict[str, Any]:
    """The package record of a row (`values`: the row's mapping, by column name)."""
    rec = {name: values[name] for name in columns}
    for name in columns:
        conv = _CONVERTERS[name]
        if conv is not None and rec[name] is not None:
            rec[name] = conv(rec[name])
    return rec


_CONVERTERS = {name: _converter(name)
               for name in {*INCIDENT_COLUMNS, *FOLLOWUP_COLUMNS, *ATTACHMENT_COLUMNS}}


def incident_records(scope: RecordScope, deleted: bool) -> Iterator[dict[str, Any]]:
    """The incidents going out (live, or the tombstones) in local order, with their
    `field_bases` and, for a relayed record, the package it came in (`via_package`)."""
    stmt = (select(*_columns(Incident, INCIDENT_COLUMNS), _raw(SyncBase.stamps, "synced"),
                   _raw(SyncBase.bases, "synced_bases"), _raw(SyncBase.package_id, "via"))
            .outerjoin(SyncBase, SyncBase.incident_id == Incident.id)
            .where(Incident.deleted.is_(deleted)).order_by(Incident.seq))
    if scope.changed is not None:
        stmt = stmt.where(scope.changed)
    for row in scope.conn.execute(stmt.execution_options(yield_per=2000)):
        values = row._mapping
        rec = _record(INCIDENT_COLUMNS, values)
        rec["field_bases"] = merge.effective_bases(rec["field_stamps"],
                                                   unpack_stored(values["synced"]),
                                                   unpack_stored(values["synced_bases"]))
        via = uuid_text(values["via"])
        if via is not None and rec["origin_site"] != scope.site_code:
            rec["via_package"] = via
            scope.vias.add(uuid.UUID(via))
        else:
            rec["via_package"] = None
        scope.done += 1
        if scope.done % 5000 == 0:
            scope.report()
        yield records.without_optional(rec) if scope.legacy else rec


def child_records(scope: RecordScope, model: Any,
                  columns: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The follow-ups or attachments of the incidents going out, by incident."""
    stmt = select(*_columns(model, columns)).order_by(model.incident_id)
    if scope.changed is not None:
        stmt = stmt.where(model.incident_id.in_(select(Incident.id).where(scope.changed)))
    for row in scope.conn.execute(stmt.execution_options(yield_per=5000)):
        rec = _record(columns, row._mapping)
        if model is Attachment:
            scope.shas.add(rec["sha256"])
        else:
            scope.done += 1
            if scope.done % 20000 == 0:
                scope.report()
        yield rec

"""The export's fast path on SQLite: each record is built as JSON text by SQLite itself
(`json_object`) and read on the driver's cursor in batches, without SQLAlchemy's per-row
processing, per-row dicts or Python conversions (docs/sync-format.md, Performance).

From the stored forms: ids are 32 hex digits (dashes added), times
"YYYY-MM-DD HH:MM:SS.ffffff" in UTC (to "YYYY-MM-DDTHH:MM:SS.ffffff+00:00"), booleans
0/1. SQLite's escapes are orjson's (`\\"`, `\\\\`, `\\b \\f \\n \\r \\t`, `\\u00xx` lower
case, all else raw UTF-8), so a line is the text the plain path (`export_records.py`) and
orjson give: tests/sync/test_export_records.py compares the two. An incident's
`field_stamps` (stored packed), `field_bases` and `via_package` are added here in Python.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, literal_column, select
from sqlalchemy.exc import DBAPIError

from posko_desktop.core.db.models import FollowUp, Incident
from posko_desktop.core.db.models_sync import SyncBase
from posko_desktop.core.db.stamps import unpack_stored
from posko_desktop.core.services.sync.export_records import (
    DT_COLUMNS,
    FOLLOWUP_COLUMNS,
    INCIDENT_COLUMNS,
    LEGACY_FOLLOWUP_COLUMNS,
    UUID_COLUMNS,
    RecordScope,
    uuid_text,
)
from posko_desktop.core.sync import merge
from posko_desktop.core.sync.records import OPTIONAL_INCIDENT


def _sql_value(table: str, name: str) -> str:
    col = '"{t}"."{c}"'.format(t=table, c=name)
    if name in UUID_COLUMNS:  # NULL stays NULL (|| with NULL is NULL)
        return ("substr({c},1,8)||'-'||substr({c},9,4)||'-'||substr({c},13,4)||'-'||"
                "substr({c},17,4)||'-'||substr({c},21)").format(c=col)
    if name in DT_COLUMNS:
        return "substr({c},1,10)||'T'||substr({c},12)||'+00:00'".format(c=col)
    if name == "deleted":
        return "json(CASE WHEN {c} THEN 'true' ELSE 'false' END)".format(c=col)
    return col


def _sql_record(table: str, columns: tuple[str, ...]) -> Any:
    """A column: the record of one row as compact JSON (bytes), built by SQLite."""
    pairs = ",".join("'{n}',{v}".format(n=n, v=_sql_value(table, n)) for n in columns)
    return literal_column("CAST(json_object({p}) AS BLOB)".format(p=pairs))


def _driver_batches(conn: Connection, stmt: Any, size: int) -> Iterator[Sequence[Any]]:
    """The rows of `stmt` in batches, read on the driver's cursor (same transaction),
    without SQLAlchemy's per-row processing."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = [compiled.params[k] for k in compiled.positiontup or ()]
    cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(str(compiled), params)
        while rows := cur.fetchmany(size):
            yield rows
    except sqlite3.Error as err:
        raise DBAPIError.instance(str(compiled), None, err, sqlite3.Error) from err
    finally:
        cur.close()


def incident_lines(scope: RecordScope, deleted: bool) -> Iterator[list[bytes]]:
    """The lines of `export_records.incident_records`, in batches."""
    columns = INCIDENT_COLUMNS[:-1]
    if scope.legacy:  # format 1: without the optional fields and their stamps
        columns = tuple(c for c in columns if c not in OPTIONAL_INCIDENT)
    stmt = (select(_sql_record("incident", columns), Incident.field_stamps,
                   Incident.origin_site, SyncBase.stamps, SyncBase.bases,
                   SyncBase.package_id).select_from(Incident)
            .outerjoin(SyncBase, SyncBase.incident_id == Incident.id)
            .where(Incident.deleted.is_(deleted)).order_by(Incident.seq))
    if scope.changed is not None:
        stmt = stmt.where(scope.changed)
    dumps, bases_of = orjson.dumps, merge.effective_bases
    here = scope.site_code
    for rows in _driver_batches(scope.conn, stmt, 2000):
        lines = []
        for text, stored_stamps, origin, synced, synced_bases, via in rows:
            stamps = unpack_stored(stored_stamps)
            if scope.legacy:
                stamps = {k: v for k, v in stamps.items() if k not in OPTIONAL_INCIDENT}
            if synced is None:  # never imported: every value is based on its creation
                creation = min(stamps.values())
                bases = dict.fromkeys(stamps, creation)
            else:
                bases = bases_of(stamps, unpack_stored(synced), unpack_stored(synced_bases))
            if via is not None and origin != here:
                via = uuid_text(via)
                scope.vias.add(uuid.UUID(via))
                tail = b',"via_package":"' + via.encode() + b'"}'
            else:
                tail = b',"via_package":null}'
            # `text` is a JSON object: its closing brace gives way to the added members
            lines.append(text[:-1] + b',"field_stamps":' + dumps(stamps)
                         + b',"field_bases":' + dumps(bases) + tail)
        scope.done += len(lines)
        scope.report()
        yield lines


def followup_lines(scope: RecordScope) -> Iterator[list[bytes]]:
    """The lines of `export_records.child_records` for follow-ups, in batches."""
    columns = LEGACY_FOLLOWUP_COLUMNS if scope.legacy else FOLLOWUP_COLUMNS
    stmt = (select(_sql_record("followup", columns)).select_from(FollowUp)
            .order_by(FollowUp.incident_id))
    if scope.changed is not None:
        stmt = stmt.where(FollowUp.incident_id.in_(select(Incident.id).where(scope.changed)))
    for rows in _driver_batches(scope.conn, stmt, 5000):
        scope.done += len(rows)
        scope.report()
        yield [line for (line,) in rows]

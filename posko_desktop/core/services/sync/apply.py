"""Applying checked records to the database (docs/sync-format.md, "Merge" and "Conflicts").

The import (`importing.py`) hands over batches of records that `sync.scan` checked: new
incidents, follow-ups and attachments are inserted; an incident held here whose field
stamps differ is merged field by field (the greater stamp wins; a value that loses against
a concurrent edit goes to `sync_conflict`); follow-ups merge by union.

On SQLite the checked rows are already in the storage form and go straight to the
driver's `executemany`, and id lookups run on the driver's cursor: SQLAlchemy's per-value
processing would cost more than the statements themselves.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Text, Uuid, bindparam, exists, insert, or_, select, type_coerce, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Attachment, FollowUp, Incident
from posko_desktop.core.db.models_sync import SyncBase, SyncConflict
from posko_desktop.core.db.models_units import ReportingUnit
from posko_desktop.core.db.stamps import unpack_stored
from posko_desktop.core.domain import FollowUpKind, Severity
from posko_desktop.core.evidence import safe_filename
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.sync import checks
from posko_desktop.core.services.sync.results import ImportResult, RegencyCounts, jsonable
from posko_desktop.core.sync import merge, scan
from posko_desktop.core.sync.package import PackageError, PackageReader
from posko_desktop.core.sync.records import SYNC_FIELDS
from posko_desktop.core.timeutil import wib_date

_SYNC_BASE_COLUMNS = ("incident_id", "stamps", "bases", "mark", "package_id")
# positions in the follow-up rows of `sync.scan` (FOLLOWUP_COLUMNS order)
_FOLLOWUP_ID = scan.FOLLOWUP_COLUMNS.index("id")
_FOLLOWUP_INCIDENT = scan.FOLLOWUP_COLUMNS.index("incident_id")
_FOLLOWUP_KIND = scan.FOLLOWUP_COLUMNS.index("kind")
_FOLLOWUP_ORIGIN = scan.FOLLOWUP_COLUMNS.index("origin_site")
_INCIDENT_ORIGIN = scan.INCIDENT_ROW.index("origin_site")
_INCIDENT_UNIT = scan.INCIDENT_ROW.index("reporting_unit")
_REFERRAL_KINDS = (FollowUpKind.REFERRAL, FollowUpKind.REFERRAL_UPDATE)

Error = tuple[str, dict[str, Any]] | None  # a refusal found by `sync.scan`: (msgid, params)


@dataclass
class ImportState:
    """One import in progress: the package, what it found so far, the result."""

    reader: PackageReader
    package_id: uuid.UUID
    source_site: str
    mark: str  # this site's stamp for the import (`sync_base.mark`: relayed onwards)
    now: datetime
    regencies: set[str]
    categories: set[str]
    result: ImportResult
    sqlite: bool = True
    max_stamp: str = ""
    seen_incidents: set[str] = field(default_factory=set)  # ids as 32 hex digits
    seen_children: set[str] = field(default_factory=set)  # ids as 32 hex digits
    referral_touched: set[uuid.UUID] = field(default_factory=set)
    known_incidents: set[str] = field(default_factory=set)  # ids as 32 hex digits
    new_incidents: set[str] = field(default_factory=set)
    # False when the table was empty before this import: then no record of the package
    # can be held here (an id twice in the package is refused), so nothing is looked up
    had_incidents: bool = True
    had_followups: bool = True
    origins: checks.Origins | None = None  # set before the records are read
    # package blobs: sha256 -> (sniffed type, size); those attachment records referenced
    blob_facts: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    referenced: set[str] = field(default_factory=set)
    counted: dict[str, int] = field(default_factory=dict)  # records per record file
    # reporting units the records of the package name: code -> a record's id, checked
    # against this site's units once the package's own units are in (`check_units_named`)
    units_named: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> checks.Origins:
        assert self.origins is not None
        return self.origins


class StoredIncident(NamedTuple):
    field_stamps: Any  # as stored: packed JSON text on SQLite, a dict elsewhere
    regency_code: str | None  # when asked for


def bad_line(state: ImportState, member: str, line: int, problem: str) -> PackageError:
    return PackageError(N_("{file}: line {line} of {member} is not valid: {problem}"),
                        file=state.reader.name, line=line, member=member, problem=problem)


def refused(error: tuple[str, dict[str, Any]]) -> PackageError:
    message, params = error
    return PackageError(message, **params)


def check_twice(state: ImportState, seen: set[str], keys: list[str], what: str) -> None:
    """Refuse an id (32 hex digits) seen before in the package."""
    if seen.isdisjoint(keys) and len(set(keys)) == len(keys):
        seen.update(keys)
        return
    for h in keys:  # the first one seen before, in order
        if h in seen:
            if what == "incident":
                raise PackageError(N_("{file}: incident {id} appears twice in the package"),
                                   file=state.reader.name, id=scan.dashed(h))
            raise PackageError(N_("{file}: record {id} appears twice in the package"),
                               file=state.reader.name, id=scan.dashed(h))
        seen.add(h)


def same_stamps(stored: Any, stamps_text: str) -> bool:
    """The database's field stamps (JSON text, or already decoded) equal these (both
    packed)."""
    if isinstance(stored, str | bytes):
        return stored == stamps_text or orjson.loads(stored) == orjson.loads(stamps_text)
    return bool(stored == orjson.loads(stamps_text))


def driver_rows(conn: Any, sql: str, params: list[Any], many: bool = False) -> list[Any]:
    """SQLite: a plain statement straight on the driver's connection (same transaction);
    rows fetched at once in C, not one by one through SQLAlchemy's result. Driver errors
    come out as SQLAlchemy's (IntegrityError etc.), like from any other statement."""
    cur = conn.connection.dbapi_connection.cursor()
    try:
        if many:
            cur.executemany(sql, params)
            return []
        return cur.execute(sql, params).fetchall()
    except sqlite3.Error as err:
        raise DBAPIError.instance(sql, None, err, sqlite3.Error) from err
    finally:
        cur.close()


def stored_incidents(s: Session, state: ImportState, keys: list[str],
                     with_regency: bool = False) -> dict[str, StoredIncident]:
    """hex id -> field stamps as stored (and regency) of those incidents held here."""
    if not keys or not state.had_incidents:
        return {}
    conn = s.connection()
    if state.sqlite:  # ids stored as 32 hex digits: one plain query
        sql = "SELECT id, field_stamps, {r} FROM incident WHERE id IN ({marks})".format(
            r="regency_code" if with_regency else "NULL", marks=",".join("?" * len(keys)))
        return {h: StoredIncident(stamps, regency)
                for h, stamps, regency in driver_rows(conn, sql, keys)}
    stored = type_coerce(Incident.field_stamps, Text()).label("field_stamps")  # packed
    stmt = select(Incident.id, stored, Incident.regency_code).where(
        Incident.id.in_([uuid.UUID(h) for h in keys]))
    return {row.id.hex: StoredIncident(row.field_stamps,
                                       row.regency_code if with_regency else None)
            for row in conn.execute(stmt)}


def stored_ids(s: Session, state: ImportState, model: Any, keys: list[str]) -> set[str]:
    """Those of these ids (32 hex digits) that `model` holds here."""
    if not keys:
        return set()
    conn = s.connection()
    if state.sqlite:
        sql = 'SELECT id FROM "{t}" WHERE id IN ({marks})'.format(
            t=model.__table__.name, marks=",".join("?" * len(keys)))
        return {h for (h,) in driver_rows(conn, sql, keys)}
    return {x.hex for x in conn.scalars(select(model.id).where(
        model.id.in_([uuid.UUID(h) for h in keys])))}


def merge_incidents(s: Session, ctx: AppContext, state: ImportState,
                    items: list[tuple[Any, ...]], error: Error,
                    twice_checked: bool = False) -> None:
    """Checked incidents (`scan.Scanner.incident` items): the new ones are inserted as they
    came, unchanged ones (same field stamps) only counted, the others merged field by
    field (`_merge_changed`)."""
    ids = [h for h, _regency, _stamps, _row, _bases, _via in items]
    if not twice_checked:
        check_twice(state, state.seen_incidents, ids, "incident")
    if error is not None:
        raise refused(error)
    if not items:
        return
    stored = stored_incidents(s, state, ids)
    per = state.result.per_regency
    known = state.known_incidents
    pkg = state.package_id.hex
    origins = state.origin
    rows, bases, changed = [], [], []
    named = state.units_named
    for h, regency, stamps, row, field_bases, via in items:
        known.add(h)
        origin = row[_INCIDENT_ORIGIN]
        unit = row[_INCIDENT_UNIT]
        if unit is not None and unit not in named:
            named[unit] = h
        if origin != state.source_site and origin != origins.own:
            origins.check_relayed(h, origin, via)
        old = stored.get(h)
        if old is None:
            if origin == origins.own:
                raise origins.not_held("incident", h)
            if origins.own_in_text in stamps:
                raise origins.not_held("stamp", h)
            rows.append(row)
            if state.sqlite:
                bases.append((h, stamps, field_bases, state.mark, via or pkg))
            else:
                bases.append((h, orjson.loads(stamps), orjson.loads(field_bases), state.mark,
                              via or pkg))
            state.new_incidents.add(h)
            per.setdefault(regency, RegencyCounts()).new += 1
        elif same_stamps(old.field_stamps, stamps):
            per.setdefault(regency, RegencyCounts()).unchanged += 1
        else:
            changed.append(_incident_record(h, stamps, row, field_bases, via, state.sqlite))
    insert_rows(s, state, Incident, scan.INCIDENT_ROW, rows)
    insert_rows(s, state, SyncBase, _SYNC_BASE_COLUMNS, bases)
    if changed:
        _merge_changed(s, ctx, state, changed)


def _incident_record(hex_id: str, stamps: str, row: tuple[Any, ...], bases: str,
                     via: str | None, sqlite: bool) -> dict[str, Any]:
    """A checked incident as the field merge takes it (Python values)."""
    rec = dict(zip(scan.INCIDENT_ROW, row, strict=True))
    rec["id"] = uuid.UUID(hex_id)
    if sqlite:
        for name in scan.INCIDENT_DT:
            if rec[name] is not None:
                rec[name] = datetime.fromisoformat(rec[name]).replace(tzinfo=UTC)
    rec["deleted"] = bool(rec["deleted"])
    rec["field_stamps"] = unpack_stored(stamps)
    rec["field_bases"] = unpack_stored(bases)
    rec["via_package"] = via
    return rec


_LOCAL_COLUMNS = ("field_stamps", "mod_stamp", "responded_at")


def _merge_changed(s: Session, ctx: AppContext, state: ImportState,
                   recs: list[dict[str, Any]]) -> None:
    """Incidents held here whose field stamps differ: merged field by field."""
    cols = [Incident.id, Incident.origin_site, *[getattr(Incident, f) for f in SYNC_FIELDS],
            *[getattr(Incident, c) for c in _LOCAL_COLUMNS],
            SyncBase.stamps.label("synced_stamps"), SyncBase.bases.label("synced_bases")]
    existing = {row.id: row for row in s.execute(
        select(*cols).outerjoin(SyncBase, SyncBase.incident_id == Incident.id)
        .where(Incident.id.in_([r["id"] for r in recs])))}
    updates: list[dict[str, Any]] = []
    bases_upd: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    settled: list[tuple[uuid.UUID, str, str]] = []
    pkg = state.package_id
    for rec in recs:
        counts = state.result.per_regency.setdefault(rec["regency_code"], RegencyCounts())
        via = uuid.UUID(rec["via_package"]) if rec["via_package"] else pkg
        local = existing[rec["id"]]
        local_vals = {f: getattr(local, f) for f in SYNC_FIELDS}
        local_stamps = local.field_stamps
        if local_stamps == rec["field_stamps"]:
            counts.unchanged += 1
            continue
        _check_held_origin(state, rec, local.origin_site, local_stamps)
        has_base = local.synced_stamps is not None
        local_bases = merge.effective_bases(local_stamps, local.synced_stamps,
                                            local.synced_bases)
        result = merge.merge_fields(local_vals, local_stamps, local_bases, rec,
                                    rec["field_stamps"], rec["field_bases"])
        values = dict(result.values)
        if rec["mod_stamp"] > local.mod_stamp:
            values.update(mod_stamp=rec["mod_stamp"], updated_at=rec["updated_at"],
                          updated_by=rec["updated_by"])
        if rec["responded_at"] is not None and (local.responded_at is None
                                                or rec["responded_at"] < local.responded_at):
            values["responded_at"] = rec["responded_at"]
        if "occurred_at" in values:
            values["occurred_date"] = wib_date(values["occurred_at"])
        if "severity" in values:
            values["severity_rank"] = Severity(values["severity"]).rank
        if {"severity", "reported_at"} & values.keys():
            values["respond_by"] = rec["respond_by"]
        for c in result.conflicts:
            conflicts.append({"incident_id": rec["id"], "field": c.field,
                              "kept_value": jsonable(c.kept_value), "kept_stamp": c.kept_stamp,
                              "lost_value": jsonable(c.lost_value), "lost_stamp": c.lost_stamp,
                              "package_id": pkg, "detected_at": state.now, "resolved": False})
            counts.conflicts += 1
        new_base = {"b_id": rec["id"], "stamps": result.stamps, "bases": result.bases,
                    "mark": state.mark, "package_id": via, "exists": has_base}
        if not values and result.stamps == local_stamps:
            counts.unchanged += 1
            if result.conflicts:  # the incoming version was seen: it becomes the base
                bases_upd.append(new_base)
            continue
        values["field_stamps"] = result.stamps
        values["b_id"] = rec["id"]
        updates.append(values)
        bases_upd.append(new_base)
        counts.updated += 1
        for f, stamp in result.stamps.items():
            if stamp != local_stamps.get(f):
                settled.append((rec["id"], f, result.bases.get(f, stamp)))
        changed = {f: jsonable(v) for f, v in result.values.items()}
        audit.record(s, ctx.actor, "sync.merge", "incident", str(rec["id"]),
                     before={f: jsonable(local_vals[f]) for f in result.values},
                     after=changed, at=state.now,
                     detail="package {pid} from site {site}; original author {author} "
                            "(site {origin})".format(pid=pkg, site=state.source_site,
                                                     author=rec["updated_by"],
                                                     origin=rec["origin_site"]))
    if updates:
        _bulk_update_incidents(s, updates)
    _store_bases(s, bases_upd)
    for row in conflicts:
        dup = s.scalar(select(SyncConflict.id).where(
            SyncConflict.incident_id == row["incident_id"], SyncConflict.field == row["field"],
            SyncConflict.lost_stamp == row["lost_stamp"]))
        if dup is None:
            s.execute(insert(SyncConflict).values(**row))
    _settle_conflicts(s, state, settled)


def check_units_named(s: Session, state: ImportState) -> None:
    """Every reporting unit a record of the package names (incidents, activities) is held
    here, once the package's own units are merged: a forged or mistyped code refuses the
    package as a whole."""
    if not state.units_named:
        return
    known = set(s.scalars(select(ReportingUnit.number).where(
        ReportingUnit.number.in_(list(state.units_named)))))
    for code, hex_id in sorted(state.units_named.items()):
        if code not in known:
            raise PackageError(N_("{file}: record {id} names the reporting unit {code}, "
                                  "which this site does not know"), file=state.reader.name,
                               id=str(uuid.UUID(hex_id)), code=code)


def _check_held_origin(state: ImportState, rec: dict[str, Any], held_origin: str,
                       local_stamps: dict[str, str]) -> None:
    """An incident held here keeps its origin, and a change said to be made by this site
    must be one it holds (its stamp no newer than the one held here)."""
    origins = state.origin
    hex_id = rec["id"].hex
    if rec["origin_site"] != held_origin:
        raise PackageError(N_("{file}: incident {id} claims to originate at site {origin}, "
                              "this site holds it from site {held}"), file=state.reader.name,
                           id=str(rec["id"]), origin=rec["origin_site"], held=held_origin)
    tail = origins.own_tail
    for f, stamp in rec["field_stamps"].items():
        if stamp.endswith(tail) and stamp > local_stamps.get(f, ""):
            raise origins.not_held("stamp", hex_id)


def _store_bases(s: Session, bases: list[dict[str, Any]]) -> None:
    """The merged incidents' new sync bases: updated where one exists, else inserted."""
    old: list[dict[str, Any]] = []
    fresh: list[dict[str, Any]] = []
    for b in bases:
        if b.pop("exists"):
            old.append(b)
        else:
            fresh.append({"incident_id": b.pop("b_id"), **b})
    table = SyncBase.__table__
    conn = s.connection()
    if old:
        conn.execute(
            update(table).where(table.c.incident_id == bindparam("b_id")).values(
                stamps=bindparam("stamps"), bases=bindparam("bases"), mark=bindparam("mark"),
                package_id=bindparam("package_id")), old)
    if fresh:
        conn.execute(insert(table), fresh)


def _bulk_update_incidents(s: Session, updates: list[dict[str, Any]]) -> None:
    """One executemany per set of changed columns (Core, keyed by the global id)."""
    table = Incident.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for u in updates:
        groups.setdefault(tuple(sorted(k for k in u if k != "b_id")), []).append(u)
    for columns, rows in groups.items():
        stmt = (update(table).where(table.c.id == bindparam("b_id"))
                .values({c: bindparam(c) for c in columns}))
        s.connection().execute(stmt, rows)


def insert_rows(s: Session, state: ImportState, model: Any, columns: tuple[str, ...],
                rows: list[tuple[Any, ...]]) -> None:
    """Bulk insert of checked rows (`sync.scan`). On SQLite they are already in the storage
    form and go straight to the driver's executemany (SQLAlchemy's per-value processing
    would cost more than the insert itself); elsewhere a Core insert, ids made UUIDs."""
    if not rows:
        return
    conn = s.connection()
    table = model.__table__
    if state.sqlite:
        sql = "INSERT INTO {t} ({cols}) VALUES ({marks})".format(
            t=table.name, cols=", ".join('"{n}"'.format(n=n) for n in columns),
            marks=", ".join("?" for _n in columns))
        driver_rows(conn, sql, rows, many=True)
        return
    uuids = [n for n in columns if isinstance(table.c[n].type, Uuid)]
    out = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for name in uuids:
            if values[name] is not None:
                values[name] = uuid.UUID(values[name])
        out.append(values)
    conn.execute(insert(table), out)


def _settle_conflicts(s: Session, state: ImportState,
                      settled: list[tuple[uuid.UUID, str, str]]) -> None:
    """An open conflict is settled elsewhere when a newer value made from either side of
    it arrives (e.g. a supervisor at another site resolved it)."""
    for inc_id, f, base in settled:
        s.execute(update(SyncConflict).where(
            SyncConflict.incident_id == inc_id, SyncConflict.field == f,
            SyncConflict.resolved.is_(False),
            or_(SyncConflict.kept_stamp == base, SyncConflict.lost_stamp == base),
        ).values(resolved=True, resolved_at=state.now, resolved_by="sync", resolution="remote"))


def _require_incident(s: Session, state: ImportState, member: str, line: int,
                      key: str) -> None:
    """The incident (32 hex digits) of a follow-up or attachment is in the package or here."""
    if key in state.known_incidents:
        return
    if s.scalar(select(exists().where(Incident.id == uuid.UUID(key)))):
        state.known_incidents.add(key)
        return
    raise bad_line(state, member, line, "unknown incident {id}".format(id=scan.dashed(key)))


def merge_followups(s: Session, state: ImportState, items: list[tuple[int, Any]],
                    error: Error, twice_checked: bool = False) -> None:
    """Checked follow-ups (`scan.Scanner.followup` items: line, row): union by id."""
    member = "records/followups.jsonl"
    if not twice_checked:
        check_twice(state, state.seen_children, [row[_FOLLOWUP_ID] for _n, row in items],
                    "record")
    known = state.known_incidents
    for line, row in items:
        if row[_FOLLOWUP_INCIDENT] not in known:
            _require_incident(s, state, member, line, row[_FOLLOWUP_INCIDENT])
    if error is not None:
        raise refused(error)
    if not items:
        return
    have = (stored_ids(s, state, FollowUp, [row[_FOLLOWUP_ID] for _n, row in items])
            if state.had_followups else set())
    # sorted by id (the first column): the primary-key index stays local
    new = sorted(row for _n, row in items if row[_FOLLOWUP_ID] not in have)
    own = state.origin.own
    for row in new:
        if row[_FOLLOWUP_ORIGIN] == own:
            raise state.origin.not_held("follow-up", row[_FOLLOWUP_ID])
    if not new:
        return
    insert_rows(s, state, FollowUp, scan.FOLLOWUP_COLUMNS, new)
    state.result.followups_new += len(new)
    fresh = state.new_incidents  # new incidents came with their own next_referral_due
    touched_hex = {r[_FOLLOWUP_INCIDENT] for r in new} - fresh
    for r in new:
        if r[_FOLLOWUP_KIND] in _REFERRAL_KINDS and r[_FOLLOWUP_INCIDENT] not in fresh:
            state.referral_touched.add(uuid.UUID(r[_FOLLOWUP_INCIDENT]))
    if not touched_hex:
        return
    touched = {uuid.UUID(h) for h in touched_hex}
    s.execute(update(SyncBase).where(SyncBase.incident_id.in_(touched)).values(mark=state.mark))
    missing = touched - set(s.scalars(select(SyncBase.incident_id).where(
        SyncBase.incident_id.in_(touched))))
    for inc_id in missing:
        stamps = s.scalar(select(Incident.field_stamps).where(Incident.id == inc_id)) or {}
        s.execute(insert(SyncBase).values(
            incident_id=inc_id, stamps=stamps,
            bases=merge.effective_bases(stamps, None, None), mark=state.mark,
            package_id=state.package_id))


def merge_attachments(s: Session, state: ImportState, items: list[tuple[int, Any]],
                      error: Error, twice_checked: bool = False) -> None:
    """Checked attachments (line, record as in the package): by id; `deleted` follows the
    greater stamp."""
    member = "records/attachments.jsonl"
    recs = []
    for line, raw in items:
        key = raw["id"].replace("-", "")
        if not twice_checked:
            if key in state.seen_children:
                raise PackageError(N_("{file}: record {id} appears twice in the package"),
                                   file=state.reader.name, id=raw["id"])
            state.seen_children.add(key)
        _require_incident(s, state, member, line, raw["incident_id"].replace("-", ""))
        rec = dict(raw, id=uuid.UUID(raw["id"]), incident_id=uuid.UUID(raw["incident_id"]),
                   added_at=datetime.fromisoformat(raw["added_at"]),
                   filename=safe_filename(raw["filename"], raw["sha256"][:12]))
        sha = rec["sha256"]
        facts = state.blob_facts.get(sha) or checks.blob_facts(s, sha)
        problem = checks.check_attachment(state.reader.name, line, raw, facts)
        if problem is not None:
            raise problem
        state.referenced.add(sha)
        recs.append(rec)
    if error is not None:
        raise refused(error)
    if not recs:
        return
    have = {a.id: a for a in s.scalars(select(Attachment).where(
        Attachment.id.in_([r["id"] for r in recs])))}
    new = [r for r in recs if r["id"] not in have]
    for r in new:
        if r["origin_site"] == state.origin.own:
            raise state.origin.not_held("attachment", r["id"].hex)
    if new:
        s.connection().execute(insert(Attachment.__table__), new)
        state.result.attachments_new += len(new)
    for r in recs:
        old = have.get(r["id"])
        if old is not None and r["mod_stamp"] > old.mod_stamp:
            old.deleted = r["deleted"]
            old.mod_stamp = r["mod_stamp"]
    touched = {r["incident_id"] for r in new}
    if touched:
        s.execute(update(SyncBase).where(SyncBase.incident_id.in_(touched)).values(mark=state.mark))

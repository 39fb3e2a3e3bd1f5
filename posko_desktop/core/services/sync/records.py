"""The generic sync path of the record types of `core/sync/kinds.py` (docs/sync-format.md,
"Record types"): which records go out, how an incoming record is checked against the
database and merged, its conflicts, and its rows in the canonical dump.

The same guarantees as for incidents: a stamp per field (the greater wins), the tombstone
`deleted` as a field, a concurrent edit's losing value kept in `record_conflict`, origin
rules (a third site's record only relayed with its signed manifest; nothing said to be
made by this site that it does not hold), stamps no further ahead than the clock
tolerance, attachments whose content is what they claim. These record types are few per
package: records are read and written through the ORM, in batches.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext, new_stamp
from posko_desktop.core.db.models_baseline_sync import IkpSheet, PoldaSheet, TpsRawanSheet, TpsSheet
from posko_desktop.core.db.models_directory import Agency, AgencyContact
from posko_desktop.core.db.models_kerawanan import CandidatePair
from posko_desktop.core.db.models_medsos import (
    HoaxCase,
    LexiconEntry,
    SocialPost,
    TakedownRequest,
)
from posko_desktop.core.db.models_records import Activity, RecordConflict, StageReport
from posko_desktop.core.db.models_units import ReportingUnit
from posko_desktop.core.db.seed_units import SEED_AT, SEED_BY, SEED_STAMP
from posko_desktop.core.domain import NotFoundError, ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.evidence import safe_filename
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit, baseline_sync
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.sync import checks
from posko_desktop.core.services.sync.apply import ImportState
from posko_desktop.core.services.sync.results import RecordConflictInfo, RegencyCounts, jsonable
from posko_desktop.core.sync import kinds, merge
from posko_desktop.core.sync.kinds import KindRules, SyncedKind
from posko_desktop.core.sync.package import PackageError

BATCH = 500


@dataclass(frozen=True)
class SyncedTable:
    """A `SyncedKind` bound to its table (a model with `models_records.SyncedColumns`),
    the change kind published when an import touched it, and how people name a record
    (conflict lists). `seeded`: the stamp of rows every database starts with (the same
    on every site): a record not changed since stays out of packages."""

    kind: SyncedKind
    model: Any
    change: ChangeKind
    label: Callable[[Any], str]
    seeded: str = ""
    # called with the records an import (or a resolved conflict) changed, in its transaction
    applied: Callable[[Session, AppContext, list[Any], datetime], None] | None = None


TABLES: dict[str, SyncedTable] = {}


def register(table: SyncedTable) -> SyncedTable:
    assert table.kind.name in kinds.KINDS and table.kind.name not in TABLES
    TABLES[table.kind.name] = table
    return table


register(SyncedTable(kinds.ACTIVITIES, Activity, ChangeKind.ACTIVITY,
                     lambda a: "{n} {t}".format(n=a.number, t=a.title)))
register(SyncedTable(kinds.UNITS, ReportingUnit, ChangeKind.REPORTING_UNIT,
                     lambda u: "{n} {t}".format(n=u.number, t=u.name), seeded=SEED_STAMP))

register(SyncedTable(kinds.AGENCIES, Agency, ChangeKind.DIRECTORY,
                     lambda a: "{n} {t}".format(n=a.number, t=a.name), seeded=SEED_STAMP))
register(SyncedTable(kinds.AGENCY_CONTACTS, AgencyContact, ChangeKind.DIRECTORY,
                     lambda c: "{a} {n}".format(a=c.agency_code, n=c.name)))
register(SyncedTable(kinds.CANDIDATE_PAIRS, CandidatePair, ChangeKind.CANDIDATE_PAIR,
                     lambda p: "{c}/{b} {h} – {d}".format(c=p.contest_code, b=p.ballot_number,
                                                          h=p.head, d=p.deputy)))

register(SyncedTable(kinds.SOCIAL_POSTS, SocialPost, ChangeKind.SOCIAL_POST,
                     lambda p: "{n} {u}".format(n=p.number, u=p.canonical_url or p.text[:60])))
register(SyncedTable(kinds.HOAX_CASES, HoaxCase, ChangeKind.HOAX_CASE,
                     lambda c: "{n} {t}".format(n=c.number, t=c.claim[:80])))
register(SyncedTable(kinds.TAKEDOWNS, TakedownRequest, ChangeKind.TAKEDOWN,
                     lambda t: "{n} {a}".format(n=t.number, a=t.addressee)))
register(SyncedTable(kinds.LEXICON_ENTRIES, LexiconEntry, ChangeKind.LEXICON,
                     lambda e: "{n} {a} {t}".format(n=e.number, a=e.action, t=e.term)))
register(SyncedTable(kinds.STAGE_REPORTS, StageReport, ChangeKind.STAGE_PROGRESS,
                     lambda r: "{n} {g} {s}".format(n=r.number, g=r.regency, s=r.stage)))


def _sheet_label(sheet: Any) -> str:
    return "{t} {a}".format(t=sheet.__tablename__, a=sheet.area)


for _kind, _model, _applied in (
        (kinds.TPS_SHEETS, TpsSheet, baseline_sync.tps_applied),
        (kinds.TPS_RAWAN_SHEETS, TpsRawanSheet, baseline_sync.marks_applied),
        (kinds.POLDA_SHEETS, PoldaSheet, baseline_sync.marks_applied),
        (kinds.IKP_SHEETS, IkpSheet, baseline_sync.marks_applied)):
    register(SyncedTable(_kind, _model, ChangeKind.BASELINE, _sheet_label, seeded=SEED_STAMP,
                         applied=_applied))


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


# --- export ----------------------------------------------------------------------------


def changed(model: Any, since: str) -> Any:
    """Condition: records to send to a recipient whose watermark is `since` (None: all):
    changed here, or brought in by an import, since."""
    if not since:
        return None
    return or_(model.mod_stamp > since, model.sync_mark > since)


def export_records(s: Session, table: SyncedTable, since: str, site_code: str,
                   vias: set[uuid.UUID], shas: set[str]) -> Iterator[dict[str, Any]]:
    """The package records of `table` going out, by id; adds the packages of relayed
    records to `vias` and the attachment contents to `shas`."""
    kind, model = table.kind, table.model
    stmt = select(model).order_by(model.id).execution_options(yield_per=BATCH)
    cond = changed(model, since)
    if cond is not None:
        stmt = stmt.where(cond)
    if table.seeded:
        stmt = stmt.where(model.mod_stamp > table.seeded)
    for obj in s.scalars(stmt):
        yield record_of(kind, obj, site_code, vias, shas)


def record_of(kind: SyncedKind, obj: Any, site_code: str, vias: set[uuid.UUID],
              shas: set[str]) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": str(obj.id), "number": obj.number, "origin_site": obj.origin_site,
        "recorded_by": obj.recorded_by, "created_at": _iso(obj.created_at),
        "updated_at": _iso(obj.updated_at), "updated_by": obj.updated_by,
        "mod_stamp": obj.mod_stamp,
    }
    for name in kind.fields:
        value = getattr(obj, name)
        rec[name] = _iso(value) if name in kind.datetime_fields else value
    stamps = dict(obj.field_stamps)
    rec["field_stamps"] = stamps
    rec["field_bases"] = merge.effective_bases(stamps, obj.synced_stamps, obj.synced_bases)
    if obj.via_package is not None and obj.origin_site != site_code:
        vias.add(obj.via_package)
        rec["via_package"] = str(obj.via_package)
    else:
        rec["via_package"] = None
    if kind.attachments:
        shas.update(a["sha256"] for a in rec[kind.attachments])
    return rec


# --- import ----------------------------------------------------------------------------


def import_kind(s: Session, ctx: AppContext, state: ImportState, table: SyncedTable,
                stamp_limit: str) -> None:
    """Check and merge the record file of `table` (inside the import's transaction)."""
    kind = table.kind
    rules = KindRules(frozenset(state.regencies), state.now, stamp_limit)
    counts = RegencyCounts()
    seen: set[str] = set()
    batch: list[tuple[int, dict[str, Any]]] = []
    changed: list[Any] = []
    count = 0
    for line, rec in state.reader.iter_records(kind.name):
        count += 1
        _check(s, state, kind, rules, seen, line, rec)
        batch.append((line, rec))
        if len(batch) >= BATCH:
            _merge_batch(s, ctx, state, table, batch, counts, changed)
            batch = []
    _merge_batch(s, ctx, state, table, batch, counts, changed)
    if table.applied is not None and changed:
        table.applied(s, ctx, changed, state.now)
    state.counted[kind.name] = count
    if count:
        state.result.records[kind.name] = counts


def _check(s: Session, state: ImportState, kind: SyncedKind, rules: KindRules,
           seen: set[str], line: int, rec: Any) -> None:
    """Every check of one record that needs no other record: `kinds.check_record`, an id
    twice, the attachments' content (in the package or held here, a type this app accepts,
    as declared)."""
    member = kind.record_file
    problem = kinds.check_record(kind, rec, rules)
    if problem == "ahead":
        raise PackageError(N_("{file}: line {line} of {member}: the change stamp {stamp} lies "
                              "too far ahead of this computer's clock (site {site} has a wrong "
                              "clock, or the package was forged)"), file=state.reader.name,
                           line=line, member=member, stamp=rec["mod_stamp"],
                           site=rec["mod_stamp"].split("-", 2)[-1])
    if problem is not None:
        raise _bad_line(state, member, line, problem)
    key = rec["id"].replace("-", "")
    if key in seen:
        raise PackageError(N_("{file}: record {id} appears twice in the package"),
                           file=state.reader.name, id=rec["id"])
    seen.add(key)
    unit = rec.get("reporting_unit")
    if unit is not None and unit not in state.units_named:
        state.units_named[unit] = key  # checked once the units are in (apply.py)
    if rec["mod_stamp"] > state.max_stamp:
        state.max_stamp = rec["mod_stamp"]
    for att in rec[kind.attachments] if kind.attachments else ():
        sha = att["sha256"]
        if safe_filename(att["filename"], sha[:12]) != att["filename"]:
            raise _bad_line(state, member, line, "attachment file name is not allowed")
        facts = state.blob_facts.get(sha) or checks.blob_facts(s, sha)
        if facts is None:
            raise _bad_line(state, member, line, "attachment content {sha} is missing".format(
                sha=sha[:12]))
        if facts[0] is None:
            raise PackageError(N_("{file}: attachment content {sha} is not an image (PNG, "
                                  "JPEG, GIF, WebP) or a PDF"), file=state.reader.name,
                               sha=sha[:12])
        if facts != (att["mime"], att["size"]):
            raise _bad_line(state, member, line, "attachment content {sha} is {mime} of {size} "
                            "bytes, not as declared".format(sha=sha[:12], mime=facts[0],
                                                            size=facts[1]))
        state.referenced.add(sha)


def _bad_line(state: ImportState, member: str, line: int, problem: str) -> PackageError:
    return PackageError(N_("{file}: line {line} of {member} is not valid: {problem}"),
                        file=state.reader.name, line=line, member=member, problem=problem)


def _merge_batch(s: Session, ctx: AppContext, state: ImportState, table: SyncedTable,
                 batch: list[tuple[int, dict[str, Any]]], counts: RegencyCounts,
                 changed: list[Any]) -> None:
    if not batch:
        return
    kind, model = table.kind, table.model
    origins = state.origin
    ids = [uuid.UUID(rec["id"]) for _line, rec in batch]
    held = {obj.id: obj for obj in s.scalars(select(model).where(model.id.in_(ids)))}
    pkg = state.package_id
    for (_line, rec), rid in zip(batch, ids, strict=True):
        via = uuid.UUID(rec["via_package"]) if rec["via_package"] else None
        obj = held.get(rid)
        own_new = any(stamp.endswith(origins.own_tail)
                      and (obj is None or stamp > obj.field_stamps.get(f, ""))
                      for f, stamp in rec["field_stamps"].items())
        if obj is not None and obj.origin_site != rec["origin_site"]:
            raise PackageError(N_("{file}: record {id} of {member} claims to originate at "
                                  "site {origin}, this site holds it from site {held}"),
                               file=state.reader.name, member=kind.record_file, id=rec["id"],
                               origin=rec["origin_site"], held=obj.origin_site)
        if table.seeded and obj is not None and obj.created_at == SEED_AT \
                and obj.recorded_by == SEED_BY:
            # a seeded record: every site holds its creation from the start, so an edit of
            # it needs no relay of the province's manifest (changes of this site's own
            # still are refused)
            origins.check_record(kind.record_file, rid.hex, origins.sender, None, True,
                                 own_new)
        else:
            origins.check_record(kind.record_file, rid.hex, rec["origin_site"],
                                 via.hex if via else None, obj is not None, own_new)
        values = kinds.python_values(kind, rec)
        if obj is None:
            obj = model(
                id=rid, number=rec["number"], origin_site=rec["origin_site"],
                recorded_by=rec["recorded_by"],
                created_at=datetime.fromisoformat(rec["created_at"]),
                updated_at=datetime.fromisoformat(rec["updated_at"]),
                updated_by=rec["updated_by"], mod_stamp=rec["mod_stamp"],
                field_stamps=rec["field_stamps"], synced_stamps=rec["field_stamps"],
                synced_bases=rec["field_bases"], sync_mark=state.mark,
                via_package=via or pkg, **values)
            s.add(obj)
            counts.new += 1
            changed.append(obj)
            continue
        if _merge_held(s, ctx, state, table, obj, rec, values, via or pkg, counts):
            changed.append(obj)
    s.flush()


def _merge_held(s: Session, ctx: AppContext, state: ImportState, table: SyncedTable, obj: Any,
                rec: dict[str, Any], values: dict[str, Any], via: uuid.UUID,
                counts: RegencyCounts) -> bool:
    """A record held here: merged field by field (`sync.merge`), conflicts kept; True
    when a value changed."""
    kind = table.kind
    local_stamps = dict(obj.field_stamps)
    if local_stamps == rec["field_stamps"]:
        counts.unchanged += 1
        return False
    local_vals = {f: getattr(obj, f) for f in kind.fields}
    local_bases = merge.effective_bases(local_stamps, obj.synced_stamps, obj.synced_bases)
    result = merge.merge_fields(local_vals, local_stamps, local_bases, values,
                                rec["field_stamps"], rec["field_bases"], fields=kind.fields)
    for c in result.conflicts:
        _keep_conflict(s, state, kind, obj.id, c)
    counts.conflicts += len(result.conflicts)
    if not result.values and result.stamps == local_stamps:
        counts.unchanged += 1
        if result.conflicts:  # the incoming version was seen: it becomes the base
            obj.synced_stamps, obj.synced_bases = result.stamps, result.bases
        return False
    for name, value in result.values.items():
        setattr(obj, name, value)
    obj.field_stamps = result.stamps
    obj.mod_stamp = max(result.stamps.values())
    if rec["mod_stamp"] == obj.mod_stamp:
        obj.updated_at = datetime.fromisoformat(rec["updated_at"])
        obj.updated_by = rec["updated_by"]
    obj.synced_stamps, obj.synced_bases = result.stamps, result.bases
    obj.sync_mark, obj.via_package = state.mark, via
    counts.updated += 1
    for f, stamp in result.stamps.items():
        if stamp != local_stamps.get(f):
            _settle(s, state, kind, obj.id, f, result.bases.get(f, stamp))
    audit.record(s, ctx.actor, "sync.merge", kind.record_type, str(obj.id),
                 before={f: jsonable(local_vals[f]) for f in result.values},
                 after={f: jsonable(v) for f, v in result.values.items()}, at=state.now,
                 detail="package {pid} from site {site}; original author {author} "
                        "(site {origin})".format(pid=state.package_id, site=state.source_site,
                                                 author=rec["updated_by"],
                                                 origin=rec["origin_site"]))
    return bool(result.values)


def _keep_conflict(s: Session, state: ImportState, kind: SyncedKind, record_id: uuid.UUID,
                   c: merge.FieldConflict) -> None:
    dup = s.scalar(select(RecordConflict.id).where(
        RecordConflict.record_kind == kind.name, RecordConflict.record_id == record_id,
        RecordConflict.field == c.field, RecordConflict.lost_stamp == c.lost_stamp))
    if dup is None:
        s.add(RecordConflict(record_kind=kind.name, record_id=record_id, field=c.field,
                             kept_value=jsonable(c.kept_value), kept_stamp=c.kept_stamp,
                             lost_value=jsonable(c.lost_value), lost_stamp=c.lost_stamp,
                             package_id=state.package_id, detected_at=state.now,
                             resolved=False))


def _settle(s: Session, state: ImportState, kind: SyncedKind, record_id: uuid.UUID, f: str,
            base: str) -> None:
    """An open conflict is settled elsewhere when a newer value made from either side of it
    arrives (e.g. a supervisor at another site resolved it)."""
    s.execute(update(RecordConflict).where(
        RecordConflict.record_kind == kind.name, RecordConflict.record_id == record_id,
        RecordConflict.field == f, RecordConflict.resolved.is_(False),
        or_(RecordConflict.kept_stamp == base, RecordConflict.lost_stamp == base),
    ).values(resolved=True, resolved_at=state.now, resolved_by="sync", resolution="remote"))


# --- conflicts, canonical dump ------------------------------------------------------------


def _info(s: Session, c: RecordConflict) -> RecordConflictInfo:
    table = TABLES[c.record_kind]
    obj = s.get(table.model, c.record_id)
    return RecordConflictInfo(c.id, c.record_kind, c.record_id,
                              table.label(obj) if obj is not None else str(c.record_id),
                              c.field, c.kept_value, c.kept_stamp, c.lost_value, c.lost_stamp,
                              c.lost_stamp.split("-", 2)[-1], str(c.package_id),
                              c.detected_at, c.resolved, c.resolution)


def list_conflicts(ctx: AppContext, kind: str | None = None,
                   include_resolved: bool = False) -> list[RecordConflictInfo]:
    """The conflicts of the record types of `sync.kinds` (of one, with `kind`)."""
    with ctx.db.read() as s:
        stmt = select(RecordConflict).order_by(RecordConflict.detected_at.desc(),
                                               RecordConflict.id.desc())
        if kind is not None:
            stmt = stmt.where(RecordConflict.record_kind == kind)
        if not include_resolved:
            stmt = stmt.where(RecordConflict.resolved.is_(False))
        return [_info(s, c) for c in s.scalars(stmt)]


def resolve_conflict(ctx: AppContext, conflict_id: int, choice: str) -> RecordConflictInfo:
    """`keep` the winning value or `take` the one that lost: a new edit of the field (a new
    stamp), which syncs to every site like any edit."""
    require(ctx.actor, Permission.CONFLICT_RESOLVE)
    if choice not in ("keep", "take"):
        raise ValidationError(N_("Choose keep or take, not {value}"), field="choice", value=choice)
    now = ctx.now()
    with ctx.db.write() as s:
        c = s.get(RecordConflict, conflict_id)
        if c is None:
            raise NotFoundError(N_("Conflict {id} not found"), id=conflict_id)
        if c.resolved:
            raise ValidationError(N_("Conflict {id} is already resolved"), field="id",
                                  id=conflict_id)
        table = TABLES[c.record_kind]
        obj = s.get(table.model, c.record_id)
        assert obj is not None
        raw = c.kept_value if choice == "keep" else c.lost_value
        value = (datetime.fromisoformat(raw) if raw and c.field in table.kind.datetime_fields
                 else raw)
        before = jsonable(getattr(obj, c.field))
        stamp = new_stamp(s, now)
        setattr(obj, c.field, value)
        obj.field_stamps = {**obj.field_stamps, c.field: stamp}
        obj.mod_stamp, obj.updated_at, obj.updated_by = stamp, now, ctx.actor.username
        c.resolved, c.resolved_at, c.resolved_by, c.resolution = (True, now, ctx.actor.username,
                                                                  choice)
        audit.record(s, ctx.actor, "sync.conflict_resolve", table.kind.record_type, str(obj.id),
                     before={c.field: before}, after={c.field: jsonable(value)}, at=now,
                     detail="conflict {id} ({choice}), package {pid}".format(
                         id=conflict_id, choice=choice, pid=c.package_id))
        s.flush()
        if table.applied is not None:
            table.applied(s, ctx, [obj], now)
        info = _info(s, c)
    ctx.bus.publish(Change(table.change, (str(info.record_id),)))
    ctx.bus.publish(Change(ChangeKind.SYNC, ()))
    return info


def canonical_rows(s: Session, table: SyncedTable) -> list[dict[str, Any]]:
    """What sync must make identical on every site, for `table` (by id)."""
    kind = table.kind
    out = []
    for obj in s.scalars(select(table.model).order_by(table.model.id)):
        row = {f: jsonable(getattr(obj, f)) for f in kind.fields}
        row.update(id=str(obj.id), number=obj.number, origin_site=obj.origin_site,
                   field_stamps=dict(obj.field_stamps), recorded_by=obj.recorded_by,
                   created_at=obj.created_at.isoformat())
        out.append(row)
    return out

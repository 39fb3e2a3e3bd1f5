"""True conflicts kept for a supervisor (docs/sync-format.md, "Conflicts"): listed, and
resolved by a new edit of the field that syncs like any other."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from posko_desktop.core.context import AppContext, new_stamp
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.models_sync import SyncConflict
from posko_desktop.core.domain import NotFoundError, Severity, Status, ValidationError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.sync.results import ConflictInfo, jsonable
from posko_desktop.core.sync import records
from posko_desktop.core.timeutil import wib_date


def list_conflicts(ctx: AppContext, include_resolved: bool = False) -> list[ConflictInfo]:
    with ctx.db.read() as s:
        stmt = (select(SyncConflict, Incident.number, Incident.regency_code, Incident.title)
                .join(Incident, Incident.id == SyncConflict.incident_id)
                .order_by(SyncConflict.detected_at.desc(), SyncConflict.id.desc()))
        if not include_resolved:
            stmt = stmt.where(SyncConflict.resolved.is_(False))
        out = []
        for c, number, regency, title in s.execute(stmt):
            out.append(ConflictInfo(c.id, c.incident_id, number, regency, title, c.field,
                                    c.kept_value, c.kept_stamp, c.lost_value, c.lost_stamp,
                                    c.lost_stamp.split("-", 2)[-1], str(c.package_id),
                                    c.detected_at, c.resolved, c.resolution))
        return out


def resolve_conflict(ctx: AppContext, conflict_id: int, choice: str) -> ConflictInfo:
    """`keep` the winning value or `take` the value that lost. Either way the decision is a
    new edit of the field (a new stamp), so it syncs to every site like any edit."""
    require(ctx.actor, Permission.CONFLICT_RESOLVE)
    if choice not in ("keep", "take"):
        raise ValidationError(N_("Choose keep or take, not {value}"), field="choice", value=choice)
    now = ctx.now()
    with ctx.db.write() as s:
        c = s.get(SyncConflict, conflict_id)
        if c is None:
            raise NotFoundError(N_("Conflict {id} not found"), id=conflict_id)
        if c.resolved:
            raise ValidationError(N_("Conflict {id} is already resolved"), field="id", id=conflict_id)
        inc = s.scalars(select(Incident).where(Incident.id == c.incident_id)).one()
        before = jsonable(getattr(inc, c.field))
        raw = c.kept_value if choice == "keep" else c.lost_value
        value: Any = datetime.fromisoformat(raw) if c.field in records.DATETIME_FIELDS and raw else raw
        if c.field == "status":
            Status(value)
        stamp = new_stamp(s, now)
        setattr(inc, c.field, value)
        inc.field_stamps = {**inc.field_stamps, c.field: stamp}
        inc.mod_stamp = stamp
        inc.updated_at = now
        inc.updated_by = ctx.actor.username
        if c.field == "occurred_at":
            inc.occurred_date = wib_date(inc.occurred_at)
        if c.field == "severity":
            inc.severity_rank = Severity(inc.severity).rank
        c.resolved, c.resolved_at, c.resolved_by, c.resolution = True, now, ctx.actor.username, choice
        audit.record(s, ctx.actor, "sync.conflict_resolve", "incident", str(inc.id),
                     before={c.field: before}, after={c.field: jsonable(value)},
                     at=now, detail="conflict {id} ({choice}), package {pid}".format(
                         id=conflict_id, choice=choice, pid=c.package_id))
        info = ConflictInfo(c.id, c.incident_id, inc.number, inc.regency_code, inc.title, c.field,
                            c.kept_value, c.kept_stamp, c.lost_value, c.lost_stamp,
                            c.lost_stamp.split("-", 2)[-1], str(c.package_id), c.detected_at,
                            True, choice)
    ctx.bus.publish(Change(ChangeKind.INCIDENT, (str(info.incident_id),)))
    ctx.bus.publish(Change(ChangeKind.SYNC, ()))
    return info

"""What the Sync tab and `posko sync-status` show: the sync log, per site what was received,
sent and is pending, and the canonical dump that sync must make identical on every site."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Attachment, FollowUp, Incident, LocalSite, Regency
from posko_desktop.core.db.models_sync import SyncKey, SyncLog, SyncPackage, SyncWatermark
from posko_desktop.core.domain import PROVINCE_CODE
from posko_desktop.core.services.sync import records
from posko_desktop.core.services.sync.export_records import changed_incidents
from posko_desktop.core.services.sync.results import LogEntry, PeerStatus, jsonable
from posko_desktop.core.sync.records import SYNC_FIELDS


def sync_log(ctx: AppContext, limit: int = 200) -> list[LogEntry]:
    with ctx.db.read() as s:
        rows = s.scalars(select(SyncLog).order_by(SyncLog.at.desc(), SyncLog.id.desc()).limit(limit))
        return [LogEntry(r.at, r.action, str(r.package_id), r.peer_site, r.actor, r.file_name,
                         r.summary) for r in rows]


def pending_count(s: Session, recipient: str) -> int:
    mark = s.get(SyncWatermark, recipient)
    cond = changed_incidents(mark.upto_stamp if mark else "")
    stmt = select(func.count()).select_from(Incident)
    if cond is not None:
        stmt = stmt.where(cond)
    return int(s.scalar(stmt) or 0)


def overview(ctx: AppContext) -> list[PeerStatus]:
    """Per site (province and the 35 regencies): last package received and sent, records
    pending for it, trust status of its key."""
    with ctx.db.read() as s:
        here = s.scalars(select(LocalSite)).first()
        sites = [(PROVINCE_CODE, "Provinsi Jawa Tengah")] + [
            (r.code, ("Kab. " if r.kind == "kabupaten" else "Kota ") + r.name)
            for r in s.scalars(select(Regency).order_by(Regency.code))]
        received = dict(s.execute(select(SyncPackage.source_site, func.max(SyncPackage.processed_at))
                                  .where(SyncPackage.direction == "in")
                                  .group_by(SyncPackage.source_site)).all())
        sent = dict(s.execute(select(SyncPackage.recipient, func.max(SyncPackage.created_at))
                              .where(SyncPackage.direction == "out")
                              .group_by(SyncPackage.recipient)).all())
        acked = set(s.scalars(select(SyncWatermark.recipient)))
        key_state: dict[str, str] = {}
        for k in s.scalars(select(SyncKey)):
            if k.revoked_at is None:
                key_state[k.site_code] = "trusted"
            else:
                key_state.setdefault(k.site_code, "revoked")
        total = int(s.scalar(select(func.count()).select_from(Incident)) or 0)
        out = []
        for code, name in sites:
            if here is not None and code == here.code:
                continue
            pending = pending_count(s, code) if code in acked else total
            out.append(PeerStatus(code, name, received.get(code), sent.get(code), pending,
                                  key_state.get(code, "none")))
        return out


def canonical_dump(ctx: AppContext) -> dict[str, Any]:
    """Everything that sync must make identical on every site, in a fixed order
    (incidents with their synced fields and stamps, follow-ups, attachments, the records
    of every type of `sync.kinds`)."""
    with ctx.db.read() as s:
        incs = []
        for inc in s.scalars(select(Incident).order_by(Incident.id)):
            row = {f: jsonable(getattr(inc, f)) for f in SYNC_FIELDS}
            row.update(id=str(inc.id), number=inc.number, origin_site=inc.origin_site,
                       field_stamps=inc.field_stamps, recorded_by=inc.recorded_by,
                       created_at=inc.created_at.isoformat())
            incs.append(row)
        fus = [[str(f.id), str(f.incident_id), f.kind, f.text, f.author, f.mod_stamp,
                f.agency_code, str(f.contact_id) if f.contact_id else None]
               for f in s.scalars(select(FollowUp).order_by(FollowUp.id))]
        atts = [[str(a.id), str(a.incident_id), a.sha256, a.deleted, a.mod_stamp]
                for a in s.scalars(select(Attachment).order_by(Attachment.id))]
        out: dict[str, Any] = {"incidents": incs, "followups": fus, "attachments": atts}
        for name, table in records.TABLES.items():
            out[name] = records.canonical_rows(s, table)
        return out

"""The desk's own activities (issue 15, "Kegiatan Posko"): coordination meetings, cyber
patrols, appeals, clarifications, outreach, visits. Record, edit, attach, delete, query.

The reference for a record type that syncs (docs/contributing.md, "Adding a record type
that syncs"): the incident service's shape, one stamp per synced field
(`sync.kinds.ACTIVITIES`), the tombstone as a field, the optimistic version check.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core import places
from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models import Blob, Regency
from posko_desktop.core.db.models_directory import Agency
from posko_desktop.core.db.models_records import Activity
from posko_desktop.core.domain import (
    ActivityKind,
    AttachmentError,
    NotFoundError,
    PermissionDenied,
    TransitionError,
    ValidationError,
    check_text,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.evidence import safe_filename
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit, evidence_store, synced_records, units
from posko_desktop.core.services.authz import Permission, can, require
from posko_desktop.core.services.edit_versions import check_synced_version, synced_version
from posko_desktop.core.services.places import check_activity_place
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.services.synced_records import next_number
from posko_desktop.core.sync.kinds import ACTIVITIES
from posko_desktop.core.timeutil import ensure_utc

logger = logging.getLogger(__name__)

TITLE_MAX = 200
RESULT_MAX = 20_000
PARTNER_MAX = 120
PARTNERS_MAX = 40
ATTACHMENTS_MAX = 50
START_AHEAD = timedelta(days=1)
EDITABLE_FIELDS = ("started_at", "ended_at", "kind", "title", "regencies", "partners", "result",
                   "kecamatan_code", "desa_code", "reporting_unit")
assert set(EDITABLE_FIELDS) | {"attachments", "deleted"} == set(ACTIVITIES.fields)


@dataclass
class ActivityInput:
    """What a person enters. Datetimes: aware, or naive meaning WIB wall time. Partners:
    agency codes (resources/agencies.json, e.g. POLRI, BAWASLU) or free text (FKUB ...)."""

    kind: str
    title: str
    started_at: datetime
    ended_at: datetime | None = None
    regencies: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    result: str = ""
    kecamatan_code: str | None = None  # a kecamatan of one of `regencies` (issue 17)
    desa_code: str | None = None  # a desa of that kecamatan
    # the agency/OPD that reported it (issue 18); None or a regency code: the regency's
    # office (at the province: the desk itself)
    reporting_unit: str | None = None


@dataclass(frozen=True)
class ActivityAttachment:
    sha256: str
    filename: str
    mime: str
    size: int


@dataclass(frozen=True)
class ActivityInfo:
    id: uuid.UUID
    number: str
    origin_site: str
    kind: str
    title: str
    started_at: datetime  # UTC
    ended_at: datetime | None
    regencies: tuple[str, ...]
    partners: tuple[str, ...]
    result: str
    attachments: tuple[ActivityAttachment, ...]
    recorded_by: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
    deleted: bool
    version: str  # docs/contributing.md, "Optimistic version check on update"
    kecamatan_code: str | None = None
    desa_code: str | None = None
    reporting_unit: str | None = None

    @property
    def kind_label(self) -> str:
        return ActivityKind(self.kind).label

    @property
    def place_text(self) -> str:
        """'Kec. Bergas, Desa Lerep' by the shipped list; '' without a place."""
        return place_text(self.kecamatan_code, self.desa_code)

    def to_input(self) -> ActivityInput:
        return ActivityInput(self.kind, self.title, self.started_at, self.ended_at,
                             list(self.regencies), list(self.partners), self.result,
                             self.kecamatan_code, self.desa_code, self.reporting_unit)


def place_text(kecamatan_code: str | None, desa_code: str | None) -> str:
    index = places.shipped_index()
    parts = []
    if kecamatan_code and (k := index.kecamatan.get(kecamatan_code)) is not None:
        parts.append("Kec. {n}".format(n=k.name))
    if desa_code and (d := index.desa.get(desa_code)) is not None:
        parts.append("{kind} {n}".format(kind="Kel." if d.kind == "kelurahan" else "Desa",
                                         n=d.name))
    return ", ".join(parts)


# --- versions, DTOs ------------------------------------------------------------------------

_STALE = N_("Activity {number} was changed by {name} at {time} since you opened it; "
            "your change was not saved.")


def activity_version(a: Activity) -> str:
    """The newest of the record's modification stamp and the mark of the last import that
    touched it (an import may bring an older edit and leave `mod_stamp` as it was)."""
    return synced_version(a)


def _info(a: Activity) -> ActivityInfo:
    return ActivityInfo(
        a.id, a.number, a.origin_site, a.kind, a.title, a.started_at, a.ended_at,
        tuple(a.regencies), tuple(a.partners), a.result,
        tuple(ActivityAttachment(x["sha256"], x["filename"], x["mime"], x["size"])
              for x in a.attachments),
        a.recorded_by, a.created_at, a.updated_at, a.updated_by, a.deleted, activity_version(a),
        a.kecamatan_code, a.desa_code, a.reporting_unit)


def _snapshot(a: Activity) -> dict[str, Any]:
    return {**{f: getattr(a, f) for f in EDITABLE_FIELDS}, "deleted": a.deleted}


def _check_version(s: Session, a: Activity, expected: str | None) -> None:
    """Refuse (StaleEdit, nothing written) when the activity changed since `expected`."""
    check_synced_version(s, a, expected, a.number, _STALE, _snapshot(a), number=a.number)


# --- validation ----------------------------------------------------------------------------


def _validate(s: Session, values: Mapping[str, Any], now: datetime,
              stored_unit: str | None = None) -> dict[str, Any]:
    """The editable fields in their stored form, or ValidationError naming the field. The
    start lies between 2020 and a day from now (a meeting later today may be entered in the
    morning; every partner accepts times up to two days ahead of its clock). The reporting
    unit: an active agency unit, or None (a stored unit since deactivated may stay)."""
    try:
        kind = ActivityKind(values["kind"]).value
    except ValueError:
        raise ValidationError(N_("Unknown activity kind {value}"), field="kind",
                              value=values["kind"]) from None
    title = check_text(" ".join(str(values["title"]).split()), "title")
    if not title:
        raise ValidationError(N_("Give a title"), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(N_("At most {max} characters"), field="title", max=TITLE_MAX)
    started = ensure_utc(values["started_at"])
    if started > now + START_AHEAD:
        raise ValidationError(N_("The start lies more than a day ahead"), field="started_at")
    if started.year < 2020:
        raise ValidationError(N_("The start lies before 2020"), field="started_at")
    ended = ensure_utc(values["ended_at"]) if values["ended_at"] is not None else None
    if ended is not None and ended < started:
        raise ValidationError(N_("The end lies before the start"), field="ended_at")
    known = set(s.scalars(select(Regency.code)))
    regencies: list[str] = []
    for text in values["regencies"]:
        code = normalize_regency_code(str(text))
        if code is None or code not in known:
            raise ValidationError(N_("Unknown regency code {code}"), field="regencies",
                                  code=text)
        if code not in regencies:
            regencies.append(code)
    agencies = {c.upper(): c for c in s.scalars(select(Agency.code))}
    partners: list[str] = []
    for text in values["partners"]:
        name = check_text(" ".join(str(text).split()), "partners")
        if not name:
            continue
        if len(name) > PARTNER_MAX:
            raise ValidationError(N_("At most {max} characters"), field="partners",
                                  max=PARTNER_MAX)
        name = agencies.get(name.upper(), name)  # an agency by its code, as the list has it
        if name not in partners:
            partners.append(name)
    if len(partners) > PARTNERS_MAX:
        raise ValidationError(N_("At most {max} partners"), field="partners", max=PARTNERS_MAX)
    result = check_text(str(values["result"]).strip(), "result", multiline=True)
    if len(result) > RESULT_MAX:
        raise ValidationError(N_("At most {max} characters"), field="result", max=RESULT_MAX)
    kecamatan_code, desa_code = check_activity_place(
        regencies, values["kecamatan_code"], values["desa_code"])
    unit = values["reporting_unit"]
    if unit is None or unit != stored_unit:
        unit = units.agency_unit_code(s, unit or "")
    return {"kind": kind, "title": title, "started_at": started, "ended_at": ended,
            "regencies": sorted(regencies), "partners": partners, "result": result,
            "kecamatan_code": kecamatan_code, "desa_code": desa_code, "reporting_unit": unit}


def _sent_fields(data: ActivityInput | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(data, ActivityInput):
        return {name: getattr(data, name) for name in EDITABLE_FIELDS}
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])
    return dict(data)


def _get(s: Session, activity_id: uuid.UUID) -> Activity:
    a = s.get(Activity, activity_id)
    if a is None:
        raise NotFoundError(N_("Activity {id} not found"), id=str(activity_id))
    return a


def _require_editable(ctx: AppContext, s: Session, a: Activity) -> None:
    """Operators change their own site's activities; another site's needs activity.manage."""
    if a.origin_site != local_site(s).code and not can(ctx.actor, Permission.ACTIVITY_MANAGE):
        raise PermissionDenied(N_("Activity {number} was recorded at site {site}; only a "
                                  "supervisor may change it here"), number=a.number,
                               site=a.origin_site)
    if a.deleted:
        raise TransitionError(N_("Activity {number} is deleted; restore it first"),
                              number=a.number)


def _stamp_fields(a: Activity, names: Sequence[str], stamp: str, ctx: AppContext,
                  now: datetime) -> None:
    a.field_stamps = {**a.field_stamps, **dict.fromkeys(names, stamp)}
    a.mod_stamp, a.updated_at, a.updated_by = stamp, now, ctx.actor.username


# --- commands ------------------------------------------------------------------------------


def add_activity(ctx: AppContext, data: ActivityInput) -> ActivityInfo:
    require(ctx.actor, Permission.ACTIVITY_RECORD)
    now = ctx.now()
    with ctx.db.write() as s:
        values = _validate(s, {name: getattr(data, name) for name in EDITABLE_FIELDS}, now)
        site = local_site(s)
        stamp = new_stamp(s, now)
        a = Activity(id=uuid7(), number=next_number(s, Activity, "KEG", site.code, now.year),
                     origin_site=site.code, recorded_by=ctx.actor.username, created_at=now,
                     updated_at=now, updated_by=ctx.actor.username, mod_stamp=stamp,
                     field_stamps=dict.fromkeys(ACTIVITIES.fields, stamp), deleted=False,
                     attachments=[], **values)
        s.add(a)
        s.flush()
        audit.record(s, ctx.actor, "activity.create", "activity", str(a.id), before=None,
                     after={"number": a.number, **_audit_values(values)}, at=now)
        info = _info(a)
    logger.info("Activity %s recorded", info.number)
    ctx.bus.publish(Change(ChangeKind.ACTIVITY, (str(info.id),)))
    return info


def _audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def update_activity(ctx: AppContext, activity_id: uuid.UUID,
                    data: ActivityInput | Mapping[str, Any], *,
                    expected_version: str | None = None) -> ActivityInfo:
    """Change editable fields (the whole form, or a mapping of only the fields to change);
    only fields that really changed get a new stamp. `expected_version`: the version the
    user started from; a change since refuses the save (StaleEdit, nothing written)."""
    require(ctx.actor, Permission.ACTIVITY_RECORD)
    sent = _sent_fields(data)
    now = ctx.now()
    with ctx.db.write() as s:
        a = _get(s, activity_id)
        _check_version(s, a, expected_version)
        _require_editable(ctx, s, a)
        values = _validate(s, {**{f: getattr(a, f) for f in EDITABLE_FIELDS}, **sent}, now,
                           stored_unit=a.reporting_unit)
        changed = {k: values[k] for k in sent if getattr(a, k) != values[k]}
        if not changed:
            return _info(a)
        before = {k: getattr(a, k) for k in changed}
        for name, value in changed.items():
            setattr(a, name, value)
        _stamp_fields(a, list(changed), new_stamp(s, now), ctx, now)
        audit.record(s, ctx.actor, "activity.update", "activity", str(a.id),
                     before=_audit_values(before), after=_audit_values(changed), at=now,
                     detail="base {v}".format(v=expected_version) if expected_version else "")
        info = _info(a)
    ctx.bus.publish(Change(ChangeKind.ACTIVITY, (str(activity_id),)))
    return info


def attach(ctx: AppContext, activity_id: uuid.UUID, filename: str, data: bytes, *,
           expected_version: str | None = None) -> ActivityInfo:
    """Add a document or photo (PNG, JPEG, GIF, WebP, PDF; type sniffed from the content),
    stored once by SHA-256 in the attachment store incidents use."""
    require(ctx.actor, Permission.ACTIVITY_RECORD)
    now = ctx.now()
    with ctx.db.write() as s:
        a = _get(s, activity_id)
        _check_version(s, a, expected_version)
        _require_editable(ctx, s, a)
        mime = evidence_store.check_file(s, filename, data)
        if len(a.attachments) >= ATTACHMENTS_MAX:
            raise AttachmentError(N_("{name}: at most {max} attachments per activity"),
                                  name=filename, max=ATTACHMENTS_MAX)
        digest = evidence_store.store_blob(s, data)
        entry = {"sha256": digest, "filename": safe_filename(filename, digest[:12]),
                 "mime": mime, "size": len(data)}
        a.attachments = [*a.attachments, entry]
        _stamp_fields(a, ["attachments"], new_stamp(s, now), ctx, now)
        audit.record(s, ctx.actor, "activity.attach", "activity", str(a.id), before=None,
                     after=entry, at=now)
        info = _info(a)
    ctx.bus.publish(Change(ChangeKind.ACTIVITY, (str(activity_id),)))
    return info


def attachment_data(ctx: AppContext, activity_id: uuid.UUID, sha256: str) -> bytes:
    with ctx.db.read() as s:
        a = _get(s, activity_id)
        if not any(x["sha256"] == sha256 for x in a.attachments):
            raise NotFoundError(N_("Attachment {id} not found"), id=sha256[:12])
        blob = s.get(Blob, sha256)
        if blob is None:
            raise NotFoundError(N_("Attachment {id} not found"), id=sha256[:12])
        return blob.data


def set_deleted(ctx: AppContext, activity_id: uuid.UUID, deleted: bool, reason: str = "", *,
                expected_version: str | None = None) -> ActivityInfo:
    """Delete (a tombstone that syncs like any edit) or restore; supervisors only."""
    require(ctx.actor, Permission.ACTIVITY_MANAGE)
    reason = check_text((reason or "").strip(), "reason", multiline=True)
    now = ctx.now()
    with ctx.db.write() as s:
        a = _get(s, activity_id)
        _check_version(s, a, expected_version)
        if a.deleted == deleted:
            return _info(a)
        a.deleted = deleted
        _stamp_fields(a, ["deleted"], new_stamp(s, now), ctx, now)
        audit.record(s, ctx.actor, "activity.delete" if deleted else "activity.restore",
                     "activity", str(a.id), before={"deleted": not deleted},
                     after={"deleted": deleted, "reason": reason}, at=now)
        info = _info(a)
    ctx.bus.publish(Change(ChangeKind.ACTIVITY, (str(activity_id),)))
    return info


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFilter:
    """Started in [start, end) (UTC; None: open), of one kind, naming one regency."""

    start: datetime | None = None
    end: datetime | None = None
    kind: str | None = None
    regency: str | None = None
    include_deleted: bool = False


def list_activities(ctx: AppContext, flt: ActivityFilter = ActivityFilter()) -> list[ActivityInfo]:
    """Newest first. Activities are a few per day: the regency filter (a JSON list) is
    applied here, not in SQL."""
    stmt = select(Activity).order_by(Activity.started_at.desc(), Activity.number.desc())
    if flt.start is not None:
        stmt = stmt.where(Activity.started_at >= flt.start)
    if flt.end is not None:
        stmt = stmt.where(Activity.started_at < flt.end)
    if flt.kind is not None:
        stmt = stmt.where(Activity.kind == flt.kind)
    if not flt.include_deleted:
        stmt = stmt.where(Activity.deleted.is_(False))
    with ctx.db.read() as s:
        rows = [_info(a) for a in s.scalars(stmt)]
    if flt.regency is not None:
        rows = [r for r in rows if flt.regency in r.regencies]
    return rows


def in_period(ctx: AppContext, start: datetime, end: datetime,
              regency: str | None = None) -> list[ActivityInfo]:
    """The activities (not deleted) that started in [start, end), oldest first; with
    `regency`, those naming it (province-wide activities name none). For the sitrep's
    section D and the weekly report."""
    rows = list_activities(ctx, ActivityFilter(ensure_utc(start), ensure_utc(end),
                                               regency=regency))
    return sorted(rows, key=lambda r: (r.started_at, r.number))


def get_activity(ctx: AppContext, activity_id: uuid.UUID) -> ActivityInfo:
    with ctx.db.read() as s:
        return _info(_get(s, activity_id))


def resolve_ref(ctx: AppContext, ref: str) -> uuid.UUID:
    """An activity given as UUID or number (CLI)."""
    return synced_records.resolve_ref(ctx, Activity, ref, N_("Activity {id} not found"))

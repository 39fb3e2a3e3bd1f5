"""Incidents: record, edit, change status, follow up, refer, attach evidence, delete, query."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models import (
    Attachment,
    Blob,
    FollowUp,
    Incident,
    NumberSequence,
    Regency,
)
from posko_desktop.core.db.models_directory import Agency, AgencyContact
from posko_desktop.core.db.stamps import FIELDS as STAMPED_FIELDS
from posko_desktop.core.domain import (
    Actor,
    FollowUpKind,
    NotFoundError,
    ReferralState,
    Severity,
    StaleEdit,
    Status,
    Transition,
    TransitionError,
    ValidationError,
    ValidationErrors,
    allowed_transitions,
    check_text,
    find_transition,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.evidence import safe_filename
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit, directory, evidence_store, units
from posko_desktop.core.services.authz import Permission, can, require
from posko_desktop.core.services.edit_versions import person
from posko_desktop.core.services.incident_input import (  # noqa: F401 - importable from here
    CONTEST_FIELDS,
    CONTEST_INPUTS,
    EDITABLE_FIELDS,
    PLACE_FIELDS,
    PLACE_INPUTS,
    REPORT_FIELDS,
    TAXONOMY_FIELDS,
    TEXT_MAX,
    TITLE_MAX,
    UNIT_FIELD,
    IncidentInput,
    check_input,
    editable_values,
    sent_fields,
    validate_input,
)
from posko_desktop.core.services.incident_log import (  # noqa: F401 - the log, importable from here
    IncidentFilter,
    IncidentRow,
    SortKey,
    apply_filter,
    count_incidents,
    page_keys,
    query_incidents,
)
from posko_desktop.core.services.incident_versions import (
    changed_since,
    incident_version,
    require_version,
    snapshot,
    stale_edit,
)
from posko_desktop.core.timeutil import ensure_utc, wib_date

logger = logging.getLogger(__name__)


# --- DTOs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpEntry:
    id: uuid.UUID
    created_at: datetime
    author: str
    origin_site: str
    kind: str
    text: str
    status_from: str | None
    status_to: str | None
    agency_code: str | None
    due_at: datetime | None
    referral_id: uuid.UUID | None
    referral_state: str | None
    contact_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Referral:
    id: uuid.UUID
    agency_code: str
    created_at: datetime
    due_at: datetime | None
    state: str
    text: str
    version: str  # stamp of the entry that set the state (docs/contributing.md)
    contact_id: uuid.UUID | None = None  # the contact person chosen (0024)
    contact: str = ""  # whom to call: name (function), phone, WA ("" without a contact)

    def overdue(self, now: datetime) -> bool:
        return self.state != ReferralState.SELESAI and self.due_at is not None and now > self.due_at


@dataclass(frozen=True)
class AttachmentInfo:
    id: uuid.UUID
    sha256: str
    filename: str
    mime: str
    size: int
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class IncidentDetail:
    id: uuid.UUID
    number: str
    origin_site: str
    regency_code: str
    regency_name: str
    regency_kind: str
    kecamatan: str
    desa: str
    location: str
    occurred_at: datetime
    reported_at: datetime
    source_type: str
    source_detail: str
    title: str
    description: str
    category_code: str
    severity: str
    status: str
    people_involved: int | None
    victims_dead: int | None
    victims_injured: int | None
    material_loss: str
    current_condition: str
    source_contact: str
    source_phone: str
    kecamatan_code: str | None
    desa_code: str | None
    latitude: float | None
    longitude: float | None
    contest_code: str | None
    pair_number: int | None
    tps_number: int | None
    channel: str
    legal_type: str
    recorded_by: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
    respond_by: datetime
    responded_at: datetime | None
    next_referral_due: datetime | None
    mod_stamp: str
    version: str  # what an edit of this view passes as expected_version (incident_version)
    deleted: bool
    timeline: list[FollowUpEntry] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    attachments: list[AttachmentInfo] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    reporting_unit: str | None = None  # an agency's unit code; None: the regency's office

    def to_input(self) -> IncidentInput:
        names = {f.name for f in fields(IncidentInput)}
        return IncidentInput(**{k: v for k, v in self.__dict__.items() if k in names})

    def edit_values(self) -> dict[str, Any]:
        """The editable fields as stored: the base of an edit (and of its merge)."""
        return editable_values(self)


def respond_by_time(session: Session, reported_at: datetime, severity: str) -> datetime:
    hours = settings.get(session, settings.RESPONSE_HOURS[severity])
    return reported_at + timedelta(hours=hours)


def next_number(session: Session, site_code: str, year: int) -> str:
    seq = session.get(NumberSequence, (site_code, year))
    if seq is None:
        seq = NumberSequence(site=site_code, year=year, last=0)
        session.add(seq)
    seq.last += 1
    prefix = site_code.replace(".", "").ljust(4, "0")
    return f"{prefix}-{year % 100:02d}-{seq.last:06d}"


def _get(session: Session, incident_id: uuid.UUID) -> Incident:
    inc = session.scalars(select(Incident).where(Incident.id == incident_id)).first()
    if inc is None:
        raise NotFoundError(N_("Incident {id} not found"), id=str(incident_id))
    return inc


# --- commands --------------------------------------------------------------------------


def create_incident(ctx: AppContext, data: IncidentInput, *,
                    reporting_unit: str | None = None) -> IncidentDetail:
    """`reporting_unit`: the code of the agency/OPD that reported it (issue 18); None or a
    regency office's code: the office of the incident's regency."""
    require(ctx.actor, Permission.INCIDENT_CREATE)
    now = ctx.now()
    with ctx.db.write() as s:
        detail = _detail(s, add_incident(ctx, s, data, now, reporting_unit=reporting_unit))
    logger.info("Incident %s created by %s", detail.number, ctx.actor.username)
    ctx.bus.publish(Change(ChangeKind.INCIDENT, (str(detail.id),)))
    return detail


def add_incident(ctx: AppContext, s: Session, data: IncidentInput, now: datetime, *,
                 reporting_unit: str | None = None) -> Incident:
    """Validate, number, add and audit a new incident inside the caller's write
    transaction (create_incident, medsos.cases.open_incident). The caller checked
    `INCIDENT_CREATE` and publishes the `Change` after commit."""
    values = validate_input(s, data, now)
    values["reporting_unit"] = units.agency_unit_code(s, reporting_unit or "")
    site = local_site(s)
    stamp = new_stamp(s, now)
    inc = Incident(
        id=uuid7(),
        number=next_number(s, site.code, now.year),
        origin_site=site.code,
        occurred_date=wib_date(values["occurred_at"]),
        severity_rank=Severity(values["severity"]).rank,
        status=Status.BARU.value,
        recorded_by=ctx.actor.username,
        created_at=now,
        updated_at=now,
        updated_by=ctx.actor.username,
        respond_by=respond_by_time(s, values["reported_at"], values["severity"]),
        responded_at=None,
        next_referral_due=None,
        mod_stamp=stamp,
        field_stamps=dict.fromkeys(STAMPED_FIELDS, stamp),
        deleted=False,
        **values,
    )
    s.add(inc)
    s.flush()
    unit = {"reporting_unit": inc.reporting_unit} if inc.reporting_unit else {}
    audit.record(s, ctx.actor, "incident.create", "incident", str(inc.id),
                 before=None, after={**snapshot(inc), **unit}, at=now)
    return inc


def update_incident(ctx: AppContext, incident_id: uuid.UUID,
                    data: IncidentInput | Mapping[str, Any], *,
                    expected_version: str | None = None) -> IncidentDetail:
    """Change editable fields; only fields that really changed get a new stamp.

    `data` is the whole form (an `IncidentInput`; `reported_at` None keeps the stored time)
    or only the fields to change (a mapping, as the CLI sends). `expected_version` is the
    version the user started from (`IncidentDetail.version`): a sent field whose value
    differs from the stored one while someone else changed it since is refused with
    `StaleEdit` (nothing written); fields nobody else touched are saved. None skips the
    check (tests and one-shot scripts that did not show the record to anyone)."""
    require(ctx.actor, Permission.INCIDENT_EDIT)
    sent = sent_fields(data)
    unit_sent, unit = UNIT_FIELD in sent, sent.pop(UNIT_FIELD, None)
    now = ctx.now()
    with ctx.db.write() as s:
        inc = _get(s, incident_id)
        version, since = (changed_since(s, inc, expected_version)
                          if expected_version is not None else ("", set()))
        if inc.deleted:
            if "deleted" in since:
                raise stale_edit(s, inc, version)
            raise TransitionError(N_("Incident {number} is deleted; restore it first"),
                                  number=inc.number)
        moved = any(sent[f] != getattr(inc, f) for f in PLACE_INPUTS & sent.keys())
        named = moved or any(sent[f] != getattr(inc, f) for f in CONTEST_INPUTS & sent.keys())
        try:
            values = validate_input(s, IncidentInput(**{**editable_values(inc), **sent}), now,
                                    check_places=moved, check_contest=named,
                                    stored_category=inc.category_code)
        except ValidationErrors:
            if since & sent.keys():  # judged against values the user never saw
                raise stale_edit(s, inc, version, tuple(sorted(since & sent.keys()))) from None
            raise
        if unit_sent:  # a unit since deactivated may stay; a new one must be active
            sent[UNIT_FIELD] = values[UNIT_FIELD] = (
                inc.reporting_unit if unit == inc.reporting_unit
                else units.agency_unit_code(s, unit or ""))
        clashes = tuple(f for f in sent if f in since and values[f] != getattr(inc, f))
        if clashes:
            raise stale_edit(s, inc, version, clashes)
        changed = {k: values[k] for k in sent if getattr(inc, k) != values[k]}
        if not changed:
            return _detail(s, inc)
        before = {**snapshot(inc), UNIT_FIELD: inc.reporting_unit}
        stamp = new_stamp(s, now)
        for name, value in changed.items():
            setattr(inc, name, value)
        stamps = dict(inc.field_stamps)
        stamps.update({name: stamp for name in changed})
        inc.field_stamps = stamps
        inc.occurred_date = wib_date(inc.occurred_at)
        inc.severity_rank = Severity(inc.severity).rank
        if {"severity", "reported_at"} & changed.keys():
            inc.respond_by = respond_by_time(s, inc.reported_at, inc.severity)
        inc.mod_stamp = stamp
        inc.updated_at = now
        inc.updated_by = ctx.actor.username
        audit.record(s, ctx.actor, "incident.update", "incident", str(inc.id),
                     before={k: before[k] for k in changed}, after=changed, at=now,
                     detail="base {v}".format(v=expected_version) if expected_version else "")
        detail = _detail(s, inc)
    ctx.bus.publish(Change(ChangeKind.INCIDENT, (str(incident_id),)))
    return detail


def change_status(ctx: AppContext, incident_id: uuid.UUID, target: str, reason: str = "", *,
                  expected_version: str | None = None) -> IncidentDetail:
    """Move along the workflow (domain.TRANSITIONS); every change is a timeline entry.
    With `expected_version`, refused (StaleEdit) when the incident changed since."""
    require(ctx.actor, Permission.INCIDENT_FOLLOWUP)
    now = ctx.now()
    try:
        target_status = Status(target)
    except ValueError:
        raise ValidationError(N_("Unknown status {value}"), field="status", value=target) from None
    with ctx.db.write() as s:
        inc = _get(s, incident_id)
        require_version(s, inc, expected_version)
        source = Status(inc.status)
        transition = find_transition(source, target_status)
        if inc.deleted or transition is None:
            raise TransitionError(
                N_("Incident {number} cannot go from {source} to {target}"),
                number=inc.number, source=source.value, target=target_status.value)
        if not may_transition(ctx.actor, transition):
            require(ctx.actor, Permission.INCIDENT_VERIFY)
        reason = check_text((reason or "").strip(), "reason", multiline=True)
        if transition.needs_reason and not reason:
            raise ValidationError(N_("Give a reason for this change"), field="reason")
        if len(reason) > TEXT_MAX:
            raise ValidationError(N_("At most {max} characters"), field="reason", max=TEXT_MAX)
        stamp = new_stamp(s, now)
        inc.status = target_status.value
        inc.field_stamps = {**inc.field_stamps, "status": stamp}
        inc.mod_stamp = stamp
        inc.updated_at = now
        inc.updated_by = ctx.actor.username
        if inc.responded_at is None:
            inc.responded_at = now
        s.add(FollowUp(
            id=uuid7(), incident_id=inc.id, created_at=now, author=ctx.actor.username,
            origin_site=local_site(s).code, kind=FollowUpKind.STATUS.value, text=reason,
            status_from=source.value, status_to=target_status.value, mod_stamp=stamp,
        ))
        audit.record(s, ctx.actor, "incident.status", "incident", str(inc.id),
                     before={"status": source.value}, after={"status": target_status.value}, at=now)
        detail = _detail(s, inc)
    ctx.bus.publish(Change(ChangeKind.INCIDENT, (str(incident_id),)))
    return detail


def may_transition(actor: Actor, transition: Transition) -> bool:
    """Operators may start the follow-up of a verified incident; deciding (verify, resolve,
    reject, reopen) needs incident.verify. The UI shows only the buttons this allows."""
    if can(actor, Permission.INCIDENT_VERIFY):
        return True
    return (transition.source, transition.target) == (Status.DIVERIFIKASI, Status.DITINDAKLANJUTI)


def add_followup(ctx: AppContext, incident_id: uuid.UUID, text: str) -> FollowUpEntry:
    require(ctx.actor, Permission.INCIDENT_FOLLOWUP)
    text = (text or "").strip()
    if not text:
        raise ValidationError(N_("The follow-up note is empty"), field="text")
    if len(text) > TEXT_MAX:
        raise ValidationError(N_("At most {max} characters"), field="text", max=TEXT_MAX)
    return _append(ctx, incident_id, FollowUpKind.NOTE, text=text)


def add_referral(ctx: AppContext, incident_id: uuid.UUID, agency_code: str, text: str = "",
                 due_at: datetime | None = None,
                 contact_id: uuid.UUID | None = None) -> FollowUpEntry:
    """Refer the incident to an agency of the directory (Bawaslu, Gakkumdu, Polres …) with a
    due time: the one given, else the agency's default answer time from now (none when it
    has none). `contact_id`: the agency's contact person the desk calls (optional)."""
    require(ctx.actor, Permission.INCIDENT_FOLLOWUP)
    with ctx.db.read() as s:
        agency = s.scalar(select(Agency).where(Agency.number == agency_code))
        if agency is None or agency.deleted:
            raise ValidationError(N_("Unknown agency {code}"), field="agency_code", code=agency_code)
        hours = agency.answer_hours
        if contact_id is not None:
            contact = s.get(AgencyContact, contact_id)
            if contact is None or contact.deleted or not contact.active \
                    or contact.agency_code != agency_code:
                raise ValidationError(N_("{contact} is not an active contact of {code}"),
                                      field="contact_id", contact=str(contact_id),
                                      code=agency_code)
    due = ensure_utc(due_at) if due_at else None
    if due is not None and due < ctx.now() - timedelta(days=1):
        raise ValidationError(N_("The due time is in the past"), field="due_at")
    if due is None and hours:
        due = ctx.now() + timedelta(hours=hours)
    return _append(ctx, incident_id, FollowUpKind.REFERRAL, text=(text or "").strip(),
                   agency_code=agency_code, due_at=due, referral_state=ReferralState.TERKIRIM.value,
                   contact_id=contact_id)


def update_referral(ctx: AppContext, referral_id: uuid.UUID, state: str, text: str = "", *,
                    expected_version: str | None = None) -> FollowUpEntry:
    """A new state of a referral. With `expected_version` (`Referral.version` as shown),
    refused (StaleEdit) when someone else updated the referral since."""
    require(ctx.actor, Permission.INCIDENT_FOLLOWUP)
    try:
        new_state = ReferralState(state)
    except ValueError:
        raise ValidationError(N_("Unknown referral state {value}"), field="state", value=state) from None
    with ctx.db.read() as s:
        ref = s.get(FollowUp, referral_id)
        if ref is None or ref.kind != FollowUpKind.REFERRAL:
            raise NotFoundError(N_("Referral {id} not found"), id=str(referral_id))
        incident_id = ref.incident_id
        agency = ref.agency_code

    def check(s: Session) -> None:
        if expected_version is None:
            return
        last = _referral_entries(s, referral_id)[-1]
        if last.mod_stamp != expected_version:
            logger.info("Stale update of referral %s refused", referral_id)
            raise StaleEdit(
                N_("The referral to {agency} was changed by {name} at {time} since you "
                   "opened it; your change was not saved."),
                version=last.mod_stamp, current={"state": last.referral_state, "text": last.text},
                changed_by=person(s, last.author), changed_at=last.created_at, agency=agency)

    return _append(ctx, incident_id, FollowUpKind.REFERRAL_UPDATE, check, text=(text or "").strip(),
                   agency_code=agency, referral_id=referral_id, referral_state=new_state.value)


def _referral_entries(s: Session, referral_id: uuid.UUID) -> list[FollowUp]:
    """A referral and its updates; the last one set its current state (as `referrals_of`)."""
    rows = s.scalars(select(FollowUp).where(
        or_(FollowUp.id == referral_id, FollowUp.referral_id == referral_id))
        .order_by(FollowUp.created_at, FollowUp.mod_stamp)).all()
    updates = [r for r in rows if r.kind == FollowUpKind.REFERRAL_UPDATE and r.referral_state]
    return [r for r in rows if r.kind == FollowUpKind.REFERRAL] + updates


def _append(ctx: AppContext, incident_id: uuid.UUID, kind: FollowUpKind,
            check: Callable[[Session], None] | None = None, **values: Any) -> FollowUpEntry:
    check_text(values.get("text") or "", "text", multiline=True)
    now = ctx.now()
    with ctx.db.write() as s:
        inc = _get(s, incident_id)
        if inc.deleted:
            raise TransitionError(N_("Incident {number} is deleted; restore it first"),
                                  number=inc.number)
        if check is not None:
            check(s)
        stamp = new_stamp(s, now)
        entry = FollowUp(id=uuid7(), incident_id=inc.id, created_at=now,
                         author=ctx.actor.username, origin_site=local_site(s).code,
                         kind=kind.value, mod_stamp=stamp, **values)
        s.add(entry)
        s.flush()
        if inc.responded_at is None:
            inc.responded_at = now
        inc.next_referral_due = next_referral_due(s, inc.id)
        audit.record(s, ctx.actor, f"followup.{kind.value}", "incident", str(inc.id),
                     before=None, after={"text": entry.text, "agency": entry.agency_code,
                                         "state": entry.referral_state}, at=now)
        result = _entry(entry)
    ctx.bus.publish(Change(ChangeKind.INCIDENT, (str(incident_id),)))
    return result


def next_referral_due(s: Session, incident_id: uuid.UUID) -> datetime | None:
    """Earliest due time among this incident's referrals that are not yet done."""
    refs = referrals_of(s, incident_id)
    due = [r.due_at for r in refs if r.state != ReferralState.SELESAI and r.due_at is not None]
    return min(due) if due else None


def referrals_of(s: Session, incident_id: uuid.UUID) -> list[Referral]:
    rows = s.scalars(
        select(FollowUp).where(FollowUp.incident_id == incident_id,
                               FollowUp.kind.in_([FollowUpKind.REFERRAL, FollowUpKind.REFERRAL_UPDATE]))
        .order_by(FollowUp.created_at, FollowUp.mod_stamp)
    ).all()
    latest: dict[uuid.UUID, FollowUp] = {}
    for r in rows:
        if r.kind == FollowUpKind.REFERRAL_UPDATE and r.referral_id and r.referral_state:
            latest[r.referral_id] = r
    out = []
    for r in rows:
        if r.kind == FollowUpKind.REFERRAL:
            last = latest.get(r.id, r)
            contact = directory.contact_by_id(s, r.contact_id)
            out.append(Referral(r.id, r.agency_code or "", r.created_at, r.due_at,
                                last.referral_state or ReferralState.TERKIRIM.value, r.text,
                                last.mod_stamp, r.contact_id,
                                contact.call_text if contact is not None else ""))
    return out


def set_deleted(ctx: AppContext, incident_id: uuid.UUID, deleted: bool, reason: str = "", *,
                expected_version: str | None = None) -> IncidentDetail:
    """Soft delete (a tombstone that syncs like any edit) or restore. With
    `expected_version`, refused (StaleEdit) when the incident changed since."""
    require(ctx.actor, Permission.INCIDENT_DELETE)
    check_text(reason or "", "reason", multiline=True)
    now = ctx.now()
    with ctx.db.write() as s:
        inc = _get(s, incident_id)
        require_version(s, inc, expected_version)
        if inc.deleted == deleted:
            return _detail(s, inc)
        stamp = new_stamp(s, now)
        inc.deleted = deleted
        inc.field_stamps = {**inc.field_stamps, "deleted": stamp}
        inc.mod_stamp = stamp
        inc.updated_at = now
        inc.updated_by = ctx.actor.username
        s.add(FollowUp(
            id=uuid7(), incident_id=inc.id, created_at=now, author=ctx.actor.username,
            origin_site=local_site(s).code, kind=FollowUpKind.NOTE.value,
            text=("[dihapus] " if deleted else "[dipulihkan] ") + (reason or "").strip(),
            mod_stamp=stamp,
        ))
        audit.record(s, ctx.actor, "incident.delete" if deleted else "incident.restore",
                     "incident", str(inc.id), before={"deleted": not deleted},
                     after={"deleted": deleted, "reason": reason}, at=now)
        detail = _detail(s, inc)
    ctx.bus.publish(Change(ChangeKind.INCIDENT, (str(incident_id),)))
    return detail


def attach(ctx: AppContext, incident_id: uuid.UUID, filename: str, data: bytes) -> AttachmentInfo:
    """Store evidence content-addressed (SHA-256); images (PNG, JPEG, GIF, WebP) and PDF."""
    require(ctx.actor, Permission.INCIDENT_ATTACH)
    now = ctx.now()
    with ctx.db.write() as s:
        mime = evidence_store.check_file(s, filename, data)
        inc = _get(s, incident_id)
        digest = evidence_store.store_blob(s, data)
        safe_name = safe_filename(filename, digest[:12])
        att = Attachment(
            id=uuid7(), incident_id=inc.id, sha256=digest, filename=safe_name, mime=mime,
            size=len(data), added_at=now, added_by=ctx.actor.username,
            origin_site=local_site(s).code, mod_stamp=new_stamp(s, now), deleted=False,
        )
        s.add(att)
        audit.record(s, ctx.actor, "attachment.add", "incident", str(inc.id), before=None,
                     after={"filename": safe_name, "sha256": digest, "size": len(data)}, at=now)
        info = _attachment(att)
    ctx.bus.publish(Change(ChangeKind.INCIDENT, (str(incident_id),)))
    return info


def attachment_data(ctx: AppContext, attachment_id: uuid.UUID) -> tuple[AttachmentInfo, bytes]:
    with ctx.db.read() as s:
        att = s.get(Attachment, attachment_id)
        if att is None:
            raise NotFoundError(N_("Attachment {id} not found"), id=str(attachment_id))
        blob = s.get(Blob, att.sha256)
        assert blob is not None
        return _attachment(att), blob.data


# --- queries ---------------------------------------------------------------------------


def get_incident(ctx: AppContext, incident_id: uuid.UUID) -> IncidentDetail:
    with ctx.db.read() as s:
        return _detail(s, _get(s, incident_id))


def find_by_number(ctx: AppContext, number: str) -> IncidentDetail:
    with ctx.db.read() as s:
        inc = s.scalars(select(Incident).where(Incident.number == number.strip())).first()
        if inc is None:
            raise NotFoundError(N_("Incident {id} not found"), id=number)
        return _detail(s, inc)


def resolve_ref(ctx: AppContext, ref: str) -> uuid.UUID:
    """An incident given as UUID or human number (CLI)."""
    try:
        return uuid.UUID(ref)
    except ValueError:
        return find_by_number(ctx, ref).id


def _entry(f: FollowUp) -> FollowUpEntry:
    return FollowUpEntry(f.id, f.created_at, f.author, f.origin_site, f.kind, f.text,
                         f.status_from, f.status_to, f.agency_code, f.due_at, f.referral_id,
                         f.referral_state, f.contact_id)


def _attachment(a: Attachment) -> AttachmentInfo:
    return AttachmentInfo(a.id, a.sha256, a.filename, a.mime, a.size, a.added_at, a.added_by)


def _detail(s: Session, inc: Incident) -> IncidentDetail:
    regency = s.get(Regency, inc.regency_code)
    assert regency is not None
    timeline = s.scalars(
        select(FollowUp).where(FollowUp.incident_id == inc.id)
        .order_by(FollowUp.created_at, FollowUp.mod_stamp)
    ).all()
    attachments = s.scalars(
        select(Attachment).where(Attachment.incident_id == inc.id, Attachment.deleted.is_(False))
        .order_by(Attachment.added_at)
    ).all()
    status = Status(inc.status)
    return IncidentDetail(
        id=inc.id, number=inc.number, origin_site=inc.origin_site,
        regency_code=inc.regency_code, regency_name=regency.name, regency_kind=regency.kind,
        kecamatan=inc.kecamatan, desa=inc.desa, location=inc.location,
        occurred_at=inc.occurred_at, reported_at=inc.reported_at, source_type=inc.source_type,
        source_detail=inc.source_detail, title=inc.title, description=inc.description,
        category_code=inc.category_code, severity=inc.severity, status=inc.status,
        people_involved=inc.people_involved, victims_dead=inc.victims_dead,
        victims_injured=inc.victims_injured, material_loss=inc.material_loss,
        current_condition=inc.current_condition, source_contact=inc.source_contact,
        source_phone=inc.source_phone, kecamatan_code=inc.kecamatan_code,
        desa_code=inc.desa_code, latitude=inc.latitude, longitude=inc.longitude,
        contest_code=inc.contest_code, pair_number=inc.pair_number, tps_number=inc.tps_number,
        channel=inc.channel, legal_type=inc.legal_type, recorded_by=inc.recorded_by,
        created_at=inc.created_at, updated_at=inc.updated_at, updated_by=inc.updated_by,
        respond_by=inc.respond_by, responded_at=inc.responded_at,
        next_referral_due=inc.next_referral_due, mod_stamp=inc.mod_stamp,
        version=incident_version(s, inc), deleted=inc.deleted,
        timeline=[_entry(f) for f in timeline],
        referrals=referrals_of(s, inc.id),
        attachments=[_attachment(a) for a in attachments],
        transitions=[] if inc.deleted else allowed_transitions(status),
        reporting_unit=inc.reporting_unit,
    )

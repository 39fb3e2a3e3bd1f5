"""Incidents: record, edit, change status, follow up, refer, attach evidence, delete, query."""

from __future__ import annotations

import enum
import hashlib
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session, aliased
from uuid6 import uuid7

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db import search
from posko_desktop.core.db.models import (
    Agency,
    Attachment,
    Blob,
    Category,
    FollowUp,
    Incident,
    NumberSequence,
    Regency,
)
from posko_desktop.core.db.models_sync import SyncBase
from posko_desktop.core.db.search import search_condition
from posko_desktop.core.domain import (
    Actor,
    AttachmentError,
    FollowUpKind,
    NotFoundError,
    Page,
    ReferralState,
    Severity,
    SourceType,
    StaleEdit,
    Status,
    Transition,
    TransitionError,
    ValidationError,
    ValidationErrors,
    allowed_transitions,
    find_transition,
)
from posko_desktop.core.events import Change
from posko_desktop.core.hlc import Stamp
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, can, require
from posko_desktop.core.services.edit_versions import last_audited, person
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.timeutil import ensure_utc, wib_date, wib_range

logger = logging.getLogger(__name__)

TITLE_MAX = 200
TEXT_MAX = 20_000
EDITABLE_FIELDS = (
    "regency_code", "kecamatan", "desa", "location", "occurred_at", "reported_at",
    "source_type", "source_detail", "title", "description", "category_code", "severity",
    "people_involved",
)

# Evidence types, recognised by their first bytes (the extension alone proves nothing).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


# --- DTOs ------------------------------------------------------------------------------


@dataclass
class IncidentInput:
    """What a person enters. Datetimes: aware, or naive meaning WIB wall time."""

    regency_code: str
    title: str
    category_code: str
    severity: str
    occurred_at: datetime
    source_type: str = SourceType.LAPANGAN.value
    source_detail: str = ""
    description: str = ""
    kecamatan: str = ""
    desa: str = ""
    location: str = ""
    reported_at: datetime | None = None
    people_involved: int | None = None


@dataclass(frozen=True)
class IncidentRow:
    """One line of the log."""

    id: uuid.UUID
    number: str
    occurred_at: datetime
    regency_code: str
    regency_name: str
    regency_kind: str
    category_code: str
    severity: str
    status: str
    title: str
    location: str
    respond_by: datetime
    responded_at: datetime | None
    next_referral_due: datetime | None
    deleted: bool

    def overdue(self, now: datetime) -> bool:
        """No response by the respond-by time, or an open referral past its due time."""
        if self.deleted or Status(self.status) not in _OPEN:
            return False
        late_response = self.responded_at is None and now > self.respond_by
        late_referral = self.next_referral_due is not None and now > self.next_referral_due
        return late_response or late_referral


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


@dataclass(frozen=True)
class Referral:
    id: uuid.UUID
    agency_code: str
    created_at: datetime
    due_at: datetime | None
    state: str
    text: str
    version: str  # stamp of the entry that set the state (docs/contributing.md)

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

    def to_input(self) -> IncidentInput:
        names = {f.name for f in fields(IncidentInput)}
        return IncidentInput(**{k: v for k, v in self.__dict__.items() if k in names})

    def edit_values(self) -> dict[str, Any]:
        """The editable fields as stored: the base of an edit (and of its merge)."""
        return editable_values(self)


def editable_values(record: Any) -> dict[str, Any]:
    """The editable fields of an incident (row or DTO) by name."""
    return {name: getattr(record, name) for name in EDITABLE_FIELDS}


class SortKey(enum.StrEnum):
    OCCURRED = "occurred_at"
    REPORTED = "reported_at"
    NUMBER = "number"
    REGENCY = "regency_code"
    CATEGORY = "category_code"
    SEVERITY = "severity_rank"
    STATUS = "status"
    TITLE = "title"


@dataclass(frozen=True)
class IncidentFilter:
    """Filters shared by the log, the CLI and later the dashboard and reports.
    Dates are WIB calendar days, both ends included."""

    regencies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # leaf codes ("A1") or groups ("A")
    severities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    include_deleted: bool = False
    deleted_only: bool = False
    overdue_at: datetime | None = None  # only incidents overdue at this time

    def is_empty(self) -> bool:
        return self == IncidentFilter()


_OPEN = {Status.BARU, Status.DIVERIFIKASI, Status.DITINDAKLANJUTI}
# Sort keys whose ties are ordered by occurred_at (newest first when descending).
_SORT_BY_TIME_WITHIN = frozenset({SortKey.REGENCY, SortKey.CATEGORY, SortKey.SEVERITY,
                                  SortKey.STATUS})


# --- validation ------------------------------------------------------------------------


def validate_input(session: Session, data: IncidentInput, now: datetime) -> dict[str, Any]:
    """Check every field; raise ValidationErrors with one message per bad field."""
    errors: list[ValidationError] = []
    values: dict[str, Any] = {}

    code = normalize_regency_code(data.regency_code or "")
    if code is None or session.get(Regency, code) is None:
        errors.append(ValidationError(
            N_("Unknown regency code {code}"), field="regency_code", code=data.regency_code))
    values["regency_code"] = code

    title = (data.title or "").strip()
    if len(title) < 3:
        errors.append(ValidationError(N_("The title needs at least 3 characters"), field="title"))
    elif len(title) > TITLE_MAX:
        errors.append(ValidationError(
            N_("The title may have at most {max} characters"), field="title", max=TITLE_MAX))
    values["title"] = title

    cat = session.get(Category, (data.category_code or "").strip().upper())
    if cat is None or cat.parent_code is None:
        errors.append(ValidationError(
            N_("Choose a category (for example A1), not {code}"), field="category_code",
            code=data.category_code))
    elif not cat.active:
        errors.append(ValidationError(
            N_("Category {code} is no longer in use"), field="category_code", code=cat.code))
    values["category_code"] = cat.code if cat else None

    try:
        values["severity"] = Severity((data.severity or "").strip().lower()).value
    except ValueError:
        errors.append(ValidationError(
            N_("Unknown severity {value}"), field="severity", value=data.severity))
    try:
        values["source_type"] = SourceType((data.source_type or "").strip()).value
    except ValueError:
        errors.append(ValidationError(
            N_("Unknown source type {value}"), field="source_type", value=data.source_type))

    occurred = ensure_utc(data.occurred_at) if data.occurred_at else None
    reported = ensure_utc(data.reported_at) if data.reported_at else now
    if occurred is None:
        errors.append(ValidationError(N_("When did it happen?"), field="occurred_at"))
    elif occurred > now + timedelta(minutes=5):
        errors.append(ValidationError(
            N_("The time of the incident is in the future"), field="occurred_at"))
    elif occurred.year < 2020:
        errors.append(ValidationError(
            N_("The time of the incident is before 2020"), field="occurred_at"))
    elif occurred > reported + timedelta(minutes=1):
        errors.append(ValidationError(
            N_("The incident cannot happen after it was reported"), field="occurred_at"))
    values["occurred_at"] = occurred
    values["reported_at"] = reported

    for name, limit in (("kecamatan", 100), ("desa", 100), ("location", 200),
                        ("source_detail", 500), ("description", TEXT_MAX)):
        text = (getattr(data, name) or "").strip()
        if len(text) > limit:
            errors.append(ValidationError(
                N_("At most {max} characters"), field=name, max=limit))
        values[name] = text

    people = data.people_involved
    if people is not None and (not isinstance(people, int) or people < 0 or people > 1_000_000):
        errors.append(ValidationError(
            N_("Number of people must be between 0 and 1,000,000"), field="people_involved"))
    values["people_involved"] = people

    if errors:
        raise ValidationErrors(errors)
    return values


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


def _snapshot(inc: Incident) -> dict[str, Any]:
    return {**editable_values(inc), "status": inc.status, "deleted": inc.deleted}


# --- versions (optimistic check on update: docs/decisions.md) ---------------------------

_STALE = N_("Incident {number} was changed by {name} at {time} since you opened it; "
            "your change was not saved.")


def _versions(s: Session, inc: Incident) -> tuple[str, str]:
    """(version, import mark). The version is the newest of the modification stamp (every
    local edit, status change, delete, conflict resolution) and the mark of the last sync
    import that touched the incident: an import can bring an edit older than the last local
    one, and then leaves `mod_stamp` as it was."""
    mark = s.scalar(select(SyncBase.mark).where(SyncBase.incident_id == inc.id)) or ""
    return max(inc.mod_stamp, mark), mark


def incident_version(s: Session, inc: Incident) -> str:
    return _versions(s, inc)[0]


def _stale(s: Session, inc: Incident, version: str, clashes: tuple[str, ...] = ()) -> StaleEdit:
    """The refusal, naming who made the newest change (of the clashing fields, if any)."""
    by_import = version != inc.mod_stamp
    if by_import:  # the import's mark: a local stamp taken when it ran
        who, at = "", datetime.fromtimestamp(Stamp.parse(version).millis / 1000, UTC)
    else:
        who, at = (clashes and last_audited(s, "incident", str(inc.id), ("incident.", "sync."),
                                            clashes)) or (person(s, inc.updated_by), inc.updated_at)
    logger.info("Stale save of incident %s refused (now version %s, fields %s)",
                inc.number, version, clashes)
    return StaleEdit(_STALE, version=version, current=_snapshot(inc), changed_by=who,
                     changed_at=at, fields=clashes, by_import=by_import, number=inc.number)


def _changed_since(s: Session, inc: Incident, expected: str) -> tuple[str, set[str]]:
    """The current version and the fields changed since version `expected` (all of them
    when a sync import touched the incident since: it keeps the remote stamps)."""
    version, mark = _versions(s, inc)
    try:
        Stamp.parse(expected)
        valid = expected <= version
    except ValueError:
        valid = False
    if not valid:
        raise ValidationError(N_("{version} is not a version of {what}"),
                              field="version", version=expected, what=inc.number)
    if expected == version:
        return version, set()
    if mark > expected:
        return version, set(_snapshot(inc))
    return version, {name for name, stamp in inc.field_stamps.items() if stamp > expected}


def _require_version(s: Session, inc: Incident, expected: str | None) -> None:
    """For actions on the whole record as the user sees it (status, delete, restore)."""
    if expected is not None:
        version, since = _changed_since(s, inc, expected)
        if since or version != expected:
            raise _stale(s, inc, version)


def _sent_fields(data: IncidentInput | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(data, IncidentInput):
        sent = {name: getattr(data, name) for name in EDITABLE_FIELDS}
        if sent["reported_at"] is None:  # the form's "keep the stored time"
            del sent["reported_at"]
        return sent
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])
    return dict(data)


# --- commands --------------------------------------------------------------------------


def create_incident(ctx: AppContext, data: IncidentInput) -> IncidentDetail:
    require(ctx.actor, Permission.INCIDENT_CREATE)
    now = ctx.now()
    with ctx.db.write() as s:
        values = validate_input(s, data, now)
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
            field_stamps={name: stamp for name in (*EDITABLE_FIELDS, "status", "deleted")},
            deleted=False,
            **values,
        )
        s.add(inc)
        s.flush()
        audit.record(s, ctx.actor, "incident.create", "incident", str(inc.id),
                     before=None, after=_snapshot(inc), at=now)
        detail = _detail(s, inc)
    logger.info("Incident %s created by %s", detail.number, ctx.actor.username)
    ctx.bus.publish(Change("incident", (str(detail.id),)))
    return detail


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
    sent = _sent_fields(data)
    now = ctx.now()
    with ctx.db.write() as s:
        inc = _get(s, incident_id)
        version, since = (_changed_since(s, inc, expected_version)
                          if expected_version is not None else ("", set()))
        if inc.deleted:
            if "deleted" in since:
                raise _stale(s, inc, version)
            raise TransitionError(N_("Incident {number} is deleted; restore it first"),
                                  number=inc.number)
        try:
            values = validate_input(s, IncidentInput(**{**editable_values(inc), **sent}), now)
        except ValidationErrors:
            if since & sent.keys():  # judged against values the user never saw
                raise _stale(s, inc, version, tuple(sorted(since & sent.keys()))) from None
            raise
        clashes = tuple(f for f in sent if f in since and values[f] != getattr(inc, f))
        if clashes:
            raise _stale(s, inc, version, clashes)
        changed = {k: values[k] for k in sent if getattr(inc, k) != values[k]}
        if not changed:
            return _detail(s, inc)
        before = _snapshot(inc)
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
    ctx.bus.publish(Change("incident", (str(incident_id),)))
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
        _require_version(s, inc, expected_version)
        source = Status(inc.status)
        transition = find_transition(source, target_status)
        if inc.deleted or transition is None:
            raise TransitionError(
                N_("Incident {number} cannot go from {source} to {target}"),
                number=inc.number, source=source.value, target=target_status.value)
        if not may_transition(ctx.actor, transition):
            require(ctx.actor, Permission.INCIDENT_VERIFY)
        reason = (reason or "").strip()
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
    ctx.bus.publish(Change("incident", (str(incident_id),)))
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
                 due_at: datetime | None = None) -> FollowUpEntry:
    """Refer the incident to an agency (Bawaslu, Gakkumdu, Polres …) with a due time."""
    require(ctx.actor, Permission.INCIDENT_FOLLOWUP)
    with ctx.db.read() as s:
        if s.get(Agency, agency_code) is None:
            raise ValidationError(N_("Unknown agency {code}"), field="agency_code", code=agency_code)
    due = ensure_utc(due_at) if due_at else None
    if due is not None and due < ctx.now() - timedelta(days=1):
        raise ValidationError(N_("The due time is in the past"), field="due_at")
    return _append(ctx, incident_id, FollowUpKind.REFERRAL, text=(text or "").strip(),
                   agency_code=agency_code, due_at=due, referral_state=ReferralState.TERKIRIM.value)


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
    ctx.bus.publish(Change("incident", (str(incident_id),)))
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
            out.append(Referral(r.id, r.agency_code or "", r.created_at, r.due_at,
                                last.referral_state or ReferralState.TERKIRIM.value, r.text,
                                last.mod_stamp))
    return out


def set_deleted(ctx: AppContext, incident_id: uuid.UUID, deleted: bool, reason: str = "", *,
                expected_version: str | None = None) -> IncidentDetail:
    """Soft delete (a tombstone that syncs like any edit) or restore. With
    `expected_version`, refused (StaleEdit) when the incident changed since."""
    require(ctx.actor, Permission.INCIDENT_DELETE)
    now = ctx.now()
    with ctx.db.write() as s:
        inc = _get(s, incident_id)
        _require_version(s, inc, expected_version)
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
    ctx.bus.publish(Change("incident", (str(incident_id),)))
    return detail


def sniff_mime(data: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def attach(ctx: AppContext, incident_id: uuid.UUID, filename: str, data: bytes) -> AttachmentInfo:
    """Store evidence content-addressed (SHA-256); images (PNG, JPEG, GIF, WebP) and PDF."""
    require(ctx.actor, Permission.INCIDENT_ATTACH)
    now = ctx.now()
    with ctx.db.write() as s:
        limit_mb = settings.get(s, settings.ATTACHMENT_MAX_MB)
        if len(data) > limit_mb * 1024 * 1024:
            raise AttachmentError(
                N_("{name} is too large ({size:.1f} MB); the limit is {limit:.0f} MB"),
                name=filename, size=len(data) / 1048576, limit=limit_mb)
        if not data:
            raise AttachmentError(N_("{name} is empty"), name=filename)
        mime = sniff_mime(data)
        if mime is None:
            raise AttachmentError(
                N_("{name} is not an image (PNG, JPEG, GIF, WebP) or a PDF"), name=filename)
        inc = _get(s, incident_id)
        digest = hashlib.sha256(data).hexdigest()
        if s.get(Blob, digest) is None:
            s.add(Blob(sha256=digest, size=len(data), data=data))
        safe_name = filename.replace("\\", "/").rsplit("/", 1)[-1][:255] or digest[:12]
        att = Attachment(
            id=uuid7(), incident_id=inc.id, sha256=digest, filename=safe_name, mime=mime,
            size=len(data), added_at=now, added_by=ctx.actor.username,
            origin_site=local_site(s).code, mod_stamp=new_stamp(s, now), deleted=False,
        )
        s.add(att)
        audit.record(s, ctx.actor, "attachment.add", "incident", str(inc.id), before=None,
                     after={"filename": safe_name, "sha256": digest, "size": len(data)}, at=now)
        info = _attachment(att)
    ctx.bus.publish(Change("incident", (str(incident_id),)))
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


def _not_deleted(inc: Any = Incident) -> ColumnElement[bool]:
    """`not deleted`, written so that it needs no table lookup: the few deleted rows come
    from the partial index `ix_incident_deleted_day` (their `seq` is in it), and every other
    index carries `seq`. Counting and deep paging then read indexes only (at 1M rows
    `deleted IS 0` cost one table lookup per row)."""
    gone = aliased(Incident)
    return inc.seq.not_in(select(gone.seq).where(gone.deleted == true()))


def apply_filter(stmt: Select[Any], flt: IncidentFilter, dialect: str,
                 search_drives: bool = True, inc: Any = Incident) -> Select[Any]:
    """`flt` as WHERE conditions on `inc` (the incident table or an alias of a subquery
    over it); `search_drives`: see `search.search_condition`."""
    conds: list[Any] = []
    if flt.deleted_only:
        conds.append(inc.deleted == true())
    elif not flt.include_deleted:
        conds.append(_not_deleted(inc))
    if flt.regencies:
        codes = [normalize_regency_code(c) or c for c in flt.regencies]
        conds.append(inc.regency_code.in_(codes))
    if flt.categories:
        groups = [c for c in flt.categories if len(c) == 1]
        leaves = [c for c in flt.categories if len(c) > 1]
        cat_conds = []
        if leaves:
            cat_conds.append(inc.category_code.in_(leaves))
        for g in groups:
            # LIKE on purpose: SQLite cannot serve it from an index and so keeps a more
            # selective filter's index (as a range, a group of 1/4 of all rows looked
            # cheaper to the planner than a rare status: 95 ms instead of 9 at 1M).
            cat_conds.append(inc.category_code.like(f"{g}%"))
        conds.append(or_(*cat_conds))
    if flt.severities:
        conds.append(inc.severity_rank.in_([Severity(v).rank for v in flt.severities]))
    if flt.statuses:
        conds.append(inc.status.in_(list(flt.statuses)))
    start, end = wib_range(flt.date_from, flt.date_to)
    if start is not None:
        conds.append(inc.occurred_at >= start)
    if end is not None:
        conds.append(inc.occurred_at < end)
    if flt.text.strip():
        cond = search_condition(dialect, flt.text, inc, drive=search_drives)
        if cond is not None:
            conds.append(cond)
    if flt.overdue_at is not None:
        now = flt.overdue_at
        conds.append(inc.status.in_([s.value for s in _OPEN]))
        conds.append(or_(
            and_(inc.responded_at.is_(None), inc.respond_by < now),
            inc.next_referral_due < now,
        ))
    return stmt.where(*conds) if conds else stmt


def count_incidents(ctx: AppContext, flt: IncidentFilter) -> int:
    with ctx.db.read() as s:
        stmt = apply_filter(select(func.count()).select_from(Incident), flt, s.bind.dialect.name)
        return int(s.scalar(stmt) or 0)


def _order_keys(sort: SortKey) -> list[Any]:
    # Ties broken by occurred_at then the local sequence: for the columns with a
    # (column, occurred_at, ...) index that is the index order, so the first page is read
    # straight from the index instead of sorting.
    keys = [getattr(Incident, sort.value)]
    if sort in _SORT_BY_TIME_WITHIN:
        keys.append(Incident.occurred_at)
    keys.append(Incident.seq)
    return keys


# Title, reported time and number have their own sort index (key, seq, filter columns;
# migration 0006). SQLite has no histograms, and with a filter it tends to sort every
# match even when there are 100,000 of them, or to walk the sort index reading the table
# for every entry. So the log decides itself: it first walks the sort index for at most
# WALK_BUDGET entries (no table read, ~15 ms at 1M), which finds a page of any filter that
# matches more than ~1 row in 250; only when that walk comes back short does it sort the
# filter's matches (then few, or bunched at the far end of the sort order).
_SORT_INDEXED = frozenset({SortKey.TITLE, SortKey.REPORTED, SortKey.NUMBER})
_SORT_INDEX_COLUMNS = (Incident.seq, Incident.regency_code, Incident.category_code,
                       Incident.severity_rank, Incident.status, Incident.occurred_at)
WALK_BUDGET = 50_000


def _sort_index_decides(s: Session, flt: IncidentFilter, sort: SortKey) -> bool:
    """SQLite, a sort key with its own index, and a filter that index can check by itself
    (regency, category, severity, status, dates; search text as well)."""
    return (sort in _SORT_INDEXED and s.bind.dialect.name == "sqlite"
            and bool(flt.regencies or flt.categories or flt.severities or flt.statuses
                     or flt.date_from or flt.date_to)
            and not (flt.overdue_at or flt.deleted_only or flt.include_deleted))


def _all_values(s: Session, sort: SortKey) -> list[Any]:
    if sort is SortKey.STATUS:
        return [st.value for st in Status]
    if sort is SortKey.SEVERITY:
        return [sev.rank for sev in Severity]
    if sort is SortKey.REGENCY:
        return list(s.scalars(select(Regency.code)))
    return list(s.scalars(select(Category.code)))


def _ordered(stmt: Select[Any], keys: list[Any], descending: bool,
             start_key: tuple[Any, ...] | None) -> Select[Any]:
    if start_key is not None:
        here, start = tuple_(*keys), tuple_(*start_key)
        stmt = stmt.where(here <= start if descending else here >= start)
    return stmt.order_by(*(k.desc() if descending else k.asc() for k in keys))


def _page_seqs(s: Session, flt: IncidentFilter, sort: SortKey, descending: bool,
               start_key: tuple[Any, ...] | None, offset: int, limit: int) -> Any:
    """The `seq` of one page: a list, or a subquery for `seq IN (...)`."""
    keys = _order_keys(sort)
    drive = search.search_drives(s, flt.text)
    if not _sort_index_decides(s, flt, sort):
        stmt = apply_filter(select(Incident.seq), flt, s.bind.dialect.name, drive)
        if s.bind.dialect.name == "sqlite" and sort in _SORT_BY_TIME_WITHIN and (
                flt.date_from or flt.date_to):
            # Dates sorted by regency/category/severity/status: listing every value lets
            # SQLite read the (column, occurred_at) index one date range per value, in
            # order, instead of sorting all rows of the period (600 ms for 7 days at 1M).
            stmt = stmt.where(keys[0].in_(_all_values(s, sort)))
        return _ordered(stmt, keys, descending, start_key).offset(offset).limit(limit)
    # The walk: a subquery of exactly the index's columns (the table is never read), which
    # SQLite runs as it is because of its LIMIT; the outer query filters rows as they come.
    walk = _ordered(select(keys[0], *_SORT_INDEX_COLUMNS), keys, descending, start_key)
    inc = aliased(Incident, walk.limit(offset + WALK_BUDGET).subquery())
    found = s.scalars(apply_filter(select(inc.seq), flt, "sqlite", drive, inc)
                      .offset(offset).limit(limit)).all()
    if len(found) == limit:
        return found
    # Sort the matches; `+column` keeps SQLite from walking the sort index again. The
    # number is in the log indexes, so they are filtered and sorted in one index; title
    # and reported time are read from the table for the matches only (their set first).
    matches = apply_filter(select(Incident.seq), flt, "sqlite", drive)
    if sort is not SortKey.NUMBER:
        matches = select(Incident.seq).where(Incident.seq.in_(matches))
    by_value = [literal_column(f"+incident.{k.key}") for k in keys]
    stmt = _ordered(matches, keys, descending, start_key).order_by(None)
    return stmt.order_by(*(k.desc() if descending else k.asc() for k in by_value)) \
        .offset(offset).limit(limit)


def query_incidents(ctx: AppContext, flt: IncidentFilter, sort: SortKey = SortKey.OCCURRED,
                    descending: bool = True, offset: int = 0, limit: int = 200,
                    with_total: bool = False, start_key: tuple[Any, ...] | None = None) -> Page:
    """One page of the log in a stable order (ties broken by the local sequence): `limit`
    rows from `offset`, counted from the row whose key is `start_key` (see `page_keys`)
    or from the first row."""
    with ctx.db.read() as s:
        cols = (Incident.id, Incident.number, Incident.occurred_at, Incident.regency_code,
                Regency.name, Regency.kind, Incident.category_code, Incident.severity,
                Incident.status, Incident.title, Incident.location, Incident.respond_by,
                Incident.responded_at, Incident.next_referral_due, Incident.deleted)
        # The page's keys first (an index-only walk past `offset` rows), then their columns.
        page = _page_seqs(s, flt, sort, descending, start_key, max(0, offset), max(1, limit))
        stmt = (select(*cols).join(Regency, Regency.code == Incident.regency_code)
                .where(Incident.seq.in_(page))
                .order_by(*(k.desc() if descending else k.asc() for k in _order_keys(sort))))
        rows = [IncidentRow(*r) for r in s.execute(stmt).all()]
        total = -1
        if with_total:
            count = apply_filter(select(func.count()).select_from(Incident), flt,
                                 s.bind.dialect.name)
            total = int(s.scalar(count) or 0)
        return Page(rows=rows, total=total, offset=offset)


def page_keys(ctx: AppContext, flt: IncidentFilter, sort: SortKey, descending: bool,
              every: int) -> list[tuple[Any, ...]]:
    """The sort key of rows 0, `every`, 2 × `every` … of the log: with them any page is one
    index seek (`query_incidents(start_key=...)`) instead of an OFFSET walk from the top.
    One pass over the filtered index (about 1.5 s for a million rows)."""
    with ctx.db.read() as s:
        keys = _order_keys(sort)
        number = func.row_number().over(
            order_by=[k.desc() if descending else k.asc() for k in keys]).label("row_number")
        rows = apply_filter(select(*keys, number), flt, s.bind.dialect.name,
                            search.search_drives(s, flt.text)).subquery()
        stmt = (select(*(rows.c[k.key] for k in keys))
                .where((rows.c.row_number - 1) % every == 0).order_by(rows.c.row_number))
        return [tuple(r) for r in s.execute(stmt).all()]


def _entry(f: FollowUp) -> FollowUpEntry:
    return FollowUpEntry(f.id, f.created_at, f.author, f.origin_site, f.kind, f.text,
                         f.status_from, f.status_to, f.agency_code, f.due_at, f.referral_id,
                         f.referral_state)


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
        people_involved=inc.people_involved, recorded_by=inc.recorded_by,
        created_at=inc.created_at, updated_at=inc.updated_at, updated_by=inc.updated_by,
        respond_by=inc.respond_by, responded_at=inc.responded_at,
        next_referral_due=inc.next_referral_due, mod_stamp=inc.mod_stamp,
        version=incident_version(s, inc), deleted=inc.deleted,
        timeline=[_entry(f) for f in timeline],
        referrals=referrals_of(s, inc.id),
        attachments=[_attachment(a) for a in attachments],
        transitions=[] if inc.deleted else allowed_transitions(status),
    )

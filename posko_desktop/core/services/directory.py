"""The directory of agencies and contact persons (issue 18): who the desk refers an
incident to, where they sit (pusat, provinsi, kabupaten/kota, under which agency), how
long a referral to them is given by default, and whom to call there. Edited by
supervisors and administrators, audited, versioned, and a pair of record types that sync
(`sync.kinds.AGENCIES`, `sync.kinds.AGENCY_CONTACTS`; docs/contributing.md "Adding a
record type that syncs").

An agency is named by its code (`BAWASLU`, `KODAM4`), never reused: an agency no longer
used is deactivated. Agencies are added at the province only, so that a code means one
agency on every site; contact persons are added at any site and removed by a tombstone.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models_directory import Agency, AgencyContact
from posko_desktop.core.domain import (
    PROVINCE_CODE,
    AgencyLevel,
    NotFoundError,
    ValidationError,
    check_text,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.edit_versions import check_synced_version, synced_version
from posko_desktop.core.services.synced_records import next_number
from posko_desktop.core.sync.kinds import AGENCIES, AGENCY_CONTACTS

logger = logging.getLogger(__name__)

NAME_MAX = 120
ADDRESS_MAX = 500
NOTE_MAX = 2000
EMAIL_MAX = 120
ANSWER_HOURS_MAX = 720  # 30 days
AGENCY_FIELDS = ("name", "level", "parent_code", "address", "answer_hours", "active")
CONTACT_FIELDS = ("name", "function", "phone", "whatsapp", "email", "note", "active")
assert (*AGENCY_FIELDS, "deleted") == AGENCIES.fields
assert ("agency_code", *CONTACT_FIELDS, "deleted") == AGENCY_CONTACTS.fields
_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,28}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STALE_AGENCY = N_("Agency {code} was changed by {name} at {time} since you opened it; your "
                   "change was not saved.")
_STALE_CONTACT = N_("Contact {contact} was changed by {name} at {time} since you opened it; "
                    "your change was not saved.")


@dataclass(frozen=True)
class ContactInfo:
    id: uuid.UUID
    number: str
    agency_code: str
    name: str
    function: str
    phone: str
    whatsapp: str
    email: str
    note: str
    active: bool
    deleted: bool
    origin_site: str
    updated_at: datetime
    updated_by: str
    version: str  # docs/contributing.md, "Optimistic version check on update"

    @property
    def call_text(self) -> str:
        """What the detail pane shows: 'Name (function), phone, WA number'."""
        head = "{n} ({f})".format(n=self.name, f=self.function) if self.function else self.name
        parts = [head, self.phone] if self.phone else [head]
        if self.whatsapp:
            parts.append("WA {w}".format(w=self.whatsapp))
        return ", ".join(parts)


@dataclass(frozen=True)
class AgencyEntry:
    id: uuid.UUID
    code: str
    name: str
    level: str
    parent_code: str | None
    address: str
    answer_hours: int | None
    active: bool
    origin_site: str
    updated_at: datetime
    updated_by: str
    version: str
    contacts: tuple[ContactInfo, ...] = ()  # the active ones, by name (when asked for)

    @property
    def level_label(self) -> str:
        return AgencyLevel(self.level).label


def _contact(c: AgencyContact) -> ContactInfo:
    return ContactInfo(c.id, c.number, c.agency_code, c.name, c.function, c.phone, c.whatsapp,
                       c.email, c.note, c.active, c.deleted, c.origin_site, c.updated_at,
                       c.updated_by, synced_version(c))


def _agency(a: Agency, contacts: tuple[ContactInfo, ...] = ()) -> AgencyEntry:
    return AgencyEntry(a.id, a.number, a.name, a.level, a.parent_code, a.address,
                       a.answer_hours, a.active, a.origin_site, a.updated_at, a.updated_by,
                       synced_version(a), contacts)


_LEVEL_ORDER = {level.value: i for i, level in enumerate(AgencyLevel)}


def _order(a: AgencyEntry) -> tuple[int, str]:
    return (_LEVEL_ORDER.get(a.level, len(_LEVEL_ORDER)), a.name.casefold())


# --- queries -------------------------------------------------------------------------------


def agencies_in(s: Session, include_inactive: bool = False,
                with_contacts: bool = False) -> list[AgencyEntry]:
    """Agencies by level (pusat, provinsi, kabupaten/kota), then name; with their active
    contacts when asked."""
    stmt = select(Agency).where(Agency.deleted.is_(False))
    if not include_inactive:
        stmt = stmt.where(Agency.active.is_(True))
    contacts: dict[str, list[ContactInfo]] = {}
    if with_contacts:
        for c in contacts_in(s):
            contacts.setdefault(c.agency_code, []).append(c)
    return sorted((_agency(a, tuple(contacts.get(a.number, ()))) for a in s.scalars(stmt)),
                  key=_order)


def contacts_in(s: Session, agency_code: str | None = None,
                include_inactive: bool = False) -> list[ContactInfo]:
    """Contacts not removed (active only unless asked), by agency then name."""
    stmt = select(AgencyContact).where(AgencyContact.deleted.is_(False))
    if agency_code is not None:
        stmt = stmt.where(AgencyContact.agency_code == agency_code)
    if not include_inactive:
        stmt = stmt.where(AgencyContact.active.is_(True))
    return sorted((_contact(c) for c in s.scalars(stmt)),
                  key=lambda c: (c.agency_code, c.name.casefold(), c.number))


def list_agencies(ctx: AppContext, include_inactive: bool = False,
                  with_contacts: bool = False) -> list[AgencyEntry]:
    with ctx.db.read() as s:
        return agencies_in(s, include_inactive, with_contacts)


def get_agency(ctx: AppContext, code: str, include_inactive_contacts: bool = False
               ) -> AgencyEntry:
    """An agency by its code, with its contacts."""
    with ctx.db.read() as s:
        a = _get_agency(s, code)
        return _agency(a, tuple(contacts_in(s, a.number, include_inactive_contacts)))


def get_contact(ctx: AppContext, ref: str | uuid.UUID) -> ContactInfo:
    with ctx.db.read() as s:
        return _contact(_get_contact(s, ref))


def contact_by_id(s: Session, contact_id: uuid.UUID | None) -> ContactInfo | None:
    """A referral's contact as held here (also a removed one: the referral named it)."""
    if contact_id is None:
        return None
    c = s.get(AgencyContact, contact_id)
    return None if c is None else _contact(c)


def answer_hours(s: Session, agency_code: str) -> int | None:
    a = s.scalar(select(Agency).where(Agency.number == agency_code))
    return None if a is None else a.answer_hours


def _get_agency(s: Session, code: str) -> Agency:
    a = s.scalar(select(Agency).where(Agency.number == (code or "").strip().upper()))
    if a is None:
        raise NotFoundError(N_("Unknown agency {code}"), code=code)
    return a


def _get_contact(s: Session, ref: str | uuid.UUID) -> AgencyContact:
    c: AgencyContact | None = None
    if isinstance(ref, uuid.UUID):
        c = s.get(AgencyContact, ref)
    else:
        c = s.scalar(select(AgencyContact).where(AgencyContact.number == ref.strip()))
        if c is None:
            try:
                c = s.get(AgencyContact, uuid.UUID(ref))
            except ValueError:
                c = None
    if c is None or c.deleted:
        raise NotFoundError(N_("Contact {id} not found"), id=str(ref))
    return c


# --- validation ----------------------------------------------------------------------------


def _line(values: Mapping[str, Any], name: str, limit: int, required: bool = False) -> str:
    text = check_text(" ".join(str(values[name] or "").split()), name)
    if required and not text:
        raise ValidationError(N_("Give a name"), field=name)
    if len(text) > limit:
        raise ValidationError(N_("At most {max} characters"), field=name, max=limit)
    return text


def _validate_agency(s: Session, code: str, values: Mapping[str, Any]) -> dict[str, Any]:
    name = _line(values, "name", NAME_MAX, required=True)
    try:
        level = AgencyLevel(str(values["level"]).strip().lower()).value
    except ValueError:
        raise ValidationError(N_("Unknown level {value} (pusat, provinsi or kabkota)"),
                              field="level", value=values["level"]) from None
    parent = str(values["parent_code"] or "").strip().upper() or None
    seen = {code}
    up = parent
    while up is not None:  # the parent exists, and the chain never comes back
        if up in seen:
            raise ValidationError(N_("Agency {code} cannot belong to itself"),
                                  field="parent_code", code=code)
        seen.add(up)
        held = s.scalar(select(Agency).where(Agency.number == up))
        if held is None:
            raise ValidationError(N_("Unknown agency {code}"), field="parent_code", code=up)
        up = held.parent_code
    address = check_text(str(values["address"] or "").strip(), "address", multiline=True)
    if len(address) > ADDRESS_MAX:
        raise ValidationError(N_("At most {max} characters"), field="address", max=ADDRESS_MAX)
    hours = values["answer_hours"]
    if hours in ("", None):
        hours = None
    else:
        try:
            hours = int(hours)
        except (TypeError, ValueError):
            hours = 0
        if not 1 <= hours <= ANSWER_HOURS_MAX:
            raise ValidationError(N_("The answer time is 1 to {max} hours"),
                                  field="answer_hours", max=ANSWER_HOURS_MAX)
    return {"name": name, "level": level, "parent_code": parent, "address": address,
            "answer_hours": hours, "active": bool(values["active"])}


def _phone(values: Mapping[str, Any], name: str) -> str:
    text = check_text(" ".join(str(values[name] or "").split()), name)
    if text and not _PHONE.fullmatch(text):
        raise ValidationError(N_("Not a phone number: {value} (digits, spaces, hyphens, a "
                                 "leading +)"), field=name, value=text)
    return text


def _validate_contact(values: Mapping[str, Any]) -> dict[str, Any]:
    email = _line(values, "email", EMAIL_MAX)
    if email and not _EMAIL.fullmatch(email):
        raise ValidationError(N_("Not an e-mail address: {value}"), field="email", value=email)
    note = check_text(str(values["note"] or "").strip(), "note", multiline=True)
    if len(note) > NOTE_MAX:
        raise ValidationError(N_("At most {max} characters"), field="note", max=NOTE_MAX)
    return {"name": _line(values, "name", NAME_MAX, required=True),
            "function": _line(values, "function", NAME_MAX),
            "phone": _phone(values, "phone"), "whatsapp": _phone(values, "whatsapp"),
            "email": email, "note": note, "active": bool(values["active"])}


def _unknown(changes: Mapping[str, Any], editable: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])


def _stamp(s: Session, ctx: AppContext, obj: Any, changed: Mapping[str, Any],
           now: datetime) -> None:
    for key, value in changed.items():
        setattr(obj, key, value)
    stamp = new_stamp(s, now)
    obj.field_stamps = {**obj.field_stamps, **dict.fromkeys(changed, stamp)}
    obj.mod_stamp, obj.updated_at, obj.updated_by = stamp, now, ctx.actor.username


def _detail(expected: str | None) -> str:
    return "base {v}".format(v=expected) if expected else ""


# --- agencies ------------------------------------------------------------------------------


def add_agency(ctx: AppContext, code: str, name: str, level: str,
               parent_code: str | None = None, address: str = "",
               answer_hours: int | None = None) -> AgencyEntry:
    """A new agency (at the province only, so that a code means one agency everywhere)."""
    require(ctx.actor, Permission.DIRECTORY_MANAGE)
    code = (code or "").strip().upper()
    if not _CODE.fullmatch(code):
        raise ValidationError(N_("An agency code is 2 to 20 capital letters, digits or "
                                 "hyphens, starting with a letter: {code}"), field="code",
                              code=code)
    now = ctx.now()
    with ctx.db.write() as s:
        site = local_site(s)
        if site.code != PROVINCE_CODE:
            raise ValidationError(N_("Agencies are added at the province (site 33); this is "
                                     "site {site}"), field="code", site=site.code)
        if s.scalar(select(Agency.id).where(Agency.number == code)) is not None:
            raise ValidationError(N_("Agency {code} exists already (codes are never reused)"),
                                  field="code", code=code)
        values = _validate_agency(s, code, {
            "name": name, "level": level, "parent_code": parent_code, "address": address,
            "answer_hours": answer_hours, "active": True})
        stamp = new_stamp(s, now)
        a = Agency(id=uuid7(), number=code, origin_site=site.code,
                   recorded_by=ctx.actor.username, created_at=now, updated_at=now,
                   updated_by=ctx.actor.username, mod_stamp=stamp,
                   field_stamps=dict.fromkeys(AGENCIES.fields, stamp), deleted=False, **values)
        s.add(a)
        s.flush()
        audit.record(s, ctx.actor, "agency.create", "agency", str(a.id), before=None,
                     after={"code": code, **values}, at=now)
        info = _agency(a)
    logger.info("Agency %s added", code)
    ctx.bus.publish(Change(ChangeKind.DIRECTORY, (str(info.id),)))
    return info


def update_agency(ctx: AppContext, code: str, changes: Mapping[str, Any], *,
                  expected_version: str | None = None) -> AgencyEntry:
    """Change name, level, parent, address, answer time or `active` (deactivate/
    reactivate); only fields that really changed get a new stamp."""
    require(ctx.actor, Permission.DIRECTORY_MANAGE)
    _unknown(changes, AGENCY_FIELDS)
    now = ctx.now()
    with ctx.db.write() as s:
        a = _get_agency(s, code)
        check_synced_version(s, a, expected_version, a.number, _STALE_AGENCY,
                             {f: getattr(a, f) for f in AGENCY_FIELDS}, code=a.number)
        values = _validate_agency(s, a.number, {**{f: getattr(a, f) for f in AGENCY_FIELDS},
                                                **changes})
        changed = {k: values[k] for k in changes if getattr(a, k) != values[k]}
        if not changed:
            return _agency(a)
        before = {k: getattr(a, k) for k in changed}
        _stamp(s, ctx, a, changed, now)
        audit.record(s, ctx.actor, "agency.update", "agency", str(a.id), before=before,
                     after=changed, at=now, detail=_detail(expected_version))
        info = _agency(a)
    ctx.bus.publish(Change(ChangeKind.DIRECTORY, (str(info.id),)))
    return info


# --- contacts ------------------------------------------------------------------------------


def add_contact(ctx: AppContext, agency_code: str, name: str, function: str = "",
                phone: str = "", whatsapp: str = "", email: str = "",
                note: str = "") -> ContactInfo:
    """A contact person of an active agency (at any site)."""
    require(ctx.actor, Permission.DIRECTORY_MANAGE)
    values = _validate_contact({"name": name, "function": function, "phone": phone,
                                "whatsapp": whatsapp, "email": email, "note": note,
                                "active": True})
    now = ctx.now()
    with ctx.db.write() as s:
        a = _get_agency(s, agency_code)
        if not a.active:
            raise ValidationError(N_("Agency {code} is inactive"), field="agency_code",
                                  code=a.number)
        site = local_site(s)
        stamp = new_stamp(s, now)
        c = AgencyContact(id=uuid7(), number=next_number(s, AgencyContact, "KON", site.code,
                                                         now.year),
                          agency_code=a.number, origin_site=site.code,
                          recorded_by=ctx.actor.username, created_at=now, updated_at=now,
                          updated_by=ctx.actor.username, mod_stamp=stamp,
                          field_stamps=dict.fromkeys(AGENCY_CONTACTS.fields, stamp),
                          deleted=False, **values)
        s.add(c)
        s.flush()
        audit.record(s, ctx.actor, "contact.create", "agency_contact", str(c.id), before=None,
                     after={"number": c.number, "agency": a.number, **values}, at=now)
        info = _contact(c)
    logger.info("Contact %s added to %s", info.number, info.agency_code)
    ctx.bus.publish(Change(ChangeKind.DIRECTORY, (str(info.id),)))
    return info


def update_contact(ctx: AppContext, ref: str | uuid.UUID, changes: Mapping[str, Any], *,
                   expected_version: str | None = None) -> ContactInfo:
    """Change a contact's fields (`active` False: no longer in the post)."""
    require(ctx.actor, Permission.DIRECTORY_MANAGE)
    _unknown(changes, CONTACT_FIELDS)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get_contact(s, ref)
        _check_contact(s, c, expected_version)
        values = _validate_contact({**{f: getattr(c, f) for f in CONTACT_FIELDS}, **changes})
        changed = {k: values[k] for k in changes if getattr(c, k) != values[k]}
        if not changed:
            return _contact(c)
        before = {k: getattr(c, k) for k in changed}
        _stamp(s, ctx, c, changed, now)
        audit.record(s, ctx.actor, "contact.update", "agency_contact", str(c.id),
                     before=before, after=changed, at=now, detail=_detail(expected_version))
        info = _contact(c)
    ctx.bus.publish(Change(ChangeKind.DIRECTORY, (str(info.id),)))
    return info


def remove_contact(ctx: AppContext, ref: str | uuid.UUID, *,
                   expected_version: str | None = None) -> ContactInfo:
    """Remove a contact (a tombstone that syncs; referrals that named it keep showing it)."""
    require(ctx.actor, Permission.DIRECTORY_MANAGE)
    now = ctx.now()
    with ctx.db.write() as s:
        c = _get_contact(s, ref)
        _check_contact(s, c, expected_version)
        _stamp(s, ctx, c, {"deleted": True}, now)
        audit.record(s, ctx.actor, "contact.remove", "agency_contact", str(c.id),
                     before={"deleted": False}, after={"deleted": True}, at=now,
                     detail=_detail(expected_version))
        info = _contact(c)
    ctx.bus.publish(Change(ChangeKind.DIRECTORY, (str(info.id),)))
    return info


def _check_contact(s: Session, c: AgencyContact, expected: str | None) -> None:
    check_synced_version(s, c, expected, c.number, _STALE_CONTACT,
                         {f: getattr(c, f) for f in CONTACT_FIELDS}, contact=c.name)

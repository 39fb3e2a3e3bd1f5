"""Reporting units (issue 18): the regency and city offices and the agencies/OPD that
report to the desk, each with its cadence. Listed, added (agencies, at the province),
changed and deactivated by an administrator; a record type that syncs
(`sync.kinds.UNITS`; docs/contributing.md "Adding a record type that syncs").

A unit is named by its code: a regency office by its regency code (`33.74`, also written
`3374`), an agency by capitals, digits and hyphens (`POLDA`, `KPU-PROV`). Codes are never
reused: a unit no longer reporting is deactivated, not deleted.
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
from posko_desktop.core.db.models_units import ReportingUnit
from posko_desktop.core.domain import (
    AGENCY_SITE_FIRST,
    AGENCY_SITE_LAST,
    PROVINCE_CODE,
    Cadence,
    NotFoundError,
    UnitType,
    ValidationError,
    check_text,
    is_agency_site,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.edit_versions import check_synced_version, synced_version
from posko_desktop.core.services.reference import normalize_regency_code
from posko_desktop.core.sync.kinds import UNITS

logger = logging.getLogger(__name__)

NAME_MAX = 120
EDITABLE_FIELDS = ("name", "cadence", "agency_code", "active", "site_code")
_AGENCY_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
_STALE = N_("Reporting unit {code} was changed by {name} at {time} since you opened it; "
            "your change was not saved.")


@dataclass(frozen=True)
class UnitInfo:
    id: uuid.UUID
    code: str
    name: str
    unit_type: str  # regency | agency
    regency_code: str | None
    cadence: str  # daily | on_event
    agency_code: str | None
    active: bool
    origin_site: str
    updated_at: datetime
    updated_by: str
    version: str  # docs/contributing.md, "Optimistic version check on update"
    site_code: str | None = None  # an agency's own site (`domain.is_agency_site`)

    @property
    def is_agency(self) -> bool:
        return self.unit_type == UnitType.AGENCY

    @property
    def must_report(self) -> bool:
        """Counted by the reporting watch every period (Belum until it reports)."""
        return self.active and self.cadence == Cadence.DAILY


def unit_version(u: ReportingUnit) -> str:
    return synced_version(u)


def _info(u: ReportingUnit) -> UnitInfo:
    return UnitInfo(u.id, u.number, u.name, u.unit_type, u.regency_code, u.cadence,
                    u.agency_code, u.active, u.origin_site, u.updated_at, u.updated_by,
                    unit_version(u), u.site_code)


def _order(u: UnitInfo) -> tuple[int, str]:
    return (0 if u.unit_type == UnitType.REGENCY else 1, u.code)


def units_in(s: Session, include_inactive: bool = False) -> list[UnitInfo]:
    """Regency offices by code, then agencies by code."""
    stmt = select(ReportingUnit).where(ReportingUnit.deleted.is_(False))
    if not include_inactive:
        stmt = stmt.where(ReportingUnit.active.is_(True))
    return sorted((_info(u) for u in s.scalars(stmt)), key=_order)


def list_units(ctx: AppContext, include_inactive: bool = False) -> list[UnitInfo]:
    with ctx.db.read() as s:
        return units_in(s, include_inactive)


def normalize_unit_code(text: str) -> str:
    """`3374`/`33.74` -> `33.74`; an agency code in capitals; anything else as typed."""
    text = (text or "").strip()
    return normalize_regency_code(text) or text.upper()


def unit_by_code(s: Session, text: str) -> ReportingUnit | None:
    return s.scalar(select(ReportingUnit).where(
        ReportingUnit.number == normalize_unit_code(text), ReportingUnit.deleted.is_(False)))


def get_unit(ctx: AppContext, ref: str) -> UnitInfo:
    """A unit by its code or id."""
    with ctx.db.read() as s:
        return _info(_get(s, ref))


def _get(s: Session, ref: str) -> ReportingUnit:
    unit = unit_by_code(s, ref)
    if unit is None:
        try:
            unit = s.get(ReportingUnit, uuid.UUID(ref))
        except ValueError:
            unit = None
    if unit is None:
        raise NotFoundError(N_("Reporting unit {code} not found"), code=ref)
    return unit


def agency_unit_code(s: Session, text: str) -> str | None:
    """The code of an active agency unit named by `text` (XLSX, CLI, form): None for an
    empty text or a regency office's own code (the incident's regency speaks then);
    ValidationError for anything unknown or inactive."""
    text = (text or "").strip()
    if not text:
        return None
    unit = unit_by_code(s, text)
    if unit is None or not unit.active:
        raise ValidationError(N_("Unknown reporting unit {code}"), field="reporting_unit",
                              code=text)
    return unit.number if unit.unit_type == UnitType.AGENCY else None


# --- validation ------------------------------------------------------------------------


def _validate(values: Mapping[str, Any]) -> dict[str, Any]:
    name = check_text(" ".join(str(values["name"]).split()), "name")
    if not name:
        raise ValidationError(N_("Give a name"), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(N_("At most {max} characters"), field="name", max=NAME_MAX)
    try:
        cadence = Cadence(str(values["cadence"]).strip().lower()).value
    except ValueError:
        raise ValidationError(N_("Unknown cadence {value} (daily or on_event)"), field="cadence",
                              value=values["cadence"]) from None
    agency = check_text(str(values["agency_code"] or "").strip().upper(), "agency_code") or None
    if agency is not None and len(agency) > 20:
        raise ValidationError(N_("At most {max} characters"), field="agency_code", max=20)
    site = normalize_regency_code(str(values.get("site_code") or "")) if values.get(
        "site_code") else None
    if values.get("site_code") and not is_agency_site(site):
        raise ValidationError(N_("An agency's own site has a code from {first} to {last}: "
                                 "{code}"), field="site_code", code=values["site_code"],
                              first=AGENCY_SITE_FIRST, last=AGENCY_SITE_LAST)
    return {"name": name, "cadence": cadence, "agency_code": agency,
            "active": bool(values["active"]), "site_code": site}


def _check_site_code(s: Session, u: ReportingUnit | None, unit_type: str,
                     site_code: str | None) -> None:
    """A site code only for an agency, and for one unit only."""
    if site_code is None:
        return
    if unit_type != UnitType.AGENCY:
        raise ValidationError(N_("Only an agency has a site of its own"), field="site_code")
    holder = s.scalar(select(ReportingUnit.number).where(
        ReportingUnit.site_code == site_code, ReportingUnit.deleted.is_(False)))
    if holder is not None and (u is None or holder != u.number):
        raise ValidationError(N_("Site {site} is the site of reporting unit {code} already"),
                              field="site_code", site=site_code, code=holder)


def _check_version(s: Session, u: ReportingUnit, expected: str | None) -> None:
    check_synced_version(s, u, expected, u.number, _STALE,
                         {f: getattr(u, f) for f in EDITABLE_FIELDS}, code=u.number)


# --- commands --------------------------------------------------------------------------


def add_unit(ctx: AppContext, code: str, name: str, cadence: str = Cadence.DAILY.value,
             agency_code: str | None = None, site_code: str | None = None) -> UnitInfo:
    """A new agency/OPD unit (the regency offices exist from the start). Added at the
    province only, so that a code means one unit on every site."""
    require(ctx.actor, Permission.UNITS_MANAGE)
    code = (code or "").strip().upper()
    if not _AGENCY_CODE.fullmatch(code):
        raise ValidationError(N_("A unit code is 2 to 20 capital letters, digits or hyphens, "
                                 "starting with a letter: {code}"), field="code", code=code)
    values = _validate({"name": name, "cadence": cadence, "agency_code": agency_code,
                        "active": True, "site_code": site_code})
    now = ctx.now()
    with ctx.db.write() as s:
        site = local_site(s)
        if site.code != PROVINCE_CODE:
            raise ValidationError(N_("Reporting units are added at the province (site 33); "
                                     "this is site {site}"), field="code", site=site.code)
        if s.scalar(select(ReportingUnit.id).where(ReportingUnit.number == code)) is not None:
            raise ValidationError(N_("Reporting unit {code} exists already (codes are never "
                                     "reused)"), field="code", code=code)
        _check_site_code(s, None, UnitType.AGENCY, values["site_code"])
        stamp = new_stamp(s, now)
        u = ReportingUnit(id=uuid7(), number=code, unit_type=UnitType.AGENCY.value,
                          regency_code=None, origin_site=site.code,
                          recorded_by=ctx.actor.username, created_at=now, updated_at=now,
                          updated_by=ctx.actor.username, mod_stamp=stamp,
                          field_stamps=dict.fromkeys(UNITS.fields, stamp), deleted=False,
                          **values)
        s.add(u)
        s.flush()
        audit.record(s, ctx.actor, "unit.create", "reporting_unit", str(u.id), before=None,
                     after={"code": code, **values}, at=now)
        info = _info(u)
    logger.info("Reporting unit %s added", code)
    ctx.bus.publish(Change(ChangeKind.REPORTING_UNIT, (str(info.id),)))
    return info


def update_unit(ctx: AppContext, ref: str, changes: Mapping[str, Any], *,
                expected_version: str | None = None) -> UnitInfo:
    """Change name, cadence, agency link, own site or `active` (deactivate/reactivate); only fields
    that really changed get a new stamp."""
    require(ctx.actor, Permission.UNITS_MANAGE)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(N_("{name} is not an editable field"), field=unknown[0],
                              name=unknown[0])
    now = ctx.now()
    with ctx.db.write() as s:
        u = _get(s, ref)
        _check_version(s, u, expected_version)
        values = _validate({**{f: getattr(u, f) for f in EDITABLE_FIELDS}, **changes})
        changed = {k: values[k] for k in changes if getattr(u, k) != values[k]}
        if "site_code" in changed:
            _check_site_code(s, u, u.unit_type, values["site_code"])
        if not changed:
            return _info(u)
        before = {k: getattr(u, k) for k in changed}
        for key, value in changed.items():
            setattr(u, key, value)
        stamp = new_stamp(s, now)
        u.field_stamps = {**u.field_stamps, **dict.fromkeys(changed, stamp)}
        u.mod_stamp, u.updated_at, u.updated_by = stamp, now, ctx.actor.username
        audit.record(s, ctx.actor, "unit.update", "reporting_unit", str(u.id), before=before,
                     after=changed, at=now,
                     detail="base {v}".format(v=expected_version) if expected_version else "")
        info = _info(u)
    ctx.bus.publish(Change(ChangeKind.REPORTING_UNIT, (str(info.id),)))
    return info

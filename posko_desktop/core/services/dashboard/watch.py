"""The reporting watch: Masuk / Nihil / Belum of every reporting unit per reporting period,
regencies gone silent, and the one write of the dashboard, recording a Nihil report."""

from __future__ import annotations

import logging
import math
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.dashboard_data import (
    NihilInfo,
    NihilVia,
    ReportStatus,
    ReportStatusInfo,
    SilentRegency,
)
from posko_desktop.core.db.models import Incident, Regency
from posko_desktop.core.db.models_dashboard import NihilReport
from posko_desktop.core.db.models_records import Activity
from posko_desktop.core.domain import (
    AGENCY_SITE_FIRST,
    AGENCY_SITE_LAST,
    PROVINCE_CODE,
    UnitType,
    ValidationError,
    check_text,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_
from posko_desktop.core.periods import ReportPeriod, period_for_time, report_period
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.reference import regencies
from posko_desktop.core.services.units import UnitInfo, unit_by_code, units_in
from posko_desktop.core.textrules import format_date
from posko_desktop.core.timeutil import ensure_utc

logger = logging.getLogger(__name__)


def cutoff_hour(s: Session) -> int:
    return int(settings.get(s, settings.REPORT_CUTOFF_HOUR))


def current_period(ctx: AppContext, at: datetime | None = None) -> ReportPeriod:
    with ctx.db.read() as s:
        return period_for_time(ensure_utc(at) if at else ctx.now(), cutoff_hour(s))


def period_of(ctx: AppContext, report_date: date) -> ReportPeriod:
    with ctx.db.read() as s:
        return report_period(report_date, cutoff_hour(s))


def report_status(ctx: AppContext, period: ReportPeriod) -> dict[str, ReportStatusInfo]:
    """Masuk / Nihil / Belum of every reporting unit that must report (issue 18: the 35
    regency and city offices and the agencies with a daily cadence), by unit code, regency
    offices first; an agency reporting only when something happens is listed when it did.

    Masuk: an incident or activity the unit reported was entered (or arrived by sync or
    spreadsheet) in the period (`created_at`): a regency office reports the incidents of its
    regency that name no other unit and were not made at an agency's site
    (`office_report`), an agency those that name it (`reporting_unit`) or were made at its
    own site (`agency_report`); activities follow the same rule (`_latest_activity`);
    Nihil: a stored Nihil record for the period; Belum: neither. `last_report_at`: the
    latest report (incident or Nihil) before the period's end."""
    with ctx.db.read() as s:
        return report_status_in(s, period)


def _latest_incident(s: Session, end: datetime) -> dict[str, tuple[datetime, str]]:
    """Per regency office: (created_at, recorded_by) of the latest incident of its regency
    that names no other reporting unit, entered before `end` (one index seek per regency on
    ix_incident_regency_created)."""
    def latest(col: Any) -> Any:
        return (select(col).where(Incident.regency_code == Regency.code,
                                  Incident.created_at < end, Incident.deleted.is_(False),
                                  office_report(Incident))
                .order_by(Incident.created_at.desc()).limit(1).scalar_subquery())

    stmt = select(Regency.code, latest(Incident.created_at), latest(Incident.recorded_by))
    return {code: (created, who) for code, created, who in s.execute(stmt) if created is not None}


def office_report(model: Any) -> Any:
    """An incident or activity that is its regency office's report: it names no other unit
    and was not made at an agency's own site (`domain.is_agency_site`)."""
    return model.reporting_unit.is_(None) & ~model.origin_site.between(AGENCY_SITE_FIRST,
                                                                        AGENCY_SITE_LAST)


def agency_report(model: Any, code: str, site_code: str | None) -> Any:
    """An incident or activity that is the report of agency unit `code`: it names the unit,
    or it was made at the agency's own site and names no other unit."""
    named = model.reporting_unit == code
    if site_code is None:
        return named
    return named | (model.reporting_unit.is_(None) & (model.origin_site == site_code))


def _later(out: dict[str, tuple[datetime, str]], code: str, at: datetime, who: str) -> None:
    if code not in out or at > out[code][0]:
        out[code] = (at, who)


def _latest_agency_incident(s: Session, units: list[UnitInfo], period: ReportPeriod,
                            regency_codes: list[str]) -> dict[str, tuple[datetime, str]]:
    """The same for agency units (ix_incident_unit_created: a few index seeks); what an
    agency's own site made is looked up within the period only (ix_incident_regency_created,
    one seek per regency: the period's incidents, not the whole table)."""
    out: dict[str, tuple[datetime, str]] = {}
    for unit in units:
        row = s.execute(select(Incident.created_at, Incident.recorded_by).where(
            Incident.reporting_unit == unit.code, Incident.created_at < period.end,
            Incident.deleted.is_(False)).order_by(Incident.created_at.desc()).limit(1)).first()
        if row is not None:
            out[unit.code] = (row[0], row[1])
        if unit.site_code is None:
            continue
        row = s.execute(select(Incident.created_at, Incident.recorded_by).where(
            Incident.regency_code.in_(regency_codes), Incident.created_at >= period.start,
            Incident.created_at < period.end, Incident.deleted.is_(False),
            Incident.reporting_unit.is_(None), Incident.origin_site == unit.site_code)
            .order_by(Incident.created_at.desc()).limit(1)).first()
        if row is not None:
            _later(out, unit.code, row[0], row[1])
    return out


def _latest_activity(s: Session, units: list[UnitInfo],
                     end: datetime) -> dict[str, tuple[datetime, str]]:
    """Per unit: the latest activity it reported before `end` (the rule of incidents: an
    agency's by its code or from its own site; a regency office's, made at the regency's
    own site naming no unit; the desk's own activities at the province count for none)."""
    by_site = {u.site_code: u.code for u in units if u.site_code}
    offices = {u.code for u in units if not u.is_agency}
    out: dict[str, tuple[datetime, str]] = {}
    for unit_code, origin, at, who in s.execute(
            select(Activity.reporting_unit, Activity.origin_site, Activity.created_at,
                   Activity.recorded_by)
            .where(Activity.created_at < end, Activity.deleted.is_(False),
                   Activity.reporting_unit.is_not(None) | (Activity.origin_site != PROVINCE_CODE))):
        code = unit_code or by_site.get(origin) or (origin if origin in offices else None)
        if code is not None:
            _later(out, code, at, who)
    return out


def _nihil_key(rec: NihilReport) -> str:
    return rec.unit_code or rec.regency_code or ""


def report_status_in(s: Session, period: ReportPeriod) -> dict[str, ReportStatusInfo]:
    units = units_in(s)
    agencies = [u for u in units if u.is_agency]
    incidents = {**_latest_incident(s, period.end),
                 **_latest_agency_incident(s, agencies, period,
                                           list(s.scalars(select(Regency.code))))}
    for code, (at, who) in _latest_activity(s, units, period.end).items():
        _later(incidents, code, at, who)
    nihil_now: dict[str, NihilReport] = {}
    for rec in s.scalars(select(NihilReport).where(NihilReport.report_date == period.report_date,
                                                   NihilReport.deleted.is_(False))
                         .order_by(NihilReport.recorded_at)):
        nihil_now[_nihil_key(rec)] = rec  # latest wins
    nihil_before: dict[str, datetime] = {}
    for regency, unit_code, at in s.execute(
            select(NihilReport.regency_code, NihilReport.unit_code,
                   func.max(NihilReport.recorded_at))
            .where(NihilReport.report_date <= period.report_date, NihilReport.deleted.is_(False))
            .group_by(NihilReport.regency_code, NihilReport.unit_code)):
        nihil_before[unit_code or regency or ""] = at
    result: dict[str, ReportStatusInfo] = {}
    for unit in units:
        code, group = unit.code, unit.unit_type
        inc = incidents.get(code)
        if inc is not None and inc[0] >= period.start:
            result[code] = ReportStatusInfo(code, ReportStatus.MASUK.value, inc[0], inc[1],
                                            unit.name, group=group)
            continue
        nihil = nihil_now.get(code)
        if nihil is not None:
            result[code] = ReportStatusInfo(code, ReportStatus.NIHIL.value, nihil.recorded_at,
                                            nihil.recorded_by, unit.name, nihil.via, group)
            continue
        if not unit.must_report:
            continue
        candidates = [t for t in (inc[0] if inc else None, nihil_before.get(code))
                      if t is not None]
        result[code] = ReportStatusInfo(code, ReportStatus.BELUM.value,
                                        max(candidates) if candidates else None, None,
                                        unit.name, group=group)
    return result


def silent_regencies(ctx: AppContext, at: datetime | None = None,
                     hours: float | None = None) -> list[SilentRegency]:
    """Regencies with no report (incident entered or Nihil recorded) in the last `hours`
    (setting watch.silent_hours) before `at`; the longest silent first."""
    with ctx.db.read() as s:
        return silent_in(s, ensure_utc(at) if at else ctx.now(), hours)


def silent_in(s: Session, at: datetime, hours: float | None) -> list[SilentRegency]:
    limit = float(hours if hours is not None else settings.get(s, settings.WATCH_SILENT_HOURS))
    incidents = _latest_incident(s, at)
    nihil = dict(s.execute(
        select(NihilReport.regency_code, func.max(NihilReport.recorded_at))
        .where(NihilReport.recorded_at < at, NihilReport.deleted.is_(False),
               NihilReport.unit_code.is_(None))
        .group_by(NihilReport.regency_code)).all())
    out = []
    for reg in regencies(s):
        times = [t for t in (incidents.get(reg.code, (None, None))[0], nihil.get(reg.code))
                 if t is not None]
        last = max(times) if times else None
        silent = None if last is None else (at - last).total_seconds() / 3600
        if silent is None or silent > limit:
            out.append(SilentRegency(reg.code, reg.full_name, last, silent))
    out.sort(key=lambda r: (-(r.hours_silent if r.hours_silent is not None else math.inf), r.code))
    return out


def record_nihil(ctx: AppContext, unit_code: str, report_date: date | None = None,
                 via: str = NihilVia.TELEPON.value, note: str = "") -> NihilInfo:
    """Record that a reporting unit (a regency office by its regency code, or an agency
    unit by its code) reported nothing for a period (default: the current one)."""
    require(ctx.actor, Permission.REPORT_NIHIL)
    now = ctx.now()
    try:
        via_value = NihilVia((via or "").strip().lower()).value
    except ValueError:
        raise ValidationError(N_("Unknown way of reporting {value} (telepon or paket)"),
                              field="via", value=via) from None
    note = check_text((note or "").strip(), "note", multiline=True)
    if len(note) > 500:
        raise ValidationError(N_("At most {max} characters"), field="note", max=500)
    with ctx.db.write() as s:
        unit = unit_by_code(s, unit_code or "")
        if unit is None or not unit.active:
            raise ValidationError(N_("Unknown reporting unit {code}"), field="regency_code",
                                  code=unit_code)
        agency = unit.unit_type == UnitType.AGENCY
        current = period_for_time(now, cutoff_hour(s))
        day = report_date or current.report_date
        if day > current.report_date:
            raise ValidationError(N_("The reporting period {date} has not started yet"),
                                  field="report_date", date=format_date(day))
        period = report_period(day, cutoff_hour(s))
        same_unit = (NihilReport.unit_code == unit.number if agency else
                     (NihilReport.regency_code == unit.regency_code)
                     & NihilReport.unit_code.is_(None))
        existing = s.scalars(select(NihilReport).where(
            same_unit, NihilReport.report_date == day, NihilReport.deleted.is_(False))).first()
        if existing is not None:
            raise ValidationError(
                N_("{regency} already has a Nihil report for {date} (recorded by {user})"),
                field="regency_code", regency=unit.name, date=format_date(day),
                user=existing.recorded_by)
        reported = (agency_report(Incident, unit.number, unit.site_code) if agency else
                    (Incident.regency_code == unit.regency_code) & office_report(Incident))
        arrived = s.scalar(select(func.count()).select_from(Incident).where(
            reported, Incident.created_at >= period.start,
            Incident.created_at < period.end, Incident.deleted.is_(False)))
        if arrived:
            raise ValidationError(
                N_("{regency} already reported {count} incident(s) for {date}; it cannot be Nihil"),
                field="regency_code", regency=unit.name, count=arrived, date=format_date(day))
        rec = NihilReport(
            id=uuid7(), regency_code=None if agency else unit.regency_code,
            unit_code=unit.number if agency else None, report_date=day, via=via_value,
            note=note, recorded_at=now, recorded_by=ctx.actor.username,
            origin_site=local_site(s).code, mod_stamp=new_stamp(s, now), deleted=False,
        )
        s.add(rec)
        audit.record(s, ctx.actor, "nihil.record", "nihil_report", str(rec.id), before=None,
                     after={"regency" if not agency else "unit": unit.number,
                            "report_date": day.isoformat(), "via": via_value}, at=now)
        result = NihilInfo(rec.id, unit.number, day, via_value, note, now, rec.recorded_by)
    logger.info("Nihil recorded for %s, period %s, by %s", unit.number, day, ctx.actor.username)
    ctx.bus.publish(Change(ChangeKind.NIHIL_REPORT, (str(result.id),)))
    return result


def list_nihil(ctx: AppContext, report_date: date) -> list[NihilInfo]:
    with ctx.db.read() as s:
        return [NihilInfo(r.id, _nihil_key(r), r.report_date, r.via, r.note, r.recorded_at,
                          r.recorded_by)
                for r in s.scalars(select(NihilReport).where(
                    NihilReport.report_date == report_date, NihilReport.deleted.is_(False))
                    .order_by(NihilReport.regency_code, NihilReport.unit_code))]

"""Counting shared by every dashboard figure: incidents per group over a range of WIB
days, read from indexes only.

Counts are taken from foundation's covering index `ix_incident_day_regency` (all rows)
minus the partial index `ix_incident_deleted_day` (deleted rows only), so no query visits
the table itself (models_dashboard.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import String, case, func, select, true, type_coerce
from sqlalchemy.orm import Session

from posko_desktop.core.dashboard_data import SEVERITIES
from posko_desktop.core.db.models import Incident
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.i18n import N_
from posko_desktop.core.services.incident_log import AnySelect
from posko_desktop.core.services.incidents import IncidentFilter, apply_filter
from posko_desktop.core.services.reference import regencies

Rows = dict[tuple[Any, ...], list[int]]  # (day, regency) -> [count, rendah..kritis?]


def filter_conditions(stmt: AnySelect, flt: IncidentFilter | None, dialect: str) -> AnySelect:
    """The filter's regency/category/severity/status/text conditions; dates and deletion
    are handled by the callers (`occurred_date` range; all rows minus deleted rows)."""
    base = replace(flt or IncidentFilter(), date_from=None, date_to=None,
                   include_deleted=True, deleted_only=False)
    return apply_filter(stmt, base, dialect)


def counts(s: Session, group: Sequence[Any], date_from: date, date_to: date,
           flt: IncidentFilter | None, aggregates: Sequence[Any] | None = None,
           ) -> dict[tuple[Any, ...], list[int]]:
    """{group key: [count, *aggregates]} over non-deleted incidents of [date_from, date_to]:
    all rows (covering index) minus deleted rows (partial index)."""
    dialect = s.bind.dialect.name if s.bind is not None else "sqlite"
    aggs = [func.count(), *(aggregates or ())]
    n = len(group)
    # The day column is read as text and converted once per distinct day (not per row).
    day_at = next((i for i, col in enumerate(group) if col is Incident.occurred_date), None)
    columns = [type_coerce(col, String) if i == day_at else col for i, col in enumerate(group)]
    days: dict[Any, date] = {}
    result: dict[tuple[Any, ...], list[int]] = {}
    for deleted in (False, True):
        stmt = select(*columns, *aggs).where(Incident.occurred_date >= date_from,
                                             Incident.occurred_date <= date_to)
        if deleted:
            stmt = stmt.where(Incident.deleted == true())
        stmt = filter_conditions(stmt, flt, dialect).group_by(*group)
        sign = -1 if deleted else 1
        for row in s.execute(stmt):
            if day_at is None:
                key = row[:n]
            else:
                raw = row[day_at]
                day = days.get(raw)
                if day is None:
                    day = days[raw] = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
                key = (*row[:day_at], day, *row[day_at + 1: n])
            acc = result.get(key)
            if acc is None:
                result[key] = [sign * int(v or 0) for v in row[n:]]
            else:
                for i, v in enumerate(row[n:]):
                    acc[i] += sign * int(v or 0)
    return result


def severity_sums() -> list[Any]:
    return [func.sum(case((Incident.severity_rank == sev.rank, 1), else_=0)) for sev in SEVERITIES]


def day_regency(s: Session, first: date, last: date, flt: IncidentFilter | None,
                by_severity: bool = False) -> Rows:
    """(day, regency) -> [count] or [count, rendah, sedang, tinggi, kritis]."""
    return counts(s, [Incident.occurred_date, Incident.regency_code], first, last, flt,
                  severity_sums() if by_severity else None)


def check_range(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValidationError(N_("The end date {end} is before the start date {start}"),
                              field="date_to", start=date_from.isoformat(), end=date_to.isoformat())
    if (date_to - date_from).days > 366 * 2:
        raise ValidationError(N_("Choose a period of at most two years"), field="date_from")


def regency_names(s: Session) -> dict[str, str]:
    return {r.code: r.full_name for r in regencies(s)}

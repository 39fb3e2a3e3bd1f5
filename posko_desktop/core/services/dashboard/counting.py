"""Counting shared by every dashboard figure: incidents per group over a range of WIB
days.

Counts come from the day counts `incident_day_count` (kept by triggers, migration 0026:
one row per day x regency x category x severity instead of one per incident) whenever the
filter names only regencies, categories and severities. A filter on status or text counts
from foundation's covering index `ix_incident_day_regency` (all rows) minus the partial
index `ix_incident_deleted_day` (deleted rows only), so no query visits the table itself
(models_dashboard.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import String, case, func, literal, select, true, type_coerce
from sqlalchemy.orm import Session

from posko_desktop.core.dashboard_data import SEVERITIES
from posko_desktop.core.db.models import Incident
from posko_desktop.core.db.models_dashboard import IncidentDayCount
from posko_desktop.core.domain import ValidationError
from posko_desktop.core.i18n import N_
from posko_desktop.core.services.incident_log import AnySelect
from posko_desktop.core.services.incidents import IncidentFilter, apply_filter
from posko_desktop.core.services.reference import regencies

Rows = dict[tuple[Any, ...], list[int]]  # (day, regency) -> [count, rendah..kritis?]


def from_day_counts(flt: IncidentFilter | None) -> bool:
    """Whether the day counts answer this filter: regency, category and severity are their
    columns; status, text and overdue need the incidents themselves."""
    return flt is None or (not flt.statuses and not flt.text and flt.overdue_at is None)


def filter_conditions(stmt: AnySelect, flt: IncidentFilter | None, dialect: str,
                      source: Any = Incident) -> AnySelect:
    """The filter's regency/category/severity/status/text conditions on `source` (the
    incident table or the day counts); dates and deletion are handled by the callers
    (`occurred_date` range; all rows minus deleted rows)."""
    base = replace(flt or IncidentFilter(), date_from=None, date_to=None,
                   include_deleted=True, deleted_only=False)
    return apply_filter(stmt, base, dialect, inc=source)


def count_queries(group: Sequence[str], date_from: date, date_to: date,
                  flt: IncidentFilter | None, dialect: str, by_severity: bool = False,
                  ) -> list[tuple[int, Any]]:
    """(sign, statement) pairs whose signed sum is the count of non-deleted incidents of
    [date_from, date_to] per `group` (columns of both tables: occurred_date, regency_code,
    category_code, severity_rank): one query on the day counts, or all rows minus deleted
    rows of the incident table. Each row: the group's columns (the day as text), the count,
    then with `by_severity` the count per severity, rendah to kritis."""
    day_table = from_day_counts(flt)
    source: Any = IncidentDayCount if day_table else Incident
    weight: Any = IncidentDayCount.n if day_table else literal(1)
    cols = [getattr(source, g) for g in group]
    shown = [type_coerce(col, String) if g == "occurred_date" else col
             for g, col in zip(group, cols, strict=True)]
    aggs = [func.sum(weight) if day_table else func.count()]
    if by_severity:
        aggs += [func.sum(case((source.severity_rank == sev.rank, weight), else_=0))
                 for sev in SEVERITIES]
    out = []
    for sign in ((1,) if day_table else (1, -1)):
        stmt = select(*shown, *aggs).where(source.occurred_date >= date_from,
                                           source.occurred_date <= date_to)
        if sign < 0:
            stmt = stmt.where(Incident.deleted == true())
        out.append((sign, filter_conditions(stmt, flt, dialect, source).group_by(*cols)))
    return out


def as_day(raw: Any, days: dict[Any, date]) -> date:
    """A day column read as text (or a date on PostgreSQL), converted once per value."""
    day = days.get(raw)
    if day is None:
        day = days[raw] = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
    return day


def counts(s: Session, group: Sequence[str], date_from: date, date_to: date,
           flt: IncidentFilter | None, by_severity: bool = False) -> Rows:
    """{group key: [count]} or {group key: [count, rendah, sedang, tinggi, kritis]} over the
    non-deleted incidents of [date_from, date_to] (`count_queries`); only groups with
    incidents."""
    dialect = s.bind.dialect.name if s.bind is not None else "sqlite"
    n = len(group)
    day_at = group.index("occurred_date") if "occurred_date" in group else None
    days: dict[Any, date] = {}
    result: Rows = {}
    for sign, stmt in count_queries(group, date_from, date_to, flt, dialect, by_severity):
        for row in s.execute(stmt):
            key = tuple(row[:n])
            if day_at is not None:
                key = (*key[:day_at], as_day(key[day_at], days), *key[day_at + 1:])
            acc = result.get(key)
            if acc is None:
                result[key] = [sign * int(v or 0) for v in row[n:]]
            else:
                for i, v in enumerate(row[n:]):
                    acc[i] += sign * int(v or 0)
    # a group whose incidents are all deleted is no group (as in the day counts)
    return {k: v for k, v in result.items() if any(v)}


def day_regency(s: Session, first: date, last: date, flt: IncidentFilter | None,
                by_severity: bool = False) -> Rows:
    """(day, regency) -> [count] or [count, rendah, sedang, tinggi, kritis]."""
    return counts(s, ("occurred_date", "regency_code"), first, last, flt, by_severity)


def check_range(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValidationError(N_("The end date {end} is before the start date {start}"),
                              field="date_to", start=date_from.isoformat(), end=date_to.isoformat())
    if (date_to - date_from).days > 366 * 2:
        raise ValidationError(N_("Choose a period of at most two years"), field="date_from")


def regency_names(s: Session) -> dict[str, str]:
    return {r.code: r.full_name for r in regencies(s)}

"""The chart series over a range of WIB days: the daily trend with its moving average,
the regency x day heat map, incidents per category group, and per severity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import (
    MOVING_AVERAGE_DAYS,
    SEVERITIES,
    CategoryBreakdown,
    CategoryMode,
    DailySeries,
    HeatmapData,
    HeatmapOrder,
    SeverityBreakdown,
    date_range,
)
from posko_desktop.core.db.models import Category
from posko_desktop.core.i18n import current_language
from posko_desktop.core.services.dashboard.counting import (
    Rows,
    as_day,
    check_range,
    count_queries,
    day_regency,
    regency_names,
)
from posko_desktop.core.services.dashboard.levels import LevelRule
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.reference import normalize_regency_code, regencies
from posko_desktop.core.textrules import short_date

# --- daily trend -------------------------------------------------------------------------


def daily_counts(ctx: AppContext, date_from: date, date_to: date,
                 flt: IncidentFilter | None = None, regencies: Sequence[str] = ()) -> DailySeries:
    """Incidents per WIB day, province total (restricted by `flt`) and per chosen regency."""
    check_range(date_from, date_to)
    with ctx.db.read() as s:
        return daily_in(s, date_from, date_to, flt, regencies)


def daily_in(s: Session, date_from: date, date_to: date, flt: IncidentFilter | None,
             chosen: Sequence[str], rows: Rows | None = None) -> DailySeries:
    lead = MOVING_AVERAGE_DAYS - 1
    first = date_from - timedelta(days=lead)
    if rows is None:
        rows = day_regency(s, first, date_to, flt)
    all_days = date_range(first, date_to)
    index = {d: i for i, d in enumerate(all_days)}
    codes = [normalize_regency_code(c) or c for c in chosen]
    total = [0] * len(all_days)
    per: dict[str, list[int]] = {c: [0] * len(all_days) for c in codes}
    for (day, code), vals in rows.items():
        i = index.get(day)
        if i is None:
            continue
        n = vals[0]
        total[i] += n
        if code in per:
            per[code][i] += n
    moving = []
    for i in range(lead, len(all_days)):
        moving.append(sum(total[i - lead: i + 1]) / MOVING_AVERAGE_DAYS)
    names = regency_names(s)
    return DailySeries(
        days=all_days[lead:], total=total[lead:], moving_avg=moving,
        by_regency={c: v[lead:] for c, v in per.items()},
        regency_names={c: names.get(c, c) for c in codes},
    )


# --- heat map ----------------------------------------------------------------------------


def heatmap(ctx: AppContext, date_from: date, date_to: date, flt: IncidentFilter | None = None,
            *, order: str = HeatmapOrder.CODE, weighted: bool = False) -> HeatmapData:
    """35 regencies x days; colour = incidents, or the severity-weighted score."""
    check_range(date_from, date_to)
    with ctx.db.read() as s:
        return heatmap_in(s, date_from, date_to, flt, HeatmapOrder(order), weighted)


def heatmap_in(s: Session, date_from: date, date_to: date, flt: IncidentFilter | None,
               order: HeatmapOrder, weighted: bool, rows: Rows | None = None) -> HeatmapData:
    days = date_range(date_from, date_to)
    index = {d: i for i, d in enumerate(days)}
    regs = regencies(s)
    if flt and flt.regencies:
        wanted = {normalize_regency_code(c) or c for c in flt.regencies}
        regs = [r for r in regs if r.code in wanted]
    matrix = {r.code: [0.0] * len(days) for r in regs}
    if rows is None:
        rows = day_regency(s, date_from, date_to, flt, by_severity=weighted)
    weights = LevelRule.from_settings(s).weights
    for (day, code), vals in rows.items():
        i = index.get(day)
        if i is None or code not in matrix:
            continue
        if weighted:
            matrix[code][i] = sum(w * n for w, n in zip(weights, vals[1:5], strict=True))
        else:
            matrix[code][i] = float(vals[0])
    codes = [r.code for r in regs]
    if order is HeatmapOrder.TOTAL:
        codes.sort(key=lambda c: (-sum(matrix[c]), c))
    return HeatmapData(days, codes, {r.code: r.full_name for r in regs},
                       [matrix[c] for c in codes], weighted)


# --- categories and severity -------------------------------------------------------------


def category_breakdown(ctx: AppContext, date_from: date, date_to: date,
                       flt: IncidentFilter | None = None, *, mode: str = CategoryMode.REGENCY,
                       top: int = 10) -> CategoryBreakdown:
    """Incidents per category group, stacked per regency (the `top` busiest) or per day."""
    check_range(date_from, date_to)
    with ctx.db.read() as s:
        return categories_in(s, date_from, date_to, flt, CategoryMode(mode), top)


def _group_labels(s: Session) -> dict[str, str]:
    en = current_language() == "en"
    return {
        c.code: (c.label_en if en else c.label_id)
        for c in s.scalars(select(Category).where(Category.parent_code.is_(None))
                           .order_by(Category.sort_order, Category.code))
    }


def categories_in(s: Session, date_from: date, date_to: date, flt: IncidentFilter | None,
                  mode: CategoryMode, top: int) -> CategoryBreakdown:
    by_regency = mode is CategoryMode.REGENCY
    dialect = s.bind.dialect.name if s.bind is not None else "sqlite"
    table: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days: dict[Any, date] = {}
    group = ("occurred_date", "regency_code", "category_code")
    for sign, inner in count_queries(group, date_from, date_to, flt, dialect):
        # The inner GROUP BY follows the key order of the day counts (and of the covering
        # index): it streams without sorting; the outer one folds the groups to (regency or
        # day) x category.
        sub = inner.subquery()
        key_col = sub.c[1] if by_regency else sub.c[0]
        for key, cat, n in s.execute(select(key_col, sub.c[2], func.sum(sub.c[3]))
                                     .group_by(key_col, sub.c[2])):
            if not by_regency:
                key = as_day(key, days)
            table[key][cat[:1]] += sign * int(n or 0)
    for key in [k for k, groups in table.items() if not any(groups.values())]:
        del table[key]  # all deleted: no key (as in the day counts)
    labels = _group_labels(s)
    groups = [g for g in labels if any(table[k].get(g) for k in table)] or list(labels)
    if mode is CategoryMode.REGENCY:
        names = regency_names(s)
        keys: list[Any] = sorted(table, key=lambda k: (-sum(table[k].values()), k))[:max(1, top)]
        key_labels = [names.get(k, k) for k in keys]
    else:
        keys = date_range(date_from, date_to)
        key_labels = [short_date(d) for d in keys]
    values = [[table[k].get(g, 0) if k in table else 0 for k in keys] for g in groups]
    return CategoryBreakdown(mode.value, keys, key_labels, groups, labels, values)


def severity_breakdown(ctx: AppContext, date_from: date, date_to: date,
                       flt: IncidentFilter | None = None) -> SeverityBreakdown:
    check_range(date_from, date_to)
    with ctx.db.read() as s:
        return severity_in(s, date_from, date_to, flt)


def severity_in(s: Session, date_from: date, date_to: date,
                flt: IncidentFilter | None, rows: Rows | None = None) -> SeverityBreakdown:
    days = date_range(date_from, date_to)
    index = {d: i for i, d in enumerate(days)}
    values = [[0] * len(days) for _sev in SEVERITIES]
    if rows is None:
        rows = day_regency(s, date_from, date_to, flt, by_severity=True)
    for (day, _code), vals in rows.items():
        i = index.get(day)
        if i is None:
            continue
        for rank, n in enumerate(vals[1:5]):
            values[rank][i] += n
    return SeverityBreakdown(days, values)

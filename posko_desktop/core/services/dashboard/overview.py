"""The whole dashboard in one read transaction (`snapshot`), and the day it opens on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import (
    MOVING_AVERAGE_DAYS,
    CategoryMode,
    DashboardSnapshot,
    HeatmapOrder,
)
from posko_desktop.core.db.models import Incident
from posko_desktop.core.periods import period_for_time
from posko_desktop.core.services import baseline as vulnerability
from posko_desktop.core.services.dashboard.contest_counts import contest_counts_in
from posko_desktop.core.services.dashboard.counting import check_range, day_regency
from posko_desktop.core.services.dashboard.early_warning import top_in, warnings_in
from posko_desktop.core.services.dashboard.levels import levels_in
from posko_desktop.core.services.dashboard.series import (
    categories_in,
    daily_in,
    heatmap_in,
    severity_in,
)
from posko_desktop.core.services.dashboard.watch import cutoff_hour, report_status_in, silent_in
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.medsos.reporting import medsos_daily
from posko_desktop.core.timeutil import ensure_utc, wib_date, wib_day_start

ARCHIVE_AFTER_DAYS = 30


def default_as_of(ctx: AppContext) -> date:
    """Today (WIB); for an archive or demo database whose newest incident is more than
    30 days old, the day of that newest incident (so the dashboard shows its data)."""
    today = wib_date(ctx.now())
    with ctx.db.read() as s:
        newest = s.scalar(select(func.max(Incident.occurred_date)))
    if isinstance(newest, str):
        newest = date.fromisoformat(newest)
    if newest is not None and newest < today - timedelta(days=ARCHIVE_AFTER_DAYS):
        return newest
    return today


def levels_moment(ctx: AppContext) -> datetime:
    """The moment of the situation levels shown outside the dashboard (the triage queue):
    `ctx.now()`, or the end of `default_as_of` when that day is earlier (an archive or demo
    database shows the levels of its own time frame, as the dashboard does)."""
    now = ctx.now()
    day = default_as_of(ctx)
    if day < wib_date(now):
        return wib_day_start(day + timedelta(days=1))
    return now


def snapshot(ctx: AppContext, date_from: date, date_to: date, flt: IncidentFilter | None = None,
             *, at: datetime | None = None, regencies: Sequence[str] = (),
             heatmap_order: str = HeatmapOrder.CODE, weighted: bool = False,
             category_mode: str = CategoryMode.REGENCY, top: int = 10) -> DashboardSnapshot:
    """All charts and tables for the period [date_from, date_to]. `at` (default: now, or
    the end of `date_to` when that is earlier) is the moment of levels and the watch."""
    check_range(date_from, date_to)
    end_of_range = ensure_utc(datetime.combine(date_to + timedelta(days=1), datetime.min.time()))
    moment = ensure_utc(at) if at else min(ctx.now(), end_of_range)
    day = wib_date(moment - timedelta(microseconds=1))  # at 00.00 WIB: the day that ended
    with ctx.db.read() as s:
        period = period_for_time(moment, cutoff_hour(s))
        # One index-only scan (day x regency, with severity sums) feeds the trend, heat map,
        # severity chart, early warning and top table.
        history = max(1, settings.get(s, settings.WARNING_BASELINE_DAYS))
        first = min(date_from - timedelta(days=MOVING_AVERAGE_DAYS - 1),
                    day - timedelta(days=history))
        rows = day_regency(s, first, max(date_to, day), flt, by_severity=True)
        levels = levels_in(s, moment)
        return DashboardSnapshot(
            date_from=date_from, date_to=date_to, at=moment,
            series=daily_in(s, date_from, date_to, flt, regencies, rows),
            heatmap=heatmap_in(s, date_from, date_to, flt, HeatmapOrder(heatmap_order), weighted,
                               rows),
            categories=categories_in(s, date_from, date_to, flt, CategoryMode(category_mode),
                                     top),
            severity=severity_in(s, date_from, date_to, flt, rows),
            levels=levels,
            warnings=warnings_in(s, day, flt, today=wib_date(ctx.now()), rows=rows),
            top=top_in(s, day, flt, top, rows),
            report_period=period,
            report=report_status_in(s, period),
            silent=silent_in(s, moment, None),
            baseline=vulnerability.view_in(s, {c: v.level for c, v in levels.items()}),
            medsos=medsos_daily(ctx, date_from, date_to,
                                flt.regencies[0] if flt and len(flt.regencies) == 1 else None),
            contests=contest_counts_in(s, date_from, date_to, flt),
        )

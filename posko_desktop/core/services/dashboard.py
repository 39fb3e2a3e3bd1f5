"""The dashboard's numbers: every chart and table, the situation level of each regency,
early warning, and the reporting watch (Masuk / Nihil / Belum per reporting period).

Plain data out (dataclasses of lists and dicts); charts (`core.charts`) draw them, the
sitrep prints them, the CLI exports them. Rules and thresholds: docs/dashboard.md.

Counting rule used everywhere here: an incident counts on the WIB calendar day it
occurred (`occurred_date`), deleted incidents (tombstones) never count, every status
counts (the incident log shows the same rows when a chart is clicked). The situation
level is the exception: rejected / unverifiable reports do not raise a level.

Speed: counts are taken from foundation's covering index `ix_incident_day_regency`
(all rows) minus the partial index `ix_incident_deleted_day` (deleted rows only), so no
query visits the table itself (models_dashboard.py).
"""

from __future__ import annotations

import csv
import enum
import io
import logging
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, String, case, func, select, true, type_coerce
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site, new_stamp
from posko_desktop.core.db.models import Category, Incident, Regency
from posko_desktop.core.db.models_dashboard import NihilReport
from posko_desktop.core.domain import OPEN_STATUSES, PoskoError, Severity, Status, ValidationError
from posko_desktop.core.events import Change
from posko_desktop.core.i18n import N_, _, current_language
from posko_desktop.core.periods import ReportPeriod, period_for_time, report_period
from posko_desktop.core.resources import load_json
from posko_desktop.core.services import audit
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incidents import IncidentFilter, apply_filter
from posko_desktop.core.services.reference import RegencyInfo, normalize_regency_code, regencies
from posko_desktop.core.timeutil import ensure_utc, format_date, wib_date, wib_day_start

logger = logging.getLogger(__name__)

SEVERITIES = (Severity.RENDAH, Severity.SEDANG, Severity.TINGGI, Severity.KRITIS)
MOVING_AVERAGE_DAYS = 7
# Statuses that do not raise a situation level: the report was not an incident.
NOT_AN_INCIDENT = (Status.DITOLAK.value, Status.TIDAK_DAPAT_DIVERIFIKASI.value)


# --- situation level ---------------------------------------------------------------------


class Level(enum.StrEnum):
    KONDUSIF = "kondusif"
    WASPADA = "waspada"
    SIAGA = "siaga"
    RAWAN = "rawan"

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    @property
    def label(self) -> str:
        return _(_LEVEL_LABELS[self])


_LEVEL_ORDER = [Level.KONDUSIF, Level.WASPADA, Level.SIAGA, Level.RAWAN]
_LEVEL_LABELS = {
    Level.KONDUSIF: N_("Calm (Kondusif)"),
    Level.WASPADA: N_("Watch (Waspada)"),
    Level.SIAGA: N_("Alert (Siaga)"),
    Level.RAWAN: N_("Danger (Rawan)"),
}


@dataclass(frozen=True)
class RegencyLevel:
    code: str
    level: Level
    score: float
    reason: str
    incidents: int = 0  # incidents counted in the window
    open_critical: int = 0
    by_severity: tuple[int, int, int, int] = (0, 0, 0, 0)  # rendah .. kritis


@dataclass(frozen=True)
class LevelRule:
    """The level rule's parameters (settings; docs/dashboard.md)."""

    window_hours: int = 72
    weights: tuple[float, float, float, float] = (1.0, 2.0, 4.0, 8.0)
    waspada: float = 10.0
    siaga: float = 25.0
    rawan: float = 50.0
    critical_floor: bool = True

    @classmethod
    def from_settings(cls, s: Session) -> LevelRule:
        return cls(
            window_hours=settings.get(s, settings.LEVEL_WINDOW_HOURS),
            weights=tuple(settings.get(s, settings.LEVEL_WEIGHTS[sev.value]) for sev in SEVERITIES),  # type: ignore[arg-type]
            waspada=settings.get(s, settings.LEVEL_THRESHOLDS["waspada"]),
            siaga=settings.get(s, settings.LEVEL_THRESHOLDS["siaga"]),
            rawan=settings.get(s, settings.LEVEL_THRESHOLDS["rawan"]),
            critical_floor=settings.get(s, settings.LEVEL_CRITICAL_FLOOR),
        )

    def level_for(self, score: float, open_critical: int) -> Level:
        if score >= self.rawan:
            level = Level.RAWAN
        elif score >= self.siaga:
            level = Level.SIAGA
        elif score >= self.waspada:
            level = Level.WASPADA
        else:
            level = Level.KONDUSIF
        if self.critical_floor and open_critical and level.rank < Level.SIAGA.rank:
            level = Level.SIAGA
        return level


def situation_levels(ctx: AppContext, at: datetime) -> dict[str, RegencyLevel]:
    """Level of every regency (all 35 codes) at the moment `at` (aware; naive = WIB)."""
    with ctx.db.read() as s:
        return _levels(s, ensure_utc(at))


def _levels(s: Session, at: datetime, rule: LevelRule | None = None) -> dict[str, RegencyLevel]:
    rule = rule or LevelRule.from_settings(s)
    start = at - timedelta(hours=rule.window_hours)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    # Whole WIB days inside [start, at): index-only counts (covering minus deleted index);
    # the partial days at both ends: by occurred_at.
    first_full = wib_date(start)
    if wib_day_start(first_full) < start:
        first_full += timedelta(days=1)
    last_full = wib_date(at) - timedelta(days=1)
    edges = [(start, at)]
    if first_full <= last_full:
        full = _counts(s, [Incident.occurred_date, Incident.regency_code], first_full, last_full,
                       None, _severity_sums())
        for (_day, code), vals in full.items():
            for rank, n in enumerate(vals[1:]):
                counts[code][rank] += n
        edges = [(start, wib_day_start(first_full)),
                 (wib_day_start(last_full + timedelta(days=1)), at)]
    for a, b in edges:
        if a >= b:
            continue
        for code, rank, n in s.execute(
                select(Incident.regency_code, Incident.severity_rank, func.count())
                .where(Incident.occurred_at >= a, Incident.occurred_at < b,
                       Incident.deleted.is_(False))
                .group_by(Incident.regency_code, Incident.severity_rank)):
            counts[code][rank] += n
    # Reports that were not incidents (rejected / unverifiable) do not count: few rows,
    # found through the (status, occurred_at) index.
    for code, rank, n in s.execute(
            select(Incident.regency_code, Incident.severity_rank, func.count())
            .where(Incident.status.in_(NOT_AN_INCIDENT), Incident.occurred_at >= start,
                   Incident.occurred_at < at, Incident.deleted.is_(False))
            .group_by(Incident.regency_code, Incident.severity_rank)):
        counts[code][rank] -= n
    open_critical = dict(s.execute(
        select(Incident.regency_code, func.count())
        .where(Incident.severity_rank == Severity.KRITIS.rank, Incident.occurred_at >= start,
               Incident.occurred_at < at, Incident.deleted.is_(False),
               Incident.status.in_([st.value for st in OPEN_STATUSES]))
        .group_by(Incident.regency_code)).all())
    result: dict[str, RegencyLevel] = {}
    for reg in regencies(s):
        by_sev = counts.get(reg.code, [0, 0, 0, 0])
        score = sum(w * n for w, n in zip(rule.weights, by_sev, strict=True))
        crit = int(open_critical.get(reg.code, 0))
        level = rule.level_for(score, crit)
        result[reg.code] = RegencyLevel(
            reg.code, level, score, _level_reason(score, by_sev, crit, rule),
            sum(by_sev), crit, (by_sev[0], by_sev[1], by_sev[2], by_sev[3]),
        )
    return result


def _level_reason(score: float, by_sev: Sequence[int], crit: int, rule: LevelRule) -> str:
    text = _("score {score} from {count} incidents in {hours} hours").format(
        score=format_number(score), count=sum(by_sev), hours=rule.window_hours)
    heavy = [(by_sev[3], Severity.KRITIS), (by_sev[2], Severity.TINGGI)]
    parts = ["{n} {label}".format(n=n, label=sev.label.lower()) for n, sev in heavy if n]
    if parts:
        text += " ({parts})".format(parts=", ".join(parts))
    if crit and rule.critical_floor:
        text += "; " + _("{count} critical incident(s) still open").format(count=crit)
    return text


# --- shared counting ---------------------------------------------------------------------


def _filter_conditions(stmt: Select[Any], flt: IncidentFilter | None, dialect: str) -> Select[Any]:
    """The filter's regency/category/severity/status/text conditions; dates and deletion
    are handled by the callers (`occurred_date` range; all rows minus deleted rows)."""
    base = replace(flt or IncidentFilter(), date_from=None, date_to=None,
                   include_deleted=True, deleted_only=False)
    return apply_filter(stmt, base, dialect)


def _counts(s: Session, group: Sequence[Any], date_from: date, date_to: date,
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
        stmt = _filter_conditions(stmt, flt, dialect).group_by(*group)
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


def _severity_sums() -> list[Any]:
    return [func.sum(case((Incident.severity_rank == sev.rank, 1), else_=0)) for sev in SEVERITIES]


def date_range(date_from: date, date_to: date) -> list[date]:
    return [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]


def _check_range(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValidationError(N_("The end date {end} is before the start date {start}"),
                              field="date_to", start=date_from.isoformat(), end=date_to.isoformat())
    if (date_to - date_from).days > 366 * 2:
        raise ValidationError(N_("Choose a period of at most two years"), field="date_from")


def _names(s: Session) -> dict[str, str]:
    return {r.code: r.full_name for r in regencies(s)}


def format_number(value: float) -> str:
    """3 -> '3', 2.5 -> '2,5' (id) / '2.5' (en)."""
    if abs(value - round(value)) < 0.05:
        return str(int(round(value)))
    text = f"{value:.1f}"
    return text.replace(".", ",") if current_language() == "id" else text


# --- daily trend -------------------------------------------------------------------------


@dataclass
class DailySeries:
    days: list[date]
    total: list[int]
    moving_avg: list[float]  # trailing 7-day mean (days before date_from included)
    by_regency: dict[str, list[int]] = field(default_factory=dict)
    regency_names: dict[str, str] = field(default_factory=dict)

    def csv_rows(self) -> list[list[Any]]:
        codes = list(self.by_regency)
        header = [_("Date"), _("Total"), _("7-day average"), *codes]
        rows: list[list[Any]] = [header]
        for i, day in enumerate(self.days):
            rows.append([day.isoformat(), self.total[i], round(self.moving_avg[i], 2),
                         *(self.by_regency[c][i] for c in codes)])
        return rows


def daily_counts(ctx: AppContext, date_from: date, date_to: date,
                 flt: IncidentFilter | None = None, regencies: Sequence[str] = ()) -> DailySeries:
    """Incidents per WIB day, province total (restricted by `flt`) and per chosen regency."""
    _check_range(date_from, date_to)
    with ctx.db.read() as s:
        return _daily(s, date_from, date_to, flt, regencies)


Rows = dict[tuple[Any, ...], list[int]]  # (day, regency) -> [count, rendah..kritis?]


def _day_regency(s: Session, first: date, last: date, flt: IncidentFilter | None,
                 by_severity: bool = False) -> Rows:
    return _counts(s, [Incident.occurred_date, Incident.regency_code], first, last, flt,
                   _severity_sums() if by_severity else None)


def _daily(s: Session, date_from: date, date_to: date, flt: IncidentFilter | None,
           chosen: Sequence[str], rows: Rows | None = None) -> DailySeries:
    lead = MOVING_AVERAGE_DAYS - 1
    first = date_from - timedelta(days=lead)
    if rows is None:
        rows = _day_regency(s, first, date_to, flt)
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
    names = _names(s)
    return DailySeries(
        days=all_days[lead:], total=total[lead:], moving_avg=moving,
        by_regency={c: v[lead:] for c, v in per.items()},
        regency_names={c: names.get(c, c) for c in codes},
    )


# --- heat map ----------------------------------------------------------------------------


class HeatmapOrder(enum.StrEnum):
    CODE = "code"
    TOTAL = "total"


@dataclass
class HeatmapData:
    days: list[date]
    codes: list[str]  # row order
    names: dict[str, str]
    values: list[list[float]]  # values[row][day]
    weighted: bool = False  # True: severity-weighted score instead of counts

    def row_total(self, row: int) -> float:
        return sum(self.values[row])

    def csv_rows(self) -> list[list[Any]]:
        rows: list[list[Any]] = [[_("Code"), _("Regency/city"), *(d.isoformat() for d in self.days)]]
        for code, vals in zip(self.codes, self.values, strict=True):
            rows.append([code, self.names.get(code, code),
                         *(int(v) if not self.weighted else round(v, 2) for v in vals)])
        return rows


def heatmap(ctx: AppContext, date_from: date, date_to: date, flt: IncidentFilter | None = None,
            *, order: str = HeatmapOrder.CODE, weighted: bool = False) -> HeatmapData:
    """35 regencies x days; colour = incidents, or the severity-weighted score."""
    _check_range(date_from, date_to)
    with ctx.db.read() as s:
        return _heatmap(s, date_from, date_to, flt, HeatmapOrder(order), weighted)


def _heatmap(s: Session, date_from: date, date_to: date, flt: IncidentFilter | None,
             order: HeatmapOrder, weighted: bool, rows: Rows | None = None) -> HeatmapData:
    days = date_range(date_from, date_to)
    index = {d: i for i, d in enumerate(days)}
    regs = regencies(s)
    if flt and flt.regencies:
        wanted = {normalize_regency_code(c) or c for c in flt.regencies}
        regs = [r for r in regs if r.code in wanted]
    matrix = {r.code: [0.0] * len(days) for r in regs}
    if rows is None:
        rows = _day_regency(s, date_from, date_to, flt, by_severity=weighted)
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


class CategoryMode(enum.StrEnum):
    REGENCY = "regency"  # stacked bar per regency (top N by total)
    DAY = "day"  # stacked bar per day


@dataclass
class CategoryBreakdown:
    mode: str
    keys: list[Any]  # regency codes or days (bar order)
    key_labels: list[str]
    groups: list[str]  # category group codes, "A".."G"
    group_labels: dict[str, str]
    values: list[list[int]]  # values[group][bar]

    def bar_total(self, i: int) -> int:
        return sum(g[i] for g in self.values)

    def csv_rows(self) -> list[list[Any]]:
        first = _("Regency/city") if self.mode == CategoryMode.REGENCY else _("Date")
        rows: list[list[Any]] = [[first, *(f"{g} {self.group_labels[g]}" for g in self.groups),
                                  _("Total")]]
        for i, key in enumerate(self.keys):
            label = key.isoformat() if isinstance(key, date) else f"{key} {self.key_labels[i]}"
            rows.append([label, *(g[i] for g in self.values), self.bar_total(i)])
        return rows


def category_breakdown(ctx: AppContext, date_from: date, date_to: date,
                       flt: IncidentFilter | None = None, *, mode: str = CategoryMode.REGENCY,
                       top: int = 10) -> CategoryBreakdown:
    """Incidents per category group, stacked per regency (the `top` busiest) or per day."""
    _check_range(date_from, date_to)
    with ctx.db.read() as s:
        return _categories(s, date_from, date_to, flt, CategoryMode(mode), top)


def _group_labels(s: Session) -> dict[str, str]:
    en = current_language() == "en"
    return {
        c.code: (c.label_en if en else c.label_id)
        for c in s.scalars(select(Category).where(Category.parent_code.is_(None))
                           .order_by(Category.sort_order, Category.code))
    }


def _categories(s: Session, date_from: date, date_to: date, flt: IncidentFilter | None,
                mode: CategoryMode, top: int) -> CategoryBreakdown:
    by_regency = mode is CategoryMode.REGENCY
    dialect = s.bind.dialect.name if s.bind is not None else "sqlite"
    key_col = Incident.regency_code if by_regency else type_coerce(Incident.occurred_date, String)
    table: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for deleted in (False, True):  # all rows (covering index) minus deleted rows
        # The inner GROUP BY follows the covering index's own order (day, regency, category),
        # so it streams without sorting the period's rows; the outer one folds the few
        # thousand groups to (regency or day) x category.
        inner = (select(key_col.label("k"), Incident.category_code.label("c"),
                        func.count().label("n"))
                 .where(Incident.occurred_date >= date_from, Incident.occurred_date <= date_to)
                 .group_by(Incident.occurred_date, Incident.regency_code, Incident.category_code))
        if deleted:
            inner = inner.where(Incident.deleted == true())
        sub = _filter_conditions(inner, flt, dialect).subquery()
        sign = -1 if deleted else 1
        for key, cat, n in s.execute(select(sub.c.k, sub.c.c, func.sum(sub.c.n))
                                     .group_by(sub.c.k, sub.c.c)):
            if not by_regency:
                key = date.fromisoformat(str(key)[:10])
            table[key][cat[:1]] += sign * int(n or 0)
    labels = _group_labels(s)
    groups = [g for g in labels if any(table[k].get(g) for k in table)] or list(labels)
    if mode is CategoryMode.REGENCY:
        names = _names(s)
        keys: list[Any] = sorted(table, key=lambda k: (-sum(table[k].values()), k))[:max(1, top)]
        key_labels = [names.get(k, k) for k in keys]
    else:
        keys = date_range(date_from, date_to)
        key_labels = [short_date(d) for d in keys]
    values = [[table[k].get(g, 0) if k in table else 0 for k in keys] for g in groups]
    return CategoryBreakdown(mode.value, keys, key_labels, groups, labels, values)


@dataclass
class SeverityBreakdown:
    days: list[date]
    values: list[list[int]]  # values[severity rank][day]

    def totals(self) -> list[int]:
        return [sum(v) for v in self.values]

    def csv_rows(self) -> list[list[Any]]:
        rows: list[list[Any]] = [[_("Date"), *(sev.label for sev in SEVERITIES), _("Total")]]
        for i, day in enumerate(self.days):
            vals = [v[i] for v in self.values]
            rows.append([day.isoformat(), *vals, sum(vals)])
        return rows


def severity_breakdown(ctx: AppContext, date_from: date, date_to: date,
                       flt: IncidentFilter | None = None) -> SeverityBreakdown:
    _check_range(date_from, date_to)
    with ctx.db.read() as s:
        return _severity(s, date_from, date_to, flt)


def _severity(s: Session, date_from: date, date_to: date,
              flt: IncidentFilter | None, rows: Rows | None = None) -> SeverityBreakdown:
    days = date_range(date_from, date_to)
    index = {d: i for i, d in enumerate(days)}
    values = [[0] * len(days) for _sev in SEVERITIES]
    if rows is None:
        rows = _day_regency(s, date_from, date_to, flt, by_severity=True)
    for (day, _code), vals in rows.items():
        i = index.get(day)
        if i is None:
            continue
        for rank, n in enumerate(vals[1:5]):
            values[rank][i] += n
    return SeverityBreakdown(days, values)


# --- early warning -----------------------------------------------------------------------


@dataclass(frozen=True)
class EarlyWarning:
    code: str
    count: int
    baseline: float  # mean daily count over the baseline days before `day`
    threshold: int  # smallest count that is flagged
    reason: str
    name: str = ""


def poisson_threshold(mean: float, alpha: float) -> int:
    """Smallest k with P(X >= k) <= alpha for X ~ Poisson(mean)."""
    if mean <= 0:
        return 1
    log_mean = math.log(mean)
    cdf = 0.0
    k = 0
    while True:
        cdf += math.exp(k * log_mean - mean - math.lgamma(k + 1))
        if 1.0 - cdf <= alpha or k > mean + 50 * math.sqrt(mean) + 50:
            return k + 1
        k += 1


def early_warnings(ctx: AppContext, day: date, flt: IncidentFilter | None = None) -> list[EarlyWarning]:
    """Regencies whose count on `day` (WIB) is well above their own recent baseline:
    count >= max(min_count, Poisson upper bound of the mean of the previous N days)."""
    with ctx.db.read() as s:
        return _warnings(s, day, flt, today=wib_date(ctx.now()))


def _warnings(s: Session, day: date, flt: IncidentFilter | None,
              today: date | None = None, rows: Rows | None = None) -> list[EarlyWarning]:
    days_back = max(1, settings.get(s, settings.WARNING_BASELINE_DAYS))
    alpha = settings.get(s, settings.WARNING_ALPHA)
    min_count = settings.get(s, settings.WARNING_MIN_COUNT)
    first = day - timedelta(days=days_back)
    if rows is None:
        rows = _day_regency(s, first, day, flt)
    history: dict[str, int] = defaultdict(int)
    current: dict[str, int] = defaultdict(int)
    for (d, code), vals in rows.items():
        if d == day:
            current[code] += vals[0]
        elif first <= d < day:
            history[code] += vals[0]
    names = _names(s)
    result = []
    for code, n in current.items():
        mean = history.get(code, 0) / days_back
        threshold = max(int(min_count), poisson_threshold(mean, alpha))
        if n >= threshold:
            if today is None or day == today:
                reason = _("{count} reports today, average {mean}")
            else:
                reason = _("{count} reports on {date}, average {mean}")
            reason = reason.format(count=n, mean=format_number(mean), date=format_date(day))
            result.append(EarlyWarning(code, n, mean, threshold, reason, names.get(code, code)))
    result.sort(key=lambda w: (-(w.count / max(w.baseline, 0.5)), w.code))
    return result


# --- top regencies -----------------------------------------------------------------------


@dataclass(frozen=True)
class TopRegency:
    code: str
    name: str
    count: int
    by_severity: tuple[int, int, int, int]


def top_regencies(ctx: AppContext, day: date, flt: IncidentFilter | None = None,
                  n: int = 10) -> list[TopRegency]:
    with ctx.db.read() as s:
        return _top(s, day, flt, n)


def _top(s: Session, day: date, flt: IncidentFilter | None, n: int,
         rows: Rows | None = None) -> list[TopRegency]:
    if rows is None:
        rows = _day_regency(s, day, day, flt, by_severity=True)
    names = _names(s)
    items = [TopRegency(code, names.get(code, code), v[0], (v[1], v[2], v[3], v[4]))
             for (d, code), v in rows.items() if d == day and v[0] > 0]
    items.sort(key=lambda t: (-t.count, t.code))
    return items[:n]


# --- reporting watch ---------------------------------------------------------------------


class ReportStatus(enum.StrEnum):
    MASUK = "masuk"
    NIHIL = "nihil"
    BELUM = "belum"

    @property
    def label(self) -> str:
        return _(_REPORT_LABELS[self])


_REPORT_LABELS = {
    ReportStatus.MASUK: N_("Reported (Masuk)"),
    ReportStatus.NIHIL: N_("Nothing to report (Nihil)"),
    ReportStatus.BELUM: N_("Not yet (Belum)"),
}


class NihilVia(enum.StrEnum):
    TELEPON = "telepon"  # the desk phoned the regency
    PAKET = "paket"  # carried in a package from the regency office

    @property
    def label(self) -> str:
        return _("Phone call") if self is NihilVia.TELEPON else _("Package from the regency")


@dataclass(frozen=True)
class ReportStatusInfo:
    code: str
    status: str  # "masuk" | "nihil" | "belum"
    last_report_at: datetime | None
    recorded_by: str | None
    name: str = ""
    via: str | None = None  # for Nihil: telepon | paket


@dataclass(frozen=True)
class NihilInfo:
    id: uuid.UUID
    regency_code: str
    report_date: date
    via: str
    note: str
    recorded_at: datetime
    recorded_by: str


def cutoff_hour(s: Session) -> int:
    return int(settings.get(s, settings.REPORT_CUTOFF_HOUR))


def current_period(ctx: AppContext, at: datetime | None = None) -> ReportPeriod:
    with ctx.db.read() as s:
        return period_for_time(ensure_utc(at) if at else ctx.now(), cutoff_hour(s))


def period_of(ctx: AppContext, report_date: date) -> ReportPeriod:
    with ctx.db.read() as s:
        return report_period(report_date, cutoff_hour(s))


def report_status(ctx: AppContext, period: ReportPeriod) -> dict[str, ReportStatusInfo]:
    """Masuk / Nihil / Belum of every regency (all 35 codes) for a reporting period.

    Masuk: an incident of the regency was entered (or arrived by sync) in the period
    (`created_at`); Nihil: a stored Nihil record for the period; Belum: neither.
    `last_report_at`: the latest report (incident or Nihil) before the period's end."""
    with ctx.db.read() as s:
        return _report_status(s, period)


def _latest_incident(s: Session, end: datetime) -> dict[str, tuple[datetime, str]]:
    """Per regency: (created_at, recorded_by) of the latest incident entered before `end`
    (one index seek per regency on ix_incident_regency_created)."""
    def latest(col: Any) -> Any:
        return (select(col).where(Incident.regency_code == Regency.code,
                                  Incident.created_at < end, Incident.deleted.is_(False))
                .order_by(Incident.created_at.desc()).limit(1).scalar_subquery())

    stmt = select(Regency.code, latest(Incident.created_at), latest(Incident.recorded_by))
    return {code: (created, who) for code, created, who in s.execute(stmt) if created is not None}


def _report_status(s: Session, period: ReportPeriod) -> dict[str, ReportStatusInfo]:
    incidents = _latest_incident(s, period.end)
    nihil_now: dict[str, NihilReport] = {}
    for rec in s.scalars(select(NihilReport).where(NihilReport.report_date == period.report_date,
                                                   NihilReport.deleted.is_(False))
                         .order_by(NihilReport.recorded_at)):
        nihil_now[rec.regency_code] = rec  # latest wins
    nihil_before = dict(
        s.execute(select(NihilReport.regency_code, func.max(NihilReport.recorded_at))
                  .where(NihilReport.report_date <= period.report_date,
                         NihilReport.deleted.is_(False))
                  .group_by(NihilReport.regency_code)).all()
    )
    result: dict[str, ReportStatusInfo] = {}
    for reg in regencies(s):
        inc = incidents.get(reg.code)
        if inc is not None and inc[0] >= period.start:
            result[reg.code] = ReportStatusInfo(reg.code, ReportStatus.MASUK.value, inc[0], inc[1],
                                                reg.full_name)
            continue
        nihil = nihil_now.get(reg.code)
        if nihil is not None:
            result[reg.code] = ReportStatusInfo(reg.code, ReportStatus.NIHIL.value,
                                                nihil.recorded_at, nihil.recorded_by,
                                                reg.full_name, nihil.via)
            continue
        candidates = [t for t in (inc[0] if inc else None, nihil_before.get(reg.code))
                      if t is not None]
        result[reg.code] = ReportStatusInfo(reg.code, ReportStatus.BELUM.value,
                                            max(candidates) if candidates else None, None,
                                            reg.full_name)
    return result


@dataclass(frozen=True)
class SilentRegency:
    code: str
    name: str
    last_report_at: datetime | None
    hours_silent: float | None  # None: never reported


def silent_regencies(ctx: AppContext, at: datetime | None = None,
                     hours: float | None = None) -> list[SilentRegency]:
    """Regencies with no report (incident entered or Nihil recorded) in the last `hours`
    (setting watch.silent_hours) before `at`; the longest silent first."""
    with ctx.db.read() as s:
        return _silent(s, ensure_utc(at) if at else ctx.now(), hours)


def _silent(s: Session, at: datetime, hours: float | None) -> list[SilentRegency]:
    limit = float(hours if hours is not None else settings.get(s, settings.WATCH_SILENT_HOURS))
    incidents = _latest_incident(s, at)
    nihil = dict(s.execute(
        select(NihilReport.regency_code, func.max(NihilReport.recorded_at))
        .where(NihilReport.recorded_at < at, NihilReport.deleted.is_(False))
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


def record_nihil(ctx: AppContext, regency_code: str, report_date: date | None = None,
                 via: str = NihilVia.TELEPON.value, note: str = "") -> NihilInfo:
    """Record that a regency reported nothing for a period (default: the current one)."""
    require(ctx.actor, Permission.REPORT_NIHIL)
    now = ctx.now()
    code = normalize_regency_code(regency_code or "")
    try:
        via_value = NihilVia((via or "").strip().lower()).value
    except ValueError:
        raise ValidationError(N_("Unknown way of reporting {value} (telepon or paket)"),
                              field="via", value=via) from None
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError(N_("At most {max} characters"), field="note", max=500)
    with ctx.db.write() as s:
        reg = s.get(Regency, code) if code else None
        if reg is None:
            raise ValidationError(N_("Unknown regency code {code}"), field="regency_code",
                                  code=regency_code)
        current = period_for_time(now, cutoff_hour(s))
        day = report_date or current.report_date
        if day > current.report_date:
            raise ValidationError(N_("The reporting period {date} has not started yet"),
                                  field="report_date", date=format_date(day))
        period = report_period(day, cutoff_hour(s))
        info = RegencyInfo(reg.code, reg.kind, reg.name)
        existing = s.scalars(select(NihilReport).where(
            NihilReport.regency_code == reg.code, NihilReport.report_date == day,
            NihilReport.deleted.is_(False))).first()
        if existing is not None:
            raise ValidationError(
                N_("{regency} already has a Nihil report for {date} (recorded by {user})"),
                field="regency_code", regency=info.full_name, date=format_date(day),
                user=existing.recorded_by)
        arrived = s.scalar(select(func.count()).select_from(Incident).where(
            Incident.regency_code == reg.code, Incident.created_at >= period.start,
            Incident.created_at < period.end, Incident.deleted.is_(False)))
        if arrived:
            raise ValidationError(
                N_("{regency} already reported {count} incident(s) for {date}; it cannot be Nihil"),
                field="regency_code", regency=info.full_name, count=arrived, date=format_date(day))
        rec = NihilReport(
            id=uuid7(), regency_code=reg.code, report_date=day, via=via_value, note=note,
            recorded_at=now, recorded_by=ctx.actor.username, origin_site=local_site(s).code,
            mod_stamp=new_stamp(s, now), deleted=False,
        )
        s.add(rec)
        audit.record(s, ctx.actor, "nihil.record", "nihil_report", str(rec.id), before=None,
                     after={"regency": reg.code, "report_date": day.isoformat(), "via": via_value}, at=now)
        result = NihilInfo(rec.id, rec.regency_code, day, via_value, note, now, rec.recorded_by)
    logger.info("Nihil recorded for %s, period %s, by %s", code, day, ctx.actor.username)
    ctx.bus.publish(Change("nihil_report", (str(result.id),)))
    return result


def list_nihil(ctx: AppContext, report_date: date) -> list[NihilInfo]:
    with ctx.db.read() as s:
        return [NihilInfo(r.id, r.regency_code, r.report_date, r.via, r.note, r.recorded_at,
                          r.recorded_by)
                for r in s.scalars(select(NihilReport).where(
                    NihilReport.report_date == report_date, NihilReport.deleted.is_(False))
                    .order_by(NihilReport.regency_code))]


# --- periods, milestones, the whole dashboard ---------------------------------------------


@dataclass(frozen=True)
class Milestones:
    campaign_start: date
    campaign_end: date
    quiet_start: date
    quiet_end: date
    voting_day: date


def election_milestones() -> Milestones:
    """From resources/calendar.json (shared with the sitrep); Pilkada 2024 dates if absent."""
    try:
        cal = load_json("calendar.json")
        stages = {st["code"]: st for st in cal["stages"]}
        return Milestones(
            date.fromisoformat(stages["kampanye"]["start"]),
            date.fromisoformat(stages["kampanye"]["end"]),
            date.fromisoformat(stages["masa_tenang"]["start"]),
            date.fromisoformat(stages["masa_tenang"]["end"]),
            date.fromisoformat(cal["voting_day"]),
        )
    except (OSError, KeyError, ValueError, TypeError):
        logger.warning("calendar.json unusable; using the Pilkada 2024 dates")
        return Milestones(date(2024, 9, 25), date(2024, 11, 23), date(2024, 11, 24),
                          date(2024, 11, 26), date(2024, 11, 27))


class PeriodPreset(enum.StrEnum):
    DAYS_7 = "7"
    DAYS_14 = "14"
    DAYS_30 = "30"
    CAMPAIGN = "campaign"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return _(_PRESET_LABELS[self])


_PRESET_LABELS = {
    PeriodPreset.DAYS_7: N_("Last 7 days"),
    PeriodPreset.DAYS_14: N_("Last 14 days"),
    PeriodPreset.DAYS_30: N_("Last 30 days"),
    PeriodPreset.CAMPAIGN: N_("Campaign to voting day"),
    PeriodPreset.CUSTOM: N_("Custom"),
}


def preset_range(preset: str, as_of: date) -> tuple[date, date]:
    """(first, last) WIB days of a period preset ending on `as_of`."""
    p = PeriodPreset(preset)
    if p is PeriodPreset.CAMPAIGN:
        m = election_milestones()
        return m.campaign_start, max(m.voting_day + timedelta(days=1), m.campaign_start)
    if p is PeriodPreset.CUSTOM:
        return as_of - timedelta(days=13), as_of
    return as_of - timedelta(days=int(p.value) - 1), as_of


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


@dataclass
class DashboardSnapshot:
    """Everything the dashboard shows, gathered in one read transaction."""

    date_from: date
    date_to: date
    at: datetime  # moment of the levels, warnings and reporting watch
    series: DailySeries
    heatmap: HeatmapData
    categories: CategoryBreakdown
    severity: SeverityBreakdown
    levels: dict[str, RegencyLevel]
    warnings: list[EarlyWarning]
    top: list[TopRegency]
    report_period: ReportPeriod
    report: dict[str, ReportStatusInfo]
    silent: list[SilentRegency]


def snapshot(ctx: AppContext, date_from: date, date_to: date, flt: IncidentFilter | None = None,
             *, at: datetime | None = None, regencies: Sequence[str] = (),
             heatmap_order: str = HeatmapOrder.CODE, weighted: bool = False,
             category_mode: str = CategoryMode.REGENCY, top: int = 10) -> DashboardSnapshot:
    """All charts and tables for the period [date_from, date_to]. `at` (default: now, or
    the end of `date_to` when that is earlier) is the moment of levels and the watch."""
    _check_range(date_from, date_to)
    end_of_range = ensure_utc(datetime.combine(date_to + timedelta(days=1), datetime.min.time()))
    moment = ensure_utc(at) if at else min(ctx.now(), end_of_range)
    day = wib_date(moment - timedelta(microseconds=1))  # at 00.00 WIB: the day that ended
    with ctx.db.read() as s:
        period = period_for_time(moment, cutoff_hour(s))
        # One index-only scan (day x regency, with severity sums) feeds the trend, heat map,
        # severity chart, early warning and top table.
        baseline = max(1, settings.get(s, settings.WARNING_BASELINE_DAYS))
        first = min(date_from - timedelta(days=MOVING_AVERAGE_DAYS - 1),
                    day - timedelta(days=baseline))
        rows = _day_regency(s, first, max(date_to, day), flt, by_severity=True)
        return DashboardSnapshot(
            date_from=date_from, date_to=date_to, at=moment,
            series=_daily(s, date_from, date_to, flt, regencies, rows),
            heatmap=_heatmap(s, date_from, date_to, flt, HeatmapOrder(heatmap_order), weighted,
                             rows),
            categories=_categories(s, date_from, date_to, flt, CategoryMode(category_mode), top),
            severity=_severity(s, date_from, date_to, flt, rows),
            levels=_levels(s, moment),
            warnings=_warnings(s, day, flt, today=wib_date(ctx.now()), rows=rows),
            top=_top(s, day, flt, top, rows),
            report_period=period,
            report=_report_status(s, period),
            silent=_silent(s, moment, None),
        )


# --- CSV export --------------------------------------------------------------------------

_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r", "\n")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_CSV_RISKY):
        return "'" + value  # OWASP CSV injection: never a formula in a spreadsheet
    return value


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue()


def levels_csv_rows(levels: dict[str, RegencyLevel], names: dict[str, str] | None = None,
                    ) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Code"), _("Regency/city"), _("Situation level"), _("Score"),
                              _("Reason")]]
    for code in sorted(levels):
        lv = levels[code]
        rows.append([code, (names or {}).get(code, code), lv.level.label, round(lv.score, 2),
                     lv.reason])
    return rows


def write_csv(rows: Iterable[Sequence[Any]], path: str | Path) -> Path:
    """Write a chart's data as CSV (UTF-8 with BOM so spreadsheet programs read it)."""
    target = Path(path)
    text = csv_text(rows)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8-sig")
        tmp.replace(target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ExportError(N_("Cannot write {path}: {error}"), path=str(target),
                          error=err.strerror or str(err)) from None
    return target


class ExportError(PoskoError):
    code = "export"


def short_date(day: date) -> str:
    """'23 Nov' / '1 Des' (Indonesian short month names)."""
    return "{d} {m}".format(d=day.day, m=_(_SHORT_MONTHS[day.month - 1]))


_SHORT_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"),
                 N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))

"""Early warning (a regency's count of a day well above its own recent baseline) and the
busiest regencies of a day."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import EarlyWarning, TopRegency
from posko_desktop.core.i18n import _
from posko_desktop.core.services.dashboard.counting import Rows, day_regency, regency_names
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.textrules import format_date, format_int, format_number
from posko_desktop.core.timeutil import wib_date


@lru_cache(maxsize=4096)
def poisson_threshold(mean: float, alpha: float) -> int:
    """Smallest k with P(X >= k) <= alpha for X ~ Poisson(mean). Kept per (mean, alpha):
    a refresh after a new incident asks for the same means again (the baseline days are
    the days before), and at 1M incidents the sums cost ~10 ms per refresh."""
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
        return warnings_in(s, day, flt, today=wib_date(ctx.now()))


def warnings_in(s: Session, day: date, flt: IncidentFilter | None,
                today: date | None = None, rows: Rows | None = None) -> list[EarlyWarning]:
    days_back = max(1, settings.get(s, settings.WARNING_BASELINE_DAYS))
    alpha = settings.get(s, settings.WARNING_ALPHA)
    min_count = settings.get(s, settings.WARNING_MIN_COUNT)
    first = day - timedelta(days=days_back)
    if rows is None:
        rows = day_regency(s, first, day, flt)
    history: dict[str, int] = defaultdict(int)
    current: dict[str, int] = defaultdict(int)
    for (d, code), vals in rows.items():
        if d == day:
            current[code] += vals[0]
        elif first <= d < day:
            history[code] += vals[0]
    names = regency_names(s)
    result = []
    for code, n in current.items():
        mean = history.get(code, 0) / days_back
        threshold = max(int(min_count), poisson_threshold(mean, alpha))
        if n >= threshold:
            if today is None or day == today:
                reason = _("{count} reports today, average {mean}")
            else:
                reason = _("{count} reports on {date}, average {mean}")
            reason = reason.format(count=format_int(n), mean=format_number(mean),
                                   date=format_date(day))
            result.append(EarlyWarning(code, n, mean, threshold, reason, names.get(code, code)))
    result.sort(key=lambda w: (-(w.count / max(w.baseline, 0.5)), w.code))
    return result


def top_regencies(ctx: AppContext, day: date, flt: IncidentFilter | None = None,
                  n: int = 10) -> list[TopRegency]:
    with ctx.db.read() as s:
        return top_in(s, day, flt, n)


def top_in(s: Session, day: date, flt: IncidentFilter | None, n: int,
           rows: Rows | None = None) -> list[TopRegency]:
    if rows is None:
        rows = day_regency(s, day, day, flt, by_severity=True)
    names = regency_names(s)
    items = [TopRegency(code, names.get(code, str(code)), v[0], (v[1], v[2], v[3], v[4]))
             for (d, code), v in rows.items() if d == day and v[0] > 0]
    items.sort(key=lambda t: (-t.count, t.code))
    return items[:n]

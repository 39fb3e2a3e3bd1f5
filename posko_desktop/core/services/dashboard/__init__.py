"""The dashboard's numbers: every chart and table, the situation level of each regency,
early warning, and the reporting watch (Masuk / Nihil / Belum per reporting period).

Plain data out (the types of `core.dashboard_data`); charts (`core.charts`) draw them,
the sitrep prints them, the CLI exports them. Rules and thresholds: docs/dashboard.md.

Counting rule used everywhere here: an incident counts on the WIB calendar day it
occurred (`occurred_date`), deleted incidents (tombstones) never count, every status
counts (the incident log shows the same rows when a chart is clicked). The situation
level is the exception: rejected / unverifiable reports do not raise a level.

Modules: `counting` (index-only counts shared by all), `levels`, `series` (trend, heat
map, categories, severity), `early_warning` (warnings, busiest regencies), `watch`
(reporting watch and its one write, `record_nihil`), `overview` (the whole dashboard in
one read: `snapshot`), `contest_counts` (the contest panel; also in `snapshot`).
`f(ctx, ...)` opens its own read transaction; `f_in(s, ...)` runs inside an open one.
"""

from posko_desktop.core.services.dashboard.contest_counts import contest_counts
from posko_desktop.core.services.dashboard.early_warning import (
    early_warnings,
    poisson_threshold,
    top_regencies,
)
from posko_desktop.core.services.dashboard.levels import (
    LevelRule,
    level_rule,
    levels_in,
    situation_levels,
)
from posko_desktop.core.services.dashboard.overview import default_as_of, levels_moment, snapshot
from posko_desktop.core.services.dashboard.series import (
    category_breakdown,
    daily_counts,
    heatmap,
    severity_breakdown,
)
from posko_desktop.core.services.dashboard.watch import (
    current_period,
    cutoff_hour,
    list_nihil,
    period_of,
    record_nihil,
    report_status,
    silent_regencies,
)

__all__ = [
    "LevelRule", "category_breakdown", "contest_counts", "current_period", "cutoff_hour", "daily_counts",
    "default_as_of", "early_warnings", "heatmap", "level_rule", "levels_in", "levels_moment", "list_nihil", "period_of",
    "poisson_threshold", "record_nihil", "report_status", "severity_breakdown",
    "silent_regencies", "situation_levels", "snapshot", "top_regencies",
]

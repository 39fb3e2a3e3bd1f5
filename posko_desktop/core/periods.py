"""The 24-hour reporting period shared by the reporting watch and the sitrep.

The report dated day D covers [D-1 at the cut-off hour, D at the cut-off hour) WIB;
with the default cut-off 07.00 the sitrep of Wednesday 27 November 2024 covers
26 Nov 07.00 WIB to 27 Nov 07.00 WIB. `period_for_time` gives the period a moment falls in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from posko_desktop.core.timeutil import WIB

DEFAULT_CUTOFF_HOUR = 7


@dataclass(frozen=True)
class ReportPeriod:
    report_date: date
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def previous(self, cutoff_hour: int = DEFAULT_CUTOFF_HOUR) -> ReportPeriod:
        return report_period(self.report_date - timedelta(days=1), cutoff_hour)


def report_period(report_date: date, cutoff_hour: int = DEFAULT_CUTOFF_HOUR) -> ReportPeriod:
    end_local = datetime.combine(report_date, time(cutoff_hour), tzinfo=WIB)
    start_local = end_local - timedelta(days=1)
    return ReportPeriod(report_date, start_local.astimezone(UTC), end_local.astimezone(UTC))


def period_for_time(moment: datetime, cutoff_hour: int = DEFAULT_CUTOFF_HOUR) -> ReportPeriod:
    """The period that contains `moment` (its report is dated the day the period ends)."""
    local = moment.astimezone(WIB)
    report_day = local.date() + (timedelta(days=1) if local.hour >= cutoff_hour else timedelta(0))
    return report_period(report_day, cutoff_hour)

"""What the weekly report (laporan mingguan) shows: plain dataclasses filled by
`services.weekly.gather()` and rendered by `reports.weekly_pdf.render()`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from posko_desktop.core.dashboard_data import RegencyLevel
from posko_desktop.core.reports.data import (
    ActivityLine,
    AppendixRow,
    Counts,
    GroupInfo,
    Identity,
    KerawananSummary,
    Letterhead,
    Milestone,
    Paper,
    RegencyRow,
    ReportKind,
    Signer,
    SitrepTexts,
)

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def week_monday(week: str) -> date:
    """'2024-W48' -> Monday 25 November 2024 (ISO 8601 week); ValueError when not a week."""
    match = WEEK_PATTERN.match((week or "").strip().upper())
    if not match:
        raise ValueError(week)
    return date.fromisocalendar(int(match[1]), int(match[2]), 1)


def week_of(day: date) -> str:
    year, number, _weekday = day.isocalendar()
    return f"{year}-W{number:02d}"


@dataclass(frozen=True)
class WeeklyOptions:
    week: str  # ISO week, "2024-W48"
    regency: str | None = None  # None: the whole province
    paper: str = Paper.A4.value
    lang: str = "id"

    @property
    def monday(self) -> date:
        return week_monday(self.week)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def to_json(self) -> dict[str, Any]:
        return {"kind": ReportKind.WEEKLY.value, "week": self.week, "regency": self.regency,
                "paper": self.paper, "lang": self.lang}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeeklyOptions:
        return cls(data["week"], data.get("regency"), data.get("paper", Paper.A4.value),
                   data.get("lang", "id"))


@dataclass(frozen=True)
class DayCount:
    day: date
    start: datetime
    counts: Counts


@dataclass(frozen=True)
class CategoryCount:
    code: str
    label_id: str
    label_en: str
    n: int

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_id


@dataclass(frozen=True)
class TakedownLine:
    """A take-down request of the week (platform, link, state). Filled by the take-down
    service once it exists (`services.weekly.takedowns_of`); empty until then."""

    requested_at: datetime
    platform: str
    url: str
    state: str


@dataclass
class WeeklyData:
    options: WeeklyOptions
    start: datetime  # aware UTC, inclusive (Monday at `weekly.start_hour` WIB)
    end: datetime  # exclusive (the next Monday)
    scope_name: str
    is_province: bool
    letterhead: Letterhead
    signer: Signer
    identity: Identity
    tembusan: tuple[str, ...]
    election_name: str
    voting_day: date
    groups: tuple[GroupInfo, ...]
    week: Counts
    previous: Counts
    days: tuple[DayCount, ...]
    regency_rows: tuple[RegencyRow, ...]  # total of the week; level at the end of the week
    levels: dict[str, RegencyLevel]
    top_categories: tuple[CategoryCount, ...]
    open_critical: tuple[AppendixRow, ...]  # kritis, occurred in the week, still open
    activities: tuple[ActivityLine, ...]
    takedowns: tuple[TakedownLine, ...]
    milestones: tuple[Milestone, ...]  # the coming week, from the stage calendar
    kerawanan: KerawananSummary | None = None  # issue 17 (`services.baseline.kerawanan_of`)
    texts: SitrepTexts = field(default_factory=SitrepTexts)
    generated_at: datetime | None = None
    number: str | None = None
    corrects: str | None = None
    audit_anchor: str | None = None
    training: bool = False  # a training database: a LATIHAN band on every page
    critical_pdf_max: int = 0  # open critical incidents on paper (0: all); all: XLSX annex

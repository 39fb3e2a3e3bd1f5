"""What the daily situation report shows: plain dataclasses filled by
`services.sitrep.gather()` and rendered by `reports.sitrep_pdf.render()`.

Everything here is language-neutral data (codes, numbers, both labels where a label comes
from the database); the renderer translates while it writes, so the same data renders
in Indonesian or English.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from posko_desktop.core.dashboard_data import DailySeries, RegencyLevel
from posko_desktop.core.periods import ReportPeriod

SEVERITIES = ("rendah", "sedang", "tinggi", "kritis")
GROUPS = ("A", "B", "C", "D", "E", "F", "G")


class Paper(enum.StrEnum):
    A4 = "a4"
    F4 = "f4"


@dataclass(frozen=True)
class SitrepOptions:
    report_date: date
    regency: str | None = None  # None: the whole province
    paper: str = Paper.A4.value
    lang: str = "id"

    def to_json(self) -> dict[str, Any]:
        return {"date": self.report_date.isoformat(), "regency": self.regency,
                "paper": self.paper, "lang": self.lang}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SitrepOptions:
        return cls(date.fromisoformat(data["date"]), data.get("regency"),
                   data.get("paper", Paper.A4.value), data.get("lang", "id"))


@dataclass
class SitrepTexts:
    """Texts a person may edit before issuing. `highlights` None: generated from the data."""

    highlights: list[str] | None = None
    obstacles: str = ""  # F. Kendala/hambatan
    outlook: str = ""  # G. Prakiraan dan agenda (free text after the calendar milestones)
    conclusions: str = ""  # H. Simpulan dan saran/rekomendasi

    def to_json(self) -> dict[str, Any]:
        return {"highlights": self.highlights, "obstacles": self.obstacles,
                "outlook": self.outlook, "conclusions": self.conclusions}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SitrepTexts:
        data = data or {}
        hl = data.get("highlights")
        return cls(list(hl) if hl is not None else None, data.get("obstacles", ""),
                   data.get("outlook", ""), data.get("conclusions", ""))


@dataclass(frozen=True)
class Letterhead:
    lines: tuple[str, ...]
    unit: str
    address: str
    logo_path: str | None


@dataclass(frozen=True)
class Signer:
    place: str
    position: str
    name: str
    rank: str
    nip: str


@dataclass(frozen=True)
class Stage:
    code: str
    label_id: str
    label_en: str
    start: date
    end: date

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_id


@dataclass(frozen=True)
class Milestone:
    """A stage starting or ending within the outlook window (G)."""

    day: date
    stage: Stage
    starts: bool  # False: the stage ends that day


@dataclass(frozen=True)
class GroupInfo:
    code: str
    label_id: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_id


@dataclass
class Counts:
    """Incidents that occurred in a window, and where they stand now."""

    new: int = 0
    open: int = 0
    resolved: int = 0
    closed_other: int = 0  # rejected or cannot be verified
    by_severity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    by_group: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))


@dataclass(frozen=True)
class KeyFigures:
    period: Counts
    previous: Counts
    cumulative: Counts
    cumulative_from: date


@dataclass(frozen=True)
class RegencyRow:
    code: str
    name: str  # "Kab. Semarang" / "Kota Semarang"
    by_group: dict[str, int]
    total: int
    report_status: str  # masuk | nihil | belum
    last_report_at: datetime | None
    level: str  # kondusif | waspada | siaga | rawan
    level_reason: str


@dataclass(frozen=True)
class NotableIncident:
    number: str
    occurred_at: datetime
    regency_name: str
    kecamatan: str
    desa: str
    location: str
    category_code: str
    category_label_id: str
    category_label_en: str
    title: str
    description: str
    people_involved: int | None
    severity: str
    status: str
    source_type: str
    source_detail: str
    latest_action: str
    latest_action_at: datetime | None
    referrals: tuple[tuple[str, str], ...]  # (agency name, referral state)
    moved_to: str | None  # status reached in the period when that made it notable


@dataclass(frozen=True)
class ReferralLine:
    incident_number: str
    regency_name: str
    agency_name: str
    created_at: datetime
    due_at: datetime | None
    state: str
    text: str
    in_period: bool
    overdue: bool


@dataclass(frozen=True)
class AgencyRow:
    """Referrals of one agency: sent in the period, and those (sent in the period or in
    the week before) still open or past their due time at the end of the period."""

    name: str
    sent: int
    done: int
    open: int
    overdue: int


@dataclass(frozen=True)
class ActionSummary:
    notes: int
    status_changes: int
    referrals_sent: int
    referral_updates: int


@dataclass(frozen=True)
class AppendixRow:
    number: str
    occurred_at: datetime
    regency_name: str
    category_code: str
    severity: str
    status: str
    title: str
    notable: bool = False  # marked in the appendix (section C lists it)


@dataclass
class SitrepData:
    options: SitrepOptions
    period: ReportPeriod
    previous_period: ReportPeriod
    cutoff_hour: int
    scope_name: str  # "Provinsi Jawa Tengah" or "Kab. Semarang"
    is_province: bool
    letterhead: Letterhead
    signer: Signer
    recipient: str
    tembusan: tuple[str, ...]
    introduction: str
    election_name: str
    voting_day: date
    stages_now: tuple[Stage, ...]
    milestones: tuple[Milestone, ...]
    groups: tuple[GroupInfo, ...]
    figures: KeyFigures
    regency_rows: tuple[RegencyRow, ...]
    notable: tuple[NotableIncident, ...]
    referrals: tuple[ReferralLine, ...]
    referrals_total: int  # referral lines before the list was capped
    agency_rows: tuple[AgencyRow, ...]
    notable_total: int  # notable incidents; `notable` holds those described in full
    actions: ActionSummary
    appendix: tuple[AppendixRow, ...]
    trend: DailySeries  # drawn by charts.trend_figure
    levels: dict[str, RegencyLevel]  # drawn by charts.tile_map_figure
    texts: SitrepTexts = field(default_factory=SitrepTexts)
    generated_at: datetime | None = None
    number: str | None = None  # None: a draft (not issued)
    corrects: str | None = None  # number of the report this one corrects
    audit_anchor: str | None = None  # printed in the footer when set (accounts/audit)
    training: bool = False  # a training database: a LATIHAN band on every page (issue 19)

    @property
    def countdown(self) -> int:
        """Days from the report date to voting day: 3 means H-3, -1 means H+1."""
        return (self.voting_day - self.options.report_date).days

    def status_counts(self) -> dict[str, int]:
        counts = {"masuk": 0, "nihil": 0, "belum": 0}
        for row in self.regency_rows:
            counts[row.report_status] = counts.get(row.report_status, 0) + 1
        return counts

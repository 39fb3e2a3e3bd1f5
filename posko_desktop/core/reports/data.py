"""What the reports show: plain dataclasses filled by `services.sitrep.gather()` (daily)
and `services.weekly.gather()` (weekly), rendered by `reports.sitrep_pdf` and
`reports.weekly_pdf`.

Everything here is language-neutral data (codes, numbers, both labels where a label comes
from the database); the renderer translates while it writes, so the same data renders
in Indonesian or English.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from posko_desktop.core.dashboard_data import DailySeries, RegencyLevel
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.periods import ReportPeriod

SEVERITIES = ("rendah", "sedang", "tinggi", "kritis")
# category groups in the order of the taxonomy (H, added by the revision of issue 18, before
# G "other"; docs/taxonomy.md)
GROUPS = ("A", "B", "C", "D", "E", "F", "H", "G")


class Paper(enum.StrEnum):
    A4 = "a4"
    F4 = "f4"


class Sifat(enum.StrEnum):
    """Security marking of an official letter (tata naskah dinas)."""

    BIASA = "biasa"
    SEGERA = "segera"
    TERBATAS = "terbatas"  # the default: reports name suspects
    RAHASIA = "rahasia"

    @property
    def label(self) -> str:
        return _(_SIFAT_LABELS[self])


_SIFAT_LABELS = {
    Sifat.BIASA: N_("Ordinary (Biasa)"),
    Sifat.SEGERA: N_("Urgent (Segera)"),
    Sifat.TERBATAS: N_("Restricted (Terbatas)"),
    Sifat.RAHASIA: N_("Confidential (Rahasia)"),
}


class ReportKind(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    FLASH = "flash"


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
    """Texts a person may edit before issuing. `highlights` None: generated from the data;
    `sifat`/`subject` empty: the setting / the generated subject line."""

    highlights: list[str] | None = None
    obstacles: str = ""  # F. Kendala/hambatan
    outlook: str = ""  # G. Prakiraan dan agenda (free text after the calendar milestones)
    conclusions: str = ""  # H. Simpulan dan saran/rekomendasi
    sifat: str = ""  # Biasa / Segera / Terbatas / Rahasia (Sifat value)
    subject: str = ""  # Hal/Perihal

    def to_json(self) -> dict[str, Any]:
        return {"highlights": self.highlights, "obstacles": self.obstacles,
                "outlook": self.outlook, "conclusions": self.conclusions,
                "sifat": self.sifat, "subject": self.subject}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SitrepTexts:
        data = data or {}
        hl = data.get("highlights")
        return cls(list(hl) if hl is not None else None, data.get("obstacles", ""),
                   data.get("outlook", ""), data.get("conclusions", ""),
                   data.get("sifat", ""), data.get("subject", ""))


@dataclass(frozen=True)
class Letterhead:
    lines: tuple[str, ...]
    unit: str
    address: str
    logo_path: str | None
    phone: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class Signer:
    place: str
    position: str  # jabatan
    name: str
    rank: str  # pangkat/golongan
    nip: str
    on_behalf: str = ""  # optional line above the position: "a.n. …", "Plh. …", "Plt. …"

    def missing(self) -> list[str]:
        """Setting keys that must be filled before a report may be issued."""
        need = (("sitrep.signer_name", self.name), ("sitrep.signer_position", self.position),
                ("sitrep.signer_nip", self.nip))
        return [key for key, value in need if not value.strip()]


@dataclass(frozen=True)
class Identity:
    """The tata naskah dinas block under the kop: Nomor, Sifat, Lampiran, Hal, Yth."""

    sifat: str
    subject: str  # Hal/Perihal
    recipient: str  # (Penjabat) Gubernur …
    recipient_place: str  # "di Semarang"
    classification: str  # archive classification code (Permendagri 83/2022)


@dataclass(frozen=True)
class ActivityLine:
    """One activity of the desk itself (Kegiatan Posko: rakor, patroli siber, imbauan …),
    from the activity service (`services/sitrep.activities_of`; none: section D prints
    "Nihil"). Daily section D and the weekly report print the same lines."""

    at: datetime
    kind: str  # code, e.g. "rakor"
    kind_label_id: str
    kind_label_en: str
    regencies: tuple[str, ...]  # regency names ("Kota Semarang"), empty: the province
    partners: tuple[str, ...]  # agencies and forums involved (FKUB, FKDM, Bawaslu …)
    result: str

    def kind_label(self, lang: str) -> str:
        return self.kind_label_en if lang == "en" else self.kind_label_id


@dataclass(frozen=True)
class MedsosCaseLine:
    """A hoax case opened (or given its verdict) in the period (Pemantauan media sosial)."""

    number: str
    opened_at: datetime
    claim: str
    status: str
    verdict_id: str  # the approved verdict's label ("" none yet)
    verdict_en: str

    def verdict(self, lang: str) -> str:
        return self.verdict_en if lang == "en" else self.verdict_id


@dataclass(frozen=True)
class MedsosSummary:
    """Section D's "Pemantauan media sosial" (filled by `services.medsos.reporting`; the
    rules of each count are there)."""

    posts: int = 0
    new_cases: int = 0
    verdicts: int = 0
    clarifications: int = 0
    takedowns_sent: int = 0
    takedowns_down: int = 0
    takedowns_up: int = 0
    cases: tuple[MedsosCaseLine, ...] = ()


@dataclass(frozen=True)
class StageCell:
    """The newest report of one regency's stage as of the period's end (issue 17)."""

    stage: str  # domain.ProgressStage code
    done: int
    total: int
    as_of: datetime


@dataclass(frozen=True)
class StageProgressLine:
    """One regency's row of the stage table (`services/sitrep.stage_progress_of`)."""

    regency_code: str
    regency_name: str
    cells: tuple[StageCell, ...]  # only the stages reported

    def cell(self, stage: str) -> StageCell | None:
        return next((c for c in self.cells if c.stage == stage), None)


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
    level: str  # kondusif | waspada | siaga | awas
    level_reason: str


@dataclass(frozen=True)
class UnitReportRow:
    """An agency/OPD reporting unit in the reporting watch of the period (issue 18)."""

    code: str
    name: str
    report_status: str  # masuk | nihil | belum
    last_report_at: datetime | None


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


class AppendixRow(NamedTuple):
    """One incident of Lampiran I (a named tuple: a voting day lists ~65,000, and a frozen
    dataclass cost 3 µs each to build, a tuple 1 µs)."""

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
    identity: Identity
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
    activities: tuple[ActivityLine, ...]  # section D (the activity service fills it)
    appendix: tuple[AppendixRow, ...]  # every incident of the period (Lampiran I)
    trend: DailySeries  # drawn by charts.trend_figure
    levels: dict[str, RegencyLevel]  # drawn by charts.tile_map_figure
    kerawanan: KerawananSummary | None = None  # section B.4 (`services.baseline.kerawanan_of`)
    texts: SitrepTexts = field(default_factory=SitrepTexts)
    generated_at: datetime | None = None
    number: str | None = None  # None: a draft (not issued)
    corrects: str | None = None  # number of the report this one corrects
    audit_anchor: str | None = None  # printed in the footer when set (accounts/audit)
    training: bool = False  # a training database: a LATIHAN band on every page (issue 19)
    appendix_pdf_max: int = 0  # rows of Lampiran I on paper (0: all); the rest: XLSX annex

    unit_rows: tuple[UnitReportRow, ...] = ()  # agencies/OPD in the watch (province only)
    medsos: MedsosSummary | None = None  # section D, social media (None: not printed)
    stage_progress: tuple[StageProgressLine, ...] = ()  # section B.4; empty: not printed
    regency_count: int = 35  # regencies in scope (the stage table's "complete n of N")

    @property
    def countdown(self) -> int:
        """Days from the report date to voting day: 3 means H-3, -1 means H+1."""
        return (self.voting_day - self.options.report_date).days

    @property
    def critical(self) -> int:
        """Incidents of severity kritis in the period (issuing asks to confirm a Nihil F/H)."""
        return self.figures.period.by_severity.get("kritis", 0)

    def nihil_sections(self) -> list[str]:
        """Letters of the free-text sections (F, H) that would print "Nihil"."""
        return [letter for letter, text in (("F", self.texts.obstacles),
                                            ("H", self.texts.conclusions)) if not text.strip()]

    def status_counts(self) -> dict[str, int]:
        counts = {"masuk": 0, "nihil": 0, "belum": 0}
        for row in self.regency_rows:
            counts[row.report_status] = counts.get(row.report_status, 0) + 1
        return counts


# --- Kerawanan (issue 17): the baseline beside the situation --------------------------------


@dataclass(frozen=True)
class KerawananRow:
    """A regency of the Kerawanan table: IKP class (`IkpLevel` value or None), rawan TPS
    per Bawaslu and per Polda (rawan and sangat rawan), the situation level (`Level`
    value) and whether it is worse than the IKP class predicted."""

    name: str
    ikp: str | None
    tps_rawan: int
    polda_rawan: int
    level: str
    worse: bool


@dataclass(frozen=True)
class KerawananSummary:
    """The "Kerawanan" paragraph and table of the daily and weekly reports
    (`services.baseline.kerawanan_of`)."""

    imported: bool
    ikp_counts: tuple[int, int, int]  # regencies of the scope: rendah, sedang, tinggi
    tps: int
    tps_rawan: int
    polda_rawan: int
    polda_sangat_rawan: int
    worse: tuple[str, ...]  # names of the regencies worse than predicted
    rows: tuple[KerawananRow, ...]  # worse first, then IKP tinggi; at most 12

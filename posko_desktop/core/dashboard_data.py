"""What the dashboard shows, as plain data: situation levels, the chart series, early
warnings, the reporting watch, period presets, the whole snapshot, and their CSV form.

`services.dashboard` fills these from the database; `core.charts` draws them, the sitrep
prints them, the CLI and the window show and export them. No database code here (the
layering test in tests/test_layers.py keeps it so). Rules and thresholds:
docs/dashboard.md.
"""

from __future__ import annotations

import csv
import enum
import io
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from posko_desktop.core.domain import PoskoError, Severity
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.periods import ReportPeriod
from posko_desktop.core.resources import load_json
from posko_desktop.core.textrules import neutralise_cell

logger = logging.getLogger(__name__)

SEVERITIES = (Severity.RENDAH, Severity.SEDANG, Severity.TINGGI, Severity.KRITIS)
MOVING_AVERAGE_DAYS = 7


def date_range(date_from: date, date_to: date) -> list[date]:
    return [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]


# --- situation level ---------------------------------------------------------------------


class Level(enum.StrEnum):
    KONDUSIF = "kondusif"
    WASPADA = "waspada"
    SIAGA = "siaga"
    AWAS = "awas"

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    @property
    def label(self) -> str:
        return _(_LEVEL_LABELS[self])


_LEVEL_ORDER = [Level.KONDUSIF, Level.WASPADA, Level.SIAGA, Level.AWAS]
_LEVEL_LABELS = {
    Level.KONDUSIF: N_("Calm (Kondusif)"),
    Level.WASPADA: N_("Watch (Waspada)"),
    Level.SIAGA: N_("Alert (Siaga)"),
    Level.AWAS: N_("Warning (Awas)"),
}



# --- the vulnerability baseline (issue 17, docs/kerawanan.md) -----------------------------


class IkpLevel(enum.StrEnum):
    """Bawaslu's IKP classes. `expected` is the situation level the class predicts (rendah:
    Kondusif, sedang: Waspada, tinggi: Siaga): a regency whose level is above it is "worse
    than the baseline predicted"."""

    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"

    @property
    def rank(self) -> int:
        return list(IkpLevel).index(self)

    @property
    def expected(self) -> Level:
        return _LEVEL_ORDER[self.rank]

    @property
    def label(self) -> str:
        return _(_IKP_LABELS[self])


_IKP_LABELS = {IkpLevel.RENDAH: N_("Low vulnerability"),
               IkpLevel.SEDANG: N_("Medium vulnerability"),
               IkpLevel.TINGGI: N_("High vulnerability")}


@dataclass(frozen=True)
class RegencyBaselineView:
    code: str
    ikp: IkpLevel | None  # None: not in the current IKP import
    ikp_score: float | None
    tps: int
    tps_rawan: int  # Bawaslu: TPS with at least one of the 8 variables
    polda_rawan: int  # Polda: rawan and sangat rawan
    worse: bool  # the current situation level is above what the IKP class predicts


@dataclass(frozen=True)
class KecamatanRawan:
    code: str
    name: str
    regency_code: str
    tps_rawan: int
    polda_rawan: int


@dataclass(frozen=True)
class BaselineView:
    """The baseline beside the incident-driven levels (all 35 regencies)."""

    regencies: dict[str, RegencyBaselineView]
    kecamatan: list[KecamatanRawan]  # the most rawan first
    imported: bool  # any baseline imported at all

    @property
    def worse(self) -> list[str]:
        return [code for code, r in self.regencies.items() if r.worse]


def worse_than_predicted(level: Level, ikp: IkpLevel | None) -> bool:
    return ikp is not None and level.rank > ikp.expected.rank


def baseline_csv_rows(view: BaselineView, names: dict[str, str] | None = None,
                      ) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Code"), _("Regency/city"), _("IKP class"), _("IKP score"),
                              _("TPS"), _("TPS rawan (Bawaslu)"), _("TPS rawan (Polda)"),
                              _("Worse than predicted")]]
    for code, r in view.regencies.items():
        rows.append([code, (names or {}).get(code, code), r.ikp.label if r.ikp else "",
                     r.ikp_score, r.tps, r.tps_rawan, r.polda_rawan,
                     _("yes") if r.worse else ""])
    return rows


@dataclass(frozen=True)
class RegencyLevel:
    code: str
    level: Level
    score: float
    reason: str
    incidents: int = 0  # incidents counted in the window
    open_critical: int = 0
    by_severity: tuple[int, int, int, int] = (0, 0, 0, 0)  # rendah .. kritis


def levels_csv_rows(levels: dict[str, RegencyLevel], names: dict[str, str] | None = None,
                    ) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Code"), _("Regency/city"), _("Situation level"), _("Score"),
                              _("Reason")]]
    for code in sorted(levels):
        lv = levels[code]
        rows.append([code, (names or {}).get(code, code), lv.level.label, round(lv.score, 2),
                     lv.reason])
    return rows


# --- chart series ------------------------------------------------------------------------


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


@dataclass
class MedsosDaily:
    """Pantau Medsos on the dashboard: posts collected and hoax cases opened per platform
    and WIB day (`services.medsos.reporting.per_platform_and_day`)."""

    days: list[date]
    posts: dict[str, list[int]] = field(default_factory=dict)  # platform -> count per day
    cases: dict[str, list[int]] = field(default_factory=dict)
    platform_names: dict[str, str] = field(default_factory=dict)

    def csv_rows(self) -> list[list[Any]]:
        header: list[Any] = [_("Date"), *(_("Posts {platform}").format(
            platform=self.platform_names.get(p, p)) for p in self.posts), *(
            _("Cases {platform}").format(platform=self.platform_names.get(p, p))
            for p in self.cases)]
        rows: list[list[Any]] = [header]
        for i, day in enumerate(self.days):
            rows.append([day.isoformat(), *(v[i] for v in self.posts.values()),
                         *(v[i] for v in self.cases.values())])
        return rows


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


# --- early warning and the busiest regencies ---------------------------------------------


@dataclass(frozen=True)
class EarlyWarning:
    code: str
    count: int
    baseline: float  # mean daily count over the baseline days before `day`
    threshold: int  # smallest count that is flagged
    reason: str
    name: str = ""


@dataclass(frozen=True)
class TopRegency:
    code: str
    name: str
    count: int
    by_severity: tuple[int, int, int, int]


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
    group: str = "regency"  # the unit's type: regency | agency (domain.UnitType)


@dataclass(frozen=True)
class NihilInfo:
    id: uuid.UUID
    unit_code: str  # a regency code (the regency's office) or an agency unit's code
    report_date: date
    via: str
    note: str
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True)
class SilentRegency:
    code: str
    name: str
    last_report_at: datetime | None
    hours_silent: float | None  # None: never reported


# --- periods and milestones --------------------------------------------------------------


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


# --- contests and candidate pairs (issue 17) ---------------------------------------------


@dataclass(frozen=True)
class PairCount:
    number: int | None  # ballot number; None: incidents / posts naming the contest only
    names: str  # "Head – Deputy"; "" for None or a pair deleted since
    incidents: int
    posts: int | None  # None: not counted (an incident filter is set)


@dataclass(frozen=True)
class ContestCount:
    code: str  # "33" the Pilgub, a regency code its Pilbup / Pilwalkot
    name: str  # "Pilbup Kab. Cilacap"
    short_name: str  # the regency alone ("Kab. Cilacap": one contest each), or the Pilgub's name
    incidents: int
    posts: int | None
    pairs: tuple[PairCount, ...]  # ballot order, "no pair" last


@dataclass(frozen=True)
class ContestCounts:
    """The contest panel: the Pilgub first, then the regency contests any incident or post
    of the period names (code order)."""

    date_from: date
    date_to: date
    contests: list[ContestCount]
    posts_counted: bool


# --- the whole dashboard -----------------------------------------------------------------


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
    baseline: BaselineView | None = None
    medsos: MedsosDaily | None = None  # posts and cases per platform and day
    contests: ContestCounts | None = None  # the contest panel (issue 17)


# --- CSV export --------------------------------------------------------------------------


class ExportError(PoskoError):
    code = "export"


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow([neutralise_cell(v) for v in row])
    return buf.getvalue()


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

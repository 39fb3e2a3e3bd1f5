"""The situation level of every regency (Kondusif / Waspada / Siaga / Awas): a
severity-weighted score over the last hours, with a floor for open critical incidents.

Rejected / unverifiable reports do not raise a level (they were not incidents).
Rule and thresholds: docs/dashboard.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.dashboard_data import SEVERITIES, IkpLevel, Level, RegencyLevel
from posko_desktop.core.db.models import Incident
from posko_desktop.core.domain import OPEN_STATUSES, Severity, Status
from posko_desktop.core.i18n import _
from posko_desktop.core.services import baseline, stats
from posko_desktop.core.services.dashboard.counting import counts
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.reference import regencies
from posko_desktop.core.textrules import format_int, format_number
from posko_desktop.core.timeutil import ensure_utc, wib_date, wib_day_start

# Statuses that do not raise a situation level: the report was not an incident.
NOT_AN_INCIDENT = (Status.DITOLAK.value, Status.TIDAK_DAPAT_DIVERIFIKASI.value)


@dataclass(frozen=True)
class LevelRule:
    """The level rule's parameters (settings; docs/dashboard.md)."""

    window_hours: int = 72
    weights: tuple[float, float, float, float] = (1.0, 2.0, 4.0, 8.0)
    waspada: float = 10.0
    siaga: float = 25.0
    awas: float = 50.0
    critical_floor: bool = True
    ikp_floor: bool = False  # IKP class tinggi: at least Waspada (docs/dashboard.md)
    uncounted: tuple[str, ...] = ("D7",)  # categories that are no disturbance (docs/taxonomy.md)

    @classmethod
    def from_settings(cls, s: Session) -> LevelRule:
        return cls(
            window_hours=settings.get(s, settings.LEVEL_WINDOW_HOURS),
            weights=tuple(settings.get(s, settings.LEVEL_WEIGHTS[sev.value]) for sev in SEVERITIES),
            waspada=settings.get(s, settings.LEVEL_THRESHOLDS["waspada"]),
            siaga=settings.get(s, settings.LEVEL_THRESHOLDS["siaga"]),
            awas=settings.get(s, settings.LEVEL_THRESHOLDS["awas"]),
            critical_floor=settings.get(s, settings.LEVEL_CRITICAL_FLOOR),
            ikp_floor=settings.get(s, settings.LEVEL_IKP_FLOOR),
            uncounted=tuple(settings.get(s, settings.LEVEL_UNCOUNTED_CATEGORIES)),
        )

    def level_for(self, score: float, open_critical: int, ikp: str | None = None) -> Level:
        if score >= self.awas:
            level = Level.AWAS
        elif score >= self.siaga:
            level = Level.SIAGA
        elif score >= self.waspada:
            level = Level.WASPADA
        else:
            level = Level.KONDUSIF
        if self.critical_floor and open_critical and level.rank < Level.SIAGA.rank:
            level = Level.SIAGA
        if self.ikp_floor and ikp == IkpLevel.TINGGI and level.rank < Level.WASPADA.rank:
            level = Level.WASPADA
        return level


def level_rule(ctx: AppContext) -> LevelRule:
    with ctx.db.read() as s:
        return LevelRule.from_settings(s)


def situation_levels(ctx: AppContext, at: datetime) -> dict[str, RegencyLevel]:
    """Level of every regency (all 35 codes) at the moment `at` (aware; naive = WIB)."""
    with ctx.db.read() as s:
        return levels_in(s, ensure_utc(at))


def levels_in(s: Session, at: datetime, rule: LevelRule | None = None) -> dict[str, RegencyLevel]:
    """`situation_levels` inside an open session (`at`: aware UTC)."""
    rule = rule or LevelRule.from_settings(s)
    start = at - timedelta(hours=rule.window_hours)
    by_regency: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    # Whole WIB days inside [start, at): index-only counts (covering minus deleted index);
    # the partial days at both ends: by occurred_at.
    first_full = wib_date(start)
    if wib_day_start(first_full) < start:
        first_full += timedelta(days=1)
    last_full = wib_date(at) - timedelta(days=1)
    edges = [(start, at)]
    if first_full <= last_full:
        full = counts(s, ("occurred_date", "regency_code"), first_full, last_full, None,
                      by_severity=True)
        for (_day, code), vals in full.items():
            for rank, n in enumerate(vals[1:]):
                by_regency[code][rank] += n
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
            by_regency[code][rank] += n
    # Reports that were not incidents (rejected / unverifiable) do not count: few rows,
    # found through the (status, occurred_at) index.
    for code, rank, n in s.execute(
            select(Incident.regency_code, Incident.severity_rank, func.count())
            .where(Incident.status.in_(NOT_AN_INCIDENT), Incident.occurred_at >= start,
                   Incident.occurred_at < at, Incident.deleted.is_(False))
            .group_by(Incident.regency_code, Incident.severity_rank)):
        by_regency[code][rank] -= n
    # Nor do categories that are no disturbance (a lawful demonstration): few rows, found
    # through the (category, occurred_at) index.
    if rule.uncounted:
        for code, rank, n in s.execute(
                select(Incident.regency_code, Incident.severity_rank, func.count())
                .where(Incident.category_code.in_(rule.uncounted),
                       Incident.status.not_in(NOT_AN_INCIDENT), Incident.occurred_at >= start,
                       Incident.occurred_at < at, Incident.deleted.is_(False))
                .group_by(Incident.regency_code, Incident.severity_rank)):
            by_regency[code][rank] -= n
    open_critical = dict(s.execute(
        select(Incident.regency_code, func.count())
        .where(Incident.severity_rank == Severity.KRITIS.rank, Incident.occurred_at >= start,
               Incident.occurred_at < at, Incident.deleted.is_(False),
               Incident.category_code.not_in(rule.uncounted),
               Incident.status.in_([st.value for st in OPEN_STATUSES]))
        .group_by(Incident.regency_code)).all())
    ikp = baseline.ikp_levels(s) if rule.ikp_floor else {}
    result: dict[str, RegencyLevel] = {}
    for reg in regencies(s):
        by_sev = by_regency.get(reg.code, [0, 0, 0, 0])
        score = sum(w * n for w, n in zip(rule.weights, by_sev, strict=True))
        crit = int(open_critical.get(reg.code, 0))
        level = rule.level_for(score, crit, ikp.get(reg.code))
        reason = _level_reason(score, by_sev, crit, rule)
        if ikp.get(reg.code) == IkpLevel.TINGGI:
            reason += "; " + _("IKP class high (baseline)")
        result[reg.code] = RegencyLevel(
            reg.code, level, score, reason,
            sum(by_sev), crit, (by_sev[0], by_sev[1], by_sev[2], by_sev[3]),
        )
    return result


def _level_reason(score: float, by_sev: Sequence[int], crit: int, rule: LevelRule) -> str:
    text = _("score {score} from {count} incidents in {hours} hours").format(
        score=format_number(score), count=format_int(sum(by_sev)), hours=rule.window_hours)
    heavy = [(by_sev[3], Severity.KRITIS), (by_sev[2], Severity.TINGGI)]
    parts = ["{n} {label}".format(n=n, label=sev.label.lower()) for n, sev in heavy if n]
    if parts:
        text += " ({parts})".format(parts=", ".join(parts))
    if crit and rule.critical_floor:
        text += "; " + _("{count} critical incident(s) still open").format(count=crit)
    return text


def _level_counts(s: Session, date_from: date | None, date_to: date | None,
                  flt: IncidentFilter | None, now: datetime) -> list[stats.StatRow]:
    """`stats.counts_by(ctx, "level")`: regencies per situation level at the end of
    `date_to` (default: now); levels are per regency, so the filter does not apply."""
    at = wib_day_start(date_to + timedelta(days=1)) if date_to else now
    levels = levels_in(s, at)
    return [stats.StatRow(lv.value, lv.label, sum(1 for x in levels.values() if x.level is lv))
            for lv in Level]


stats.register_dimension("level", _level_counts)

"""Daily situation report (sitrep): gather the data, render it, issue and archive it.

`gather()` reads everything the report shows into `reports.data.SitrepData` (the renderer
never queries); `generate()` gives the PDF bytes of a draft; `issue()` assigns the next
number, renders the final PDF and stores it with its SHA-256 (never overwritten: a
correction is a new number that names the old one).

What the numbers mean (docs/sitrep.md):
- an incident belongs to a period when it *occurred* in it (occurred_at, WIB periods
  from `report.cutoff_hour`), deleted (tombstoned) incidents never count;
- "open"/"resolved" is where those incidents stand now (their current status);
- the cumulative column counts from the first day of the campaign stage of the calendar
  to the end of the period;
- follow-up activity (section E, "moved to verified/follow-up" in section C) counts
  timeline entries *created* in the period.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.dashboard_data import Level, ReportStatus
from posko_desktop.core.db.models import Agency, Category, FollowUp, Incident
from posko_desktop.core.db.models_sitrep import IssuedSitrep
from posko_desktop.core.domain import (
    PROVINCE_CODE,
    FollowUpKind,
    NotFoundError,
    PoskoError,
    ReferralState,
    Severity,
    Status,
    ValidationError,
    check_text,
)
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import LANGUAGES, N_, _, language
from posko_desktop.core.periods import ReportPeriod, report_period
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports import sitrep_pdf
from posko_desktop.core.reports.calendar import load_calendar
from posko_desktop.core.reports.data import (
    GROUPS,
    SEVERITIES,
    ActionSummary,
    AgencyRow,
    AppendixRow,
    Counts,
    GroupInfo,
    KeyFigures,
    Letterhead,
    NotableIncident,
    Paper,
    ReferralLine,
    RegencyRow,
    Signer,
    SitrepData,
    SitrepOptions,
    SitrepTexts,
)
from posko_desktop.core.services import audit, dashboard
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.reference import RegencyInfo, normalize_regency_code, regencies
from posko_desktop.core.textrules import format_int
from posko_desktop.core.timeutil import month_roman, wib_day_start

logger = logging.getLogger(__name__)

NOTABLE_SEVERITY_RANK = Severity.TINGGI.rank
NOTABLE_MOVES = (Status.DIVERIFIKASI.value, Status.DITINDAKLANJUTI.value)
REFERRAL_LOOKBACK = timedelta(days=7)
_CHUNK = 500
_SEVERITY_BY_RANK = {Severity(s).rank: s for s in SEVERITIES}


class SitrepError(PoskoError):
    code = "sitrep"


@dataclass(frozen=True)
class IssuedInfo:
    id: uuid.UUID
    number: str
    report_date: date
    scope: str
    paper: str
    lang: str
    period_start: datetime
    period_end: datetime
    sha256: str
    size: int
    pages: int
    issued_by: str
    issued_at: datetime
    corrects: str | None


# --- options --------------------------------------------------------------------------


def check_options(options: SitrepOptions) -> SitrepOptions:
    """Normalise and validate; raises ValidationError (nothing is written)."""
    if options.paper not in {p.value for p in Paper}:
        raise ValidationError(N_("Unknown paper size {value} (a4 or f4)"), field="paper",
                              value=options.paper)
    if options.lang not in LANGUAGES:
        raise ValidationError(N_("Unknown language {value} (id or en)"), field="lang",
                              value=options.lang)
    if not 2020 <= options.report_date.year <= 2100:
        raise ValidationError(N_("The report date {value} is out of range"), field="date",
                              value=options.report_date.isoformat())
    regency = options.regency
    if regency in (None, "", PROVINCE_CODE):
        regency = None
    else:
        normal = normalize_regency_code(regency)
        if normal is None:
            raise ValidationError(N_("Unknown regency code {code}"), field="regency", code=regency)
        regency = normal
    return replace(options, regency=regency)


def check_texts(texts: SitrepTexts | None) -> None:
    """The edited texts hold no control characters (ValidationError; nothing is written)."""
    if texts is None:
        return
    for line in texts.highlights or ():
        check_text(line, "highlights", multiline=True)
    for name in ("obstacles", "outlook", "conclusions"):
        check_text(getattr(texts, name), name, multiline=True)


def default_options(ctx: AppContext, report_date: date) -> SitrepOptions:
    """A regency office reports on its own regency; the province on all 35."""
    with ctx.db.read() as s:
        site = local_site(s)
        lang = settings.get(s, settings.UI_LANGUAGE)
    regency = None if site.code == PROVINCE_CODE else site.code
    return SitrepOptions(report_date, regency, Paper.A4.value, lang if lang in LANGUAGES else "id")


def _stamp_floor(moment: datetime) -> str:
    """Lower bound for `mod_stamp` of entries created at or after `moment`: a stamp's
    milliseconds are never below its creation time (core/hlc.py), so this prefilter
    uses the mod_stamp index without losing any entry."""
    return f"{int(moment.timestamp() * 1000):013d}"


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# --- gathering --------------------------------------------------------------------------


def gather(ctx: AppContext, options: SitrepOptions, texts: SitrepTexts | None = None,
           progress: Progress = NO_PROGRESS) -> SitrepData:
    """Everything the report shows, read from the database."""
    options = check_options(options)
    texts = SitrepTexts.from_json(texts.to_json()) if texts else SitrepTexts()
    cal = load_calendar()
    progress.report(2, 100, _("Reading the database"))
    with ctx.db.read() as s:
        cutoff = int(settings.get(s, settings.REPORT_CUTOFF_HOUR))
        if not 0 <= cutoff <= 23:
            cutoff = 7
        period = report_period(options.report_date, cutoff)
        previous = period.previous(cutoff)
        all_regencies = regencies(s)
        by_code = {r.code: r for r in all_regencies}
        if options.regency is not None and options.regency not in by_code:
            raise ValidationError(N_("Unknown regency code {code}"), field="regency",
                                  code=options.regency)
        scope = [by_code[options.regency]] if options.regency else all_regencies
        scope_code = options.regency
        conf = settings.get_all(s)
        groups = tuple(
            GroupInfo(c.code, c.label_id, c.label_en)
            for c in s.scalars(select(Category).where(Category.parent_code.is_(None))
                               .order_by(Category.sort_order, Category.code))
            if c.code in GROUPS
        )
        cum_from = min(cal.campaign_start, options.report_date)
        cum_start = wib_day_start(cum_from)
        period_counts, per_regency = _counts(s, period.start, period.end, scope_code)
        previous_counts, _unused = _counts(s, previous.start, previous.end, scope_code)
        progress.report(10, 100, _("Counting incidents"))
        cumulative, _unused = _counts(s, min(cum_start, period.start), period.end, scope_code)
        progress.report(18, 100, _("Reading notable incidents"))
        names = {r.code: r.full_name for r in all_regencies}
        notable_limit = max(0, int(conf.get(settings.SITREP_NOTABLE_DETAIL_MAX.key, 100)))
        list_limit = max(0, int(conf.get(settings.SITREP_REFERRAL_LIST_MAX.key, 100)))
        notable, notable_ids = _notable(s, period, scope_code, names, notable_limit)
        progress.report(24, 100, _("Reading follow-ups"))
        referrals, referrals_total, agency_rows, actions = _follow_ups(
            s, period, scope_code, names, list_limit)
        appendix = _appendix(s, period, scope_code, names, notable_ids)
    progress.report(30, 100, _("Reading situation levels"))
    status_info = dashboard.report_status(ctx, period)
    levels = dashboard.situation_levels(ctx, period.end)
    trend_days = max(3, min(int(conf.get(settings.SITREP_TREND_DAYS.key, 14)), 120))
    last_day = options.report_date - timedelta(days=1)
    trend = dashboard.daily_counts(  # one regency: its own total, not the province's
        ctx, last_day - timedelta(days=trend_days - 1), last_day,
        IncidentFilter(regencies=(scope_code,)) if scope_code else None,
    )
    rows = tuple(_regency_row(r, per_regency.get(r.code, {}), status_info.get(r.code),
                              levels.get(r.code)) for r in scope)
    logo = str(conf.get(settings.SITREP_LOGO_PATH.key) or "").strip() or None
    lang = options.lang
    data = SitrepData(
        options=options, period=period, previous_period=previous, cutoff_hour=cutoff,
        training=bool(conf[settings.SITE_TRAINING.key]),
        scope_name=(scope[0].full_name if scope_code else "Provinsi Jawa Tengah"),
        is_province=scope_code is None,
        letterhead=Letterhead(
            tuple(str(x) for x in conf[settings.SITREP_LETTERHEAD_LINES.key] if str(x).strip()),
            str(conf[settings.SITREP_ISSUING_UNIT.key]),
            str(conf[settings.SITREP_LETTERHEAD_ADDRESS.key]), logo),
        signer=Signer(str(conf[settings.SITREP_SIGNER_PLACE.key]),
                      str(conf[settings.SITREP_SIGNER_POSITION.key]),
                      str(conf[settings.SITREP_SIGNER_NAME.key]),
                      str(conf[settings.SITREP_SIGNER_RANK.key]),
                      str(conf[settings.SITREP_SIGNER_NIP.key])),
        recipient=str(conf[settings.SITREP_RECIPIENT.key]),
        tembusan=tuple(str(x) for x in conf[settings.SITREP_TEMBUSAN.key] if str(x).strip()),
        introduction=str(conf[(settings.SITREP_INTRODUCTION_EN if lang == "en"
                               else settings.SITREP_INTRODUCTION).key]),
        election_name=cal.name(lang),
        voting_day=cal.voting_day,
        stages_now=cal.stages_on(options.report_date),
        milestones=cal.milestones(options.report_date, 3),
        groups=groups,
        figures=KeyFigures(period_counts, previous_counts, cumulative, cum_from),
        regency_rows=rows,
        notable=notable,
        referrals=referrals,
        referrals_total=referrals_total,
        agency_rows=agency_rows,
        notable_total=len(notable_ids),
        actions=actions,
        appendix=appendix,
        trend=trend,
        levels=levels,
        texts=texts,
    )
    if texts.highlights is None:
        data.texts.highlights = default_highlights(data)
    progress.report(36, 100, _("Data ready"))
    return data


def _scoped(stmt: Any, scope_code: str | None) -> Any:
    stmt = stmt.where(Incident.deleted.is_(False))
    return stmt.where(Incident.regency_code == scope_code) if scope_code else stmt


def _counts(s: Session, start: datetime, end: datetime, scope_code: str | None
            ) -> tuple[Counts, dict[str, dict[str, int]]]:
    grp = func.substr(Incident.category_code, 1, 1)
    stmt = _scoped(
        select(Incident.regency_code, grp, Incident.severity_rank, Incident.status,
               func.count())
        .where(Incident.occurred_at >= start, Incident.occurred_at < end)
        .group_by(Incident.regency_code, grp, Incident.severity_rank, Incident.status),
        scope_code,
    )
    counts = Counts()
    per_regency: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for regency, group, rank, status, n in s.execute(stmt):
        counts.new += n
        if status in {st.value for st in Status if st.is_open}:
            counts.open += n
        elif status == Status.SELESAI.value:
            counts.resolved += n
        else:
            counts.closed_other += n
        sev = _SEVERITY_BY_RANK.get(rank)
        if sev:
            counts.by_severity[sev] += n
        counts.by_group[group] = counts.by_group.get(group, 0) + n
        per_regency[regency][group] = per_regency[regency].get(group, 0) + n
    return counts, dict(per_regency)


def _regency_row(r: RegencyInfo, by_group: dict[str, int], status: Any, level: Any) -> RegencyRow:
    groups = {g: int(by_group.get(g, 0)) for g in GROUPS}
    return RegencyRow(
        code=r.code, name=r.full_name, by_group=groups, total=sum(by_group.values()),
        report_status=str(getattr(status, "status", "belum") or "belum"),
        last_report_at=getattr(status, "last_report_at", None),
        level=str(getattr(getattr(level, "level", None), "value", getattr(level, "level", ""))
                  or ""),
        level_reason=str(getattr(level, "reason", "") or ""),
    )


def _notable(s: Session, period: ReportPeriod, scope_code: str | None, names: dict[str, str],
             limit: int) -> tuple[tuple[NotableIncident, ...], set[uuid.UUID]]:
    """Notable incidents of the period, the most severe first: the first `limit` (0: all)
    in full, and the ids of all of them (the appendix marks them)."""
    cols = (Incident.id, Incident.severity_rank, Incident.occurred_at, Incident.number)
    keys = {r[0]: r for r in s.execute(_scoped(
        select(*cols).where(Incident.occurred_at >= period.start,
                            Incident.occurred_at < period.end,
                            Incident.severity_rank >= NOTABLE_SEVERITY_RANK),
        scope_code))}
    moved = set(s.scalars(
        select(FollowUp.incident_id).where(
            FollowUp.mod_stamp >= _stamp_floor(period.start),
            FollowUp.kind == FollowUpKind.STATUS.value,
            FollowUp.status_to.in_(NOTABLE_MOVES),
            FollowUp.created_at >= period.start, FollowUp.created_at < period.end)))
    # (no DISTINCT in SQL: SQLite would then walk the incident_id index over the whole table)
    extra = [i for i in moved if i not in keys]
    for chunk in _chunks(extra):
        for r in s.execute(_scoped(select(*cols).where(Incident.id.in_(chunk)), scope_code)):
            keys[r[0]] = r
    ordered = sorted(keys.values(), key=lambda r: (-r[1], r[2], r[3]))
    all_ids = {r[0] for r in ordered}
    chosen = [r[0] for r in (ordered[:limit] if limit else ordered)]
    if not chosen:
        return (), all_ids
    categories = {c.code: c for c in s.scalars(select(Category))}
    agencies = {a.code: a.name for a in s.scalars(select(Agency))}
    rows: dict[uuid.UUID, Any] = {}
    detail = (Incident.id, Incident.number, Incident.occurred_at, Incident.regency_code,
              Incident.kecamatan, Incident.desa, Incident.location, Incident.category_code,
              Incident.title, Incident.description, Incident.people_involved,
              Incident.severity, Incident.status, Incident.source_type, Incident.source_detail)
    for chunk in _chunks(chosen):
        for r in s.execute(select(*detail).where(Incident.id.in_(chunk))):
            rows[r[0]] = r
    timeline: dict[uuid.UUID, list[Any]] = defaultdict(list)
    fcols = (FollowUp.incident_id, FollowUp.id, FollowUp.created_at, FollowUp.kind,
             FollowUp.text, FollowUp.status_to, FollowUp.agency_code, FollowUp.referral_id,
             FollowUp.referral_state)
    for chunk in _chunks(chosen):
        for f in s.execute(select(*fcols).where(FollowUp.incident_id.in_(chunk),
                                                 FollowUp.created_at < period.end)
                           .order_by(FollowUp.created_at, FollowUp.mod_stamp)):
            timeline[f.incident_id].append(f)
    status_values = {st.value for st in Status}
    out = []
    for inc_id in chosen:
        inc = rows[inc_id]
        entries = timeline.get(inc_id, [])
        moved_to = next((f.status_to for f in reversed(entries)
                         if f.kind == FollowUpKind.STATUS.value and f.status_to in NOTABLE_MOVES
                         and f.created_at >= period.start), None)
        latest = next((f for f in reversed(entries)
                       if (f.text or "").strip() or f.kind == FollowUpKind.STATUS.value), None)
        latest_text = ""
        if latest is not None:
            latest_text = (latest.text or "").strip()
            if latest.kind == FollowUpKind.STATUS.value and latest.status_to:
                label = (Status(latest.status_to).label if latest.status_to in status_values
                         else latest.status_to)
                latest_text = "[{}] {}".format(label, latest_text).strip()
        cat = categories.get(inc.category_code)
        out.append(NotableIncident(
            number=inc.number, occurred_at=inc.occurred_at,
            regency_name=names.get(inc.regency_code, inc.regency_code),
            kecamatan=inc.kecamatan, desa=inc.desa, location=inc.location,
            category_code=inc.category_code,
            category_label_id=cat.label_id if cat else "",
            category_label_en=cat.label_en if cat else "",
            title=inc.title, description=inc.description, people_involved=inc.people_involved,
            severity=inc.severity, status=inc.status, source_type=inc.source_type,
            source_detail=inc.source_detail, latest_action=latest_text,
            latest_action_at=latest.created_at if latest else None,
            referrals=tuple((agencies.get(r.agency_code or "", r.agency_code or ""), state)
                            for r, state in _referral_states(entries, period.end)),
            moved_to=moved_to,
        ))
    return tuple(out), all_ids


def _referral_states(entries: list[Any], until: datetime) -> list[tuple[Any, str]]:
    """Each referral (timeline rows) with its state as of `until` (latest update before)."""
    state: dict[uuid.UUID, str] = {}
    refs: list[Any] = []
    for f in entries:
        if f.created_at >= until:
            continue
        if f.kind == FollowUpKind.REFERRAL.value:
            refs.append(f)
        elif f.kind == FollowUpKind.REFERRAL_UPDATE.value and f.referral_id and f.referral_state:
            state[f.referral_id] = f.referral_state
    return [(r, state.get(r.id, r.referral_state or ReferralState.TERKIRIM.value)) for r in refs]


def _follow_ups(s: Session, period: ReportPeriod, scope_code: str | None, names: dict[str, str],
                limit: int) -> tuple[tuple[ReferralLine, ...], int, tuple[AgencyRow, ...],
                                     ActionSummary]:
    """Section E: activity in the period; referrals sent in it or in the week before and
    still open at its end, per agency (exact) and as a list (overdue first, at most
    `limit` lines, 0: all)."""
    kinds: Counter[str] = Counter()
    stmt = _scoped(
        select(FollowUp.kind, func.count()).join(Incident, Incident.id == FollowUp.incident_id)
        .where(FollowUp.mod_stamp >= _stamp_floor(period.start),
               FollowUp.created_at >= period.start, FollowUp.created_at < period.end)
        .group_by(FollowUp.kind),
        scope_code,
    )
    for kind, n in s.execute(stmt):
        kinds[kind] = n
    actions = ActionSummary(kinds[FollowUpKind.NOTE.value], kinds[FollowUpKind.STATUS.value],
                            kinds[FollowUpKind.REFERRAL.value],
                            kinds[FollowUpKind.REFERRAL_UPDATE.value])
    since = period.start - REFERRAL_LOOKBACK
    ref_rows = s.execute(_scoped(
        select(FollowUp.id, FollowUp.incident_id, FollowUp.created_at, FollowUp.agency_code,
               FollowUp.due_at, FollowUp.text, FollowUp.referral_state, Incident.number,
               Incident.regency_code)
        .join(Incident, Incident.id == FollowUp.incident_id)
        .where(FollowUp.mod_stamp >= _stamp_floor(since),
               FollowUp.kind == FollowUpKind.REFERRAL.value,
               FollowUp.created_at >= since, FollowUp.created_at < period.end),
        scope_code)).all()
    if not ref_rows:
        return (), 0, (), actions
    state: dict[uuid.UUID, tuple[datetime, str]] = {}
    for ref_id, st, created in s.execute(
        select(FollowUp.referral_id, FollowUp.referral_state, FollowUp.created_at).where(
            FollowUp.mod_stamp >= _stamp_floor(since),
            FollowUp.kind == FollowUpKind.REFERRAL_UPDATE.value,
            FollowUp.created_at >= since, FollowUp.created_at < period.end)
    ):
        if ref_id is not None and st and (ref_id not in state or created >= state[ref_id][0]):
            state[ref_id] = (created, st)
    agencies = {a.code: a.name for a in s.scalars(select(Agency))}
    lines = []
    per_agency: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in ref_rows:
        current = state.get(r.id, (r.created_at, r.referral_state or ReferralState.TERKIRIM.value))[1]
        in_period = r.created_at >= period.start
        is_open = current != ReferralState.SELESAI.value
        if not in_period and not is_open:
            continue
        overdue = is_open and r.due_at is not None and r.due_at < period.end
        agency = agencies.get(r.agency_code or "", r.agency_code or "")
        counts = per_agency[agency]
        if in_period:
            counts[0] += 1
            if not is_open:
                counts[1] += 1
        counts[2] += is_open
        counts[3] += overdue
        lines.append(ReferralLine(
            incident_number=r.number, regency_name=names.get(r.regency_code, r.regency_code),
            agency_name=agency, created_at=r.created_at, due_at=r.due_at, state=current,
            text=r.text, in_period=in_period, overdue=overdue,
        ))
    lines.sort(key=lambda r: (not r.overdue, r.due_at or r.created_at, r.created_at,
                              r.incident_number))
    agency_rows = tuple(AgencyRow(name, *v) for name, v in sorted(per_agency.items()))
    return tuple(lines[:limit] if limit else lines), len(lines), agency_rows, actions


def _appendix(s: Session, period: ReportPeriod, scope_code: str | None,
              names: dict[str, str], notable: set[uuid.UUID]) -> tuple[AppendixRow, ...]:
    stmt = _scoped(
        select(Incident.id, Incident.number, Incident.occurred_at, Incident.regency_code,
               Incident.category_code, Incident.severity, Incident.status, Incident.title)
        .where(Incident.occurred_at >= period.start, Incident.occurred_at < period.end)
        .order_by(Incident.occurred_at, Incident.seq),
        scope_code,
    )
    return tuple(AppendixRow(n, at, names.get(rc, rc), cat, sev, st, title, i in notable)
                 for i, n, at, rc, cat, sev, st, title in s.execute(stmt))


# --- highlights -------------------------------------------------------------------------


def default_highlights(data: SitrepData) -> list[str]:
    """3–5 lines generated from the data in the report's language (editable before issuing)."""
    with language(data.options.lang):
        return _highlights(data)


def _highlights(d: SitrepData) -> list[str]:
    f = d.figures
    p, prev = f.period, f.previous
    out: list[str] = []
    severe = p.by_severity.get("tinggi", 0) + p.by_severity.get("kritis", 0)
    if p.new == 0:
        out.append(_("No incidents were recorded in the period (previous period: {prev})."
                     ).format(prev=format_int(prev.new)))
    else:
        diff = p.new - prev.new
        trend = (_("up {n} from the previous period") if diff > 0 else
                 _("down {n} from the previous period") if diff < 0 else
                 _("the same as the previous period")).format(n=format_int(abs(diff)))
        out.append(_("{n} incidents were recorded in the period ({trend}); {severe} of them "
                     "of high or critical severity, {open} still open.").format(
            n=format_int(p.new), trend=trend, severe=format_int(severe),
            open=format_int(p.open)))
    if d.is_province and p.new:
        top = sorted((r for r in d.regency_rows if r.total), key=lambda r: (-r.total, r.code))[:3]
        out.append(_("Most incidents: {list}.").format(
            list=", ".join("{} ({})".format(r.name, format_int(r.total)) for r in top)))
    if p.new:
        code, n = max(sorted(p.by_group.items()), key=lambda kv: kv[1])
        group = next((g for g in d.groups if g.code == code), None)
        out.append(_("Most frequent category group: {code} {label} ({n}, {pct}% of the period)."
                     ).format(code=code, label=group.label(d.options.lang) if group else "",
                              n=format_int(n), pct=round(100 * n / p.new)))
    levels = Counter(r.level for r in d.regency_rows)
    if d.is_province and levels:
        hot = [r.name for r in d.regency_rows if r.level == "rawan"]
        text = _("Situation level: {rawan} Rawan, {siaga} Siaga, {waspada} Waspada, "
                 "{kondusif} Kondusif.").format(
            rawan=levels.get("rawan", 0), siaga=levels.get("siaga", 0),
            waspada=levels.get("waspada", 0), kondusif=levels.get("kondusif", 0))
        if hot and len(hot) <= 8:
            text += " " + _("Rawan: {names}.").format(names=", ".join(hot))
        out.append(text)
    if not d.is_province and d.regency_rows:
        row = d.regency_rows[0]
        try:
            level = Level(row.level).label
        except ValueError:
            level = row.level
        out.append(_("Situation level of {name}: {level} ({reason}).").format(
            name=row.name, level=level, reason=row.level_reason))
        try:
            status = ReportStatus(row.report_status).label
        except ValueError:
            status = row.report_status
        out.append(_("Report status for the period: {status}.").format(status=status))
    counts = d.status_counts()
    if d.is_province:
        missing = [r.name for r in d.regency_rows if r.report_status == "belum"]
        text = _("Reports: {masuk} regencies/cities reported incidents, {nihil} reported nil, "
                 "{belum} have not reported yet.").format(**counts)
        if missing and len(missing) <= 10:
            text += " " + _("Not yet: {names}.").format(names=", ".join(missing))
        out.append(text)
    return out[:5]


# --- generating and issuing -------------------------------------------------------------


def generate(ctx: AppContext, options: SitrepOptions, texts: SitrepTexts | None = None,
             progress: Progress = NO_PROGRESS) -> tuple[bytes, SitrepData, int]:
    """A draft (no number): PDF bytes, the data shown and the page count."""
    data = gather(ctx, options, texts, progress)
    data.generated_at = ctx.now()
    pdf, pages = sitrep_pdf.render_bytes(data, progress)
    progress.report(100, 100, _("Done"))
    return pdf, data, pages


def _format_number(fmt: str, seq: int, report_date: date, site: str) -> str:
    try:
        number = fmt.format(seq=seq, year=report_date.year, month=report_date.month,
                            month_roman=month_roman(report_date.month), site=site)
    except (KeyError, IndexError, ValueError, AttributeError):
        raise ValidationError(N_("The sitrep number format {format} is not valid"),
                              field="sitrep.number_format", format=fmt) from None
    number = number.strip()
    if not number or len(number) > 120:
        raise ValidationError(N_("The sitrep number format {format} is not valid"),
                              field="sitrep.number_format", format=fmt)
    return number


def _next_seq(s: Session, year: int) -> int:
    return int(s.scalar(select(func.max(IssuedSitrep.seq)).where(IssuedSitrep.year == year))
               or 0) + 1


def issue(ctx: AppContext, options: SitrepOptions, texts: SitrepTexts | None = None, *,
          corrects: str | None = None, progress: Progress = NO_PROGRESS) -> IssuedInfo:
    """Issue ("Terbitkan"): next number, final PDF stored with its SHA-256. Never
    overwrites; `corrects` names the number of an earlier report this one corrects."""
    require(ctx.actor, Permission.SITREP_ISSUE)
    options = check_options(options)
    check_texts(texts)
    if corrects is not None:
        corrects = corrects.strip() or None
    if corrects is not None:
        with ctx.db.read() as s:
            if s.scalars(select(IssuedSitrep.id).where(IssuedSitrep.number == corrects)).first() is None:
                raise NotFoundError(N_("No issued sitrep has the number {number}"), number=corrects)
    data = gather(ctx, options, texts, progress)
    year = options.report_date.year
    for _attempt in range(5):
        with ctx.db.read() as s:
            fmt = str(settings.get(s, settings.SITREP_NUMBER_FORMAT))
            site = local_site(s).code
            seq = _next_seq(s, year)
        number = _format_number(fmt, seq, options.report_date, site)
        now = ctx.now()
        data.number, data.generated_at, data.corrects = number, now, corrects
        # the trail as it stands before this issue: a paper copy can later prove it unchanged
        data.audit_anchor = audit.latest_anchor(ctx).text
        pdf, pages = sitrep_pdf.render_bytes(data, progress)
        digest = hashlib.sha256(pdf).hexdigest()
        with ctx.db.write() as s:
            if _next_seq(s, year) != seq:
                continue  # another workstation issued meanwhile: render with the next number
            if s.scalars(select(IssuedSitrep.id).where(IssuedSitrep.number == number)).first():
                raise SitrepError(N_("The sitrep number {number} is already used; change the "
                                     "number format"), number=number)
            row = IssuedSitrep(
                id=uuid7(), number=number, year=year, seq=seq, site=site,
                report_date=options.report_date, period_start=data.period.start,
                period_end=data.period.end, scope=options.regency or PROVINCE_CODE,
                paper=options.paper, lang=options.lang, options=options.to_json(),
                texts=data.texts.to_json(), pdf=pdf, sha256=digest, size=len(pdf), pages=pages,
                issued_by=ctx.actor.username, issued_at=now, corrects=corrects, note="",
            )
            s.add(row)
            s.flush()
            audit.record(s, ctx.actor, "sitrep.issue", "sitrep", str(row.id), before=None,
                         after={"number": number, "sha256": digest, "report_date":
                                options.report_date.isoformat(), "corrects": corrects}, at=now)
            info = _info(row)
        logger.info("Sitrep %s issued by %s (%s, %d pages)", number, ctx.actor.username,
                    digest[:12], pages)
        ctx.bus.publish(Change(ChangeKind.SITREP, (str(info.id),)))
        progress.report(100, 100, _("Done"))
        return info
    raise SitrepError(N_("Could not assign a sitrep number; try again"))


def _info(row: IssuedSitrep) -> IssuedInfo:
    return IssuedInfo(row.id, row.number, row.report_date, row.scope, row.paper, row.lang,
                      row.period_start, row.period_end, row.sha256, row.size, row.pages,
                      row.issued_by, row.issued_at, row.corrects)


_INFO_COLUMNS = (IssuedSitrep.id, IssuedSitrep.number, IssuedSitrep.report_date,
                 IssuedSitrep.scope, IssuedSitrep.paper, IssuedSitrep.lang,
                 IssuedSitrep.period_start, IssuedSitrep.period_end, IssuedSitrep.sha256,
                 IssuedSitrep.size, IssuedSitrep.pages, IssuedSitrep.issued_by,
                 IssuedSitrep.issued_at, IssuedSitrep.corrects)


def list_issued(ctx: AppContext, limit: int = 500) -> list[IssuedInfo]:
    """Issued reports, newest first (without the PDF bytes)."""
    with ctx.db.read() as s:
        rows = s.execute(select(*_INFO_COLUMNS)
                         .order_by(IssuedSitrep.issued_at.desc(), IssuedSitrep.seq.desc())
                         .limit(limit)).all()
        return [IssuedInfo(*tuple(r)) for r in rows]


def _find(s: Session, ref: str) -> IssuedSitrep:
    ref = (ref or "").strip()
    row = s.scalars(select(IssuedSitrep).where(IssuedSitrep.number == ref)).first()
    if row is None:
        try:
            row = s.get(IssuedSitrep, uuid.UUID(ref))
        except ValueError:
            row = None
    if row is None:
        raise NotFoundError(N_("No issued sitrep has the number {number}"), number=ref)
    return row


def issued_pdf(ctx: AppContext, ref: str) -> tuple[IssuedInfo, bytes]:
    """The stored PDF of an issued report (by number or id), checked against its SHA-256."""
    with ctx.db.read() as s:
        row = _find(s, ref)
        data = bytes(row.pdf)
        info = _info(row)
    if hashlib.sha256(data).hexdigest() != info.sha256:
        logger.error("Stored sitrep %s does not match its SHA-256", info.number)
        raise SitrepError(N_("The stored PDF of sitrep {number} does not match its checksum"),
                          number=info.number)
    return info, data


def issued_inputs(ctx: AppContext, ref: str) -> tuple[SitrepOptions, SitrepTexts]:
    """Options and texts of an issued report, e.g. to prepare a correction."""
    with ctx.db.read() as s:
        row = _find(s, ref)
        return SitrepOptions.from_json(row.options), SitrepTexts.from_json(row.texts)

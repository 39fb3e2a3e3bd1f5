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

import logging
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.dashboard_data import Level, ReportStatus
from posko_desktop.core.db.models import Category
from posko_desktop.core.domain import (
    PROVINCE_CODE,
    ActivityKind,
    ProgressStage,
    UnitType,
    ValidationError,
)
from posko_desktop.core.gc_pause import paused_gc
from posko_desktop.core.i18n import LANGUAGES, N_, _, current_language, language, ngettext
from posko_desktop.core.periods import report_period
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports import sitrep_pdf
from posko_desktop.core.reports.calendar import load_calendar
from posko_desktop.core.reports.data import (
    GROUPS,
    ActivityLine,
    GroupInfo,
    KeyFigures,
    Paper,
    ReportKind,
    SitrepData,
    SitrepOptions,
    SitrepTexts,
    StageCell,
    StageProgressLine,
    UnitReportRow,
)
from posko_desktop.core.services import (
    activities,
    baseline,
    dashboard,
    report_archive,
    stage_progress,
)
from posko_desktop.core.services import sitrep_queries as q
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.medsos import reporting as medsos_reporting
from posko_desktop.core.services.reference import normalize_regency_code, regencies
from posko_desktop.core.services.report_archive import (  # noqa: F401 - the sitrep API
    Checklist,
    IssuedInfo,
    IssueRefused,
    SitrepError,
    issued_pdf,
    list_issued,
)
from posko_desktop.core.textrules import format_datetime_wib, format_int
from posko_desktop.core.timeutil import wib_day_start

logger = logging.getLogger(__name__)


# --- options --------------------------------------------------------------------------


def check_options(options: SitrepOptions) -> SitrepOptions:
    """Normalise and validate; raises ValidationError (nothing is written)."""
    report_archive.check_paper_lang(options.paper, options.lang)
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


def default_options(ctx: AppContext, report_date: date) -> SitrepOptions:
    """A regency office reports on its own regency; the province on all 35; in the
    language the user works in (issue 19: each account has its own)."""
    with ctx.db.read() as s:
        site = local_site(s)
    regency = None if site.code == PROVINCE_CODE else site.code
    lang = current_language()
    return SitrepOptions(report_date, regency, Paper.A4.value, lang if lang in LANGUAGES else "id")


def activities_of(ctx: AppContext, start: datetime, end: datetime,
                  regency: str | None) -> tuple[ActivityLine, ...]:
    """Kegiatan Posko of [start, end) for the scope, oldest first (section D, weekly):
    the title, and its result when one was written."""
    with ctx.db.read() as s:
        names = {r.code: r.full_name for r in regencies(s)}
    return tuple(
        ActivityLine(a.started_at, a.kind, ActivityKind(a.kind).label_in("id"),
                     ActivityKind(a.kind).label_in("en"),
                     tuple(names.get(c, c) for c in a.regencies), a.partners,
                     "{t}: {r}".format(t=a.title, r=a.result) if a.result else a.title)
        for a in activities.in_period(ctx, start, end, regency))


def stage_progress_of(ctx: AppContext, end: datetime,
                      regency: str | None) -> tuple[StageProgressLine, ...]:
    """The stage table (section B.4): per regency in scope with any report, the newest
    report of each stage made before `end` (the period's end, exclusive)."""
    board = stage_progress.board(ctx, end - timedelta(microseconds=1))
    lines = []
    for g in board.regencies:
        if regency is not None and g.code != regency:
            continue
        cells = tuple(StageCell(st.value, r.done, r.total, r.as_of) for st in ProgressStage
                      if (r := board.cell(g.code, st)) is not None)
        if cells:
            lines.append(StageProgressLine(g.code, g.full_name, cells))
    return tuple(lines)


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
        incidents = q.period_incidents(s, period, scope_code)  # read once: B, C, Lampiran I
        period_counts, per_regency = q.period_counts(incidents)
        previous_counts = q.totals(s, previous.start, previous.end, scope_code)
        progress.report(10, 100, _("Counting incidents"))
        cumulative = q.totals(s, min(cum_start, period.start), period.end, scope_code)
        progress.report(18, 100, _("Reading notable incidents"))
        names = {r.code: r.full_name for r in all_regencies}
        notable_limit = max(0, int(conf.get(settings.SITREP_NOTABLE_DETAIL_MAX.key, 10)))
        list_limit = max(0, int(conf.get(settings.SITREP_REFERRAL_LIST_MAX.key, 100)))
        notable, notable_ids = q.notable(s, period, scope_code, names, notable_limit,
                                         incidents)
        progress.report(24, 100, _("Reading follow-ups"))
        referrals, referrals_total, agency_rows, actions = q.follow_ups(
            s, period, scope_code, names, list_limit)
        appendix = q.appendix(incidents, names, notable_ids)
        del incidents
    progress.report(30, 100, _("Reading situation levels"))
    status_info = dashboard.report_status(ctx, period)
    levels = dashboard.situation_levels(ctx, period.end)
    trend_days = max(3, min(int(conf.get(settings.SITREP_TREND_DAYS.key, 14)), 120))
    last_day = options.report_date - timedelta(days=1)
    trend = dashboard.daily_counts(  # one regency: its own total, not the province's
        ctx, last_day - timedelta(days=trend_days - 1), last_day,
        IncidentFilter(regencies=(scope_code,)) if scope_code else None,
    )
    rows = tuple(q.regency_row(r, per_regency.get(r.code, {}), status_info.get(r.code),
                              levels.get(r.code)) for r in scope)
    lang = options.lang
    letterhead, signer, identity, tembusan = report_archive.letter_parts(
        conf, texts.sifat, texts.subject)
    data = SitrepData(
        options=options, period=period, previous_period=previous, cutoff_hour=cutoff,
        training=bool(conf[settings.SITE_TRAINING.key]),
        scope_name=(scope[0].full_name if scope_code else "Provinsi Jawa Tengah"),
        is_province=scope_code is None,
        letterhead=letterhead, signer=signer, identity=identity, tembusan=tembusan,
        introduction=str(conf[(settings.SITREP_INTRODUCTION_EN if lang == "en"
                               else settings.SITREP_INTRODUCTION).key]),
        election_name=cal.name(lang),
        voting_day=cal.voting_day,
        stages_now=cal.stages_on(options.report_date),
        milestones=cal.milestones(options.report_date, 3),
        groups=groups,
        figures=KeyFigures(period_counts, previous_counts, cumulative, cum_from),
        regency_rows=rows,
        unit_rows=tuple(UnitReportRow(i.code, i.name, i.status, i.last_report_at)
                        for i in status_info.values()
                        if i.group == UnitType.AGENCY and scope_code is None),
        notable=notable,
        referrals=referrals,
        referrals_total=referrals_total,
        agency_rows=agency_rows,
        notable_total=len(notable_ids),
        actions=actions,
        activities=activities_of(ctx, period.start, period.end, scope_code),
        medsos=medsos_reporting.summary(ctx, period.start, period.end, scope_code),
        stage_progress=stage_progress_of(ctx, period.end, scope_code),
        regency_count=1 if scope_code else len(all_regencies),
        appendix=appendix,
        trend=trend,
        levels=levels,
        kerawanan=baseline.kerawanan_of(ctx, levels, scope_code, names),
        texts=texts,
        appendix_pdf_max=max(0, int(conf.get(settings.SITREP_APPENDIX_PDF_MAX.key, 1000))),
    )
    if texts.highlights is None:
        data.texts.highlights = default_highlights(data)
    progress.report(36, 100, _("Data ready"))
    return data


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
        out.append(ngettext(
            "{n} incident was recorded in the period ({trend}); {severe} of high or critical "
            "severity, {open} still open.",
            "{n} incidents were recorded in the period ({trend}); {severe} of them of high or "
            "critical severity, {open} still open.", p.new).format(
            n=format_int(p.new), trend=trend, severe=format_int(severe),
            open=format_int(p.open)))
    critical = p.by_severity.get("kritis", 0)
    if critical:
        out.append(ngettext(
            "Needs attention: {n} critical incident in the period; see section C.",
            "Needs attention: {n} critical incidents in the period; see section C.",
            critical).format(n=format_int(critical)))
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
        hot = [r.name for r in d.regency_rows if r.level == "awas"]
        text = _("Situation level: {list}.").format(list=", ".join(
            "{n} {label}".format(n=levels.get(lv.value, 0), label=lv.label)
            for lv in reversed(Level)))
        if hot and len(hot) <= 8:
            text += " " + _("{level}: {names}.").format(level=Level.AWAS.label,
                                                       names=", ".join(hot))
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
        text = _("Reports: {masuk} reported incidents, {nihil} reported nil, {belum} "
                 "have not reported yet (of {total} regencies and cities).").format(
            total=len(d.regency_rows), **counts)
        if missing and len(missing) <= 10:
            text += " " + _("Not yet: {names}.").format(names=", ".join(missing))
        out.append(text)
    return out[:5]



# --- generating and issuing -------------------------------------------------------------


def generate(ctx: AppContext, options: SitrepOptions, texts: SitrepTexts | None = None,
             progress: Progress = NO_PROGRESS) -> tuple[bytes, SitrepData, int]:
    """A draft (no number): PDF bytes, the data shown and the page count."""
    with paused_gc():  # bulk reading and layout: 0.7 s of collections saved at 80,000
        data = gather(ctx, options, texts, progress)
        data.generated_at = ctx.now()
        pdf, pages = sitrep_pdf.render_bytes(data, progress)
    progress.report(100, 100, _("Done"))
    return pdf, data, pages


def checklist(data: SitrepData) -> Checklist:
    nihil = list(data.nihil_sections())
    if not data.notable_total:
        nihil.append("C")
    if not data.activities:
        nihil.append("D")
    with language(data.options.lang):
        period = "{} – {}".format(format_datetime_wib(data.period.start),
                                  format_datetime_wib(data.period.end))
    return Checklist(tuple(data.signer.missing()), period, data.figures.period.new,
                     data.critical, data.notable_total, tuple(sorted(nihil)))


def issue_checklist(ctx: AppContext, options: SitrepOptions,
                    texts: SitrepTexts | None = None) -> Checklist:
    """The checklist the window shows before "Terbitkan" (reads the data like a draft)."""
    with paused_gc():
        return checklist(gather(ctx, options, texts))


def check_issuable(data: SitrepData, confirm_nihil: bool) -> None:
    """Refuse (IssueRefused, nothing stored) without a signer, or when F/H would print
    Nihil on a day with critical incidents and the user has not confirmed it."""
    report_archive.check_signer(data.signer)
    check = checklist(data)
    if check.needs_confirmation and not confirm_nihil:
        raise IssueRefused(N_("Section(s) {sections} would print \"Nihil\" although the period "
                              "has {critical} critical incident(s): write them, or confirm "
                              "(--confirm-nihil) that Nihil is right"),
                           sections=", ".join(check.unconfirmed),
                           critical=check.critical)


def issue(ctx: AppContext, options: SitrepOptions, texts: SitrepTexts | None = None, *,
          corrects: str | None = None, confirm_nihil: bool = False,
          progress: Progress = NO_PROGRESS) -> IssuedInfo:
    """Issue ("Terbitkan"): next number, final PDF stored with its SHA-256. Never
    overwrites; `corrects` names the number of an earlier report this one corrects.
    Refused without a signer, or with an unconfirmed Nihil in F/H on a critical day."""
    require(ctx.actor, Permission.SITREP_ISSUE)
    options = check_options(options)
    report_archive.check_texts(texts)
    corrects = report_archive.check_corrects(ctx, corrects)
    with paused_gc():
        data = gather(ctx, options, texts, progress)
        check_issuable(data, confirm_nihil)

        job = report_archive.Issuing(
            ReportKind.DAILY.value, settings.SITREP_NUMBER_FORMAT, options.report_date,
            data.period.start, data.period.end, options.regency or PROVINCE_CODE,
            options.paper, options.lang, options.to_json(), data.texts.to_json(), corrects)
        return report_archive.issue_letter(ctx, job, data, sitrep_pdf.render_bytes, progress)


def issued_inputs(ctx: AppContext, ref: str) -> tuple[SitrepOptions, SitrepTexts]:
    """Options and texts of an issued daily report, e.g. to prepare a correction."""
    kind, options, texts = report_archive.issued_raw_inputs(ctx, ref)
    if kind != ReportKind.DAILY.value:
        raise ValidationError(N_("{number} is not a daily sitrep"), field="number", number=ref)
    return SitrepOptions.from_json(options), SitrepTexts.from_json(texts)

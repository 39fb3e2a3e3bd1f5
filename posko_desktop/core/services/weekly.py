"""Weekly report (laporan mingguan): gather, render, issue, archive.

The week runs Monday to Sunday in WIB, from Monday at `weekly.start_hour` (default 00.00)
to the next Monday at that hour. An incident belongs to the week in which it *occurred*;
deleted incidents never count; "open" is where the incidents stand now. Issued reports go
into the same archive as the daily sitrep (`report_archive`), with their own number
format (`weekly.number_format`). docs/sitrep.md, "Weekly report".
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Category, Incident
from posko_desktop.core.domain import PROVINCE_CODE, Severity, Status, ValidationError
from posko_desktop.core.i18n import N_, _, language
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports import weekly_pdf
from posko_desktop.core.reports.calendar import load_calendar
from posko_desktop.core.reports.data import (
    GROUPS,
    AppendixRow,
    GroupInfo,
    ReportKind,
    SitrepTexts,
)
from posko_desktop.core.reports.weekly_data import (
    CategoryCount,
    DayCount,
    TakedownLine,
    WeeklyData,
    WeeklyOptions,
    week_monday,
)
from posko_desktop.core.services import baseline, dashboard, report_archive
from posko_desktop.core.services import sitrep_queries as q
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.medsos import reporting as medsos_reporting
from posko_desktop.core.services.reference import normalize_regency_code, regencies
from posko_desktop.core.services.report_archive import Checklist, IssuedInfo
from posko_desktop.core.services.sitrep import activities_of
from posko_desktop.core.textrules import format_datetime_wib
from posko_desktop.core.timeutil import WIB

logger = logging.getLogger(__name__)

TOP_CATEGORIES = 10
OUTLOOK_DAYS = 7


def check_options(options: WeeklyOptions) -> WeeklyOptions:
    """Normalise and validate; raises ValidationError (nothing is written)."""
    try:
        monday = week_monday(options.week)
    except ValueError:
        raise ValidationError(N_("Not a week (YYYY-Www, e.g. 2024-W48): {value}"), field="week",
                              value=options.week) from None
    if not 2020 <= monday.year <= 2100:
        raise ValidationError(N_("The report date {value} is out of range"), field="week",
                              value=options.week)
    report_archive.check_paper_lang(options.paper, options.lang)
    regency = options.regency
    if regency in (None, "", PROVINCE_CODE):
        regency = None
    else:
        regency = normalize_regency_code(regency)
        if regency is None:
            raise ValidationError(N_("Unknown regency code {code}"), field="regency",
                                  code=options.regency)
    year, week, _day = monday.isocalendar()
    return replace(options, week=f"{year}-W{week:02d}", regency=regency)


def week_start(monday: date, hour: int) -> datetime:
    return datetime(monday.year, monday.month, monday.day, hour, tzinfo=WIB)


def takedowns_of(ctx: AppContext, start: datetime, end: datetime,
                 regency: str | None, lang: str = "id") -> tuple[TakedownLine, ...]:
    """Take-down requests submitted in [start, end): one line per post, its state in
    `lang` (`services.medsos.reporting.takedown_lines`; none: "Nihil")."""
    return medsos_reporting.takedown_lines(ctx, start, end, regency, lang)


def gather(ctx: AppContext, options: WeeklyOptions, texts: SitrepTexts | None = None,
           progress: Progress = NO_PROGRESS) -> WeeklyData:
    options = check_options(options)
    texts = SitrepTexts.from_json(texts.to_json()) if texts else SitrepTexts()
    cal = load_calendar()
    progress.report(2, 100, _("Reading the database"))
    with ctx.db.read() as s:
        conf = settings.get_all(s)
        hour = int(conf.get(settings.WEEKLY_START_HOUR.key, 0))
        hour = hour if 0 <= hour <= 23 else 0
        start = week_start(options.monday, hour)
        end = start + timedelta(days=7)
        all_regencies = regencies(s)
        scope = [r for r in all_regencies if r.code == options.regency] or all_regencies
        scope_code = options.regency
        groups = tuple(
            GroupInfo(c.code, c.label_id, c.label_en)
            for c in s.scalars(select(Category).where(Category.parent_code.is_(None))
                               .order_by(Category.sort_order, Category.code))
            if c.code in GROUPS)
        week, per_regency = q.counts(s, start, end, scope_code)
        previous = q.totals(s, start - timedelta(days=7), start, scope_code)
        days = tuple(DayCount(options.monday + timedelta(days=i), start + timedelta(days=i),
                              q.totals(s, start + timedelta(days=i),
                                       start + timedelta(days=i + 1), scope_code))
                     for i in range(7))
        progress.report(20, 100, _("Counting incidents"))
        labels = {c.code: c for c in s.scalars(select(Category))}
        top = s.execute(q.scoped(
            select(Incident.category_code, func.count())
            .where(Incident.occurred_at >= start, Incident.occurred_at < end)
            .group_by(Incident.category_code), scope_code)).all()
        top_categories = tuple(
            CategoryCount(code, labels[code].label_id if code in labels else code,
                          labels[code].label_en if code in labels else code, n)
            for code, n in sorted(top, key=lambda r: (-r[1], r[0]))[:TOP_CATEGORIES])
        names = {r.code: r.full_name for r in all_regencies}
        open_states = [st.value for st in Status if st.is_open]
        critical = s.execute(q.scoped(
            select(Incident.number, Incident.occurred_at, Incident.regency_code,
                   Incident.category_code, Incident.severity, Incident.status, Incident.title)
            .where(Incident.occurred_at >= start, Incident.occurred_at < end,
                   Incident.severity == Severity.KRITIS.value, Incident.status.in_(open_states))
            .order_by(Incident.occurred_at, Incident.seq), scope_code)).all()
        open_critical = tuple(AppendixRow(n, at, names.get(rc, rc), cat, sev, st, title)
                              for n, at, rc, cat, sev, st, title in critical)
    progress.report(30, 100, _("Reading situation levels"))
    levels = dashboard.situation_levels(ctx, end)
    rows = tuple(q.regency_row(r, per_regency.get(r.code, {}), None, levels.get(r.code))
                 for r in scope)
    letterhead, signer, identity, tembusan = report_archive.letter_parts(
        conf, texts.sifat, texts.subject)
    texts.highlights = None
    return WeeklyData(
        options=options, start=start, end=end,
        scope_name=(scope[0].full_name if scope_code else "Provinsi Jawa Tengah"),
        is_province=scope_code is None, letterhead=letterhead, signer=signer,
        identity=identity, tembusan=tembusan, election_name=cal.name(options.lang),
        voting_day=cal.voting_day, groups=groups, week=week, previous=previous, days=days,
        regency_rows=rows, levels=levels, top_categories=top_categories,
        open_critical=open_critical,
        activities=activities_of(ctx, start, end, scope_code),
        takedowns=takedowns_of(ctx, start, end, scope_code, options.lang),
        milestones=cal.milestones(options.sunday, OUTLOOK_DAYS), texts=texts,
        kerawanan=baseline.kerawanan_of(ctx, levels, scope_code, names),
        training=bool(conf[settings.SITE_TRAINING.key]),
        critical_pdf_max=max(0, int(conf.get(settings.WEEKLY_CRITICAL_PDF_MAX.key, 100))),
    )


def generate(ctx: AppContext, options: WeeklyOptions, texts: SitrepTexts | None = None,
             progress: Progress = NO_PROGRESS) -> tuple[bytes, WeeklyData, int]:
    """A draft (no number): PDF bytes, the data shown and the page count."""
    data = gather(ctx, options, texts, progress)
    data.generated_at = ctx.now()
    pdf, pages = weekly_pdf.render_bytes(data, progress)
    progress.report(100, 100, _("Done"))
    return pdf, data, pages


def checklist(data: WeeklyData) -> Checklist:
    nihil = [letter for letter, empty in (
        ("5", not data.open_critical), ("6", not data.activities), ("7", not data.takedowns),
        ("9", not data.texts.conclusions.strip())) if empty]
    with language(data.options.lang):
        period = "{} – {}".format(format_datetime_wib(data.start), format_datetime_wib(data.end))
    return Checklist(tuple(data.signer.missing()), period, data.week.new,
                     data.week.by_severity.get("kritis", 0), len(data.open_critical),
                     tuple(nihil), confirm_sections=())


def issue_checklist(ctx: AppContext, options: WeeklyOptions,
                    texts: SitrepTexts | None = None) -> Checklist:
    return checklist(gather(ctx, options, texts))


def issue(ctx: AppContext, options: WeeklyOptions, texts: SitrepTexts | None = None, *,
          corrects: str | None = None, progress: Progress = NO_PROGRESS) -> IssuedInfo:
    """Issue the weekly report: next number, final PDF archived (never overwritten).
    Refused while the signer's name, position or NIP is empty."""
    require(ctx.actor, Permission.SITREP_ISSUE)
    options = check_options(options)
    report_archive.check_texts(texts)
    corrects = report_archive.check_corrects(ctx, corrects)
    data = gather(ctx, options, texts, progress)
    report_archive.check_signer(data.signer)

    job = report_archive.Issuing(
        ReportKind.WEEKLY.value, settings.WEEKLY_NUMBER_FORMAT, options.monday, data.start,
        data.end, options.regency or PROVINCE_CODE, options.paper, options.lang,
        options.to_json(), data.texts.to_json(), corrects)
    return report_archive.issue_letter(ctx, job, data, weekly_pdf.render_bytes, progress)

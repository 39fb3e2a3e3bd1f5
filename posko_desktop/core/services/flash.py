"""Flash report (laporan cepat/khusus) of one incident: gather, render, issue, archive.

Issued into the same archive as the sitrep (`report_archive`), numbered with
`flash.number_format`; a later flash report of the same incident names the previous one.
docs/sitrep.md, "Flash report".
"""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import select

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models import Category
from posko_desktop.core.db.models_sitrep import IssuedSitrep
from posko_desktop.core.domain import (
    FollowUpKind,
    ReferralState,
    Severity,
    Status,
    ValidationError,
)
from posko_desktop.core.i18n import N_, _, language
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports import flash_pdf
from posko_desktop.core.reports.data import ReportKind, SitrepTexts
from posko_desktop.core.reports.flash_pdf import FlashAction, FlashData, FlashOptions
from posko_desktop.core.services import incidents, report_archive
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.reference import regencies
from posko_desktop.core.services.report_archive import Checklist, IssuedInfo
from posko_desktop.core.textrules import format_datetime_wib
from posko_desktop.core.timeutil import wib_date

logger = logging.getLogger(__name__)


def check_options(options: FlashOptions) -> FlashOptions:
    report_archive.check_paper_lang(options.paper, options.lang)
    return replace(options, incident=options.incident.strip())


def previous_report(ctx: AppContext, incident_id: str) -> str | None:
    """Number of the newest flash report already issued for the incident, or None."""
    with ctx.db.read() as s:
        rows = s.execute(select(IssuedSitrep.number, IssuedSitrep.options)
                         .order_by(IssuedSitrep.issued_at.desc(), IssuedSitrep.seq.desc())).all()
    for number, options in rows:
        opts = options or {}
        if opts.get("kind") == ReportKind.FLASH.value and opts.get("incident_id") == incident_id:
            return str(number)
    return None


def _action_text(entry: incidents.FollowUpEntry) -> str:
    if entry.kind == FollowUpKind.STATUS.value and entry.status_to:
        try:
            label = Status(entry.status_to).label
        except ValueError:
            label = entry.status_to
        return "[{s}] {t}".format(s=label, t=entry.text).strip() if entry.text else label
    if entry.kind == FollowUpKind.REFERRAL.value:
        return _("Referred to {agency}: {text}").format(agency=entry.agency_code or "",
                                                        text=entry.text)
    if entry.kind == FollowUpKind.REFERRAL_UPDATE.value and entry.referral_state:
        try:
            state = ReferralState(entry.referral_state).label
        except ValueError:
            state = entry.referral_state
        return "{a} ({s}) {t}".format(a=entry.agency_code or "", s=state, t=entry.text).strip()
    return entry.text


def gather(ctx: AppContext, options: FlashOptions, texts: SitrepTexts | None = None,
           progress: Progress = NO_PROGRESS) -> FlashData:
    options = check_options(options)
    texts = texts or SitrepTexts()
    progress.report(5, 100, _("Reading the database"))
    detail = incidents.get_incident(ctx, incidents.resolve_ref(ctx, options.incident))
    if detail.deleted:
        raise ValidationError(N_("Incident {number} is deleted; no flash report"),
                              field="incident", number=detail.number)
    with ctx.db.read() as s:
        conf = settings.get_all(s)
        category = s.get(Category, detail.category_code)
        regency = next((r.full_name for r in regencies(s) if r.code == detail.regency_code),
                       detail.regency_name)
    actions = tuple(FlashAction(f.created_at, _action_text(f)) for f in detail.timeline
                    if (f.text or "").strip() or f.kind == FollowUpKind.STATUS.value)
    letterhead, signer, identity, tembusan = report_archive.letter_parts(
        conf, texts.sifat, texts.subject)
    return FlashData(
        training=bool(conf[settings.SITE_TRAINING.key]),
        options=replace(options, incident=detail.number), incident_id=str(detail.id),
        number=None, incident_number=detail.number, title=detail.title,
        occurred_at=detail.occurred_at, reported_at=detail.reported_at,
        regency_code=detail.regency_code, regency_name=regency, kecamatan=detail.kecamatan, desa=detail.desa,
        location=detail.location, category_code=detail.category_code,
        category_label_id=category.label_id if category else detail.category_code,
        category_label_en=category.label_en if category else detail.category_code,
        severity=detail.severity, status=detail.status, description=detail.description,
        people_involved=detail.people_involved, source_type=detail.source_type,
        source_detail=detail.source_detail, actions=actions, letterhead=letterhead,
        signer=signer, identity=identity, tembusan=tembusan,
        previous=previous_report(ctx, str(detail.id)),
        dead=detail.victims_dead, injured=detail.victims_injured,
        material_loss=detail.material_loss or None,
        current_condition=detail.current_condition or None,
        source_contact=" ".join(filter(None, (detail.source_contact,
                                              detail.source_phone))) or None,
    )


def generate(ctx: AppContext, options: FlashOptions, texts: SitrepTexts | None = None,
             progress: Progress = NO_PROGRESS) -> tuple[bytes, FlashData, int]:
    """A draft (no number): PDF bytes, the data shown and the page count."""
    data = gather(ctx, options, texts, progress)
    data.generated_at = ctx.now()
    pdf, pages = flash_pdf.render_bytes(data, progress)
    progress.report(100, 100, _("Done"))
    return pdf, data, pages


def issue_checklist(ctx: AppContext, options: FlashOptions,
                    texts: SitrepTexts | None = None) -> Checklist:
    """What the window shows before "Terbitkan": the signer (refused while empty, as for
    every report) and the incident; a flash report has no free text that could print Nihil."""
    data = gather(ctx, options, texts)
    with language(data.options.lang):
        when = format_datetime_wib(data.occurred_at)
    return Checklist(tuple(data.signer.missing()), when, 1,
                     int(data.severity == Severity.KRITIS.value), 0, (), confirm_sections=())


def issue(ctx: AppContext, options: FlashOptions, texts: SitrepTexts | None = None, *,
          corrects: str | None = None, progress: Progress = NO_PROGRESS) -> IssuedInfo:
    """Issue the flash report: next number, final PDF archived (never overwritten).
    Refused while the signer's name, position or NIP is empty."""
    require(ctx.actor, Permission.SITREP_ISSUE)
    options = check_options(options)
    report_archive.check_texts(texts)
    corrects = report_archive.check_corrects(ctx, corrects)
    data = gather(ctx, options, texts, progress)
    report_archive.check_signer(data.signer)

    now = ctx.now()
    job = report_archive.Issuing(
        ReportKind.FLASH.value, settings.FLASH_NUMBER_FORMAT, wib_date(now), data.occurred_at,
        now, data.regency_code, options.paper, options.lang,
        {**data.options.to_json(), "incident_id": data.incident_id},
        SitrepTexts(sifat=data.identity.sifat, subject=data.identity.subject).to_json(),
        corrects)
    return report_archive.issue_letter(ctx, job, data, flash_pdf.render_bytes, progress)

"""Print one incident (`posko incident print NUMBER --out FILE.pdf`, the detail pane's
Print): every field with the window's labels, the timeline, the referrals and the list of
attachments, on A4 (core/reports/incident_sheet.py lays it out)."""

from __future__ import annotations

import logging
from pathlib import Path

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import FollowUpKind
from posko_desktop.core.i18n import N_, _, current_language, language
from posko_desktop.core.reports.incident_sheet import IncidentSheet, SheetTable, render_bytes
from posko_desktop.core.reports.pdf_common import referral_label, status_label
from posko_desktop.core.services import incidents, reference, settings_service
from posko_desktop.core.services.incidents import FollowUpEntry, IncidentDetail
from posko_desktop.core.services.value_texts import ValueTexts, field_label
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.textrules import format_datetime_wib, format_int, training_marking

logger = logging.getLogger(__name__)

# the incident's own fields, in the order of the form
SHEET_FIELDS = ("status", "severity", "category_code", "regency_code", "kecamatan", "desa",
                "location", "latitude", "longitude", "occurred_at", "reported_at",
                "source_type", "source_detail", "source_contact", "source_phone",
                "people_involved", "victims_dead", "victims_injured", "material_loss",
                "current_condition", "description")
_KIND_LABELS = {FollowUpKind.NOTE.value: N_("Note"), FollowUpKind.STATUS.value: N_("Status"),
                FollowUpKind.REFERRAL.value: N_("Referral"),
                FollowUpKind.REFERRAL_UPDATE.value: N_("Referral update")}


def gather(ctx: AppContext, ref: str, lang: str | None = None) -> IncidentSheet:
    """The sheet of one incident (number or id), texts in `lang` (default: the UI's)."""
    detail = incidents.get_incident(ctx, incidents.resolve_ref(ctx, ref))
    agencies = {a.code: a.name for a in reference.list_agencies(ctx)}
    training = bool(settings_service.get(ctx, settings.SITE_TRAINING.key))
    with language(lang or current_language()):
        return _sheet(ctx, detail, ValueTexts(ctx), agencies, training, lang or current_language())


def _sheet(ctx: AppContext, d: IncidentDetail, values: ValueTexts, agencies: dict[str, str],
           training: bool, lang: str) -> IncidentSheet:
    shown = [(field_label(name), values.text(name, getattr(d, name))) for name in SHEET_FIELDS]
    shown += [
        (_("Recorded by"), "{who}, {when}".format(who=d.recorded_by,
                                                  when=format_datetime_wib(d.created_at))),
        (_("Last changed"), "{who}, {when}".format(who=d.updated_by,
                                                   when=format_datetime_wib(d.updated_at))),
        (_("Respond by"), format_datetime_wib(d.respond_by)),
        (_("Responded"), format_datetime_wib(d.responded_at) or "—"),
        (_("Origin site"), d.origin_site),
    ]
    if d.deleted:
        shown.insert(0, (_("Deleted"), _("yes")))
    timeline = SheetTable(
        _("Timeline"), (_("Time (WIB)"), _("By"), _("Kind"), _("Text")),
        tuple((format_datetime_wib(e.created_at), e.author,
               _(_KIND_LABELS.get(e.kind, e.kind)), _entry_text(e, agencies))
              for e in d.timeline),
        (0.2, 0.14, 0.14, 0.52), _("No follow-up yet."))
    referrals = SheetTable(
        _("Referrals"), (_("Agency"), _("State"), _("Due"), _("Note")),
        tuple((agencies.get(r.agency_code, r.agency_code), referral_label(r.state),
               format_datetime_wib(r.due_at) or "—", r.text) for r in d.referrals),
        (0.28, 0.14, 0.2, 0.38), _("No referral."))
    attachments = SheetTable(
        _("Attachments"), (_("File"), _("Type"), _("Size"), _("Added"), _("SHA-256")),
        tuple((a.filename, a.mime, _size(a.size),
               "{who}, {when}".format(who=a.added_by, when=format_datetime_wib(a.added_at)),
               a.sha256[:16] + "…") for a in d.attachments),
        (0.3, 0.14, 0.1, 0.26, 0.2), _("No attachment."))
    return IncidentSheet(
        heading=_("Incident {number}").format(number=d.number), title=d.title,
        fields=tuple(shown), tables=(timeline, referrals, attachments),
        footer=_("Printed {when} by {user}").format(when=format_datetime_wib(ctx.now()),
                                                    user=ctx.actor.username),
        lang=lang, training_mark=training_marking() if training else "",
        severity=d.severity, severity_row=shown.index((field_label("severity"), values.text(
            "severity", d.severity))))


def _entry_text(e: FollowUpEntry, agencies: dict[str, str]) -> str:
    if e.kind == FollowUpKind.STATUS.value and e.status_to:
        moved = "{a} → {b}".format(a=status_label(e.status_from or '—'), b=status_label(e.status_to))
        return moved + (": " + e.text if e.text else "")
    if e.agency_code:
        head = agencies.get(e.agency_code, e.agency_code)
        if e.referral_state:
            head += " ({s})".format(s=referral_label(e.referral_state))
        return head + (": " + e.text if e.text else "")
    return e.text


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return "{n} MB".format(n=format_int(round(size / 1024 / 1024)))
    return "{n} kB".format(n=format_int(max(1, round(size / 1024))))


def print_pdf(ctx: AppContext, ref: str, path: str | Path, lang: str | None = None) -> int:
    """Write the sheet as a PDF file (written beside it, then moved in place: never half a
    file; FileWriteError when it cannot be written); returns the page count."""
    sheet = gather(ctx, ref, lang)
    pdf, pages = render_bytes(sheet)
    target = Path(path).expanduser()
    write_atomically(target, lambda tmp: tmp.write_bytes(pdf))
    logger.info("Incident %s printed to %s (%s pages)", sheet.heading, target, pages)
    return pages

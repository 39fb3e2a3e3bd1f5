"""The Pantau Medsos outputs over the stored records: the clarification as ClaimReview and
as the klarifikasi card, the take-down request letter (draft, or issued into the report
archive with a number like the sitrep), the take-down register (XLSX), a case's timeline.

Reads only (the letter's issue writes the archive through `report_archive`); the data is
gathered here and handed to the pure outputs in `medsos/claimreview.py`,
`reports/medsos_card.py`, `reports/takedown_pdf.py`, `spreadsheets/takedown_register.py`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.models_medsos import HoaxCase, SocialPost
from posko_desktop.core.domain import TransitionError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.medsos import claimreview
from posko_desktop.core.medsos.outputs import (
    Appearance,
    Clarification,
    EvidenceRef,
    RegisterRow,
    Source,
    TakedownItem,
)
from posko_desktop.core.medsos.vocab import (
    Addressee,
    CaseCategory,
    RecheckResult,
    TakedownStatus,
    Verdict,
    platform_name,
)
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports import medsos_card, takedown_pdf
from posko_desktop.core.reports.data import SitrepTexts
from posko_desktop.core.reports.takedown_pdf import TakedownLetterData, TakedownLetterOptions
from posko_desktop.core.services import report_archive
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.medsos import cases, takedowns
from posko_desktop.core.services.medsos.cases import CaseDetail
from posko_desktop.core.services.medsos.posts import PostInfo, post_info
from posko_desktop.core.services.medsos.takedowns import TakedownFilter, TakedownInfo
from posko_desktop.core.services.report_archive import IssuedInfo
from posko_desktop.core.spreadsheets.takedown_register import write_register
from posko_desktop.core.textrules import training_marking
from posko_desktop.core.timeutil import wib_date

logger = logging.getLogger(__name__)

LETTER_KIND = "takedown"  # the report archive's kind of an issued take-down letter

# Who a letter goes to, per addressee (name of the office, its place); the letter's
# recipient can be given instead (`posko takedown letter --recipient`).
RECIPIENTS: dict[str, tuple[str, str]] = {
    Addressee.KOMDIGI.value: ("Menteri Komunikasi dan Digital Republik Indonesia c.q. "
                              "Direktur Jenderal Pengawasan Ruang Digital", "Jakarta"),
    Addressee.BAWASLU.value: ("Ketua Badan Pengawas Pemilihan Umum Provinsi Jawa Tengah",
                              "Semarang"),
    Addressee.POLDA_SIBER.value: ("Kepala Kepolisian Daerah Jawa Tengah c.q. Direktur "
                                  "Reserse Siber", "Semarang"),
    Addressee.PLATFORM.value: ("Pimpinan {platform} Indonesia", "Jakarta"),
}
def _posts_by_id(ids: Sequence[uuid.UUID]) -> Any:
    return select(SocialPost).where(SocialPost.id.in_(list(ids)))


def _conf(ctx: AppContext) -> dict[str, Any]:
    with ctx.db.read() as s:
        return settings.get_all(s)


# --- the clarification -------------------------------------------------------------------


def _source(text: str) -> Source:
    """A verdict's source as written: an address is shown by its host name."""
    if text.startswith(("http://", "https://")):
        host = urlsplit(text).hostname or text
        return Source(host.removeprefix("www."), text)
    return Source(text)


def clarification_of(ctx: AppContext, case_id: uuid.UUID, lang: str = "id") -> Clarification:
    """The published (or ready to publish) clarification of a case; TransitionError while
    its verdict is not approved or it has no clarification text."""
    detail = cases.case_detail(ctx, case_id)
    c = detail.case
    if c.verdict is None or c.verdict.approved_by is None:
        raise TransitionError(N_("The verdict of case {number} is not approved yet: the "
                                 "clarification cannot be published"), number=c.number)
    if c.clarification is None or not c.clarification.text.strip():
        raise TransitionError(N_("Case {number} has no clarification text yet"), number=c.number)
    conf = _conf(ctx)
    web = next((p.url for p in c.clarification.published if p.url), "")
    sources = [_source(x) for x in c.verdict.sources]
    sources += [Source(f.publisher or _source(f.url).name, f.url) for f in c.fact_checks]
    appearances = sorted((Appearance(p.url or p.canonical_url, p.platform,
                                     p.account_handle or p.account_name, p.posted_at)
                          for p in detail.posts),
                         key=lambda a: (a.posted_at is None, a.posted_at or c.created_at))
    return Clarification(
        case_number=c.number, claim=c.claim, verdict=c.verdict.verdict,
        verdict_label=Verdict(c.verdict.verdict).label_in(lang),
        explanation=c.clarification.text, published_at=c.clarification.published_at
        or ctx.now(), publisher=str(conf[settings.SITREP_ISSUING_UNIT.key]),
        published_url=web, publisher_url=_website(conf), sources=tuple(sources),
        appearances=tuple(appearances), lang=lang,
        training=bool(conf[settings.SITE_TRAINING.key]))


def _website(conf: dict[str, Any]) -> str:
    site = str(conf[settings.SITREP_LETTERHEAD_WEBSITE.key]).strip()
    if site and not site.startswith(("http://", "https://")):
        site = "https://" + site
    return site


def card_png(ctx: AppContext, case_id: uuid.UUID, lang: str = "id") -> bytes:
    """The klarifikasi card of the case (PNG)."""
    require(ctx.actor, Permission.EXPORT)
    return medsos_card.render_card(clarification_of(ctx, case_id, lang))


def claim_review(ctx: AppContext, case_id: uuid.UUID, lang: str = "id") -> dict[str, Any]:
    """The case's ClaimReview (JSON-LD), checked against its schema."""
    require(ctx.actor, Permission.EXPORT)
    return claimreview.claim_review(clarification_of(ctx, case_id, lang))


# --- the take-down letter ----------------------------------------------------------------


def letter_data(ctx: AppContext, options: TakedownLetterOptions,
                texts: SitrepTexts | None = None, recipient: str = "",
                recipient_place: str = "") -> TakedownLetterData:
    """What the letter of a take-down request shows (a draft: no number)."""
    report_archive.check_paper_lang(options.paper, options.lang)
    report_archive.check_texts(texts)
    texts = texts or SitrepTexts()
    t = takedowns.get_takedown(ctx, takedowns.resolve_ref(ctx, options.request))
    with ctx.db.read() as s:
        conf = settings.get_all(s)
        rows = {p.id: post_info(p) for p in s.scalars(_posts_by_id(t.posts))}
        case = s.get(HoaxCase, t.case_id) if t.case_id else None
        claim = case.claim if case else ""
        case_number = case.number if case else "–"
        category = CaseCategory(case.category).label_in(options.lang) if case else ""
        verdict = case.verdict if case else None
    items = tuple(_item(rows[i]) for i in t.posts if i in rows)
    letterhead, signer, identity, tembusan = report_archive.letter_parts(
        conf, texts.sifat or "segera", texts.subject)
    name, place = RECIPIENTS.get(t.addressee, ("", ""))
    names = sorted({platform_name(p.platform) for p in rows.values()}) or [""]
    identity = replace(identity, recipient=recipient.strip() or name.format(
        platform=" / ".join(names)), recipient_place=recipient_place.strip() or place)
    approved = verdict is not None and verdict.get("approved_by")
    return TakedownLetterData(
        options=replace(options, request=t.number), request_number=t.number,
        case_number=case_number, claim=claim, category_label=category,
        verdict_label=Verdict(verdict["verdict"]).label_in(options.lang)
        if approved and verdict else "",
        legal_basis=t.legal_basis, reference=t.reference, items=items,
        letterhead=letterhead, signer=signer, identity=identity, tembusan=tembusan,
        prepared_at=ctx.now(), training=bool(conf[settings.SITE_TRAINING.key]))


def _item(p: PostInfo) -> TakedownItem:
    return TakedownItem(url=p.url or p.canonical_url, platform=platform_name(p.platform),
                        account=p.account_handle or p.account_name, posted_at=p.posted_at,
                        post_number=p.number,
                        evidence=tuple(EvidenceRef(e.sha256, e.filename) for e in p.evidence))


def letter_draft(ctx: AppContext, options: TakedownLetterOptions,
                 texts: SitrepTexts | None = None, recipient: str = "",
                 recipient_place: str = "", progress: Progress = NO_PROGRESS
                 ) -> tuple[bytes, TakedownLetterData, int]:
    """A draft letter (no number, DRAF on every page): PDF bytes, its data, its pages."""
    data = letter_data(ctx, options, texts, recipient, recipient_place)
    data.generated_at = ctx.now()
    pdf, pages = takedown_pdf.render_bytes(data, progress)
    return pdf, data, pages


def issue_letter(ctx: AppContext, options: TakedownLetterOptions,
                 texts: SitrepTexts | None = None, recipient: str = "",
                 recipient_place: str = "", progress: Progress = NO_PROGRESS) -> IssuedInfo:
    """Issue the letter: next number (`takedown.number_format`), the final PDF kept in the
    report archive. Supervisors; refused while the signer's name, position or NIP is
    empty, or the request lists no post (nothing stored)."""
    require(ctx.actor, Permission.MEDSOS_DECIDE)
    data = letter_data(ctx, options, texts, recipient, recipient_place)
    report_archive.check_signer(data.signer)
    if not data.items:
        raise report_archive.IssueRefused(N_("Take-down request {number} lists no post"),
                                          number=data.request_number)
    now = ctx.now()
    with ctx.db.read() as s:
        site = local_site(s).code
    job = report_archive.Issuing(
        LETTER_KIND, settings.TAKEDOWN_NUMBER_FORMAT, wib_date(now), now, now, site,
        options.paper, options.lang, data.options.to_json(),
        SitrepTexts(sifat=data.identity.sifat, subject=data.identity.subject).to_json(), None)
    info = report_archive.issue_letter(ctx, job, data, takedown_pdf.render_bytes, progress)
    logger.info("Take-down letter %s issued for %s", info.number, data.request_number)
    return info


# --- the register ------------------------------------------------------------------------


def register_rows(ctx: AppContext, flt: TakedownFilter | None = None,
                  lang: str | None = None) -> list[RegisterRow]:
    """The register's rows (oldest first), labels in `lang` (None: the current one)."""
    requests = takedowns.list_takedowns(ctx, flt or TakedownFilter())
    case_ids = {t.case_id for t in requests if t.case_id}
    post_ids = {p for t in requests for p in t.posts}
    with ctx.db.read() as s:
        numbers = dict(s.execute(select(HoaxCase.id, HoaxCase.number)
                                 .where(HoaxCase.id.in_(list(case_ids)))).all()) \
            if case_ids else {}
        found = {row.id: row for row in s.execute(
            select(SocialPost.id, SocialPost.url, SocialPost.canonical_url, SocialPost.platform)
            .where(SocialPost.id.in_(list(post_ids)))).all()} if post_ids else {}
    return [_register_row(t, numbers, found, lang) for t in requests]


def _label(value: Any, lang: str | None) -> str:
    return str(value.label_in(lang) if lang else value.label)


def _register_row(t: TakedownInfo, numbers: dict[Any, str], found: dict[Any, Any],
                  lang: str | None) -> RegisterRow:
    """`found`: the request's posts (id, url, canonical_url, platform); the platform shown
    is the request's, else those of its posts."""
    last = t.rechecks[-1] if t.rechecks else None
    status = TakedownStatus(t.status)
    rows = [found[p] for p in t.posts if p in found]
    platforms = [t.platform] if t.platform else sorted({r.platform for r in rows})
    return RegisterRow(
        number=t.number, case_number=numbers.get(t.case_id, "") if t.case_id else "",
        addressee=_label(Addressee(t.addressee), lang),
        platform=", ".join(platform_name(p) for p in platforms), channel=t.channel,
        reference=t.reference,
        status=_label(status, lang), submitted_at=t.submitted_at,
        last_recheck_at=last.at if last else None,
        last_result=_label(RecheckResult(last.result), lang) if last else "",
        urls=tuple(r.url or r.canonical_url for r in rows),
        open=status not in takedowns.CLOSED)


def export_register(ctx: AppContext, out: str | Path, flt: TakedownFilter | None = None
                    ) -> int:
    """The take-down register as XLSX (`out`); the number of rows."""
    require(ctx.actor, Permission.EXPORT)
    conf = _conf(ctx)
    marking = training_marking() if conf[settings.SITE_TRAINING.key] else ""
    return write_register(register_rows(ctx, flt), out, ctx.now(), marking)


# --- a case's timeline -------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str  # in the current language
    by: str


def case_timeline(detail: CaseDetail, requests: Sequence[TakedownInfo]) -> list[TimelineEntry]:
    """What happened to a case, oldest first, from its own record and its take-down
    requests (both sync: every site sees the same timeline)."""
    c = detail.case
    out = [TimelineEntry(c.created_at, _("Case opened"), c.recorded_by)]
    out += [TimelineEntry(p.collected_at, _("Post {number} collected ({platform})").format(
        number=p.number, platform=platform_name(p.platform)), p.collected_by)
        for p in detail.posts]
    if c.verdict is not None:
        label = Verdict(c.verdict.verdict).label
        out.append(TimelineEntry(c.verdict.decided_at, _("Verdict decided: {verdict}").format(
            verdict=label), c.verdict.decided_by))
        if c.verdict.approved_at is not None:
            out.append(TimelineEntry(c.verdict.approved_at, _("Verdict approved"),
                                     c.verdict.approved_by or ""))
    if c.clarification is not None:
        for pub in c.clarification.published:
            out.append(TimelineEntry(pub.at, _("Clarification published on {channel}").format(
                channel=pub.channel), c.clarification.published_by or ""))
    for t in requests:
        out.append(TimelineEntry(t.created_at, _("Take-down request {number} prepared").format(
            number=t.number), t.recorded_by))
        if t.submitted_at is not None:
            out.append(TimelineEntry(t.submitted_at, _("Take-down request {number} submitted "
                                                       "to {addressee}").format(
                number=t.number, addressee=Addressee(t.addressee).label), ""))
        for r in t.rechecks:
            out.append(TimelineEntry(r.at, _("Re-check of {number}: {result}").format(
                number=t.number, result=RecheckResult(r.result).label), r.by))
    return sorted(out, key=lambda e: e.at)

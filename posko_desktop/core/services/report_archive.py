"""The archive of issued reports (daily sitrep and weekly report) and what issuing needs
from the settings: the letterhead, the signer, the identity block, the number.

One table (`sitrep_issued`, migration 0003) holds every kind; the kind is in the stored
options (`{"kind": "weekly", ...}`; a row without it is a daily sitrep), so no schema change
was needed. The number's sequence runs per year across kinds, like an office's register of
outgoing letters (docs/decisions.md).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext, local_site
from posko_desktop.core.db.models_sitrep import IssuedSitrep
from posko_desktop.core.domain import NotFoundError, PoskoError, ValidationError, check_text
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import LANGUAGES, N_, _
from posko_desktop.core.progress import Progress
from posko_desktop.core.reports.data import (
    Identity,
    Letterhead,
    Paper,
    ReportKind,
    Sifat,
    Signer,
    SitrepTexts,
)
from posko_desktop.core.services import audit
from posko_desktop.core.timeutil import month_roman

logger = logging.getLogger(__name__)


class SitrepError(PoskoError):
    code = "sitrep"


class IssueRefused(SitrepError):
    """Issuing is refused until the user fills something or confirms (nothing stored)."""

    code = "issue_refused"


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
    kind: str = ReportKind.DAILY.value


@dataclass(frozen=True)
class Checklist:
    """What the window shows before "Terbitkan" (and what `issue()` enforces)."""

    signer_missing: tuple[str, ...]  # setting keys still empty (name, position, NIP)
    period_text: str
    new: int
    critical: int
    notable: int
    nihil_sections: tuple[str, ...]  # letters of the sections that would print "Nihil"
    confirm_sections: tuple[str, ...] = ("F", "H")  # a Nihil here needs a confirmation

    @property
    def signer_ok(self) -> bool:
        return not self.signer_missing

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """Sections that print Nihil although the period has critical incidents."""
        if not self.critical:
            return ()
        return tuple(x for x in self.nihil_sections if x in self.confirm_sections)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.unconfirmed)


def kind_of(options: dict[str, Any] | None) -> str:
    return str((options or {}).get("kind") or ReportKind.DAILY.value)


# --- what issuing needs from the settings --------------------------------------------------


def letter_parts(conf: dict[str, Any], sifat: str, subject: str
                 ) -> tuple[Letterhead, Signer, Identity, tuple[str, ...]]:
    """Kop, signer, identity block and tembusan from the settings (`conf`:
    `settings.get_all`); `sifat`/`subject` empty: the setting / the caller's default."""
    logo = str(conf.get(settings.SITREP_LOGO_PATH.key) or "").strip() or None
    letterhead = Letterhead(
        tuple(str(x) for x in conf[settings.SITREP_LETTERHEAD_LINES.key] if str(x).strip()),
        str(conf[settings.SITREP_ISSUING_UNIT.key]),
        str(conf[settings.SITREP_LETTERHEAD_ADDRESS.key]), logo,
        str(conf[settings.SITREP_LETTERHEAD_PHONE.key]),
        str(conf[settings.SITREP_LETTERHEAD_EMAIL.key]),
        str(conf[settings.SITREP_LETTERHEAD_WEBSITE.key]))
    signer = Signer(str(conf[settings.SITREP_SIGNER_PLACE.key]),
                    str(conf[settings.SITREP_SIGNER_POSITION.key]),
                    str(conf[settings.SITREP_SIGNER_NAME.key]),
                    str(conf[settings.SITREP_SIGNER_RANK.key]),
                    str(conf[settings.SITREP_SIGNER_NIP.key]),
                    str(conf[settings.SITREP_SIGNER_ON_BEHALF.key]))
    identity = Identity(
        check_sifat(sifat or str(conf[settings.REPORT_SIFAT.key])), subject.strip(),
        str(conf[settings.SITREP_RECIPIENT.key]), str(conf[settings.SITREP_RECIPIENT_PLACE.key]),
        str(conf[settings.REPORT_CLASSIFICATION_CODE.key]))
    tembusan = tuple(str(x) for x in conf[settings.SITREP_TEMBUSAN.key] if str(x).strip())
    return letterhead, signer, identity, tembusan


def check_paper_lang(paper: str, lang: str) -> None:
    """ValidationError unless `paper` is a4/f4 and `lang` id/en (nothing is written)."""
    if paper not in {p.value for p in Paper}:
        raise ValidationError(N_("Unknown paper size {value} (a4 or f4)"), field="paper",
                              value=paper)
    if lang not in LANGUAGES:
        raise ValidationError(N_("Unknown language {value} (id or en)"), field="lang",
                              value=lang)


def check_texts(texts: SitrepTexts | None) -> None:
    """The edited texts hold no control characters (ValidationError; nothing is written)."""
    if texts is None:
        return
    for line in texts.highlights or ():
        check_text(line, "highlights", multiline=True)
    for name in ("obstacles", "outlook", "conclusions"):
        check_text(getattr(texts, name), name, multiline=True)
    check_text(texts.sifat, "sifat")
    check_text(texts.subject, "subject")


def check_sifat(value: str) -> str:
    value = (value or "").strip().lower()
    if value not in {s.value for s in Sifat}:
        raise ValidationError(N_("Unknown security marking {value} (biasa, segera, terbatas "
                                 "or rahasia)"), field="sifat", value=value)
    return value


def check_signer(signer: Signer) -> None:
    """Refuse to issue while the signer's name, position or NIP is empty."""
    missing = signer.missing()
    if missing:
        raise IssueRefused(N_("A report cannot be issued without its signer: fill in {fields} "
                              "(Settings, or `posko settings set KEY VALUE`)"),
                           fields=", ".join(missing))


# --- numbering and storing -----------------------------------------------------------------


def format_number(fmt: str, seq: int, report_date: date, site: str, code: str) -> str:
    try:
        number = fmt.format(seq=seq, year=report_date.year, month=report_date.month,
                            month_roman=month_roman(report_date.month), site=site, code=code)
    except (KeyError, IndexError, ValueError, AttributeError):
        raise ValidationError(N_("The sitrep number format {format} is not valid"),
                              field="sitrep.number_format", format=fmt) from None
    number = number.strip()
    if not number or len(number) > 120:
        raise ValidationError(N_("The sitrep number format {format} is not valid"),
                              field="sitrep.number_format", format=fmt)
    return number


def next_seq(s: Session, year: int) -> int:
    return int(s.scalar(select(func.max(IssuedSitrep.seq)).where(IssuedSitrep.year == year))
               or 0) + 1


@dataclass(frozen=True)
class Issuing:
    """What `store()` needs besides the rendered PDF."""

    kind: str
    number_format: settings.SettingVar
    report_date: date
    period_start: datetime
    period_end: datetime
    scope: str
    paper: str
    lang: str
    options: dict[str, Any]
    texts: dict[str, Any]
    corrects: str | None


def check_corrects(ctx: AppContext, corrects: str | None) -> str | None:
    corrects = (corrects or "").strip() or None
    if corrects is not None:
        with ctx.db.read() as s:
            if s.scalars(select(IssuedSitrep.id).where(IssuedSitrep.number == corrects)).first() is None:
                raise NotFoundError(N_("No issued sitrep has the number {number}"), number=corrects)
    return corrects


def store(ctx: AppContext, job: Issuing, render: Callable[[str, datetime], tuple[bytes, int]],
          progress: Progress) -> IssuedInfo:
    """Next number, `render(number, now)` the final PDF, store it with its SHA-256 (never
    overwritten). When two workstations issue at once, the second sees the sequence moved
    and renders again with the next number."""
    year = job.report_date.year
    for _attempt in range(5):
        with ctx.db.read() as s:
            fmt = str(settings.get(s, job.number_format))
            code = str(settings.get(s, settings.REPORT_CLASSIFICATION_CODE))
            site = local_site(s).code
            seq = next_seq(s, year)
        number = format_number(fmt, seq, job.report_date, site, code)
        now = ctx.now()
        pdf, pages = render(number, now)
        digest = hashlib.sha256(pdf).hexdigest()
        with ctx.db.write() as s:
            if next_seq(s, year) != seq:
                continue  # another workstation issued meanwhile: render with the next number
            if s.scalars(select(IssuedSitrep.id).where(IssuedSitrep.number == number)).first():
                raise SitrepError(N_("The sitrep number {number} is already used; change the "
                                     "number format"), number=number)
            row = IssuedSitrep(
                id=uuid7(), number=number, year=year, seq=seq, site=site,
                report_date=job.report_date, period_start=job.period_start,
                period_end=job.period_end, scope=job.scope, paper=job.paper, lang=job.lang,
                options=job.options, texts=job.texts, pdf=pdf, sha256=digest, size=len(pdf),
                pages=pages, issued_by=ctx.actor.username, issued_at=now, corrects=job.corrects,
                note="",
            )
            s.add(row)
            s.flush()
            action = "sitrep.issue" if job.kind == ReportKind.DAILY.value else f"{job.kind}.issue"
            audit.record(s, ctx.actor, action, "sitrep", str(row.id), before=None,
                         after={"number": number, "sha256": digest, "kind": job.kind,
                                "report_date": job.report_date.isoformat(),
                                "corrects": job.corrects}, at=now)
            info = _info(row)
        logger.info("Report %s (%s) issued by %s (%s, %d pages)", number, job.kind,
                    ctx.actor.username, digest[:12], pages)
        ctx.bus.publish(Change(ChangeKind.SITREP, (str(info.id),)))
        return info
    raise SitrepError(N_("Could not assign a sitrep number; try again"))


class IssuableData(Protocol):
    number: str | None
    generated_at: datetime | None
    corrects: str | None
    audit_anchor: str | None


D = TypeVar("D", bound=IssuableData)


def issue_letter(ctx: AppContext, job: Issuing, data: D,
                 render_pdf: Callable[[D, Progress], tuple[bytes, int]],
                 progress: Progress) -> IssuedInfo:
    """Store `data` rendered with its number, issue time and the audit trail's anchor as
    it stands before this issue (a paper copy can later prove the trail unchanged)."""

    def render(number: str, now: datetime) -> tuple[bytes, int]:
        data.number, data.generated_at, data.corrects = number, now, job.corrects
        data.audit_anchor = audit.latest_anchor(ctx).text
        return render_pdf(data, progress)

    info = store(ctx, job, render, progress)
    progress.report(100, 100, _("Done"))
    return info


def _info(row: IssuedSitrep) -> IssuedInfo:
    return IssuedInfo(row.id, row.number, row.report_date, row.scope, row.paper, row.lang,
                      row.period_start, row.period_end, row.sha256, row.size, row.pages,
                      row.issued_by, row.issued_at, row.corrects, kind_of(row.options))


_INFO_COLUMNS = (IssuedSitrep.id, IssuedSitrep.number, IssuedSitrep.report_date,
                 IssuedSitrep.scope, IssuedSitrep.paper, IssuedSitrep.lang,
                 IssuedSitrep.period_start, IssuedSitrep.period_end, IssuedSitrep.sha256,
                 IssuedSitrep.size, IssuedSitrep.pages, IssuedSitrep.issued_by,
                 IssuedSitrep.issued_at, IssuedSitrep.corrects, IssuedSitrep.options)


def _info_of(row: tuple[Any, ...]) -> IssuedInfo:
    return IssuedInfo(*row[:-1], kind_of(row[-1]))  # type: ignore[call-arg]  # 14 + kind


def list_issued(ctx: AppContext, limit: int = 500, kind: str | None = None) -> list[IssuedInfo]:
    """Issued reports, newest first (without the PDF bytes); `kind` None: every kind."""
    with ctx.db.read() as s:
        rows = s.execute(select(*_INFO_COLUMNS)
                         .order_by(IssuedSitrep.issued_at.desc(), IssuedSitrep.seq.desc())
                         .limit(limit)).all()
    out = [_info_of(tuple(r)) for r in rows]
    return [i for i in out if kind is None or i.kind == kind]


def find(s: Session, ref: str) -> IssuedSitrep:
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
        row = find(s, ref)
        data = bytes(row.pdf)
        info = _info(row)
    if hashlib.sha256(data).hexdigest() != info.sha256:
        logger.error("Stored report %s does not match its SHA-256", info.number)
        raise SitrepError(N_("The stored PDF of sitrep {number} does not match its checksum"),
                          number=info.number)
    return info, data


def issued_raw_inputs(ctx: AppContext, ref: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Kind, options and texts (JSON) of an issued report, e.g. to prepare a correction."""
    with ctx.db.read() as s:
        row = find(s, ref)
        return kind_of(row.options), dict(row.options or {}), dict(row.texts or {})

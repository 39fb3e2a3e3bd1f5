"""The take-down request letter (surat permohonan penurunan konten) as a PDF: the official
letter shell of the sitrep (`pdf_letter.py`: kop, Nomor/Sifat/Lampiran/Hal, signature with
NIP, tembusan) around the request and a numbered list of the posts, each with its address
and the SHA-256 of every evidence file kept of it, so the addressee can check the copies.

`TakedownLetterData` is filled by the take-down service; no queries here. The recipient
(the addressee's office) is the identity block's `recipient`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from posko_desktop.core.i18n import _, language, ngettext
from posko_desktop.core.medsos.outputs import TakedownItem
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports.data import Identity, Letterhead, Paper, Signer
from posko_desktop.core.reports.fonts import MONO, SANS, register_fonts
from posko_desktop.core.reports.pdf_common import esc, when
from posko_desktop.core.reports.pdf_letter import LetterRenderer
from posko_desktop.core.timeutil import to_wib


@dataclass(frozen=True)
class TakedownLetterOptions:
    request: str  # the take-down request's number (or id)
    paper: str = Paper.A4.value
    lang: str = "id"

    def to_json(self) -> dict[str, Any]:
        return {"kind": "takedown", "request": self.request, "paper": self.paper,
                "lang": self.lang}


@dataclass
class TakedownLetterData:
    options: TakedownLetterOptions
    request_number: str  # the take-down request (TD-…)
    case_number: str  # the hoax case (HOAKS-JTG-2024-0001)
    claim: str
    category_label: str  # in the letter's language
    verdict_label: str  # "" no approved verdict yet
    legal_basis: str
    reference: str  # ticket or earlier letter number ("" none yet)
    items: tuple[TakedownItem, ...]
    letterhead: Letterhead
    signer: Signer
    identity: Identity
    tembusan: tuple[str, ...]
    prepared_at: datetime  # signed on this day (WIB) while a draft
    number: str | None = None
    corrects: str | None = None
    generated_at: datetime | None = None
    audit_anchor: str | None = None
    training: bool = False


def render(data: TakedownLetterData, stream: IO[bytes], progress: Progress = NO_PROGRESS) -> int:
    register_fonts()
    with language(data.options.lang):
        return TakedownRenderer(data, progress).write(stream)


def render_bytes(data: TakedownLetterData, progress: Progress = NO_PROGRESS) -> tuple[bytes, int]:
    buf = io.BytesIO()
    pages = render(data, buf, progress)
    return buf.getvalue(), pages


class TakedownRenderer(LetterRenderer):
    def __init__(self, data: TakedownLetterData, progress: Progress) -> None:
        signed = data.generated_at or data.prepared_at
        super().__init__(data, lang=data.options.lang, paper=data.options.paper,
                         signed_on=_wib_day(signed), progress=progress)
        self.d = data

    def title_text(self) -> str:
        return "{t} – {n}".format(t=_("Take-down request"), n=self.d.request_number)

    def subject_text(self) -> str:
        return self.d.identity.subject or _("Request to take down content ({case})").format(
            case=self.d.case_number)

    def closing_sentence(self) -> str:
        return _("Thank you for your attention and cooperation.")

    def body(self) -> list[Flowable]:
        st, d = self.st, self.d
        n = len(d.items)
        out: list[Flowable] = [self.p(esc(_(
            "To keep the regional election calm, the election-monitoring desk found content "
            "on social media of the category {category} that spreads the claim “{claim}” "
            "(case {case}).").format(category=d.category_label, claim=d.claim.strip(),
                                     case=d.case_number)), st.body_j)]
        if d.verdict_label:
            out.append(self.p(esc(_("After checking it against the sources, the desk found "
                                    "the claim: {verdict}.").format(verdict=d.verdict_label)),
                              st.body_j))
        if d.legal_basis.strip():
            out.append(self.p(esc(_("Legal basis: {basis}").format(basis=d.legal_basis.strip())),
                              st.body_j))
        out.append(self.p(esc(ngettext(
            "We therefore ask you to take down the {n} item listed below. A copy of it is kept "
            "as evidence; the SHA-256 checksum of each file lets you check the copy.",
            "We therefore ask you to take down the {n} items listed below. A copy of each is "
            "kept as evidence; the SHA-256 checksum of each file lets you check the copy.",
            n).format(n=self.num(n))), st.body_j))
        out += [Spacer(1, 2 * mm), self.items_table()]
        ref = d.reference.strip()
        out.append(Spacer(1, 2 * mm))
        out.append(self.p(esc(_("Our reference: take-down request {request}").format(
            request=d.request_number) + ("; " + _("ticket or letter {reference}").format(
                reference=ref) if ref else "")), st.small))
        return out

    def items_table(self) -> Table:
        st = self.st
        head = [Paragraph("<b>{}</b>".format(esc(t)), st.cell) for t in (
            _("No."), _("Platform and account"), _("Address (URL) and evidence (SHA-256)"),
            _("Posted (WIB)"))]
        mono = ParagraphStyle("mono", parent=st.cell, fontName=MONO, fontSize=6.6,
                              leading=8.4, splitLongWords=1)
        url_style = ParagraphStyle("url", parent=st.cell, splitLongWords=1)
        rows: list[list[Any]] = [head]
        for i, item in enumerate(self.d.items, start=1):
            who = esc(item.platform) + ("<br/>" + esc(item.account) if item.account else "")
            cell: list[Flowable] = [Paragraph(esc(item.url), url_style)]
            for ev in item.evidence:
                label = ev.sha256 + (f"  {ev.filename}" if ev.filename else "")
                cell.append(Paragraph(esc(label), mono))
            if not item.evidence:
                cell.append(Paragraph(esc(_("(no evidence file)")), st.cell))
            rows.append([Paragraph(f"{i}.", st.cell), Paragraph(who, st.cell), cell,
                         Paragraph(esc(when(item.posted_at, self.lang)
                                       if item.posted_at else "–"), st.cell)])
        widths = [11 * mm, 32 * mm, self.width - 11 * mm - 32 * mm - 24 * mm, 24 * mm]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 7.8), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.4, "#7a7a7a"),
            ("BACKGROUND", (0, 0), (-1, 0), "#e6e9ee"),
        ]))
        return table


def _wib_day(moment: datetime) -> date:
    return to_wib(moment).date()

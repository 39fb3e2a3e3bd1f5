"""The official-letter shell every report shares (tata naskah dinas): the kop, the identity
block (Nomor, Sifat, Lampiran, Hal, Yth.), the signature with room for the stamp, the
tembusan, and the page furniture ("Halaman X dari Y", number or DRAF, running header).

`LetterRenderer` is subclassed per report kind (sitrep_pdf.py, weekly_pdf.py); the
subclass gives the story between the identity block and the signature.

"Lampiran: N halaman" is known only when the whole document is laid out: the identity
block leaves a `LateText` in its place and the appendix starts with a `PageMark`; the
numbering canvas writes the count when it saves (one pass, no second layout).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from posko_desktop.core.i18n import _, ngettext
from posko_desktop.core.progress import Progress
from posko_desktop.core.reports.annex import Annex, embed
from posko_desktop.core.reports.data import Identity, Letterhead, Sifat, Signer
from posko_desktop.core.reports.fonts import SANS, SERIF
from posko_desktop.core.reports.pdf_common import (
    ALERT,
    GRID,
    INK,
    PAGE_SIZES,
    Styles,
    esc,
    make_styles,
    when,
)
from posko_desktop.core.resources import resource_path
from posko_desktop.core.textrules import format_date_long, format_int, training_marking

logger = logging.getLogger(__name__)

LOGO_MAX_BYTES = 5 * 1024 * 1024
APPENDIX_MARK = "appendix"
STAMP_ROOM = 24 * mm  # signature: room for the handwritten signature and the stamp


def default_logo() -> Path:
    return resource_path("letterhead", "logo.png")


class LetterData(Protocol):
    letterhead: Letterhead
    signer: Signer
    identity: Identity
    tembusan: tuple[str, ...]
    number: str | None
    corrects: str | None
    generated_at: datetime | None
    audit_anchor: str | None
    training: bool  # a training database: a LATIHAN band on every page (issue 19)


# --- late text and page marks -----------------------------------------------------------


@dataclass
class _Late:
    """Text written when the page count is known: (page, x, y, font, size, key)."""

    marks: dict[str, int] = field(default_factory=dict)
    items: list[tuple[int, float, float, str, float, str]] = field(default_factory=list)


class PageMark(Flowable):
    """Records the page it lands on (e.g. the first page of the appendix)."""

    def __init__(self, late: _Late, key: str) -> None:
        super().__init__()
        self.late, self.key = late, key
        self.width = self.height = 0

    def draw(self) -> None:
        self.late.marks.setdefault(self.key, self.canv.getPageNumber())


class LateText(Flowable):
    """A one-line placeholder; the numbering canvas writes its text at save time."""

    def __init__(self, late: _Late, key: str, font: str, size: float, leading: float) -> None:
        super().__init__()
        self.late, self.key, self.font, self.size = late, key, font, size
        self.width, self.height = 10.0, leading

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, self.height - self.size)
        self.late.items.append((self.canv.getPageNumber(), x, y, self.font, self.size,
                                self.key))


# --- page furniture ---------------------------------------------------------------------


@dataclass(frozen=True)
class Footer:
    left: str
    center: str  # "Halaman {page} dari {total}" (already translated)
    right: str
    anchor: str
    running: str  # running header on pages after the first
    watermark: str  # drafts: a faint diagonal word on every page ("" when issued)
    training: str = ""  # a training database: a band across the top of every page


def canvas_class(footer: Footer, sink: list[int], late: _Late,
                 resolve: Callable[[str, int], str],
                 attachments: Callable[[], list[Annex]] = list) -> type[Canvas]:
    """A canvas that knows the page count when it saves ("Halaman X dari Y") and attaches
    the electronic Lampiran files (annex.py)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = SANS
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own reset

        def save(self) -> None:
            total = len(self._pages)
            sink.append(total)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                for page, x, y, font, size, key in late.items:
                    if page == number:
                        self.setFont(font, size)
                        self.setFillColor(INK)
                        self.drawString(x, y, resolve(key, total))
                self._furniture(number, total)
                Canvas.showPage(self)
            embed(self._doc, attachments())  # type: ignore[attr-defined]  # reportlab's
            Canvas.save(self)

        def _furniture(self, page: int, total: int) -> None:
            width, height = self._pagesize  # type: ignore[attr-defined]
            left, right = 25 * mm, width - 20 * mm
            self.saveState()
            self.setStrokeColor(GRID)
            self.setLineWidth(0.5)
            self.line(left, 14 * mm, right, 14 * mm)
            self.setFillColor(INK)
            self.setFont(SANS, 7)
            self.drawString(left, 10.5 * mm, footer.left)
            self.drawCentredString((left + right) / 2, 10.5 * mm,
                                   footer.center.format(page=page, total=total))
            self.drawRightString(right, 10.5 * mm, footer.right)
            if footer.anchor:
                self.setFont(SANS, 6)
                self.drawString(left, 7.2 * mm, footer.anchor)
            if footer.watermark:
                self.saveState()
                self.setFillColor(colors.HexColor("#9a9a9a"))
                self.setFillAlpha(0.12)
                self.setFont(f"{SANS}-Bold", 110)
                self.translate(width / 2, height / 2)
                self.rotate(45)
                self.drawCentredString(0, -40, footer.watermark)
                self.restoreState()
            if footer.training:
                self.setFillColor(ALERT)
                self.rect(0, height - 7 * mm, width, 7 * mm, stroke=0, fill=1)
                self.setFillColor(colors.white)
                self.setFont(f"{SANS}-Bold", 10)
                self.drawCentredString(width / 2, height - 4.8 * mm, footer.training)
                self.setFillColor(INK)
            if page > 1:
                self.setFont(f"{SANS}-Italic", 7)
                self.drawRightString(right, height - 10 * mm, footer.running)
                self.line(left, height - 11.5 * mm, right, height - 11.5 * mm)
            self.restoreState()

    return NumberedCanvas


# --- the shell --------------------------------------------------------------------------


class LetterRenderer:
    """Kop, identity block, signature, tembusan, furniture; subclasses give `body()`."""

    def __init__(self, data: LetterData, *, lang: str, paper: str, signed_on: date,
                 progress: Progress) -> None:
        self.letter = data
        self.lang = lang
        self.signed_on = signed_on
        self.progress = progress
        self.st: Styles = make_styles()
        self.pagesize = PAGE_SIZES.get(paper, PAGE_SIZES["a4"])
        self.width = self.pagesize[0] - 45 * mm  # frame width (25 mm left, 20 mm right)
        self.height = self.pagesize[1] - 35 * mm
        self.late = _Late()

    # -- to be given by the report kind
    def title_text(self) -> str:
        raise NotImplementedError

    def subject_text(self) -> str:
        raise NotImplementedError

    def body(self) -> list[Flowable]:
        raise NotImplementedError

    def appendix(self) -> list[Flowable]:
        return []

    def attachments(self) -> list[Annex]:
        """Files embedded in the PDF (known once `appendix()` has run)."""
        return []

    def closing_sentence(self) -> str:
        return _("Thus this report is submitted for your attention.")

    # -- plumbing
    def num(self, n: int) -> str:
        """A count in the report's language: 1.234 (id) / 1,234 (en)."""
        return format_int(n, self.lang)

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(text, style or self.st.body)

    def nihil(self) -> Paragraph:
        return Paragraph(_("Nil"), ParagraphStyle("nihil", parent=self.st.body, leftIndent=14))

    def free_text(self, text: str) -> list[Flowable]:
        paras = [t for t in (text or "").split("\n") if t.strip()]
        style = ParagraphStyle("free", parent=self.st.body_j, leftIndent=14)
        return [Paragraph(esc(t), style) for t in paras]

    def write(self, stream: IO[bytes]) -> int:
        doc = BaseDocTemplate(
            stream, pagesize=self.pagesize, leftMargin=25 * mm, rightMargin=20 * mm,
            topMargin=15 * mm, bottomMargin=20 * mm, invariant=1,
            title=self.title_text(), author=self.letter.letterhead.unit,
            subject=self.subject_text(), creator="Posko Desk", lang=self.lang,
            initialFontName=SANS,
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        story = [*self.letterhead(), *self.identity_block(), *self.body(), *self.closing()]
        extra = self.appendix()
        if extra:
            story += [PageMark(self.late, APPENDIX_MARK), *extra]
        self.progress.report(80, 100, _("Laying out pages"))
        sink: list[int] = []
        doc.build(story, canvasmaker=canvas_class(self.footer(), sink, self.late,
                                                  self.resolve_late, self.attachments))
        return sink[-1] if sink else 0

    def resolve_late(self, key: str, total: int) -> str:
        start = self.late.marks.get(APPENDIX_MARK)
        if key != APPENDIX_MARK:
            return "—"
        if start is None:  # no appendix pages: the attached file alone, if any
            return _("1 XLSX file") if self.attachments() else "—"
        pages = total - start + 1
        text = ngettext("{n} page", "{n} pages", pages).format(n=self.num(pages))
        if self.attachments():
            text = _("{pages} and 1 XLSX file").format(pages=text)
        return text

    def footer(self) -> Footer:
        d = self.letter
        generated = (_("Generated {when} WIB").format(when=when(d.generated_at, self.lang))
                     if d.generated_at else "")
        anchor = (_("Audit anchor: {anchor}").format(anchor=d.audit_anchor)
                  if d.audit_anchor else "")
        left = (_("No. {number}").format(number=d.number) if d.number
                else _("DRAFT – not issued"))
        return Footer(left, _("Page {page} of {total}"), generated, anchor, self.title_text(),
                      "" if d.number else _("DRAFT"),
                      training_marking() if d.training else "")

    # -- kop
    def letterhead(self) -> list[Flowable]:
        st, lh = self.st, self.letter.letterhead
        lines: list[Flowable] = [Paragraph(esc(line), st.kop_gov) for line in lh.lines]
        if lh.unit:
            lines.append(Paragraph(esc(lh.unit), st.kop_unit))
        if lh.address:
            lines.append(Paragraph(esc(lh.address), st.kop_addr))
        contact = "  ".join(x for x in (
            _("Telephone {phone}").format(phone=lh.phone) if lh.phone else "",
            _("E-mail {email}").format(email=lh.email) if lh.email else "",
            _("Website {site}").format(site=lh.website) if lh.website else "") if x)
        if contact:
            lines.append(Paragraph(esc(contact), st.kop_addr))
        logo = self._logo(22 * mm)
        side = 23 * mm
        kop = Table([[logo or "", lines, ""]], colWidths=[side, self.width - 2 * side, side])
        kop.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 8),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return [
            kop, Spacer(1, 2 * mm),
            HRFlowable(width="100%", thickness=2.2, color=INK, spaceBefore=0, spaceAfter=1.2),
            HRFlowable(width="100%", thickness=0.6, color=INK, spaceBefore=0, spaceAfter=3 * mm),
        ]

    def _logo(self, size: float) -> Image | None:
        """The configured logo, checked now (reportlab would only fail while drawing);
        a missing, huge or unreadable file falls back to the neutral default."""
        for path in (self.letter.letterhead.logo_path, str(default_logo())):
            if not path:
                continue
            try:
                data = Path(path).read_bytes()
                if len(data) > LOGO_MAX_BYTES:
                    raise ValueError("logo file too large")
                ImageReader(io.BytesIO(data)).getSize()
                return Image(io.BytesIO(data), width=size, height=size, kind="proportional")
            except Exception as err:  # a bad logo must not stop the report
                logger.warning("Letterhead logo %s cannot be used (%s)", path, err)
        return None

    def place_and_date(self) -> str:
        """'Semarang, 27 November 2024' (a letter's date carries no weekday)."""
        day = format_date_long(self.signed_on, self.lang).split(", ", 1)[-1]
        return "{place}, {day}".format(place=self.letter.signer.place, day=day)

    # -- Nomor, Sifat, Lampiran, Hal, Yth.
    def sifat_label(self) -> str:
        try:
            return Sifat(self.letter.identity.sifat).label
        except ValueError:
            return self.letter.identity.sifat

    def identity_block(self) -> list[Flowable]:
        st, d = self.st, self.letter
        ident = d.identity
        label = ParagraphStyle("idlab", parent=st.body, spaceAfter=0, leading=13)
        number = d.number or _("(draft – no number until issued)")
        lampiran = LateText(self.late, APPENDIX_MARK, SERIF, label.fontSize, label.leading)
        rows: list[list[Any]] = [
            [self.p(_("Number"), label), self.p(":", label), self.p(esc(number), label)],
            [self.p(_("Security"), label), self.p(":", label), self.p(esc(self.sifat_label()),
                                                                      label)],
            [self.p(_("Attachment"), label), self.p(":", label), lampiran],
            [self.p(_("Subject"), label), self.p(":", label),
             self.p("<b>{}</b>".format(esc(self.subject_text())), label)],
        ]
        left_w = self.width * 0.60
        block = Table(rows, colWidths=[23 * mm, 3 * mm, left_w - 30 * mm])  # 4 mm gap
        block.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SERIF, 10), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ]))
        place = ParagraphStyle("idplace", parent=label)
        to = [self.p(esc(self.place_and_date()), place),
            Spacer(1, 3 * mm), self.p(esc(_("To")), place),
            self.p(esc(_("Dear {recipient}").format(recipient=ident.recipient)), place)]
        if ident.recipient_place:
            to.append(self.p(esc(_("in {place}").format(place=ident.recipient_place)),
                             ParagraphStyle("idin", parent=place, leftIndent=12)))
        outer = Table([[block, to]], colWidths=[left_w, self.width - left_w])
        outer.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), SERIF, 10),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        out: list[Flowable] = [outer, Spacer(1, 3 * mm)]
        if d.corrects:
            out.append(self.p("<i>{}</i>".format(esc(
                _("Correction of report number {number}").format(number=d.corrects))),
                st.subtitle))
        return out

    # -- signature, tembusan
    def closing(self) -> list[Flowable]:
        st, d = self.st, self.letter
        s = d.signer
        out: list[Flowable] = [Spacer(1, 4 * mm),
                               self.p(esc(self.closing_sentence()), st.body_j)]
        lines: list[Flowable] = [self.p(esc(self.place_and_date()), st.sign)]
        if s.on_behalf:
            lines.append(self.p(esc(s.on_behalf), st.sign))
        lines += [self.p("<b>{}</b>".format(esc(s.position or "." * 40)), st.sign),
                  Spacer(1, STAMP_ROOM)]
        name = esc(s.name) if s.name else "(" + "." * 44 + ")"
        lines.append(self.p("<b><u>{}</u></b>".format(name) if s.name else name, st.sign))
        if s.rank:
            lines.append(self.p(esc(s.rank), st.sign))
        lines.append(self.p(esc("NIP. {nip}".format(nip=s.nip or "." * 30)), st.sign))
        block = Table([[lines]], colWidths=[85 * mm], hAlign="RIGHT")
        block.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), SANS, 8),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        out.append(Spacer(1, 3 * mm))
        out.append(block)
        if d.tembusan:
            items: list[Flowable] = [self.p("<u>{}</u>".format(esc(_("Copies to:"))), st.body)]
            for i, t in enumerate(d.tembusan, start=1):
                items.append(Paragraph(esc(t), ParagraphStyle(
                    "temb", parent=st.body, leftIndent=16, bulletIndent=0, spaceAfter=0),
                    bulletText=f"{i}."))
            out.append(Spacer(1, 4 * mm))
            out.append(KeepTogether(items))
        return out

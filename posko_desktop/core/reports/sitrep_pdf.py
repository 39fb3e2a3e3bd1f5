"""The daily situation report (laporan situasi harian) as a PDF, with reportlab platypus.

`render(data, stream)` writes the whole report for a `SitrepData` into any binary stream
and returns the page count. No database access: `services.sitrep.gather()` collects the
data. Text is translated in the report's own language (`data.options.lang`).

Determinism: the PDF is written with reportlab's `invariant` flag (no creation date or
random document id), so the same data gives the same bytes; the only varying text is the
generation time in the footer (`data.generated_at`).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from posko_desktop.core.dashboard_data import Level, ReportStatus
from posko_desktop.core.domain import ReferralState, Severity, SourceType, Status
from posko_desktop.core.i18n import _, language
from posko_desktop.core.progress import NO_PROGRESS, Progress
from posko_desktop.core.reports.data import (
    GROUPS,
    SEVERITIES,
    Counts,
    NotableIncident,
    Paper,
    SitrepData,
)
from posko_desktop.core.reports.fonts import SANS, SERIF, register_fonts
from posko_desktop.core.resources import resource_path
from posko_desktop.core.textrules import (
    format_date,
    format_date_long,
    format_datetime,
    format_int,
    format_signed,
    format_time,
    training_marking,
)
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

F4 = (215 * mm, 330 * mm)
PAGE_SIZES = {Paper.A4.value: A4, Paper.F4.value: F4}
CHART_DPI = 200
NOTABLE_MARK = "●"  # appendix rows of notable incidents (section C)
APPENDIX_HEAD = 24.0  # points: the two-line header row of the appendix
LOGO_MAX_BYTES = 5 * 1024 * 1024
COMPACT_ROW = 10.5  # points: one line of 6.8 pt type in the long lists
DESCRIPTION_MAX = 1500  # characters of a chronology printed in section C
ACTION_MAX = 600

INK = colors.HexColor("#1a1a1a")
GRID = colors.HexColor("#7a7a7a")
HEAD_BG = colors.HexColor("#dfe5ee")
SUB_BG = colors.HexColor("#f0f2f5")
TOTAL_BG = colors.HexColor("#e8e8e8")
ZEBRA = colors.HexColor("#f6f7f9")
ALERT = colors.HexColor("#a01010")



def default_logo() -> Path:
    return resource_path("letterhead", "logo.png")


# --- small text helpers -----------------------------------------------------------------


def esc(text: str | None) -> str:
    """User text made safe for a Paragraph (markup escaped, line breaks kept)."""
    if not text:
        return ""
    clean = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)
    return escape(clean.strip()).replace("\n", "<br/>")


def clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fit(text: str, width: float, font: str = SANS, size: float = 6.8) -> str:
    """One line of plain text no wider than `width` points ("…" when clipped): long lists
    stay compact and fast to lay out (no paragraph wrapping)."""
    text = " ".join((text or "").split())
    if stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def when(moment: datetime | None, lang: str) -> str:
    """'26-11-2024 14.05' (WIB implied by the column header or text)."""
    return format_datetime(moment, lang) if moment is not None else "–"


def when_short(moment: datetime | None, lang: str) -> str:
    """'26-11 14.05' for the compact lists (the year is the report's)."""
    if moment is None:
        return "–"
    return "{d} {t}".format(d=to_wib(moment).strftime("%d-%m"), t=format_time(moment, lang))


def countdown_text(days: int) -> str:
    return f"H-{days}" if days >= 0 else f"H+{-days}"


def report_status_label(code: str) -> str:
    """Masuk / Nihil / Belum: the dashboard's labels, so both show the same words."""
    try:
        return ReportStatus(code).label
    except ValueError:
        return code or "–"


def level_label(code: str) -> str:
    """Kondusif / Waspada / Siaga / Rawan, as on the dashboard."""
    try:
        return Level(code).label
    except ValueError:
        return code or "–"


def _status_label(code: str) -> str:
    try:
        return Status(code).label
    except ValueError:
        return code


def _severity_label(code: str) -> str:
    try:
        return Severity(code).label
    except ValueError:
        return code


def _source_label(code: str) -> str:
    try:
        return SourceType(code).label
    except ValueError:
        return code


def _referral_label(code: str) -> str:
    try:
        return ReferralState(code).label
    except ValueError:
        return code


# --- styles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_j: ParagraphStyle
    kop_gov: ParagraphStyle
    kop_unit: ParagraphStyle
    kop_addr: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    section: ParagraphStyle
    subsection: ParagraphStyle
    item: ParagraphStyle
    cell: ParagraphStyle
    cell_b: ParagraphStyle
    cell_c: ParagraphStyle
    cell_r: ParagraphStyle
    head: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    tiny: ParagraphStyle
    tiny_c: ParagraphStyle
    sign: ParagraphStyle
    ctitle: ParagraphStyle
    head_s: ParagraphStyle


def make_styles() -> Styles:
    styles = _make_styles()
    for name in Styles.__dataclass_fields__:
        getattr(styles, name).bulletFontName = getattr(styles, name).fontName  # no Helvetica
    return styles


def _make_styles() -> Styles:
    body = ParagraphStyle("body", fontName=SERIF, fontSize=10, leading=13.5, textColor=INK,
                          spaceAfter=3)
    cell = ParagraphStyle("cell", fontName=SANS, fontSize=7.8, leading=9.6, textColor=INK)
    tiny = ParagraphStyle("tiny", parent=cell, fontSize=6.8, leading=8.2)
    return Styles(
        body=body,
        body_j=ParagraphStyle("body_j", parent=body, alignment=TA_JUSTIFY),
        kop_gov=ParagraphStyle("kop_gov", fontName=f"{SERIF}-Bold", fontSize=11.5, leading=14,
                               alignment=TA_CENTER, textColor=INK),
        kop_unit=ParagraphStyle("kop_unit", fontName=f"{SERIF}-Bold", fontSize=13, leading=16.5,
                                alignment=TA_CENTER, textColor=INK),
        kop_addr=ParagraphStyle("kop_addr", fontName=SERIF, fontSize=8.5, leading=11,
                                alignment=TA_CENTER, textColor=INK),
        title=ParagraphStyle("title", fontName=f"{SERIF}-Bold", fontSize=12.5, leading=16,
                             alignment=TA_CENTER, textColor=INK, spaceBefore=4),
        subtitle=ParagraphStyle("subtitle", fontName=SERIF, fontSize=10, leading=13,
                                alignment=TA_CENTER, textColor=INK),
        section=ParagraphStyle("section", fontName=f"{SERIF}-Bold", fontSize=10.5, leading=14,
                               textColor=INK, spaceBefore=9, spaceAfter=4, keepWithNext=1),
        subsection=ParagraphStyle("subsection", fontName=f"{SERIF}-Bold", fontSize=10,
                                  leading=13.5, textColor=INK, spaceBefore=5, spaceAfter=3,
                                  leftIndent=14, keepWithNext=1),
        item=ParagraphStyle("item", parent=body, alignment=TA_JUSTIFY, leftIndent=28,
                            bulletIndent=14, spaceAfter=2),
        cell=cell,
        cell_b=ParagraphStyle("cell_b", parent=cell, fontName=f"{SANS}-Bold"),
        cell_c=ParagraphStyle("cell_c", parent=cell, alignment=TA_CENTER),
        cell_r=ParagraphStyle("cell_r", parent=cell, alignment=TA_RIGHT),
        head=ParagraphStyle("head", parent=cell, fontName=f"{SANS}-Bold", alignment=TA_CENTER),
        small=ParagraphStyle("small", fontName=SANS, fontSize=7.3, leading=9.2, textColor=INK),
        caption=ParagraphStyle("caption", fontName=f"{SERIF}-Italic", fontSize=8.8,
                               leading=11.5, alignment=TA_CENTER, textColor=INK,
                               spaceBefore=2, spaceAfter=8),
        tiny=tiny,
        tiny_c=ParagraphStyle("tiny_c", parent=tiny, alignment=TA_CENTER),
        sign=ParagraphStyle("sign", fontName=SERIF, fontSize=10, leading=13,
                            alignment=TA_CENTER, textColor=INK),
        ctitle=ParagraphStyle("ctitle", parent=body, leftIndent=14, spaceBefore=4,
                              spaceAfter=2, keepWithNext=1),
        head_s=ParagraphStyle("head_s", parent=tiny, fontName=f"{SANS}-Bold",
                              alignment=TA_CENTER),
    )


def grid_style(header_rows: int = 1) -> list[tuple[Any, ...]]:
    return [
        ("FONT", (0, 0), (-1, -1), SANS, 7.8),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]


class CompactTable(Flowable):
    """A long list with one line per row (appendix, referrals): fixed row height, plain
    text, zebra rows, the header repeated on every page. Drawn with one text object per
    page instead of one per cell, so thousands of rows lay out in a fraction of the time
    a platypus Table takes."""

    def __init__(self, head: list[Paragraph], rows: list[list[str]], widths: list[float], *,
                 align: str, row_h: float = 10.5, head_h: float = 22.0, size: float = 6.8,
                 red: frozenset[tuple[int, int]] = frozenset(), first_index: int = 0) -> None:
        super().__init__()
        self.head, self.rows, self.widths = head, rows, widths
        self.align = align  # one letter per column: l, r, c
        self.row_h, self.head_h, self.size = row_h, head_h, size
        self.red = red  # (row, column) cells drawn in red, row index into the whole list
        self.first_index = first_index

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = self.head_h + len(self.rows) * self.row_h
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        fits = int((avail_h - self.head_h) // self.row_h)
        if fits <= 0:
            return []
        if fits >= len(self.rows):
            return [self]
        kw: dict[str, Any] = {"align": self.align, "row_h": self.row_h, "head_h": self.head_h,
                              "size": self.size, "red": self.red}
        return [CompactTable(self.head, self.rows[:fits], self.widths, **kw,
                             first_index=self.first_index),
                CompactTable(self.head, self.rows[fits:], self.widths, **kw,
                             first_index=self.first_index + fits)]

    def draw(self) -> None:
        c = self.canv
        width, top = sum(self.widths), self.head_h + len(self.rows) * self.row_h
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        c.saveState()
        c.setFillColor(HEAD_BG)
        c.rect(0, top - self.head_h, width, self.head_h, stroke=0, fill=1)
        c.setFillColor(ZEBRA)
        for i in range(1, len(self.rows), 2):
            c.rect(0, top - self.head_h - (i + 1) * self.row_h, width, self.row_h,
                   stroke=0, fill=1)
        for i, para in enumerate(self.head):
            w = self.widths[i] - 4
            _pw, ph = para.wrap(w, self.head_h)
            para.drawOn(c, xs[i] + 2, top - self.head_h + (self.head_h - ph) / 2)
        text = c.beginText()
        text.setFont(SANS, self.size)
        text.setFillColor(INK)
        base = top - self.head_h - self.row_h + (self.row_h - self.size) / 2 + 1
        for r, row in enumerate(self.rows):
            y = base - r * self.row_h
            for col, value in enumerate(row):
                if not value:
                    continue
                kind = self.align[col]
                if kind == "l":
                    x = xs[col] + 2.5
                else:
                    sw = stringWidth(value, SANS, self.size)
                    x = (xs[col + 1] - 2.5 - sw) if kind == "r" else (
                        (xs[col] + xs[col + 1] - sw) / 2)
                is_red = (self.first_index + r, col) in self.red
                if is_red:
                    text.setFillColor(ALERT)
                text.setTextOrigin(x, y)
                text.textOut(value)
                if is_red:
                    text.setFillColor(INK)
        c.drawText(text)
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        c.lines([(0, y, width, y) for y in
                 [top, top - self.head_h] + [top - self.head_h - (i + 1) * self.row_h
                                             for i in range(len(self.rows))]])
        c.lines([(x, 0, x, top) for x in xs])
        c.restoreState()


# --- page furniture -------------------------------------------------------------------


@dataclass(frozen=True)
class _Footer:
    left: str
    center: str  # "Halaman {page} dari {total}" (already translated)
    right: str
    anchor: str
    running: str  # running header on pages after the first
    watermark: str  # drafts: a faint diagonal word on every page ("" when issued)
    training: str = ""  # a training database: a band across the top of every page


def _canvas_class(footer: _Footer, sink: list[int]) -> type[Canvas]:
    """A canvas that knows the page count when it saves ("Halaman X dari Y")."""

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
                self._furniture(number, total)
                Canvas.showPage(self)
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


# --- the document ---------------------------------------------------------------------


def render(data: SitrepData, stream: IO[bytes], progress: Progress = NO_PROGRESS) -> int:
    """Write the report as PDF into `stream`; returns the number of pages."""
    register_fonts()
    with language(data.options.lang):
        return _Renderer(data, progress).write(stream)


def render_bytes(data: SitrepData, progress: Progress = NO_PROGRESS) -> tuple[bytes, int]:
    buf = io.BytesIO()
    pages = render(data, buf, progress)
    return buf.getvalue(), pages


class _Renderer:
    def __init__(self, data: SitrepData, progress: Progress) -> None:
        self.d = data
        self.lang = data.options.lang
        self.progress = progress
        self.st = make_styles()
        self.pagesize = PAGE_SIZES.get(data.options.paper, A4)
        self.width = self.pagesize[0] - 45 * mm  # frame width (25 mm left, 20 mm right)
        self.height = self.pagesize[1] - 35 * mm

    def num(self, n: int) -> str:
        """A count in the report's language: 1.234 (id) / 1,234 (en)."""
        return format_int(n, self.lang)

    # -- plumbing
    def write(self, stream: IO[bytes]) -> int:
        d = self.d
        doc = BaseDocTemplate(
            stream, pagesize=self.pagesize, leftMargin=25 * mm, rightMargin=20 * mm,
            topMargin=15 * mm, bottomMargin=20 * mm, invariant=1,
            title=self.title_text(), author=d.letterhead.unit, subject=self.period_text(),
            creator="Posko Desk", lang=self.lang, initialFontName=SANS,
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        story = self.story()
        self.progress.report(80, 100, _("Laying out pages"))
        sink: list[int] = []
        doc.build(story, canvasmaker=_canvas_class(self.footer(), sink))
        return sink[-1] if sink else 0

    def footer(self) -> _Footer:
        d = self.d
        generated = (_("Generated {when} WIB").format(when=when(d.generated_at, self.lang))
                     if d.generated_at else "")
        anchor = (_("Audit anchor: {anchor}").format(anchor=d.audit_anchor)
                  if d.audit_anchor else "")
        left = (_("No. {number}").format(number=d.number) if d.number
                else _("DRAFT – not issued"))
        running = "{title} – {date}".format(title=_("Daily situation report"),
                                              date=format_date_long(d.options.report_date, self.lang))
        return _Footer(left, _("Page {page} of {total}"), generated, anchor, running,
                       "" if d.number else _("DRAFT"),
                       training_marking() if d.training else "")

    def title_text(self) -> str:
        return "{t} – {d}".format(t=_("Daily situation report"),
                                  d=format_date_long(self.d.options.report_date, self.lang))

    def period_text(self) -> str:
        p = self.d.period
        return _("{start_day} at {start_time} WIB to {end_day} at {end_time} WIB").format(
            start_day=format_date_long(to_wib(p.start).date(), self.lang),
            start_time=format_time(p.start, self.lang),
            end_day=format_date_long(to_wib(p.end).date(), self.lang),
            end_time=format_time(p.end, self.lang),
        )

    def story(self) -> list[Flowable]:
        steps: list[Callable[[], list[Flowable]]] = [
            self.letterhead, self.heading, self.section_a, self.section_b, self.section_c,
            self.section_d, self.section_e, self.section_f, self.section_g, self.section_h,
            self.closing, self.appendix,
        ]
        story: list[Flowable] = []
        for i, step in enumerate(steps):
            self.progress.report(40 + i * 3, 100, _("Writing the report"))
            story.extend(step())
        return story

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(text, style or self.st.body)

    def nihil(self) -> Paragraph:
        return Paragraph(_("Nil"), ParagraphStyle("nihil", parent=self.st.body, leftIndent=14))

    def free_text(self, text: str) -> list[Flowable]:
        paras = [t for t in (text or "").split("\n") if t.strip()]
        style = ParagraphStyle("free", parent=self.st.body_j, leftIndent=14)
        return [Paragraph(esc(t), style) for t in paras]

    # -- kop and heading
    def letterhead(self) -> list[Flowable]:
        st, lh = self.st, self.d.letterhead
        lines: list[Flowable] = [Paragraph(esc(line), st.kop_gov) for line in lh.lines]
        if lh.unit:
            lines.append(Paragraph(esc(lh.unit), st.kop_unit))
        if lh.address:
            lines.append(Paragraph(esc(lh.address), st.kop_addr))
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
            kop, Spacer(1, 2.5 * mm),
            HRFlowable(width="100%", thickness=2.2, color=INK, spaceBefore=0, spaceAfter=1.2),
            HRFlowable(width="100%", thickness=0.6, color=INK, spaceBefore=0, spaceAfter=5 * mm),
        ]

    def _logo(self, size: float) -> Image | None:
        """The configured logo, checked now (reportlab would only fail while drawing);
        a missing, huge or unreadable file falls back to the neutral default."""
        for path in (self.d.letterhead.logo_path, str(default_logo())):
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

    def heading(self) -> list[Flowable]:
        st, d = self.st, self.d
        scope = d.scope_name.upper()
        out: list[Flowable] = [
            self.p(_("DAILY SITUATION REPORT"), st.title),
            self.p(esc("{e} – {s}".format(e=d.election_name.upper(), s=scope)), st.subtitle),
        ]
        number = d.number or _("(draft – no number until issued)")
        out.append(self.p(esc(_("Number: {number}").format(number=number)), st.subtitle))
        if d.corrects:
            out.append(self.p("<i>{}</i>".format(esc(
                _("Correction of report number {number}").format(number=d.corrects))),
                st.subtitle))
        out.append(Spacer(1, 4 * mm))
        stages = "; ".join(s.label(self.lang) for s in d.stages_now) or "–"
        cd = d.countdown
        if cd > 0:
            cd_text = _("{h}: {n} day(s) before voting day ({day})")
        elif cd == 0:
            cd_text = _("{h}: voting day ({day})")
        else:
            cd_text = _("{h}: {n} day(s) after voting day ({day})")
        cd_text = cd_text.format(h=countdown_text(cd), n=abs(cd),
                                 day=format_date_long(d.voting_day, self.lang))
        rows = [
            (_("To"), d.recipient),
            (_("Day, date"), format_date_long(d.options.report_date, self.lang)),
            (_("Period covered"), self.period_text()),
            (_("Scope"), self.scope_text()),
            (_("Election stage"), stages),
            (_("Countdown"), cd_text),
        ]
        label = ParagraphStyle("lab", parent=st.body, spaceAfter=0)
        table = Table(
            [[self.p(esc(k), label), self.p(":", label), self.p(esc(v), label)]
             for k, v in rows if v],
            colWidths=[40 * mm, 4 * mm, self.width - 44 * mm],
        )
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ]))
        out.append(table)
        return out

    def scope_text(self) -> str:
        d = self.d
        if d.is_province:
            return _("{name} ({count} regencies and cities)").format(
                name=d.scope_name, count=len(d.regency_rows))
        return d.scope_name

    # -- A
    def section_a(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("A. INTRODUCTION"), self.st.section)]
        body = self.free_text(self.d.introduction)
        return out + (body or [self.nihil()])

    # -- B
    def section_b(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("B. SITUATION SUMMARY"), st.section),
                               self.p(_("1. Highlights"), st.subsection)]
        highlights = [h for h in (d.texts.highlights or []) if h.strip()]
        if highlights:
            for i, line in enumerate(highlights):
                out.append(Paragraph(esc(line), st.item, bulletText=f"{chr(97 + i % 26)}."))
        else:
            out.append(Paragraph(_("Nil"), st.item))
        out.append(self.p(_("2. Key figures"), st.subsection))
        out.append(self.key_figures_table())
        out.append(self.p(_("3. Reporting by the regencies and cities"), st.subsection))
        out.extend(self.reporting_lines())
        return out

    def key_figures_table(self) -> Table:
        st, f = self.st, self.d.figures
        head = [self.p(_("Item"), st.head), self.p(_("This period"), st.head),
                self.p(_("Previous period"), st.head), self.p(_("Change"), st.head),
                self.p(_("Cumulative since {day}").format(day=format_date(f.cumulative_from, self.lang)),
                       st.head)]
        rows: list[list[Any]] = [head]
        subheads: list[int] = []
        bold_rows: list[int] = []

        def add(label: str, getter: Callable[[Counts], int], bold: bool = False,
                indent: bool = False) -> None:
            a, b, c = getter(f.period), getter(f.previous), getter(f.cumulative)
            text = esc(label)
            cell = self.p(("&nbsp;&nbsp;&nbsp;&nbsp;" if indent else "") + text,
                          st.cell_b if bold else st.cell)
            if bold:
                bold_rows.append(len(rows))
            rows.append([cell, self.num(a), self.num(b), format_signed(a - b, self.lang),
                         self.num(c)])

        def add_count(label: str, counts_of: Callable[[Counts], dict[str, int]],
                      key: str) -> None:
            add(label, lambda c: counts_of(c).get(key, 0), indent=True)

        add(_("New incidents"), lambda c: c.new, bold=True)
        add(_("of which still open"), lambda c: c.open, indent=True)
        add(_("of which resolved"), lambda c: c.resolved, indent=True)
        add(_("of which rejected or not verifiable"), lambda c: c.closed_other, indent=True)
        subheads.append(len(rows))
        rows.append([self.p(_("By severity"), st.cell_b), "", "", "", ""])
        for sev in SEVERITIES:
            add_count(_severity_label(sev), lambda c: c.by_severity, sev)
        subheads.append(len(rows))
        rows.append([self.p(_("By category group"), st.cell_b), "", "", "", ""])
        for g in self.d.groups:
            add_count("{code}. {label}".format(code=g.code, label=g.label(self.lang)),
                      lambda c: c.by_group, g.code)
        w = self.width
        table = Table(rows, colWidths=[w * 0.40, w * 0.14, w * 0.15, w * 0.12, w * 0.19],
                      repeatRows=1)
        style = grid_style() + [
            ("FONT", (1, 1), (-1, -1), SANS, 7.8),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("RIGHTPADDING", (1, 1), (-1, -1), 6),
        ]
        for r in subheads:
            style += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), SUB_BG)]
        for r in bold_rows:
            style.append(("FONT", (1, r), (-1, r), f"{SANS}-Bold", 7.8))
        table.setStyle(TableStyle(style))
        return table

    def reporting_lines(self) -> list[Flowable]:
        st, d = self.st, self.d
        by: dict[str, list[str]] = {"masuk": [], "nihil": [], "belum": []}
        for row in d.regency_rows:
            by.setdefault(row.report_status, []).append(row.name)
        out: list[Flowable] = []
        labels = (
            ("masuk", _("Reported incidents")),
            ("nihil", _("Reported nil (nothing happened)")),
            ("belum", _("Not yet reported")),
        )
        for code, label in labels:
            names = by.get(code, [])
            text = "<b>{label}</b>: {n}".format(
                label=esc(label), n=_("{count} regencies/cities").format(count=len(names)))
            if names and code != "masuk":
                text += " – " + esc(", ".join(names))
            out.append(Paragraph(text, st.item, bulletText="–"))
        return out

    # -- C
    def section_c(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("C. NOTABLE INCIDENTS"), st.section)]
        if not d.notable_total:
            return out + [self.nihil()]
        intro = _("Incidents of high or critical severity in the period, and incidents verified "
                  "or taken into follow-up in the period: {count}, the most severe first."
                  ).format(count=self.num(d.notable_total))
        rest = d.notable_total - len(d.notable)
        if rest > 0:
            intro += " " + _("The first {n} are described in full; the other {m} are marked "
                             "with {mark} in the appendix.").format(
                n=self.num(len(d.notable)), m=self.num(rest), mark=NOTABLE_MARK)
        out.append(self.p(esc(intro), ParagraphStyle("cintro", parent=st.body_j, leftIndent=14)))
        for i, inc in enumerate(d.notable, start=1):
            if i % 50 == 0:
                self.progress.report(50, 100, _("Writing the report"))
            out.append(self.notable_block(i, inc))
        return out

    def notable_block(self, i: int, inc: NotableIncident) -> Flowable:
        st = self.st
        place = " – ".join(x for x in (inc.regency_name, inc.kecamatan, inc.desa) if x)
        if inc.location:
            place += " ({})".format(inc.location)
        people = (_("{n} person(s)").format(n=self.num(inc.people_involved))
                  if inc.people_involved is not None else "–")
        action = "–"
        if inc.latest_action:
            action = "{t} ({w} WIB)".format(t=clip(inc.latest_action, ACTION_MAX),
                                            w=when(inc.latest_action_at, self.lang))
        if inc.referrals:
            action += "\n" + _("Referrals: {list}").format(list="; ".join(
                "{a} ({s})".format(a=a, s=_referral_label(s).lower()) for a, s in inc.referrals))
        status = _status_label(inc.status)
        if inc.moved_to:
            status += " – " + _("became {status} in the period").format(
                status=_status_label(inc.moved_to).lower())
        source = _source_label(inc.source_type)
        if inc.source_detail:
            source += " – " + clip(inc.source_detail, 200)
        cat_label = inc.category_label_en if self.lang == "en" else inc.category_label_id
        fields = [
            (_("Time"), "{w} WIB".format(w=when(inc.occurred_at, self.lang))),
            (_("Location"), place),
            (_("Category"), "{c} {l}".format(c=inc.category_code, l=cat_label)),
            (_("Chronology"), clip(inc.description, DESCRIPTION_MAX) or inc.title),
            (_("Parties involved"), people),
            (_("Impact (severity)"), _severity_label(inc.severity)),
            (_("Action / latest follow-up"), action),
            (_("Verification status"), status),
            (_("Source"), source),
        ]
        label_w = 36 * mm
        rows = [[self.p(esc(k), st.cell_b), self.p(esc(v), st.cell)] for k, v in fields]
        table = Table(rows, colWidths=[label_w, self.width - 14 - label_w], hAlign="RIGHT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 8),
            ("GRID", (0, 0), (-1, -1), 0.3, GRID),
            ("BACKGROUND", (0, 0), (0, -1), SUB_BG),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]))
        title = Paragraph("{i}. <b>{n}</b> – {t}".format(i=i, n=esc(inc.number), t=esc(inc.title)),
                          self.st.ctitle)
        return KeepTogether([title, table])

    # -- D
    def section_d(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("D. RECAPITULATION BY REGENCY AND CITY"), st.section)]
        head = ([self.p(_("No."), st.head), self.p(_("Regency/city"), st.head)]
                + [self.p(g, st.head) for g in GROUPS]
                + [self.p(_("Total"), st.head), self.p(_("Report"), st.head),
                   self.p(_("Situation"), st.head)])
        rows: list[list[Any]] = [head]
        style = grid_style() + [
            ("FONT", (0, 1), (-1, -1), SANS, 7.8),
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ("ALIGN", (2, 1), (9, -1), "RIGHT"),
            ("ALIGN", (10, 1), (-1, -1), "CENTER"),
        ]
        colors_by_level = _level_colors()
        level_styles = {code: ParagraphStyle(f"lv_{code}", parent=st.cell_c, textColor=fg)
                        for code, (_bg, fg) in colors_by_level.items()}
        missing = ParagraphStyle("belum", parent=st.cell_c, textColor=colors.HexColor("#a01010"))
        totals = dict.fromkeys(GROUPS, 0)
        for i, row in enumerate(d.regency_rows, start=1):
            r = len(rows)
            rows.append([str(i), self.p(esc(row.name), st.cell)]
                        + [self.num(row.by_group.get(g, 0)) for g in GROUPS]
                        + [self.num(row.total),
                           self.p(esc(report_status_label(row.report_status)),
                                  missing if row.report_status == "belum" else st.cell_c),
                           self.p(esc(level_label(row.level)),
                                  level_styles.get(row.level, st.cell_c))])
            for g in GROUPS:
                totals[g] += row.by_group.get(g, 0)
            style.append(("FONT", (9, r), (9, r), f"{SANS}-Bold", 7.8))  # total column
            fill = colors_by_level.get(row.level)
            if fill is not None:
                style.append(("BACKGROUND", (11, r), (11, r), fill[0]))
        r = len(rows)
        rows.append(["", self.p("<b>{}</b>".format(_("TOTAL")), st.cell)]
                    + [self.num(totals[g]) for g in GROUPS]
                    + [self.num(sum(totals.values())), "", ""])
        style += [("BACKGROUND", (0, r), (-1, r), TOTAL_BG),
                  ("FONT", (2, r), (-1, r), f"{SANS}-Bold", 7.8)]
        fixed = 8 * mm + 7 * 8 * mm + 13 * mm + 20 * mm + 20 * mm
        name_w = self.width - fixed
        table = Table(rows, repeatRows=1,
                      colWidths=[8 * mm, name_w] + [8 * mm] * 7 + [13 * mm, 20 * mm, 20 * mm])
        table.setStyle(TableStyle(style))
        out.append(table)
        legend = "; ".join("<b>{c}</b> = {l}".format(c=g.code, l=esc(g.label(self.lang)))
                           for g in d.groups)
        out.append(Spacer(1, 1.5 * mm))
        out.append(self.p("{k}: {legend}. {r}".format(
            k=_("Legend"), legend=legend, r=esc(_(
                "Report: Reported = incidents arrived from or were entered for the regency in "
                "the period; Nil = it reported that nothing happened; Not yet = no report."))),
            st.small))
        out.extend(self.charts())
        return out

    def charts(self) -> list[Flowable]:
        d, st = self.d, self.st
        out: list[Flowable] = []
        trend, tiles = _chart_images(d, self.width)
        self.progress.report(70, 100, _("Drawing the charts"))
        if trend is not None:
            out.append(CondPageBreak(trend.drawHeight + 16 * mm))
            out.append(Spacer(1, 4 * mm))
            out.append(KeepTogether([trend, self.p(esc(_(
                "Figure 1. Incidents per day (WIB calendar day) with the 7-day moving "
                "average and the election milestones")), st.caption)]))
        if tiles is not None:
            out.append(KeepTogether([tiles, self.p(esc(_(
                "Figure 2. Situation level of the 35 regencies and cities at the end of the "
                "period")), st.caption)]))
        return out

    # -- E
    def section_e(self) -> list[Flowable]:
        st, d = self.st, self.d
        a = d.actions
        out: list[Flowable] = [self.p(_("E. FOLLOW-UP AND COORDINATION"), st.section)]
        out.append(self.p(esc(_(
            "In the period: {notes} follow-up note(s), {status} status change(s), {sent} new "
            "referral(s) to agencies and {updates} referral update(s).").format(
                notes=self.num(a.notes), status=self.num(a.status_changes),
                sent=self.num(a.referrals_sent), updates=self.num(a.referral_updates))),
            ParagraphStyle("eintro", parent=st.body_j, leftIndent=14)))
        if not d.referrals_total:
            return out + [self.nihil()]
        out.append(self.p(_("1. Referrals per agency"), st.subsection))
        out.append(self.agency_table())
        out.append(CondPageBreak(45 * mm))
        out.append(self.p(_("2. Referrals, overdue first"),
                          ParagraphStyle("sub_free", parent=st.subsection, keepWithNext=0)))
        head = [self.p(h, st.head_s) for h in (
            _("No."), _("Incident"), _("Regency/city"), _("Agency"), _("Sent (WIB)"),
            _("Due (WIB)"), _("State"), _("Note"))]
        rows: list[list[str]] = []
        red: set[tuple[int, int]] = set()
        fixed = [9 * mm, 22 * mm, 25 * mm, 24 * mm, 17 * mm, 17 * mm, 26 * mm]
        note_w = self.width - sum(fixed)
        for i, ref in enumerate(d.referrals, start=1):
            state = _referral_label(ref.state)
            if ref.overdue:
                state += " – " + _("overdue")
                red.add((i - 1, 6))
            rows.append([str(i), ref.incident_number, fit(ref.regency_name, fixed[2] - 5),
                         fit(ref.agency_name, fixed[3] - 5), when_short(ref.created_at, self.lang),
                         when_short(ref.due_at, self.lang), fit(state, fixed[6] - 5),
                         fit(ref.text, note_w - 5)])
        out.append(CompactTable(head, rows, fixed + [note_w], align="rlllllll",
                                head_h=APPENDIX_HEAD, row_h=COMPACT_ROW, red=frozenset(red)))
        note = _("Listed: referrals sent in the period, and referrals of the 7 days before "
                 "that are still open at its end.")
        if d.referrals_total > len(d.referrals):
            note += " " + _("The first {n} of {total} are listed; the table per agency counts "
                            "all of them.").format(n=self.num(len(d.referrals)),
                                                   total=self.num(d.referrals_total))
        out.append(Spacer(1, 1.5 * mm))
        out.append(self.p(esc(note), st.small))
        return out

    def agency_table(self) -> Table:
        st = self.st
        head = [self.p(h, st.head) for h in (
            _("Agency"), _("Sent in the period"), _("of which done"), _("Still open"),
            _("Past the due time"))]
        rows: list[list[Any]] = [head]
        totals = [0, 0, 0, 0]
        for a in self.d.agency_rows:
            values = [a.sent, a.done, a.open, a.overdue]
            totals = [t + v for t, v in zip(totals, values, strict=True)]
            rows.append([self.p(esc(a.name), st.cell)] + [self.num(v) for v in values])
        rows.append([self.p("<b>{}</b>".format(_("TOTAL")), st.cell)]
                    + [self.num(v) for v in totals])
        w = self.width - 14
        table = Table(rows, repeatRows=1, hAlign="RIGHT",
                      colWidths=[w * 0.36, w * 0.16, w * 0.16, w * 0.16, w * 0.16])
        table.setStyle(TableStyle(grid_style() + [
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("RIGHTPADDING", (1, 1), (-1, -1), 6),
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG),
            ("FONT", (1, -1), (-1, -1), f"{SANS}-Bold", 7.8),
        ]))
        return table

    # -- F, G, H
    def section_f(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("F. OBSTACLES"), self.st.section)]
        return out + (self.free_text(self.d.texts.obstacles) or [self.nihil()])

    def section_g(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [self.p(_("G. OUTLOOK AND AGENDA FOR THE NEXT 24/48/72 HOURS"),
                                      st.section)]
        body: list[Flowable] = []
        for m in d.milestones:
            days = (m.day - d.options.report_date).days
            what = (_("{stage} begins") if m.starts else _("{stage} ends")).format(
                stage=m.stage.label(self.lang))
            body.append(Paragraph("{day} ({h} {hours}): {what}".format(
                day=esc(format_date_long(m.day, self.lang)), h=_("within"),
                hours=_("{n} hours").format(n=24 * max(days, 1)), what=esc(what)),
                st.item, bulletText="–"))
        body.extend(self.free_text(d.texts.outlook))
        return out + (body or [self.nihil()])

    def section_h(self) -> list[Flowable]:
        out: list[Flowable] = [self.p(_("H. CONCLUSIONS AND RECOMMENDATIONS"), self.st.section)]
        return out + (self.free_text(self.d.texts.conclusions) or [self.nihil()])

    # -- signature, tembusan
    def closing(self) -> list[Flowable]:
        st, d = self.st, self.d
        s = d.signer
        out: list[Flowable] = [Spacer(1, 6 * mm),
                               self.p(esc(_("Thus this report is submitted for your attention.")),
                                      st.body_j)]
        lines: list[Flowable] = [
            self.p(esc("{place}, {day}".format(place=s.place,
                                                day=format_date(d.options.report_date, self.lang))), st.sign),
            self.p(esc(s.position), st.sign),
            Spacer(1, 20 * mm),
        ]
        name = esc(s.name) if s.name else "(" + "." * 44 + ")"
        lines.append(self.p("<b><u>{}</u></b>".format(name) if s.name else name, st.sign))
        if s.rank:
            lines.append(self.p(esc(s.rank), st.sign))
        lines.append(self.p(esc("NIP. {nip}".format(nip=s.nip or "." * 30)), st.sign))
        sign_w = 80 * mm
        block = Table([[lines]], colWidths=[sign_w], hAlign="RIGHT")
        block.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), SANS, 8),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        out.append(Spacer(1, 4 * mm))
        out.append(block)
        if d.tembusan:
            items: list[Flowable] = [self.p("<u>{}</u>".format(esc(_("Copies to:"))), st.body)]
            for i, t in enumerate(d.tembusan, start=1):
                items.append(Paragraph(esc(t), ParagraphStyle(
                    "temb", parent=st.body, leftIndent=16, bulletIndent=0, spaceAfter=0),
                    bulletText=f"{i}."))
            out.append(Spacer(1, 6 * mm))
            out.append(KeepTogether(items))
        return out

    # -- appendix
    def appendix(self) -> list[Flowable]:
        st, d = self.st, self.d
        out: list[Flowable] = [
            PageBreak(),
            self.p(_("APPENDIX"), st.title),
            self.p(esc(_("Incidents in the period {period}").format(period=self.period_text())),
                   st.subtitle),
            Spacer(1, 4 * mm),
        ]
        if not d.appendix:
            return out + [self.p(_("Nil"), st.subtitle)]
        head = [self.p(h, st.head_s) for h in (
            _("No."), _("Number"), _("Time (WIB)"), _("Regency/city"), _("Cat."),
            _("Severity"), _("Status"), _("Title"))]
        sev = {s: _severity_label(s) for s in SEVERITIES}
        status_cache: dict[str, str] = {}
        fixed = [9 * mm, 25 * mm, 17 * mm, 27 * mm, 9 * mm, 16 * mm, 21 * mm]
        title_w = self.width - sum(fixed)
        body: list[list[Any]] = []
        for i, r in enumerate(d.appendix, start=1):
            status = status_cache.get(r.status)
            if status is None:
                status = status_cache[r.status] = _status_label(r.status)
            number = f"{NOTABLE_MARK} {r.number}" if r.notable else r.number
            body.append([str(i), number, when_short(r.occurred_at, self.lang),
                         fit(r.regency_name, fixed[3] - 5), r.category_code,
                         sev.get(r.severity, r.severity), fit(status, fixed[6] - 5),
                         fit(r.title, title_w - 5)])
        out.append(CompactTable(head, body, fixed + [title_w], align="rlllclll",
                                head_h=APPENDIX_HEAD, row_h=COMPACT_ROW))
        legend = _("{mark} = notable incident (section C).").format(mark=NOTABLE_MARK)
        out.append(Spacer(1, 1.5 * mm))
        out.append(self.p(esc(legend), st.small))
        return out


# --- charts ---------------------------------------------------------------------------


def _level_colors() -> dict[str, tuple[colors.Color, colors.Color]]:
    """Situation level -> (fill, text) colours, the same as the dashboard's tile map."""
    # Deferred: charts imports matplotlib (≈0.5 s to import); only the PDF needs it.
    from posko_desktop.core.charts import style

    return {
        str(level.value): (colors.HexColor(fill),
                           colors.HexColor(style.LEVEL_TEXT_COLORS.get(level, "#000000")))
        for level, fill in style.LEVEL_COLORS.items()
    }


def _figure_image(fig: Any, width: float, max_height: float) -> Image:
    """A matplotlib Figure as a PNG of CHART_DPI dots per inch *on paper*, scaled to
    `width` points (at most `max_height`)."""
    # Deferred: matplotlib is slow to import (≈0.5 s).
    from posko_desktop.core.charts.style import chart_style

    w_in, h_in = fig.get_size_inches()
    height = width * h_in / w_in
    if height > max_height:
        width, height = width * max_height / height, max_height
    dpi = CHART_DPI * (width / 72.0) / w_in  # pixels per inch of the figure
    buf = io.BytesIO()
    with chart_style():
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white",
                    metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    buf.seek(0)
    return Image(buf, width=width, height=height)


def _chart_images(d: SitrepData, width: float) -> tuple[Image | None, Image | None]:
    if d.trend is None and d.levels is None:
        return None, None
    # Deferred: matplotlib (pulled in by charts) is slow to import (≈0.5 s).
    from posko_desktop.core import charts

    trend = tiles = None
    if d.trend is not None:
        fig = charts.trend_figure(d.trend, milestones=True, title=None)
        trend = _figure_image(fig, width, 80 * mm)
    if d.levels is not None:
        fig = charts.tile_map_figure(d.levels, title=None)
        tiles = _figure_image(fig, width * 0.9, 115 * mm)
    return trend, tiles

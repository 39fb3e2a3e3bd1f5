"""What every report PDF shares: colours, paragraph styles, text helpers and the wrapping
table for long lists. No database access, no matplotlib (pdf_charts.py draws the charts).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from posko_desktop.core import palette
from posko_desktop.core.dashboard_data import Level, ReportStatus
from posko_desktop.core.domain import ReferralState, Severity, SourceType, Status
from posko_desktop.core.reports.data import Counts, Paper
from posko_desktop.core.reports.fonts import SANS, SERIF
from posko_desktop.core.textrules import format_datetime, format_time
from posko_desktop.core.timeutil import to_wib

F4 = (215 * mm, 330 * mm)
PAGE_SIZES = {Paper.A4.value: A4, Paper.F4.value: F4}
NOTABLE_MARK = "●"  # appendix rows of notable incidents (section C)
LIST_SIZE = 6.8  # points: type of the long lists (appendix, referrals)
LIST_LEADING = 8.2
LIST_PAD = 1.4

INK = colors.HexColor("#1a1a1a")
GRID = colors.HexColor("#7a7a7a")
HEAD_BG = colors.HexColor("#dfe5ee")
SUB_BG = colors.HexColor("#f0f2f5")
TOTAL_BG = colors.HexColor("#e8e8e8")
ZEBRA = colors.HexColor("#f6f7f9")
ALERT = colors.HexColor("#a01010")


def level_colors() -> dict[str, tuple[colors.Color, colors.Color]]:
    """Situation level -> (fill, text): the one palette (core/palette.py)."""
    return {code: (colors.HexColor(fill), colors.HexColor(palette.LEVEL_INK[code]))
            for code, fill in palette.LEVEL_FILL.items()}


def severity_colors() -> dict[str, tuple[colors.Color, colors.Color]]:
    """Severity -> (fill, text): the one palette (core/palette.py)."""
    return {code: (colors.HexColor(fill), colors.HexColor(palette.SEVERITY_INK[code]))
            for code, fill in palette.SEVERITY_FILL.items()}


# --- small text helpers -----------------------------------------------------------------


def esc(text: str | None) -> str:
    """User text made safe for a Paragraph (markup escaped, line breaks kept)."""
    if not text:
        return ""
    clean = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)
    return escape(clean.strip()).replace("\n", "<br/>")


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """At most `limit` characters cut at a word boundary, and whether anything was cut
    (the caller says so in words: nothing on paper ends in an ellipsis)."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text, False
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:"), True


def wrap_lines(text: str, width: float, font: str = SANS, size: float = LIST_SIZE) -> list[str]:
    """Plain text broken into lines no wider than `width` points: at spaces, and inside a
    word only when the word alone is wider than the column. Nothing is dropped."""
    text = " ".join((text or "").split())
    if stringWidth(text, font, size) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while stringWidth(word, font, size) > width and len(word) > 1:
            lo, hi = 1, len(word) - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if stringWidth(word[:mid], font, size) <= width:
                    lo = mid
                else:
                    hi = mid - 1
            lines.append(word[:lo])
            word = word[lo:]
        current = word
    if current:
        lines.append(current)
    return lines


def count_of(part: str, key: str) -> Callable[[Counts], int]:
    """Reads one key of a Counts mapping (`by_severity`, `by_group`): `count_of("by_severity",
    "kritis")(counts)`."""
    return lambda c: int(getattr(c, part).get(key, 0))


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
    """Kondusif / Waspada / Siaga / Awas, as on the dashboard."""
    try:
        return Level(code).label
    except ValueError:
        return code or "–"


def status_label(code: str) -> str:
    try:
        return Status(code).label
    except ValueError:
        return code


def severity_label(code: str) -> str:
    try:
        return Severity(code).label
    except ValueError:
        return code


def source_label(code: str) -> str:
    try:
        return SourceType(code).label
    except ValueError:
        return code


def referral_label(code: str) -> str:
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


class WrapTable(Flowable):
    """A long list (appendix, referrals): plain text that wraps inside its column (never
    cut), zebra rows, the header repeated on every page; a row never splits. Each cell's
    lines are written one after the other in a single text object per page, so tens of
    thousands of rows lay out in a fraction of the time a platypus Table takes, and a
    cell's text stays in one piece in the PDF's text (copy, search, pypdf).

    The rows are wrapped once; the pieces a page split makes share those lists and know
    their range (`lo`, `hi`) and the running heights, so splitting a 60,000-row list over
    1,000 pages stays linear."""

    def __init__(self, head: Sequence[Paragraph], rows: Sequence[Sequence[str]],
                 widths: Sequence[float], *, align: str, head_h: float = 24.0,
                 red: frozenset[tuple[int, int]] = frozenset()) -> None:
        super().__init__()
        self.head, self.widths = list(head), list(widths)
        self.align = align  # one letter per column: l, r, c
        self.head_h = head_h
        self.red = red  # (row, column) cells drawn in red, row index into the whole list
        self.lines = [[wrap_lines(value, w - 2 * 2.5) for value, w in zip(row, self.widths,
                                                                           strict=True)]
                      for row in rows]
        self.cum = [0.0]  # cum[i]: height of rows [0, i)
        for cells in self.lines:
            self.cum.append(self.cum[-1] + max(len(c) for c in cells) * LIST_LEADING
                            + 2 * LIST_PAD)
        self.lo, self.hi = 0, len(self.lines)

    def _piece(self, lo: int, hi: int) -> WrapTable:
        """Rows [lo, hi) sharing the wrapped lines (a fresh flowable: platypus marks the
        ones it has already tried on a page)."""
        piece = WrapTable.__new__(WrapTable)
        Flowable.__init__(piece)
        for name in ("head", "widths", "align", "head_h", "red", "lines", "cum"):
            setattr(piece, name, getattr(self, name))
        piece.lo, piece.hi = lo, hi
        return piece

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = self.head_h + self.cum[self.hi] - self.cum[self.lo]
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        limit = self.cum[self.lo] + avail_h - self.head_h
        end = bisect_right(self.cum, limit, self.lo, self.hi + 1) - 1  # rows [lo, end) fit
        if end <= self.lo:
            return []
        if end >= self.hi:
            return [self]
        return [self._piece(self.lo, end), self._piece(end, self.hi)]

    def draw(self) -> None:
        c = self.canv
        lo, hi, cum = self.lo, self.hi, self.cum
        width, top = sum(self.widths), self.head_h + cum[hi] - cum[lo]
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        base = top - self.head_h + cum[lo]  # y of row i's top: base - cum[i]
        c.saveState()
        c.setFillColor(HEAD_BG)
        c.rect(0, top - self.head_h, width, self.head_h, stroke=0, fill=1)
        c.setFillColor(ZEBRA)
        for i in range(lo + 1, hi, 2):
            c.rect(0, base - cum[i + 1], width, cum[i + 1] - cum[i], stroke=0, fill=1)
        for i, para in enumerate(self.head):
            _pw, ph = para.wrap(self.widths[i] - 4, self.head_h)
            para.drawOn(c, xs[i] + 2, top - self.head_h + (self.head_h - ph) / 2)
        text = c.beginText()
        text.setFont(SANS, LIST_SIZE)
        text.setFillColor(INK)
        for r in range(lo, hi):
            first = base - cum[r] - LIST_PAD - LIST_SIZE + 0.6
            for col, lines in enumerate(self.lines[r]):
                is_red = (r, col) in self.red
                if is_red:
                    text.setFillColor(ALERT)
                kind = self.align[col]
                for k, line in enumerate(lines):
                    if not line:
                        continue
                    if kind == "l":
                        x = xs[col] + 2.5
                    else:
                        sw = stringWidth(line, SANS, LIST_SIZE)
                        x = (xs[col + 1] - 2.5 - sw) if kind == "r" else (
                            (xs[col] + xs[col + 1] - sw) / 2)
                    text.setTextOrigin(x, first - k * LIST_LEADING)
                    text.textOut(line)
                if is_red:
                    text.setFillColor(INK)
        c.drawText(text)
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        c.lines([(0, y, width, y) for y in [top] + [base - cum[i] for i in range(lo, hi + 1)]])
        c.lines([(x, base - cum[hi], x, top) for x in xs])
        c.restoreState()

"""One incident on A4 paper (`posko incident print`, the detail pane's Print): every field,
the timeline, the referrals and the list of attachments. No queries here: the service
(`services/incident_print.py`) fills `IncidentSheet` with texts already in words; this
module only lays them out. Page footer "Page X of Y", the print time and who printed it; a
training database's sheet carries the LATIHAN marking on every page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from posko_desktop.core import palette
from posko_desktop.core.i18n import _, language
from posko_desktop.core.reports.fonts import SANS, register_fonts
from posko_desktop.core.reports.pdf_common import esc, make_styles

MARGIN = 15 * mm


@dataclass(frozen=True)
class SheetTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # shares of the page width
    empty: str  # shown instead of an empty table


@dataclass(frozen=True)
class IncidentSheet:
    heading: str  # "Kejadian 3300-24-000012"
    title: str
    fields: tuple[tuple[str, str], ...]  # (label, value) in the form's order
    tables: tuple[SheetTable, ...]  # timeline, referrals, attachments
    footer: str  # "Printed … by …"
    lang: str = "id"
    training_mark: str = ""  # the LATIHAN text on a training database, else ""
    severity: str = ""  # its code: the severity field gets the palette's swatch
    severity_row: int = -1  # the index of that field in `fields`


def render(sheet: IncidentSheet, stream: IO[bytes]) -> int:
    """Write the PDF; returns the page count."""
    register_fonts()
    with language(sheet.lang):
        return _Renderer(sheet).write(stream)


def render_bytes(sheet: IncidentSheet) -> tuple[bytes, int]:
    buf = io.BytesIO()
    pages = render(sheet, buf)
    return buf.getvalue(), pages


class _Renderer:
    def __init__(self, sheet: IncidentSheet) -> None:
        self.sheet = sheet
        self.st = make_styles()
        self.width = A4[0] - 2 * MARGIN

    def write(self, stream: IO[bytes]) -> int:
        doc = SimpleDocTemplate(stream, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                topMargin=MARGIN, bottomMargin=MARGIN + 6 * mm,
                                title=self.sheet.heading, author="Posko Desk Pilkada")
        pages: list[int] = []
        sheet = self.sheet

        class Numbered(pdf_canvas.Canvas):
            """Keeps every page until the end, so each footer says "Page X of Y"."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._states: list[dict[str, Any]] = []

            def showPage(self) -> None:
                self._states.append(dict(self.__dict__))
                self._startPage()  # type: ignore[attr-defined]

            def save(self) -> None:
                total = len(self._states)
                for state in self._states:
                    self.__dict__.update(state)
                    _furniture(self, sheet, self._pageNumber, total)  # type: ignore[attr-defined]
                    super().showPage()
                pages.append(total)
                super().save()

        doc.build(self.story(), canvasmaker=Numbered)
        return pages[0] if pages else 0

    def story(self) -> list[Flowable]:
        st, sheet = self.st, self.sheet
        out: list[Flowable] = [
            Paragraph(esc(sheet.heading), st.title),
            Paragraph(esc(sheet.title), st.subtitle), Spacer(1, 3 * mm)]
        label_w = 45 * mm
        rows = [[Paragraph("<b>{}</b>".format(esc(k)), st.cell),
                 Paragraph(esc(v).replace("\n", "<br/>"), st.cell)] for k, v in sheet.fields]
        table = Table(rows, colWidths=[label_w, self.width - label_w], repeatRows=0)
        table.setStyle(_grid())
        if sheet.severity in palette.SEVERITY_FILL and 0 <= sheet.severity_row < len(rows):
            fill = palette.SEVERITY_FILL[sheet.severity]  # the one severity palette
            table.setStyle(TableStyle([("LINEBEFORE", (1, sheet.severity_row),
                                        (1, sheet.severity_row), 5, fill)]))
        out.append(table)
        for part in sheet.tables:
            out.append(Paragraph(esc(part.title), st.section))
            if not part.rows:
                out.append(Paragraph(esc(part.empty), st.cell))
                continue
            data = [[Paragraph("<b>{}</b>".format(esc(h)), st.cell) for h in part.header]]
            data += [[Paragraph(esc(c).replace("\n", "<br/>"), st.cell) for c in row]
                     for row in part.rows]
            t = Table(data, colWidths=[w * self.width for w in part.widths], repeatRows=1)
            t.setStyle(_grid(header=True))
            out.append(t)
        return out


def _grid(header: bool = False) -> TableStyle:
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), SANS, 8), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, "#7a7a7a"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), "#e8e8e8"))
    return TableStyle(style)


def _furniture(c: pdf_canvas.Canvas, sheet: IncidentSheet, page: int, total: int) -> None:
    width, _height = A4
    c.saveState()
    c.setFont(SANS, 7)
    c.setFillColor("#444444")
    c.drawString(MARGIN, MARGIN, sheet.footer)
    c.drawRightString(width - MARGIN, MARGIN, _("Page {page} of {total}").format(
        page=page, total=total))
    c.drawString(MARGIN, MARGIN + 9, sheet.heading)
    if sheet.training_mark:
        c.setFont(SANS + "-Bold", 9)
        c.setFillColor("#a01010")
        c.drawCentredString(width / 2, A4[1] - MARGIN / 2, sheet.training_mark)
    c.restoreState()

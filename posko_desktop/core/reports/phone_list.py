"""The directory's phone list on one A4 page (issue 18): the agencies with their active
contact persons, grouped by level (pusat, provinsi, kabupaten/kota), name, function,
phone and WhatsApp; a LATIHAN band on a training database's list. Plain data in, PDF
bytes out (no queries): `services/directory_outputs.py` gathers the rows. A long list is
shrunk to stay on one page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from posko_desktop.core.i18n import _
from posko_desktop.core.reports.fonts import SANS, register_fonts
from posko_desktop.core.reports.pdf_common import ALERT, esc, grid_style, make_styles
from posko_desktop.core.textrules import format_datetime_wib


@dataclass(frozen=True)
class PhoneLine:
    agency: str
    name: str
    function: str
    phone: str
    whatsapp: str


@dataclass(frozen=True)
class PhoneGroup:
    title: str  # the level, as people read it
    lines: tuple[PhoneLine, ...]


def phone_list_pdf(title: str, groups: list[PhoneGroup], made_at: datetime, lang: str,
                   training: str = "") -> bytes:
    """`training`: the LATIHAN marking on a training database ("" otherwise)."""
    register_fonts()
    st = make_styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=14 * mm, bottomMargin=12 * mm, title=title)
    story: list[Any] = [Paragraph(esc(title), st.title), Paragraph(
        esc(_("As of {time}").format(time=format_datetime_wib(made_at, lang))), st.subtitle),
        Spacer(1, 3 * mm)]
    head = [Paragraph(esc(h), st.head) for h in
            (_("Agency"), _("Name"), _("Function"), _("Phone"), _("WhatsApp"))]
    rows: list[list[Any]] = [head]
    style = [*grid_style()]
    for group in groups:
        style += [("SPAN", (0, len(rows)), (-1, len(rows))),
                  ("BACKGROUND", (0, len(rows)), (-1, len(rows)), colors.HexColor("#eef1f5"))]
        rows.append([Paragraph(esc(group.title), st.cell_b), "", "", "", ""])
        for line in group.lines:
            rows.append([Paragraph(esc(v), st.cell) for v in
                         (line.agency, line.name, line.function, line.phone, line.whatsapp)])
    if not groups:
        rows.append([Paragraph(esc(_("No contact persons in the directory yet.")), st.cell),
                     "", "", "", ""])
        style.append(("SPAN", (0, 1), (-1, 1)))
    w = doc.width
    table = Table(rows, repeatRows=1, colWidths=[w * 0.30, w * 0.20, w * 0.20, w * 0.15,
                                                  w * 0.15])
    table.setStyle(TableStyle(style))
    story.append(table)

    def band(canvas: Any, _doc: Any) -> None:
        if not training:
            return
        width, height = A4
        canvas.saveState()
        canvas.setFillColor(ALERT)
        canvas.rect(0, height - 7 * mm, width, 7 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(f"{SANS}-Bold", 10)
        canvas.drawCentredString(width / 2, height - 4.8 * mm, training)
        canvas.restoreState()

    doc.build([KeepInFrame(doc.width, doc.height, story, mode="shrink")], onFirstPage=band,
              onLaterPages=band)
    return out.getvalue()

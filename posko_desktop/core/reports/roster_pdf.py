"""The duty roster on paper (issue 18): one table per day, shift by shift, with the
officers and their duties; plain data in, PDF bytes out (no queries)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from posko_desktop.core.i18n import _
from posko_desktop.core.reports.fonts import register_fonts
from posko_desktop.core.reports.pdf_common import esc, grid_style, make_styles
from posko_desktop.core.textrules import format_date, format_date_long


@dataclass(frozen=True)
class RosterRow:
    day: date
    shift_label: str
    officer: str
    duty: str


def roster_pdf(title: str, rows: list[RosterRow], first: date, last: date,
               lang: str = "id") -> bytes:
    register_fonts()
    st = make_styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=title)
    story = [Paragraph(esc(title), st.title),
             Paragraph(esc(_("{first} to {last}").format(first=format_date(first, lang),
                                                         last=format_date(last, lang))),
                       st.subtitle), Spacer(1, 5 * mm)]
    table: list[list[Paragraph | str]] = [[Paragraph(esc(h), st.head) for h in
              (_("Day"), _("Shift"), _("Officer"), _("Duty"), _("Signature"))]]
    for r in rows:
        table.append([Paragraph(esc(format_date_long(r.day, lang)), st.cell),
                      Paragraph(esc(r.shift_label), st.cell), Paragraph(esc(r.officer), st.cell),
                      Paragraph(esc(r.duty), st.cell), ""])
    if not rows:
        table.append([Paragraph(esc(_("Nobody is on the roster for these days.")), st.cell),
                      "", "", "", ""])
    width = doc.width
    t = Table(table, repeatRows=1, colWidths=[width * 0.24, width * 0.2, width * 0.24,
                                               width * 0.16, width * 0.16])
    t.setStyle(TableStyle([*grid_style(), ("TOPPADDING", (0, 1), (-1, -1), 5),
                           ("BOTTOMPADDING", (0, 1), (-1, -1), 5)]))
    story.append(t)
    doc.build(story)
    return out.getvalue()

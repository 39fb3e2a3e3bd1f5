"""The agencies/OPD in the sitrep (issue 18): one line in B.3 and a table after the
regency recap (B.4), from `SitrepData.unit_rows`. Nothing when the report has none (a
regency's report, or no agency unit configured)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from posko_desktop.core.i18n import _
from posko_desktop.core.reports.data import UnitReportRow
from posko_desktop.core.reports.fonts import SANS
from posko_desktop.core.reports.pdf_common import ALERT, esc, grid_style, report_status_label
from posko_desktop.core.textrules import format_datetime_wib

if TYPE_CHECKING:
    from posko_desktop.core.reports.pdf_letter import LetterRenderer


def agency_lines(r: LetterRenderer, rows: tuple[UnitReportRow, ...]) -> list[Flowable]:
    """"Agencies/OPD: 5 reported incidents, 1 reported nil, 1 not yet – Kejati ..."."""
    if not rows:
        return []
    counts = {s: [row.name for row in rows if row.report_status == s]
              for s in ("masuk", "nihil", "belum")}
    text = "<b>{label}</b>: {summary}".format(
        label=esc(_("Agencies/OPD")),
        summary=esc(_("{masuk} reported incidents, {nihil} reported nil, {belum} not yet")
                    .format(masuk=len(counts["masuk"]), nihil=len(counts["nihil"]),
                            belum=len(counts["belum"]))))
    if counts["belum"]:
        text += " – " + esc(", ".join(counts["belum"]))
    return [Paragraph(text, r.st.item, bulletText="–")]


def agency_recap(r: LetterRenderer, rows: tuple[UnitReportRow, ...]) -> list[Flowable]:
    if not rows:
        return []
    st = r.st
    missing = ParagraphStyle("unit_belum", parent=st.cell_c, textColor=ALERT)
    table_rows: list[list[object]] = [[r.p(_("No."), st.head), r.p(_("Agency/OPD"), st.head),
                                       r.p(_("Report"), st.head),
                                       r.p(_("Last report"), st.head)]]
    for i, row in enumerate(rows, start=1):
        table_rows.append([
            str(i), r.p(esc(row.name), st.cell),
            r.p(esc(report_status_label(row.report_status)),
                missing if row.report_status == "belum" else st.cell_c),
            r.p(esc(format_datetime_wib(row.last_report_at, r.lang) or "—"), st.cell_c)])
    table = Table(table_rows, repeatRows=1,
                  colWidths=[8 * mm, r.width - 8 * mm - 22 * mm - 34 * mm, 22 * mm, 34 * mm])
    table.setStyle(TableStyle(grid_style() + [
        ("FONT", (0, 1), (-1, -1), SANS, 7.8), ("ALIGN", (0, 1), (0, -1), "CENTER")]))
    return [Spacer(1, 3 * mm),
            r.p(_("Reporting by the agencies and OPD"), st.subsection), table]

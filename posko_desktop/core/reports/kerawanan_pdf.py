"""The "Kerawanan" paragraph and table of the daily and weekly reports (issue 17): the
vulnerability baseline (Bawaslu's IKP, rawan TPS per Bawaslu and Polda) beside the
situation, and the regencies where the situation is worse than the baseline predicted."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from posko_desktop.core.dashboard_data import IkpLevel, Level
from posko_desktop.core.i18n import _
from posko_desktop.core.reports.data import KerawananSummary
from posko_desktop.core.reports.pdf_common import esc, grid_style
from posko_desktop.core.reports.pdf_letter import LetterRenderer


def kerawanan_paragraph(r: LetterRenderer, k: KerawananSummary) -> str:
    if not k.imported:
        return _("No vulnerability baseline (Bawaslu IKP, TPS-rawan mapping, Polda classes) "
                 "has been imported.")
    low, medium, high = k.ikp_counts
    text = _("Baseline (Bawaslu IKP): {high} regencies/cities of high, {medium} of medium and "
             "{low} of low vulnerability. Rawan TPS: {rawan} of {tps} TPS in Bawaslu's "
             "mapping; {polda} rawan and {very} sangat rawan by Polda.").format(
        high=r.num(high), medium=r.num(medium), low=r.num(low), rawan=r.num(k.tps_rawan),
        tps=r.num(k.tps), polda=r.num(k.polda_rawan), very=r.num(k.polda_sangat_rawan))
    if k.worse:
        text += " " + _("The situation is worse than the baseline predicted in: {list}.").format(
            list=", ".join(k.worse))
    else:
        text += " " + _("Nowhere is the situation worse than the baseline predicted.")
    return text


def kerawanan_block(r: LetterRenderer, k: KerawananSummary, heading: str) -> list[Flowable]:
    st = r.st
    out: list[Flowable] = [r.p(esc(heading), st.subsection),
                           Paragraph(esc(kerawanan_paragraph(r, k)), st.body_j)]
    if not k.rows:
        return out
    head = [r.p(h, st.head) for h in (_("Regency/city"), _("IKP class"),
                                      _("TPS rawan (Bawaslu)"), _("TPS rawan (Polda)"),
                                      _("Situation level"))]
    rows: list[list[Any]] = [head]
    for row in k.rows:
        level = Level(row.level).label + (" ▲" if row.worse else "")
        rows.append([r.p(esc(row.name), st.cell),
                     r.p(esc(IkpLevel(row.ikp).label if row.ikp else "–"), st.cell),
                     r.p(r.num(row.tps_rawan), st.cell), r.p(r.num(row.polda_rawan), st.cell),
                     r.p(esc(level), st.cell)])
    w = r.width - 14
    table = Table(rows, repeatRows=1, hAlign="RIGHT",
                  colWidths=[w * 0.28, w * 0.20, w * 0.16, w * 0.16, w * 0.20])
    table.setStyle(TableStyle(grid_style() + [("VALIGN", (0, 1), (-1, -1), "TOP")]))
    out.append(table)
    if any(row.worse for row in k.rows):
        out.append(Paragraph(esc(_("▲ worse than the baseline predicted")), st.small))
    return out

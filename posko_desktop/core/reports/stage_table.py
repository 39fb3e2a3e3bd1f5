"""The stage table of the daily report (Appendix III, summed up in section B.4; issue 17):
per regency, where
logistics, voting, PSU/PSL/PSS, the tally and the disputes stood at the period's end; the
last row counts the regencies whose stage is complete. `stage_cell_text` is also how the
CLI and the window's board write a cell."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reportlab.platypus import Table, TableStyle

from posko_desktop.core.domain import ProgressStage
from posko_desktop.core.i18n import N_, gettext_in
from posko_desktop.core.reports.data import StageCell, StageProgressLine
from posko_desktop.core.reports.pdf_common import esc, grid_style
from posko_desktop.core.textrules import format_int
from posko_desktop.core.timeutil import to_wib

# the table's columns: PSU, PSL and PSS share one
COLUMNS: tuple[tuple[ProgressStage, ...], ...] = (
    (ProgressStage.LOGISTIK,), (ProgressStage.PEMUNGUTAN,),
    (ProgressStage.PSU, ProgressStage.PSL, ProgressStage.PSS),
    (ProgressStage.REKAP_KECAMATAN,), (ProgressStage.REKAP_KABKOTA,),
    (ProgressStage.REKAP_PROVINSI,), (ProgressStage.SENGKETA_MK,),
)
_REVOTE = N_("PSU/PSL/PSS")


def complete(done: int, total: int) -> bool:
    return done >= total


def stage_cell_text(stage: ProgressStage, done: int | None, total: int | None,
                    as_of: datetime | None, lang: str) -> str:
    """'✓ 27-11 14.00' (a yes/no stage: when), '2.410/2.640', '–' (not reported)."""
    if done is None or total is None or as_of is None:
        return "–"
    if stage.yes_no:
        return "{m} {t}".format(m="✓" if done else "✗",
                                t=to_wib(as_of).strftime("%d-%m %H.%M" if lang == "id"
                                                         else "%d-%m %H:%M"))
    return "{d}/{t}".format(d=format_int(done, lang), t=format_int(total, lang))


def _cell(cell: StageCell | None, stage: ProgressStage, lang: str) -> str:
    if cell is None:
        return "–"
    return stage_cell_text(stage, cell.done, cell.total, cell.as_of, lang)


def column_title(stages: tuple[ProgressStage, ...], lang: str) -> str:
    return gettext_in(lang, _REVOTE) if len(stages) > 1 else stages[0].short_in(lang)


def complete_counts(lines: tuple[StageProgressLine, ...]) -> dict[str, int]:
    """Per stage code: regencies whose newest report is complete."""
    out = {st.value: 0 for st in ProgressStage}
    for line in lines:
        for c in line.cells:
            if complete(c.done, c.total):
                out[c.stage] += 1
    return out


def stage_summary(lines: tuple[StageProgressLine, ...], regency_count: int, lang: str) -> str:
    """Section B.4: per stage reported, the regencies complete ("Logistik 35/35; …")."""
    done = complete_counts(lines)
    reported = {c.stage for line in lines for c in line.cells}
    parts = ["{s} {n}/{t}".format(s=st.short_in(lang), n=done[st.value], t=regency_count)
             for st in ProgressStage if st.value in reported]
    return gettext_in(lang, N_("Regencies/cities complete: {list}. Per regency/city: "
                               "Appendix III.")).format(list="; ".join(parts))


def stage_progress_table(r: Any, lines: tuple[StageProgressLine, ...],
                         regency_count: int) -> Table:
    """`r`: the letter renderer (styles, width, language)."""
    st, lang = r.st, r.lang
    head = [r.p(esc(gettext_in(lang, N_("Regency/city"))), st.head)]
    head += [r.p(esc(column_title(c, lang)), st.head) for c in COLUMNS]
    rows: list[list[Any]] = [head]
    for line in lines:
        row = [r.p(esc(line.regency_name), st.cell)]
        for stages in COLUMNS:
            text = " · ".join(_cell(line.cell(s.value), s, lang) for s in stages)
            row.append(r.p(esc(text), st.cell))
        rows.append(row)
    done = complete_counts(lines)
    total_row = [r.p(esc(gettext_in(lang, N_("Complete (of {n})")).format(n=regency_count)),
                     st.cell_b)]
    for stages in COLUMNS:
        total_row.append(r.p(" · ".join(str(done[s.value]) for s in stages), st.cell_b))
    rows.append(total_row)
    w = r.width - 14
    widths = [w * 0.17, w * 0.11, w * 0.13, w * 0.17, w * 0.12, w * 0.10, w * 0.10, w * 0.10]
    table = Table(rows, repeatRows=1, hAlign="RIGHT", colWidths=widths)
    table.setStyle(TableStyle(grid_style() + [("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return table

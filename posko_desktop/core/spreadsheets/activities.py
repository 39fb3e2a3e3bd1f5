"""Export the desk's activities to XLSX (docs/spreadsheets.md, "Activities"): one row per
activity, times in WIB as Excel dates, every text cell neutralised (no formulas)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import activities as activity_service
from posko_desktop.core.services.activities import ActivityFilter, ActivityInfo
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.spreadsheets import print_setup
from posko_desktop.core.spreadsheets.exporter import ExportError
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.spreadsheets.template import DATE_FORMAT
from posko_desktop.core.textrules import neutralise_cell
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

# (header msgid, width); the two time columns hold dates
COLUMNS = (
    (N_("Number"), 20), (N_("Start (WIB)"), 17), (N_("End (WIB)"), 17), (N_("Kind"), 24),
    (N_("Title"), 50), (N_("Regencies"), 24), (N_("Place"), 30), (N_("Partners"), 36),
    (N_("Result"), 60),
    (N_("Attachments"), 30), (N_("Site"), 7), (N_("Recorded by"), 16),
    (N_("Reporting unit"), 16),  # issue 18: an agency's unit code; empty: desk/regency office
)
_TIMES = (1, 2)


def _row(a: ActivityInfo) -> list[Any]:
    return [a.number, to_wib(a.started_at).replace(tzinfo=None),
            to_wib(a.ended_at).replace(tzinfo=None) if a.ended_at else None, a.kind_label,
            a.title, ", ".join(a.regencies), a.place_text, ", ".join(a.partners), a.result,
            ", ".join(x.filename for x in a.attachments), a.origin_site, a.recorded_by,
            a.reporting_unit or ""]


def export_activities(ctx: AppContext, flt: ActivityFilter, out: str | Path) -> int:
    """Write the activities matching `flt` (newest first) to `out` (.xlsx); the file
    appears only when complete. Returns the number of rows."""
    require(ctx.actor, Permission.EXPORT)
    out = Path(out)
    if out.is_dir():
        raise ExportError(N_("{path} is a folder; give a file name"), path=str(out))
    rows = activity_service.list_activities(ctx, flt)

    def write(tmp: Path) -> int:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("Activities"))
        widths = print_setup.widths_from([_(m) for m, _w in COLUMNS], map(_row, rows[:200]))
        print_setup.table_layout(ws, 1, [min(w, float(declared)) for w, (_m, declared)
                                         in zip(widths, COLUMNS, strict=True)])
        header = []
        for msgid, _width in COLUMNS:
            cell = WriteOnlyCell(ws, value=_(msgid))
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        for a in rows:
            cells: list[Any] = []
            for i, value in enumerate(_row(a)):
                if i in _TIMES and value is not None:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = DATE_FORMAT
                    cells.append(cell)
                else:
                    cells.append(neutralise_cell(value))
            ws.append(cells)
        wb.save(tmp)
        return len(rows)

    count = write_atomically(out, write)
    logger.info("Exported %d activities to %s", count, out)
    return count

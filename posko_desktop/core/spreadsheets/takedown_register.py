"""The take-down register as XLSX: one row per request with its age and when it is to be
re-checked, ready to print (A4 landscape, fitted to the page width, the header row repeated
on every page). Every text cell neutralised (no formulas); times in WIB as Excel dates.

`write_register` takes the rows the take-down service fills (`medsos.outputs.RegisterRow`);
no queries here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from posko_desktop.core.i18n import N_, _
from posko_desktop.core.medsos.outputs import RegisterRow
from posko_desktop.core.spreadsheets.exporter import ExportError
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.spreadsheets.template import DATE_FORMAT
from posko_desktop.core.textrules import neutralise_cell
from posko_desktop.core.timeutil import to_wib

logger = logging.getLogger(__name__)

# (header msgid, width, is a time)
COLUMNS = (
    (N_("Request"), 18, False), (N_("Case"), 20, False), (N_("Addressee"), 22, False),
    (N_("Platform"), 11, False), (N_("Channel"), 16, False),
    (N_("Ticket or letter number"), 20, False), (N_("Status"), 13, False),
    (N_("Submitted (WIB)"), 16, True), (N_("Age (days)"), 9, False),
    (N_("Last re-check (WIB)"), 16, True), (N_("Last result"), 12, False),
    (N_("Re-check due (WIB)"), 16, True), (N_("Posts (addresses)"), 60, False),
)
OVERDUE_FILL = PatternFill("solid", fgColor="FCE4E4")


def _local(moment: datetime | None) -> datetime | None:
    return to_wib(moment).replace(tzinfo=None) if moment is not None else None


def _values(row: RegisterRow, now: datetime) -> list[Any]:
    return [row.number, row.case_number, row.addressee, row.platform, row.channel,
            row.reference, row.status, _local(row.submitted_at), row.age_days(now),
            _local(row.last_recheck_at), row.last_result, _local(row.recheck_due()),
            "\n".join(row.urls)]


def write_register(rows: Sequence[RegisterRow], out: str | Path, now: datetime,
                   marking: str = "") -> int:
    """Write the register to `out` (.xlsx; the file appears only when complete). `now`
    (UTC) gives the ages and what is overdue (shaded); `marking`: a training database's
    LATIHAN line above the header. Returns the number of rows."""
    out = Path(out)
    if out.is_dir():
        raise ExportError(N_("{path} is a folder; give a file name"), path=str(out))

    def write(tmp: Path) -> int:
        wb = Workbook()
        ws = wb.active
        assert ws is not None  # a new workbook has its sheet
        title = _("Take-down register")
        ws.title = ("LATIHAN " + title if marking else title)[:31]
        header_row = 2 if marking else 1
        if marking:
            ws.cell(1, 1, marking).font = Font(bold=True, color="A01010")
        for i, (msgid, width, _time) in enumerate(COLUMNS, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
            cell = ws.cell(header_row, i, _(msgid))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(rows, header_row + 1):
            due = row.recheck_due()
            for c, value in enumerate(_values(row, now), 1):
                cell = ws.cell(r, c, value if COLUMNS[c - 1][2] else neutralise_cell(value))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if COLUMNS[c - 1][2] and value is not None:
                    cell.number_format = DATE_FORMAT
                if due is not None and due <= now:
                    cell.fill = OVERDUE_FILL
        ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
        ws.auto_filter.ref = "A{h}:{c}{last}".format(
            h=header_row, c=get_column_letter(len(COLUMNS)), last=header_row + max(len(rows), 1))
        # print set-up: landscape A4, as wide as the page, the header on every page
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_title_rows = "{h}:{h}".format(h=header_row)
        ws.print_options.gridLines = True
        if ws.oddFooter is not None:
            ws.oddFooter.center.text = "&P / &N"
        wb.save(tmp)
        return len(rows)

    count = write_atomically(out, write)
    logger.info("Wrote the take-down register (%d rows) to %s", count, out)
    return count

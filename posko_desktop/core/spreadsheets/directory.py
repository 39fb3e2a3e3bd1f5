"""The directory of agencies and contacts as XLSX (docs/spreadsheets.md, "Directory"): a
sheet of agencies (code, name, level, parent, address, answer time, active) and a sheet of
contact persons (one row each, with the agency's name), every text cell neutralised,
printed as the other exports (landscape A4, fitted to the width, header repeated), a
training database's LATIHAN line above the header."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import directory
from posko_desktop.core.services.authz import Permission, require
from posko_desktop.core.services.directory import AgencyEntry, ContactInfo
from posko_desktop.core.spreadsheets import print_setup
from posko_desktop.core.spreadsheets.exporter import ExportError
from posko_desktop.core.spreadsheets.files import write_atomically
from posko_desktop.core.textrules import neutralise_cell, training_marking

logger = logging.getLogger(__name__)

AGENCY_COLUMNS = (N_("Code"), N_("Agency"), N_("Level"), N_("Under"), N_("Address"),
                  N_("Answer time (hours)"), N_("Active"))
CONTACT_COLUMNS = (N_("Number"), N_("Agency code"), N_("Agency"), N_("Name"), N_("Function"),
                   N_("Phone"), N_("WhatsApp"), N_("E-mail"), N_("Note"), N_("Active"))


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def agency_row(a: AgencyEntry) -> list[Any]:
    return [a.code, a.name, a.level_label, a.parent_code or "", a.address, a.answer_hours,
            _yes(a.active)]


def contact_row(c: ContactInfo, agency_name: str) -> list[Any]:
    return [c.number, c.agency_code, agency_name, c.name, c.function, c.phone, c.whatsapp,
            c.email, c.note, _yes(c.active)]


def _sheet(wb: Workbook, title: str, columns: Sequence[str], rows: list[list[Any]],
           marking: str) -> None:
    ws = wb.create_sheet(("LATIHAN " + title if marking else title)[:31])
    header_row = 2 if marking else 1
    header = [_(m) for m in columns]
    print_setup.table_layout(ws, header_row, print_setup.widths_from(header, rows[:200]))
    if marking:
        ws.append([marking])
        ws.cell(1, 1).font = Font(bold=True, color="A01010")
    ws.append(header)
    for i in range(1, len(header) + 1):
        ws.cell(header_row, i).font = Font(bold=True)
    for row in rows:
        ws.append([neutralise_cell(v) if isinstance(v, str) else v for v in row])


def export_directory(ctx: AppContext, out: str | Path, include_inactive: bool = True) -> int:
    """Write the directory to `out` (.xlsx; the file appears only when complete): every
    agency (inactive ones too unless asked otherwise) and every contact not removed.
    Returns the number of contact rows."""
    require(ctx.actor, Permission.EXPORT)
    out = Path(out)
    if out.is_dir():
        raise ExportError(N_("{path} is a folder; give a file name"), path=str(out))
    with ctx.db.read() as s:
        marking = training_marking() if settings.get(s, settings.SITE_TRAINING) else ""
        agencies = directory.agencies_in(s, include_inactive)
        contacts = directory.contacts_in(s, include_inactive=include_inactive)
    names = {a.code: a.name for a in agencies}
    contact_rows = [contact_row(c, names.get(c.agency_code, "")) for c in contacts
                    if c.agency_code in names]

    def write(tmp: Path) -> int:
        wb = Workbook()
        default = wb.active
        if default is not None:
            wb.remove(default)
        _sheet(wb, _("Agencies"), AGENCY_COLUMNS, [agency_row(a) for a in agencies], marking)
        _sheet(wb, _("Contacts"), CONTACT_COLUMNS, contact_rows, marking)
        wb.save(tmp)
        return len(contact_rows)

    count = write_atomically(out, write)
    logger.info("Exported the directory (%d agencies, %d contacts) to %s", len(agencies),
                count, out)
    return count

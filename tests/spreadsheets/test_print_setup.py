"""XLSX files print as readable pages: exports landscape A4 fitted to the page width, the
header row repeated on every page and frozen, columns as wide as their content; the
template's instruction sheet prints whole. Read back with openpyxl, as Excel would."""

from __future__ import annotations

from datetime import datetime

import openpyxl

from posko_desktop.core.services import activities as act
from posko_desktop.core.services import audit, reference
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.activities import ActivityFilter, ActivityInput
from posko_desktop.core.services.audit import AuditFilter
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput
from posko_desktop.core.spreadsheets import export_log
from posko_desktop.core.spreadsheets.activities import export_activities
from posko_desktop.core.spreadsheets.template import write_template

LONG_TITLE = "Penyebaran video hoaks surat suara tercoblos di grup percakapan warga"


def prints_landscape_with_repeated_header(ws, header_rows: int = 1) -> None:
    setup = ws.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)  # one page wide
    assert ws.print_title_rows == "$1:${n}".format(n=header_rows)
    assert ws.freeze_panes == "A{n}".format(n=header_rows + 1)


def width(ws, column: str) -> float:
    return ws.column_dimensions[column].width


def test_incident_export_prints_landscape_fitted_with_the_header_repeated(ctx, tmp_path):
    for i in range(3):
        inc.create_incident(ctx, IncidentInput(
            regency_code="33.02", title=LONG_TITLE if i == 0 else "Baliho rusak",
            category_code="A1", severity="sedang", occurred_at=datetime(2024, 11, 26, 9, i)))
    target = tmp_path / "log.xlsx"
    export_log(ctx, IncidentFilter(), target, "xlsx")
    ws = openpyxl.load_workbook(target).active
    prints_landscape_with_repeated_header(ws)
    header = [c.value for c in ws[1]]
    title_col = openpyxl.utils.get_column_letter(header.index("Judul") + 1)
    number_col = openpyxl.utils.get_column_letter(header.index("Nomor kejadian") + 1)
    assert width(ws, title_col) >= 40  # a long title: wide (up to the column's limit, then
    assert width(ws, number_col) < width(ws, title_col)  # it wraps); a number is narrower
    assert width(ws, number_col) >= len("3300-24-000001")


def test_training_export_repeats_the_latihan_line_with_the_header(db, tmp_path):
    from posko_desktop.core.context import AppContext
    from tests.conftest import ADMIN

    training_ctx = AppContext(db, ADMIN)
    reference.init_site(training_ctx, "33", "Posko Latihan", training=True)
    target = tmp_path / "latihan.xlsx"
    export_log(training_ctx, IncidentFilter(), target, "xlsx")
    ws = openpyxl.load_workbook(target).active
    prints_landscape_with_repeated_header(ws, header_rows=2)


def test_activities_and_audit_exports_print_the_same_way(ctx, tmp_path):
    act.add_activity(ctx, ActivityInput(
        kind="patroli_siber", title="Patroli siber akun penyebar hoaks",
        started_at=datetime(2024, 11, 26, 23, 30), regencies=["33.74"], partners=["komdigi"],
        result="12 konten dilaporkan."))
    target = tmp_path / "kegiatan.xlsx"
    export_activities(ctx, ActivityFilter(), target)
    prints_landscape_with_repeated_header(openpyxl.load_workbook(target).active)
    trail = tmp_path / "jejak.xlsx"
    audit.export(ctx, AuditFilter(), trail)
    prints_landscape_with_repeated_header(openpyxl.load_workbook(trail).active)


def test_template_instruction_sheet_prints_whole(ctx, tmp_path):
    target = write_template(ctx, tmp_path / "templat.xlsx")
    wb = openpyxl.load_workbook(target)
    info = wb.worksheets[0]
    setup = info.page_setup
    assert setup.orientation == "portrait" and int(setup.paperSize) == 9
    assert info.sheet_properties.pageSetUpPr.fitToPage
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)  # all columns, all rows
    last = max(c.row for row in info.iter_rows() for c in row if c.value not in (None, ""))
    assert info.print_area == "'{t}'!$A$1:$C${n}".format(t=info.title, n=last)
    for row in range(4, last + 1):  # every wrapped text gets the lines it needs
        text = info.cell(row=row, column=3).value or info.cell(row=row, column=1).value
        if text and info.cell(row=row, column=3).value:
            needed = -(-len(text) // int(width(info, "C") * 1.1))
            assert (info.row_dimensions[row].height or 15) >= 15 * needed, (row, text)
    prints_landscape_with_repeated_header(wb.worksheets[1])  # the data sheet
    assert reference.site_or_none(ctx) is not None

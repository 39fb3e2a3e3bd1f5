"""The streamed XLSX reader (the fast path of the reference templates' import) gives what
openpyxl's reader gives, on the sample files and on a workbook with the cell kinds our
templates can hold (shared and inline strings, rich text, whole and decimal numbers,
booleans, gaps, a hidden first sheet)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from posko_desktop.core.services import tps_register
from posko_desktop.core.spreadsheets import contests as pair_sheets
from posko_desktop.core.spreadsheets.tables import TableRowsError, read_table
from posko_desktop.core.spreadsheets.xlsx_rows import HostileXml, sheet_rows
from posko_desktop.core.untrusted import SpreadsheetError

from .samples import write_samples


def plain(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
        return trim(sheets[0].iter_rows(values_only=True))
    finally:
        wb.close()


def trim(rows) -> list[tuple]:
    out = [tuple(row) for row in rows]
    out = [row[:max((i + 1 for i, v in enumerate(row) if v is not None), default=0)]
           for row in out]
    while out and not out[-1]:
        out.pop()
    return out


def test_the_sample_files_read_the_same(ctx, tmp_path):
    paths = write_samples(tmp_path)
    assert trim(sheet_rows(paths["tps_rawan"])) == plain(paths["tps_rawan"])
    template = pair_sheets.write_template(ctx, tmp_path / "paslon.xlsx")
    assert trim(sheet_rows(template)) == plain(template)


def test_every_cell_kind_reads_the_same(tmp_path):
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Tersembunyi"
    hidden.append(["not this sheet"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("Data")
    ws.append(["Kode desa", "Nomor TPS", "Catatan", None, "Ya"])
    ws.append(["33.74.01.1001", 3, 2.5, None, True])
    ws.append([])
    ws.append([None, 7, "  spasi  ", "=1+1", False])
    ws["C5"] = CellRichText(["kaya ", TextBlock(InlineFont(b=True), "tebal")])
    ws.append([1e20, -4, 0.1, "teks; dengan ; titik koma", None])
    path = tmp_path / "kinds.xlsx"
    wb.save(path)
    assert trim(sheet_rows(path)) == plain(path)


_CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
    .filter(lambda t: not t.startswith("=")),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, max_size=8), max_size=12),
       write_only=st.booleans())
def test_generated_sheets_read_as_openpyxl_reads_them(tmp_path, rows, write_only):
    """Any mix of cells (shared strings from a normal save, inline strings from a
    write-only save), empty rows and gaps reads as openpyxl reads it."""
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("Data") if write_only else wb.active
    for row in rows:
        ws.append(row)
    path = tmp_path / "generated.xlsx"
    wb.save(path)
    assert trim(sheet_rows(path)) == plain(path)


def _with_sheet_xml(source: Path, target: Path, sheet_xml: bytes) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, sheet_xml if info.filename == "xl/worksheets/sheet1.xml"
                          else data)
    return target


@pytest.mark.parametrize("prolog", [
    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE worksheet SYSTEM "http://example.invalid/evil.dtd">',
])
def test_a_sheet_with_a_document_type_is_refused_by_the_streamed_reader(tmp_path, prolog):
    """Even if a file got past the prolog check, the streamed reader expands no entity and
    fetches nothing: it refuses the sheet."""
    wb = openpyxl.Workbook()
    wb.active.append(["Kode desa", "Nomor TPS"])
    plain_path = tmp_path / "plain.xlsx"
    wb.save(plain_path)
    xml = (b'<?xml version="1.0"?>' + prolog + b'<worksheet xmlns="http://schemas.openxml'
           b'formats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
           b't="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>')
    hostile = _with_sheet_xml(plain_path, tmp_path / "hostile.xlsx", xml)
    with pytest.raises(HostileXml):
        list(sheet_rows(hostile))
    with pytest.raises(SpreadsheetError):  # and the whole import refuses it before
        read_table(hostile, tps_register.COLUMNS)


def test_an_xlsx_file_gets_the_row_problems_its_csv_twin_gets(ctx, tmp_path):
    """The same rows as CSV and as XLSX: the same problems, by the row numbers Excel shows
    (a blank row in the middle counts)."""
    rows = [["Kode desa", "Nomor TPS", "DPT", "Alamat", "Lintang", "Bujur"],
            ["33.74.01.1001", 1, 300, "Balai RW 1", -6.98, 110.41],
            ["33.99.01.2001", 2, 300, None, None, None],
            [],
            ["33.74.01.1001", "x", 300, None, None, None],
            ["33.74.01.1001", 3, -5, None, None, None],
            ["33.74.01.1001", 4, 250, None, -7.1, None]]
    csv_path = tmp_path / "tps.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(
            [["" if v is None else v for v in r] for r in rows])
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    xlsx_path = tmp_path / "tps.xlsx"
    wb.save(xlsx_path)
    problems = {}
    for path in (csv_path, xlsx_path):
        with pytest.raises(TableRowsError) as err:
            tps_register.import_register(ctx, path)
        problems[path.suffix] = [(p.row, p.column, p.message) for p in err.value.problems]
    assert problems[".xlsx"] == problems[".csv"]
    assert [(r, c) for r, c, _m in problems[".csv"]] == [
        (3, "Kode desa"), (5, "Nomor TPS"), (6, "DPT"), (7, "Lintang")]

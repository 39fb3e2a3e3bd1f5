"""The streamed XLSX reader (the fast path of the reference templates' import) gives what
openpyxl's reader gives, on the sample files and on a workbook with the cell kinds our
templates can hold (shared and inline strings, rich text, whole and decimal numbers,
booleans, gaps, a hidden first sheet)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from posko_desktop.core.spreadsheets import contests as pair_sheets
from posko_desktop.core.spreadsheets.xlsx_rows import sheet_rows

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

"""The flash report's fields in the XLSX/CSV template, the import and the export; an
older template without those columns still imports (docs/spreadsheets.md)."""

from __future__ import annotations

from datetime import datetime

import openpyxl

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference
from posko_desktop.core.services.incidents import REPORT_FIELDS, IncidentFilter, IncidentInput
from posko_desktop.core.services.spreadsheet_import import import_spreadsheet
from posko_desktop.core.spreadsheets import write_template
from posko_desktop.core.spreadsheets.exporter import export_headers, export_log

from .helpers import dump, fill_template, row, sql

FILLED = dict(victims_dead=1, victims_injured=4, material_loss="2 motor dibakar",
              current_condition="Kondusif", source_contact="Bripka Sugeng",
              source_phone="+62 812-3456-7890")


def _values(ctx, incident_id) -> dict:
    d = inc.get_incident(ctx, incident_id)
    return {f: getattr(d, f) for f in REPORT_FIELDS}


def test_the_template_has_the_columns_in_indonesian(ctx, tmp_path):
    ws = openpyxl.load_workbook(write_template(ctx, tmp_path / "t.xlsx"))["Data Kejadian"]
    headers = [c.value for c in ws[1]]
    for header in ("Korban meninggal", "Korban luka", "Kerugian materiil",
                   "Kondisi mutakhir", "Narahubung", "Telepon narahubung"):
        assert header in headers
    phone = headers.index("Telepon narahubung") + 1
    letter = openpyxl.utils.get_column_letter(phone)
    assert ws.column_dimensions[letter].number_format == "@"  # keeps a leading 0


def test_rows_with_the_fields_import_and_a_bad_phone_is_reported(ctx, tmp_path, db_path):
    good = fill_template(ctx, tmp_path / "baik.xlsx", [row(**FILLED), row(title="Tanpa korban")])
    report = import_spreadsheet(ctx, good)
    assert report.problems == [] and len(report.imported) == 2
    by_title = {inc.get_incident(ctx, r.id).title: r.id for r in report.imported}
    assert _values(ctx, by_title["Hoaks surat suara tercoblos"]) == FILLED
    assert _values(ctx, by_title["Tanpa korban"]) == {
        "victims_dead": None, "victims_injured": None, "material_loss": "",
        "current_condition": "", "source_contact": "", "source_phone": ""}
    bad = fill_template(ctx, tmp_path / "salah.xlsx", [
        row(title="Baris baik"), row(title="Telepon salah", source_phone="0812 ABC"),
        row(title="Korban minus", victims_injured="-2")])
    before = dump(db_path)
    report = import_spreadsheet(ctx, bad)
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "Telepon narahubung"), (4, "Korban luka")]
    assert report.blocked and dump(db_path) == before


def test_an_older_template_without_the_columns_still_imports(ctx, tmp_path):
    """A sheet made from the template before the fields (15 columns) and before the
    glossary ("Data Insiden", "Detail sumber / URL") imports as before: the fields are not
    known; importing it again adds nothing (its rows keep their keys)."""
    path = tmp_path / "lama.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data Insiden"
    old = row(source_detail="@akun_lama")
    ws.append(["No. referensi", "Kabupaten/Kota *", "Waktu kejadian (WIB) *",
               "Waktu laporan (WIB)", "Kategori *", "Tingkat keparahan *", "Status",
               "Jenis sumber", "Detail sumber / URL", "Judul *", "Uraian", "Kecamatan",
               "Desa/kelurahan", "Lokasi", "Jumlah orang terlibat"])
    ws.append([old[k] for k in ("ref", "regency", "occurred_at", "reported_at", "category",
                                "severity", "status", "source_type", "source_detail", "title",
                                "description", "kecamatan", "desa", "location",
                                "people_involved")])
    wb.save(path)
    report = import_spreadsheet(ctx, path)
    assert report.problems == [] and len(report.imported) == 1
    assert _values(ctx, report.imported[0].id)["victims_dead"] is None
    assert inc.get_incident(ctx, report.imported[0].id).source_detail.endswith(" @akun_lama")
    again = import_spreadsheet(ctx, path)
    assert again.imported == [] and len(again.already_imported) == 1


def test_the_export_has_the_fields_and_reads_back_into_another_database(ctx, tmp_path,
                                                                        db_path):
    inc.create_incident(ctx, IncidentInput(
        regency_code="33.22", title="Bentrok pendukung", category_code="D3", severity="kritis",
        occurred_at=datetime(2024, 11, 26, 20, 30), **FILLED))
    out = export_log(ctx, IncidentFilter(), tmp_path / "log.xlsx", "xlsx")
    assert out.rows == sql(db_path, "SELECT count(*) FROM incident") == 1
    ws = openpyxl.load_workbook(out.path).active
    cells = dict(zip(export_headers(), (c.value for c in ws[2]), strict=True))
    assert (cells["Korban meninggal"], cells["Korban luka"]) == (1, 4)
    assert cells["Telepon narahubung"] == "'+62 812-3456-7890"  # neutralised, not a formula
    other_db = open_database(tmp_path / "other.sqlite3", create=True)
    try:
        other = AppContext(other_db, Actor("admin", "admin", "Admin"))
        reference.init_site(other, "33.74", "Posko Kota Semarang")
        report = import_spreadsheet(other, out.path)
        assert report.problems == [] and len(report.imported) == 1
        assert _values(other, report.imported[0].id) == FILLED
    finally:
        other_db.dispose()

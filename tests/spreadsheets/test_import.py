"""Import: row-level report, nothing written while a row is wrong, strict regency matching,
re-import adds nothing, CSV with ; or , and bad files refused with the DB unchanged."""

from __future__ import annotations

import zipfile
from datetime import datetime

import openpyxl
import pytest

from posko_desktop.cli import main
from posko_desktop.core import untrusted
from posko_desktop.core.domain import Actor
from posko_desktop.core.progress import Cancelled, Progress
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.reference import list_regencies
from posko_desktop.core.services.spreadsheet_import import check_spreadsheet, import_spreadsheet
from posko_desktop.core.spreadsheets import SpreadsheetError
from posko_desktop.core.spreadsheets import reader as reader_module
from posko_desktop.core.spreadsheets.values import CellProblem, RegencyMatcher, parse_wib_cell

from .helpers import dump, fill_template, row, sql, write_csv

BAD_ROWS = [
    row(title="Baris benar satu"),                                      # row 2
    row(regency="Semarang", title="Nama ambigu"),                       # row 3
    row(occurred_at="kemarin sore", category="A", title="Dua masalah"),  # row 4
    row(title="Baris benar dua", regency="Cilacap"),                    # row 5
    row(severity="parah", title="Hi"),                                   # row 6
]


def _report_lines(report):
    return [(p.row, p.column, p.text()) for p in report.problems]


def test_errors_give_exact_row_column_report_and_write_nothing(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "salah.xlsx", BAD_ROWS)
    before = dump(db_path)
    report = import_spreadsheet(ctx, path)
    assert _report_lines(report) == [
        (3, "Kabupaten/Kota", '"Semarang" ambigu: tulis Kab. Semarang (33.22) / Kota Semarang (33.74)'),
        (4, "Waktu kejadian (WIB)",
         '"kemarin sore" bukan tanggal dan waktu; tulis mis. 2024-11-27 08:15 atau 27-11-2024 08.15'),
        (4, "Kategori", "Pilih kategori (misalnya A1), bukan A"),
        (6, "Tingkat keparahan",
         "Tingkat keparahan parah tidak dikenal; gunakan Rendah, Sedang, Tinggi atau Kritis"),
        (6, "Judul", "Judul minimal 3 karakter"),
    ]
    assert report.error_rows == [3, 4, 6]
    assert report.blocked and report.imported == []
    assert "Tidak ada yang diimpor" in report.summary()
    assert dump(db_path) == before


def test_report_renders_in_english_too(ctx, tmp_path):
    path = fill_template(ctx, tmp_path / "salah.xlsx", BAD_ROWS)
    report = check_spreadsheet(ctx, path)
    assert report.problems[0].text_in("en") == (
        '"Semarang" is ambiguous: write Kab. Semarang (33.22) / Kota Semarang (33.74)')


def test_valid_rows_only_imports_exactly_the_valid_ones(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "salah.xlsx", BAD_ROWS)
    report = import_spreadsheet(ctx, path, valid_rows_only=True)
    assert report.error_rows == [3, 4, 6]
    assert [r.row for r in report.imported] == [2, 5]
    assert sql(db_path, "SELECT count(*) FROM incident") == 2
    titles = sql(db_path, "SELECT group_concat(title || '@' || regency_code, '|') FROM "
                          "(SELECT title, regency_code FROM incident ORDER BY seq)")
    assert titles == "Baris benar satu@33.22|Baris benar dua@33.01"


def test_every_imported_incident_is_in_the_audit_trail(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "ok.xlsx", [row(), row(title="Kedua kalinya")])
    report = import_spreadsheet(ctx, path)
    assert sql(db_path, "SELECT count(*) FROM audit_log WHERE action = 'incident.import'") == 2
    assert sql(db_path, "SELECT group_concat(detail, '|') FROM (SELECT detail FROM audit_log "
                        "WHERE action = 'incident.import' ORDER BY id)") == "ok.xlsx:2|ok.xlsx:3"
    assert {sql(db_path, "SELECT record_id FROM audit_log WHERE detail = ?", f"ok.xlsx:{r.row}")
            for r in report.imported} == {str(r.id) for r in report.imported}


def test_check_only_writes_nothing(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "ok.xlsx", [row(), row(title="Kedua kalinya")])
    before = dump(db_path)
    report = check_spreadsheet(ctx, path)
    assert report.problems == [] and report.new_rows == 2 and report.imported == []
    assert dump(db_path) == before


@pytest.mark.parametrize("text", ["Semarang", "semarang", "Magelang", "Pekalongan", "Tegal"])
def test_ambiguous_bare_names_are_refused(ctx, text):
    matcher = RegencyMatcher(list_regencies(ctx))
    with pytest.raises(Exception) as err:
        matcher.match(text)
    assert "ambiguous" in err.value.text_in("en")


@pytest.mark.parametrize(("text", "code"), [
    ("Kota Semarang", "33.74"), ("33.74", "33.74"), ("3374", "33.74"), (3374, "33.74"),
    (33.74, "33.74"), ("Kab. Semarang", "33.22"), ("Kabupaten Semarang", "33.22"),
    ("kab semarang", "33.22"), ("33.22", "33.22"), ("3322", "33.22"),
    ("33.22 Kab. Semarang", "33.22"), ("Cilacap", "33.01"), ("Kota Tegal", "33.76"),
    ("Kab. Magelang", "33.08"), ("Semarang City", "33.74"), ("  KOTA   SEMARANG ", "33.74"),
    (33.1, "33.10"), ("33,74", "33.74"), ("33.74 - Kota Semarang", "33.74"),
])
def test_regency_names_and_codes_accepted(ctx, text, code):
    assert RegencyMatcher(list_regencies(ctx)).match(text) == code


@pytest.mark.parametrize("text", ["Kota Cilacap", "33.99", "3399", "Semarangg", "33.22 Kota Semarang",
                                  "Jakarta", "33"])
def test_regency_wrong_or_inconsistent_is_refused(ctx, text):
    with pytest.raises(Exception):  # noqa: B017 - CellProblem, a PoskoError
        RegencyMatcher(list_regencies(ctx)).match(text)


def test_every_regency_by_every_form(ctx):
    """All 35: code, compact code, full name, drop-down value; the bare name only when no
    kabupaten and kota share it (exactly four pairs do)."""
    regencies = list_regencies(ctx)
    matcher = RegencyMatcher(regencies)
    names = [r.name for r in regencies]
    ambiguous = sorted({n for n in names if names.count(n) > 1})
    assert ambiguous == ["Magelang", "Pekalongan", "Semarang", "Tegal"]
    for r in regencies:
        long_kind = ("Kabupaten " if r.kind == "kabupaten" else "Kota ") + r.name
        for form in (r.code, r.compact_code, r.full_name, long_kind, f"{r.code} {r.full_name}",
                     r.full_name.upper(), int(r.compact_code)):
            assert matcher.match(form) == r.code, form
        if r.name in ambiguous:
            with pytest.raises(CellProblem):
                matcher.match(r.name)
        else:
            assert matcher.match(r.name) == r.code


def test_ambiguous_regency_in_a_sheet_is_an_error_and_the_strict_forms_import(ctx, tmp_path, db_path):
    rows = [row(regency=r, title=f"Insiden {i}") for i, r in
            enumerate(["Kota Semarang", "33.74", "3374"])]
    path = fill_template(ctx, tmp_path / "semarang.xlsx", [*rows, row(regency="Semarang")])
    assert check_spreadsheet(ctx, path).error_rows == [5]
    report = import_spreadsheet(ctx, path, valid_rows_only=True)
    assert len(report.imported) == 3
    assert sql(db_path, "SELECT count(*) FROM incident WHERE regency_code='33.74'") == 3
    assert sql(db_path, "SELECT count(*) FROM incident WHERE regency_code='33.22'") == 0


def test_reimport_of_the_same_sheet_adds_nothing(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "ok.xlsx",
                         [row(ref="1"), row(ref="2", title="Kedua"), row(ref="3", title="Ketiga")])
    first = import_spreadsheet(ctx, path)
    assert len(first.imported) == 3
    before = dump(db_path)
    again = import_spreadsheet(ctx, path)
    assert again.imported == [] and again.already_imported == [2, 3, 4]
    assert dump(db_path) == before
    # the same rows written differently (code instead of name, text instead of Excel date)
    # are the same rows
    same = fill_template(ctx, tmp_path / "beda-tulis.xlsx",
                         [row(ref="1", regency="3322", occurred_at=datetime(2024, 11, 27, 8, 15),
                              category="a1", severity="tinggi", source_type="media_sosial")])
    assert import_spreadsheet(ctx, same).already_imported == [2]
    # a sheet with one new row added imports just that row
    grown = fill_template(ctx, tmp_path / "tambah.xlsx",
                          [row(ref="1"), row(ref="2", title="Kedua"), row(ref="3", title="Ketiga"),
                           row(ref="4", title="Keempat")])
    report = import_spreadsheet(ctx, grown)
    assert [r.row for r in report.imported] == [5]
    assert sql(db_path, "SELECT count(*) FROM incident") == 4


def test_reimport_skips_rows_of_deleted_incidents(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "ok.xlsx", [row()])
    first = import_spreadsheet(ctx, path)
    inc.set_deleted(ctx, first.imported[0].id, True, "salah input")
    assert import_spreadsheet(ctx, path).already_imported == [2]
    assert sql(db_path, "SELECT count(*) FROM incident") == 1


def test_identical_rows_inside_one_file_import_once(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "dobel.xlsx", [row(), row(), row(ref="B")])
    report = import_spreadsheet(ctx, path)
    assert report.duplicates == [(3, 2)]
    assert [r.row for r in report.imported] == [2, 4]
    assert sql(db_path, "SELECT count(*) FROM incident") == 2


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_with_semicolon_or_comma(ctx, tmp_path, db_path, delimiter):
    rows = [row(regency="Kota Semarang", occurred_at="27-11-2024 08:15", category="A1",
                severity="tinggi", title="Hoaks, katanya; dari grup WA", location="TPS 05"),
            row(regency="3301", occurred_at="2024-11-26 21:00", category="C1 ASN",
                severity="Rendah", title="ASN ikut kampanye")]
    path = write_csv(tmp_path / "data.csv", rows, delimiter)
    report = import_spreadsheet(ctx, path)
    assert report.problems == [] and len(report.imported) == 2
    assert sql(db_path, "SELECT title FROM incident WHERE regency_code='33.74'") == (
        "Hoaks, katanya; dari grup WA")
    assert import_spreadsheet(ctx, path).already_imported == [2, 3]


def test_csv_from_excel_on_windows_cp1252_and_bom(ctx, tmp_path, db_path):
    rows = [row(regency="Kab. Semarang", occurred_at="27/11/2024 08.15", category="A1",
                severity="Tinggi", title="Spanduk di café", location="Jl. Diponegoro")]
    cp = write_csv(tmp_path / "cp.csv", rows, ";", encoding="cp1252")
    bom = write_csv(tmp_path / "bom.csv", [row(title="Dengan BOM", category="A1")], ",",
                    encoding="utf-8-sig")
    assert import_spreadsheet(ctx, cp).problems == []
    assert import_spreadsheet(ctx, bom).problems == []
    assert sql(db_path, "SELECT count(*) FROM incident WHERE title='Spanduk di café'") == 1


def test_excel_sep_hint_line_in_csv(ctx, tmp_path, db_path):
    plain = write_csv(tmp_path / "x.csv", [row(category="A1"), row(category="A5", regency="Tegal")],
                      ";")
    hinted = tmp_path / "sep.csv"
    hinted.write_text("sep=;\n" + plain.read_text(encoding="utf-8"), encoding="utf-8")
    report = check_spreadsheet(ctx, hinted)
    assert [(p.row, p.column) for p in report.problems] == [(3, "Kabupaten/Kota")]


def test_prenumbered_empty_rows_are_ignored(ctx, tmp_path, db_path):
    rows = [row(ref="1"), *({k: None for k in row()} | {"ref": str(n)} for n in range(2, 30))]
    report = import_spreadsheet(ctx, fill_template(ctx, tmp_path / "nomor.xlsx", rows))
    assert report.rows_total == 1 and report.problems == [] and len(report.imported) == 1


def test_csv_problem_rows_are_record_numbers(ctx, tmp_path):
    rows = [row(category="A1"), row(category="A1", regency="Tegal")]
    report = check_spreadsheet(ctx, write_csv(tmp_path / "x.csv", rows, ";"))
    assert [(p.row, p.column) for p in report.problems] == [(3, "Kabupaten/Kota")]


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-11-27 08:15", datetime(2024, 11, 27, 8, 15)),
    ("27-11-2024 08:15", datetime(2024, 11, 27, 8, 15)),
    ("27/11/2024 08.15", datetime(2024, 11, 27, 8, 15)),
    ("27-11-2024 08.15 WIB", datetime(2024, 11, 27, 8, 15)),
    ("2024-11-27T08:15:00", datetime(2024, 11, 27, 8, 15)),
    (datetime(2024, 11, 27, 8, 15, 30), datetime(2024, 11, 27, 8, 15)),
    (45623.34375, datetime(2024, 11, 27, 8, 15)),  # an Excel serial number
])
def test_time_formats_are_wib_wall_time(value, expected):
    assert parse_wib_cell(value, True) == expected


@pytest.mark.parametrize("value", ["27-11-2024", "11/27/2024 08:15", "besok", 12.5, "2024-13-01 08:00"])
def test_bad_times_are_refused(value):
    with pytest.raises(Exception):  # noqa: B017 - CellProblem
        parse_wib_cell(value, True)


def test_future_time_and_people_are_checked_like_the_form(ctx, tmp_path):
    path = fill_template(ctx, tmp_path / "x.xlsx", [
        row(occurred_at="2099-01-01 10:00"), row(people_involved="banyak"),
        row(people_involved="1.250", title="Massa besar"),
        row(occurred_at="2024-11-27 10:00", reported_at="2024-11-27 09:00")])
    report = check_spreadsheet(ctx, path)
    assert [(p.row, p.key) for p in report.problems] == [
        (2, "occurred_at"), (3, "people_involved"), (5, "occurred_at")]
    assert report.problems[0].text_in("en") == "The time of the incident is in the future"


def test_an_operator_cannot_import_a_decided_status(ctx, tmp_path, db_path):
    operator = ctx.as_actor(Actor("op", "operator", "Operator"))
    path = fill_template(ctx, tmp_path / "x.xlsx", [row(status="Selesai"), row(title="Baru saja")])
    report = import_spreadsheet(operator, path)
    assert [(p.row, p.key) for p in report.problems] == [(2, "status")]
    assert sql(db_path, "SELECT count(*) FROM incident") == 0


def test_apostrophe_of_a_neutralised_export_is_removed(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "x.xlsx", [row(title="'+62 812 3456 7890 melapor")])
    import_spreadsheet(ctx, path)
    assert sql(db_path, "SELECT title FROM incident") == "+62 812 3456 7890 melapor"


# --- bad files: a clear message and the database unchanged ------------------------------


def _refused(ctx, db_path, path, fragment):
    before = dump(db_path)
    with pytest.raises(SpreadsheetError) as err:
        import_spreadsheet(ctx, path)
    assert fragment in err.value.text_in("en")
    assert err.value.text_in("id") != err.value.text_in("en")  # bilingual
    assert dump(db_path) == before
    return err.value


def test_not_a_spreadsheet(ctx, tmp_path, db_path):
    png = tmp_path / "foto.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    _refused(ctx, db_path, png, "is not an Excel workbook")
    binary = tmp_path / "foto.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    _refused(ctx, db_path, binary, "is not an Excel workbook")
    notxlsx = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(notxlsx, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    _refused(ctx, db_path, notxlsx, "is not an Excel workbook")
    old = tmp_path / "lama.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    _refused(ctx, db_path, old, "Excel 97-2003")


def test_missing_file_and_folder(ctx, tmp_path, db_path):
    _refused(ctx, db_path, tmp_path / "tidak-ada.xlsx", "Cannot open tidak-ada.xlsx")
    (tmp_path / "folder.csv").mkdir()
    _refused(ctx, db_path, tmp_path / "folder.csv", "Cannot open folder.csv")


def test_truncated_workbook(ctx, tmp_path, db_path):
    good = fill_template(ctx, tmp_path / "ok.xlsx", [row()])
    cut = tmp_path / "potong.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _refused(ctx, db_path, cut, "is not an Excel workbook")


def test_huge_file_is_refused_before_reading(ctx, tmp_path, db_path, monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_FILE_BYTES", 10_000)
    big = write_csv(tmp_path / "besar.csv", [row(title="x" * 50)] * 300, ";")
    _refused(ctx, db_path, big, "too large")


def test_zip_bomb_is_refused(ctx, tmp_path, db_path, monkeypatch):
    monkeypatch.setattr(untrusted, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (4 * 1024 * 1024))
    _refused(ctx, db_path, bomb, "unpacks to more than")


def test_too_many_rows(ctx, tmp_path, db_path, monkeypatch):
    monkeypatch.setattr(reader_module, "MAX_ROWS", 5)
    path = write_csv(tmp_path / "banyak.csv", [row(title=f"Baris {i}") for i in range(6)], ";")
    _refused(ctx, db_path, path, "more than 5 rows")


def test_wrong_sheet_and_missing_headers(ctx, tmp_path, db_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Rekap"
    wb.active.append(["Tanggal", "Jumlah"])
    wb.active.append(["2024-11-27", 3])
    other = tmp_path / "rekap.xlsx"
    wb.save(other)
    _refused(ctx, db_path, other, "no sheet with the template's header row")

    wb = openpyxl.Workbook()
    wb.active.append(["Kabupaten/Kota", "Judul", "Kategori"])
    wb.active.append(["3322", "Judul cukup", "A1"])
    partial = tmp_path / "kurang.xlsx"
    wb.save(partial)
    err = _refused(ctx, db_path, partial, "lacks the column(s)")
    assert "Waktu kejadian (WIB)" in err.text_in("en") and "Tingkat keparahan" in err.text_in("en")


def test_empty_template_is_refused(ctx, tmp_path, db_path):
    path = fill_template(ctx, tmp_path / "kosong.xlsx", [])
    _refused(ctx, db_path, path, "has no incident rows")


def test_header_below_title_rows_and_extra_columns(ctx, tmp_path, db_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["LAPORAN INSIDEN KAB. SEMARANG"])
    ws.append([])
    ws.append(["No", "Catatan internal", "Kabupaten/Kota", "Waktu kejadian", "Kategori",
               "Tingkat keparahan", "Judul"])
    ws.append([1, "abaikan", "Kab. Semarang", "2024-11-27 08:15", "A1", "Tinggi", "Hoaks TPS"])
    ws.append([2, "abaikan", "Kab Semarang", "2024-11-27 08:15", "A1", "Tinggi", "X"])
    path = tmp_path / "judul.xlsx"
    wb.save(path)
    report = import_spreadsheet(ctx, path, valid_rows_only=True)
    assert [(p.row, p.column) for p in report.problems] == [(5, "Judul")]
    assert [r.row for r in report.imported] == [4]


def test_cancel_rolls_back_the_whole_import(ctx, tmp_path, db_path):
    path = write_csv(tmp_path / "banyak.csv", [row(title=f"Baris nomor {i}") for i in range(1100)],
                     ";")
    before = dump(db_path)
    progress = Progress()
    seen = []

    def on_progress(done, total, message):
        seen.append(message)
        if message == "Mengimpor baris":
            progress.cancel()

    progress = Progress(on_progress)
    with pytest.raises(Cancelled):
        import_spreadsheet(ctx, path, progress=progress)
    assert "Mengimpor baris" in seen
    assert dump(db_path) == before
    assert inc.count_incidents(ctx, IncidentFilter()) == 0


# --- issue #14.6: hostile spreadsheets are refused with a clear message (exit 2) ---------


def _xlsx_with_doctype(ctx, tmp_path, doctype: str, ref: str):
    good = fill_template(ctx, tmp_path / "baik.xlsx", [row(title="Judul asli")])
    bad = tmp_path / "entitas.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if b"Judul asli" in data:
                text = data.decode()
                end = text.index("?>") + 2 if text.startswith("<?xml") else 0
                data = (text[:end] + doctype + text[end:]).replace(
                    "Judul asli", ref + " Judul asli").encode()
            dst.writestr(info, data)
    return bad


def test_xml_entity_bomb_and_external_entity_are_refused(ctx, tmp_path, db_path, capsys):
    laughs = ('<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              + "".join('<!ENTITY a{} "{}">'.format(i, ("&a{};".format(i - 1) if i else "&a;")
                                                    * 10) for i in range(9)) + "]>")
    bomb = _xlsx_with_doctype(ctx, tmp_path, laughs, "&a8;")
    err = _refused(ctx, db_path, bomb, "document type declaration")
    assert "xl/worksheets/sheet" in err.text_in("en")
    secret = tmp_path / "rahasia.txt"
    secret.write_text("KATA-SANDI-RAHASIA")
    xxe = _xlsx_with_doctype(ctx, tmp_path, '<!DOCTYPE x [<!ENTITY e SYSTEM "{}">]>'.format(
        secret.as_uri()), "&e;")
    _refused(ctx, db_path, xxe, "document type declaration")
    # The CLI: exit 2 and the translated message, no traceback
    capsys.readouterr()
    assert main(["--db", str(db_path), "import-xlsx", str(bomb)]) == 2
    assert "deklarasi tipe dokumen" in capsys.readouterr().err


def test_zip_member_with_a_bomb_ratio_is_refused(ctx, tmp_path, db_path):
    good = fill_template(ctx, tmp_path / "baik.xlsx", [row()])
    bomb = tmp_path / "rasio.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data += b" " * (8 * 1024 * 1024)
            dst.writestr(info, data)
    _refused(ctx, db_path, bomb, "compressed bomb")


def test_shift_jis_and_other_encodings_are_refused_not_imported_as_mojibake(ctx, tmp_path,
                                                                               db_path):
    for encoding, title in (("shift_jis", "選挙のデマ投票所"), ("euc_jp", "投票所のデマ"),
                            ("cp1251", "Новости выборы")):
        path = write_csv(tmp_path / "{}.csv".format(encoding), [row(title=title)], ";",
                         encoding=encoding)
        _refused(ctx, db_path, path, 'save it as "CSV UTF-8" and import it again')
    mixed = tmp_path / "campur.csv"
    mixed.write_bytes(write_csv(tmp_path / "a.csv", [row(title="Kafé baru")], ";",
                                encoding="cp1252").read_bytes()
                      + "33.74;27-11-2024 08.15;A1;Tinggi;Berita café – résumé;\r\n".encode())
    _refused(ctx, db_path, mixed, "mixes UTF-8 with another encoding")


def test_windows_1252_and_utf16_csv_still_import(ctx, tmp_path):
    cp = write_csv(tmp_path / "excel.csv", [row(title="Hoaks “café” – tércoblos")], ";",
                   encoding="cp1252")
    utf16 = write_csv(tmp_path / "unicode.csv", [row(title="Hoaks 🗳️ TPS 5")], "\t",
                      encoding="utf-16")
    assert len(import_spreadsheet(ctx, cp).imported) == 1
    assert len(import_spreadsheet(ctx, utf16).imported) == 1
    titles = {d.title for d in inc.query_incidents(ctx, IncidentFilter()).rows}
    assert titles == {"Hoaks “café” – tércoblos", "Hoaks 🗳️ TPS 5"}


def test_unclosed_quote_is_refused_by_row_number(ctx, tmp_path, db_path):
    path = write_csv(tmp_path / "kutip.csv", [row(title="Baris {}".format(i)) for i in range(5)],
                     ",")
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",", ',"', 1)  # record 4 opens a quote nobody closes
    path.write_text("\n".join(lines) + "\n")
    err = _refused(ctx, db_path, path, "row 4 (line 4) opens a quote that is never closed")
    assert err.params["row"] == 4
    lines[5] = lines[5] + '"'  # closed two rows later: rows 5 would vanish into one cell
    path.write_text("\n".join(lines) + "\n")
    _refused(ctx, db_path, path, "row 4 (line 4) opens a quote that is never closed")
    lines[5] = lines[5][:-1]
    lines[3] = lines[3].replace(',"', ',"33.22" x', 1)
    path.write_text("\n".join(lines) + "\n")
    _refused(ctx, db_path, path, "row 4 (line 4) is not valid CSV")


def test_nul_and_control_characters_in_a_csv_are_refused_by_row(ctx, tmp_path, db_path):
    for char in ("\x00", "\x1b", "\x85"):
        path = write_csv(tmp_path / "kendali.csv", [row(), row(title="Hoaks" + char + "x")], ";")
        err = _refused(ctx, db_path, path, "row 3 (line 3) contains the control character")
        assert err.params["char"] == "U+{:04X}".format(ord(char))

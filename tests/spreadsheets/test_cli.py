"""posko xlsx-template | import-xlsx | export-log, as a script would run them."""

from __future__ import annotations

import json

import openpyxl

from posko_desktop.cli import main

from .helpers import KEYS, dump, row, sql, write_csv


def _posko(db_path, *args):
    return main(["--db", str(db_path), *args])


def _init(db_path):
    assert _posko(db_path, "init", "--site", "33", "--site-name", "Posko Provinsi") == 0


def test_template_fill_import_reimport_export(db_path, tmp_path, capsys):
    _init(db_path)
    template = tmp_path / "templat.xlsx"
    assert _posko(db_path, "xlsx-template", "--out", str(template)) == 0
    wb = openpyxl.load_workbook(template)
    ws = wb["Data Kejadian"]
    for r, values in enumerate([row(ref="1"), row(ref="2", regency="Kota Semarang",
                                                  title="+62 812 3456 lapor warga")], 2):
        for c, key in enumerate(KEYS, 1):
            ws.cell(row=r, column=c, value=values[key])
    filled = tmp_path / "isi.xlsx"
    wb.save(filled)
    capsys.readouterr()

    assert _posko(db_path, "import-xlsx", str(filled)) == 0
    out = capsys.readouterr().out
    assert "kejadian diimpor: 2" in out
    assert sql(db_path, "SELECT count(*) FROM incident") == 2

    assert _posko(db_path, "import-xlsx", str(filled), "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["imported"] == [] and report["already_imported"] == [2, 3]
    assert sql(db_path, "SELECT count(*) FROM incident") == 2

    out_csv = tmp_path / "log.csv"
    assert _posko(db_path, "export-log", "--format", "csv", "--out", str(out_csv),
                  "--regency", "33.74") == 0
    lines = out_csv.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and ",'+62 812 3456 lapor warga," in lines[1]
    assert "1 kejadian diekspor" in capsys.readouterr().out

    out_xlsx = tmp_path / "log.xlsx"
    assert _posko(db_path, "export-log", "--format", "xlsx", "--out", str(out_xlsx),
                  "--severity", "tinggi", "--from", "2024-11-27", "--to", "2024-11-27") == 0
    exported = openpyxl.load_workbook(out_xlsx).active
    assert exported.max_row - 1 == sql(
        db_path, "SELECT count(*) FROM incident WHERE severity='tinggi' AND deleted=0") == 2


def test_errors_exit_2_with_the_report_and_nothing_written(db_path, tmp_path, capsys):
    _init(db_path)
    path = write_csv(tmp_path / "x.csv", [row(category="A1"), row(category="A1", regency="Semarang")],
                     ";")
    before = dump(db_path)
    capsys.readouterr()
    assert _posko(db_path, "--lang", "en", "import-xlsx", str(path)) == 2
    out = capsys.readouterr().out
    assert '3  Kabupaten/Kota  "Semarang" is ambiguous' in out
    assert "Nothing was imported" in out
    assert dump(db_path) == before

    assert _posko(db_path, "import-xlsx", str(path), "--check", "--format", "json") == 2
    report = json.loads(capsys.readouterr().out)
    assert report["rows_with_problems"] == [3] and report["new"] == 1 and report["blocked"]
    assert report["problems"][0]["column"] == "Kabupaten/Kota"
    assert dump(db_path) == before

    assert _posko(db_path, "import-xlsx", str(path), "--valid-rows-only") == 2
    assert sql(db_path, "SELECT count(*) FROM incident") == 1


def test_bad_file_and_bad_filter_are_refused(db_path, tmp_path, capsys):
    _init(db_path)
    junk = tmp_path / "foto.xlsx"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert _posko(db_path, "import-xlsx", str(junk)) == 2
    assert "bukan buku kerja Excel" in capsys.readouterr().err
    assert _posko(db_path, "export-log", "--format", "csv", "--out", str(tmp_path / "a.csv"),
                  "--from", "27-11-2024") == 2
    assert "27-11-2024" in capsys.readouterr().err
    assert _posko(db_path, "export-log", "--format", "csv", "--out", str(tmp_path / "a.csv"),
                  "--regency", "33.99") == 2
    assert "33.99" in capsys.readouterr().err
    assert not (tmp_path / "a.csv").exists()

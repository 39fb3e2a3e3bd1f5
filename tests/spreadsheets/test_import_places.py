"""Import of the incident template (issue 17): a desa that is not in the row's kecamatan is
refused by row and column, naming the kecamatan that has it; nothing is written. A fitting
place is stored by code."""

from __future__ import annotations

from posko_desktop.core.services.spreadsheet_import import import_spreadsheet

from .helpers import dump, fill_template, row, sql


def test_a_desa_outside_its_kecamatan_is_refused_by_row_naming_where_it_is(ctx, tmp_path,
                                                                          db_path):
    path = fill_template(ctx, tmp_path / "tempat.xlsx", [
        row(title="Bentrok pendukung di Lerep", kecamatan="Ungaran Barat", desa="Lerep"),
        row(title="Bentrok pendukung di Bergas", kecamatan="Bergas", desa="Lerep"),
    ])
    before = dump(db_path)
    report = import_spreadsheet(ctx, path)
    problems = [(p.row, p.column, p.text()) for p in report.problems]
    assert [(r, c) for r, c, _t in problems] == [(3, "Desa/Kelurahan")], problems
    assert "Lerep" in problems[0][2] and "Bergas" in problems[0][2]
    assert "Ungaran Barat (33.22.18)" in problems[0][2]
    assert report.blocked and report.imported == []
    assert dump(db_path) == before

    fitting = fill_template(ctx, tmp_path / "tempat-benar.xlsx", [
        row(title="Bentrok pendukung di Lerep", kecamatan="ungaran barat", desa="LEREP")])
    report = import_spreadsheet(ctx, fitting)
    assert not report.blocked and len(report.imported) == 1
    assert sql(db_path, "SELECT count(*) FROM incident") == 1
    assert sql(db_path, "SELECT kecamatan || '|' || kecamatan_code || '|' || desa || '|' || "
                        "desa_code FROM incident") == "Ungaran Barat|33.22.18|Lerep|33.22.18.2004"

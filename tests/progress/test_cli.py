"""`posko progress set|show|list|update|delete|template|import`: JSON as docs/cli-json.md
says, exit code 2 with nothing written on bad input, --if-version, and the workbook the
regencies fill in imported with a report per row and column, all or nothing, twice safely."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from posko_desktop.cli import main

SET = ("progress", "set", "3322", "pemungutan", "--done", "1800", "--of", "2640", "--at",
       "2024-11-27 13:00", "--note", "Laporan PPK")


def run(capsys, db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path) -> list:
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT * FROM stage_report ORDER BY id").fetchall()
                + con.execute("SELECT id FROM audit_log").fetchall())
    finally:
        con.close()


@pytest.fixture
def site(db_path, capsys):
    assert run(capsys, db_path, "init", "--site", "33", "--site-name", "Provinsi")[0] == 0
    return db_path


def test_set_show_list_update_delete_in_json(site, capsys):
    code, out, _err = run(capsys, site, *SET, "--format", "json")
    assert code == 0
    r = json.loads(out)
    assert (r["regency"], r["stage"], r["done"], r["total"], r["complete"]) == (
        "33.22", "pemungutan", 1800, 2640, False)
    assert r["as_of"] == "2024-11-27T13:00:00+07:00" and r["note"] == "Laporan PPK"
    assert run(capsys, site, "progress", "set", "33.22", "logistik", "--yes", "--at",
               "2024-11-26 20:00")[0] == 0
    code, out, _err = run(capsys, site, "progress", "show", "--format", "json")
    board = json.loads(out)
    assert len(board["regencies"]) == 35 and board["complete"]["logistik"] == 1
    semarang = next(g for g in board["regencies"] if g["regency"] == "33.22")
    assert semarang["name"] == "Kab. Semarang"
    assert semarang["stages"]["pemungutan"]["done"] == 1800
    assert semarang["stages"]["psu"] is None
    code, out, _err = run(capsys, site, "progress", "show")
    assert "1,800/2,640" in out and "Kota Semarang" in out
    code, out, _err = run(capsys, site, "progress", "update", r["number"], "--done", "2640",
                          "--format", "json")
    assert code == 0 and json.loads(out)["complete"] is True
    before = rows(site)
    code, _out, err = run(capsys, site, "progress", "update", r["number"], "--done", "1",
                          "--if-version", r["version"])
    assert code == 2 and "was changed by" in err
    assert rows(site) == before
    assert run(capsys, site, "progress", "delete", r["number"], "--reason", "dobel")[0] == 0
    code, out, _err = run(capsys, site, "progress", "list", "--format", "json")
    assert [x["stage"] for x in json.loads(out)["reports"]] == ["logistik"]


@pytest.mark.parametrize("argv", [
    ("progress", "set", "33.99", "pemungutan", "--done", "1", "--of", "2"),
    ("progress", "set", "33.22", "pemungutan", "--done", "3", "--of", "2"),
    ("progress", "set", "33.22", "psu", "--done", "1"),  # the first PSU report needs --of
    ("progress", "set", "33.22", "rekap_kabkota", "--done", "2", "--of", "2"),
    ("progress", "set", "33.22", "pemungutan", "--of", "2"),  # no --done
    ("progress", "set", "33.22", "pemungutan", "--done", "1", "--of", "2", "--at", "kemarin"),
])
def test_bad_input_exits_2_and_writes_nothing(site, capsys, argv):
    before = rows(site)
    code, _out, err = run(capsys, site, *argv)
    assert code == 2 and err
    assert rows(site) == before


def _fill(path: Path, filled: dict[tuple[str, str], tuple]) -> None:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        key = (row[0].value, row[2].value)
        if key in filled:
            row[4].value, row[5].value, row[6].value = filled[key]
    wb.save(path)


def test_the_regency_workbook_imports_with_a_row_report_and_only_once(site, capsys, tmp_path):
    path = tmp_path / "tahapan-3374.xlsx"
    assert run(capsys, site, "progress", "template", str(path), "--regency", "33.74")[0] == 0
    ws = load_workbook(path).worksheets[0]
    assert ws.max_row == 1 + 9  # one row per stage
    assert [c.value for c in ws[1]][:3] == ["Regency code *", "Regency/city", "Stage *"]
    _fill(path, {("33.74", "logistik"): ("ya", None, datetime(2024, 11, 26, 21, 0)),
                 ("33.74", "pemungutan"): (5000, 3000, datetime(2024, 11, 27, 14, 0)),
                 ("33.74", "rekap_kecamatan"): (3, None, "kemarin")})
    before = rows(site)
    code, out, _err = run(capsys, site, "progress", "import", str(path), "--format", "json")
    assert code == 2
    problems = json.loads(out)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(7, "As of (WIB)")]
    assert rows(site) == before  # nothing imported while a row is wrong
    _fill(path, {("33.74", "rekap_kecamatan"): (3, None, "2024-11-28 10.00")})
    code, out, _err = run(capsys, site, "progress", "import", str(path), "--format", "json")
    assert code == 2  # the service's check, by row and column
    assert [(p["row"], p["column"]) for p in json.loads(out)["problems"]] == [(3, "Done")]
    assert rows(site) == before
    _fill(path, {("33.74", "pemungutan"): (2900, 3000, datetime(2024, 11, 27, 14, 0))})
    code, out, _err = run(capsys, site, "progress", "import", str(path), "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["imported"] == 3
    kec = next(r for r in result["reports"] if r["stage"] == "rekap_kecamatan")
    assert (kec["done"], kec["total"]) == (3, 16)  # Kota Semarang has 16 kecamatan
    code, out, _err = run(capsys, site, "progress", "import", str(path), "--format", "json")
    assert json.loads(out)["imported"] == 0 and json.loads(out)["known_rows"] == [2, 3, 7]

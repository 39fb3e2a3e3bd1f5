"""`posko activity add|list|show|update|delete|export`: JSON as docs/cli-json.md says,
exit code 2 with nothing written on bad input, and --if-version like incidents."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from posko_desktop.cli import main

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
ADD = ("activity", "add", "--kind", "klarifikasi_publik", "--title",
       "=Klarifikasi hoaks surat suara tercoblos", "--start", "2024-11-26 10:00",
       "--end", "2024-11-26 11:30", "--regency", "33.74", "--regency", "3322",
       "--partner", "bawaslu", "--partner", "FKUB", "--result", "Siaran pers terbit")


def run(capsys, db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path) -> list:
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT * FROM activity").fetchall()
                + con.execute("SELECT id FROM audit_log").fetchall())
    finally:
        con.close()


@pytest.fixture
def site(db_path, capsys):
    assert run(capsys, db_path, "init", "--site", "33", "--site-name", "Provinsi")[0] == 0
    return db_path


def test_add_show_list_update_delete_in_json(site, capsys, tmp_path):
    photo = tmp_path / "siaran-pers.png"
    photo.write_bytes(PNG)
    code, out, _err = run(capsys, site, *ADD, "--attach", str(photo), "--format", "json")
    assert code == 0
    made = json.loads(out)
    assert made["started_at"] == "2024-11-26T10:00:00+07:00"
    assert made["regencies"] == ["33.22", "33.74"] and made["partners"] == ["BAWASLU", "FKUB"]
    assert made["attachments"][0]["mime"] == "image/png"
    code, out, _err = run(capsys, site, "activity", "show", made["number"], "--format", "json")
    assert json.loads(out) == made
    code, out, _err = run(capsys, site, "activity", "list", "--from", "2024-11-26", "--to",
                          "2024-11-26", "--regency", "33.74", "--format", "json")
    listed = json.loads(out)
    assert listed["count"] == 1 and listed["activities"][0]["id"] == made["id"]
    code, out, _err = run(capsys, site, "activity", "update", made["number"], "--result",
                          "Diberitakan 5 media", "--if-version", made["version"],
                          "--format", "json")
    updated = json.loads(out)
    assert code == 0 and updated["result"] == "Diberitakan 5 media"
    assert updated["title"] == made["title"] and updated["version"] != made["version"]
    code, out, _err = run(capsys, site, "activity", "delete", made["number"], "--reason", "uji",
                          "--format", "json")
    assert code == 0 and json.loads(out)["deleted"] is True
    code, out, _err = run(capsys, site, "activity", "list", "--format", "json")
    assert json.loads(out)["count"] == 0


def test_a_stale_if_version_exits_2_and_writes_nothing(site, capsys):
    _code, out, _err = run(capsys, site, *ADD, "--format", "json")
    made = json.loads(out)
    assert run(capsys, site, "activity", "update", made["id"], "--title", "Klarifikasi")[0] == 0
    before = rows(site)
    code, _out, err = run(capsys, site, "activity", "update", made["id"], "--result", "lama",
                          "--if-version", made["version"])
    assert code == 2 and "tidak disimpan" in err
    assert rows(site) == before


@pytest.mark.parametrize("argv", [
    ("--kind", "pesta"),
    ("--start", "kemarin"),
    ("--regency", "33.99"),
    ("--end", "2024-11-26 09:00"),
])
def test_bad_input_exits_2_with_nothing_written(site, capsys, argv):
    _code, out, _err = run(capsys, site, *ADD, "--format", "json")
    before = rows(site)
    with pytest.raises(SystemExit) if argv[0] == "--kind" else _nothing():
        code, _out, err = run(capsys, site, "activity", "update",
                              json.loads(out)["number"], *argv)
        assert code == 2 and err
    assert rows(site) == before


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_export_writes_neutralised_cells(site, capsys, tmp_path):
    run(capsys, site, *ADD)
    out = tmp_path / "kegiatan.xlsx"
    code, text, _err = run(capsys, site, "activity", "export", str(out))
    assert code == 0 and out.exists()
    sheet = load_workbook(out).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[1][4] == "'=Klarifikasi hoaks surat suara tercoblos"
    assert values[1][1].hour == 10  # WIB


def test_an_agencys_activity_names_its_unit_in_json_and_xlsx(site, capsys, tmp_path):
    code, out, _err = run(capsys, site, *ADD, "--unit", "polda", "--format", "json")
    made = json.loads(out)
    assert code == 0 and made["reporting_unit"] == "POLDA"
    before = rows(site)
    code, _out, err = run(capsys, site, "activity", "update", made["number"], "--unit", "NOPE")
    assert code == 2 and "NOPE" in err and rows(site) == before
    out_file = tmp_path / "kegiatan.xlsx"
    assert run(capsys, site, "activity", "export", str(out_file))[0] == 0
    values = [[c.value for c in r] for r in load_workbook(out_file).active.iter_rows()]
    assert values[0][-1] == "Unit pelapor" and values[1][-1] == "POLDA"
    code, out, _err = run(capsys, site, "activity", "update", made["number"], "--unit", "",
                          "--format", "json")
    assert code == 0 and json.loads(out)["reporting_unit"] is None

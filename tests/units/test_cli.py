"""`posko unit ...`, `posko watch`, `posko nihil --unit` and an agency reporting with the
XLSX template, through the real CLI on a real SQLite file."""

from __future__ import annotations

import json

import openpyxl

from posko_desktop.cli import main
from tests.spreadsheets.helpers import KEYS, row


def posko(db_path, *args: str) -> int:
    return main(["--db", str(db_path), "--lang", "en", *args])


def out_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def watch(db_path, capsys) -> dict[str, str]:
    assert posko(db_path, "watch", "--format", "json") == 0  # the current period
    return {r["code"]: r["status"] for r in out_json(capsys)["rows"]}


def test_units_are_listed_added_and_changed_with_documented_json(db_path, capsys):
    assert posko(db_path, "init", "--site", "33", "--site-name", "Provinsi") == 0
    capsys.readouterr()
    assert posko(db_path, "unit", "list", "--format", "json") == 0
    rows = out_json(capsys)["rows"]
    assert len(rows) == 35 + 9 and rows[0]["code"] == "33.01" and rows[35]["type"] == "agency"
    assert set(rows[0]) == {"id", "code", "name", "type", "regency_code", "cadence",
                            "agency_code", "active", "must_report", "origin_site", "site_code",
                            "updated_at", "updated_by", "version"}
    assert posko(db_path, "unit", "add", "dinsos", "--name", "Dinas Sosial Provinsi",
                 "--cadence", "on_event", "--format", "json") == 0
    added = out_json(capsys)
    assert (added["code"], added["cadence"], added["must_report"]) == ("DINSOS", "on_event",
                                                                       False)
    assert posko(db_path, "unit", "update", "DINSOS", "--cadence", "daily", "--format",
                 "json") == 0
    assert out_json(capsys)["must_report"] is True
    assert posko(db_path, "unit", "update", "DINSOS", "--deactivate", "--if-version",
                 added["version"]) == 2  # changed since that version
    assert "was changed by" in capsys.readouterr().err
    assert posko(db_path, "unit", "show", "dinsos", "--format", "json") == 0
    assert out_json(capsys)["active"] is True
    assert posko(db_path, "unit", "add", "POLDA", "--name", "Polda") == 2  # never reused
    assert posko(db_path, "unit", "show", "NOPE") == 2


def test_an_agency_reports_with_the_xlsx_template_and_turns_masuk(db_path, tmp_path, capsys):
    assert posko(db_path, "init", "--site", "33", "--site-name", "Provinsi") == 0
    template = tmp_path / "templat.xlsx"
    assert posko(db_path, "xlsx-template", "--out", str(template)) == 0
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[1]
    headers = [ws.cell(row=1, column=c).value for c in range(1, len(KEYS) + 1)]
    assert headers[KEYS.index("reporting_unit")] == "Unit pelapor"  # the sheet is Indonesian
    lists = wb.worksheets[2]
    col = next(c[0].column for c in lists.iter_cols() if c[0].value == "Unit pelapor")
    choices = [c.value for c in next(lists.iter_cols(min_col=col, max_col=col)) if c.value]
    assert "POLDA Polda Jawa Tengah" in choices and "KPU-PROV KPU Provinsi Jawa Tengah" in choices
    for r, values in enumerate([row(ref="P-1", reporting_unit="POLDA Polda Jawa Tengah",
                                    occurred_at="26-11-2024 14.00"),
                                row(ref="P-2", reporting_unit="kpu-prov",
                                    occurred_at="26-11-2024 15.00")], 2):
        for c, key in enumerate(KEYS, 1):
            ws.cell(row=r, column=c, value=values[key])
    filled = tmp_path / "laporan-polda.xlsx"
    wb.save(filled)
    capsys.readouterr()
    before = watch(db_path, capsys)
    assert before["POLDA"] == before["KPU-PROV"] == before["33.22"] == "belum"
    assert posko(db_path, "import-xlsx", str(filled)) == 0  # entered now: this period
    capsys.readouterr()
    after = watch(db_path, capsys)
    assert after["POLDA"] == after["KPU-PROV"] == "masuk"
    assert after["33.22"] == "belum"  # the agencies' reports, not the Kab. Semarang office's
    assert posko(db_path, "incident", "list", "--format", "json") == 0
    numbers = [r["number"] for r in out_json(capsys)["rows"]]
    assert posko(db_path, "incident", "show", numbers[0], "--format", "json") == 0
    assert out_json(capsys)["reporting_unit"] in ("POLDA", "KPU-PROV")
    # the same sheet again adds nothing; an unknown unit is named by row and column
    assert posko(db_path, "import-xlsx", str(filled)) == 0
    ws.cell(row=2, column=KEYS.index("reporting_unit") + 1, value="POLRES-X")
    ws.cell(row=2, column=KEYS.index("title") + 1, value="Baris lain")
    wb.save(filled)
    capsys.readouterr()
    assert posko(db_path, "import-xlsx", str(filled), "--check", "--format", "json") == 2
    problems = out_json(capsys)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "Unit pelapor")]
    # a Nihil for an agency through the CLI
    assert posko(db_path, "nihil", "--unit", "kejati", "--via", "telepon") == 0
    assert "Nihil recorded for KEJATI" in capsys.readouterr().out
    assert watch(db_path, capsys)["KEJATI"] == "nihil"


def test_an_agency_site_and_a_changed_reporter_through_the_cli(db_path, capsys):
    assert posko(db_path, "init", "--site", "33", "--site-name", "Provinsi") == 0
    capsys.readouterr()
    assert posko(db_path, "unit", "update", "POLDA", "--site", "3381", "--format",
                 "json") == 0
    assert out_json(capsys)["site_code"] == "33.81"
    assert posko(db_path, "unit", "update", "KODAM4", "--site", "33.81") == 2  # Polda's
    assert posko(db_path, "unit", "update", "KODAM4", "--site", "33.22") == 2  # a regency
    assert "33.80 to 33.99" in capsys.readouterr().err
    assert posko(db_path, "incident", "add", "--regency", "33.74", "--title", "Bentrok",
                 "--category", "D1", "--severity", "sedang", "--source", "laporan_lapangan",
                 "--occurred", "2024-11-26 10:00", "--format", "json") == 0
    number = out_json(capsys)["number"]
    assert watch(db_path, capsys)["33.74"] == "masuk"
    assert posko(db_path, "incident", "update", number, "--unit", "kejati", "--format",
                 "json") == 0
    assert out_json(capsys)["reporting_unit"] == "KEJATI"
    status = watch(db_path, capsys)
    assert (status["KEJATI"], status["33.74"]) == ("masuk", "belum")
    assert posko(db_path, "incident", "update", number, "--unit", "") == 0
    capsys.readouterr()
    assert watch(db_path, capsys)["33.74"] == "masuk"
    assert posko(db_path, "audit", "verify", "--deep") == 0  # the trail names the unit

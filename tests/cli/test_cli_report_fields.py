"""`posko incident add|update|show|list` with the flash report's fields, and `posko stats
--victims`; every number compared with SQL on the database file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run, snapshot, sql

ADD = ("incident", "add", "--regency", "33.22", "--title", "Bentrok pendukung di Bergas",
       "--category", "D3", "--severity", "kritis", "--occurred", "2024-11-26 20:30")


@pytest.fixture
def site_db(db_path, capsys) -> Path:
    code, _out, _err = run(capsys, "--db", str(db_path), "init", "--site", "33",
                           "--site-name", "Posko Provinsi")
    assert code == 0
    return db_path


def test_add_update_show_and_list_carry_the_fields(site_db, capsys):
    db = str(site_db)
    code, out, err = run(capsys, "--db", db, *ADD, "--dead", "1", "--injured", "4",
                         "--material-loss", "2 motor dibakar", "--condition", "Kondusif",
                         "--contact", "Bripka Sugeng", "--phone", "+62 812-3456-7890",
                         "--format", "json")
    assert code == 0, err
    made = json.loads(out)
    assert (made["victims_dead"], made["victims_injured"]) == (1, 4)
    assert made["material_loss"] == "2 motor dibakar"
    assert (made["source_contact"], made["source_phone"]) == ("Bripka Sugeng",
                                                             "+62 812-3456-7890")
    code, _out, err = run(capsys, "--db", db, "incident", "update", made["number"],
                          "--injured", "6", "--condition", "Pelaku ditangkap",
                          "--if-version", made["version"])
    assert code == 0, err
    assert sql(site_db, "SELECT victims_dead, victims_injured, current_condition FROM "
                        "incident") == [(1, 6, "Pelaku ditangkap")]
    code, out, _err = run(capsys, "--db", db, "--lang", "en", "incident", "show",
                          made["number"])
    assert "1 dead, 6 injured" in out and "Bripka Sugeng +62 812-3456-7890" in out
    code, out, _err = run(capsys, "--db", db, "incident", "list", "--format", "json")
    rows = json.loads(out)["rows"]
    assert [(r["victims_dead"], r["victims_injured"]) for r in rows] == [(1, 6)]


def test_a_bad_phone_or_count_is_refused_and_nothing_changes(site_db, capsys):
    db = str(site_db)
    code, out, err = run(capsys, "--db", db, *ADD, "--format", "json")
    number = json.loads(out)["number"]
    before = snapshot(site_db)
    code, _out, err = run(capsys, "--db", db, "--lang", "en", "incident", "update", number,
                          "--phone", "0812-ABC")
    assert code == 2 and "--phone" in err and "digits, spaces, + and -" in err
    code, _out, err = run(capsys, "--db", db, "--lang", "id", *ADD, "--injured", "-3")
    assert code == 2 and "--injured" in err
    assert snapshot(site_db) == before


def test_stats_victims_per_row_and_in_total(site_db, capsys):
    db = str(site_db)
    for extra in (("--dead", "1", "--injured", "2"), ("--injured", "3"),
                  ("--regency", "33.74", "--dead", "2")):
        assert run(capsys, "--db", db, *ADD, *extra)[0] == 0  # a later --regency wins
    code, out, _err = run(capsys, "--db", db, "stats", "--by", "regency", "--victims",
                          "--format", "json")
    doc = json.loads(out)
    rows = {r["key"]: (r["count"], r["dead"], r["injured"]) for r in doc["rows"]}
    assert rows["33.22"] == (2, 1, 5) and rows["33.74"] == (1, 2, 0)
    assert rows["33.01"] == (0, 0, 0)
    expected = sql(site_db, "SELECT sum(coalesce(victims_dead, 0)), "
                            "sum(coalesce(victims_injured, 0)) FROM incident WHERE NOT deleted")
    assert [(doc["victims"]["dead"], doc["victims"]["injured"])] == expected
    code, out, _err = run(capsys, "--db", db, "--lang", "en", "stats", "--by", "severity",
                          "--victims")
    assert "Victims: 3 dead, 5 injured" in out

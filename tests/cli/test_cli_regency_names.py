"""The CLI takes regencies as the window does (code or name; an ambiguous name is refused
with the candidates, exit 2, nothing written) and its tables show names beside codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from posko_desktop.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path, query: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


@pytest.fixture
def site_db(db_path, capsys) -> Path:
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P")[0] == 0
    return db_path


def add(capsys, db: Path, regency: str) -> tuple[int, str, str]:
    return run(capsys, "--db", str(db), "incident", "add", "--regency", regency,
               "--title", "Politik uang di pasar", "--category", "B1", "--severity", "tinggi",
               "--occurred", "2024-11-25 10:00")


@pytest.mark.parametrize("given, code", [("Banyumas", "33.02"), ("kota semarang", "33.74"),
                                         ("Kab. Semarang", "33.22"), ("Tegal City", "33.76"),
                                         ("3302", "33.02"), ("33.74", "33.74")])
def test_add_takes_a_regency_by_name_or_code(site_db, capsys, given, code):
    assert add(capsys, site_db, given)[0] == 0
    assert rows(site_db, "SELECT regency_code FROM incident") == [(code,)]


def test_an_ambiguous_or_unknown_name_is_refused_with_the_candidates(site_db, capsys):
    code, _out, err = add(capsys, site_db, "Semarang")
    assert code == 2
    assert "Kab. Semarang (33.22)" in err and "Kota Semarang (33.74)" in err
    code, _out, err = add(capsys, site_db, "Atlantis")
    assert code == 2 and "Atlantis" in err
    assert rows(site_db, "SELECT count(*) FROM incident") == [(0,)]
    code, _out, err = run(capsys, "--db", str(site_db), "incident", "list", "--regency", "Tegal")
    assert code == 2 and "Kota Tegal (33.76)" in err


def test_list_and_show_print_names_beside_codes(site_db, capsys):
    add(capsys, site_db, "Banyumas")
    code, out, _err = run(capsys, "--db", str(site_db), "incident", "list", "--regency",
                          "Banyumas")
    assert code == 0 and "33.02 Kab. Banyumas" in out
    code, out, _err = run(capsys, "--db", str(site_db), "incident", "list", "--format", "json")
    number = json.loads(out)["rows"][0]["number"]
    code, out, _err = run(capsys, "--db", str(site_db), "incident", "show", number)
    assert code == 0 and "B1 Pemberian uang/barang" in out and "33.02 Kab. Banyumas" in out

"""Migration 0016 (reporting units) on a real 0009 database (tests/data/posko-0009.sqlite3):
every old row kept (incidents gain `reporting_unit` NULL: each stays its regency office's
report), the trail verifies, the seeded units are there, and the watch lists the 35
regency offices and the daily agencies."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from posko_desktop.cli import main
from posko_desktop.core.db.seed_units import AGENCY_UNITS

DATA = Path(__file__).resolve().parents[1] / "data"


def query(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_0009_to_0016_keeps_every_incident_as_its_regency_office_report(tmp_path, capsys,
                                                                        monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    incidents = query(path, "SELECT id, regency_code, number, title, mod_stamp FROM incident "
                            "ORDER BY id")
    nihil = query(path, "SELECT id, regency_code, report_date FROM nihil_report ORDER BY id")
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]
    assert query(path, "SELECT id, regency_code, number, title, mod_stamp FROM incident "
                       "ORDER BY id") == incidents and len(incidents) > 50
    assert query(path, "SELECT count(*) FROM incident WHERE reporting_unit IS NOT NULL") == [(0,)]
    assert query(path, "SELECT id, regency_code, report_date FROM nihil_report "
                       "ORDER BY id") == nihil
    assert query(path, "SELECT count(*) FROM nihil_report WHERE unit_code IS NOT NULL") == [(0,)]
    units = query(path, "SELECT number, unit_type, regency_code, cadence FROM reporting_unit")
    regency_units = {u[0] for u in units if u[1] == "regency"}
    assert regency_units == {r for (r,) in query(path, "SELECT code FROM regency")}
    assert all(code == regency for code, kind, regency, _c in units if kind == "regency")
    assert {u[0] for u in units if u[1] == "agency"} == {c for c, _n, _k in AGENCY_UNITS}

    assert main([*base, "watch", "--date", "2024-12-02", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["group"] for r in rows] == ["regency"] * 35 + ["agency"] * 7
    # the 0009 database's incidents (made 1 Dec 2024 08.00 WIB) still count for their regency offices
    entered = {r for (r,) in query(
        path, "SELECT DISTINCT regency_code FROM incident WHERE deleted = 0 AND "
              "created_at >= '2024-12-01 00:00:00' AND created_at < '2024-12-02 00:00:00'")}
    assert entered and {r["code"] for r in rows if r["status"] == "masuk"} == entered
    assert main([*base, "audit", "verify", "--deep"]) == 0

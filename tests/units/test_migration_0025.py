"""Migration 0025 (reporting units on activities, agency sites, language per user) on a real
0009 database (tests/data/posko-0009.sqlite3): every old row kept, `audit verify` passes,
an activity made before gets its `reporting_unit` stamp (its creation stamp, so every site
agrees), units get `site_code` NULL with the seed stamp, and a database-wide language the
window stored becomes the choice of the user who stored it."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from alembic import command

from posko_desktop.cli import main
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.migrate import SCHEMA_HEAD, alembic_config
from posko_desktop.core.db.seed_units import SEED_STAMP

DATA = Path(__file__).resolve().parents[1] / "data"
STAMP = "1732597200000-00000-33"
ACTIVITY_STAMPS = {f: STAMP for f in ("started_at", "ended_at", "kind", "title", "regencies",
                                      "partners", "result", "kecamatan_code", "desa_code",
                                      "attachments", "deleted")}


def query(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _to(path: Path, revision: str) -> None:
    db = Database(path)
    try:
        cfg = alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        db.dispose()


def _old_database(tmp_path: Path) -> Path:
    """The 0009 file brought to 0020 (the head before 0025), with an activity recorded then
    and the language one operator switched the window to, stored for the whole database."""
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    _to(path, "0020")
    con = sqlite3.connect(path)
    try:
        con.execute(
            "INSERT INTO activity (id, number, started_at, ended_at, kind, title, regencies, "
            "partners, result, attachments, origin_site, recorded_by, created_at, updated_at, "
            "updated_by, mod_stamp, field_stamps, deleted) VALUES ('0193602a1b2c7d8e9f00112233445566', "
            "'KEG-33-2024-00001', '2024-11-26 02:00:00.000000', NULL, 'rakor', 'Rakor', "
            "'[\"33.22\"]', '[]', '', '[]', '33', 'admin', '2024-11-26 05:00:00.000000', "
            "'2024-11-26 05:00:00.000000', 'admin', ?, ?, 0)",
            (STAMP, json.dumps(ACTIVITY_STAMPS)))
        con.execute("INSERT INTO setting (key, value, updated_at, updated_by) VALUES "
                    "('ui.language', '\"en\"', '2024-11-26 05:00:00.000000', 'operator1')")
        con.commit()
    finally:
        con.close()
    return path


def test_0009_through_0020_to_0025_keeps_rows_and_moves_the_language(tmp_path, capsys,
                                                                      monkeypatch):
    path = _old_database(tmp_path)
    incidents = query(path, "SELECT id, regency_code, title, mod_stamp, field_stamps "
                            "FROM incident ORDER BY id")
    users = query(path, "SELECT id, username, role, password_hash FROM user_account ORDER BY id")
    units = query(path, "SELECT number, name, cadence, mod_stamp FROM reporting_unit "
                        "ORDER BY number")
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]
    assert query(path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    assert query(path, "SELECT id, regency_code, title, mod_stamp, field_stamps "
                       "FROM incident ORDER BY id") == incidents and len(incidents) > 50
    assert query(path, "SELECT id, username, role, password_hash FROM user_account "
                       "ORDER BY id") == users
    assert query(path, "SELECT number, name, cadence, mod_stamp FROM reporting_unit "
                       "ORDER BY number") == units
    # units: no site yet, the new field stamped like the seed (equal on every site)
    assert query(path, "SELECT count(*) FROM reporting_unit WHERE site_code IS NOT NULL") == [(0,)]
    stamps = [json.loads(s) for (s,) in query(path, "SELECT field_stamps FROM reporting_unit")]
    assert {s["site_code"] for s in stamps} == {SEED_STAMP}
    # the activity: no unit (the desk's own), the new field stamped with its creation
    [(unit, stored)] = query(path, "SELECT reporting_unit, field_stamps FROM activity")
    assert unit is None and json.loads(stored) == {**ACTIVITY_STAMPS, "reporting_unit": STAMP}
    # the language: operator1's own choice now; the database-wide row is gone
    assert query(path, "SELECT username, language FROM user_account ORDER BY id") == [
        ("admin", ""), ("operator1", "en"), ("supervisor1", "")]
    assert query(path, "SELECT count(*) FROM setting WHERE key = 'ui.language'") == [(0,)]
    assert main([*base, "audit", "verify", "--deep"]) == 0
    capsys.readouterr()
    assert main([*base, "activity", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["activities"]
    assert [(r["number"], r["reporting_unit"]) for r in rows] == [("KEG-33-2024-00001", None)]

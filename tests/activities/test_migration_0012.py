"""Migration 0012 (activities) on a real 0009 database (tests/data/posko-0009.sqlite3):
every old row kept, the trail verifies, the two new tables are there and empty, and the
upgraded site records an activity and exports it (format 2, the new record file)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

from posko_desktop.cli import main
from tests.kerawanan.sheets import pop_sheets

DATA = Path(__file__).resolve().parents[1] / "data"


def rows_of(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        names = [n for (n,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'incident_fts%' AND name != 'alembic_version'")]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)
                for n in names}
    finally:
        con.close()


def columns(path: Path, table: str) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
    finally:
        con.close()


def test_0009_to_0012_keeps_every_row_and_adds_the_activity_log(tmp_path, capsys, monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    before = rows_of(path)
    assert "activity" not in before
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]
    after = rows_of(path)
    # 0011 (before 0012) appends the incident's report and place columns and fills the
    # place list (tests/core/test_places.py): here the old columns of every row stay
    width = len(before["incident"][0])
    after["incident"] = sorted((r[:width] for r in after["incident"]), key=repr)
    # 0024 appends followup.contact_id (tests/directory/test_migration_0024.py)
    fu_width = len(before["followup"][0])
    after["followup"] = sorted((r[:fu_width] for r in after["followup"]), key=repr)
    assert (len(after.pop("kecamatan")), len(after.pop("desa"))) == (576, 8563)
    # 0016 (after 0012 in the chain): the seeded reporting units, nihil_report.unit_code
    assert len(after.pop("reporting_unit")) == 35 + 9
    pop_sheets(after)  # 0023
    if before["nihil_report"]:
        nihil_width = len(before["nihil_report"][0])
        assert {r[nihil_width:] for r in after["nihil_report"]} == {(None,)}
        after["nihil_report"] = sorted((r[:nihil_width] for r in after["nihil_report"]),
                                       key=repr)

    for later in ("candidate_pair", "tps", "baseline_import", "ikp_score", "tps_mark"):
        assert after.pop(later, []) == []  # tables of later migrations (0014): empty
    for later in ("social_post", "hoax_case", "takedown_request", "lexicon_entry"):  # 0013
        assert after.pop(later) == []
    moved = ("audit_log", "audit_head", "user_account")  # the login: appended, last login
    # and the reference tables 0017 revises (tests/taxonomy/test_migration_0017.py)
    moved += ("category", "agency")
    later = ("stage_report", "agency_contact", "incident_day_count")  # of later migrations
    assert {t: r for t, r in after.items() if t not in moved + later} == {
        **{t: r for t, r in before.items() if t not in moved}, "activity": [],
        "record_conflict": [], "roster_entry": [], "handover": []}
    assert set(before["audit_log"]) <= set(after["audit_log"])
    assert [u[:4] for u in after["user_account"]] == [u[:4] for u in before["user_account"]]
    assert {"id", "number", "started_at", "kind", "regencies", "partners", "attachments",
            "field_stamps", "deleted", "sync_mark", "via_package"} <= set(
        columns(path, "activity"))

    assert main([*base, "activity", "add", "--kind", "rakor", "--title", "Rakor pasca "
                 "pemungutan suara", "--start", "2024-11-28 09:00", "--regency", "33.74"]) == 0
    assert main([*base, "audit", "verify", "--deep"]) == 0
    out = tmp_path / "to-3374.posko"
    assert main([*base, "export", "--to", "33.74", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        lines = zf.read("records/activities.jsonl").decode().splitlines()
    assert manifest["format_version"] == 2 and manifest["counts"]["activities"] == 1
    assert json.loads(lines[0])["title"] == "Rakor pasca pemungutan suara"

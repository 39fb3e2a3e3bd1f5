"""Migration 0015 (stage progress; the activity's place by code) on a copy of the newest database of record
(tests/data/posko-0009.sqlite3, through 0011 and 0012): every old row kept, the trail
verifies, the new table is there and empty, and the upgraded site reports a stage and
exports it (format 2, the new record file)."""

from __future__ import annotations

import json
import shutil
import zipfile

from posko_desktop.cli import main
from tests.activities.test_migration_0012 import DATA, columns, rows_of


def test_0009_to_0015_keeps_every_row_and_adds_the_stage_reports(tmp_path, capsys,
                                                                  monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    before = rows_of(path)
    assert "stage_report" not in before
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]
    after = rows_of(path)
    assert after["stage_report"] == []
    for table, old_rows in before.items():
        if table in ("audit_log", "audit_head", "user_account"):  # the login wrote there
            continue
        if table in ("category", "agency"):  # revised by 0017 (tests/taxonomy)
            continue
        width = len(old_rows[0]) if old_rows else 0
        assert sorted((r[:width] for r in after[table]), key=repr) == old_rows, table
    assert set(before["audit_log"]) <= set(after["audit_log"])
    assert {"id", "number", "regency", "stage", "as_of", "counts", "note", "field_stamps",
            "deleted", "sync_mark", "via_package"} <= set(columns(path, "stage_report"))
    assert {"kecamatan_code", "desa_code"} <= set(columns(path, "activity"))

    assert main([*base, "progress", "set", "33.74", "pemungutan", "--done", "3012", "--of",
                 "3012", "--at", "2024-11-27 16:00"]) == 0
    assert main([*base, "audit", "verify", "--deep"]) == 0
    out = tmp_path / "to-3374.posko"
    assert main([*base, "export", "--to", "33.74", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        lines = zf.read("records/stage_reports.jsonl").decode().splitlines()
    assert manifest["format_version"] == 2 and manifest["counts"]["stage_reports"] == 1
    assert json.loads(lines[0])["counts"] == [3012, 3012]

"""Migration 0021 (an index on the follow-ups' kind and time) on a real 0009 database
(tests/data/posko-0009.sqlite3), upgraded through the whole chain: every old follow-up
and incident row kept, the trail verifies, and the sitrep's query of one kind in a time
range is answered from the new index."""

from __future__ import annotations

import json
import shutil
import sqlite3

from posko_desktop.cli import main
from posko_desktop.core.db.migrate import SCHEMA_HEAD
from tests.activities.test_migration_0012 import DATA, rows_of


def test_0009_to_0021_keeps_every_row_and_reads_one_kind_from_the_index(tmp_path, capsys,
                                                                       monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    before = rows_of(path)
    assert before["followup"], "the old file has timeline entries to keep"
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]

    after = rows_of(path)
    for table in ("followup", "incident"):  # later migrations may append columns
        width = len(before[table][0])
        assert sorted((r[:width] for r in after[table]), key=repr) == sorted(
            before[table], key=repr)
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (
            SCHEMA_HEAD,)
        assert con.execute("SELECT sql FROM sqlite_master WHERE name = "
                           "'ix_followup_kind_created'").fetchone() == (
            "CREATE INDEX ix_followup_kind_created ON followup (kind, created_at)",)
        plan = " ".join(str(r) for r in con.execute(
            "EXPLAIN QUERY PLAN SELECT kind, count(*) FROM followup WHERE kind IN "
            "('note', 'status') AND created_at >= '2024-11-01' AND created_at < "
            "'2024-12-01' GROUP BY kind"))
        assert "COVERING INDEX ix_followup_kind_created" in plan
    finally:
        con.close()
    assert main([*base, "sitrep", "--date", "2024-11-27", "--out",
                 str(tmp_path / "sitrep.pdf")]) == 0
    assert main([*base, "audit", "verify", "--deep"]) == 0

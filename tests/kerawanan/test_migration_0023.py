"""Migration 0023 (baseline sheets) on a real 0009 database (tests/data/posko-0009.sqlite3),
upgraded through the whole chain: every old row kept, the trail verifies, every database
holds the same empty sheets (one per kecamatan for the TPS register, TPS-rawan and Polda,
one per regency for the IKP) with the seed stamp, and the upgraded site imports a TPS file
whose sheet then goes out in its package."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile

from posko_desktop.cli import main
from posko_desktop.core.db.migrate import SCHEMA_HEAD
from posko_desktop.core.db.seed_baseline import sheet_id
from posko_desktop.core.db.seed_units import SEED_STAMP
from tests.activities.test_migration_0012 import DATA, rows_of


def test_0009_to_0023_keeps_every_row_and_seeds_the_sheets(tmp_path, capsys, monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    before = rows_of(path)
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]
    after = rows_of(path)
    moved = ("audit_log", "audit_head", "user_account", "category", "agency")  # as in 0014
    kept = {t: sorted((r[:len(before[t][0])] for r in after[t]), key=repr) if before[t]
            else after[t] for t in before if t not in moved}
    assert kept == {t: r for t, r in before.items() if t not in moved}
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
    kecamatan = con.execute("SELECT count(*) FROM kecamatan").fetchone()[0]
    for table, count in (("tps_sheet", kecamatan), ("tps_rawan_sheet", kecamatan),
                         ("polda_sheet", kecamatan), ("ikp_sheet", 35)):
        assert con.execute(f"SELECT count(*), count(DISTINCT mod_stamp), min(mod_stamp), "
                           f"max(rows) FROM {table}").fetchone() == (count, 1, SEED_STAMP, "[]")
    assert con.execute("SELECT id FROM ikp_sheet WHERE area = '33.74'").fetchone()[0] in (
        sheet_id("ikp_sheets", "33.74").hex, str(sheet_id("ikp_sheets", "33.74")))
    con.close()

    tps = tmp_path / "tps.csv"
    tps.write_text("Kode desa;Nomor TPS;DPT\n33.74.01.1001;1;250\n33.74.01.1001;2;260\n",
                   encoding="utf-8")
    assert main([*base, "tps", "import", str(tps)]) == 0
    assert main([*base, "audit", "verify", "--deep"]) == 0
    out = tmp_path / "to-3374.posko"
    assert main([*base, "export", "--to", "33.74", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        sheets = [json.loads(line) for line in zf.read("records/tps_sheets.jsonl").splitlines()]
    assert [(s["area"], s["rows"]) for s in sheets] == [
        ("33.74.01", [["33.74.01.1001", 1, 250, "", None, None],
                      ["33.74.01.1001", 2, 260, "", None, None]])]

"""Migration 0014 (kerawanan) on a real 0009 database (tests/data/posko-0009.sqlite3),
upgraded through the whole chain: every old row kept, the trail verifies (also --deep),
the incident's new columns are NULL, the new tables are there and empty, and the upgraded
site records a candidate pair, names it in an incident and exports both."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile

from posko_desktop.cli import main
from posko_desktop.core.db.migrate import SCHEMA_HEAD
from tests.activities.test_migration_0012 import DATA, columns, rows_of


def test_0009_to_0014_keeps_every_row_and_adds_the_kerawanan_tables(tmp_path, capsys,
                                                                    monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    before = rows_of(path)
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]
    after = rows_of(path)
    cols = columns(path, "incident")
    at = cols.index("contest_code")
    assert cols[at:at + 3] == ["contest_code", "pair_number", "tps_number"]
    assert all(r[at:at + 3] == (None, None, None) for r in after["incident"])
    after.pop("kecamatan"), after.pop("desa")
    # later migrations may add tables and append columns: compare the old columns only
    after = {t: sorted((r[:len(before[t][0])] for r in rows), key=repr)
             if before.get(t) else rows for t, rows in after.items()}
    # the login writes the first three; 0017 revises the last two (tests/taxonomy)
    moved = ("audit_log", "audit_head", "user_account", "category", "agency")
    new = {"activity": [], "record_conflict": [], "candidate_pair": [], "tps": [],
           "baseline_import": [], "ikp_score": [], "tps_mark": [],
           "social_post": [], "hoax_case": [], "takedown_request": [],
           "lexicon_entry": []}  # 0013 (before 0014): the Pantau Medsos tables, empty
    assert {t: r for t, r in after.items() if t in before and t not in moved} == {
        t: r for t, r in before.items() if t not in moved}
    assert {t: after[t] for t in new} == new
    assert set(before["audit_log"]) <= set(after["audit_log"])
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
    con.close()

    assert main([*base, "contest", "add-pair", "--contest", "33", "--ballot", "1", "--head",
                 "Calon A", "--deputy", "Wakil A", "--party", "Partai A"]) == 0
    capsys.readouterr()
    assert main([*base, "incident", "add", "--regency", "33.74", "--title", "Politik uang paslon 1",
                 "--category", "B1", "--severity", "sedang", "--occurred", "2024-11-25 10:00",
                 "--contest", "33", "--pair", "1", "--format", "json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert (added["contest_code"], added["pair_number"]) == ("33", 1)
    assert main([*base, "audit", "verify", "--deep"]) == 0
    out = tmp_path / "to-3374.posko"
    assert main([*base, "export", "--to", "33.74", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        pairs = [json.loads(x) for x in zf.read("records/candidate_pairs.jsonl").splitlines()]
    assert manifest["counts"]["candidate_pairs"] == 1
    assert pairs[0]["head"] == "Calon A" and pairs[0]["parties"] == ["Partai A"]

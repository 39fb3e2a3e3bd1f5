"""Migration 0024 (directory) on a real 0009 database (tests/data/posko-0009.sqlite3): every
agency kept by its code (and active flag), every referral kept with its agency and no
contact, the trail verifies, the missing agencies are there with level and parent."""

from __future__ import annotations

import json
import shutil

from posko_desktop.cli import main
from posko_desktop.core.db.migrate import SCHEMA_HEAD
from posko_desktop.core.db.seed_directory import SEED_AGENCIES
from tests.units.test_migration_0016 import DATA, query


def test_0009_to_head_keeps_every_agency_and_referral(tmp_path, capsys, monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    agencies = query(path, "SELECT code, active FROM agency ORDER BY code")
    followups = query(path, "SELECT id, incident_id, kind, agency_code, due_at, referral_id, "
                            "referral_state, text, mod_stamp FROM followup ORDER BY id")
    assert len(agencies) == 10 and sum(f[2] == "referral" for f in followups) > 20
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]
    assert query(path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]
    assert query(path, "SELECT id, incident_id, kind, agency_code, due_at, referral_id, "
                       "referral_state, text, mod_stamp FROM followup ORDER BY id") == followups
    assert query(path, "SELECT count(*) FROM followup WHERE contact_id IS NOT NULL") == [(0,)]
    after = dict(query(path, "SELECT number, active FROM agency"))
    assert all(after[code] == active for code, active in agencies)
    assert set(after) == {code for code, *_r in SEED_AGENCIES}
    rows = {r[0]: r[1:] for r in query(path, "SELECT number, name, level, parent_code, "
                                             "deleted FROM agency")}
    assert rows["BAWASLU"] == ("Bawaslu Kabupaten/Kota", "kabkota", "BAWASLU-PROV", 0)
    assert rows["KODIM"][2] == "KODAM4" and rows["KEJARI"][1:3] == ("kabkota", "KEJATI")
    assert query(path, "SELECT count(*) FROM agency_contact") == [(0,)]
    # every referral's agency is still in the directory, and the CLI shows the directory
    assert {f[3] for f in followups if f[2] == "referral"} <= set(after)
    assert main([*base, "agency", "show", "BAWASLU", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Bawaslu Kabupaten/Kota"
    assert main([*base, "audit", "verify", "--deep"]) == 0

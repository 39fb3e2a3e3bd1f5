"""Migration 0013 (Pantau Medsos) on a real 0009 database (tests/data/posko-0009.sqlite3):
every old row kept, the trail verifies, the four new tables are there and empty, and the
upgraded site records a post, a case and a take-down and exports them (format 2, the new
record files)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from posko_desktop.cli import main
from tests.activities.test_migration_0012 import columns, rows_of
from tests.kerawanan.sheets import pop_sheets

DATA = Path(__file__).resolve().parents[1] / "data"
NEW = ("social_post", "hoax_case", "takedown_request", "lexicon_entry")


def test_0009_to_0013_keeps_every_row_and_adds_the_medsos_tables(tmp_path, capsys,
                                                                   monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    before = rows_of(path)
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades first
    assert json.loads(capsys.readouterr().out)["ok"]
    after = rows_of(path)
    width = len(before["incident"][0])
    after["incident"] = sorted((r[:width] for r in after["incident"]), key=repr)
    # 0024 appends followup.contact_id (tests/directory/test_migration_0024.py)
    fu_width = len(before["followup"][0])
    after["followup"] = sorted((r[:fu_width] for r in after["followup"]), key=repr)
    after.pop("kecamatan"), after.pop("desa")  # 0011 (tests/core/test_places.py)
    after.pop("incident_day_count")  # 0026 (tests/core/test_day_counts.py)
    # 0016 (after 0013 in the chain): the seeded reporting units, nihil_report.unit_code
    assert len(after.pop("reporting_unit")) == 35 + 9
    pop_sheets(after)  # 0023
    if before["nihil_report"]:
        nihil_width = len(before["nihil_report"][0])
        after["nihil_report"] = sorted((r[:nihil_width] for r in after["nihil_report"]),
                                       key=repr)
    later = ("candidate_pair", "tps", "baseline_import", "ikp_score", "tps_mark",  # 0014
             "stage_report", "roster_entry", "handover", "agency_contact")  # 0015, 0018, 0024
    # the login: appended, last login; 0017 revises categories and agencies (tests/taxonomy)
    moved = ("audit_log", "audit_head", "user_account", "category", "agency")
    assert {t: r for t, r in after.items() if t not in moved} == {
        **{t: r for t, r in before.items() if t not in moved}, "activity": [],
        "record_conflict": [], **dict.fromkeys(NEW, []), **dict.fromkeys(later, [])}
    assert set(before["audit_log"]) <= set(after["audit_log"])
    assert {"id", "number", "platform", "canonical_url", "post_key", "text_hash", "queue_rank",
            "case_id", "evidence", "field_stamps", "deleted", "sync_mark"} <= set(
        columns(path, "social_post"))
    assert {"verdict", "clarification", "status", "incidents"} <= set(columns(path, "hoax_case"))

    capsys.readouterr()
    assert main([*base, "post", "add", "--format", "json",
                 "https://m.tiktok.com/@jateng.viral/video/7394123456789012345?_r=1"]) == 0
    added = json.loads(capsys.readouterr().out)["added"]
    assert main([*base, "case", "new", "--claim", "Surat suara tercoblos di TPS 05",
                 "--category", "hoaks", "--post", added[0]]) == 0
    assert main([*base, "takedown", "new", "--to", "komdigi", "--post", added[0]]) == 0
    assert main([*base, "audit", "verify", "--deep"]) == 0
    out = tmp_path / "to-3374.posko"
    assert main([*base, "export", "--to", "33.74", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        post = json.loads(zf.read("records/social_posts.jsonl").decode().splitlines()[0])
    assert manifest["format_version"] == 2
    assert {k: manifest["counts"][k] for k in ("social_posts", "hoax_cases", "takedowns")} == {
        "social_posts": 1, "hoax_cases": 1, "takedowns": 1}
    assert post["post_id"] == "7394123456789012345" and post["case_id"]

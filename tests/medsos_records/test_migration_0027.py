"""Migration 0027 (posts by contest and pair) on a real 0009 database
(tests/data/posko-0009.sqlite3): through the whole chain every old row is kept and the
trail verifies; posts held before with free-text contest notes get the codes where the
note names them unambiguously (the note kept), stamps for the two fields (the post's
earliest stamp), and `posko post contest-report` lists the rest with the reason."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from posko_desktop.cli import main
from posko_desktop.core.db.migrate import SCHEMA_HEAD
from posko_desktop.core.db.models_medsos import SocialPost
from posko_desktop.core.medsos.drafts import Platform, PostDraft
from posko_desktop.core.services.medsos.posts import post_row
from tests.activities.test_migration_0012 import columns, rows_of
from tests.medsos_records.test_migration_0022 import _upgrade

DATA = Path(__file__).resolve().parents[1] / "data"
PW = "rahasia-province-1"
NOTES = {  # planted note -> (contest_code, pair_number) after 0027
    "Pilgub Jateng": ("33", None),
    "Pilbup Banyumas": ("33.02", None),
    "paslon 02": (None, None),
    "Paslon 1 Kendal": ("33.24", 1),
    "Pilwalkot Semarang nomor urut 2": ("33.74", 2),
    "Semarang": (None, None),
    "": (None, None),
}


def _plant_posts(path: Path) -> dict[str, str]:
    """Posts as a 0026 database holds them (free-text contest, no codes), written raw;
    {note: post number}."""
    now = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
    engine = sa.create_engine(f"sqlite:///{path}")
    held = {c["name"] for c in sa.inspect(engine).get_columns("social_post")}
    assert "contest_code" not in held
    table = sa.Table("social_post", sa.MetaData(), *(
        sa.Column(c.name, c.type) for c in SocialPost.__table__.c if c.name in held))
    numbers = {}
    with engine.begin() as conn:
        for i, note in enumerate(NOTES):
            stamp = "17320716000{i:02d}-00000-33".format(i=i)
            row = post_row(PostDraft(Platform.X, url="https://x.com/a/status/{i}".format(i=i),
                                     canonical_url="https://x.com/a/status/{i}".format(i=i),
                                     post_id=str(i), text="ricuh"), [], note, "1", "33",
                           "admin", stamp, now, "MDS-JTG-24-{i:07d}".format(i=i + 1))
            row["field_stamps"] = {k: v for k, v in row["field_stamps"].items()
                                   if k not in ("contest_code", "pair_number")}
            row["field_stamps"]["text"] = "1732075200000-00001-33"  # a later edit
            conn.execute(table.insert(), [{k: v for k, v in row.items() if k in table.c}])
            numbers[note] = row["number"]
    engine.dispose()
    return numbers


def test_0009_through_the_whole_chain_keeps_every_row(tmp_path, capsys, monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    before = rows_of(path)
    _upgrade(path, "head")
    after = rows_of(path)
    for table in ("category", "agency"):  # revised by 0017 (taxonomy), 0024 (directory)
        assert {r[0] for r in before.pop(table)} <= {r[0] for r in after[table]}
    width = {t: len(r[0]) for t, r in before.items() if r}
    assert {t: [r[:width[t]] for r in rows] if t in width else rows
            for t, rows in after.items() if t in before} == before
    assert {"contest", "contest_code", "pair_number"} <= set(columns(path, "social_post"))
    monkeypatch.setenv("POSKO_PASSWORD", PW)
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"]
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    finally:
        con.close()


def test_planted_notes_become_codes_where_unambiguous(tmp_path, capsys, monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    _upgrade(path, "0026")
    numbers = _plant_posts(path)
    before = rows_of(path)
    old_post_columns = columns(path, "social_post")
    _upgrade(path, "0027")
    after = rows_of(path)
    width = {t: len(r[0]) for t, r in before.items() if r}
    for table in ("social_post",):  # its field stamps gain two keys: compared below
        before.pop(table), after.pop(table)
    assert {t: [r[:width[t]] for r in rows] if t in width else rows
            for t, rows in after.items()} == before
    con = sqlite3.connect(path)
    try:
        kept = [c for c in old_post_columns if c != "field_stamps"]
        got = {r[0]: r for r in con.execute(
            "SELECT number, contest_code, pair_number, field_stamps, {cols} FROM social_post"
            .format(cols=", ".join(kept)))}
    finally:
        con.close()
    for note, (code, pair) in NOTES.items():
        number, got_code, got_pair, stamps, *old = got[numbers[note]]
        assert (got_code, got_pair) == (code, pair), note
        assert old[kept.index("contest")] == note  # the note is kept as it was
        stamps = json.loads(stamps)
        assert stamps["contest_code"] == stamps["pair_number"] == min(stamps.values())
        assert stamps["text"] == "1732075200000-00001-33"

    monkeypatch.setenv("POSKO_PASSWORD", PW)
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades to the head
    assert json.loads(capsys.readouterr().out)["ok"]
    assert main([*base, "post", "contest-report", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["notes"], report["matched"]) == (6, 4)
    assert [(r["note"], r["contest_code"]) for r in report["rows"]] == [
        ("paslon 02", None), ("Semarang", None)]
    assert report["rows"][0]["reason"] == "names a pair but not its contest"
    out = tmp_path / "to-3374.posko"
    assert main([*base, "export", "--to", "33.74", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        records = {r["number"]: r for r in (json.loads(line) for line in zf.read(
            "records/social_posts.jsonl").decode().splitlines())}
    assert (records[numbers["Paslon 1 Kendal"]]["contest_code"],
            records[numbers["Paslon 1 Kendal"]]["pair_number"]) == ("33.24", 1)

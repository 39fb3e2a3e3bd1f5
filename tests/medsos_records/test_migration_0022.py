"""Migration 0022 (posts by place) on a real 0009 database (tests/data/posko-0009.sqlite3):
every old row kept, the trail verifies, `social_post` gains the two place columns, a post
held before the upgrade gets stamps for them (its earliest stamp) and exports valid
records; a post placed after the upgrade carries its place in the package."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from posko_desktop.cli import main
from posko_desktop.core.db.migrate import SCHEMA_HEAD, alembic_config
from posko_desktop.core.db.models_medsos import SocialPost
from posko_desktop.core.medsos.drafts import Platform, PostDraft
from posko_desktop.core.services.medsos.posts import post_row
from tests.activities.test_migration_0012 import columns, rows_of

DATA = Path(__file__).resolve().parents[1] / "data"


def _upgrade(path: Path, revision: str) -> None:
    engine = sa.create_engine(f"sqlite:///{path}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def _post_at_0020(path: Path) -> str:
    """A post as a 0020 database holds it (without the place columns), written raw."""
    now = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
    stamp, later = "1732071600000-00000-33", "1732075200000-00001-33"
    row = post_row(PostDraft(Platform.X, url="https://x.com/a/status/7",
                             canonical_url="https://x.com/a/status/7", post_id="7",
                             text="ricuh"), [], "", "1", "33", "admin", stamp, now,
                   "MDS-JTG-24-0000001")
    row["field_stamps"]["text"] = later
    engine = sa.create_engine(f"sqlite:///{path}")
    held = {c["name"] for c in sa.inspect(engine).get_columns("social_post")}
    assert "kecamatan_code" not in held
    table = sa.Table("social_post", sa.MetaData(), *(
        sa.Column(c.name, c.type) for c in SocialPost.__table__.c if c.name in held))
    with engine.begin() as conn:
        stamps = {k: v for k, v in row["field_stamps"].items()
                  if k not in ("kecamatan_code", "desa_code")}
        conn.execute(table.insert(), [{**{k: v for k, v in row.items() if k in table.c},
                                       "field_stamps": stamps}])
    engine.dispose()
    return stamp


def test_0009_to_0022_keeps_every_row_and_places_posts(tmp_path, capsys, monkeypatch):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    _upgrade(path, "0020")
    first_stamp = _post_at_0020(path)
    before = rows_of(path)
    _upgrade(path, "0022")  # this migration alone: later ones revise other tables
    con = sqlite3.connect(path)
    try:
        placed = con.execute("SELECT kecamatan_code, desa_code, field_stamps FROM social_post"
                             ).fetchall()
    finally:
        con.close()
    assert {"kecamatan_code", "desa_code"} <= set(columns(path, "social_post"))
    [(kec, desa, stamps)] = placed
    stamps = json.loads(stamps)
    assert (kec, desa) == (None, None)
    assert stamps["kecamatan_code"] == stamps["desa_code"] == first_stamp
    after = rows_of(path)
    width = {t: len(r[0]) for t, r in before.items() if r}
    for table in ("social_post", "alembic_version"):
        before.pop(table, None), after.pop(table, None)
    assert {t: [r[:width[t]] for r in rows] if t in width else rows
            for t, rows in after.items()} == before

    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--format", "json"]) == 0  # upgrades to the head
    assert json.loads(capsys.readouterr().out)["ok"]
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    finally:
        con.close()

    capsys.readouterr()
    assert main([*base, "post", "add", "--format", "json",
                 "https://x.com/relawan/status/1812345678901234567"]) == 0
    added = json.loads(capsys.readouterr().out)["added"][0]
    assert main([*base, "post", "place", added, "--regency", "33.74", "--desa",
                 "33.74.01.1001", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["kecamatan_code"], shown["desa_code"]) == ("33.74.01", "33.74.01.1001")
    assert main([*base, "audit", "verify", "--deep"]) == 0
    out = tmp_path / "to-3374.posko"
    assert main([*base, "export", "--to", "33.74", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        records = [json.loads(line) for line in
                   zf.read("records/social_posts.jsonl").decode().splitlines()]
    by_number = {r["number"]: r for r in records}
    assert by_number[added]["desa_code"] == "33.74.01.1001"
    assert by_number["MDS-JTG-24-0000001"]["field_stamps"]["kecamatan_code"] == first_stamp

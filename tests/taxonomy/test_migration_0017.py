"""Migration 0017 (the taxonomy revision, issue 18) on a real older database
(tests/data/posko-0009.sqlite3): every incident keeps its category code, nothing is
guessed for the new channel and legal type, the new categories are there, the retired
ones are switched off but their incidents stay editable, the trail verifies."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from posko_desktop.cli import main
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.categories import category_rows
from posko_desktop.core.db.migrate import SCHEMA_HEAD
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor, ValidationErrors
from posko_desktop.core.services import incidents as inc

DATA = Path(__file__).resolve().parents[1] / "data"
NEW_CODES = {"A7", "A8", "B4", "C7", "D7", "F7", "F8", "F9", "F10", "F11", "F12", "F13",
             "H", "H1", "H2", "H3", "H4"}


def _query(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def upgraded(tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, tuple]]:
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    categories = dict(_query(path, "SELECT id, category_code FROM incident"))
    old_cats = {r[0]: r for r in _query(path, "SELECT * FROM category")}
    open_database(path).dispose()
    return path, categories, old_cats


def test_every_incident_keeps_its_category_and_gets_no_guessed_axis(upgraded):
    path, categories, _old = upgraded
    assert len(categories) == 122
    after = {i: (c, ch, lt) for i, c, ch, lt in _query(
        path, "SELECT id, category_code, channel, legal_type FROM incident")}
    assert {i: c for i, (c, _ch, _lt) in after.items()} == categories
    assert {(ch, lt) for _c, ch, lt in after.values()} == {("", "")}


def test_the_category_table_is_the_revised_taxonomy(upgraded):
    path, _categories, old = upgraded
    rows = {code: (parent, label_id, active) for code, parent, label_id, _en, active, _o
            in _query(path, "SELECT * FROM category")}
    assert set(rows) == set(old) | NEW_CODES  # nothing removed, codes never reused
    assert set(rows) == {r["code"] for r in category_rows()}
    assert {c for c, (_p, _l, active) in rows.items() if not active} == {"A2", "A3", "A4"}
    assert rows["H1"] == ("H", "Ujaran kebencian", 1)
    assert rows["A2"][1] == "Ujaran kebencian (kode lama, kini H1)"
    assert "lanjutan" in rows["F5"][1] and "susulan" in rows["F7"][1]
    for code, row in old.items():  # every kept code keeps its group
        assert rows[code][0] == row[1], code
    assert _query(path, "SELECT code FROM agency WHERE code = 'DKPP'") == [("DKPP",)]


def test_an_incident_of_a_retired_category_stays_editable_and_keeps_its_code(upgraded,
                                                                           capsys,
                                                                           monkeypatch):
    path, categories, _old = upgraded
    db = open_database(path)
    try:
        ctx = AppContext(db, Actor("admin", "admin", "Admin"))
        retired = next(i for i, c in categories.items() if c in ("A2", "A3", "A4"))
        code = categories[retired]
        d = inc.get_incident(ctx, inc.resolve_ref(ctx, retired))
        edited = inc.update_incident(ctx, d.id, {"title": "Judul diperbaiki setelah revisi"},
                                     expected_version=d.version)
        assert (edited.category_code, edited.channel) == (code, "")  # nothing guessed
        with pytest.raises(ValidationErrors) as err:  # a new incident cannot take it
            inc.create_incident(ctx, inc.IncidentInput(**{**d.to_input().__dict__,
                                                           "reported_at": None}))
        assert err.value.errors[0].field == "category_code"
    finally:
        db.dispose()
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    base = ["--db", str(path), "--lang", "en", "--user", "admin"]
    assert main([*base, "audit", "verify", "--deep", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"]


def test_0018_adds_the_empty_roster_and_handover_tables(upgraded):
    """Migration 0018 (shifts) on the same real 0009 database: two new empty tables."""
    path, _categories, _old = upgraded
    assert _query(path, "SELECT count(*) FROM roster_entry") == [(0,)]
    assert _query(path, "SELECT count(*) FROM handover") == [(0,)]
    assert _query(path, "SELECT version_num FROM alembic_version") == [(SCHEMA_HEAD,)]

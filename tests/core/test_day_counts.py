"""The dashboard's day counts (`incident_day_count`, migration 0026) always equal a fresh
count of the incidents: after adds, edits, deletes and undeletes, a sync import (small and
bulk), demo data (small and bulk), a restore, and an upgrade of a real 0009 database; the
dashboard's numbers from them equal the numbers counted from the incident table
(SQLite and PostgreSQL)."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.migrate import SCHEMA_HEAD
from posko_desktop.core.db.session import open_database
from posko_desktop.core.services import audit, demo, reference, sync
from posko_desktop.core.services import backup as backups
from posko_desktop.core.services import dashboard as dash
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import restore as restore_svc
from posko_desktop.core.services.dashboard import counting
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput
from posko_desktop.core.services.sync import importing
from tests.conftest import ADMIN
from tests.core.test_bulk_load import _office

DATA = Path(__file__).resolve().parents[1] / "data"
END = date(2024, 11, 30)
KEY = "occurred_date, regency_code, category_code, severity_rank"
CODES = ("33.01", "33.22", "33.74", "33.71")
CATS = ("A1", "B2", "D3", "E1")
SEVS = ("rendah", "sedang", "tinggi", "kritis")


def fresh_and_kept(db: Database) -> tuple[list[tuple], list[tuple]]:
    with db.engine.connect() as conn:
        fresh = conn.execute(text(f"SELECT {KEY}, count(*) FROM incident WHERE deleted = "
                                  f":no GROUP BY {KEY}"), {"no": False}).all()
        kept = conn.execute(text(f"SELECT {KEY}, n FROM incident_day_count")).all()
    norm = lambda rows: sorted((str(r[0])[:10], *r[1:]) for r in rows)  # noqa: E731
    return norm(fresh), norm(kept)


def assert_kept(db: Database) -> int:
    fresh, kept = fresh_and_kept(db)
    assert kept == fresh
    return len(kept)


def add(ctx: AppContext, rnd: random.Random) -> inc.IncidentDetail:
    when = datetime(2024, 11, 20, 8, 0) + timedelta(hours=rnd.randint(0, 200))
    return inc.create_incident(ctx, IncidentInput(
        regency_code=rnd.choice(CODES), title="Uji hitungan harian",
        category_code=rnd.choice(CATS), severity=rnd.choice(SEVS), occurred_at=when,
        reported_at=when))


def test_counts_follow_adds_edits_deletes_and_undeletes(any_ctx):
    ctx, rnd = any_ctx, random.Random(26)
    made = [add(ctx, rnd) for _ in range(40)]
    assert assert_kept(ctx.db) > 10
    for d in made[:12]:  # every field of the key, and one edit that changes none of them
        current = inc.get_incident(ctx, d.id).to_input()
        inc.update_incident(ctx, d.id, replace(
            current, severity=rnd.choice(SEVS), category_code=rnd.choice(CATS),
            regency_code=rnd.choice(CODES), kecamatan="", desa="",
            occurred_at=current.occurred_at - timedelta(days=rnd.randint(0, 3))))
    inc.update_incident(ctx, made[12].id, replace(inc.get_incident(ctx, made[12].id).to_input(),
                                                   title="Judul baru saja"))
    assert_kept(ctx.db)
    for d in made[13:25]:
        inc.set_deleted(ctx, d.id, True, "duplikat")
    assert_kept(ctx.db)
    for d in made[13:16]:
        inc.set_deleted(ctx, d.id, False, "bukan duplikat")
    assert_kept(ctx.db)
    with ctx.db.write() as s:  # even SQL typed by hand
        s.execute(text("UPDATE incident SET severity_rank = 3 WHERE number = :n"),
                  {"n": made[30].number})
    assert_kept(ctx.db)


def test_counts_follow_a_sync_import_small_and_bulk(any_ctx, template_db, tmp_path, monkeypatch):
    ctx = any_ctx
    office, keys_dir, key_file = _office(template_db, tmp_path / "office")
    try:
        sync.trust_key(ctx, key_file, sync.inspect_key_file(key_file).short_fingerprint)
        first = tmp_path / "first.posko"
        sync.export_package(office, keys_dir, "33", first, full=True)
        rnd = random.Random(3)
        for _ in range(5):
            add(office, rnd)
        second = tmp_path / "second.posko"
        sync.export_package(office, keys_dir, "33", second)
    finally:
        office.db.dispose()
    monkeypatch.setattr(importing, "BULK_MIN", 100)  # the first package is a bulk load
    assert sync.import_package(ctx, first).totals().new == 600
    assert assert_kept(ctx.db) > 100
    assert sync.import_package(ctx, second).totals().new == 5  # row by row, by trigger
    assert_kept(ctx.db)


@pytest.mark.parametrize("threshold", [100, 10_000], ids=["bulk", "row-by-row"])
def test_counts_follow_demo_data(any_ctx, monkeypatch, threshold):
    monkeypatch.setattr(demo, "REINDEX_THRESHOLD", threshold)
    assert demo.generate(any_ctx, incidents=1500, days=30, end_date=END, seed=9) == 1500
    assert assert_kept(any_ctx.db) > 500
    add(any_ctx, random.Random(1))  # the triggers are back after a bulk load
    assert_kept(any_ctx.db)


def test_counts_after_a_restore(any_ctx, tmp_path):
    ctx, rnd = any_ctx, random.Random(5)
    reference.init_site(ctx, "33", "Posko Provinsi")
    for _ in range(10):
        add(ctx, rnd)
    info = backups.create_backup(ctx, folder=tmp_path / "backups")
    made = [add(ctx, rnd) for _ in range(5)]
    inc.set_deleted(ctx, made[0].id, True, "uji")
    location = ctx.db.url if ctx.db.file is None else str(ctx.db.file)
    prepared = restore_svc.prepare_restore(location, info.file, folder=tmp_path / "backups")
    ctx.db.dispose()
    restore_svc.apply_restore(prepared, ADMIN, now=ctx.now())
    ctx.db.dispose()
    assert assert_kept(ctx.db) > 3
    add(ctx, rnd)
    assert_kept(ctx.db)


def test_an_upgraded_0009_database_is_counted(tmp_path):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / "posko-0009.sqlite3", path)
    db = open_database(path, upgrade_backup=False)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                == SCHEMA_HEAD
            deleted = conn.execute(text("SELECT count(*) FROM incident WHERE deleted")).scalar()
        assert deleted > 0  # the file holds a deleted incident: it is not counted
        assert assert_kept(db) > 50
        assert audit.verify_chain(AppContext(db, ADMIN)).ok
    finally:
        db.dispose()


def test_dashboard_numbers_from_the_day_counts_equal_the_incident_table(any_ctx):
    """The same numbers whether counted from the day counts (a filter on regency, category,
    severity) or from the incident table (the path a status filter takes)."""
    ctx, rnd = any_ctx, random.Random(11)
    made = [add(ctx, rnd) for _ in range(60)]
    for d in made[:6]:
        inc.set_deleted(ctx, d.id, True, "duplikat")
    statuses = tuple(sorted({inc.get_incident(ctx, d.id).status for d in made}))
    a, b = date(2024, 11, 20), date(2024, 11, 29)
    for flt in (None, IncidentFilter(categories=("A", "D3"), severities=("tinggi", "kritis")),
                IncidentFilter(regencies=("33.74", "33.01"))):
        assert counting.from_day_counts(flt)
        every_status = replace(flt or IncidentFilter(), statuses=statuses)
        assert not counting.from_day_counts(every_status)
        with ctx.db.read() as s:
            for group in (("occurred_date", "regency_code"), ("regency_code", "category_code"),
                          ("occurred_date", "severity_rank")):
                assert counting.counts(s, group, a, b, flt, by_severity=True) == \
                    counting.counts(s, group, a, b, every_status, by_severity=True)
        for mode in ("regency", "day"):
            assert dash.category_breakdown(ctx, a, b, flt, mode=mode) == \
                dash.category_breakdown(ctx, a, b, every_status, mode=mode)
    with ctx.db.engine.connect() as conn:
        want = dict(conn.execute(text(
            "SELECT regency_code, count(*) FROM incident WHERE deleted = :no AND "
            "occurred_date BETWEEN :a AND :b GROUP BY regency_code"),
            {"no": False, "a": a, "b": b}).all())
    heat = dash.heatmap(ctx, a, b)
    assert {c: sum(row) for c, row in zip(heat.codes, heat.values, strict=True) if sum(row)} \
        == want

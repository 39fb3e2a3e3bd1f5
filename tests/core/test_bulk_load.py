"""Big loads: index builds with the sort settings of `bulk.build_indexes`, and every index
a migration made is there again after a big load (demo data, sync import; SQLite and
PostgreSQL)."""

import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.bulk import INDEX_BUILD_CACHE_KIB, build_indexes
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.services import accounts, demo, reference, sync
from posko_desktop.core.services.sync import importing


def test_index_built_in_sorted_runs_is_complete_and_settings_come_back(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    rnd = random.Random(5)
    # ~6 MB of keys: more than the 2 MiB cache, so the sort spills runs and merges them
    rows = [(f"{rnd.randrange(35):02d}", f"2024-11-{rnd.randrange(1, 31):02d} {i:09d}")
            for i in range(120_000)]
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA cache_size=-65536")
        conn.exec_driver_sql("CREATE TABLE t (regency TEXT, at TEXT, pad TEXT)")
        conn.exec_driver_sql("INSERT INTO t VALUES (?, ?, 'x')", rows)
        build_indexes(conn, ["CREATE INDEX ix_t ON t (regency, at)"])
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
        assert conn.exec_driver_sql("PRAGMA threads").scalar() == 0
        via_index = conn.exec_driver_sql(
            "SELECT regency, at FROM t INDEXED BY ix_t ORDER BY regency, at").all()
        assert [tuple(r) for r in via_index] == sorted(rows)
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert INDEX_BUILD_CACHE_KIB * 1024 < len(rows) * 50
    engine.dispose()


# --- every index a migration made, after a big load ---------------------------------------

END = date(2024, 11, 30)


def _indexes(ctx: AppContext) -> dict[str, str]:
    """Every index of the database, by name, with its definition as the catalogue holds it."""
    with ctx.db.read() as s:
        conn = s.connection()
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT name, coalesce(sql, tbl_name) FROM sqlite_master WHERE type = 'index'"
            ).all()
        else:
            rows = conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            ).all()
    return dict(rows)


def _office(template: Path, folder: Path) -> tuple[AppContext, Path, Path]:
    """A regency office (33.22) with its key and 600 demo incidents (some deleted)."""
    folder.mkdir()
    shutil.copy(template, folder / "posko.sqlite3")
    setup = AppContext(open_database(folder / "posko.sqlite3"), Actor("admin-3322", "admin"))
    reference.init_site(setup, "33.22", "Kab. Semarang")
    # the site key is made with the first administrator and unlocked by the login
    admin = accounts.create_first_admin(setup, "admin-3322", "Kunci-Situs-Aman-1", "Admin")
    ctx = setup.as_actor(admin.actor)
    sync.export_public_key(ctx, folder / "keys", folder / "office.poskokey")
    demo.generate(ctx, incidents=600, days=30, end_date=END, seed=4)
    return ctx, folder / "keys", folder / "office.poskokey"


@pytest.mark.parametrize("load", ["demo-data", "sync-import"])
def test_every_index_a_migration_made_is_there_after_a_big_load(any_ctx, template_db, tmp_path,
                                                                  monkeypatch, load):
    """Demo data and a big sync import drop secondary indexes around the load (SQLite) and
    build them again: afterwards every index is there with its very definition, one that a
    later migration added too (read from the database, not the models), and on SQLite the
    indexes agree with the rows, the partial ones kept during the load included (deleted
    incidents, incidents naming a contest: migration 0028)."""
    ctx = any_ctx
    with ctx.db.write() as s:  # as a later migration would add it
        s.connection().exec_driver_sql("CREATE INDEX ix_incident_title_test ON incident (title)")
    before = _indexes(ctx)
    assert {"ix_incident_title_test", "ix_incident_regency_created", "ix_incident_deleted_day",
            "ix_incident_contest_day", "ix_followup_incident_id"} <= before.keys()
    if load == "demo-data":
        monkeypatch.setattr(demo, "REINDEX_THRESHOLD", 100)
        assert demo.generate(ctx, incidents=1500, days=60, end_date=END, seed=7) == 1500
    else:
        office, keys_dir, key_file = _office(template_db, tmp_path / "office")
        try:
            sync.trust_key(ctx, key_file, sync.inspect_key_file(key_file).short_fingerprint)
            package = tmp_path / "office.posko"
            sync.export_package(office, keys_dir, "33", package, full=True)
        finally:
            office.db.dispose()
        monkeypatch.setattr(importing, "BULK_MIN", 100)
        assert sync.import_package(ctx, package).totals().new == 600
    assert _indexes(ctx) == before
    with ctx.db.read() as s:
        conn = s.connection()
        if conn.dialect.name != "sqlite":
            return
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        for index, where in (("ix_incident_deleted_day", "deleted = 1"),
                             ("ix_incident_contest_day", "contest_code IS NOT NULL")):
            via_index = conn.exec_driver_sql(
                f"SELECT count(*) FROM incident INDEXED BY {index} "
                f"WHERE {where} AND occurred_date >= '2000-01-01'").scalar()
            scanned = conn.exec_driver_sql(
                f"SELECT count(*) FROM incident NOT INDEXED WHERE {where}").scalar()
            assert via_index == scanned > 0, index

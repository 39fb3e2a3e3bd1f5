"""Migrations: from nothing, from an old real file, refusals that leave files untouched,
and models identical to what the migrations build (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from posko_desktop.core.context import AppContext
from posko_desktop.core.db import models_all  # noqa: F401  (every table on Base.metadata)
from posko_desktop.core.db.base import Base
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.health import DatabaseDamaged
from posko_desktop.core.db.migrate import current_revision, head_revision, migrate
from posko_desktop.core.db.models import FollowUp, Incident, Regency
from posko_desktop.core.db.search import PG_SEARCH_INDEX
from posko_desktop.core.db.session import open_database
from posko_desktop.core.db.stamps import FIELDS
from posko_desktop.core.domain import Actor, DatabaseVersionError
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter

DATA = Path(__file__).resolve().parents[1] / "data"
FIELDS_0006 = ("regency_code", "kecamatan", "desa", "location", "occurred_at", "reported_at",
               "source_type", "source_detail", "title", "description", "category_code",
               "severity", "people_involved", "status", "deleted")
OLD_DB = DATA / "posko-0001.sqlite3"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))}


# --- models == migrations ----------------------------------------------------------------


def _include(obj, name, type_, reflected, compare_to) -> bool:
    # The search indexes of core/db/search.py belong to one backend and no model describes
    # them, on purpose: SQLite's FTS5 virtual table (with its shadow tables) and
    # PostgreSQL's trigram index.
    if type_ == "table" and name and name.startswith("incident_fts"):
        return False
    return not (type_ == "index" and name == PG_SEARCH_INDEX)


def describe(diff) -> str:
    """One readable line per difference, naming the table and column or index."""
    if isinstance(diff, list):
        return "; ".join(describe(d) for d in diff)
    op = diff[0]
    if op in ("add_table", "remove_table"):
        return f"{op} {diff[1].name}"
    if op in ("add_column", "remove_column"):
        return f"{op} {diff[2]}.{diff[3].name} ({diff[3].type})"
    if op in ("add_index", "remove_index"):
        idx = diff[1]
        cols = ", ".join(c.name for c in idx.columns)
        return f"{op} {idx.name} on {idx.table.name}({cols})"
    if op in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        con = diff[1]
        return f"{op} {con.name} on {con.table.name}"
    if op.startswith("modify_"):
        _op, _schema, table, column, _info, old, new = diff
        return f"{op} {table}.{column}: database has {old!r}, model says {new!r}"
    return repr(diff)


def model_differences(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        mc = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _include}
        )
        return [describe(d) for d in compare_metadata(mc, Base.metadata)]


def test_models_match_migrations_on_sqlite(db: Database):
    differences = model_differences(db)
    assert differences == [], (
        "models and migrations differ (fix the model or the area's migration):\n  "
        + "\n  ".join(differences)
    )


@pytest.mark.postgres
def test_models_match_migrations_on_postgresql(pg_db: Database):
    differences = model_differences(pg_db)
    assert differences == [], (
        "models and migrations differ on PostgreSQL:\n  " + "\n  ".join(differences)
    )


# --- from nothing ------------------------------------------------------------------------


def _check_fresh(db: Database) -> None:
    assert current_revision(db) == head_revision()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Regency)) == 35
        assert s.scalar(select(func.count()).select_from(Incident)) == 0
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_empty_sqlite_file_migrates_to_head(tmp_path: Path):
    path = tmp_path / "baru.sqlite3"
    db = open_database(path, create=True)
    try:
        _check_fresh(db)
        assert migrate(db) is False  # a second open has nothing to do
    finally:
        db.dispose()
    assert not (tmp_path / "backups").exists()  # nothing to back up in a new file


@pytest.mark.postgres
def test_empty_postgresql_database_migrates_to_head(pg_empty_url: str):
    db = open_database(pg_empty_url)
    try:
        _check_fresh(db)
        assert migrate(db) is False
    finally:
        db.dispose()


# --- refusals ----------------------------------------------------------------------------


def test_newer_schema_is_refused_and_the_file_is_unchanged(db_path: Path):
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.close()
    before, files = _sha(db_path), _siblings(db_path)
    with pytest.raises(DatabaseVersionError) as info:
        open_database(db_path)
    assert "9999_from_the_future" in info.value.text_in("en")
    assert _sha(db_path) == before
    assert _siblings(db_path) == files  # no backup, no stray file


def test_newer_schema_in_a_rollback_journal_file_is_refused_unchanged(tmp_path: Path):
    """The committed old file uses a rollback journal: even switching it to WAL (the first
    thing a normal open does) would rewrite its header, so the refusal must come first."""
    path = tmp_path / "dari-versi-baru.sqlite3"
    shutil.copy(OLD_DB, path)
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0099'")
    assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    con.close()
    before, files = _sha(path), _siblings(path)
    with pytest.raises(DatabaseVersionError):
        open_database(path)
    assert _sha(path) == before
    assert _siblings(path) == files


def test_a_damaged_database_is_refused_unchanged(tmp_path: Path):
    path = tmp_path / "rusak.sqlite3"
    data = OLD_DB.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * 4096 + data[4196:8192])  # header kept, pages broken
    before = _sha(path)
    with pytest.raises(DatabaseDamaged) as info:
        open_database(path)
    assert info.value.text_in("en").startswith(
        "The database {path} is damaged (database disk image is malformed).".format(path=path))
    assert "posko restore" in info.value.text_in("en")
    assert info.value.text_in("id").startswith("Basis data {path} rusak".format(path=path))
    assert _sha(path) == before


@pytest.mark.postgres
def test_newer_schema_is_refused_on_postgresql(pg_url: str):
    db = Database(pg_url)
    try:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        tables = sorted(inspect(db.engine).get_table_names())
        with pytest.raises(DatabaseVersionError):
            open_database(pg_url)
        assert sorted(inspect(db.engine).get_table_names()) == tables
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == (
                "9999_from_the_future")
    finally:
        db.dispose()


def test_a_foreign_sqlite_file_is_refused_unchanged(tmp_path: Path):
    path = tmp_path / "catatan.sqlite3"
    con = sqlite3.connect(path)
    with con:
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        con.execute("INSERT INTO notes (body) VALUES ('jangan diubah')")
    con.close()
    before, files = _sha(path), _siblings(path)
    with pytest.raises(DatabaseVersionError):
        open_database(path)
    assert _sha(path) == before
    assert _siblings(path) == files
    con = sqlite3.connect(path)
    assert con.execute("SELECT body FROM notes").fetchall() == [("jangan diubah",)]
    con.close()


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path: Path):
    path = tmp_path / "laporan.xlsx"
    path.write_bytes(b"PK\x03\x04 this is a spreadsheet, not a database" * 50)
    before = _sha(path)
    with pytest.raises(DatabaseVersionError):
        open_database(path)
    assert _sha(path) == before


# --- an old real file --------------------------------------------------------------------


@pytest.fixture
def old_copy(tmp_path: Path) -> Path:
    """A copy of the committed 0001 database (the committed file is never opened)."""
    target = tmp_path / "posko-lama.sqlite3"
    shutil.copy(OLD_DB, target)
    return target


def test_the_committed_old_file_is_at_revision_0001():
    con = sqlite3.connect(f"file:{OLD_DB}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert con.execute("SELECT count(*) FROM incident").fetchone() == (3,)
    finally:
        con.close()


def test_upgrading_an_old_file_backs_it_up_first(old_copy: Path):
    db = open_database(old_copy)
    db.dispose()
    backups = list((old_copy.parent / "backups").glob("posko-*-pre-upgrade.sqlite3"))
    assert len(backups) == 1
    bak = sqlite3.connect(backups[0])
    try:
        assert bak.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert bak.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert bak.execute("SELECT number FROM incident ORDER BY number").fetchall() == [
            ("3374-24-000001",), ("3374-24-000002",), ("3374-24-000003",)]
    finally:
        bak.close()


def test_an_old_file_upgrades_to_head_with_its_data_intact(old_copy: Path):
    db = open_database(old_copy)
    try:
        assert current_revision(db) == head_revision()
        ctx = AppContext(db, Actor("admin", "admin", "Admin"))
        everything = IncidentFilter(include_deleted=True)
        rows = inc.query_incidents(ctx, everything, sort=inc.SortKey.NUMBER, descending=False).rows
        assert [(r.number, r.status, r.deleted) for r in rows] == [
            ("3374-24-000001", "diverifikasi", False),
            ("3374-24-000002", "baru", False),
            ("3374-24-000003", "baru", True),
        ]
        assert inc.count_incidents(ctx, IncidentFilter()) == 2  # the tombstone stays hidden

        first = inc.get_incident(ctx, uuid.UUID("01934a5e-7c00-7000-8000-000000000001"))
        assert first.title == "Hoaks surat suara tercoblos di Tembalang"
        assert first.regency_name == "Semarang" and first.regency_kind == "kota"
        assert [e.kind for e in first.timeline] == ["status", "referral"]
        assert [(r.agency_code, r.state) for r in first.referrals] == [("BAWASLU", "terkirim")]

        second = inc.find_by_number(ctx, "3374-24-000002")
        assert [a.filename for a in second.attachments] == ["bukti.png"]
        _info, data = inc.attachment_data(ctx, second.attachments[0].id)
        assert data.startswith(b"\x89PNG")

        # the old full-text index still finds old incidents
        assert inc.count_incidents(ctx, IncidentFilter(text="tembalang")) == 2

        # and the upgraded file takes new work: numbers continue per site and year
        new = inc.create_incident(ctx, inc.IncidentInput(
            regency_code="33.74", title="Kejadian baru setelah pembaruan", category_code="C1",
            severity="rendah", occurred_at=ctx.now().replace(tzinfo=None)))
        assert new.number == f"3374-{ctx.now().year % 100:02d}-000001"
        assert new.origin_site == "33.74"
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Incident)) == 4
            assert s.scalar(select(func.count()).select_from(FollowUp)) == 2
    finally:
        db.dispose()


def _dump(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_migration_0001_still_builds_the_committed_old_file(tmp_path: Path):
    """Databases in the field were made by 0001 as it was: it must never change. The
    generator run today must give the same schema and rows as the committed file."""
    sys.path.insert(0, str(DATA))
    try:
        import make_old_db
    finally:
        sys.path.remove(str(DATA))
    fresh = make_old_db.make(tmp_path / "lagi.sqlite3")
    assert _dump(fresh) == _dump(OLD_DB)


def test_schema_head_constant_is_the_newest_migration():
    """Opening a current database skips Alembic by comparing with SCHEMA_HEAD: a new
    migration must update it, or databases would never be upgraded."""
    from posko_desktop.core.db.migrate import SCHEMA_HEAD, head_revision

    assert SCHEMA_HEAD == head_revision()


def test_opening_a_current_database_does_not_load_alembic(db_path):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from posko_desktop.core.db.session import open_database\n"
        "db = open_database(sys.argv[1])\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"



def _raw_stamps(path: Path) -> dict[int, dict]:
    import json

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {seq: json.loads(t) for seq, t in
                con.execute("SELECT seq, field_stamps FROM incident").fetchall()}
    finally:
        con.close()


def _to_revision(db: Database, revision: str, down: bool) -> None:
    from alembic import command

    from posko_desktop.core.db.migrate import alembic_config

    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _stored_stamps(db: Database) -> list[dict]:
    """incident.field_stamps as the database holds them (past the model's packing)."""
    import json

    with db.engine.connect() as conn:
        return [v if isinstance(v, dict) else json.loads(v) for v in conn.execute(
            text("SELECT field_stamps FROM incident ORDER BY seq")).scalars()]


def test_0007_packs_field_stamps_and_going_back_unpacks_them(any_ctx):
    """0007 stores the stamp most fields share once; 0006 had them in full. Both ways
    the stamps read back are the same (SQLite and PostgreSQL)."""
    ctx = any_ctx
    made = inc.create_incident(ctx, inc.IncidentInput(
        regency_code="33.74", title="Politik uang di Tembalang", category_code="B1",
        severity="tinggi", occurred_at=ctx.now().replace(tzinfo=None)))
    inc.change_status(ctx, made.id, "diverifikasi")
    with ctx.db.read() as s:
        stamps = s.scalars(select(Incident.field_stamps)).one()
    assert len(stamps) == len(FIELDS) and stamps["status"] != stamps["title"]
    packed = _stored_stamps(ctx.db)
    assert packed == [{"*": stamps["title"], "status": stamps["status"]}]

    _to_revision(ctx.db, "0006", down=True)
    # in full again, the 15 fields of 0006 (0011 added the flash report's)
    assert _stored_stamps(ctx.db) == [{name: stamps[name] for name in FIELDS_0006}]
    _to_revision(ctx.db, "0007", down=False)
    assert _stored_stamps(ctx.db) == packed
    with ctx.db.read() as s:
        assert s.scalars(select(Incident.field_stamps)).one() == stamps


def test_stamps_naming_other_fields_are_kept_as_they_are(old_copy: Path):
    """Databases from 0001 stamped only some fields: such stamps are not packed (the
    stored text stays as it was); they read complete, a field never stamped taking the
    earliest stamp the incident has (its creation), so the incident can sync."""
    before = _raw_stamps(old_copy)
    assert all(len(s) < 15 for s in before.values())
    db = open_database(old_copy)
    try:
        with db.read() as s:
            read = {i.seq: i.field_stamps for i in s.scalars(select(Incident))}
    finally:
        db.dispose()
    for seq, stored in before.items():
        assert len(read[seq]) == len(FIELDS)
        assert read[seq] == {name: stored.get(name, min(stored.values())) for name in read[seq]}
    assert _raw_stamps(old_copy) == before

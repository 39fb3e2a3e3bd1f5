"""Migration 0008 (the site key moves into the database) on real older files: every row is
kept, and a site's existing key keeps its fingerprint, so partners who trusted it go on
accepting its packages. SQLite files from tests/data/, and PostgreSQL down and up."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from posko_desktop.core import places
from posko_desktop.core.context import AppContext
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor
from posko_desktop.core.keyring import Keyring
from posko_desktop.core.services import accounts, audit, reference, site_key
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import sync as svc
from posko_desktop.core.sync import keys, keywrap
from tests.kerawanan.sheets import SHEET_TABLES, pop_sheets

DATA = Path(__file__).resolve().parents[1] / "data"
OLD_0001 = DATA / "posko-0001.sqlite3"
OLD_0007 = DATA / "posko-0007-regency.sqlite3"
OLD_KEYS = DATA / "posko-0007-regency-keys"
NEW_TABLES = {"site_key", "user_key", "site_key_grant", "site_key_other"}
REVISED = {"category", "agency"}  # reference tables migration 0017 brings up to date

sys.path.insert(0, str(DATA))
import make_0007_db  # noqa: E402

sys.path.remove(str(DATA))


def rows_of(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (the search index's shadow tables aside), sorted."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'incident_fts%' AND name != 'alembic_version'")]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr)
                for n in names}
    finally:
        con.close()


def _values(row: tuple) -> tuple:
    return tuple(json.loads(v) if isinstance(v, str) and v.startswith("{") else v for v in row)


@pytest.fixture
def old_0007(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the 0007 database and of the OS user's keys folder beside it."""
    db = tmp_path / "posko.sqlite3"
    shutil.copy(OLD_0007, db)
    keys_dir = tmp_path / "userdata" / "keys"
    shutil.copytree(OLD_KEYS, keys_dir)
    (keys_dir / "site-3374.ed25519").chmod(0o600)
    return db, keys_dir


def test_the_committed_0007_files_are_what_the_generator_makes(tmp_path: Path):
    made, keys_dir = make_0007_db.make(tmp_path)
    assert made.read_bytes() == OLD_0007.read_bytes()
    assert (keys_dir / "site-3374.ed25519").read_bytes() == (
        OLD_KEYS / "site-3374.ed25519").read_bytes()
    con = sqlite3.connect(f"file:{OLD_0007}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0007",)]
    finally:
        con.close()


def test_upgrading_0007_keeps_every_row(old_0007):
    path, _keys = old_0007
    before = rows_of(path)
    assert len(before["user_account"]) == 3 and len(before["audit_log"]) == 4
    assert len(before["incident"]) == 3 and len(before["sync_key"]) == 1
    open_database(path).dispose()
    after = rows_of(path)
    # the tables of 0009 (anchors), 0011 (place list), 0012 (activities), 0013 (medsos),
    # 0014 (kerawanan), 0015 (stages), 0016 (units), 0018 (shifts), 0024 (directory) and
    # 0026 (day counts)
    later = {"audit_anchor", "kecamatan", "desa", "activity", "record_conflict",
             "social_post", "hoax_case", "takedown_request", "lexicon_entry",
             "candidate_pair", "tps", "baseline_import", "ikp_score", "tps_mark",
             "stage_report", "reporting_unit", "roster_entry", "handover", "agency_contact",
             "incident_day_count", *SHEET_TABLES}
    assert set(after) == set(before) | NEW_TABLES | later
    pop_sheets(after)
    for table, rows in before.items():
        if table == "incident":  # 0011 added ten columns: not known / empty, and the codes
            index = places.shipped_index()  # of the names that match one place; 0014
            for old, new in zip(rows, after[table], strict=True):  # three more and 0016
                match = index.match(old[4], old[5], old[6])  # the unit: not named
                assert new[len(old):] == (None, None, match.kecamatan_code, match.desa_code,
                                          None, None, "", "", "", "", None, None, None, None,
                                          "", "")  # + 0017's two
            after[table] = [r[:len(r) - 16] for r in after[table]]
        if table == "followup" and rows:  # 0024: contact_id NULL (no contact chosen)
            assert {r[len(rows[0]):] for r in after[table]} == {(None,)}
            after[table] = [r[:len(rows[0])] for r in after[table]]
        if table == "nihil_report":  # 0016: unit_code NULL (the regency's office)
            assert {r[len(rows[0]):] for r in after[table]} <= {(None,)}
            after[table] = [r[:len(rows[0])] for r in after[table]]
        if table in REVISED:  # 0017: the taxonomy revised (tests/core/test_migration_0017.py)
            continue
        # columns added later (e.g. 0025's user language) come after the old ones
        width = len(rows[0]) if rows else 0
        assert [r[:width] for r in after[table]] == rows, table
    assert after["site_key"] == [(1, "awaiting_import", None, None, "", "", None, "")]
    assert after["user_key"] == after["site_key_grant"] == after["site_key_other"] == []


def test_upgrading_0001_keeps_every_row(tmp_path: Path):
    path = tmp_path / "posko-lama.sqlite3"
    shutil.copy(OLD_0001, path)
    before = rows_of(path)
    open_database(path).dispose()
    after = rows_of(path)
    assert set(before) <= set(after)
    for table, rows in before.items():
        if table in REVISED:  # 0017: the taxonomy revised (tests/core/test_migration_0017.py)
            continue
        assert len(after[table]) == len(rows), table
        # columns added since 0001 come after the old ones: the old values are unchanged
        # (JSON text compared by value: 0007 rewrote the stamps compactly)
        width = len(rows[0]) if rows else 0
        assert [_values(r[:width]) for r in after[table]] == [_values(r) for r in rows], table
    assert after["site_key"] == [(1, "awaiting_import", None, None, "", "", None, "")]


def test_the_old_key_keeps_its_fingerprint_and_partners_accept_it(old_0007, tmp_path,
                                                                   template_db):
    path, keys_dir = old_0007
    old_key = keys.load_private_key(keys_dir, "33.74")
    old_short = keys.short_fingerprint(keywrap.key_fingerprint(old_key))
    db = open_database(path)
    ws = AppContext(db, Actor("os-user", "admin", "os-user"),
                    keyring=Keyring(legacy_dir=keys_dir))
    partner_path = tmp_path / "provinsi.sqlite3"
    shutil.copy(template_db, partner_path)
    partner_db = open_database(partner_path)
    try:
        kepala = ws.as_actor(accounts.login(ws, "kepala", make_0007_db.PASSWORDS["kepala"]).actor)
        info = site_key.ensure_public(kepala)
        assert info.short_fingerprint == old_short
        assert not (keys_dir / "site-3374.ed25519").exists()  # the database holds it now
        assert audit.verify_chain(kepala).ok  # the old chain goes on

        # the province trusted the old key before the upgrade: it still accepts the packages
        partner = AppContext(partner_db, Actor("admin", "admin", "Admin Provinsi"))
        reference.init_site(partner, "33", "Posko Provinsi Jawa Tengah")
        key_file = tmp_path / "kota-semarang-lama.poskokey"
        key_file.write_bytes(keys.public_key_file_bytes(keys.public_info(
            old_key, "33.74", "Posko Kota Semarang")))
        svc.trust_key(partner, key_file, old_short)
        package = tmp_path / "ke-provinsi.posko"
        svc.export_package(kepala, keys_dir, "33", package, full=True)
        result = svc.import_package(partner, package)
        assert result.source_site == "33.74" and result.totals().new == 3  # and the tombstone

        # the operator gets a key pair at the first login and the key from the next holder
        opr = ws.as_actor(accounts.login(ws, "opr1", make_0007_db.PASSWORDS["opr1"]).actor)
        with pytest.raises(site_key.SiteKeyError):
            svc.export_package(opr, keys_dir, "33", tmp_path / "x.posko")
        accounts.login(ws, "kepala", make_0007_db.PASSWORDS["kepala"])
        accounts.login(ws, "opr1", make_0007_db.PASSWORDS["opr1"])  # unwrapped at login
        svc.export_package(opr, keys_dir, "33", tmp_path / "y.posko")
        assert [(u.username, u.state) for u in site_key.status(kepala).users] == [
            ("kepala", "holds"), ("opr1", "holds")]  # the disabled account gets nothing
        assert inc.count_incidents(kepala, inc.IncidentFilter()) == 2
    finally:
        db.dispose()
        partner_db.dispose()


def _dump_all(db: Database) -> dict[str, list[tuple]]:
    with db.engine.connect() as conn:
        names = [t for t in db.engine.dialect.get_table_names(conn)
                 if t not in NEW_TABLES and t != "alembic_version"
                 and not t.startswith("incident_fts")]
        return {t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
                for t in names}


def test_0008_down_and_up_keeps_every_row(any_ctx):
    """Both backends: going back to 0007 and up again leaves every other row as it was."""
    from alembic import command

    from posko_desktop.core.db.migrate import alembic_config

    accounts.create_first_admin(any_ctx, "kepala", make_0007_db.PASSWORDS["kepala"])
    inc.create_incident(any_ctx, inc.IncidentInput(
        regency_code="33.74", title="Politik uang di Tembalang", category_code="B1",
        severity="tinggi", occurred_at=any_ctx.now().replace(tzinfo=None)))
    before = _dump_all(any_ctx.db)
    cfg = alembic_config()
    for revision, step in (("0007", command.downgrade), ("head", command.upgrade)):
        with any_ctx.db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)
    assert _dump_all(any_ctx.db) == before
    with any_ctx.db.engine.connect() as conn:
        assert conn.execute(text("SELECT state FROM site_key")).all() == [("awaiting_import",)]

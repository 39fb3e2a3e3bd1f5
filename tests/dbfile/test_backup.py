"""Finding 6 of issue 12: backups and restore (before: only the `.bak` made before a
migration). SQLite through the CLI; the server through `pg_dump`/`pg_restore` on the real
test server. The restore drill backs up, changes, restores and compares row for row."""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from posko_desktop.core.backup import manifest as mf
from posko_desktop.core.backup.retention import to_prune
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import models_all  # noqa: F401  (every table on Base.metadata)
from posko_desktop.core.db.base import Base
from posko_desktop.core.db.engine import Database
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import Actor, PermissionDenied
from posko_desktop.core.services import backup as backups
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services import reference
from posko_desktop.core.services import restore as restore_svc
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import parse_wib, to_wib
from tests.conftest import ADMIN

from .helpers import ADD, checkpoint, dump, overwrite_page, root_page, run, sql, unwritable

AUDIT_TABLES = {"audit_log", "audit_head"}


def rows(db: Database) -> dict[str, list[tuple]]:
    """Every table, row for row, through the app's models (SQLite and PostgreSQL alike)."""
    out: dict[str, list[tuple]] = {}
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(str(v) for v in r)
                               for r in s.execute(select(table).order_by(*order)).all()]
    return out


def without_audit(data: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {k: v for k, v in data.items() if k not in AUDIT_TABLES}


def add(ctx: AppContext, title: str) -> inc.IncidentDetail:
    return inc.create_incident(ctx, IncidentInput(
        regency_code="33.74", title=title, category_code="A1", severity="sedang",
        occurred_at=min(parse_wib("2024-11-26 20:30"), ctx.now() - timedelta(hours=1))))


def change_everything(ctx: AppContext) -> None:
    first = add(ctx, "Ditambah setelah cadangan")
    current = inc.get_incident(ctx, first.id)
    inc.update_incident(ctx, first.id, replace(current.to_input(),
                                               title="Diubah setelah cadangan"))
    inc.set_deleted(ctx, first.id, True, "uji pemulihan")


@pytest.fixture
def site(db_path: Path, capsys) -> Path:
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P")[0] == 0
    for n in range(3):
        assert run(capsys, "--db", str(db_path), *ADD, "--title", f"Laporan {n}")[0] == 0
    gc.collect()
    return db_path


def backup_cli(capsys, path: Path, *extra: str) -> dict:
    code, out, err = run(capsys, "--db", str(path), "backup", "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


# --- making and listing ---------------------------------------------------------------------


def test_backup_is_a_checked_copy_with_a_manifest_and_an_audit_line(site: Path, capsys):
    made = backup_cli(capsys, site)
    file = Path(made["file"])
    assert file.parent == site.parent / "backups"
    manifest = json.loads(Path(str(file) + ".json").read_text())
    assert manifest["sha256"] == hashlib.sha256(file.read_bytes()).hexdigest() == made["sha256"]
    assert manifest["check"] == "ok" and manifest["site_code"] == "33"
    assert manifest["incidents"] == 3 and manifest["kind"] == "manual"
    assert sql(file, "PRAGMA integrity_check") == [("ok",)]
    assert sql(file, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    gc.collect()
    assert [r for r in dump(file) if r[0] not in AUDIT_TABLES] == \
        [r for r in dump(site) if r[0] not in AUDIT_TABLES]
    audited = sql(site, "SELECT action, record_id FROM audit_log ORDER BY id DESC LIMIT 1")
    assert audited == [("backup.create", file.name)]


def test_backup_list_shows_every_backup_newest_first(site: Path, capsys):
    first = backup_cli(capsys, site)
    out_file = site.parent / "lain" / "salinan.sqlite3"
    backup_cli(capsys, site, "--out", str(out_file))
    second = backup_cli(capsys, site)
    code, out, _err = run(capsys, "--db", str(site), "backup", "--list", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert listed["folder"] == str(site.parent / "backups")
    assert [b["file"] for b in listed["backups"]] == [second["file"], first["file"]]
    assert out_file.exists() and Path(str(out_file) + ".json").exists()


def test_backup_refuses_to_overwrite_a_file_or_the_database(site: Path, capsys):
    before = dump(site)
    for target in (site, Path(str(site) + "-wal")):
        code, _out, err = run(capsys, "--db", str(site), "backup", "--out", str(target))
        assert code == 2
    gc.collect()
    assert dump(site) == before


def test_a_read_only_database_can_still_be_backed_up(site: Path, capsys, tmp_path: Path):
    before = dump(site)
    with unwritable(site):
        made = backup_cli(capsys, site, "--folder", str(tmp_path / "usb"))
        gc.collect()
    assert dump(site) == before  # no audit line: the file cannot take one
    assert sql(Path(made["file"]), "PRAGMA integrity_check") == [("ok",)]


def test_a_damaged_database_is_not_backed_up_and_older_backups_stay(site: Path, capsys):
    old = backup_cli(capsys, site)
    gc.collect()
    checkpoint(site)
    overwrite_page(site, root_page(site, "followup"), b"\x00\xff\xff\xff\xff\xff\xff\xff")
    code, _out, err = run(capsys, "--db", str(site), "backup")
    assert code == 2 and "is damaged" in err
    folder = site.parent / "backups"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [Path(old["file"]).name, Path(old["file"]).name + ".json"])


def test_an_unwritable_backup_folder_is_a_clear_message(site: Path, capsys, tmp_path: Path):
    usb = tmp_path / "usb"
    usb.mkdir()
    with unwritable(usb):
        code, _out, err = run(capsys, "--db", str(site), "backup", "--folder", str(usb))
    assert code == 2
    assert "could not be written to" in err and "connected and writable" in err


# --- automatic backups and what is kept ------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 11, 20, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_automatic_backups_skip_unchanged_data_and_keep_24_hourly_and_14_daily(ctx, tmp_path):
    """One change and one automatic backup every 3 hours for 18 days: the 24 newest stay
    (24 hours that have one), and the last backup of each of the 14 newest WIB days."""
    clock = Clock()
    ctx.clock = clock
    start = datetime(2024, 11, 1, tzinfo=UTC)
    made = []
    for step in range(8 * 18):
        clock.now = start + timedelta(hours=3 * step)
        add(ctx, f"Laporan {step}")
        made.append(backups.auto_backup(ctx))
        if step == 5:
            assert backups.auto_backup(ctx) is None  # nothing changed since: no new copy
    assert all(info is not None for info in made)
    kept = backups.list_backups(tmp_path / "backups")
    newest_24 = sorted((i.file for i in made if i), key=lambda p: p.name)[-24:]
    assert set(newest_24) <= {b.file for b in kept}
    by_day: dict[date, list[datetime]] = {}
    for b in kept:
        by_day.setdefault(to_wib(b.created).date(), []).append(to_wib(b.created))
    last_day = to_wib(made[-1].created).date()  # type: ignore[union-attr]
    assert sorted(by_day) == [last_day - timedelta(days=d) for d in range(13, -1, -1)]
    hourly_start = to_wib(made[-24].created)  # type: ignore[union-attr]
    for day, times in by_day.items():
        if day < hourly_start.date():  # only the day's last backup is kept
            assert times == [max(to_wib(i.created) for i in made if i and
                                 to_wib(i.created).date() == day)]
    assert len(list((tmp_path / "backups").iterdir())) == 2 * len(kept)


def test_retention_keeps_the_newest_per_hour_and_per_day_and_never_manual_ones():
    def m(when: datetime, kind: str = mf.AUTO) -> tuple[Path, mf.Manifest]:
        name = when.strftime("%Y%m%d%H%M") + kind
        return Path(name), mf.Manifest(name, kind, "sqlite", when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                       "x", 1, "ok", "33", "P", "0007", 0, "", "", "", "", "")

    start = datetime(2024, 11, 1, 17, 10, tzinfo=UTC)  # 00:10 WIB on 2 November
    items = [m(start + timedelta(minutes=20 * i)) for i in range(6)]  # 2 hours, 3 each
    items.append(m(start - timedelta(days=3), mf.MANUAL))
    pruned = {p.name for p, _m in to_prune(items, hourly=1, daily=1)}
    kept = {p.name for p, _m in items} - pruned
    assert kept == {items[5][0].name, items[6][0].name}  # newest auto, the manual one
    assert {p.name for p, _m in to_prune(items, hourly=2, daily=0)} == {
        items[i][0].name for i in (0, 1, 3, 4)}


# --- the restore drill ------------------------------------------------------------------------


def test_restore_drill_row_for_row(site: Path, capsys):
    db = open_database(site)
    ctx = AppContext(db, ADMIN)
    try:
        at_backup = rows(db)
        made = backup_cli(capsys, site)
        change_everything(ctx)
        changed = rows(db)
        assert without_audit(changed) != without_audit(at_backup)
    finally:
        db.dispose()
    gc.collect()
    code, out, err = run(capsys, "--db", str(site), "restore", made["file"], "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    db = open_database(site)
    try:
        restored = rows(db)
    finally:
        db.dispose()
    assert without_audit(restored) == without_audit(at_backup)
    # the audit trail: everything of the backup, then one entry saying who restored what
    assert restored["audit_log"][:len(at_backup["audit_log"])] == at_backup["audit_log"]
    new = restored["audit_log"][len(at_backup["audit_log"]):]
    assert len(new) == 1 and "backup.restore" in new[0]
    # the database as it was before the restore is kept, row for row
    pre = Database(result["pre_restore"], create=False)
    try:
        assert without_audit(rows(pre)) == without_audit(changed)
    finally:
        pre.dispose()
    assert sql(site, "PRAGMA integrity_check") == [("ok",)]
    code, _out, _err = run(capsys, "--db", str(site), "audit", "verify")
    assert code == 0


def test_restore_refuses_another_sites_backup_unless_forced(site: Path, capsys, template_db,
                                                            tmp_path: Path):
    other = tmp_path / "kota" / "posko.sqlite3"
    other.parent.mkdir()
    shutil.copy(template_db, other)
    assert run(capsys, "--db", str(other), "init", "--site", "33.74", "--site-name", "Kota")[0] == 0
    theirs = backup_cli(capsys, other)
    gc.collect()
    before = dump(site)
    code, _out, err = run(capsys, "--db", str(site), "restore", theirs["file"])
    assert code == 2 and "is of site 33.74" in err and "--force" in err
    gc.collect()
    assert dump(site) == before
    code, _out, err = run(capsys, "--db", str(site), "restore", theirs["file"], "--force")
    assert code == 0, err
    assert sql(site, "SELECT code FROM local_site") == [("33.74",)]


def test_restore_refuses_a_backup_that_changed_after_it_was_made(site: Path, capsys):
    made = backup_cli(capsys, site)
    file = Path(made["file"])
    with file.open("r+b") as fh:  # one byte in the last page: still a readable database
        fh.seek(file.stat().st_size - 10)
        fh.write(b"\x01")
    gc.collect()
    before = dump(site)
    code, _out, err = run(capsys, "--db", str(site), "restore", str(file))
    assert code == 2 and "SHA-256 does not match" in err
    gc.collect()
    assert dump(site) == before
    assert not list(site.parent.glob(".posko-restore-*"))


def test_only_an_administrator_may_restore(accounts_site: Path, capsys, monkeypatch):
    monkeypatch.setenv("POSKO_PASSWORD", "Kantor-Gubernur-9")
    code, out, err = run(capsys, "--db", str(accounts_site), "--user", "kepala", "backup",
                         "--format", "json")
    assert code == 0, err
    made = json.loads(out)
    gc.collect()
    before = dump(accounts_site)
    monkeypatch.setenv("POSKO_PASSWORD", "Lapor-Situasi-77")
    code, _out, err = run(capsys, "--db", str(accounts_site), "--user", "opr", "restore",
                          made["file"])
    assert code == 2 and "backup.restore" in err
    gc.collect()
    after = dump(accounts_site)
    assert [r for r in after if r[0] not in AUDIT_TABLES | {"user_account"}] == \
        [r for r in before if r[0] not in AUDIT_TABLES | {"user_account"}]


@pytest.fixture
def accounts_site(db_path: Path, capsys, monkeypatch) -> Path:
    from argon2 import PasswordHasher, Type

    from posko_desktop.core.services import accounts

    monkeypatch.setattr(accounts, "PASSWORD_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID))
    accounts._dummy_hash.cache_clear()
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P",
               "--admin-user", "kepala", "--admin-password", "Kantor-Gubernur-9")[0] == 0
    gc.collect()
    db = open_database(db_path)
    try:
        admin = accounts.get_user(AppContext(db, Actor("kepala", "admin")), "kepala")
        accounts.add_user(AppContext(db, admin.actor), "opr", "Lapor-Situasi-77", "operator",
                          must_change_password=False)
    finally:
        db.dispose()
    yield db_path
    accounts._dummy_hash.cache_clear()


@pytest.mark.parametrize("state", ["empty", "damaged", "missing"])
def test_restore_brings_back_a_database_that_is_empty_damaged_or_gone(site: Path, capsys,
                                                                      state: str):
    made = backup_cli(capsys, site)
    gc.collect()
    expected = [r for r in dump(Path(made["file"]))]
    checkpoint(site)
    if state == "empty":
        site.write_bytes(b"")
    elif state == "damaged":
        site.write_bytes(b"\x00" * 8192)
    else:
        site.unlink()
    code, _out, err = run(capsys, "--db", str(site), "restore", made["file"])
    assert code == 0, err
    gc.collect()
    restored = dump(site)
    assert [r for r in restored if r[0] not in AUDIT_TABLES] == \
        [r for r in expected if r[0] not in AUDIT_TABLES]
    assert sql(site, "PRAGMA integrity_check") == [("ok",)]
    kept = [p.name for p in (site.parent / "backups").glob("*pre-restore*.sqlite3")]
    assert len(kept) == (1 if state == "damaged" else 0)  # the damaged file is kept as it was


# --- server mode --------------------------------------------------------------------------


@pytest.mark.postgres
def test_server_backup_and_restore_drill_with_pg_dump(pg_db: Database, tmp_path: Path):
    ctx = AppContext(pg_db, ADMIN)
    reference.init_site(ctx, "33", "Posko Provinsi")
    for n in range(3):
        add(ctx, f"Laporan server {n}")
    folder = tmp_path / "server-backups"
    at_backup = rows(pg_db)
    info = backups.create_backup(ctx, folder=folder)
    assert info.file.suffix == ".dump" and info.manifest.backend == "postgresql"
    assert info.manifest.sha256 == hashlib.sha256(info.file.read_bytes()).hexdigest()
    assert info.manifest.incidents == 3 and info.manifest.site_code == "33"
    assert oct(info.file.stat().st_mode & 0o777) == oct(0o600)
    change_everything(ctx)
    changed = rows(pg_db)
    prepared = restore_svc.prepare_restore(pg_db.url, info.file, folder=folder)
    assert prepared.site_code == "33" and not prepared.other_site
    with pytest.raises(PermissionDenied):
        restore_svc.apply_restore(prepared, Actor("opr", "operator"), now=ctx.now())
    result = restore_svc.apply_restore(prepared, ADMIN, now=ctx.now())
    pg_db.dispose()
    restored = rows(pg_db)
    assert without_audit(restored) == without_audit(at_backup)
    assert restored["audit_log"][:len(at_backup["audit_log"])] == at_backup["audit_log"]
    assert len(restored["audit_log"]) == len(at_backup["audit_log"]) + 1
    assert result.pre_restore is not None and result.pre_restore.exists()
    # the pre-restore dump holds the changed database: restore it to see
    again = restore_svc.prepare_restore(pg_db.url, result.pre_restore, folder=folder)
    restore_svc.apply_restore(again, ADMIN, now=ctx.now())
    pg_db.dispose()
    assert without_audit(rows(pg_db)) == without_audit(changed)


@pytest.mark.postgres
def test_server_backup_without_the_client_tools_says_what_to_install(pg_db: Database,
                                                                      tmp_path: Path,
                                                                      monkeypatch):
    ctx = AppContext(pg_db, ADMIN)
    reference.init_site(ctx, "33", "Posko Provinsi")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("POSKO_PG_BIN", str(tmp_path))
    from posko_desktop.core.backup import pg_tools

    monkeypatch.setattr(pg_tools, "BIN_GLOBS", ())
    with pytest.raises(pg_tools.PgToolError) as info:
        backups.create_backup(ctx, folder=tmp_path / "b")
    assert "postgresql-client" in info.value.text_in("en")
    assert not list((tmp_path / "b").glob("*.dump"))


@pytest.mark.postgres
def test_server_mode_check_says_the_server_checks_itself(pg_db: Database, capsys):
    code, out, _err = run(capsys, "--db", pg_db.url, "check", "--full", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "full": True, "applicable": False, "problems": []}


def test_a_folder_whose_name_says_full_is_not_called_a_full_disk(site: Path, capsys, tmp_path):
    usb = tmp_path / "usb-full-backup"  # a word in the path must not decide the message
    usb.mkdir()
    with unwritable(usb):
        code, _out, err = run(capsys, "--db", str(site), "backup", "--folder", str(usb))
    assert code == 2
    assert "connected and writable" in err and "no space left" not in err

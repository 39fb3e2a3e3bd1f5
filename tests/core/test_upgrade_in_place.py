"""Upgrade in place (issue 20): the first start of a new version on a database of the
previous release's schema (tests/data/posko-0008.sqlite3) backs it up, verifies the
backup, migrates with progress reports, and keeps every row and the audit chain; a
database of a newer version is refused untouched, with no backup and nothing migrated."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from posko_desktop.cli import main
from posko_desktop.commands import common
from posko_desktop.core.backup import manifest as mf
from posko_desktop.core.db.categories import category_rows
from posko_desktop.core.db.migrate import SCHEMA_HEAD, current_revision
from posko_desktop.core.db.seed_directory import SEED_AGENCIES
from posko_desktop.core.db.session import open_database
from posko_desktop.core.domain import DatabaseVersionError
from posko_desktop.core.i18n import _
from posko_desktop.core.progress import Progress
from posko_desktop.core.services import restore
from tests.core.test_upgrade_data import DATA, _read, _rows

PREVIOUS = "posko-0008.sqlite3"  # the previous release's schema


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "posko.sqlite3"
    shutil.copy(DATA / PREVIOUS, path)  # the committed file is never opened in place
    return path


def _audit_verify(capsys, path: Path, monkeypatch) -> dict:
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    code = main(["--db", str(path), "--lang", "en", "--user", "admin", "audit", "verify",
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"], out
    return out


def test_first_start_backs_up_verifies_and_migrates_with_progress(old_db, capsys, monkeypatch):
    before = _read(old_db, _rows)
    reports: list[tuple[int, int, str]] = []

    db = open_database(old_db, progress=Progress(lambda *r: reports.append(r)))
    try:
        assert current_revision(db) == SCHEMA_HEAD
    finally:
        db.dispose()

    # the backup: in backups/ next to the database, with its manifest, of the old schema
    [(backup, manifest)] = mf.scan(old_db.parent / "backups")
    assert manifest.kind == mf.PRE_UPGRADE and manifest.verified
    assert manifest.schema == "0008" and manifest.incidents == before["incident"]
    assert _read(backup, _rows) == before  # it holds the database as it was
    # … and it verifies as `posko restore` verifies (SHA-256 against the manifest, the
    # full integrity check of a private copy)
    prepared = restore.prepare_restore(str(old_db), backup, folder=old_db.parent / "backups")
    try:
        assert prepared.incidents == before["incident"] and prepared.site_code == "33"
    finally:
        prepared.discard()

    # progress: the backup first, then each migration step, ending at 100 %
    messages = [m for _d, _t, m in reports]
    assert reports[0] == (0, 100, _("Backing up the database before the upgrade…"))
    assert _("Upgrading the database to schema {revision}…").format(
        revision=SCHEMA_HEAD) in messages
    assert reports[-1][:2] == (100, 100)
    assert [d for d, _t, _m in reports] == sorted(d for d, _t, _m in reports)

    after = _read(old_db, _rows)
    # every table, row for row; 0017 adds categories and the agency DKPP, 0024 the
    # directory's agencies, changing none
    added = {"category": len(category_rows()) - before["category"],
             "agency": len(SEED_AGENCIES) - before["agency"]}
    assert {t: after[t] - added.get(t, 0) for t in before} == before
    out = _audit_verify(capsys, old_db, monkeypatch)
    assert out["checked"] == before["audit_log"] + 1  # the old chain and this login


def test_a_second_start_neither_backs_up_nor_reports(old_db):
    open_database(old_db).dispose()
    reports: list[tuple[int, int, str]] = []
    open_database(old_db, progress=Progress(lambda *r: reports.append(r))).dispose()
    assert reports == []
    assert len(mf.scan(old_db.parent / "backups")) == 1


def test_cli_shows_a_progress_line_on_stderr_when_the_upgrade_is_slow(old_db, capsys,
                                                                       monkeypatch):
    monkeypatch.setattr(common, "UPGRADE_LINE_AFTER_S", 0.0)  # "slow" from the first report
    monkeypatch.setenv("POSKO_PASSWORD", "rahasia-province-1")
    assert main(["--db", str(old_db), "--lang", "en", "--user", "admin", "incident", "list",
                 "--limit", "1"]) == 0  # the first command after installing the new version
    err = capsys.readouterr().err
    assert "Backing up the database before the upgrade" in err
    assert f"Database upgraded to schema {SCHEMA_HEAD} 100%" in err


def test_a_database_of_a_newer_version_is_refused_untouched(old_db):
    con = sqlite3.connect(old_db)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = old_db.read_bytes()
    reports: list[tuple[int, int, str]] = []
    with pytest.raises(DatabaseVersionError) as err:
        open_database(old_db, progress=Progress(lambda *r: reports.append(r)))
    assert "newer version" in err.value.text_in("en")
    assert old_db.read_bytes() == before
    assert reports == [] and not (old_db.parent / "backups").exists()

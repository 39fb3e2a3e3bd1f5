"""Finding 8 of issue 12: database files, their -wal/-shm/-journal and backups are
readable by their owner only (0600; folders the app creates 0700). Before, the file was
created 0644 under the usual umask 022: password hashes and every incident for any local
account to read."""

from __future__ import annotations

import gc
import os
import stat
from pathlib import Path

import pytest

from posko_desktop.core.db.session import open_database

from .helpers import ADD, leave_hot_journal, run

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path, capsys):
    path = tmp_path / "data" / "posko.sqlite3"
    assert run(capsys, "--db", str(path), "init", "--site", "33", "--site-name", "Posko")[0] == 0
    db = open_database(path)  # keep it open: -wal and -shm exist while a connection does
    try:
        assert run(capsys, "--db", str(path), *ADD, "--title", "Uji izin berkas")[0] == 0
        wal, shm = Path(str(path) + "-wal"), Path(str(path) + "-shm")
        assert wal.exists() and shm.exists()
        assert {p.name: mode(p) for p in (path, wal, shm)} == {
            path.name: 0o600, wal.name: 0o600, shm.name: 0o600}
    finally:
        db.dispose()


def test_an_older_world_readable_database_is_made_owner_only_when_opened(db_path: Path,
                                                                          capsys):
    db_path.chmod(0o644)
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P")[0] == 0
    assert mode(db_path) == 0o600


def test_backups_manifests_and_their_folder_are_owner_only(db_path: Path, capsys):
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P")[0] == 0
    code, out, err = run(capsys, "--db", str(db_path), "backup")
    assert code == 0, err
    folder = db_path.parent / "backups"
    files = sorted(folder.iterdir())
    assert [p.suffix for p in files] == [".sqlite3", ".json"]
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert mode(folder) == 0o700
    out_file = db_path.parent / "elsewhere" / "salinan.sqlite3"
    assert run(capsys, "--db", str(db_path), "backup", "--out", str(out_file))[0] == 0
    assert mode(out_file) == 0o600 and mode(Path(str(out_file) + ".json")) == 0o600


def test_the_rollback_journal_of_a_bulk_load_is_owner_only(db_path: Path, capsys, tmp_path):
    """demo-data loads with a rollback journal; a kill leaves it behind, still 0600."""
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P")[0] == 0
    gc.collect()  # the command's connection: the load needs the file to itself
    leave_hot_journal(db_path)
    assert mode(Path(str(db_path) + "-journal")) == 0o600


def test_the_backup_before_a_migration_is_owner_only(tmp_path: Path):
    from tests.core.test_migrations import OLD_DB  # the committed 0001 database

    path = tmp_path / "lama.sqlite3"
    path.write_bytes(OLD_DB.read_bytes())
    path.chmod(0o644)
    open_database(path).dispose()
    backups = list((tmp_path / "backups").glob("*-pre-upgrade.sqlite3"))
    assert len(backups) == 1 and mode(backups[0]) == 0o600
    assert mode(tmp_path / "backups") == 0o700

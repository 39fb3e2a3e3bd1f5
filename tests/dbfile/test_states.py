"""Finding 4 of issue 12: honest states instead of a false "damaged".

A hot journal left by a killed load is rolled back and the app goes on; a full disk, a
read-only file, folder and medium each have their own message (Indonesian and English)
saying what to do; a read-only database opens for viewing and logging in writes nothing;
a 0-byte or missing file is never silently replaced by an empty database.

Read-only as root: root ignores file modes, so files and folders are made immutable
(`chattr +i`): writes then fail with EPERM for everyone, the way they fail for a normal
account on a read-only file. A read-only *medium* is a read-only mount, which needs
privileges the tests do not have: its folder is made immutable (the real failure) and the
mount flag that tells a medium from a folder (`statvfs().f_flag & ST_RDONLY`) is the one
thing simulated.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import Engine, event

from posko_desktop.core import i18n
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.db.session import open_database
from posko_desktop.core.services import accounts
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter, IncidentInput
from posko_desktop.core.timeutil import parse_wib
from posko_desktop.ui import startup
from tests.conftest import ADMIN

from .helpers import ADD, dump, leave_hot_journal, run, unwritable

PASSWORD = "Kantor-Gubernur-9"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch):
    monkeypatch.setattr(accounts, "PASSWORD_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID))
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


@pytest.fixture
def site(db_path: Path, capsys) -> Path:
    """Site 33 with one incident; no connection of this process left open."""
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P")[0] == 0
    assert run(capsys, "--db", str(db_path), *ADD, "--title", "Sebelum")[0] == 0
    gc.collect()
    return db_path


@pytest.fixture
def site_with_admin(db_path: Path, capsys, monkeypatch) -> Path:
    assert run(capsys, "--db", str(db_path), "init", "--site", "33", "--site-name", "P",
               "--admin-user", "kepala", "--admin-password", PASSWORD)[0] == 0
    monkeypatch.setenv("POSKO_PASSWORD", PASSWORD)
    assert run(capsys, "--db", str(db_path), "--user", "kepala", *ADD,
               "--title", "Sebelum")[0] == 0
    gc.collect()
    return db_path


# --- a hot journal ------------------------------------------------------------------------

def test_a_hot_journal_is_rolled_back_and_the_cli_goes_on(site: Path, capsys):
    leave_hot_journal(site)
    code, out, err = run(capsys, "--db", str(site), "incident", "list", "--format", "json")
    assert code == 0, err
    assert '"total": 1' in out  # the half-done load is gone, the earlier incident is there
    assert not Path(str(site) + "-journal").exists() or \
        Path(str(site) + "-journal").stat().st_size == 0
    assert run(capsys, "--db", str(site), *ADD, "--title", "Sesudah")[0] == 0


def test_a_hot_journal_is_rolled_back_when_the_window_starts(site: Path, qapp):
    leave_hot_journal(site)
    ctx = startup.open_context(str(site))
    try:
        assert inc.count_incidents(ctx, IncidentFilter()) == 1
        assert not ctx.db.read_only
    finally:
        ctx.db.dispose()


def test_a_hot_journal_on_a_read_only_medium_asks_for_write_access(site: Path, capsys):
    leave_hot_journal(site)
    with unwritable(site.parent):
        code, _out, err = run(capsys, "--db", str(site), "incident", "list")
    assert code == 2
    assert "was not closed properly" in err and "nothing is lost" in err
    assert "damaged" not in err


# --- disk full ----------------------------------------------------------------------------


def _limit_pages(dbapi_connection, _record) -> None:
    """A small disk: SQLite reports "database or disk is full" past this many pages."""
    pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
    dbapi_connection.execute(f"PRAGMA max_page_count={pages}")


@pytest.fixture
def small_disk():
    event.listen(Engine, "connect", _limit_pages)
    yield
    event.remove(Engine, "connect", _limit_pages)


def test_disk_full_is_refused_with_its_own_message_and_nothing_written(site: Path, small_disk):
    db = open_database(site)
    ctx = AppContext(db, ADMIN)
    before = dump(site)
    try:
        with pytest.raises(health.DiskFull) as info:
            inc.create_incident(ctx, IncidentInput(
                regency_code="33.74", title="Laporan panjang", category_code="A1",
                severity="sedang", occurred_at=parse_wib("2024-11-26 20:30"),
                description="uraian " * 500))
    finally:
        db.dispose()
    assert info.value.text_in("en").startswith("The disk that holds the database")
    assert "Free some space" in info.value.text_in("en")
    assert info.value.text_in("id").startswith("Disk tempat basis data")
    assert dump(site) == before


def test_disk_full_during_demo_data_is_a_clear_message_not_sql(site: Path, capsys, small_disk):
    before = dump(site)
    code, _out, err = run(capsys, "--db", str(site), "demo-data", "--allow-live-database", "--incidents", "2000",
                          "--days", "30", "--end-date", "2024-11-30", "--seed", "1")
    assert code == 2
    assert "is full" in err and "Free some space" in err
    assert "INSERT" not in err and "[SQL" not in err and "OperationalError" not in err
    gc.collect()
    assert dump(site) == before


# --- read-only file, folder, medium -----------------------------------------------------


def _read_only_round(path: Path, capsys, *login: str) -> str:
    """List works, add is refused with the state's message, nothing changes. Returns the
    refusal's text."""
    before = dump(path)
    code, out, err = run(capsys, "--db", str(path), *login, "incident", "list", "--format",
                         "json")
    assert code == 0, err
    assert '"total": 1' in out
    code, _out, err = run(capsys, "--db", str(path), *login, *ADD, "--title", "Tidak boleh")
    assert code == 2
    assert "view" in err and "nothing can be saved" in err
    gc.collect()
    assert dump(path) == before
    return err


def test_a_read_only_file_opens_for_viewing_and_says_so(site: Path, capsys):
    with unwritable(site):
        err = _read_only_round(site, capsys)
    assert "The database file" in err and "is read-only" in err
    assert "make the file writable" in err


def test_a_read_only_folder_opens_for_viewing_and_says_so(site: Path, capsys):
    with unwritable(site.parent):
        err = _read_only_round(site, capsys)
    assert "does not allow writing" in err and "write access to that folder" in err


def test_a_read_only_medium_opens_for_viewing_and_says_so(site: Path, capsys, monkeypatch):
    real = os.statvfs

    class Mounted:
        def __init__(self, base) -> None:
            self._base = base
            self.f_flag = base.f_flag | os.ST_RDONLY

        def __getattr__(self, name):
            return getattr(self._base, name)

    monkeypatch.setattr(os, "statvfs", lambda p: Mounted(real(p))
                        if Path(p) == site.parent else real(p))
    with unwritable(site.parent):
        err = _read_only_round(site, capsys)
    assert "disk that holds the database" in err and "read-only" in err
    assert "copy the database to this computer's disk" in err


def test_the_three_read_only_messages_differ_and_are_translated(tmp_path: Path):
    texts = [health.read_only(reason, tmp_path / "posko.sqlite3")
             for reason in ("file", "folder", "medium")]
    assert len({t.text_in("en") for t in texts}) == 3
    assert len({t.text_in("id") for t in texts}) == 3
    for t in (*texts, health.disk_full("x"), health.interrupted_save("x")):
        assert t.text_in("id") != t.text_in("en")


def test_login_to_a_read_only_database_writes_nothing(site_with_admin: Path, capsys):
    with unwritable(site_with_admin):
        _read_only_round(site_with_admin, capsys, "--user", "kepala")
        before = dump(site_with_admin)
        os.environ["POSKO_PASSWORD"] = "salah-sandi-123"
        code, _out, err = run(capsys, "--db", str(site_with_admin), "--user", "kepala",
                              "incident", "list")
        assert code == 2 and "Wrong user name or password" in err
        gc.collect()
        assert dump(site_with_admin) == before  # no failed-login count, no audit line


def test_a_read_only_database_in_the_window_logs_in_and_shows_its_state(site_with_admin: Path,
                                                                        qtbot, runner):
    from posko_desktop.ui.main_window import MainWindow

    i18n.set_language("id")  # the fixture's CLI runs were in English
    with unwritable(site_with_admin):
        before = dump(site_with_admin)
        ctx = startup.open_context(str(site_with_admin))
        try:
            result = accounts.login(ctx, "kepala", PASSWORD)
            window = MainWindow(ctx.as_actor(result.actor), runner)
            qtbot.addWidget(window)
            window.show()
            label = window.backup_controls.state_label
            qtbot.waitUntil(lambda: label.isVisible(), timeout=5000)
            assert label.text() == "HANYA BACA — hanya untuk dilihat"
            runner.wait(10_000)
            window.close()
        finally:
            ctx.db.dispose()
        assert dump(site_with_admin) == before


# --- 0 bytes and missing ----------------------------------------------------------------


def test_a_zero_byte_file_is_refused_and_left_as_it_is(tmp_path: Path, capsys):
    path = tmp_path / "posko.sqlite3"
    path.write_bytes(b"")
    code, _out, err = run(capsys, "--db", str(path), "incident", "list")
    assert code == 2
    assert "is empty (0 bytes)" in err and "posko restore" in err
    assert path.stat().st_size == 0
    with pytest.raises(health.DatabaseEmpty):
        startup.open_context(str(path))
    assert path.stat().st_size == 0
    assert run(capsys, "--db", str(path), "init", "--site", "33", "--site-name", "Baru")[0] == 0
    assert path.stat().st_size > 0  # only posko init makes a new database of it


def test_a_missing_file_is_not_created_except_by_init(tmp_path: Path, capsys):
    path = tmp_path / "tidak-ada" / "posko.sqlite3"
    for argv in (("incident", "list"), ("stats", "--by", "regency"), ADD + ("--title", "x")):
        code, _out, err = run(capsys, "--db", str(path), *argv)
        assert code == 2 and "There is no database at" in err
    assert not path.exists() and not path.parent.exists()
    assert run(capsys, "--db", str(path), "init", "--site", "33", "--site-name", "Baru")[0] == 0
    assert path.exists()

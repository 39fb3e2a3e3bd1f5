"""Finding 5 of issue 12: real damage is noticed.

Damaged copies are made here, deterministically: a page's header overwritten (an index, a
table, the audit trail), a page zeroed, the file cut in half, cut to 0 bytes, the schema
page broken. Before, the CLI's list, stats, add and `audit verify` exited 0 on several of
them (the damage sat in pages those commands do not read) and a 0-byte file silently
became a new, empty log without any login. Now every command refuses a damaged database
before reading or writing it (quick check; docs/decisions.md has the rule and its cost),
`posko check` says what is wrong, and the window finds it in the background, stops
writing and offers the newest backup.
"""

from __future__ import annotations

import gc
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from posko_desktop.core import i18n
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.db.session import open_database
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentInput
from posko_desktop.core.timeutil import parse_wib
from tests.conftest import ADMIN

from .helpers import ADD, checkpoint, dump, overwrite_page, page_size, root_page, run, sql

BAD_PAGE_HEADER = b"\x00\xff\xff\xff\xff\xff\xff\xff"  # page type 0: not a b-tree page


@pytest.fixture(scope="module")
def sound(tmp_path_factory, template_db: Path) -> Path:
    """A site with 300 demo incidents, checkpointed into one file."""
    path = tmp_path_factory.mktemp("sound") / "posko.sqlite3"
    shutil.copy(template_db, path)
    from posko_desktop.cli import main

    assert main(["--db", str(path), "init", "--site", "33", "--site-name", "P"]) == 0
    gc.collect()  # the load runs with a rollback journal only when it has the file alone
    assert main(["--db", str(path), "demo-data", "--allow-live-database", "--incidents", "300", "--days", "30",
                 "--end-date", "2024-11-30", "--seed", "7"]) == 0
    gc.collect()
    checkpoint(path)
    return path


def _index_header(path: Path) -> None:
    overwrite_page(path, root_page(path, "ix_followup_incident_id"), BAD_PAGE_HEADER)


def _table_header(path: Path) -> None:
    overwrite_page(path, root_page(path, "followup"), BAD_PAGE_HEADER)


def _audit_header(path: Path) -> None:
    overwrite_page(path, root_page(path, "audit_log"), BAD_PAGE_HEADER)


def _zero_page(path: Path) -> None:
    overwrite_page(path, root_page(path, "incident"), bytes(page_size(path)))


def _cut_in_half(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.truncate((size // page_size(path) // 2) * page_size(path))


DAMAGE = {"index page": _index_header, "follow-up table page": _table_header,
          "audit page": _audit_header, "zeroed incident page": _zero_page,
          "cut in half": _cut_in_half}


@pytest.fixture(params=sorted(DAMAGE))
def damaged(request, sound: Path, tmp_path: Path) -> Path:
    path = tmp_path / "posko.sqlite3"
    shutil.copy(sound, path)
    DAMAGE[request.param](path)
    assert quick_check(path) != [("ok",)]  # SQLite itself calls the copy corrupt
    return path


def quick_check(path: Path) -> list[tuple]:
    try:
        return sql(path, "PRAGMA quick_check")
    except sqlite3.DatabaseError as err:
        return [(str(err),)]


COMMANDS = {
    "list": ("incident", "list", "--format", "json"),
    "stats": ("stats", "--by", "regency"),
    "add": ADD + ("--title", "Laporan baru"),
    "audit verify": ("audit", "verify"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_commands_refuse_a_damaged_database_and_change_nothing(damaged: Path, capsys,
                                                               command: str):
    before = damaged.read_bytes()
    code, out, err = run(capsys, "--db", str(damaged), *COMMANDS[command])
    assert code == 2, out
    assert "is damaged" in err and "posko restore" in err
    gc.collect()
    assert damaged.read_bytes() == before


def test_posko_check_names_the_damage(damaged: Path, capsys):
    code, out, err = run(capsys, "--db", str(damaged), "check", "--full", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False and data["full"] is True and data["problems"]


def test_posko_check_passes_a_sound_database(sound: Path, tmp_path: Path, capsys):
    path = tmp_path / "posko.sqlite3"
    shutil.copy(sound, path)
    for args in ((), ("--full",)):
        code, out, _err = run(capsys, "--db", str(path), "check", *args)
        assert code == 0 and "sound" in out


def test_a_zero_byte_file_never_becomes_a_new_log_without_login(sound: Path, tmp_path: Path,
                                                                capsys):
    path = tmp_path / "posko.sqlite3"
    path.write_bytes(b"")
    for argv in COMMANDS.values():
        code, _out, err = run(capsys, "--db", str(path), *argv)
        assert code == 2 and "is empty (0 bytes)" in err
    assert path.stat().st_size == 0


def test_after_damage_is_found_every_write_is_refused(sound: Path, tmp_path: Path):
    """A service write after a failed check: refused before SQLite is asked."""
    damaged = tmp_path / "posko.sqlite3"
    shutil.copy(sound, damaged)
    _index_header(damaged)
    db = open_database(damaged)
    ctx = AppContext(db, ADMIN)
    try:
        assert not health.check_database(db).ok
        before = damaged.read_bytes()
        with pytest.raises(health.DatabaseDamaged):
            inc.create_incident(ctx, IncidentInput(
                regency_code="33.74", title="Tidak tersimpan", category_code="A1",
                severity="sedang", occurred_at=parse_wib("2024-11-26 20:30")))
    finally:
        db.dispose()
    assert damaged.read_bytes() == before


def test_the_window_finds_damage_in_the_background_stops_writing_and_offers_a_backup(
        sound: Path, tmp_path: Path, qtbot, runner, capsys):
    from posko_desktop.ui import backup as backup_ui
    from posko_desktop.ui.main_window import MainWindow

    path = tmp_path / "posko.sqlite3"
    shutil.copy(sound, path)
    assert run(capsys, "--db", str(path), "backup")[0] == 0  # a verified backup to offer
    gc.collect()
    checkpoint(path)
    _index_header(path)
    db = open_database(path)  # the damage is not on the pages opening reads
    ctx = AppContext(db, ADMIN)
    i18n.set_language("id")  # the CLI runs above were in English
    try:
        window = MainWindow(ctx, runner)
        qtbot.addWidget(window)
        window.show()
        auto = backup_ui.AutomaticBackups(window, window.backup_controls)
        auto.start_check()
        qtbot.waitUntil(lambda: getattr(window.backup_controls, "damage_box", None) is not None,
                        timeout=10_000)
        box = window.backup_controls.damage_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert "rusak" in box.text() and "damaged" in box.text()
        assert "Cadangan terverifikasi terbaru" in box.text()
        assert any(b.text() == "Pulihkan cadangan…" for b in box.buttons())
        assert window.backup_controls.state_label.isVisible()
        before = dump(path)
        with pytest.raises(health.DatabaseDamaged):
            inc.create_incident(ctx, IncidentInput(
                regency_code="33.74", title="Tidak tersimpan", category_code="A1",
                severity="sedang", occurred_at=parse_wib("2024-11-26 20:30")))
        assert dump(path) == before
        box.close()
        runner.wait(10_000)
        auto.close_done = True
        window.close()
    finally:
        db.dispose()

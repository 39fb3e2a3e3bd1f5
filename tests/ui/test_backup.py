"""Backups in the window: File → Cadangkan sekarang / Pulihkan… / Periksa basis data, the
age of the newest backup in the status bar (a warning past the interval), automatic
backups (interval, at close), the restore flow, and the start-up rescue of a database
that is missing or empty. Modal dialogs are answered by stubs (`ask`)."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from posko_desktop.core.backup import manifest as mf
from posko_desktop.core.services import backup as backups
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.ui import startup
from posko_desktop.ui.backup.restore import restore_flow, start_up_rescue
from tests.conftest import ADMIN

from .conftest import add, status_messages


def clicker(text: str):
    """Answer a message box by clicking the button with this text (or Yes)."""

    def ask(box: QMessageBox) -> int:
        for button in box.buttons():
            if button.text() == text:
                button.click()
                return 0
        box.button(QMessageBox.StandardButton.Yes).click()
        return 0

    return ask


def folder_of(db_path: Path) -> Path:
    return db_path.parent / "backups"


def test_the_file_menu_has_backup_restore_and_check(window):
    texts = [a.text() for a in window.file_menu.actions()]
    for text in ("&Cadangkan sekarang", "Pulihkan…", "Periksa basis data"):
        assert text in texts
    assert texts.index("&Cadangkan sekarang") < texts.index("&Keluar")


def test_back_up_now_runs_with_progress_and_the_status_bar_shows_its_age(window, qtbot,
                                                                         db_path):
    label = window.backup_controls.age_label
    qtbot.waitUntil(lambda: label.text() == "⚠ Belum ada cadangan", timeout=5000)
    shown = status_messages(window)
    window.backup_controls.backup_action.trigger()
    qtbot.waitUntil(lambda: len(backups.list_backups(folder_of(db_path))) == 1, timeout=20_000)
    qtbot.waitUntil(lambda: label.text() == "Cadangan terbaru: 0 menit lalu", timeout=10_000)
    assert "⚠" not in label.text()
    made = backups.list_backups(folder_of(db_path))[0]
    assert made.manifest.kind == mf.MANUAL and made.manifest.verified
    assert any(m.startswith("Cadangan ditulis: ") for m in shown), shown


def test_the_status_bar_warns_when_the_newest_backup_is_older_than_the_interval(ctx, window,
                                                                                qtbot):
    backups.create_backup(ctx)
    controls = window.backup_controls
    controls.refresh()
    qtbot.waitUntil(lambda: controls.status is not None and controls.status.newest is not None,
                    timeout=10_000)
    now = ctx.now()
    ctx.clock = lambda: now + timedelta(hours=2)
    controls.show_age()
    assert controls.age_label.text() == "⚠ Cadangan terbaru: 2 jam lalu"
    assert "60 menit" in controls.age_label.toolTip()


def test_automatic_backup_every_interval_and_at_close(ctx, make_window, qtbot, db_path):
    window = make_window()
    add(ctx, "Perlu dicadangkan")
    auto = window.start_automatic_backups()
    auto.timer.stop()
    auto.scheduled()  # what the interval timer does
    qtbot.waitUntil(lambda: len(backups.list_backups(folder_of(db_path))) == 1, timeout=20_000)
    add(ctx, "Berubah lagi")
    window.close()
    qtbot.waitUntil(lambda: auto.close_done and not window.isVisible(), timeout=20_000)
    kinds = [b.manifest.kind for b in backups.list_backups(folder_of(db_path))]
    assert kinds == [mf.CLOSE]  # the newest of each hour is kept: it replaced the hour's auto


def test_nothing_changed_means_no_backup_at_close(ctx, make_window, qtbot, db_path):
    window = make_window()
    backups.create_backup(ctx)
    auto = window.start_automatic_backups()
    window.close()
    qtbot.waitUntil(lambda: auto.close_done and not window.isVisible(), timeout=20_000)
    assert [b.manifest.kind for b in backups.list_backups(folder_of(db_path))] == [mf.MANUAL]


def test_restore_from_the_window_puts_the_backup_back(ctx, window, qtbot, db_path):
    add(ctx, "Sebelum cadangan")
    made = backups.create_backup(ctx)
    add(ctx, "Setelah cadangan")
    assert inc.count_incidents(ctx, IncidentFilter()) == 2
    result = restore_flow(window, str(db_path), folder_of(db_path), actor=ADMIN, live_ctx=ctx,
                          file=made.file, ask=clicker("Pulihkan"))
    assert result is not None and result.pre_restore is not None
    assert inc.count_incidents(ctx, IncidentFilter()) == 1
    assert [b.manifest.kind for b in backups.list_backups(folder_of(db_path))] == [
        mf.PRE_RESTORE, mf.MANUAL]


def test_restore_cancelled_at_the_confirmation_changes_nothing(ctx, window, db_path):
    made = backups.create_backup(ctx)
    add(ctx, "Setelah cadangan")

    def cancel(box: QMessageBox) -> int:
        box.button(QMessageBox.StandardButton.Cancel).click()
        return 0

    assert restore_flow(window, str(db_path), folder_of(db_path), actor=ADMIN, live_ctx=ctx,
                        file=made.file, ask=cancel) is None
    assert inc.count_incidents(ctx, IncidentFilter()) == 1
    assert not list(db_path.parent.glob(".posko-restore-*"))


# --- start-up -------------------------------------------------------------------------------


def test_a_missing_database_without_backups_is_a_first_start(tmp_path: Path, qapp):
    path = tmp_path / "baru" / "posko.sqlite3"
    ctx = startup.open_or_rescue(str(path), tmp_path / "backups",
                                 rescue=lambda *_a: pytest.fail("no rescue on a first start"))
    try:
        assert ctx is not None and path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        if ctx is not None:
            ctx.db.dispose()


def test_a_missing_database_with_backups_asks_and_quitting_creates_nothing(ctx, db, db_path,
                                                                           qapp):
    backups.create_backup(ctx)
    db.dispose()
    db_path.unlink()
    asked = []
    opened = startup.open_or_rescue(str(db_path), folder_of(db_path),
                                    rescue=lambda loc, err, folder: asked.append(err) or False)
    assert opened is None and not db_path.exists()
    assert "There is no database" in asked[0].text_in("en")


def emptied_after_a_backup(ctx, db, db_path: Path, button: str):
    """Back up, empty the file (0 bytes), start up, answer the rescue box with `button`."""
    backups.create_backup(ctx)
    db.dispose()
    db_path.write_bytes(b"")
    return startup.open_or_rescue(
        str(db_path), folder_of(db_path),
        rescue=lambda loc, err, folder: start_up_rescue(loc, err, folder, ask=clicker(button)))


def test_start_up_rescue_restores_the_newest_backup_of_an_empty_database(ctx, db, db_path,
                                                                         qapp):
    add(ctx, "Tersimpan di cadangan")
    opened = emptied_after_a_backup(ctx, db, db_path, "Pulihkan cadangan terbaru")
    assert opened is not None
    try:
        assert inc.count_incidents(opened, IncidentFilter()) == 1
    finally:
        opened.db.dispose()


def test_start_up_rescue_can_start_a_new_database_instead(ctx, db, db_path, qapp):
    opened = emptied_after_a_backup(ctx, db, db_path, "Mulai basis data baru yang kosong")
    assert opened is not None
    try:
        assert opened.db.file == db_path and db_path.stat().st_size > 0
        assert inc.count_incidents(opened.as_actor(ADMIN), IncidentFilter()) == 0
    finally:
        opened.db.dispose()

"""Backups and the database's health in the window.

`BackupControls` (the main window owns one and puts its `actions` into its File menu):
File → *Cadangkan sekarang* (back up now), *Pulihkan…* (restore), *Periksa basis data*
(full check), and two status-bar labels: the age of the newest backup (a warning when it is
older than the interval, or there is none) and the database's state when writes are
refused (read-only, damaged).

`AutomaticBackups` (`MainWindow.start_automatic_backups()`, called by `app.py` only, so
window tests do not back up on close): the quick check in the background after the log has
painted, the full check or a backup every `backup.interval_minutes`, and a backup when the
window closes (if anything changed). All work runs on the window's TaskRunner.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox
from shiboken6 import isValid

from posko_desktop.core import i18n
from posko_desktop.core.backup.manifest import AUTO, CLOSE, MANUAL
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _, ngettext
from posko_desktop.core.progress import Cancelled, Progress
from posko_desktop.core.services import backup as backups
from posko_desktop.paths import AppPaths
from posko_desktop.ui.backup.progress import run_with_progress
from posko_desktop.ui.backup.restore import restore_flow
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tasks import Task

if TYPE_CHECKING:
    from posko_desktop.ui.main_window import MainWindow

logger = logging.getLogger(__name__)

START_CHECK_DELAY_MS = 2000
WARNING_STYLE = "color: #b00020; font-weight: bold;"


def fallback_folder() -> Path:
    """Server mode's backup folder when `backup.folder` is not set."""
    return AppPaths.default().data_dir / "backups"


def age_text(minutes: int) -> str:
    if minutes < 60:
        return ngettext("{n} minute ago", "{n} minutes ago", minutes).format(n=minutes)
    if minutes < 48 * 60:
        hours = minutes // 60
        return ngettext("{n} hour ago", "{n} hours ago", hours).format(n=hours)
    days = minutes // (24 * 60)
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


class BackupControls(QObject):
    """The File menu entries (`actions`) and the status-bar labels (`labels`)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.status: backups.BackupStatus | None = None
        self.restored = False
        self.damage_box: QMessageBox | None = None
        self.backup_action = QAction(window)
        self.backup_action.setObjectName("action_backup_now")
        self.backup_action.triggered.connect(self.backup_now)
        self.restore_action = QAction(window)
        self.restore_action.setObjectName("action_restore")
        self.restore_action.triggered.connect(self.restore)
        self.check_action = QAction(window)
        self.check_action.setObjectName("action_check_database")
        self.check_action.triggered.connect(self.check_now)
        self.age_label = QLabel(window)
        self.age_label.setObjectName("status_backup")
        self.state_label = QLabel(window)
        self.state_label.setObjectName("status_db_state")
        self.state_label.setStyleSheet(WARNING_STYLE)
        for label in self.labels:
            label.setContentsMargins(8, 0, 8, 0)
        self._tick = QTimer(self)
        self._tick.setInterval(60_000)
        self._tick.timeout.connect(self.show_age)
        self._tick.start()
        window.events.changed.connect(self._on_change)
        i18n.on_language_changed(lambda _lang: self.retranslate_ui())
        self.retranslate_ui()
        self.refresh()

    @property
    def actions(self) -> list[QAction]:
        return [self.backup_action, self.restore_action, self.check_action]

    @property
    def labels(self) -> list[QLabel]:
        return [self.state_label, self.age_label]

    @property
    def ctx(self) -> AppContext:
        return self.window.ctx

    def retranslate_ui(self) -> None:
        if not isValid(self.age_label):
            return
        self.backup_action.setText(_("&Back up now"))
        self.restore_action.setText(_("Restore…"))
        self.check_action.setText(_("Check the database"))
        self.show_age()
        self.show_state()

    # --- status bar --------------------------------------------------------------------

    def refresh(self) -> None:
        self.window.runner.run(backups.backup_status, self.ctx, fallback_folder(),
                               on_done=self._on_status, on_error=self._status_failed)

    def _on_status(self, status: backups.BackupStatus) -> None:
        self.status = status
        if isValid(self.age_label):
            self.show_age()

    def _status_failed(self, err: BaseException) -> None:
        logger.warning("Backup status unknown: %s", err)

    def show_age(self) -> None:
        status = self.status
        if status is None or not isValid(self.age_label):
            return
        interval = status.settings.interval_minutes
        if status.newest is None:
            self.age_label.setText(_("⚠ No backup yet"))
            self.age_label.setStyleSheet(WARNING_STYLE)
            self.age_label.setToolTip(_("Back up now: File → Back up now"))
            return
        minutes = max(0, int((self.ctx.now() - status.newest.created).total_seconds() // 60))
        stale = interval > 0 and minutes > interval
        text = _("Newest backup: {age}").format(age=age_text(minutes))
        self.age_label.setText("⚠ " + text if stale else text)
        self.age_label.setStyleSheet(WARNING_STYLE if stale else "")
        tip = str(status.newest.file)
        if stale:
            tip = _("Older than the backup interval ({n} minutes): back up now.").format(
                n=interval) + "\n" + tip
        self.age_label.setToolTip(tip)

    def show_state(self) -> None:
        err = self.ctx.db.writes_refused
        if err is None:
            self.state_label.hide()
            return
        if isinstance(err, health.DatabaseDamaged):
            self.state_label.setText(_("DAMAGED — nothing is saved"))
        else:
            self.state_label.setText(_("READ-ONLY — view only"))
        self.state_label.setToolTip(err.text())
        self.state_label.show()

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.BACKUP:
            self.refresh()

    # --- commands ------------------------------------------------------------------------

    def backup_now(self) -> None:
        run_with_progress(self.window, self.window.runner, _("Back up now"),
                          _("Copying the database…"), backups.create_backup, self.ctx,
                          kind=MANUAL, on_done=self._backed_up, on_error=self._failed)

    def _backed_up(self, info: backups.BackupInfo) -> None:
        self.window.status_message(_("Backup written: {path}").format(path=info.file))

    def _failed(self, err: BaseException) -> None:
        if isinstance(err, Cancelled):
            return
        if isinstance(err, health.DatabaseDamaged):
            self.on_damage(err)
            return
        show_error(self.window, err)

    def check_now(self) -> None:
        run_with_progress(self.window, self.window.runner, _("Check the database"),
                          _("Checking the database…"), _full_check, self.ctx,
                          on_done=self._checked, on_error=self._failed, cancellable=False)

    def _checked(self, result: health.CheckResult) -> None:
        if result.ok:
            self.window.status_message(_("The database is sound (integrity_check: ok)"))
        else:
            self.on_damage(health.damaged(self.ctx.db.display_location, result.summary))

    def on_damage(self, err: PoskoError) -> QMessageBox:
        """Writes are refused already (`Database.refuse_writes`): say so, offer a restore."""
        self.show_state()
        if self.status is None:  # the check finished before the status bar's first read
            try:
                self.status = backups.backup_status(self.ctx, fallback_folder())
            except (PoskoError, OSError) as status_err:
                logger.warning("Backup status unknown at damage: %s", status_err)
        newest = self.status.newest if self.status else None
        text = "{id}\n\n{en}".format(id=err.text_in("id"), en=err.text_in("en"))
        if newest is not None:
            text += "\n\n" + _("Newest verified backup: {file}").format(file=newest.file.name)
        box = QMessageBox(QMessageBox.Icon.Critical, _("The database is damaged"), text,
                          QMessageBox.StandardButton.Close, self.window)
        box.setObjectName("damage_box")
        restore = box.addButton(_("Restore a backup…"), QMessageBox.ButtonRole.AcceptRole)
        box.buttonClicked.connect(lambda b: self.restore() if b is restore else None)
        box.open()
        self.damage_box = box
        return box

    def restore(self) -> None:
        status = self.status
        folder = (status.settings.folder if status else None) or backups.default_folder(
            self.ctx, fallback_folder()) or fallback_folder()
        result = restore_flow(self.window, self.ctx.db.url if not self.ctx.db.file
                              else str(self.ctx.db.file), folder, actor=self.ctx.actor,
                              live_ctx=self.ctx)
        if result is None:
            return
        self.restored = True
        QMessageBox.information(
            self.window, _("Restore a backup"),
            _("The backup was restored ({n} incidents). Posko Desk closes now; start it "
              "again to work with the restored database.").format(n=result.incidents))
        self.window.runner.wait(30_000)
        self.window.close()


def _full_check(ctx: AppContext, progress: Progress | None = None) -> health.CheckResult:
    return backups.check_integrity(ctx, full=True)


class AutomaticBackups(QObject):
    """The start-up check, the interval backups and the backup at close."""

    def __init__(self, window: MainWindow, controls: BackupControls) -> None:
        super().__init__(window)
        self.window = window
        self.controls = controls
        self.close_done = False
        self.close_task: Task | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.scheduled)
        window.installEventFilter(self)

    def start(self) -> None:
        QTimer.singleShot(START_CHECK_DELAY_MS, self, self.start_check)
        self.window.runner.run(backups.backup_settings, self.window.ctx, fallback_folder(),
                               on_done=self._schedule)
        if self.window.ctx.db.writes_refused is not None:
            show_error(self.window, self.window.ctx.db.writes_refused,
                       title=_("Read-only database"))

    def _schedule(self, conf: backups.BackupSettings) -> None:
        if conf.interval_minutes > 0 and isValid(self):
            self.timer.start(conf.interval_minutes * 60_000)

    def start_check(self) -> None:
        if not isValid(self.window):
            return
        self.window.runner.run(backups.check_integrity, self.window.ctx,
                               on_done=self._checked, on_error=self.controls._failed)

    def _checked(self, result: health.CheckResult) -> None:
        if not result.ok and isValid(self.window):
            self.controls.on_damage(health.damaged(self.window.ctx.db.display_location,
                                                   result.summary))

    def scheduled(self) -> None:
        if self.controls.restored or isinstance(self.window.ctx.db.writes_refused,
                                                health.DatabaseDamaged):
            return
        self.window.runner.run(backups.auto_backup, self.window.ctx, kind=AUTO,
                               on_done=self._auto_done, on_error=self._auto_failed)

    def _auto_done(self, info: backups.BackupInfo | None) -> None:
        if info is not None and isValid(self.window):
            self.window.status_message(_("Automatic backup written: {path}").format(
                path=info.file))

    def _auto_failed(self, err: BaseException) -> None:
        if isinstance(err, health.DatabaseDamaged):
            self.controls.on_damage(err)
        elif isinstance(err, PoskoError) and isValid(self.window):
            logger.warning("Automatic backup failed: %s", err.text_in("en"))
            self.window.status_message(_("Automatic backup failed: {error}").format(
                error=err.text()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            return self._before_close(event)
        return False

    def _before_close(self, event: QEvent) -> bool:
        if self.close_done or self.controls.restored:
            return False
        if self.close_task is not None:  # already backing up: wait for it
            event.ignore()
            return True
        conf = self.controls.status.settings if self.controls.status else None
        if (conf is not None and not conf.on_close) or self.window.ctx.db.read_only:
            return False
        event.ignore()
        self.timer.stop()
        self.close_task = run_with_progress(
            self.window, self.window.runner, _("Closing"), _("Backing up before closing…"),
            backups.auto_backup, self.window.ctx, kind=CLOSE, check_when_unchanged=False,
            on_done=self._closed, on_error=self._closed, min_duration_ms=700)
        return True

    def _closed(self, _result: object) -> None:
        if isinstance(_result, PoskoError) and not isinstance(_result, Cancelled):
            logger.warning("Backup at close failed: %s", _result.text_in("en"))
        self.close_done = True
        self.close_task = None
        if isValid(self.window):
            QTimer.singleShot(0, self.window, self.window.close)

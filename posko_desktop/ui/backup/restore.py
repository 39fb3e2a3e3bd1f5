"""Restore in the window and at start-up: pick a backup, verify it (off the GUI thread),
confirm with what it holds (and a second, explicit choice for another site's backup),
an administrator's login when needed, then the restore with progress.

At start-up (`start_up_rescue`) the same steps run before any window exists, for a
database that is missing, empty or damaged.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.domain import Actor, DatabaseVersionError, PoskoError
from posko_desktop.core.i18n import _
from posko_desktop.core.services import accounts
from posko_desktop.core.services import backup as backups
from posko_desktop.core.services import restore as svc
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.textrules import format_datetime_wib, format_int
from posko_desktop.core.timeutil import utcnow
from posko_desktop.ui.accounts.dialogs import LoginDialog
from posko_desktop.ui.backup.progress import run_blocking
from posko_desktop.ui.errors import show_error

logger = logging.getLogger(__name__)

# Tests answer the dialogs through these hooks (modal dialogs are stubbed in tests).
Ask = Callable[[QMessageBox], int]


def _exec(box: QMessageBox) -> int:
    return box.exec()


class BackupPicker(QDialog):
    """The backups of the folder, newest first, and "Other file…"."""

    def __init__(self, folder: Path, site: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backup_picker")
        self.setWindowTitle(_("Restore a backup"))
        self.setMinimumWidth(640)
        self.chosen: Path | None = None
        intro = QLabel(_("Backups in {folder} (newest first). The current database is kept "
                         "as a pre-restore copy.").format(folder=folder), self)
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("backup_list")
        for b in backups.list_backups(folder, site):
            m = b.manifest
            text = "{when}  ·  {kind}  ·  {n} {label}  ·  {check}  ·  {file}".format(
                when=format_datetime_wib(m.created), kind=m.kind, n=format_int(m.incidents),
                label=_("incidents"), check=m.check, file=b.file.name)
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, str(b.file))
        if self.list.count():
            self.list.setCurrentRow(0)
        self.other = QPushButton(_("Other file…"), self)
        self.other.clicked.connect(self._other)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(self.other)
        layout.addWidget(buttons)
        self._folder = folder

    def _other(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Restore a backup"), str(self._folder),
            _("Posko Desk backups (*.sqlite3 *.dump *.bak);;All files (*)"))
        if path:
            self.chosen = Path(path)
            super().accept()

    def accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = Path(item.data(Qt.ItemDataRole.UserRole))
        super().accept()


def confirm_text(prepared: svc.PreparedRestore) -> str:
    m = prepared.manifest
    lines = [_("Restore {file}?").format(file=prepared.backup_file.name),
             _("Made: {when} · site {site} ({name}) · {n} incidents").format(
                 when=format_datetime_wib(m.created) if m else "?", site=prepared.site_code or "?",
                 name=prepared.site_name, n=format_int(prepared.incidents)),
             _("Everything recorded after that backup is replaced; the current database is "
               "kept as a pre-restore copy in {folder}.").format(folder=prepared.folder)]
    if prepared.other_site or not prepared.site_code:
        lines.append(_("WARNING: this backup is of site {backup_site}, this database is site "
                       "{site}. Restore it only if this computer is to take over that "
                       "site.").format(backup_site=prepared.site_code or "?",
                                       site=prepared.live_site or "?"))
    return "\n\n".join(lines)


def restore_flow(parent: QWidget | None, location: str, folder: Path, *,
                 actor: Actor | None, live_ctx: AppContext | None,
                 file: Path | None = None, ask: Ask = _exec) -> svc.RestoreResult | None:
    """The whole restore; None when the user stops. `actor` is the logged-in user (if
    any); without the restore permission an administrator logs in (to the current
    database when `live_ctx` is given, else to the backup). The caller closes its own
    database connections afterwards and restarts."""
    if file is None:
        picker = BackupPicker(folder, None, parent)
        if picker.exec() != QDialog.DialogCode.Accepted or picker.chosen is None:
            return None
        file = picker.chosen
    try:
        prepared = run_blocking(parent, _("Restore a backup"), _("Verifying the backup…"),
                                svc.prepare_restore, location, file, folder=folder)
    except PoskoError as err:
        _error_box(parent, err, ask)
        return None
    try:
        box = QMessageBox(QMessageBox.Icon.Question, _("Restore a backup"),
                          confirm_text(prepared),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          parent)
        box.setObjectName("restore_confirm")
        force = prepared.other_site or not prepared.site_code
        box.button(QMessageBox.StandardButton.Yes).setText(
            _("Restore anyway") if force else _("Restore"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        ask(box)
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
            return None
        who = actor if actor is not None and can(actor, Permission.BACKUP_RESTORE) else \
            _admin_login(parent, prepared, live_ctx)
        if who is None:
            return None
        try:
            result = run_blocking(parent, _("Restore a backup"), _("Restoring…"),
                                  svc.apply_restore, prepared, who,
                                  now=live_ctx.now() if live_ctx else utcnow(), force=force)
        except PoskoError as err:
            _error_box(parent, err, ask)
            return None
    finally:
        prepared.discard()
    return result


def _admin_login(parent: QWidget | None, prepared: svc.PreparedRestore,
                 live_ctx: AppContext | None) -> Actor | None:
    ctx = live_ctx or svc.login_context(prepared)
    if ctx is None:
        return None
    try:
        if not accounts.has_accounts(ctx):  # set-up not finished: the OS user, as the CLI
            name = getpass.getuser()
            return Actor(name, "admin", name)
        dialog = LoginDialog(ctx, parent)
        dialog.intro.setText(_("Restoring needs an administrator: log in as one."))
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_login is None:
            return None
        actor = dialog.result_login.actor
    finally:
        if live_ctx is None:
            ctx.db.dispose()
    if not can(actor, Permission.BACKUP_RESTORE):
        show_error(parent, PoskoError(_("Only an administrator may restore a backup")))
        return None
    return actor


def _error_box(parent: QWidget | None, err: PoskoError, ask: Ask) -> None:
    text = "{id}\n\n{en}".format(id=err.text_in("id"), en=err.text_in("en"))
    box = QMessageBox(QMessageBox.Icon.Warning, _("Restore a backup"), text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("restore_error")
    ask(box)


def start_up_rescue(location: str, err: PoskoError, folder: Path,
                    ask: Ask = _exec) -> bool:
    """The database cannot be opened (missing while backups exist, empty, damaged): say so
    in both languages and offer the newest verified backup, another backup, or (for a
    missing or empty file) a new database. True: something was restored or the user chose
    a new database; False: quit."""
    newest = backups.newest_backup(folder)
    text = "{id}\n\n{en}".format(id=err.text_in("id"), en=err.text_in("en"))
    if newest is not None:
        text += "\n\n" + _("Newest verified backup: {file} ({when}, {n} incidents).").format(
            file=newest.file.name, when=format_datetime_wib(newest.created),
            n=format_int(newest.manifest.incidents))
    box = QMessageBox(QMessageBox.Icon.Critical, _("Database not opened"), text,
                      QMessageBox.StandardButton.Close)
    box.setObjectName("rescue_box")
    restore_newest = box.addButton(_("Restore the newest backup"),
                                   QMessageBox.ButtonRole.AcceptRole) if newest else None
    box.addButton(_("Choose a backup…"), QMessageBox.ButtonRole.ActionRole)
    create = box.addButton(_("Start a new, empty database"), QMessageBox.ButtonRole.ResetRole) \
        if isinstance(err, health.DatabaseMissing | health.DatabaseEmpty) else None
    ask(box)
    clicked = box.clickedButton()
    if clicked is None or clicked == box.button(QMessageBox.StandardButton.Close):
        return False
    if clicked is create:
        return True
    file = newest.file if clicked is restore_newest and newest else None
    try:
        result = restore_flow(None, location, folder, actor=None, live_ctx=None, file=file,
                              ask=ask)
    except (PoskoError, DatabaseVersionError) as error:
        show_error(None, error)
        return False
    return result is not None

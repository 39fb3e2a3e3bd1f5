"""Start-up steps of the window, kept out of app.py so tests can run them one by one."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from posko_desktop.core import appinfo, i18n
from posko_desktop.core.context import AppContext
from posko_desktop.core.db import health
from posko_desktop.core.db.session import sqlite_file_of
from posko_desktop.core.domain import Actor, PoskoError
from posko_desktop.core.i18n import N_
from posko_desktop.core.keyring import Keyring
from posko_desktop.core.services import backup as backups
from posko_desktop.core.services import reference
from posko_desktop.core.services import user_language as user_language_service
from posko_desktop.paths import AppPaths
from posko_desktop.ui.dialogs.about import app_icon
from posko_desktop.ui.dialogs.first_run import FirstRunDialog
from posko_desktop.ui.errors import install_exception_hook
from posko_desktop.ui.fonts import setup_fonts
from posko_desktop.ui.main_window import MainWindow
from posko_desktop.ui.qt_translate import CatalogueTranslator
from posko_desktop.ui.tasks import TaskRunner
from posko_desktop.ui.upgrade import DatabaseOpener

logger = logging.getLogger(__name__)

_translator: CatalogueTranslator | None = None
DESKTOP_FILE = "posko-desk"  # installer/debian: /usr/share/applications/posko-desk.desktop


def setup_application(app: QApplication, log_file: Path) -> None:
    """Fonts, the icon, Qt's own strings through our catalogue, the exception hook."""
    global _translator
    setup_fonts(app)
    apply_identity(app)
    if _translator is None:
        _translator = CatalogueTranslator(app)
        QCoreApplication.installTranslator(_translator)
    install_exception_hook(log_file)


def apply_identity(app: QApplication) -> None:
    """The icon of every window, the version, and the desktop entry's name."""
    app.setWindowIcon(app_icon())
    app.setApplicationVersion(appinfo.app_info().version)
    app.setDesktopFileName(DESKTOP_FILE)  # Wayland/X11 match the window to its .desktop entry


def open_context(location: str, create: bool = False) -> AppContext:
    """Open (migrate) the database. A newer schema raises DatabaseVersionError untouched;
    a missing, empty or damaged file raises the `health` error (see `open_or_rescue`).
    Until accounts exist the app acts as the operating-system user with the admin role.
    The opening (backup and migration after an upgrade) runs off the GUI thread with a
    progress dialog when it takes more than a second (`ui/upgrade.py`)."""
    db = DatabaseOpener().open(location, create=create)
    name = getpass.getuser()
    # the site key unwrapped at login stays in this keyring for the window's session
    keyring = Keyring(legacy_dir=AppPaths.default().keys_dir)
    return AppContext(db, Actor(name, "admin", name), keyring=keyring)


def open_or_rescue(location: str, backup_folder: Path,
                   rescue: Callable[[str, PoskoError, Path], bool] | None = None
                   ) -> AppContext | None:
    """Open the database; when there is none, or it is empty or damaged, never replace it
    silently: a missing file with no backups around is a first start (the set-up wizard
    follows and creates it); otherwise the rescue dialog offers the newest verified
    backup, another backup or (missing/empty) a new database. None: the user quits."""
    from posko_desktop.ui.backup.restore import start_up_rescue  # rare path

    rescue = rescue or start_up_rescue
    folder = backup_folder
    for _attempt in range(3):
        try:
            return open_context(location)
        except health.DatabaseMissing as err:
            folder = _folder_for(location, backup_folder)
            if not backups.list_backups(folder):
                logger.info("No database at %s and no backups: first start", location)
                return open_context(location, create=True)
            error: PoskoError = err
        except (health.DatabaseEmpty, health.DatabaseDamaged) as err:
            folder = _folder_for(location, backup_folder)
            error = err
        logger.error("Database %s not opened: %s", location, error.text_in("en"))
        if not rescue(location, error, folder):
            return None
        if isinstance(error, health.DatabaseMissing | health.DatabaseEmpty) and \
                not _has_content(location):
            return open_context(location, create=True)  # the user chose a new database
    return None


def _folder_for(location: str, default: Path) -> Path:
    file = sqlite_file_of(location)
    return file.parent / "backups" if file is not None else default


def _has_content(location: str) -> bool:
    file = sqlite_file_of(location)
    return file is None or (file.exists() and file.stat().st_size > 0)


# the window's --lang: it overrides every other choice for the whole run (issue 19)
fixed_language: str | None = None


def user_language(ctx: AppContext) -> str:
    """The language of the window for the user of `ctx`: --lang, POSKO_LANG, the user's
    choice ("Akun saya"), the OS locale, Indonesian (`i18n.choose_language`)."""
    try:
        stored = user_language_service.stored_language(ctx)
    except PoskoError:  # a database that cannot be read yet: the others decide
        stored = None
    return i18n.choose_language(fixed_language, stored)


def apply_user_language(ctx: AppContext) -> None:
    i18n.set_language(user_language(ctx))


def fatal_box(title: str, err: BaseException, location: str = "") -> QMessageBox:
    """The message shown when the database cannot be opened: Indonesian and English for a
    refusal (e.g. a file made by a newer Posko Desk, which is left untouched)."""
    if isinstance(err, PoskoError):
        text = "{id}\n\n{en}".format(id=err.text_in("id"), en=err.text_in("en"))
    else:
        text = "{id}\n\n{en}".format(
            id=i18n.gettext_in("id", N_("The database {location} could not be opened: {error}")),
            en=i18n.gettext_in("en", N_("The database {location} could not be opened: {error}")),
        ).format(location=location, error=err)
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Close)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box


def fatal_dialog(title: str, err: BaseException, location: str = "") -> None:
    """Blocking: there is no window yet, and the app ends when it is closed."""
    fatal_box(title, err, location).exec()


def build_window(ctx: AppContext, first_run: bool = True) -> MainWindow | None:
    """The first-run dialog when the database has no site, then the window; after a first
    run the demo-data dialog is offered. None when the user cancels the first run."""
    offer_demo = False
    if reference.site_or_none(ctx) is None:
        if not first_run:
            raise PoskoError(N_("This database has no site yet"))
        dialog = FirstRunDialog(ctx)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            logger.info("First run cancelled")
            return None
        offer_demo = dialog.wants_demo
    runner = TaskRunner()
    window = MainWindow(ctx, runner)
    runner.setParent(window)
    if offer_demo:
        window.load_demo_data()
    return window

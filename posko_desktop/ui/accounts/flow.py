"""Who is at the keyboard, before the window opens (called by app.py):

- no account in the database → the set-up wizard (site + first administrator);
- accounts → the login dialog, then the forced password change after a reset.
Returns the context acting as the logged-in user, or None when the user gives up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from posko_desktop.core.context import AppContext
from posko_desktop.core.services import accounts
from posko_desktop.ui.accounts.dialogs import ChangePasswordDialog, LoginDialog
from posko_desktop.ui.accounts.idle_lock import install_idle_lock
from posko_desktop.ui.accounts.wizard import SetupWizard

if TYPE_CHECKING:
    from posko_desktop.ui.main_window import MainWindow

logger = logging.getLogger(__name__)


@dataclass
class SignIn:
    ctx: AppContext
    wants_demo: bool = False


def sign_in(ctx: AppContext, parent: QWidget | None = None) -> SignIn | None:
    if not accounts.has_accounts(ctx):
        wizard = SetupWizard(ctx, parent)
        if wizard.exec() != QDialog.DialogCode.Accepted or wizard.admin is None:
            logger.info("Set-up wizard cancelled")
            return None
        return SignIn(ctx.as_actor(wizard.admin.actor), wizard.wants_demo)
    dialog = LoginDialog(ctx, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_login is None:
        logger.info("Login cancelled")
        return None
    result = dialog.result_login
    user_ctx = ctx.as_actor(result.actor)
    if result.must_change_password:
        change = ChangePasswordDialog(user_ctx, parent, forced=True,
                                      old_password=dialog.password.text())
        if change.exec() != QDialog.DialogCode.Accepted:
            logger.info("Forced password change cancelled: not logged in")
            return None
    return SignIn(user_ctx)


def signed_in_context(ctx: AppContext) -> AppContext | None:
    """The login again (after "Keluar"): the context of whoever logs in, or None."""
    signed = sign_in(ctx)
    return signed.ctx if signed is not None else None


def open_user_window(ctx: AppContext) -> MainWindow:
    """The window of a logged-in user: idle lock and automatic backups as at start-up."""
    from posko_desktop.ui import startup  # the window module imports this package

    startup.apply_user_language(ctx)  # the new user's language (issue 19)
    window = startup.build_window(ctx, first_run=False)
    assert window is not None  # the site exists: accounts are made after it
    install_idle_lock(ctx, window)
    window.start_automatic_backups()
    return window

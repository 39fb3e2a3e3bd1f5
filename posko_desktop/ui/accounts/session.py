"""The account menu of the window: "Kunci layar" (lock now) and "Keluar" (log out).

Lock now covers every window like the idle lock does (the same `IdleLock`, so the password
unlocks it). Log out records auth.logout, forgets this user's site key, closes the window
and shows the login dialog; whoever logs in gets a new window built for their role, and
cancelling the login ends the app (`WindowSessions`, started by app.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenuBar

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import _
from posko_desktop.core.services import accounts
from posko_desktop.ui.accounts.idle_lock import IdleLock

if TYPE_CHECKING:
    from posko_desktop.ui.main_window import MainWindow

logger = logging.getLogger(__name__)


class SessionControls:
    """The "Account" menu; its actions are enabled for a logged-in user only."""

    def __init__(self, window: MainWindow, bar: QMenuBar) -> None:
        self.window = window
        self.menu = bar.addMenu("")
        self.menu.setObjectName("account_menu")
        self.lock_action = QAction(window)
        self.lock_action.setObjectName("lock_now")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_now)
        self.logout_action = QAction(window)
        self.logout_action.setObjectName("log_out")
        self.logout_action.triggered.connect(self.log_out)
        self.menu.addAction(self.lock_action)
        self.menu.addAction(self.logout_action)
        self.update_enabled()

    def retranslate_ui(self) -> None:
        self.menu.setTitle(_("&Account"))
        self.lock_action.setText(_("&Lock screen"))
        self.logout_action.setText(_("Log &out"))

    def update_enabled(self) -> None:
        try:
            signed_in = accounts.has_accounts(self.window.ctx)
        except PoskoError:
            signed_in = False
        self.lock_action.setEnabled(signed_in)
        self.logout_action.setEnabled(signed_in)

    def idle_lock(self) -> IdleLock | None:
        return self.window.findChild(IdleLock)

    def lock_now(self) -> bool:
        lock = self.idle_lock()
        if lock is None:
            return False
        lock.lock()
        return True

    def log_out(self) -> None:
        try:
            accounts.log_out(self.window.ctx)
        except PoskoError as err:  # a busy or read-only database: log out all the same
            logger.warning("Logout not recorded: %s", err.text_in("en"))
        self.window.logged_out.emit()


class WindowSessions(QObject):
    """One window at a time: after "Keluar" the login dialog, then a new window for the
    user who logs in (built by `open_window`), or the end of the app when nobody does."""

    def __init__(self, base: AppContext, open_window: Callable[[AppContext], MainWindow],
                 sign_in: Callable[[AppContext], AppContext | None]) -> None:
        super().__init__()
        self.base = base
        self.open_window = open_window
        self.sign_in = sign_in
        self.window: MainWindow | None = None

    def attach(self, window: MainWindow) -> None:
        self.window = window
        window.logged_out.connect(lambda: QTimer.singleShot(0, self, self.relogin))

    def relogin(self) -> MainWindow | None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        old = self.window
        quits = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)  # no window while the login dialog is open
        try:
            if old is not None:
                old.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # its idle lock goes too
                old.close()  # a backup at close may finish (and close it) later:
                old.hide()  # nobody sees the old user's window meanwhile
            self.window = None
            ctx = self.sign_in(self.base)
            if ctx is None:
                logger.info("No login after logout: the app ends")
                app.quit()
                return None
            window = self.open_window(ctx)
            self.attach(window)
            window.show()
            return window
        finally:
            app.setQuitOnLastWindowClosed(quits)

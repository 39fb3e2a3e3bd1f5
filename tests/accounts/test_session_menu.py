"""The account menu: "Kunci layar" locks every window at once (the password unlocks it) and
"Keluar" closes the window, shows the login dialog and opens a new window for whoever logs
in (its role decides the tabs); both buttons also sit on the "Akun saya" panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTimer
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid
from sqlalchemy import select

from posko_desktop.core.db.models_accounts import AuditEntry
from posko_desktop.core.services import accounts, settings_service
from posko_desktop.ui.accounts.dialogs import LoginDialog
from posko_desktop.ui.accounts.flow import open_user_window, signed_in_context
from posko_desktop.ui.accounts.session import WindowSessions
from posko_desktop.ui.accounts.tab import AccountsTab

from .conftest import PASSWORDS


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path, qapp):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))


@pytest.fixture
def user_window(accounts_ctx, qtbot):
    """The window as app.py opens it for opr (idle lock installed, backups started)."""
    settings_service.set(accounts_ctx, "backup.on_close", False)  # closing at once
    ctx = accounts_ctx.as_actor(accounts.login(accounts_ctx, "opr", PASSWORDS["opr"]).actor)
    windows = []

    def track(window):  # closed here, not by qtbot: a logout deletes its window
        windows.append(window)
        return window

    window = track(open_user_window(ctx))
    window.show()
    window.build_feature_tabs()
    QCoreApplication.processEvents()
    yield window, track
    for w in windows:  # an idle lock filters the whole app's input until its window goes
        if isValid(w):
            w.runner.wait(10_000)
            lock = w.session_controls.idle_lock()
            if lock is not None and lock.locked:
                lock.try_unlock(PASSWORDS[w.ctx.actor.username])
            w.close()
            qtbot.waitUntil(lambda w=w: not w.isVisible(), timeout=10_000)
            w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not [w for w in windows if isValid(w)]


def actions(accounts_ctx, username: str) -> list[str]:
    with accounts_ctx.db.read() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.username == username)
                              .order_by(AuditEntry.id)))


def test_lock_now_needs_the_password(user_window, qtbot):
    window, _track = user_window
    controls = window.session_controls
    assert controls.lock_action.isEnabled() and controls.menu.title() == "&Akun"
    assert controls.lock_action.text() == "&Kunci layar"
    controls.lock_action.trigger()
    lock = controls.idle_lock()
    assert lock is not None and lock.locked
    assert all(c.isVisible() for c in lock.covers)
    cover = lock.prompt_cover
    cover.password.setText("bukan-sandinya")
    cover.button.click()
    assert lock.locked  # a wrong password keeps it locked
    cover.password.setText(PASSWORDS["opr"])
    cover.button.click()
    assert not lock.locked


def test_lock_button_on_my_account_panel(user_window, qtbot):
    window, _track = user_window
    tab = window.findChild(AccountsTab, "accounts_tab")
    tab.me.lock_button.click()
    lock = window.session_controls.idle_lock()
    assert lock.locked
    assert lock.try_unlock(PASSWORDS["opr"]) and not lock.locked


def test_log_out_shows_the_login_dialog_then_the_new_users_window(user_window, accounts_ctx,
                                                                  qtbot):
    window, track = user_window
    seen: list[str] = []

    def log_in_as_spv():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(20, log_in_as_spv)
            return
        seen.append("login dialog")
        seen.append("old window gone" if not isValid(window) or not window.isVisible()
                    else "old window still open")
        dialog.username.setText("spv")
        dialog.password.setText(PASSWORDS["spv"])
        dialog.accept()

    sessions = WindowSessions(accounts_ctx, lambda ctx: track(open_user_window(ctx)),
                              signed_in_context)
    sessions.attach(window)
    QTimer.singleShot(0, log_in_as_spv)
    window.session_controls.logout_action.trigger()
    qtbot.waitUntil(lambda: sessions.window is not None and sessions.window is not window,
                    timeout=10_000)
    assert seen == ["login dialog", "old window gone"]
    new = sessions.window
    assert new.ctx.actor.username == "spv" and new.isVisible()
    qtbot.waitUntil(lambda: new.feature_tabs_ready, timeout=10_000)
    assert new.findChild(AccountsTab, "accounts_tab").audit is not None  # a supervisor's tab
    opr = actions(accounts_ctx, "opr")
    assert "auth.logout" in opr[opr.index("auth.login"):]
    assert actions(accounts_ctx, "spv")[-1] == "auth.login"
    assert accounts_ctx.keyring.get("opr") is None  # opr's site key is forgotten


def test_cancelled_login_after_log_out_ends_the_app(user_window, accounts_ctx, qtbot,
                                                    monkeypatch):
    window, track = user_window
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda *_a: quits.append(True))

    def cancel():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(20, cancel)
            return
        dialog.reject()

    sessions = WindowSessions(accounts_ctx, lambda ctx: track(open_user_window(ctx)),
                              signed_in_context)
    sessions.attach(window)
    QTimer.singleShot(0, cancel)
    window.session_controls.logout_action.trigger()
    qtbot.waitUntil(lambda: bool(quits), timeout=10_000)
    assert sessions.window is None
    assert QApplication.instance().quitOnLastWindowClosed()  # set back after the dialog

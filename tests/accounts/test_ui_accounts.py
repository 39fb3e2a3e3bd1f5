"""pytest-qt: login dialog, lockout message, set-up wizard, role-dependent tab, users and
audit panels, idle lock that keeps the typed text of an open form."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from sqlalchemy import select

from posko_desktop.core.context import AppContext
from posko_desktop.core.db.models_accounts import UserAccount
from posko_desktop.core.services import accounts, reference, settings_service, site_key, training
from posko_desktop.core.services import incidents as inc
from posko_desktop.core.sync import keys
from posko_desktop.paths import AppPaths
from posko_desktop.ui.accounts import Permission, apply_permission, audit_panel, can
from posko_desktop.ui.accounts.dialogs import ChangePasswordDialog, LoginDialog
from posko_desktop.ui.accounts.idle_lock import install_idle_lock
from posko_desktop.ui.accounts.wizard import SetupWizard

from .conftest import PASSWORDS


@pytest.fixture(autouse=True)
def qsettings_in_tmp(tmp_path, qapp):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))


@pytest.fixture
def open_window(runner, qtbot):
    from posko_desktop.ui.main_window import MainWindow

    windows = []

    def make(ctx: AppContext) -> MainWindow:
        window = MainWindow(ctx, runner)
        qtbot.addWidget(window)
        window.show()
        window.build_feature_tabs()  # normally right after the first paint
        windows.append(window)
        QCoreApplication.processEvents()
        qtbot.waitUntil(lambda: runner.active == 0, timeout=10_000)
        return window

    yield make
    for w in windows:
        runner.wait(10_000)
        w.close()


def accounts_tab(window):
    from posko_desktop.ui.accounts.tab import AccountsTab

    tab = window.findChild(AccountsTab, "accounts_tab")
    assert tab is not None
    return tab


def as_user(ctx: AppContext, username: str) -> AppContext:
    return ctx.as_actor(accounts.login(ctx, username, PASSWORDS[username]).actor)


def test_login_dialog_accepts_the_right_password(accounts_ctx, qtbot):
    dialog = LoginDialog(accounts_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "spv")
    qtbot.keyClicks(dialog.password, PASSWORDS["spv"])
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == LoginDialog.DialogCode.Accepted.value
    assert dialog.result_login.actor.role == "supervisor"


def test_login_dialog_wrong_password_then_lockout_message(accounts_ctx, clock, qtbot):
    dialog = LoginDialog(accounts_ctx, username="opr")
    qtbot.addWidget(dialog)
    dialog.show()
    for attempt in range(5):
        dialog.password.setText(f"salah-sandi-{attempt}")
        dialog.accept()
        assert dialog.result_login is None
        assert dialog.message.isVisible() and dialog.password.text() == ""
        clock.advance(120)
    assert "terkunci" in dialog.message.text()  # Indonesian by default: locked, ask an admin
    dialog.password.setText(PASSWORDS["opr"])
    dialog.accept()
    assert dialog.result_login is None and "terkunci" in dialog.message.text()
    accounts.unlock_user(accounts_ctx, "opr")
    dialog.password.setText(PASSWORDS["opr"])
    dialog.accept()
    assert dialog.result_login is not None and dialog.result_login.actor.username == "opr"


def test_login_dialog_shows_the_delay(accounts_ctx, qtbot):
    dialog = LoginDialog(accounts_ctx, username="opr")
    qtbot.addWidget(dialog)
    dialog.show()
    for text in ("salah-satu-kali", "salah-dua-kali", PASSWORDS["opr"]):
        dialog.password.setText(text)
        dialog.accept()
    assert dialog.result_login is None
    assert "detik" in dialog.message.text()


def test_forced_change_dialog_after_reset(accounts_ctx, qtbot):
    accounts.reset_password(accounts_ctx, "opr", "Sementara-Sekali-1")
    result = accounts.login(accounts_ctx, "opr", "Sementara-Sekali-1")
    assert result.must_change_password
    dialog = ChangePasswordDialog(accounts_ctx.as_actor(result.actor), forced=True,
                                  old_password="Sementara-Sekali-1")
    qtbot.addWidget(dialog)
    assert dialog.old.isHidden()
    dialog.new.setText("password123")
    dialog.repeat.setText("password123")
    dialog.accept()
    assert not dialog.message.isHidden()  # a common password is refused
    dialog.new.setText("Pilihan-Sendiri-42")
    dialog.repeat.setText("Pilihan-Sendiri-42")
    dialog.accept()
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted.value
    assert not accounts.login(accounts_ctx, "opr", "Pilihan-Sendiri-42").must_change_password


def test_setup_wizard_creates_the_site_and_the_first_admin(db, qtbot):
    from posko_desktop.core.domain import Actor

    ctx = AppContext(db, Actor("setup", "admin", "setup"))
    wizard = SetupWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.site_page.site_combo.set_values(("33.74",))
    assert "Kota Semarang" in wizard.site_page.name.text()
    wizard.next()
    page = wizard.admin_page
    page.username.setText("Kepala")
    page.display_name.setText("Kepala Posko")
    page.password.setText("pendek")
    page.repeat.setText("pendek")
    wizard.accept()
    assert page.message.isVisible() and not accounts.has_accounts(ctx)  # too short
    page.password.setText("Kepala-Posko-Semarang")
    page.repeat.setText("Kepala-Posko-Semarang")
    assert not page.validatePage()  # contains the user name
    page.password.setText("Satu-Komando-74")
    page.repeat.setText("Satu-Komando-74")
    assert page.validatePage()
    wizard.accept()
    assert wizard.result() == SetupWizard.DialogCode.Accepted.value
    assert reference.site_info(ctx).code == "33.74"
    assert [(u.username, u.role) for u in accounts.list_users(ctx.as_actor(wizard.admin.actor))] \
        == [("kepala", "admin")]
    # the site key was made with the administrator: in the database (sealed) and in this
    # session, never as a file in the OS user's folder
    assert wizard.key == site_key.public_info(ctx) and wizard.key is not None
    assert ctx.keyring.get("kepala") is not None
    assert not keys.private_key_path(AppPaths.default().keys_dir, "33.74").exists()


@pytest.mark.parametrize("username, users_panel, audit_panel", [
    ("opr", False, False), ("spv", False, True), ("admin", True, True)])
def test_each_role_sees_only_what_it_may_use(accounts_ctx, open_window, username, users_panel,
                                              audit_panel):
    ctx = as_user(accounts_ctx, username)
    window = open_window(ctx)
    tab = accounts_tab(window)
    assert (tab.users is not None) == users_panel
    assert (tab.audit is not None) == audit_panel
    assert can(ctx.actor, Permission.USERS_MANAGE) == users_panel
    from PySide6.QtWidgets import QPushButton

    button = QPushButton("Terbitkan")
    apply_permission(button, ctx.actor, Permission.SITREP_ISSUE)
    assert button.isEnabled() == (username != "opr")


def test_users_panel_add_reset_unlock(accounts_ctx, open_window, qtbot, clock):
    window = open_window(accounts_ctx)
    tab = accounts_tab(window)
    panel = tab.users
    dialog = panel.open_add()
    dialog.username.setText("opr2")
    dialog.display_name.setText("Operator Dua")
    dialog.role.setCurrentIndex(dialog.role.findData("operator"))
    dialog.password.setText("Operator-Dua-Jateng")
    dialog.repeat.setText("Operator-Dua-Jateng")
    dialog.accept()
    assert dialog.created is not None
    assert "opr2" in [panel.table.item(r, 0).text() for r in range(panel.table.rowCount())]
    temporary = panel.reset_password("opr2")
    assert accounts.login(accounts_ctx, "opr2", temporary).must_change_password
    for i in range(5):
        with pytest.raises(accounts.AuthError):
            accounts.login(accounts_ctx, "opr2", f"salah-{i}-salah")
        clock.advance(120)
    panel.refresh()
    panel.select("opr2")
    assert panel.unlock_button.isEnabled()
    panel.unlock_current()
    assert not accounts.get_user(accounts_ctx, "opr2").locked


def test_audit_panel_filters_verifies_and_exports(accounts_ctx, open_window, qtbot, db_path,
                                                  tmp_path):
    window = open_window(accounts_ctx)
    panel = accounts_tab(window).audit
    qtbot.waitUntil(lambda: not panel.loading)
    total = sqlite3.connect(db_path).execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert panel.model.total == total
    panel.user.setCurrentText("admin")
    panel.reload()
    qtbot.waitUntil(lambda: not panel.loading)
    by_admin = sqlite3.connect(db_path).execute(
        "SELECT count(*) FROM audit_log WHERE username = 'admin'").fetchone()[0]
    assert panel.model.total == by_admin >= 1
    assert {r.entry.username for r in panel.model.rows} == {"admin"}
    panel.verify()
    qtbot.waitUntil(lambda: panel.verify_result is not None, timeout=10_000)
    assert panel.verify_result.ok
    target = tmp_path / "jejak.csv"
    panel.export_to(str(target))
    qtbot.waitUntil(lambda: panel.exported is not None, timeout=10_000)
    assert target.exists() and panel.exported == panel.model.total
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET detail = 'diubah' WHERE id = 3")
    conn.commit()
    conn.close()
    panel.verify()
    qtbot.waitUntil(lambda: panel.verify_result is not None, timeout=10_000)
    assert not panel.verify_result.ok and panel.verify_result.chain.first_bad_id == 3
    assert "#3" in panel.status.text()


def test_audit_panel_verify_shows_the_deep_check_and_partner_anchors(accounts_ctx, open_window,
                                                                     qtbot, db_path, tmp_path,
                                                                     monkeypatch):
    """The window's Verify runs what `posko audit verify --deep [--anchors FILE]` runs."""
    d = inc.create_incident(accounts_ctx, inc.IncidentInput(
        regency_code="33.74", title="Hoaks logistik", category_code="A1", severity="sedang",
        occurred_at=datetime(2024, 11, 26, 9, 0)))
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE incident SET title = 'Diubah di SQL' WHERE number = ?", (d.number,))
    conn.commit()
    conn.close()
    window = open_window(accounts_ctx)
    panel = accounts_tab(window).audit
    qtbot.waitUntil(lambda: not panel.loading)
    panel.verify()
    qtbot.waitUntil(lambda: panel.verify_result is not None, timeout=10_000)
    assert not panel.verify_result.ok and panel.verify_result.chain.ok
    assert d.number in panel.status.text() and "title" in panel.status.text()
    junk = tmp_path / "bukan-jangkar.json"
    junk.write_text("{}")
    shown: list[BaseException] = []
    monkeypatch.setattr(audit_panel, "show_error", lambda parent, err: shown.append(err))
    panel.verify((str(junk),))
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "bukan-jangkar.json" in str(shown[0].text()) and panel.verify_button.isEnabled()


def test_idle_lock_keeps_the_typed_text_and_unlocks_with_the_password(accounts_ctx, open_window,
                                                                     qtbot):
    settings_service.set(accounts_ctx, "ui.idle_lock_minutes", 0.002)  # 120 ms
    ctx = as_user(accounts_ctx, "opr")
    window = open_window(ctx)
    form = window.new_incident()
    qtbot.keyClicks(form.title, "Hoaks di Banyumas")
    lock = install_idle_lock(ctx, window)
    assert lock is not None and lock.timeout_ms == 120
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    assert len(lock.covers) >= 2  # the window and the open form are both covered
    assert all(c.isVisible() for c in lock.covers)
    # input to the covered form is swallowed
    qtbot.keyClicks(form.title, " tambahan")
    assert form.title.text() == "Hoaks di Banyumas"
    cover = lock.prompt_cover
    assert cover is not None
    cover.password.setText("bukan-sandinya")
    cover.button.click()
    assert lock.locked and cover.message.isVisible()
    settings_service.set(accounts_ctx, "ui.idle_lock_minutes", 0)  # no relock while we check
    lock.apply_setting()
    qtbot.keyClicks(cover.password, PASSWORDS["opr"])
    qtbot.keyClick(cover.password, Qt.Key.Key_Return)
    assert not lock.locked
    assert form.isVisible() and form.title.text() == "Hoaks di Banyumas"
    qtbot.keyClicks(form.title, "!")
    assert form.title.text() == "Hoaks di Banyumas!"
    form.reject()
    with accounts_ctx.db.read() as s:
        opr = s.scalars(select(UserAccount).where(UserAccount.username == "opr")).one()
    assert opr.failed_attempts == 0  # the right password reset the count


def test_no_idle_lock_without_accounts(ctx, open_window):
    window = open_window(ctx)
    assert install_idle_lock(ctx, window) is None


def test_settings_panel_admin_only_and_audited(accounts_ctx, open_window):
    from posko_desktop.core.services import audit
    from posko_desktop.core.services.audit import AuditFilter

    assert accounts_tab(open_window(as_user(accounts_ctx, "spv"))).settings is None
    editor = accounts_tab(open_window(accounts_ctx)).settings
    assert editor is not None
    panel = editor.advanced  # the raw grid, "Advanced"
    assert "ui.idle_lock_minutes" in panel.keys
    panel.set_value_text("ui.idle_lock_minutes", "3")
    panel.set_value_text("sitrep.tembusan", '["Arsip"]')
    assert panel.save_changes() == 2
    assert settings_service.get(accounts_ctx, "ui.idle_lock_minutes") == 3.0
    assert settings_service.get(accounts_ctx, "sitrep.tembusan") == ["Arsip"]
    panel.set_value_text("accounts.max_failed_logins", "banyak")
    assert panel.save_changes() == 0
    assert settings_service.get(accounts_ctx, "accounts.max_failed_logins") == 5
    changed = {r.record_id for r in audit.query(accounts_ctx,
                                                 AuditFilter(action="setting.change")).rows}
    assert changed == {"ui.idle_lock_minutes", "sitrep.tembusan"}


def _when_modal(qtbot, act):
    """Run `act(dialog)` on the next modal dialog once it is shown (exec() blocks)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        act(dialog)

    QTimer.singleShot(0, poll)


def test_start_up_without_accounts_runs_the_wizard(db, qtbot):
    from posko_desktop.core.domain import Actor
    from posko_desktop.ui.accounts.flow import sign_in

    def fill(wizard):
        wizard.next()
        page = wizard.admin_page
        page.username.setText("kepala")
        page.password.setText("Satu-Komando-33")
        page.repeat.setText("Satu-Komando-33")
        page.demo.setChecked(True)
        wizard.accept()

    _when_modal(qtbot, fill)
    signed = sign_in(AppContext(db, Actor("os-user", "admin", "os-user")))
    # a live database: no demo data offered (issue 19), not a training database
    assert signed is not None and not signed.wants_demo
    assert signed.ctx.actor.username == "kepala" and signed.ctx.actor.role == "admin"
    assert not training.is_training(signed.ctx)


def test_wizard_on_the_training_file_makes_a_training_database(template_db, tmp_path, qtbot):
    """File → Mode latihan starts the app on posko-latihan.sqlite3: the set-up wizard makes
    it a training database and offers demo data."""
    import shutil

    from posko_desktop.core.db.session import open_database
    from posko_desktop.core.domain import Actor
    from posko_desktop.ui.accounts.flow import sign_in

    path = tmp_path / training.TRAINING_FILE_NAME
    shutil.copy(template_db, path)
    shown = []

    def fill(wizard):
        wizard.next()
        page = wizard.admin_page
        shown.append(page.demo.isVisible() and page.demo.isChecked())
        page.username.setText("kepala")
        page.password.setText("Satu-Komando-33")
        page.repeat.setText("Satu-Komando-33")
        wizard.accept()

    database = open_database(path)
    try:
        _when_modal(qtbot, fill)
        signed = sign_in(AppContext(database, Actor("os-user", "admin", "os-user")))
        assert signed is not None and signed.wants_demo and shown == [True]
        assert training.is_training(signed.ctx)
    finally:
        database.dispose()


def test_start_up_with_accounts_logs_in_and_forces_the_change(accounts_ctx, qtbot):
    from posko_desktop.ui.accounts.flow import sign_in

    accounts.reset_password(accounts_ctx, "opr", "Sementara-Sekali-1")
    steps = []

    def login(dialog):
        steps.append(type(dialog).__name__)
        dialog.username.setText("opr")
        dialog.password.setText("Sementara-Sekali-1")
        _when_modal_next(change)
        dialog.accept()

    def change(dialog):
        steps.append(type(dialog).__name__)
        dialog.new.setText("Pilihan-Sendiri-42")
        dialog.repeat.setText("Pilihan-Sendiri-42")
        dialog.accept()

    def _when_modal_next(act):
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        def poll():
            dialog = QApplication.activeModalWidget()
            if dialog is None or type(dialog).__name__ != "ChangePasswordDialog":
                QTimer.singleShot(20, poll)
                return
            act(dialog)

        QTimer.singleShot(0, poll)

    _when_modal(qtbot, login)
    signed = sign_in(accounts_ctx)
    assert steps == ["LoginDialog", "ChangePasswordDialog"]
    assert signed is not None and signed.ctx.actor.username == "opr"
    assert not accounts.login(accounts_ctx, "opr", "Pilihan-Sendiri-42").must_change_password

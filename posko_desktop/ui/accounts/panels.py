"""The panels of the accounts tab: my account, users (admin), audit trail (supervisor, admin),
settings (admin)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core import i18n, settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError, StaleEdit
from posko_desktop.core.i18n import _
from posko_desktop.core.services import accounts, settings_service, user_language
from posko_desktop.core.services.accounts import UserInfo
from posko_desktop.core.services.authz import Permission, Role, can
from posko_desktop.core.textrules import format_datetime
from posko_desktop.ui.accounts.dialogs import (
    AddUserDialog,
    ChangePasswordDialog,
    ChoiceDialog,
    role_label,
)
from posko_desktop.ui.errors import show_error

logger = logging.getLogger(__name__)

PAGE = 500
ANY = ""


class MyAccountPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info = QLabel(self)
        self.info.setObjectName("my_account_info")
        self.info.setWordWrap(True)
        self.change = QPushButton(self)
        self.change.setObjectName("change_password_button")
        self.change.clicked.connect(self.open_change_password)
        self.dialog: ChangePasswordDialog | None = None
        # the window's Account menu, also here: "Kunci layar" and "Keluar"
        self.lock_button = QPushButton(self)
        self.lock_button.setObjectName("lock_now_button")
        self.lock_button.clicked.connect(lambda: self._session_action("lock_action"))
        self.logout_button = QPushButton(self)
        self.logout_button.setObjectName("log_out_button")
        self.logout_button.clicked.connect(lambda: self._session_action("logout_action"))
        # the interface language of this account (issue 19): stored with it, applied at once
        self.language_label = QLabel(self)
        self.language = QComboBox(self)
        self.language.setObjectName("my_language")
        for lang, name in (("id", "Bahasa Indonesia"), ("en", "English")):
            self.language.addItem(name, lang)  # language names are never translated
        self.language.activated.connect(lambda _i: self.choose_language(
            self.language.currentData()))
        buttons = QHBoxLayout()
        for b in (self.change, self.lock_button, self.logout_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        language_row = QHBoxLayout()
        language_row.addWidget(self.language_label)
        language_row.addWidget(self.language)
        language_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(language_row)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        actor = self.ctx.actor
        has = accounts.has_accounts(self.ctx)
        if has:
            self.info.setText(_("Logged in as {user} ({name}), role: {role}.").format(
                user=actor.username, name=actor.display_name or actor.username,
                role=role_label(actor.role)))
        else:
            self.info.setText(_("No user accounts yet: set-up is not finished. You act as {user} "
                                "with the administrator role.").format(user=actor.username))
        self.change.setText(_("Change my password…"))
        self.change.setEnabled(has)
        self.lock_button.setText(_("Lock screen"))
        self.logout_button.setText(_("Log out"))
        self.language_label.setText(_("Interface language"))
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current_language())))
        self.lock_button.setEnabled(has)
        self.logout_button.setEnabled(has)

    def choose_language(self, lang: str) -> None:
        """Through the window (it retranslates every tab and stores the choice), or alone."""
        set_window_language = getattr(self.window(), "set_language", None)
        if set_window_language is not None:
            set_window_language(lang)
            return
        i18n.set_language(lang)
        try:
            user_language.set_my_language(self.ctx, lang)
        except PoskoError as err:
            show_error(self, err)
        self.retranslate_ui()

    def _session_action(self, name: str) -> None:
        controls = getattr(self.window(), "session_controls", None)
        if controls is not None:
            getattr(controls, name).trigger()

    def open_change_password(self) -> ChangePasswordDialog:
        self.dialog = ChangePasswordDialog(self.ctx, self)
        self.dialog.open()
        return self.dialog


class UsersPanel(QWidget):
    """Admin only: the accounts, with add / role / disable-enable / reset / unlock."""

    COLUMNS = 7

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[UserInfo] = []
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setObjectName("users_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.add_button, self.role_button, self.toggle_button = (QPushButton(self) for _i in range(3))
        self.reset_button, self.unlock_button = QPushButton(self), QPushButton(self)
        for name, button, slot in (("add_user_button", self.add_button, self.open_add),
                                   ("role_button", self.role_button, self.ask_role),
                                   ("toggle_user_button", self.toggle_button, self.toggle_current),
                                   ("reset_button", self.reset_button, self.ask_reset),
                                   ("unlock_button", self.unlock_button, self.unlock_current)):
            button.setObjectName(name)
            button.clicked.connect(slot)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.role_button, self.toggle_button, self.reset_button,
                  self.unlock_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.add_dialog: AddUserDialog | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.table.setHorizontalHeaderLabels([
            _("User"), _("Name"), _("Role"), _("Active"), _("Locked"), _("Must change"),
            _("Last login")])
        self.add_button.setText(_("&Add user…"))
        self.role_button.setText(_("Change &role…"))
        self.reset_button.setText(_("Reset &password…"))
        self.unlock_button.setText(_("&Unlock"))
        self.refresh()

    def refresh(self) -> None:
        selected = self.current()
        try:
            self.users = accounts.list_users(self.ctx)
        except PoskoError as err:
            logger.info("Users not listed: %s", err.text_in("en"))
            self.users = []
        yes, no = _("yes"), _("no")
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            values = [u.username, u.display_name, role_label(u.role), yes if u.active else no,
                      yes if u.locked else no, yes if u.must_change_password else no,
                      format_datetime(u.last_login_at)]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if u.locked or not u.active:
                    item.setForeground(QColor("#b2182b" if u.locked else "#777777"))
                self.table.setItem(row, col, item)
            if selected is not None and u.username == selected.username:
                self.table.selectRow(row)
        self._update_buttons()

    def current(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def select(self, username: str) -> None:
        for row, u in enumerate(self.users):
            if u.username == username:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        u = self.current()
        for b in (self.role_button, self.toggle_button, self.reset_button):
            b.setEnabled(u is not None)
        self.unlock_button.setEnabled(u is not None and u.locked)
        self.toggle_button.setText(_("&Enable") if u is not None and not u.active else _("&Disable"))

    # --- actions (each callable directly; the buttons ask first) ------------------------

    def _seen(self, username: str) -> str | None:
        """The version of the account as this table shows it (what a change is based on)."""
        return next((u.version for u in self.users if u.username == username), None)

    def _do(self, change: Callable[[], UserInfo]) -> UserInfo | None:
        """Run a change; a refusal is shown and the table reloads the current values."""
        try:
            result = change()
        except PoskoError as err:
            show_error(self, err)
            self.refresh()
            return None
        self.refresh()
        return result

    def open_add(self) -> AddUserDialog:
        dialog = AddUserDialog(self.ctx, self)
        dialog.accepted.connect(self.refresh)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def ask_role(self) -> None:
        u = self.current()
        if u is None:
            return
        dialog = ChoiceDialog(_("Change role"), _("New role of {user}:").format(user=u.username),
                              [(role_label(r.value), r.value) for r in Role], u.role, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_role(u.username, dialog.value(), u.version)

    def set_role(self, username: str, role: str, seen: str | None = None) -> UserInfo | None:
        seen = seen or self._seen(username)
        return self._do(lambda: accounts.set_role(self.ctx, username, role, expected_version=seen))

    def toggle_current(self) -> UserInfo | None:
        u = self.current()
        if u is None:
            return None
        if u.active:
            return self._do(lambda: accounts.disable_user(self.ctx, u.username,
                                                          expected_version=u.version))
        return self._do(lambda: accounts.enable_user(self.ctx, u.username,
                                                     expected_version=u.version))

    def ask_reset(self) -> None:
        u = self.current()
        if u is None:
            return
        answer = QMessageBox.question(
            self, _("Reset password"),
            _("Give {user} a new temporary password? They must change it at the next login.")
            .format(user=u.username))
        if answer == QMessageBox.StandardButton.Yes:
            self.reset_password(u.username, u.version)

    def reset_password(self, username: str, seen: str | None = None) -> str | None:
        """A generated temporary password, shown once to the admin."""
        temporary = accounts.generate_password()
        seen = seen or self._seen(username)
        if self._do(lambda: accounts.reset_password(self.ctx, username, temporary,
                                                    expected_version=seen)) is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Information, _("Temporary password"),
                          _("Temporary password of {user}: {password}\n\nGive it to the user; "
                            "it must be changed at the next login.").format(
                              user=username, password=temporary),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("temporary_password_box")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return temporary

    def unlock_current(self) -> UserInfo | None:
        u = self.current()
        if u is None:
            return None
        return self._do(lambda: accounts.unlock_user(self.ctx, u.username,
                                                     expected_version=u.version))


class SettingsPanel(QWidget):
    """Admin only: every declared setting; edit the value column, then Save (audited)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.keys: list[str] = []
        self.shown: dict[str, settings_service.SettingValue] = {}
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("settings_table")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 240)
        self.table.setColumnWidth(1, 420)
        self.save = QPushButton(self)
        self.save.setObjectName("settings_save")
        self.save.clicked.connect(self.save_changes)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.save)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.table.setHorizontalHeaderLabels([_("Setting"), _("Value"), _("Description")])
        self.save.setText(_("&Save changes"))
        self.refresh()

    @staticmethod
    def _text(value: Any) -> str:
        if isinstance(value, list | dict):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def refresh(self) -> None:
        self.shown = settings_service.get_versioned(self.ctx)
        self.keys = sorted(self.shown)
        self.table.setRowCount(len(self.keys))
        for row, key in enumerate(self.keys):
            var = settings.REGISTRY[key]
            for col, text in enumerate((key, self._text(self.shown[key].value),
                                        _(var.description) if var.description else "")):
                item = QTableWidgetItem(text)
                if col != 1:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)

    def _value_cell(self, row: int) -> QTableWidgetItem:
        item = self.table.item(row, 1)
        assert item is not None  # every row has its value cell (`refresh`)
        return item

    def set_value_text(self, key: str, text: str) -> None:
        self._value_cell(self.keys.index(key)).setText(text)

    def save_changes(self) -> int:
        """Store every value edited here (compared with what the table showed); returns how
        many changed. The first refused value stops the save with a message (values before it
        are stored, each its own audited change); a value someone else changed since it was
        shown is refused and the table reloads the current values."""
        changed = 0
        for row, key in enumerate(self.keys):
            text = self._value_cell(row).text()
            shown = self.shown[key]
            if text == self._text(shown.value):
                continue
            var = settings.REGISTRY[key]
            try:
                value: Any = json.loads(text) if var.type in (list, dict) else text
            except ValueError:
                self.status.setText(_("The value of {key} must be JSON, e.g. [\"a\", \"b\"]")
                                    .format(key=key))
                return changed
            try:
                settings_service.set(self.ctx, key, value, expected_version=shown.version)
            except StaleEdit as err:
                show_error(self, err)
                self.refresh()
                return changed
            except PoskoError as err:
                show_error(self, err)
                return changed
            changed += 1
        self.status.setText(_("{count} setting(s) saved").format(count=changed))
        self.refresh()
        return changed


def visible_panels(ctx: AppContext) -> dict[str, bool]:
    """Which panels the current role sees (the window hides the others)."""
    return {"users": can(ctx.actor, Permission.USERS_MANAGE),
            "audit": can(ctx.actor, Permission.AUDIT_VIEW),
            "settings": can(ctx.actor, Permission.SETTINGS_MANAGE)}

"""Login, change-password and add-user dialogs. They only collect input and call
core/services/accounts; every rule (policy, delay, lockout) lives there."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError, ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import accounts
from posko_desktop.core.services.accounts import AccountLocked, LoginResult, UserInfo
from posko_desktop.core.services.authz import Role
from posko_desktop.core.services.value_texts import role_label

logger = logging.getLogger(__name__)

def password_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(accounts.MAX_PASSWORD_LENGTH)
    return edit


def error_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet("color: #b2182b;")
    label.hide()
    return label


def show_message(label: QLabel, err: PoskoError) -> None:
    label.setText(err.text())
    label.show()


class LoginDialog(QDialog):
    """User name + password. `result_login` holds the LoginResult after Accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, username: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_login: LoginResult | None = None
        self.setObjectName("login_dialog")
        self.setMinimumWidth(400)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.username = QLineEdit(username, self)
        self.username.setObjectName("login_user")
        self.username.setMaxLength(32)
        self.password = password_edit(self, "login_password")
        self.message = error_label(self, "login_message")
        self.user_label = QLabel(self)
        self.user_label.setBuddy(self.username)
        self.password_label = QLabel(self)
        self.password_label.setBuddy(self.password)
        form = QFormLayout()
        form.addRow(self.user_label, self.username)
        form.addRow(self.password_label, self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        (self.password if username else self.username).setFocus()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Log in — Posko Desk"))
        self.intro.setText(_("Log in with your user name and password."))
        self.user_label.setText(_("&User name:"))
        self.password_label.setText(_("&Password:"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Log in"))

    def accept(self) -> None:
        try:
            self.result_login = accounts.login(self.ctx, self.username.text(),
                                               self.password.text())
        except AccountLocked as err:
            show_message(self.message, err)
            self.password.clear()
            return
        except PoskoError as err:
            show_message(self.message, err)
            self.password.clear()
            self.password.setFocus()
            return
        super().accept()


class ChangePasswordDialog(QDialog):
    """Change one's own password. `forced` (after a reset): Cancel means not logging in."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, forced: bool = False,
                 old_password: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.forced = forced
        self.setObjectName("change_password_dialog")
        self.setMinimumWidth(420)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.old = password_edit(self, "old_password")
        if old_password is not None:
            self.old.setText(old_password)
        self.new = password_edit(self, "new_password")
        self.repeat = password_edit(self, "repeat_password")
        self.message = error_label(self, "password_message")
        self.old_label, self.new_label, self.repeat_label = QLabel(self), QLabel(self), QLabel(self)
        form = QFormLayout()
        form.addRow(self.old_label, self.old)
        form.addRow(self.new_label, self.new)
        form.addRow(self.repeat_label, self.repeat)
        if old_password is not None:
            self.old.hide()
            self.old_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Change password"))
        hint = _("At least {min} characters; not a common password and not your user name.").format(
            min=accounts.MIN_PASSWORD_LENGTH)
        self.intro.setText(
            "{a}\n{b}".format(a=_("Your password was reset: choose your own password now."), b=hint)
            if self.forced else hint)
        self.old_label.setText(_("C&urrent password:"))
        self.new_label.setText(_("&New password:"))
        self.repeat_label.setText(_("&Repeat:"))

    def accept(self) -> None:
        if self.new.text() != self.repeat.text():
            show_message(self.message, ValidationError(N_("The two passwords differ")))
            return
        try:
            accounts.change_password(self.ctx, self.old.text(), self.new.text())
        except PoskoError as err:
            show_message(self.message, err)
            return
        super().accept()


class AddUserDialog(QDialog):
    """An admin adds an account; `created` holds the UserInfo after Accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.created: UserInfo | None = None
        self.setObjectName("add_user_dialog")
        self.setMinimumWidth(440)
        self.username = QLineEdit(self)
        self.username.setObjectName("new_username")
        self.username.setMaxLength(32)
        self.display_name = QLineEdit(self)
        self.display_name.setObjectName("new_display_name")
        self.role = QComboBox(self)
        self.role.setObjectName("new_role")
        self.password = password_edit(self, "new_user_password")
        self.repeat = password_edit(self, "new_user_repeat")
        self.forced = QCheckBox(self)
        self.forced.setChecked(True)
        self.message = error_label(self, "add_user_message")
        self.labels = [QLabel(self) for _i in range(5)]
        form = QFormLayout()
        for label, field in zip(self.labels, (self.username, self.display_name, self.role,
                                              self.password, self.repeat), strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.forced)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Add user"))
        for label, text in zip(self.labels, (_("&User name:"), _("Full &name:"), _("&Role:"),
                                             _("&Password:"), _("&Repeat:")), strict=True):
            label.setText(text)
        current = self.role.currentData()
        self.role.clear()
        for role in Role:
            self.role.addItem(role_label(role.value), role.value)
        self.role.setCurrentIndex(max(0, self.role.findData(current or Role.OPERATOR.value)))
        self.forced.setText(_("The user must change this password at the first login"))

    def accept(self) -> None:
        if self.password.text() != self.repeat.text():
            show_message(self.message, ValidationError(N_("The two passwords differ")))
            return
        try:
            self.created = accounts.add_user(
                self.ctx, self.username.text(), self.password.text(), self.role.currentData(),
                self.display_name.text(), must_change_password=self.forced.isChecked())
        except PoskoError as err:
            show_message(self.message, err)
            return
        super().accept()


class ChoiceDialog(QDialog):
    """Pick one value from a list (the new role of a user)."""

    def __init__(self, title: str, label: str, items: list[tuple[str, str]], current: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.combo = QComboBox(self)
        for text, value in items:
            self.combo.addItem(text, value)
        self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(label, self))
        layout.addWidget(self.combo)
        layout.addWidget(buttons)

    def value(self) -> str:
        return str(self.combo.currentData())

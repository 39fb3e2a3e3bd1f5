"""First-run set-up wizard: the site of this installation, then the first administrator."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PROVINCE_CODE, PoskoError, ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import accounts, reference, site_key
from posko_desktop.core.services.accounts import UserInfo
from posko_desktop.ui.accounts.dialogs import error_label, password_edit, show_message
from posko_desktop.ui.dialogs.first_run import default_site_name
from posko_desktop.ui.training_mode import creates_training
from posko_desktop.ui.widgets.pickers import ValueCombo, regency_label

logger = logging.getLogger(__name__)


class SitePage(QWizardPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.existing = reference.site_or_none(ctx)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.site_combo = ValueCombo(self)
        self.site_combo.setObjectName("wizard_site")
        self._regencies = reference.list_regencies(ctx)
        self.name = QLineEdit(self)
        self.name.setObjectName("wizard_site_name")
        self._touched = False
        self.name.textEdited.connect(lambda _t: setattr(self, "_touched", True))
        self.site_combo.currentIndexChanged.connect(self._suggest)
        self.site_label, self.name_label = QLabel(self), QLabel(self)
        self.site_label.setBuddy(self.site_combo)  # makes "&" an Alt shortcut, not a literal
        self.name_label.setBuddy(self.name)
        form = QFormLayout()
        form.addRow(self.site_label, self.site_combo)
        form.addRow(self.name_label, self.name)
        self.message = error_label(self, "wizard_site_message")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.retranslate_ui()
        if self.existing is not None:
            self.site_combo.set_values((self.existing.code,))
            self.site_combo.setEnabled(False)
            self.name.setText(self.existing.name)
            self._touched = True
        else:
            self._suggest()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Step 1 of 2: this command post"))
        self.intro.setText(_("Tell Posko Desk where it is used: the provincial command post, or "
                             "the office of one regency/city. The choice cannot be changed later."))
        self.site_label.setText(_("&Site:"))
        self.name_label.setText(_("Site &name:"))
        items = [(_("33 Central Java Province (provincial command post)"), (PROVINCE_CODE,))]
        items += [(regency_label(r), (r.code,)) for r in self._regencies]
        self.site_combo.set_items(items)
        if self.site_combo.currentIndex() < 0:
            self.site_combo.setCurrentIndex(0)

    def _suggest(self) -> None:
        values = self.site_combo.values()
        if not self._touched and values:
            self.name.setText(default_site_name(values[0], self.site_combo.currentText()))

    def site_code(self) -> str:
        values = self.site_combo.values()
        return values[0] if values else ""

    def validatePage(self) -> bool:
        if not self.name.text().strip():
            show_message(self.message, ValidationError(N_("The site needs a name")))
            return False
        self.message.hide()
        return True


class AdminPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.username = QLineEdit(self)
        self.username.setObjectName("wizard_admin_user")
        self.username.setMaxLength(32)
        self.display_name = QLineEdit(self)
        self.display_name.setObjectName("wizard_admin_name")
        self.password = password_edit(self, "wizard_admin_password")
        self.repeat = password_edit(self, "wizard_admin_repeat")
        self.demo = QCheckBox(self)
        self.demo.setObjectName("wizard_demo")
        self.message = error_label(self, "wizard_admin_message")
        self.labels = [QLabel(self) for _i in range(4)]
        form = QFormLayout()
        for label, field in zip(self.labels, (self.username, self.display_name, self.password,
                                              self.repeat), strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.demo)
        layout.addWidget(self.message)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Step 2 of 2: the first administrator"))
        self.intro.setText(_("The administrator creates the accounts of operators and "
                             "supervisors. Password: at least {min} characters, not a common "
                             "password, not the user name.").format(min=accounts.MIN_PASSWORD_LENGTH))
        for label, text in zip(self.labels, (_("&User name:"), _("Full &name:"), _("&Password:"),
                                             _("&Repeat:")), strict=True):
            label.setText(text)
        self.demo.setText(_("Then load demo data (Muat data contoh) to try the app"))

    def validatePage(self) -> bool:
        try:
            name = accounts.check_username(self.username.text())
            if self.password.text() != self.repeat.text():
                raise ValidationError(N_("The two passwords differ"), field="password")
            accounts.check_password_policy(self.password.text(), name)
        except PoskoError as err:
            show_message(self.message, err)
            return False
        self.message.hide()
        return True


class SetupWizard(QWizard):
    """Creates the site and the first administrator on Finish. `admin` holds the account."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.admin: UserInfo | None = None
        self.setObjectName("setup_wizard")
        self.setMinimumWidth(600)
        self.site_page = SitePage(ctx, self)
        self.admin_page = AdminPage(self)
        # a new training file (File → Mode latihan) becomes a training database; demo data
        # is offered only there (ui/training_mode.py)
        self.training = creates_training(ctx.db.file)
        self.admin_page.demo.setVisible(self.training)
        self.admin_page.demo.setChecked(self.training)
        self.addPage(self.site_page)
        self.addPage(self.admin_page)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Welcome to Posko Desk: set-up"))
        for button, text in ((QWizard.WizardButton.BackButton, _("< &Back")),
                             (QWizard.WizardButton.NextButton, _("&Next >")),
                             (QWizard.WizardButton.FinishButton, _("&Finish")),
                             (QWizard.WizardButton.CancelButton, _("Cancel"))):
            self.setButtonText(button, text)
        self.site_page.retranslate_ui()
        self.admin_page.retranslate_ui()

    @property
    def wants_demo(self) -> bool:
        return self.training and self.admin_page.demo.isChecked()

    def accept(self) -> None:
        page = self.admin_page
        try:
            reference.init_site(self.ctx, self.site_page.site_code(), self.site_page.name.text(),
                                training=self.training)
            self.admin = accounts.create_first_admin(
                self.ctx, page.username.text(), page.password.text(), page.display_name.text())
        except PoskoError as err:
            logger.info("Set-up refused: %s", err.text_in("en"))
            show_message(page.message, err)
            return
        self.key = site_key.public_info(self.ctx)  # made with the first administrator
        logger.info("Set-up done: site %s, administrator %s, key %s", self.site_page.site_code(),
                    self.admin.username, self.key.short_fingerprint if self.key else "-")
        super().accept()

"""First run: which site is this installation (province or a regency office)?"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PROVINCE_CODE, PoskoError
from posko_desktop.core.i18n import _
from posko_desktop.core.services import reference
from posko_desktop.core.services.reference import SiteInfo
from posko_desktop.ui.training_mode import creates_training
from posko_desktop.ui.widgets.pickers import ValueCombo, regency_label

logger = logging.getLogger(__name__)


def default_site_name(code: str, label: str) -> str:
    if code == PROVINCE_CODE:
        return "Posko Desk Pilkada Provinsi Jawa Tengah"
    return "Posko Desk Pilkada {name}".format(name=label.split(" ", 1)[-1])


class FirstRunDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site: SiteInfo | None = None
        self.setObjectName("first_run")
        self.setMinimumWidth(520)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.site_combo = ValueCombo(self)
        self._regencies = reference.list_regencies(ctx)
        self.name = QLineEdit(self)
        self._name_touched = False
        self.name.textEdited.connect(lambda _t: setattr(self, "_name_touched", True))
        self.site_combo.currentIndexChanged.connect(self._suggest_name)
        self.demo = QCheckBox(self)
        self.training = creates_training(ctx.db.file)  # as the set-up wizard
        self.demo.setVisible(self.training)
        self.demo.setChecked(self.training)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b2182b;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.site_label = QLabel(self)
        self.site_label.setBuddy(self.site_combo)
        self.name_label = QLabel(self)
        self.name_label.setBuddy(self.name)
        form = QFormLayout()
        form.addRow(self.site_label, self.site_combo)
        form.addRow(self.name_label, self.name)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.demo)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate_ui()
        self._suggest_name()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Welcome to Posko Desk"))
        self.intro.setText(_("This database is new. Tell Posko Desk where it is used: the "
                             "provincial command post, or the office of one regency/city. "
                             "The choice cannot be changed later."))
        self.site_label.setText(_("&Site:"))
        self.name_label.setText(_("Site &name:"))
        self.demo.setText(_("Then load demo data (Muat data contoh) to try the app"))
        items = [(_("33 Central Java Province (provincial command post)"), (PROVINCE_CODE,))]
        items += [(regency_label(r), (r.code,)) for r in self._regencies]
        self.site_combo.set_items(items)
        if self.site_combo.currentIndex() < 0:
            self.site_combo.setCurrentIndex(0)

    def _suggest_name(self) -> None:
        if self._name_touched:
            return
        values = self.site_combo.values()
        if values:
            self.name.setText(default_site_name(values[0], self.site_combo.currentText()))

    @property
    def wants_demo(self) -> bool:
        return self.training and self.demo.isChecked()

    def accept(self) -> None:
        values = self.site_combo.values()
        try:
            self.site = reference.init_site(self.ctx, values[0] if values else "",
                                            self.name.text(), training=self.training)
        except PoskoError as err:
            logger.info("First run refused: %s", err.text_in("en"))
            self.error.setText(err.text())
            self.error.show()
            return
        # no signing key yet: it is made with the first administrator (services/site_key.py)
        logger.info("Site initialised: %s %s", self.site.code, self.site.name)
        super().accept()

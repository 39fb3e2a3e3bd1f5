"""The checklist shown before "Terbitkan": signer filled, period, counts, the sections
that would print "Nihil"; issuing stays disabled without a signer, and needs the box
ticked when F or H would print "Nihil" on a day with critical incidents."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.i18n import _, ngettext
from posko_desktop.core.services.report_archive import Checklist
from posko_desktop.ui.accounts.settings_form import setting_label


def missing_signer_fields(check: Checklist) -> str:
    """The empty signer fields, named as the settings page names them."""
    return ", ".join(setting_label(key) for key in check.signer_missing)


class IssueDialog(QDialog):
    def __init__(self, check: Checklist, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sitrep_issue_dialog")
        self.setWindowTitle(_("Issue the report"))
        self.check = check
        ok, bad = "✔", "✘"
        lines = [title, ""]
        if check.signer_ok:
            lines.append("{m} {t}".format(m=ok, t=_("Signer: name, position and NIP are filled")))
        else:
            lines.append("{m} {t}".format(m=bad, t=_("Signer not filled: {fields}. Fill them in "
                                                      "the settings first.").format(
                fields=missing_signer_fields(check))))
        lines.append("{m} {t}".format(m=ok, t=_("Period: {period}").format(
            period=check.period_text)))
        lines.append("{m} {t}".format(m=ok, t=ngettext(
            "{n} incident, {critical} critical, {notable} notable",
            "{n} incidents, {critical} critical, {notable} notable", check.new).format(
            n=check.new, critical=check.critical, notable=check.notable)))
        nihil = ", ".join(check.nihil_sections) or _("none")
        lines.append("{m} {t}".format(m=bad if check.needs_confirmation else ok,
                                      t=_("Sections printing \"Nihil\": {list}").format(list=nihil)))
        lines += ["", _("An issued report is archived and never changed; a mistake needs a "
                        "correction (a new number).")]
        self.text = QLabel("\n".join(lines), self)
        self.text.setObjectName("sitrep_checklist")
        self.text.setWordWrap(True)
        self.confirm = QCheckBox(_("Section(s) {sections} really have nothing to report "
                                   "although there are critical incidents").format(
            sections=", ".join(check.unconfirmed)), self)
        self.confirm.setObjectName("sitrep_confirm_nihil")
        self.confirm.setVisible(check.needs_confirmation)
        self.buttons = QDialogButtonBox(self)
        self.issue_button = self.buttons.addButton(_("Issue"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.issue_button.setObjectName("sitrep_issue_confirmed")
        self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.confirm.toggled.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        self.issue_button.setEnabled(self.check.signer_ok and (
            not self.check.needs_confirmation or self.confirm.isChecked()))

    def confirmed_nihil(self) -> bool:
        return self.confirm.isChecked()

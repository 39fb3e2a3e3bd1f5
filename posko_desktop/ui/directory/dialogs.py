"""The directory's two small editors: an agency (code, name, level, parent, address,
default answer time, active) and a contact person (name, function, phone, WhatsApp,
e-mail, note, active). Each passes the version it opened with; a stale save shows the
message and closes (the tab reloads on the change that made it stale); another refusal
is shown and the dialog stays open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import AgencyLevel, PoskoError, StaleEdit
from posko_desktop.core.i18n import _
from posko_desktop.core.services import directory
from posko_desktop.core.services.directory import AgencyEntry, ContactInfo
from posko_desktop.ui.errors import show_error


class _Editor(QDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)

    def _buttons(self) -> None:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)

    def _line(self, label: str, text: str, limit: int) -> QLineEdit:
        edit = QLineEdit(text, self)
        edit.setMaxLength(limit)
        self.form.addRow(label, edit)
        return edit

    def _try(self, call: Callable[[], Any]) -> None:
        try:
            call()
        except StaleEdit as err:
            show_error(self, err)
            self.reject()
            return
        except PoskoError as err:
            show_error(self, err)
            return
        self.accept()

    def save(self) -> None:
        raise NotImplementedError


class AgencyDialog(_Editor):
    """Add an agency (`agency` None; at the province) or change one."""

    def __init__(self, ctx: AppContext, agency: AgencyEntry | None, parents: list[AgencyEntry],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Agency"), parent)
        self.setObjectName("agency_dialog")
        self.ctx, self.agency = ctx, agency
        self.version = agency.version if agency is not None else None  # as the user saw it
        self.code = self._line(_("Code"), agency.code if agency else "", 20)
        self.code.setReadOnly(agency is not None)
        self.name = self._line(_("Name"), agency.name if agency else "", 120)
        self.level = QComboBox(self)
        for level in AgencyLevel:
            self.level.addItem(level.label, level.value)
        self.level.setCurrentIndex(self.level.findData(
            agency.level if agency else AgencyLevel.PROVINSI.value))
        self.form.addRow(_("Level"), self.level)
        self.parent_agency = QComboBox(self)
        self.parent_agency.addItem("—", None)
        for p in parents:
            if agency is None or p.code != agency.code:
                self.parent_agency.addItem("{n} ({c})".format(n=p.name, c=p.code), p.code)
        self.parent_agency.setCurrentIndex(max(0, self.parent_agency.findData(
            agency.parent_code if agency else None)))
        self.form.addRow(_("Under"), self.parent_agency)
        self.address = QPlainTextEdit(agency.address if agency else "", self)
        self.address.setMaximumHeight(60)
        self.form.addRow(_("Address"), self.address)
        self.answer_hours = QSpinBox(self)
        self.answer_hours.setRange(0, directory.ANSWER_HOURS_MAX)
        self.answer_hours.setSpecialValueText(_("none"))
        self.answer_hours.setValue(agency.answer_hours or 0 if agency else 0)
        self.form.addRow(_("Answer time (hours)"), self.answer_hours)
        self.active = QCheckBox(_("Active"), self)
        self.active.setChecked(agency.active if agency else True)
        self.active.setEnabled(agency is not None)
        self.form.addRow("", self.active)
        self._buttons()

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text(), "level": self.level.currentData(),
                "parent_code": self.parent_agency.currentData(),
                "address": self.address.toPlainText(),
                "answer_hours": self.answer_hours.value() or None,
                "active": self.active.isChecked()}

    def save(self) -> None:
        values = self.values()
        if self.agency is None:
            values.pop("active")
            self._try(lambda: directory.add_agency(self.ctx, self.code.text(), **values))
        else:
            code = self.agency.code
            self._try(lambda: directory.update_agency(self.ctx, code, values,
                                                      expected_version=self.version))


class ContactDialog(_Editor):
    """Add a contact person to `agency_code` (`contact` None) or change one."""

    def __init__(self, ctx: AppContext, agency_code: str, contact: ContactInfo | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Contact person"), parent)
        self.setObjectName("contact_dialog")
        self.ctx, self.agency_code, self.contact = ctx, agency_code, contact
        self.version = contact.version if contact is not None else None
        c = contact
        self.name = self._line(_("Name"), c.name if c else "", 120)
        self.function = self._line(_("Function"), c.function if c else "", 120)
        self.phone = self._line(_("Phone"), c.phone if c else "", 30)
        self.whatsapp = self._line(_("WhatsApp"), c.whatsapp if c else "", 30)
        self.email = self._line(_("E-mail"), c.email if c else "", 120)
        self.note = QPlainTextEdit(c.note if c else "", self)
        self.note.setMaximumHeight(60)
        self.form.addRow(_("Note"), self.note)
        self.active = QCheckBox(_("Active"), self)
        self.active.setChecked(c.active if c else True)
        self.active.setEnabled(c is not None)
        self.form.addRow("", self.active)
        self._buttons()

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text(), "function": self.function.text(),
                "phone": self.phone.text(), "whatsapp": self.whatsapp.text(),
                "email": self.email.text(), "note": self.note.toPlainText(),
                "active": self.active.isChecked()}

    def save(self) -> None:
        values = self.values()
        if self.contact is None:
            values.pop("active")
            self._try(lambda: directory.add_contact(self.ctx, self.agency_code, **values))
        else:
            contact_id = self.contact.id
            self._try(lambda: directory.update_contact(self.ctx, contact_id, values,
                                                       expected_version=self.version))

"""The new-referral form of the incident detail pane (issue 18): the agency (the route the
legal type suggests preselected), one of its contact persons from the directory, the
answer due time (the agency's default answer time from now, else 24 hours) and a note."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import _
from posko_desktop.core.services import directory
from posko_desktop.core.services.directory import AgencyEntry
from posko_desktop.core.services.incidents import IncidentDetail
from posko_desktop.core.taxonomy import suggested_agencies
from posko_desktop.ui.dialogs.incident_form import WibDateTimeEdit
from posko_desktop.ui.widgets.combo_fit import fit_combo

DEFAULT_ANSWER = timedelta(hours=24)


class ReferralForm(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.names: dict[str, str] = {}  # every agency's name by code (older referrals too)
        self._active: dict[str, AgencyEntry] = {}
        self._now = ctx.now()
        self.agency = QComboBox(self)
        self.agency.setObjectName("referral_agency")
        self.contact = fit_combo(QComboBox(self), 20)  # name, unit, numbers: whole in the list
        self.contact.setObjectName("referral_contact")
        self.suggestion = QLabel(self)  # the route the legal type suggests (core/taxonomy.py)
        self.suggestion.setObjectName("referral_suggestion")
        self.suggestion.setWordWrap(True)
        self.due_at = WibDateTimeEdit(self)
        self.referral_text = QLineEdit(self)
        self.refer_button = QPushButton(self)
        self.agency_label, self.contact_label = QLabel(self), QLabel(self)
        self.due_label, self.referral_text_label = QLabel(self), QLabel(self)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.agency_label, self.agency)
        form.addRow("", self.suggestion)
        form.addRow(self.contact_label, self.contact)
        form.addRow(self.due_label, self.due_at)
        form.addRow(self.referral_text_label, self.referral_text)
        form.addRow("", self.refer_button)
        form.setAlignment(self.refer_button, Qt.AlignmentFlag.AlignRight)
        self.load()
        self.agency.currentIndexChanged.connect(self._agency_changed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.agency_label.setText(_("Agency:"))
        self.contact_label.setText(_("Contact:"))
        self.due_label.setText(_("Answer due (WIB):"))
        self.referral_text_label.setText(_("Note:"))
        self.refer_button.setText(_("Refer to agency"))
        self._agency_changed()

    def load(self) -> None:
        """The directory as it is now (agencies and their active contacts)."""
        entries = directory.list_agencies(self.ctx, include_inactive=True, with_contacts=True)
        self.names = {a.code: a.name for a in entries}
        self._active = {a.code: a for a in entries if a.active}
        current = self.agency.currentData()
        self.agency.blockSignals(True)
        self.agency.clear()
        for a in sorted(self._active.values(), key=lambda a: a.name.casefold()):
            self.agency.addItem(a.name, a.code)
        if current in self._active:
            self.agency.setCurrentIndex(self.agency.findData(current))
        self.agency.blockSignals(False)

    def prepare(self, d: IncidentDetail, now: datetime) -> None:
        """For a new referral of `d`: the directory reloaded, the suggested agency chosen,
        its contacts listed, the due time from its answer time."""
        self._now = now
        self.load()
        route = [c for c in suggested_agencies(d.legal_type, d.category_code)
                 if c in self._active]
        if route:
            self.agency.setCurrentIndex(self.agency.findData(route[0]))
            self.suggestion.setText(_("Suggested: {agencies}").format(
                agencies=", ".join(self.names[c] for c in route)))
        else:
            self.suggestion.setText("")
        self.suggestion.setVisible(bool(route))
        self._agency_changed()

    def _agency_changed(self) -> None:
        entry = self._active.get(self.agency.currentData() or "")
        self.contact.clear()
        self.contact.addItem(_("— no contact person —"), None)
        for c in entry.contacts if entry is not None else ():
            self.contact.addItem(c.call_text, c.id)
        hours = entry.answer_hours if entry is not None else None
        self.due_at.set_value(self._now + (timedelta(hours=hours) if hours else DEFAULT_ANSWER))

    def contact_id(self) -> uuid.UUID | None:
        value = self.contact.currentData()
        return value if isinstance(value, uuid.UUID) else None

"""The Direktori tab (issue 18): the agencies by level with their parent and default answer
time, and the contact persons of the selected agency. Supervisors and administrators add
and change agencies (at the province) and contacts, and remove contacts, through dialogs
that pass the version they opened with. Loads off the GUI thread and reloads on every
DIRECTORY change (also those an import brings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import directory
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.directory import AgencyEntry, ContactInfo
from posko_desktop.core.services.directory_outputs import write_phone_list
from posko_desktop.core.spreadsheets.directory import export_directory
from posko_desktop.ui.directory.dialogs import AgencyDialog, ContactDialog
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tabs import TabHost

D = TypeVar("D", bound=QDialog)
AGENCY_COLUMNS = (N_("Code"), N_("Agency"), N_("Level"), N_("Under"),
                  N_("Answer time (hours)"), N_("Active"))
CONTACT_COLUMNS = (N_("Name"), N_("Function"), N_("Phone"), N_("WhatsApp"), N_("E-mail"),
                   N_("Active"))


def _table(parent: QWidget, columns: int, stretch: int) -> QTableWidget:
    table = QTableWidget(0, columns, parent)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    for column in range(columns):  # a title such as "Waktu jawab (jam)" shown whole
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    return table


class DirectoryTab(QWidget):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directory_tab")
        self.host = host
        self.ctx = host.ctx
        self.rows: list[AgencyEntry] = []
        self.loads = 0  # loads shown (tests wait on it)
        self.agencies = _table(self, len(AGENCY_COLUMNS), 1)
        self.contacts = _table(self, len(CONTACT_COLUMNS), 0)
        self.contacts_label = QLabel(self)
        self.add_agency_button, self.edit_agency_button = QPushButton(self), QPushButton(self)
        self.add_contact_button, self.edit_contact_button = QPushButton(self), QPushButton(self)
        self.remove_contact_button = QPushButton(self)
        self.export_button, self.phone_list_button = QPushButton(self), QPushButton(self)
        self.export_button.clicked.connect(lambda: self.export())
        self.phone_list_button.clicked.connect(lambda: self.phone_list())
        # the file dialog (tests replace it): (title, suggested name, filter) -> path or ""
        self.pick_save_path: Callable[[str, str, str], str] = self._ask_save_path
        self.manage = can(self.ctx.actor, Permission.DIRECTORY_MANAGE)
        for button, slot in ((self.add_agency_button, self.add_agency),
                             (self.edit_agency_button, self.edit_agency),
                             (self.add_contact_button, self.add_contact),
                             (self.edit_contact_button, self.edit_contact),
                             (self.remove_contact_button, self.remove_contact)):
            button.setVisible(self.manage)
            button.clicked.connect(lambda _c=False, s=slot: s())
        self.agencies.currentCellChanged.connect(lambda *_a: self._fill_contacts())
        self.contacts.currentCellChanged.connect(lambda *_a: self._enable_contact_buttons())
        top, bottom = QWidget(self), QWidget(self)
        tl, bl = QVBoxLayout(top), QVBoxLayout(bottom)
        tl.setContentsMargins(0, 0, 0, 0)
        bl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.agencies, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_agency_button)
        row.addWidget(self.edit_agency_button)
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.phone_list_button)
        tl.addLayout(row)
        bl.addWidget(self.contacts_label)
        bl.addWidget(self.contacts, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_contact_button)
        row.addWidget(self.edit_contact_button)
        row.addWidget(self.remove_contact_button)
        row.addStretch(1)
        bl.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    def tab_title(self) -> str:
        return _("Directory")

    def retranslate_ui(self) -> None:
        self.agencies.setHorizontalHeaderLabels([_(c) for c in AGENCY_COLUMNS])
        self.contacts.setHorizontalHeaderLabels([_(c) for c in CONTACT_COLUMNS])
        self.add_agency_button.setText(_("New agency…"))
        self.edit_agency_button.setText(_("Edit agency…"))
        self.add_contact_button.setText(_("New contact person…"))
        self.edit_contact_button.setText(_("Edit contact person…"))
        self.remove_contact_button.setText(_("Remove contact person"))
        self.export_button.setText(_("Export to Excel…"))
        self.phone_list_button.setText(_("Phone list (PDF)…"))
        self._fill()

    def reload(self) -> None:
        self.host.runner.run(directory.list_agencies, self.ctx, True, True,
                             on_done=self._loaded, on_error=lambda e: show_error(self, e))

    def _loaded(self, rows: list[AgencyEntry]) -> None:
        chosen = self.selected()
        self.rows = rows
        self._fill()
        if chosen is not None and chosen.code in [r.code for r in rows]:
            self.agencies.selectRow([r.code for r in rows].index(chosen.code))
        self.loads += 1

    def _fill(self) -> None:
        self.agencies.setRowCount(len(self.rows))
        for i, a in enumerate(self.rows):
            cells = (a.code, a.name, a.level_label, a.parent_code or "",
                     "" if a.answer_hours is None else str(a.answer_hours),
                     _("yes") if a.active else _("no"))
            for j, text in enumerate(cells):
                self.agencies.setItem(i, j, QTableWidgetItem(text))
        self._fill_contacts()

    def _fill_contacts(self) -> None:
        a = self.selected()
        shown = a.contacts if a is not None else ()
        self.contacts_label.setText(_("Contact persons of {agency}").format(agency=a.name)
                                    if a is not None else _("Choose an agency"))
        self.contacts.setRowCount(len(shown))
        for i, c in enumerate(shown):
            for j, text in enumerate((c.name, c.function, c.phone, c.whatsapp, c.email,
                                      _("yes") if c.active else _("no"))):
                self.contacts.setItem(i, j, QTableWidgetItem(text))
        for button in (self.add_contact_button, self.edit_agency_button):
            button.setEnabled(a is not None)
        self._enable_contact_buttons()

    def _enable_contact_buttons(self) -> None:
        chosen = self.selected_contact() is not None
        self.edit_contact_button.setEnabled(chosen)
        self.remove_contact_button.setEnabled(chosen)

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.DIRECTORY:
            self.reload()

    def selected(self) -> AgencyEntry | None:
        row = self.agencies.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def selected_contact(self) -> ContactInfo | None:
        a, row = self.selected(), self.contacts.currentRow()
        return a.contacts[row] if a is not None and 0 <= row < len(a.contacts) else None

    # --- editing (dialogs read the record when they open: the version the user sees) ---

    def add_agency(self) -> AgencyDialog:
        return self._open(AgencyDialog(self.ctx, None, self.rows, self))

    def edit_agency(self) -> AgencyDialog | None:
        a = self.selected()
        if a is None:
            return None
        return self._open(AgencyDialog(self.ctx, directory.get_agency(self.ctx, a.code),
                                       self.rows, self))

    def add_contact(self) -> ContactDialog | None:
        a = self.selected()
        return None if a is None else self._open(ContactDialog(self.ctx, a.code, None, self))

    def edit_contact(self) -> ContactDialog | None:
        c = self.selected_contact()
        if c is None:
            return None
        return self._open(ContactDialog(self.ctx, c.agency_code,
                                        directory.get_contact(self.ctx, c.id), self))

    def remove_contact(self) -> bool:
        c = self.selected_contact()
        if c is None:
            return False
        try:
            directory.remove_contact(self.ctx, c.id, expected_version=c.version)
        except PoskoError as err:
            show_error(self, err)
            self.reload()
            return False
        self.host.status_message(_("{name} removed from the directory").format(name=c.name))
        return True

    # --- outputs (off the GUI thread) ---

    def _ask_save_path(self, title: str, suggested: str, file_filter: str) -> str:
        name, _filter = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return name

    def export(self) -> None:
        """The directory to XLSX (`posko agency export`)."""
        name = self.pick_save_path(_("Export to Excel…"), "direktori-posko.xlsx",
                                   "Excel (*.xlsx)")
        if name:
            self.host.runner.run(export_directory, self.ctx, Path(name), on_done=lambda n:
                                 self.host.status_message(_("{count} contact persons written "
                                                            "to {path}").format(count=n,
                                                                                path=name)),
                                 on_error=lambda e: show_error(self, e))

    def phone_list(self) -> None:
        """The one-page phone list as PDF (`posko agency phone-list`)."""
        name = self.pick_save_path(_("Phone list (PDF)…"), "daftar-telepon-posko.pdf",
                                   "PDF (*.pdf)")
        if name:
            self.host.runner.run(write_phone_list, self.ctx, Path(name), on_done=lambda n:
                                 self.host.status_message(_("Phone list with {count} contact "
                                                            "persons written to {path}").format(
                                                                count=n, path=name)),
                                 on_error=lambda e: show_error(self, e))

    def _open(self, dialog: D) -> D:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

"""The reporting units tab: every unit with its type, cadence and state; an admin adds an
agency/OPD (at the province) and changes a unit through a small dialog that passes the
version it opened with (a stale save shows the message and reloads). Loads off the GUI
thread and reloads on every REPORTING_UNIT change (also those an import brings)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Cadence, PoskoError, StaleEdit, UnitType
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.core.services import units
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.units import UnitInfo
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tabs import TabHost

COLUMNS = ("Code", "Reporting unit", "Type", "Cadence", "Active")


class UnitDialog(QDialog):
    """Add an agency unit (`unit` None) or change one; saves on the GUI thread (one small
    write) and closes, or shows the refusal and stays open."""

    def __init__(self, ctx: AppContext, unit: UnitInfo | None, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("unit_dialog")
        self.ctx, self.unit = ctx, unit
        self.version = unit.version if unit is not None else None  # what the user was shown
        self.setWindowTitle(_("Reporting unit"))
        form = QFormLayout(self)
        self.code = QLineEdit(unit.code if unit else "", self)
        self.code.setReadOnly(unit is not None)
        self.code.setMaxLength(20)
        self.name = QLineEdit(unit.name if unit else "", self)
        self.name.setMaxLength(120)
        self.cadence = QComboBox(self)
        for c in Cadence:
            self.cadence.addItem(c.label, c.value)
        self.cadence.setCurrentIndex(self.cadence.findData(unit.cadence if unit else
                                                           Cadence.DAILY.value))
        self.active = QCheckBox(_("Active"), self)
        self.active.setChecked(unit.active if unit else True)
        self.active.setEnabled(unit is not None)
        form.addRow(_("Code"), self.code)
        form.addRow(_("Name"), self.name)
        form.addRow(_("Cadence"), self.cadence)
        form.addRow("", self.active)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            if self.unit is None:
                units.add_unit(self.ctx, self.code.text(), self.name.text(),
                               self.cadence.currentData())
            else:
                units.update_unit(self.ctx, self.unit.code, {
                    "name": self.name.text(), "cadence": self.cadence.currentData(),
                    "active": self.active.isChecked()}, expected_version=self.version)
        except StaleEdit as err:
            show_error(self, err)
            self.reject()  # the tab reloads on the change that made it stale
            return
        except PoskoError as err:
            show_error(self, err)
            return
        self.accept()


class UnitsTab(QWidget):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("units_tab")
        self.host = host
        self.ctx = host.ctx
        self.rows: list[UnitInfo] = []
        self.loads = 0  # loads shown (tests wait on it)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (2, 3):  # type and cadence shown whole (a few dozen rows)
            self.table.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        manage = can(self.ctx.actor, Permission.UNITS_MANAGE)
        for b in (self.add_button, self.edit_button):
            b.setVisible(manage)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        if manage:
            self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    def tab_title(self) -> str:
        return _("Reporting units")

    def retranslate_ui(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.add_button.setText(_("New agency unit…"))
        self.edit_button.setText(_("Edit…"))
        self._fill()

    def reload(self) -> None:
        self.host.runner.run(units.list_units, self.ctx, True, on_done=self._loaded,
                             on_error=lambda e: show_error(self, e))

    def _loaded(self, rows: list[UnitInfo]) -> None:
        self.rows = rows
        self._fill()
        self.loads += 1

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rows))
        for i, u in enumerate(self.rows):
            cells = (u.code, u.name, UnitType(u.unit_type).label, Cadence(u.cadence).label,
                     _("yes") if u.active else _("no"))
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.REPORTING_UNIT:
            self.reload()

    def selected(self) -> UnitInfo | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def add(self) -> UnitDialog:
        return self._open(UnitDialog(self.ctx, None, self))

    def edit_selected(self) -> UnitDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        # the version the user is shown: read now, when the dialog opens
        return self._open(UnitDialog(self.ctx, units.get_unit(self.ctx, chosen.code), self))

    def _open(self, dialog: UnitDialog) -> UnitDialog:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

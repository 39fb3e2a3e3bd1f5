"""The activities tab: the desk's own activities of a period, filtered by kind and regency;
add, edit, delete (supervisors) and export to Excel. The list loads off the GUI thread and
reloads on every ACTIVITY change (also those an import brings)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
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

from posko_desktop.core.domain import ActivityKind, PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.core.services import activities, reference
from posko_desktop.core.services.activities import ActivityFilter, ActivityInfo
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.spreadsheets.activities import export_activities
from posko_desktop.core.textrules import format_datetime_wib
from posko_desktop.core.timeutil import wib_date, wib_range
from posko_desktop.ui.activities.dialog import ActivityDialog
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tabs import TabHost

logger = logging.getLogger(__name__)

COLUMNS = ("Number", "Start (WIB)", "Kind", "Title", "Regencies", "Partners", "Result")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ActivitiesTab(QWidget):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activities_tab")
        self.host = host
        self.ctx = host.ctx
        self.rows: list[ActivityInfo] = []
        self.loads = 0  # loads shown (tests wait on it)
        self._generation = 0  # of the newest reload asked for
        today = wib_date(self.ctx.now())
        self.first = QDateEdit(_qdate(today - timedelta(days=6)), self)
        self.last = QDateEdit(_qdate(today), self)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
            edit.dateChanged.connect(self.reload)
        self.kind = QComboBox(self)
        self.regency = QComboBox(self)
        self.regency.addItem("", None)
        for r in reference.list_regencies(self.ctx):
            self.regency.addItem("{c} {n}".format(c=r.code, n=r.full_name), r.code)
        self.kind.currentIndexChanged.connect(self.reload)
        self.regency.currentIndexChanged.connect(self.reload)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.delete_button = QPushButton(self)
        self.export_button = QPushButton(self)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button.clicked.connect(self.export)
        self.delete_button.setVisible(can(self.ctx.actor, Permission.ACTIVITY_MANAGE))
        self.labels = [QLabel(self) for _i in range(4)]

        filters = QHBoxLayout()
        for label, widget in zip(self.labels, (self.first, self.last, self.kind, self.regency),
                                 strict=True):
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    # --- FeatureTab ------------------------------------------------------------------------

    def tab_title(self) -> str:
        return _("Activities")

    def retranslate_ui(self) -> None:
        for label, text in zip(self.labels, (_("From"), _("Until"), _("Kind"), _("Regency")),
                               strict=True):
            label.setText(text)
        current = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        self.kind.addItem(_("All kinds"), None)
        for k in ActivityKind:
            self.kind.addItem(k.label, k.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
        self.kind.blockSignals(False)
        self.regency.setItemText(0, _("All regencies"))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.add_button.setText(_("New activity…"))
        self.edit_button.setText(_("Edit…"))
        self.delete_button.setText(_("Delete"))
        self.export_button.setText(_("Export to Excel…"))
        self._fill()

    # --- loading ---------------------------------------------------------------------------

    def current_filter(self) -> ActivityFilter:
        first, last = self.first.date().toPython(), self.last.date().toPython()
        start, end = wib_range(first, last)  # type: ignore[arg-type]
        return ActivityFilter(start, end, self.kind.currentData(), self.regency.currentData())

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        self.host.runner.run(activities.list_activities, self.ctx, self.current_filter(),
                             on_done=lambda rows: self._loaded(rows, generation),
                             on_error=lambda e: show_error(self, e))

    def _loaded(self, rows: list[ActivityInfo], generation: int) -> None:
        if generation != self._generation:  # an older filter's answer came late: dropped
            return
        self.rows = rows
        self._fill()
        self.loads += 1

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rows))
        for i, a in enumerate(self.rows):
            cells = (a.number, format_datetime_wib(a.started_at), a.kind_label, a.title,
                     ", ".join(a.regencies), ", ".join(a.partners), a.result)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(a.id))
                self.table.setItem(i, j, item)

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.ACTIVITY:
            self.reload()

    def selected(self) -> ActivityInfo | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # --- actions ---------------------------------------------------------------------------

    def add(self) -> ActivityDialog:
        return self._open(ActivityDialog(self.ctx, None, self))

    def edit_selected(self) -> ActivityDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        # the version the user is shown: read now, when the dialog opens
        return self._open(ActivityDialog(self.ctx, activities.get_activity(self.ctx, chosen.id),
                                         self))

    def _open(self, dialog: ActivityDialog) -> ActivityDialog:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        answer = QMessageBox.question(self, _("Delete"), _("Delete activity {number}?").format(
            number=chosen.number))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            activities.set_deleted(self.ctx, chosen.id, True,
                                   expected_version=chosen.version)
        except PoskoError as err:
            show_error(self, err)
            self.reload()

    def export(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, _("Export to Excel…"),
                                                    "kegiatan-posko.xlsx", "Excel (*.xlsx)")
        if not name:
            return
        self.host.runner.run(export_activities, self.ctx, self.current_filter(), name,
                             on_done=lambda n: self.host.status_message(
                                 _("{count} activities written to {file}").format(
                                     count=n, file=name)),
                             on_error=lambda e: show_error(self, e))

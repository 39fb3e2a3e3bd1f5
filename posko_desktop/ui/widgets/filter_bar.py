"""Filter bar of the incident log: every control maps to a field of `IncidentFilter`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import Severity, Status
from posko_desktop.core.i18n import _
from posko_desktop.core.services import reference
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.ui.widgets.combo_fit import fit_combo
from posko_desktop.ui.widgets.pickers import CategoryCombo, EnumCombo, RegencyCombo

SEARCH_DELAY_MS = 300
NO_DATE = QDate(2020, 1, 1)  # the minimum: shown as "—", meaning no bound


def _qdate(day: date | None) -> QDate:
    return QDate(day.year, day.month, day.day) if day else NO_DATE


def _pydate(value: QDate) -> date | None:
    if value <= NO_DATE:
        return None
    return date(value.year(), value.month(), value.day())


class DateBound(QDateEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd-MM-yyyy")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText("—")
        self.setDate(NO_DATE)

    def day(self) -> date | None:
        return _pydate(self.date())

    def set_day(self, day: date | None) -> None:
        self.setDate(_qdate(day))


class FilterBar(QWidget):
    changed = Signal(object)  # IncidentFilter

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._extra = IncidentFilter()  # fields the bar has no control for (kept as given)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("filter_search")
        self.regency = RegencyCombo(reference.list_regencies(ctx), lambda: _("All regencies/cities"), self)
        self.regency.setMinimumWidth(220)
        self.category = CategoryCombo(reference.list_categories(ctx), lambda: _("All categories"),
                                      parent=self)
        fit_combo(self.category, 30)  # long category names: elided, whole in the list
        self.severity = EnumCombo(list(Severity), lambda: _("All severities"), self)
        self.status = EnumCombo(list(Status), lambda: _("All statuses"), self)
        self.date_from = DateBound(self)
        self.date_to = DateBound(self)
        self.overdue = QCheckBox(self)
        self.deleted = QCheckBox(self)
        self.reset_button = QPushButton(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("row_count")
        self.search_label = QLabel(self)
        self.from_label = QLabel(self)
        self.to_label = QLabel(self)
        for label, buddy in ((self.search_label, self.search), (self.from_label, self.date_from),
                             (self.to_label, self.date_to)):
            label.setBuddy(buddy)

        row1 = QHBoxLayout()
        row1.addWidget(self.search_label)
        row1.addWidget(self.search, 3)
        row1.addWidget(self.regency, 2)
        row1.addWidget(self.category, 2)
        row2 = QHBoxLayout()
        row2.addWidget(self.severity)
        row2.addWidget(self.status)
        row2.addWidget(self.from_label)
        row2.addWidget(self.date_from)
        row2.addWidget(self.to_label)
        row2.addWidget(self.date_to)
        row2.addWidget(self.overdue)
        row2.addWidget(self.deleted)
        row2.addWidget(self.reset_button)
        row2.addStretch(1)
        row2.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row1)
        layout.addLayout(row2)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._emit_now)
        self.regency.currentIndexChanged.connect(self._emit)
        for combo in (self.category, self.severity, self.status):
            combo.currentIndexChanged.connect(self._emit)
        self.date_from.dateChanged.connect(self._emit)
        self.date_to.dateChanged.connect(self._emit)
        self.overdue.toggled.connect(self._emit)
        self.deleted.toggled.connect(self._emit)
        self.reset_button.clicked.connect(lambda: self.set_filter(IncidentFilter()))
        self._last: IncidentFilter | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.search_label.setText(_("&Search:"))
        self.search.setPlaceholderText(_("Title, description, place…"))
        self.from_label.setText(_("From:"))
        self.to_label.setText(_("To:"))
        self.date_from.setToolTip(_("First day (WIB); — means no limit"))
        self.date_to.setToolTip(_("Last day (WIB); — means no limit"))
        self.overdue.setText(_("Overdue only"))
        self.deleted.setText(_("Show deleted"))
        self.reset_button.setText(_("Reset filter"))
        for combo in (self.regency, self.category, self.severity, self.status):
            combo.blockSignals(True)
            combo.retranslate_ui()
            combo.blockSignals(False)

    def filter(self) -> IncidentFilter:
        return replace(
            self._extra,
            regencies=self.regency.values(),
            categories=self.category.values(),
            severities=self.severity.values(),
            statuses=self.status.values(),
            date_from=self.date_from.day(),
            date_to=self.date_to.day(),
            text=self.search.text().strip(),
            include_deleted=self.deleted.isChecked(),
            overdue_at=self.ctx.now() if self.overdue.isChecked() else None,
        )

    def set_filter(self, flt: IncidentFilter) -> None:
        """Show `flt` in the controls and emit it once."""
        widgets = (self.search, self.regency, self.category, self.severity, self.status,
                   self.date_from, self.date_to, self.overdue, self.deleted)
        for w in widgets:
            w.blockSignals(True)
        try:
            self._extra = replace(IncidentFilter(), deleted_only=flt.deleted_only)
            self.search.setText(flt.text)
            self.regency.set_values(flt.regencies, emit=False)
            self.category.set_values(flt.categories, emit=False)
            self.severity.set_values(flt.severities, emit=False)
            self.status.set_values(flt.statuses, emit=False)
            self.date_from.set_day(flt.date_from)
            self.date_to.set_day(flt.date_to)
            self.overdue.setChecked(flt.overdue_at is not None)
            self.deleted.setChecked(flt.include_deleted or flt.deleted_only)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._search_timer.stop()
        self._emit()

    def set_count(self, text: str) -> None:
        self.count_label.setText(text)

    def _emit_now(self) -> None:
        self._search_timer.stop()
        self._emit()

    def _emit(self) -> None:
        flt = self.filter()
        if flt != self._last:
            self._last = flt
            self.changed.emit(flt)

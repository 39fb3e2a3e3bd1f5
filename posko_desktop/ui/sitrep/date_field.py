"""A date field that takes a typed date as it is written (27-11-2024, 27/11/2024,
2024-11-27) and a calendar popup in which every day, past or future, can be picked.

QDateEdit edits section by section: typing "27-11-2024" over a selected date left it at
"06-11-2026" (the digits went into the wrong sections). Here the text is parsed as a
whole when the user presses Enter or leaves the field."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from posko_desktop.core.i18n import _

FIRST, LAST = QDate(2020, 1, 1), QDate(2100, 12, 31)
_DMY = re.compile(r"^\s*(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{4})\s*$")
_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DIGITS = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


def parse_date(text: str) -> date | None:
    """'27-11-2024', '27/11/2024', '27.11.2024', '27112024' or '2024-11-27'; None otherwise."""
    for pattern, order in ((_DMY, (2, 1, 0)), (_DIGITS, (2, 1, 0)), (_YMD, (0, 1, 2))):
        match = pattern.match(text or "")
        if match:
            parts = [int(x) for x in match.groups()]
            try:
                day = date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
            return day if FIRST.year() <= day.year <= LAST.year() else None
    return None


class DateField(QWidget):
    """QDateEdit's small API (`date()`, `setDate()`, `dateChanged`) over a line edit."""

    dateChanged = Signal(QDate)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._date = QDate.currentDate()
        self.edit = QLineEdit(self)
        self.edit.setObjectName("sitrep_date_text")
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.calendar = QCalendarWidget(self)
        self.calendar.setDateRange(FIRST, LAST)  # past days stay selectable
        self.calendar.setGridVisible(True)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.button.setMenu(menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.edit.editingFinished.connect(self._typed)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self._show()

    def date(self) -> QDate:
        return QDate(self._date)

    def setDate(self, value: QDate) -> None:
        if not value.isValid():
            return
        changed = value != self._date
        self._date = QDate(value)
        self._show()
        if changed:
            self.dateChanged.emit(QDate(value))

    def retranslate_ui(self) -> None:
        self._show()

    def _show(self) -> None:
        self.edit.setText(self._date.toString("dd-MM-yyyy"))
        self.edit.setStyleSheet("")
        self.edit.setToolTip(_("Type a date as 27-11-2024, or pick it in the calendar"))
        self.calendar.setSelectedDate(self._date)

    def _typed(self) -> None:
        day = parse_date(self.edit.text())
        if day is None:
            self.edit.setStyleSheet("QLineEdit { border: 1px solid #a01010; }")
            self.edit.setToolTip(_("Not a date: type it as 27-11-2024"))
            return
        self.setDate(QDate(day.year, day.month, day.day))

    def _picked(self, value: QDate) -> None:
        menu = self.button.menu()
        if menu is not None:
            menu.hide()
        self.setDate(value)

    def focus_text(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edit.selectAll()

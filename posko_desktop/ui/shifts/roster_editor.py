"""The duty roster editor (issue 18, supervisors): one day's three shifts side by side; add
an officer with a duty, remove one, move one to another shift. Every action is one service
call (`shifts.set_roster`, `shifts.move_officer`: audited), the lists reload after it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.i18n import _
from posko_desktop.core.services import shifts
from posko_desktop.core.services.shifts import RosterLine
from posko_desktop.core.shifts import Shift
from posko_desktop.core.timeutil import wib_date
from posko_desktop.ui.errors import show_error

OFFICER = Qt.ItemDataRole.UserRole  # (user name, duty) of a list row


class RosterEditor(QDialog):
    def __init__(self, ctx: AppContext, day: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roster_editor")
        self.ctx = ctx
        self.setWindowTitle(_("Duty roster"))
        first = day or wib_date(ctx.now())
        self.day = QDateEdit(QDate(first.year, first.month, first.day), self)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd-MM-yyyy")
        self.day.dateChanged.connect(lambda _d: self.reload())
        self.lists: dict[str, QListWidget] = {}
        grid = QGridLayout()
        for col, sh in enumerate(Shift):
            grid.addWidget(QLabel(sh.label, self), 0, col)
            box = QListWidget(self)
            box.setObjectName("roster_" + sh.value)
            self.lists[sh.value] = box
            grid.addWidget(box, 1, col)
        self.officer = QComboBox(self)
        self.officer.setObjectName("roster_officer")
        for username, name in shifts.officers(ctx):
            self.officer.addItem("{n} ({u})".format(n=name, u=username), username)
        self.duty = QLineEdit(self)
        self.duty.setPlaceholderText(_("Duty, e.g. Polda (optional)"))
        self.shift = QComboBox(self)
        for sh in Shift:
            self.shift.addItem(sh.label, sh.value)
        self.add_button = QPushButton(_("&Add"), self)
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton(_("&Remove the selected"), self)
        self.remove_button.clicked.connect(self.remove)
        self.move_target = QComboBox(self)
        for sh in Shift:
            self.move_target.addItem(sh.label, sh.value)
        self.move_button = QPushButton(_("&Move the selected to"), self)
        self.move_button.clicked.connect(self.move_selected)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Day"), self))
        top.addWidget(self.day)
        top.addStretch(1)
        adding = QHBoxLayout()
        for w in (self.officer, self.duty, self.shift, self.add_button):
            adding.addWidget(w)
        acting = QHBoxLayout()
        for w in (self.remove_button, self.move_button, self.move_target):
            acting.addWidget(w)
        acting.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addLayout(adding)
        layout.addLayout(acting)
        layout.addWidget(buttons)
        self.reload()

    def current_day(self) -> date:
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def reload(self) -> None:
        day = self.current_day()
        for box in self.lists.values():
            box.clear()
        for line in shifts.roster(self.ctx, day, day):
            self._add_row(line)

    def _add_row(self, line: RosterLine) -> None:
        label = line.name or line.username
        text = "{n} — {d}".format(n=label, d=line.duty) if line.duty else label
        item = QListWidgetItem(text, self.lists[line.shift])
        item.setData(OFFICER, (line.username, line.duty))

    def officers_on(self, shift: str) -> list[tuple[str, str]]:
        box = self.lists[shift]
        return [tuple(box.item(i).data(OFFICER)) for i in range(box.count())]

    def selected(self) -> tuple[str, tuple[str, str]] | None:
        for shift, box in self.lists.items():
            item = box.currentItem()
            if item is not None and item.isSelected():
                return shift, tuple(item.data(OFFICER))
        return None

    def _run(self, action: object) -> bool:
        try:
            action()  # type: ignore[operator]
        except PoskoError as err:
            show_error(self, err)
            return False
        finally:
            self.reload()
        return True

    def add(self) -> bool:
        shift, username = self.shift.currentData(), self.officer.currentData()
        if username is None:
            return False
        shown = self.officers_on(shift)  # what the user sees is the version edited
        others = [o for o in shown if o[0] != username]
        officers = [*others, (username, self.duty.text())]
        done = self._set(shift, officers, shown)
        if done:
            self.duty.clear()
        return done

    def remove(self) -> bool:
        chosen = self.selected()
        if chosen is None:
            return False
        shift, (username, _duty) = chosen
        shown = self.officers_on(shift)
        left = [o for o in shown if o[0] != username]
        return self._set(shift, left, shown)

    def _set(self, shift: str, officers: list[tuple[str, str]],
             shown: list[tuple[str, str]]) -> bool:
        """Replace the shift's officers; refused if it changed since `shown` was loaded."""
        return self._run(lambda: shifts.set_roster(
            self.ctx, self.current_day(), shift, officers,
            expected_version=shifts.roster_version(shown)))

    def move_selected(self) -> bool:
        chosen = self.selected()
        if chosen is None:
            return False
        shift, (username, _duty) = chosen
        return self._run(lambda: shifts.move_officer(self.ctx, self.current_day(), shift,
                                                     self.move_target.currentData(), username))

"""The Piket tab (issue 18): the last handover with its acknowledgement, writing the
handover of the shift running now, and the duty roster of the coming week (printable).
Loads off the GUI thread; reloads on SHIFT changes."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.core.services import shifts
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.shifts import HandoverInfo, RosterLine
from posko_desktop.core.shifts import Shift
from posko_desktop.core.timeutil import wib_date
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.shifts.dialog import HandoverDialog
from posko_desktop.ui.shifts.roster_editor import RosterEditor
from posko_desktop.ui.shifts.view import handover_html
from posko_desktop.ui.tabs import TabHost

logger = logging.getLogger(__name__)
ROSTER_DAYS = 7


def _state(ctx: Any) -> tuple[HandoverInfo | None, list[RosterLine]]:
    today = wib_date(ctx.now())
    return shifts.latest_handover(ctx), shifts.roster(ctx, today,
                                                      today + timedelta(days=ROSTER_DAYS - 1))


class ShiftsTab(QWidget):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shifts_tab")
        self.host = host
        self.ctx = host.ctx
        self.latest: HandoverInfo | None = None
        self.loads = 0  # loads shown (tests wait on it)
        self.handover = QTextBrowser(self)
        self.note = QPlainTextEdit(self)
        self.note.setMaximumHeight(90)
        self.write_button = QPushButton(self)
        self.write_button.clicked.connect(self.write_handover)
        self.ack_button = QPushButton(self)
        self.ack_button.clicked.connect(self.acknowledge)
        self.roster_label = QLabel(self)
        self.roster = QTableWidget(0, 4, self)
        self.roster.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.roster.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.print_button = QPushButton(self)
        self.print_button.clicked.connect(self.print_roster)
        self.edit_roster_button = QPushButton(self)
        self.edit_roster_button.setObjectName("edit_roster_button")
        self.edit_roster_button.clicked.connect(self.edit_roster)
        self.edit_note_button = QPushButton(self)
        self.edit_note_button.setObjectName("edit_note_button")
        self.edit_note_button.clicked.connect(self.open_handover)
        self.dialog: QDialog | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.write_button)
        buttons.addWidget(self.edit_note_button)
        buttons.addWidget(self.ack_button)
        buttons.addStretch(1)
        roster_buttons = QHBoxLayout()
        roster_buttons.addWidget(self.edit_roster_button)
        roster_buttons.addWidget(self.print_button)
        roster_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.handover, 3)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.roster_label)
        layout.addWidget(self.roster, 2)
        layout.addLayout(roster_buttons)
        may = can(self.ctx.actor, Permission.SHIFT_HANDOVER)
        self.write_button.setEnabled(may)
        self.note.setEnabled(may)
        self.edit_roster_button.setEnabled(can(self.ctx.actor, Permission.SHIFT_ROSTER))
        host.events.changed.connect(self._on_change)
        self.retranslate_ui()
        self.reload()

    def tab_title(self) -> str:
        return _("Shifts")

    def retranslate_ui(self) -> None:
        self.note.setPlaceholderText(_("Note for the next shift (optional)"))
        self.write_button.setText(_("&Write the handover of this shift"))
        self.ack_button.setText(_("&Acknowledge the last handover"))
        self.roster_label.setText(_("Duty roster, the next {n} days").format(n=ROSTER_DAYS))
        self.roster.setHorizontalHeaderLabels([_("Day"), _("Shift"), _("Officer"), _("Duty")])
        self.print_button.setText(_("&Print the roster…"))
        self.edit_roster_button.setText(_("&Edit the roster…"))
        self.edit_note_button.setText(_("Open the last handover…"))
        self._show_handover()

    def reload(self) -> None:
        self.host.runner.run(_state, self.ctx, on_done=self._loaded,
                             on_error=lambda e: show_error(self, e))

    def _loaded(self, state: tuple[HandoverInfo | None, list[RosterLine]]) -> None:
        self.latest, lines = state
        self._show_handover()
        self.roster.setRowCount(len(lines))
        for i, r in enumerate(lines):
            for j, text in enumerate((r.day.isoformat(), Shift(r.shift).label,
                                      r.name or r.username, r.duty)):
                self.roster.setItem(i, j, QTableWidgetItem(text))
        self.loads += 1

    def _show_handover(self) -> None:
        h = self.latest
        self.handover.setHtml(handover_html(h))
        self.edit_note_button.setEnabled(h is not None)
        self.ack_button.setEnabled(h is not None and h.acknowledged_by is None
                                   and h.created_by != self.ctx.actor.username
                                   and can(self.ctx.actor, Permission.SHIFT_HANDOVER))

    def write_handover(self) -> None:
        self.host.runner.run(shifts.create_handover, self.ctx, self.note.toPlainText(),
                             on_done=self._written, on_error=lambda e: show_error(self, e))

    def _written(self, info: HandoverInfo) -> None:
        self.note.clear()
        self.host.status_message(_("Handover written with {n} open items").format(
            n=len(info.items)))

    def acknowledge(self) -> None:
        h = self.latest
        if h is None:
            return
        self.host.runner.run(lambda: shifts.acknowledge(self.ctx, h.id,
                                                        expected_version=h.version),
                             on_done=lambda _i: self.host.status_message(
                                 _("Handover acknowledged")),
                             on_error=self._ack_refused)

    def _ack_refused(self, err: BaseException) -> None:
        show_error(self, err)
        self.reload()

    def edit_roster(self) -> RosterEditor:
        self.dialog = RosterEditor(self.ctx, parent=self)
        self.dialog.open()
        return self.dialog

    def open_handover(self) -> HandoverDialog | None:
        """The last handover in its dialog: its note editable until acknowledged."""
        if self.latest is None:
            return None
        self.dialog = HandoverDialog(self.ctx, shifts.get_handover(self.ctx, self.latest.id),
                                     self)
        self.dialog.open()
        return self.dialog

    def print_roster(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, _("Print the roster"),
                                                    "piket.pdf", "PDF (*.pdf)")
        if not name:
            return
        today = wib_date(self.ctx.now())
        self.host.runner.run(shifts.write_roster_pdf, self.ctx, today,
                             today + timedelta(days=ROSTER_DAYS - 1), Path(name),
                             on_done=lambda p: self.host.status_message(
                                 _("Roster written to {path}").format(path=p)),
                             on_error=lambda e: show_error(self, e))

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.SHIFT, ChangeKind.INCIDENT, ChangeKind.USER):
            self.reload()

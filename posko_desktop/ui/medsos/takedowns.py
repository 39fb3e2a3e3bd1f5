"""The take-down register: requests with their age, when they are to be re-checked (overdue
rows tinted) and the platform; submit a request, record a re-check, write the request
letter (draft, or issued with a number into the report archive) and the register (XLSX)."""

from __future__ import annotations

import logging
import uuid

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.medsos.outputs import RegisterRow
from posko_desktop.core.medsos.vocab import Addressee, TakedownStatus
from posko_desktop.core.reports.takedown_pdf import TakedownLetterOptions
from posko_desktop.core.services import report_archive
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.medsos import outputs, takedowns
from posko_desktop.core.services.medsos.takedowns import TakedownFilter
from posko_desktop.core.textrules import format_datetime
from posko_desktop.ui.medsos.common import (
    OVERDUE,
    MedsosPage,
    fill_table,
    make_table,
    refill_choices,
    saved_message,
    write_file,
)
from posko_desktop.ui.tabs import TabHost

logger = logging.getLogger(__name__)

COLUMNS = (N_("Request"), N_("Case"), N_("Addressee"), N_("Platform"), N_("Status"),
           N_("Submitted (WIB)"), N_("Age (days)"), N_("Re-check due (WIB)"), N_("Last result"),
           N_("Ticket or letter number"))


def load_register(ctx: AppContext, flt: TakedownFilter) -> list[RegisterRow]:
    return outputs.register_rows(ctx, flt)


def issue_and_save(ctx: AppContext, options: TakedownLetterOptions, path: str) -> str:
    info = outputs.issue_letter(ctx, options)
    _info, pdf = report_archive.issued_pdf(ctx, info.number)
    write_file(path, pdf)
    return info.number


class TakedownPage(MedsosPage):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(host, parent)
        self.setObjectName("medsos_takedowns")
        self.rows: list[RegisterRow] = []
        self._generation = 0
        self.open_only = QCheckBox(self)
        self.open_only.setChecked(True)
        self.addressee = QComboBox(self)
        self.addressee_label = QLabel(self)
        self.open_only.toggled.connect(self.reload)
        self.addressee.currentIndexChanged.connect(self.reload)
        self.table = make_table(self, len(COLUMNS), stretch=9)
        for column, width in ((0, 130), (1, 150), (2, 160), (3, 90), (4, 100), (5, 120),
                              (6, 85), (7, 160), (8, 110)):
            self.table.setColumnWidth(column, width)
        self.submit_button = QPushButton(self)
        self.up_button = QPushButton(self)
        self.down_button = QPushButton(self)
        self.draft_button = QPushButton(self)
        self.issue_button = QPushButton(self)
        self.export_button = QPushButton(self)
        self.submit_button.clicked.connect(self.submit)
        self.up_button.clicked.connect(lambda: self.recheck("up"))
        self.down_button.clicked.connect(lambda: self.recheck("down"))
        self.draft_button.clicked.connect(self.draft_letter)
        self.issue_button.clicked.connect(self.issue_letter)
        self.export_button.clicked.connect(self.export)
        decide = can(self.ctx.actor, Permission.MEDSOS_DECIDE)
        self.submit_button.setVisible(decide)
        self.issue_button.setVisible(decide)
        filters = QHBoxLayout()
        filters.addWidget(self.open_only)
        filters.addWidget(self.addressee_label)
        filters.addWidget(self.addressee)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.submit_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.draft_button, self.issue_button, self.export_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    def retranslate_ui(self) -> None:
        self.open_only.setText(_("Open requests only"))
        self.addressee_label.setText(_("Addressee"))
        refill_choices(self.addressee, _("All addressees"),
                       ((a.label, a.value) for a in Addressee))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.submit_button.setText(_("Mark submitted"))
        self.up_button.setText(_("Re-check: still up"))
        self.down_button.setText(_("Re-check: down"))
        self.draft_button.setText(_("Letter (draft PDF)…"))
        self.issue_button.setText(_("Issue letter…"))
        self.export_button.setText(_("Register to Excel…"))
        self._fill()

    def current_filter(self) -> TakedownFilter:
        return TakedownFilter(open_only=self.open_only.isChecked(),
                              addressee=self.addressee.currentData())

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        self.call(load_register, self.ctx, self.current_filter(),
                  done=lambda rows: self._loaded(rows, generation))

    def _loaded(self, rows: list[RegisterRow], generation: int) -> None:
        if generation != self._generation:
            return
        self.rows = rows
        self._fill()
        self.loads += 1

    def _fill(self) -> None:
        now = self.ctx.now()
        texts, tints = [], []
        for r in self.rows:
            due = r.recheck_due()
            age = r.age_days(now)
            texts.append((r.number, r.case_number, r.addressee, r.platform, r.status,
                          format_datetime(r.submitted_at) if r.submitted_at else "",
                          "" if age is None else str(age),
                          format_datetime(due) if due else "", r.last_result, r.reference))
            tints.append(OVERDUE if due is not None and due <= now else None)
        fill_table(self.table, texts, [r.number for r in self.rows], tints)

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.TAKEDOWN, ChangeKind.HOAX_CASE, ChangeKind.SOCIAL_POST):
            self.reload()

    def chosen(self) -> RegisterRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def choose(self, number: str) -> None:
        for i, r in enumerate(self.rows):
            if r.number == number:
                self.table.selectRow(i)

    # --- actions ---------------------------------------------------------------------------

    def _id(self, number: str) -> uuid.UUID:
        return takedowns.resolve_ref(self.ctx, number)

    def submit(self) -> None:
        r = self.chosen()
        if r is not None:
            self.call(lambda: takedowns.update_takedown(
                self.ctx, self._id(r.number), {}, status=TakedownStatus.DIAJUKAN.value))

    def recheck(self, result: str) -> None:
        r = self.chosen()
        if r is not None:
            self.call(lambda: takedowns.add_recheck(self.ctx, self._id(r.number), result))

    def draft_letter(self) -> None:
        r = self.chosen()
        path = r and self.ask_save_path(_("Letter (draft PDF)…"),
                                        "draf-{n}.pdf".format(n=r.number.lower()), "PDF (*.pdf)")
        if r and path:
            self.call(lambda: write_file(path, outputs.letter_draft(
                self.ctx, TakedownLetterOptions(r.number))[0]),
                done=lambda p: self.host.status_message(saved_message(p)))

    def issue_letter(self) -> None:
        r = self.chosen()
        if r is None:
            return
        answer = QMessageBox.question(self, _("Issue letter…"), _(
            "Issue the request letter of {number}? It gets the next number and is kept in "
            "the report archive.").format(number=r.number))
        if answer != QMessageBox.StandardButton.Yes:
            return
        path = self.ask_save_path(_("Issue letter…"), "{n}.pdf".format(n=r.number.lower()),
                                  "PDF (*.pdf)")
        if path:
            self.call(issue_and_save, self.ctx, TakedownLetterOptions(r.number), path,
                      done=lambda number: self.host.status_message(
                          _("Letter {number} issued and saved to {file}").format(
                              number=number, file=path)))

    def export(self) -> None:
        path = self.ask_save_path(_("Register to Excel…"), "register-penurunan-konten.xlsx",
                                  "Excel (*.xlsx)")
        if path:
            self.call(outputs.export_register, self.ctx, path, self.current_filter(),
                      done=lambda n: self.host.status_message(saved_message(path)))

"""The Kerawanan tab: the 36 contests with their candidate pairs (administrators add, edit,
delete and import them), and the TPS register and baseline imports (versions listed, the
current one marked; imports with their templates). Lists load off the GUI thread and
reload on CANDIDATE_PAIR and BASELINE changes."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _
from posko_desktop.core.services import baseline, contests, tps_register
from posko_desktop.core.services.authz import Permission, can
from posko_desktop.core.services.baseline import BaselineKind, ImportInfo
from posko_desktop.core.services.contests import ContestInfo, PairInfo
from posko_desktop.core.spreadsheets import contests as pair_sheets
from posko_desktop.core.spreadsheets.tables import TableRowsError, write_template
from posko_desktop.core.textrules import format_datetime_wib, format_int
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.kerawanan.dialog import PairDialog
from posko_desktop.ui.tabs import TabHost

logger = logging.getLogger(__name__)

RELOAD_ON = frozenset({ChangeKind.CANDIDATE_PAIR, ChangeKind.BASELINE})
FILES = "Excel / CSV (*.xlsx *.csv)"


def _load(ctx: Any) -> tuple[list[ContestInfo], list[PairInfo], list[ImportInfo]]:
    return contests.list_contests(ctx), contests.list_pairs(ctx), baseline.list_imports(ctx)


def _table(parent: QWidget, columns: int, name: str) -> QTableWidget:
    table = QTableWidget(0, columns, parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    return table


class KerawananTab(QWidget):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kerawanan_tab")
        self.host = host
        self.ctx = host.ctx
        self.rows: list[tuple[ContestInfo, PairInfo | None]] = []
        self.versions: list[ImportInfo] = []
        self.loads = 0  # loads shown (tests wait on it)
        self.pairs_box = QGroupBox(self)
        self.pairs = _table(self, 6, "kerawanan_pairs")
        self.pairs.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (3, 4, 5):  # names and parties whole (one row per pair: ~100 rows)
            self.pairs.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents)
        self.pairs.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_button, self.edit_button, self.delete_button = (QPushButton(self) for _i in
                                                                 range(3))
        self.import_pairs_button, self.pair_template_button = QPushButton(self), QPushButton(self)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_pairs_button.clicked.connect(lambda: self.import_file("pairs"))
        self.pair_template_button.clicked.connect(lambda: self.template("pairs"))
        self.baseline_box = QGroupBox(self)
        self.versions_table = _table(self, 6, "kerawanan_versions")
        self.versions_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        self.kind = QComboBox(self)
        self.kind.setObjectName("kerawanan_kind")
        self.kind.addItem("", "tps")
        for k in BaselineKind:
            self.kind.addItem("", k.value)
        self.import_button, self.template_button = QPushButton(self), QPushButton(self)
        self.import_button.clicked.connect(lambda: self.import_file(self.kind.currentData()))
        self.template_button.clicked.connect(lambda: self.template(self.kind.currentData()))
        manage = can(self.ctx.actor, Permission.REFERENCE_MANAGE)
        for b in (self.add_button, self.edit_button, self.delete_button,
                  self.import_pairs_button, self.import_button):
            b.setEnabled(manage)

        top = QVBoxLayout(self.pairs_box)
        top.addWidget(self.pairs, 1)
        row = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.delete_button,
                  self.import_pairs_button, self.pair_template_button):
            row.addWidget(b)
        row.addStretch(1)
        top.addLayout(row)
        bottom = QVBoxLayout(self.baseline_box)
        bottom.addWidget(self.versions_table, 1)
        row = QHBoxLayout()
        for w in (self.kind, self.import_button, self.template_button):
            row.addWidget(w)
        row.addStretch(1)
        bottom.addLayout(row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pairs_box, 3)
        layout.addWidget(self.baseline_box, 2)
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    # --- FeatureTab ------------------------------------------------------------------------

    def tab_title(self) -> str:
        return _("Kerawanan")

    def retranslate_ui(self) -> None:
        self.pairs_box.setTitle(_("Contests and candidate pairs"))
        self.baseline_box.setTitle(_("TPS register and vulnerability baseline"))
        self.pairs.setHorizontalHeaderLabels([
            _("Code"), _("Contest"), _("Ballot number"), _("Candidate"), _("Running mate"),
            _("Supporting parties")])
        self.versions_table.setHorizontalHeaderLabels([
            _("Version"), _("Kind"), _("Label"), _("Rows"), _("Current"), _("Imported")])
        for button, text in ((self.add_button, _("New pair…")), (self.edit_button, _("Edit…")),
                             (self.delete_button, _("Delete")),
                             (self.import_pairs_button, _("Import pairs…")),
                             (self.pair_template_button, _("Pairs template…")),
                             (self.import_button, _("Import…")),
                             (self.template_button, _("Template…"))):
            button.setText(text)
        self.kind.setItemText(0, _("TPS register"))
        for i, k in enumerate(BaselineKind, 1):
            self.kind.setItemText(i, k.label)
        self._fill()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.host.runner.run(_load, self.ctx, on_done=self._loaded,
                             on_error=lambda e: show_error(self, e))

    def _loaded(self, result: tuple[list[ContestInfo], list[PairInfo], list[ImportInfo]]) -> None:
        rows, pairs, self.versions = result
        by_contest: dict[str, list[PairInfo | None]] = {}
        for p in pairs:
            by_contest.setdefault(p.contest_code, []).append(p)
        self.rows = [(c, p) for c in rows for p in (by_contest.get(c.code) or [None])]
        self._fill()
        self.loads += 1

    def _fill(self) -> None:
        self.pairs.setRowCount(len(self.rows))
        for i, (c, p) in enumerate(self.rows):
            cells = (c.code, c.name, "" if p is None else str(p.ballot_number),
                     "" if p is None else p.head, "" if p is None else p.deputy,
                     "" if p is None else ", ".join(p.parties))
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.code)
                self.pairs.setItem(i, j, item)
        labels = {k.value: k.label for k in BaselineKind}
        self.versions_table.setRowCount(len(self.versions))
        for i, v in enumerate(self.versions):
            cells = (str(v.id), labels.get(v.kind, v.kind), v.label, format_int(v.rows),
                     _("yes") if v.current else "", format_datetime_wib(v.imported_at))
            for j, text in enumerate(cells):
                self.versions_table.setItem(i, j, QTableWidgetItem(text))

    def _on_change(self, change: Change) -> None:
        if change.kind in RELOAD_ON:
            self.reload()

    def selected(self) -> PairInfo | None:
        row = self.pairs.currentRow()
        return self.rows[row][1] if 0 <= row < len(self.rows) else None

    # --- actions ---------------------------------------------------------------------------

    def add(self) -> PairDialog:
        return self._open(PairDialog(self.ctx, None, self))

    def edit_selected(self) -> PairDialog | None:
        chosen = self.selected()
        if chosen is None:
            return None
        # the version the user is shown: read now, when the dialog opens
        return self._open(PairDialog(self.ctx, contests.get_pair(self.ctx, chosen.id), self))

    def _open(self, dialog: PairDialog) -> PairDialog:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        answer = QMessageBox.question(self, _("Delete"), _("Delete candidate pair {number}?")
                                      .format(number=chosen.number))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            contests.set_deleted(self.ctx, chosen.id, True, expected_version=chosen.version)
        except PoskoError as err:
            show_error(self, err)
            self.reload()

    def import_file(self, what: str, name: str | None = None) -> None:
        """Import a file of `what` (pairs, tps, ikp, tps_rawan, polda) off the GUI thread;
        a refused file shows its row-level report."""
        if name is None:
            name, _f = QFileDialog.getOpenFileName(self, _("Import…"), "", FILES)
            if not name:
                return
        if what == "pairs":
            job: Any = pair_sheets.import_pairs
            args: tuple[Any, ...] = (self.ctx, name)
        elif what == "tps":
            job, args = tps_register.import_register, (self.ctx, name)
        else:
            job, args = baseline.import_baseline, (self.ctx, what, name)
        self.host.runner.run(job, *args, on_done=lambda r: self.host.status_message(
            _("{file} imported").format(file=name)), on_error=self._import_error)

    def _import_error(self, err: BaseException) -> None:
        box = show_error(self, err)
        if isinstance(err, TableRowsError):
            box.setDetailedText("\n".join(_("row {row}, column \"{column}\": {problem}").format(
                row=p.row, column=p.column or "-", problem=p.text_in("id"))
                for p in err.problems))

    def template(self, what: str, name: str | None = None) -> None:
        if name is None:
            name, _f = QFileDialog.getSaveFileName(self, _("Template…"), "templat-{w}.xlsx"
                                                   .format(w=what), "Excel (*.xlsx)")
            if not name:
                return
        try:
            if what == "pairs":
                pair_sheets.write_template(self.ctx, name)
            else:
                columns = (tps_register.COLUMNS if what == "tps"
                           else baseline.COLUMNS_OF[BaselineKind(what)])
                write_template(name, what, columns)
        except PoskoError as err:
            show_error(self, err)
            return
        self.host.status_message(_("Template written to {path}").format(path=name))

"""The stage progress board: one row per regency, one column per stage (done of total, a
tick and the time for yes/no stages), green when complete, amber while under way; a form
below reports a stage (clicking a cell fills it in); the regencies' workbook is written
and imported from here too. Loads off the GUI thread and reloads on every STAGE_PROGRESS
change (also those an import brings)."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.domain import ProgressStage
from posko_desktop.core.events import Change, ChangeKind
from posko_desktop.core.i18n import _, current_language
from posko_desktop.core.services import stage_progress
from posko_desktop.core.services.stage_progress import (
    ProgressBoard,
    StageReportInfo,
    StageReportInput,
)
from posko_desktop.core.spreadsheets import stage_progress as workbook
from posko_desktop.core.spreadsheets.stage_progress import ProgressImportReport
from posko_desktop.core.textrules import format_datetime_wib
from posko_desktop.core.timeutil import WIB, to_wib
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tabs import TabHost
from posko_desktop.ui.widgets.combo_fit import fit_combo

logger = logging.getLogger(__name__)

STAGES = tuple(ProgressStage)
COMPLETE = QColor("#d8efd8")
UNDER_WAY = QColor("#fbedc8")
AUTO = -1  # the "of" box: take the default total


class ProgressTab(QWidget):
    def __init__(self, host: TabHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progress_tab")
        self.host = host
        self.ctx = host.ctx
        self.board: ProgressBoard | None = None
        self.loads = 0  # boards shown (tests wait on them)
        self._generation = 0
        self.table = QTableWidget(0, len(STAGES), self)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.cellClicked.connect(self.pick)
        self.regency = QComboBox(self)
        self.stage = QComboBox(self)
        self.done = QSpinBox(self)
        self.done.setRange(0, stage_progress.COUNT_MAX)
        self.total = QSpinBox(self)
        self.total.setRange(AUTO, stage_progress.COUNT_MAX)
        self.when = QDateTimeEdit(self)
        self.when.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.note = QLineEdit(self)
        self.note.setMinimumWidth(self.note.fontMetrics().averageCharWidth() * 16)
        fit_combo(self.regency, 24)
        fit_combo(self.stage, 28)
        self.report_button = QPushButton(self)
        self.report_button.clicked.connect(self.report)
        self.template_button = QPushButton(self)
        self.template_button.clicked.connect(self.write_template)
        self.import_button = QPushButton(self)
        self.import_button.clicked.connect(self.import_workbook)
        self.summary = QLabel(self)
        self.import_result = QLabel(self)  # the last import's report
        self.import_result.setWordWrap(True)
        self.labels = [QLabel(self) for _i in range(6)]
        # two rows: one row of eight fields did not fit 1366 px (issue 19)
        what, when = QHBoxLayout(), QHBoxLayout()
        for row, label, widget in zip((what, what, what, what, when, when), self.labels,
                                      (self.regency, self.stage, self.done, self.total,
                                       self.when, self.note), strict=True):
            row.addWidget(label)
            row.addWidget(widget, 1 if widget is self.note else 0)
        what.addStretch(1)
        when.addWidget(self.report_button)
        files = QHBoxLayout()
        files.addWidget(self.summary, 1)
        files.addWidget(self.template_button)
        files.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(what)
        layout.addLayout(when)
        layout.addLayout(files)
        layout.addWidget(self.import_result)
        self._set_now()
        self.retranslate_ui()
        host.events.changed.connect(self._on_change)
        self.reload()

    # --- FeatureTab ------------------------------------------------------------------------

    def tab_title(self) -> str:
        return _("Stage progress")

    def retranslate_ui(self) -> None:
        lang = current_language()
        self.table.setHorizontalHeaderLabels([st.short_in(lang) for st in STAGES])
        for i, st in enumerate(STAGES):
            header = self.table.horizontalHeaderItem(i)
            if header is not None:
                header.setToolTip(st.label)
        current = self.stage.currentData()
        self.stage.blockSignals(True)
        self.stage.clear()
        for st in STAGES:
            self.stage.addItem(st.label, st.value)
        self.stage.setCurrentIndex(max(0, self.stage.findData(current)))
        self.stage.blockSignals(False)
        for label, text in zip(self.labels, (_("Regency"), _("Stage"), _("Done"), _("Of"),
                                             _("As of (WIB)"), _("Note")), strict=True):
            label.setText(text)
        self.total.setSpecialValueText(_("auto"))
        self.report_button.setText(_("Report the stage"))
        self.template_button.setText(_("Workbook for the regencies…"))
        self.import_button.setText(_("Import workbook…"))
        self._fill()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        self.host.runner.run(stage_progress.board, self.ctx,
                             on_done=lambda b: self._loaded(b, generation),
                             on_error=lambda e: show_error(self, e))

    def _loaded(self, board: ProgressBoard, generation: int) -> None:
        if generation != self._generation:
            return
        first = self.board is None
        self.board = board
        if first:
            for g in board.regencies:
                self.regency.addItem("{c} {n}".format(c=g.code, n=g.full_name), g.code)
        self._fill()
        self.loads += 1

    def _fill(self) -> None:
        b = self.board
        if b is None:
            return
        lang = current_language()
        self.table.setRowCount(len(b.regencies))
        self.table.setVerticalHeaderLabels([g.full_name for g in b.regencies])
        for i, g in enumerate(b.regencies):
            for j, st in enumerate(STAGES):
                r = b.cell(g.code, st)
                item = QTableWidgetItem(stage_progress.cell_text(r, st, lang))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if r is not None:
                    item.setBackground(QBrush(COMPLETE if r.complete else UNDER_WAY))
                    item.setToolTip("{n} · {t}{note}".format(
                        n=r.number, t=format_datetime_wib(r.as_of),
                        note=" · " + r.note if r.note else ""))
                self.table.setItem(i, j, item)
        self.summary.setText(" · ".join("{s} {n}/{t}".format(
            s=st.short_in(lang), n=b.complete_count(st), t=len(b.regencies)) for st in STAGES))

    def _on_change(self, change: Change) -> None:
        if change.kind is ChangeKind.STAGE_PROGRESS:
            self.reload()

    # --- reporting -------------------------------------------------------------------------

    def _set_now(self) -> None:
        now = to_wib(self.ctx.now())
        self.when.setDateTime(QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0))

    def pick(self, row: int, column: int) -> None:
        """A cell clicked: the form takes its regency and stage, and the numbers shown."""
        if self.board is None:
            return
        g, st = self.board.regencies[row], STAGES[column]
        self.regency.setCurrentIndex(self.regency.findData(g.code))
        self.stage.setCurrentIndex(self.stage.findData(st.value))
        r = self.board.cell(g.code, st)
        self.done.setValue(r.done if r is not None else 0)
        self.total.setValue(r.total if r is not None else AUTO)

    def current_input(self) -> StageReportInput:
        local: datetime = self.when.dateTime().toPython()  # type: ignore[assignment]
        return StageReportInput(
            self.regency.currentData(), self.stage.currentData(),
            local.replace(tzinfo=WIB), self.done.value(),
            None if self.total.value() == AUTO else self.total.value(), self.note.text())

    def report(self) -> None:
        """Appends a report (reports are never edited here: no version to pass)."""
        self.host.runner.run(stage_progress.report_stage, self.ctx, self.current_input(),
                             on_done=self._reported, on_error=lambda e: show_error(self, e))

    def _reported(self, r: StageReportInfo) -> None:
        self.note.clear()
        self.host.status_message(_("Stage report {number}: {regency} {stage} {done}/{total}")
                                 .format(number=r.number, regency=r.regency, stage=r.stage,
                                         done=r.done, total=r.total))

    # --- workbook --------------------------------------------------------------------------

    def write_template(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, _("Workbook for the regencies…"),
                                                    "progres-tahapan.xlsx", "Excel (*.xlsx)")
        if not name:
            return
        self.host.runner.run(workbook.write_template, self.ctx, name, None, current_language(),
                             on_done=lambda _p: self.host.status_message(
                                 _("Template written to {path}").format(path=name)),
                             on_error=lambda e: show_error(self, e))

    def import_workbook(self, path: str | None = None) -> None:
        if not path:
            path, _filter = QFileDialog.getOpenFileName(self, _("Import workbook…"), "",
                                                        "Excel (*.xlsx)")
        if not path:
            return
        self.host.runner.run(workbook.import_workbook, self.ctx, path,
                             on_done=self._imported, on_error=lambda e: show_error(self, e))

    def _imported(self, rep: ProgressImportReport) -> None:
        lang = current_language()
        if rep.problems:
            lines = [_("Row {row}, column \"{column}\": {message}").format(
                row=p.row, column=_(p.column), message=p.text_in(lang)) for p in rep.problems]
            self.import_result.setText(_("{count} problem(s); nothing was imported").format(
                count=len(rep.problems)) + "\n" + "\n".join(lines[:12]))
            return
        text = _("{count} stage report(s) imported, {known} known row(s) skipped").format(
            count=len(rep.recorded), known=len(rep.known_rows))
        self.import_result.setText(text)
        self.host.status_message(text)

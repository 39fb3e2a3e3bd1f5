"""The import dialog with the row-level report, the export of the log and the template,
run through the window's TaskRunner with progress. Imported on first use (openpyxl is
loaded then, not at start-up): see `ui/spreadsheets/__init__.py`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.i18n import _
from posko_desktop.core.progress import Cancelled
from posko_desktop.core.services import training
from posko_desktop.core.services.incidents import IncidentFilter
from posko_desktop.core.services.spreadsheet_import import check_spreadsheet, import_spreadsheet
from posko_desktop.core.spreadsheets import ExportResult, ImportReport, RowProblem, write_template
from posko_desktop.core.spreadsheets import export_log as core_export_log
from posko_desktop.core.textrules import format_int
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.spreadsheets import SpreadsheetHost
from posko_desktop.ui.tasks import Task, TaskRunner
from posko_desktop.ui.widgets.screen import resize_within_screen

logger = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex


class ProblemModel(QAbstractTableModel):
    """Row, column, problem: one line per problem of the import report."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problems: list[RowProblem] = []

    def set_problems(self, problems: list[RowProblem]) -> None:
        self.beginResetModel()
        self.problems = list(problems)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else 3

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(p.row), p.column, p.text())[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return p.text()  # long problems are cut off in the cell
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return (p.row, p.column, p.text())[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (_("Row"), _("Column"), _("Problem"))[section]
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)
        if self.problems:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self.problems) - 1, 2))


class ImportDialog(QDialog):
    """Checks the file first (nothing written), shows the report, then imports on request:
    "Impor semua" only when every row is valid, or explicitly the valid rows only."""

    imported = Signal(object)  # ImportReport after a committed import

    def __init__(self, ctx: AppContext, runner: TaskRunner, path: str | Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.path = ctx, runner, Path(path)
        self.task: Task | None = None
        self.report: ImportReport | None = None
        self.import_finished = False
        self.setObjectName("spreadsheet_import")
        resize_within_screen(self, 820, 520)
        self.file_label = QLabel(self)
        self.file_label.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.model = ProblemModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("import_problems")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 60)
        self.table.setColumnWidth(1, 190)
        self.table.setWordWrap(False)
        self.buttons = QDialogButtonBox(self)
        self.import_all_button = QPushButton(self)
        self.import_all_button.setObjectName("import_all")
        self.import_valid_button = QPushButton(self)
        self.import_valid_button.setObjectName("import_valid_only")
        self.close_button = QPushButton(self)
        for b, role in ((self.import_all_button, QDialogButtonBox.ButtonRole.AcceptRole),
                        (self.import_valid_button, QDialogButtonBox.ButtonRole.ActionRole),
                        (self.close_button, QDialogButtonBox.ButtonRole.RejectRole)):
            self.buttons.addButton(b, role)
            b.setEnabled(False)
        self.close_button.setEnabled(True)
        self.import_all_button.clicked.connect(lambda: self.start_import(False))
        self.import_valid_button.clicked.connect(lambda: self.start_import(True))
        self.close_button.clicked.connect(self.cancel_or_close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import spreadsheet"))
        self.file_label.setText(_("File: {path}").format(path=self.path))
        self.import_all_button.setText(_("Import all"))
        self.import_valid_button.setText(_("Import the valid rows only"))
        self.close_button.setText(_("Cancel") if self.task is not None else _("Close"))
        if self.report is not None:
            self.summary.setText(self.report.summary())
        self.model.retranslate()

    # --- work ---------------------------------------------------------------------------

    def start_check(self) -> None:
        self._busy(_("Checking {name}…").format(name=self.path.name))
        self.task = self.runner.run(check_spreadsheet, self.ctx, self.path,
                                    on_progress=self._on_progress, on_done=self._on_checked,
                                    on_error=self._on_error)

    def start_import(self, valid_rows_only: bool) -> None:
        if self.task is not None or self.report is None:
            return
        self._busy(_("Importing {name}…").format(name=self.path.name))
        self.task = self.runner.run(import_spreadsheet, self.ctx, self.path,
                                    valid_rows_only=valid_rows_only,
                                    on_progress=self._on_progress, on_done=self._on_imported,
                                    on_error=self._on_error)

    def _busy(self, text: str) -> None:
        self.import_all_button.setEnabled(False)
        self.import_valid_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.summary.setText(text)
        self.close_button.setText(_("Cancel"))

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if message:
            self.summary.setText(message)

    def _show(self, report: ImportReport) -> None:
        self.task = None
        self.report = report
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.model.set_problems(report.problems)
        self.summary.setText(report.summary())
        self.close_button.setText(_("Close"))

    def _on_checked(self, report: ImportReport) -> None:
        self._show(report)
        # "Impor semua" only when every row is valid; otherwise the explicit choice.
        self.import_all_button.setEnabled(not report.has_errors and report.new_rows > 0)
        self.import_valid_button.setEnabled(report.has_errors and report.new_rows > 0)

    def _on_imported(self, report: ImportReport) -> None:
        self._show(report)
        if report.blocked:  # the data changed since the check: show the new report
            self.import_valid_button.setEnabled(report.new_rows > 0)
            return
        self.import_finished = True
        self.imported.emit(report)

    def _on_error(self, err: BaseException) -> None:
        self.task = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.close_button.setText(_("Close"))
        if isinstance(err, Cancelled):
            self.summary.setText(_("Cancelled; nothing was imported."))
            return
        self.summary.setText(_("Nothing was imported."))
        show_error(self, err)

    def cancel_or_close(self) -> None:
        if self.task is not None:
            self.task.cancel()  # the core rolls back; _on_error reports it
            return
        self.reject()


# --- entry points for the main window --------------------------------------------------------


def open_import_dialog(host: SpreadsheetHost,
                       path: str | Path | None = None) -> ImportDialog | None:
    """Ask for a file (unless given), open the import dialog and start checking it."""
    parent = host.window()
    if path is None:
        path, _filter = QFileDialog.getOpenFileName(
            parent, _("Import spreadsheet"), "",
            _("Spreadsheets (*.xlsx *.xlsm *.csv);;All files (*)"))
        if not path:
            return None
    dialog = ImportDialog(host.ctx, host.runner, path, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.imported.connect(lambda report: host.status_message(report.summary()))
    dialog.open()
    dialog.start_check()
    return dialog


def export_log(host: SpreadsheetHost, flt: IncidentFilter, path: str | Path | None = None,
               fmt: str | None = None) -> Task | None:
    """Export the (filtered) log to XLSX or CSV with a progress dialog and cancel."""
    parent = host.window()
    if path is None:
        path, chosen = QFileDialog.getSaveFileName(
            parent, _("Export the incident log"),
            "LATIHAN-log-kejadian.xlsx" if training.is_training(host.ctx) else "log-kejadian.xlsx",
            _("Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)"))
        if not path:
            return None
        if fmt is None:
            fmt = "csv" if "csv" in chosen.lower() else "xlsx"
    path = Path(path)
    if fmt is None:
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    if path.suffix.lower() != "." + fmt:
        path = path.with_name(path.name + "." + fmt)
    dialog = QProgressDialog(_("Exporting incidents"), _("Cancel"), 0, 0, parent)
    dialog.setObjectName("export_progress")
    dialog.setWindowTitle(_("Export the incident log"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progress(done: int, total: int, message: str) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        dialog.setLabelText(message or _("Exporting incidents"))

    def finished(result: ExportResult) -> None:
        dialog.close()
        host.status_message(_("{count} incidents exported to {path}").format(
            count=format_int(result.rows), path=result.path))

    def failed(err: BaseException) -> None:
        dialog.close()
        if not isinstance(err, Cancelled):
            show_error(parent, err)

    task = host.runner.run(core_export_log, host.ctx, flt, path, fmt,
                           on_progress=progress, on_done=finished, on_error=failed)
    dialog.canceled.connect(task.cancel)
    return task


def save_template(host: SpreadsheetHost, path: str | Path | None = None) -> Task | None:
    """Write the Excel template (drop-downs, instructions in Indonesian) off the GUI thread."""
    parent = host.window()
    if path is None:
        path, _filter = QFileDialog.getSaveFileName(
            parent, _("Save the Excel template"), "templat-kejadian.xlsx",
            _("Excel workbook (*.xlsx)"))
        if not path:
            return None

    def finished(result: Path) -> None:
        host.status_message(_("Template written to {path}").format(path=result))

    return host.runner.run(write_template, host.ctx, path, on_done=finished,
                           on_error=lambda err: show_error(parent, err))

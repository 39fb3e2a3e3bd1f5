"""The audit trail panel (supervisors and admins): the trail in words (`audit_text`),
filtered by user, record, action and a WIB period; verify the chain; export CSV/XLSX.

It reloads whenever it is shown, and its default period is the last seven WIB days counted
from the injected clock (never the machine's time zone)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError
from posko_desktop.core.events import Change
from posko_desktop.core.i18n import _
from posko_desktop.core.services import audit, audit_text, audit_verify
from posko_desktop.core.services.audit import AuditFilter
from posko_desktop.core.services.audit_text import AuditLine, AuditReader
from posko_desktop.core.services.audit_verify import TrailReport
from posko_desktop.core.textrules import format_int
from posko_desktop.core.timeutil import wib_date
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tasks import TaskRunner

logger = logging.getLogger(__name__)

PAGE = 500
ANY = ""
DEFAULT_DAYS = 7


def default_period(ctx: AppContext) -> tuple[date, date]:
    """The last `DEFAULT_DAYS` WIB calendar days, today (WIB, by the injected clock) included."""
    today = wib_date(ctx.now())
    return today - timedelta(days=DEFAULT_DAYS - 1), today


class AuditModel(QAbstractTableModel):
    """The lines of the trail in words; the stored entry of each is `rows[i].entry`."""

    HEADERS = 7

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditLine] = []
        self.total = 0

    def set_rows(self, rows: list[AuditLine], total: int, append: bool = False) -> None:
        if append:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.total = total
            self.endInsertRows()
            return
        self.beginResetModel()
        self.rows, self.total = list(rows), total
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.HEADERS

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (_("No."), _("Time (WIB)"), _("User"), _("Action"), _("Record"), _("Changes"),
                _("Detail"))[section]

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        line = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(line.entry.id), line.when, line.user, line.action, line.record,
                    line.changes, line.detail)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 5:
                return line.changes
            if index.column() == 3:  # the stored code, for whoever searches the export
                return line.entry.action
            if index.column() == 4:
                return "{t} {i}".format(t=line.entry.record_type, i=line.entry.record_id)
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.alert:
                return QColor("#b2182b")
            if line.session:
                return QColor("#666666")
        return None


class AuditPanel(QWidget):
    """Filter by user, record, action, period; verify the chain; export CSV/XLSX."""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.loading = False
        self.verify_result: TrailReport | None = None
        self.exported: int | None = None
        self.user = QComboBox(self)
        self.user.setObjectName("audit_user")
        self.user.setEditable(True)
        self.record = QLineEdit(self)
        self.record.setObjectName("audit_record")
        self.action = QComboBox(self)
        self.action.setObjectName("audit_action")
        self.action.setEditable(True)
        self.use_period = QCheckBox(self)
        self.use_period.setObjectName("audit_use_period")
        self.hide_sessions = QCheckBox(self)
        self.hide_sessions.setObjectName("audit_hide_sessions")
        self.hide_sessions.toggled.connect(self.reload)
        self.reader: AuditReader | None = None
        self.first = QDateEdit(self)
        self.last = QDateEdit(self)
        self.first.setObjectName("audit_first_day")
        self.last.setObjectName("audit_last_day")
        self.set_default_period()
        for d in (self.first, self.last):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd-MM-yyyy")
        self.search = QPushButton(self)
        self.search.setObjectName("audit_search")
        self.search.clicked.connect(self.reload)
        self.record.returnPressed.connect(self.reload)
        self.verify_button = QPushButton(self)
        self.verify_button.setObjectName("audit_verify")
        self.verify_button.clicked.connect(lambda: self.verify())
        self.anchors_button = QPushButton(self)
        self.anchors_button.setObjectName("audit_verify_anchors")
        self.anchors_button.clicked.connect(self.ask_anchor_files)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("audit_export")
        self.export_button.clicked.connect(self.ask_export)
        self.more = QPushButton(self)
        self.more.setObjectName("audit_more")
        self.more.clicked.connect(self.load_more)
        self.status = QLabel(self)
        self.status.setObjectName("audit_status")
        self.status.setWordWrap(True)
        self.count = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.model = AuditModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("audit_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        for col, sample in enumerate(("000000", "00-00-0000 00.00 WIB__", "administrator",
                                      "Kejadian diimpor dari lembar", "Kejadian 3300-24-000000_",
                                      "x" * 48)):
            self.table.setColumnWidth(col, metrics.horizontalAdvance(sample) + 12)
        self.labels = [QLabel(self) for _i in range(3)]
        filters = QHBoxLayout()
        for label, field in zip(self.labels, (self.user, self.record, self.action), strict=True):
            label.setBuddy(field)
            filters.addWidget(label)
            filters.addWidget(field, 1)
        filters.addWidget(self.use_period)
        filters.addWidget(self.first)
        filters.addWidget(self.last)
        filters.addWidget(self.search)
        filters.addWidget(self.hide_sessions)
        actions = QHBoxLayout()
        actions.addWidget(self.verify_button)
        actions.addWidget(self.anchors_button)
        actions.addWidget(self.export_button)
        actions.addWidget(self.progress)
        actions.addWidget(self.status, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.more)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.retranslate_ui()
        self.reload()

    def set_default_period(self) -> None:
        first, last = default_period(self.ctx)
        self.first.setDate(QDate(first.year, first.month, first.day))
        self.last.setDate(QDate(last.year, last.month, last.day))

    def showEvent(self, event: QShowEvent) -> None:
        """Opening the panel shows the trail as it is now (and today's WIB period)."""
        super().showEvent(event)
        if not self.use_period.isChecked():
            self.set_default_period()
        if not self.loading:
            self.reload()

    def retranslate_ui(self) -> None:
        for label, text in zip(self.labels, (_("U&ser:"), _("Re&cord:"), _("Ac&tion:")), strict=True):
            label.setText(text)
        self.use_period.setText(_("Period (WIB):"))
        self.hide_sessions.setText(_("Hide logins and sessions"))
        self.hide_sessions.setToolTip(_("Failed logins and lockouts are always shown"))
        self.reader = None  # names and labels again, in the new language
        self.search.setText(_("&Show"))
        self.verify_button.setText(_("&Verify the chain"))
        self.anchors_button.setText(_("Verify against &partner anchors…"))
        self.export_button.setText(_("E&xport…"))
        self.more.setText(_("Show more"))
        self.record.setPlaceholderText(_("incident id, user name, setting…"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, AuditModel.HEADERS - 1)
        self._update_count()

    def _fill_choices(self) -> None:
        for combo, values in ((self.user, audit.known_users(self.ctx)),
                              (self.action, audit.known_actions(self.ctx))):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ANY)
            combo.addItems(values)
            combo.setCurrentText(current)
            combo.blockSignals(False)

    def current_filter(self) -> AuditFilter:
        first: date | None = None
        last: date | None = None
        if self.use_period.isChecked():
            first = self.first.date().toPython()  # type: ignore[assignment]
            last = self.last.date().toPython()  # type: ignore[assignment]
        return AuditFilter(username=self.user.currentText().strip() or None,
                           record_id=self.record.text().strip() or None,
                           action=self.action.currentText().strip() or None,
                           first_day=first, last_day=last,
                           hide_sessions=self.hide_sessions.isChecked())

    def reload(self) -> None:
        try:
            self._fill_choices()
        except PoskoError as err:
            self.status.setText(err.text())
            return
        self._load(0)

    def load_more(self) -> None:
        if len(self.model.rows) < self.model.total:
            self._load(len(self.model.rows))

    def _load(self, offset: int) -> None:
        self.loading = True
        flt = self.current_filter()
        if self.reader is None:
            self.reader = AuditReader(self.ctx)
        self.runner.run(audit_text.readable_page, self.ctx, flt, offset=offset, limit=PAGE,
                        reader=self.reader,
                        on_done=lambda page: self._loaded(page, offset > 0),
                        on_error=self._failed)

    def _loaded(self, page: Any, append: bool) -> None:
        self.model.set_rows(page.rows, page.total, append=append)
        self.loading = False
        self._update_count()

    def _failed(self, err: BaseException) -> None:
        self.loading = False
        self.progress.hide()
        show_error(self, err)

    def _update_count(self) -> None:
        self.count.setText(_("{shown} of {total} entries").format(
            shown=format_int(len(self.model.rows)), total=format_int(self.model.total)))
        self.more.setEnabled(len(self.model.rows) < self.model.total)

    def on_change(self, change: Change) -> None:
        if not self.loading and self.isVisible():
            self.reload()

    # --- verify and export --------------------------------------------------------------

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.show()
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.status.setText(message)

    def verify(self, anchor_files: tuple[str, ...] = ()) -> None:
        """`posko audit verify --deep [--anchors FILE …]`: the same checks, the same report."""
        self.verify_result = None
        self.verify_button.setEnabled(False)
        self.anchors_button.setEnabled(False)
        self.status.setText(_("Checking the audit trail"))
        self.runner.run(audit_verify.verify, self.ctx, anchor_files=anchor_files, deep=True,
                        on_progress=self._progress, on_done=self._verified,
                        on_error=self._verify_failed)

    def ask_anchor_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, _("Anchors exported by a partner site"), "",
            _("Audit anchors (*.json);;All files (*)"))
        if paths:
            self.verify(tuple(paths))

    def _verify_failed(self, err: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.anchors_button.setEnabled(True)
        self._failed(err)

    def _verified(self, report: TrailReport) -> None:
        self.verify_button.setEnabled(True)
        self.anchors_button.setEnabled(True)
        self.progress.hide()
        self.verify_result = report
        self.status.setStyleSheet("color: #1a7f37;" if report.ok else "color: #b2182b; "
                                  "font-weight: bold;")
        self.status.setText("\n".join(report.lines()))
        if not report.chain.ok and report.chain.first_bad_id is not None:
            self.record.clear()
            self.user.setCurrentText("")
            self.action.setCurrentText("")

    def ask_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export the audit trail"), "audit.xlsx",
            _("Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)"))
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        self.exported = None
        self.export_button.setEnabled(False)
        self.runner.run(audit.export, self.ctx, self.current_filter(), path,
                        on_progress=self._progress, on_done=lambda n: self._exported(n, path),
                        on_error=self._export_failed)

    def _export_failed(self, err: BaseException) -> None:
        self.export_button.setEnabled(True)
        self._failed(err)

    def _exported(self, count: int, path: str) -> None:
        self.export_button.setEnabled(True)
        self.progress.hide()
        self.exported = count
        self.status.setStyleSheet("")
        self.status.setText(_("{count} entries written to {path}").format(
            count=format_int(count), path=path))

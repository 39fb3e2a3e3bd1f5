"""The panels of the accounts tab: my account, users (admin), audit trail (supervisor, admin),
settings (admin)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError, StaleEdit
from posko_desktop.core.events import Change
from posko_desktop.core.i18n import _
from posko_desktop.core.services import accounts, audit, audit_verify, settings_service
from posko_desktop.core.services.accounts import UserInfo
from posko_desktop.core.services.audit import AuditFilter, AuditRow
from posko_desktop.core.services.audit_verify import TrailReport
from posko_desktop.core.services.authz import Permission, Role, can
from posko_desktop.core.textrules import format_datetime, format_int
from posko_desktop.ui.accounts.dialogs import (
    AddUserDialog,
    ChangePasswordDialog,
    ChoiceDialog,
    role_label,
)
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.tasks import TaskRunner

logger = logging.getLogger(__name__)

PAGE = 500
ANY = ""


class MyAccountPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info = QLabel(self)
        self.info.setObjectName("my_account_info")
        self.info.setWordWrap(True)
        self.change = QPushButton(self)
        self.change.setObjectName("change_password_button")
        self.change.clicked.connect(self.open_change_password)
        self.dialog: ChangePasswordDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.change, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        actor = self.ctx.actor
        has = accounts.has_accounts(self.ctx)
        if has:
            self.info.setText(_("Logged in as {user} ({name}), role: {role}.").format(
                user=actor.username, name=actor.display_name or actor.username,
                role=role_label(actor.role)))
        else:
            self.info.setText(_("No user accounts yet: set-up is not finished. You act as {user} "
                                "with the administrator role.").format(user=actor.username))
        self.change.setText(_("Change my password…"))
        self.change.setEnabled(has)

    def open_change_password(self) -> ChangePasswordDialog:
        self.dialog = ChangePasswordDialog(self.ctx, self)
        self.dialog.open()
        return self.dialog


class UsersPanel(QWidget):
    """Admin only: the accounts, with add / role / disable-enable / reset / unlock."""

    COLUMNS = 7

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[UserInfo] = []
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setObjectName("users_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.add_button, self.role_button, self.toggle_button = (QPushButton(self) for _i in range(3))
        self.reset_button, self.unlock_button = QPushButton(self), QPushButton(self)
        for name, button, slot in (("add_user_button", self.add_button, self.open_add),
                                   ("role_button", self.role_button, self.ask_role),
                                   ("toggle_user_button", self.toggle_button, self.toggle_current),
                                   ("reset_button", self.reset_button, self.ask_reset),
                                   ("unlock_button", self.unlock_button, self.unlock_current)):
            button.setObjectName(name)
            button.clicked.connect(slot)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.role_button, self.toggle_button, self.reset_button,
                  self.unlock_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.add_dialog: AddUserDialog | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.table.setHorizontalHeaderLabels([
            _("User"), _("Name"), _("Role"), _("Active"), _("Locked"), _("Must change"),
            _("Last login")])
        self.add_button.setText(_("&Add user…"))
        self.role_button.setText(_("Change &role…"))
        self.reset_button.setText(_("Reset &password…"))
        self.unlock_button.setText(_("&Unlock"))
        self.refresh()

    def refresh(self) -> None:
        selected = self.current()
        try:
            self.users = accounts.list_users(self.ctx)
        except PoskoError as err:
            logger.info("Users not listed: %s", err.text_in("en"))
            self.users = []
        yes, no = _("yes"), _("no")
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            values = [u.username, u.display_name, role_label(u.role), yes if u.active else no,
                      yes if u.locked else no, yes if u.must_change_password else no,
                      format_datetime(u.last_login_at)]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if u.locked or not u.active:
                    item.setForeground(QColor("#b2182b" if u.locked else "#777777"))
                self.table.setItem(row, col, item)
            if selected is not None and u.username == selected.username:
                self.table.selectRow(row)
        self._update_buttons()

    def current(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def select(self, username: str) -> None:
        for row, u in enumerate(self.users):
            if u.username == username:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        u = self.current()
        for b in (self.role_button, self.toggle_button, self.reset_button):
            b.setEnabled(u is not None)
        self.unlock_button.setEnabled(u is not None and u.locked)
        self.toggle_button.setText(_("&Enable") if u is not None and not u.active else _("&Disable"))

    # --- actions (each callable directly; the buttons ask first) ------------------------

    def _seen(self, username: str) -> str | None:
        """The version of the account as this table shows it (what a change is based on)."""
        return next((u.version for u in self.users if u.username == username), None)

    def _do(self, change: Callable[[], UserInfo]) -> UserInfo | None:
        """Run a change; a refusal is shown and the table reloads the current values."""
        try:
            result = change()
        except PoskoError as err:
            show_error(self, err)
            self.refresh()
            return None
        self.refresh()
        return result

    def open_add(self) -> AddUserDialog:
        dialog = AddUserDialog(self.ctx, self)
        dialog.accepted.connect(self.refresh)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def ask_role(self) -> None:
        u = self.current()
        if u is None:
            return
        dialog = ChoiceDialog(_("Change role"), _("New role of {user}:").format(user=u.username),
                              [(role_label(r.value), r.value) for r in Role], u.role, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_role(u.username, dialog.value(), u.version)

    def set_role(self, username: str, role: str, seen: str | None = None) -> UserInfo | None:
        seen = seen or self._seen(username)
        return self._do(lambda: accounts.set_role(self.ctx, username, role, expected_version=seen))

    def toggle_current(self) -> UserInfo | None:
        u = self.current()
        if u is None:
            return None
        if u.active:
            return self._do(lambda: accounts.disable_user(self.ctx, u.username,
                                                          expected_version=u.version))
        return self._do(lambda: accounts.enable_user(self.ctx, u.username,
                                                     expected_version=u.version))

    def ask_reset(self) -> None:
        u = self.current()
        if u is None:
            return
        answer = QMessageBox.question(
            self, _("Reset password"),
            _("Give {user} a new temporary password? They must change it at the next login.")
            .format(user=u.username))
        if answer == QMessageBox.StandardButton.Yes:
            self.reset_password(u.username, u.version)

    def reset_password(self, username: str, seen: str | None = None) -> str | None:
        """A generated temporary password, shown once to the admin."""
        temporary = accounts.generate_password()
        seen = seen or self._seen(username)
        if self._do(lambda: accounts.reset_password(self.ctx, username, temporary,
                                                    expected_version=seen)) is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Information, _("Temporary password"),
                          _("Temporary password of {user}: {password}\n\nGive it to the user; "
                            "it must be changed at the next login.").format(
                              user=username, password=temporary),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("temporary_password_box")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return temporary

    def unlock_current(self) -> UserInfo | None:
        u = self.current()
        if u is None:
            return None
        return self._do(lambda: accounts.unlock_user(self.ctx, u.username,
                                                     expected_version=u.version))


class AuditModel(QAbstractTableModel):
    HEADERS = 7

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditRow] = []
        self.total = 0

    def set_rows(self, rows: list[AuditRow], total: int, append: bool = False) -> None:
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
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(r.id), format_datetime(r.at), r.username, r.action,
                    "{t} {i}".format(t=r.record_type, i=r.record_id), r.changes(),
                    r.detail)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 5:
            return r.changes()
        if role == Qt.ItemDataRole.ForegroundRole and r.action in ("auth.login_failed",
                                                                    "auth.lockout"):
            return QColor("#b2182b")
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
        today = QDate.currentDate()
        self.first = QDateEdit(today.addDays(-7), self)
        self.last = QDateEdit(today, self)
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
        for col, width in enumerate((60, 120, 110, 150, 200, 360)):
            self.table.setColumnWidth(col, width)
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

    def retranslate_ui(self) -> None:
        for label, text in zip(self.labels, (_("U&ser:"), _("Re&cord:"), _("Ac&tion:")), strict=True):
            label.setText(text)
        self.use_period.setText(_("Period (WIB):"))
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
                           first_day=first, last_day=last)

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
        self.runner.run(audit.query, self.ctx, flt, offset=offset, limit=PAGE,
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


class SettingsPanel(QWidget):
    """Admin only: every declared setting; edit the value column, then Save (audited)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.keys: list[str] = []
        self.shown: dict[str, settings_service.SettingValue] = {}
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("settings_table")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 240)
        self.table.setColumnWidth(1, 420)
        self.save = QPushButton(self)
        self.save.setObjectName("settings_save")
        self.save.clicked.connect(self.save_changes)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.save)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.table.setHorizontalHeaderLabels([_("Setting"), _("Value"), _("Description")])
        self.save.setText(_("&Save changes"))
        self.refresh()

    @staticmethod
    def _text(value: Any) -> str:
        if isinstance(value, list | dict):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def refresh(self) -> None:
        self.shown = settings_service.get_versioned(self.ctx)
        self.keys = sorted(self.shown)
        self.table.setRowCount(len(self.keys))
        for row, key in enumerate(self.keys):
            var = settings.REGISTRY[key]
            for col, text in enumerate((key, self._text(self.shown[key].value),
                                        _(var.description) if var.description else "")):
                item = QTableWidgetItem(text)
                if col != 1:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)

    def _value_cell(self, row: int) -> QTableWidgetItem:
        item = self.table.item(row, 1)
        assert item is not None  # every row has its value cell (`refresh`)
        return item

    def set_value_text(self, key: str, text: str) -> None:
        self._value_cell(self.keys.index(key)).setText(text)

    def save_changes(self) -> int:
        """Store every value edited here (compared with what the table showed); returns how
        many changed. The first refused value stops the save with a message (values before it
        are stored, each its own audited change); a value someone else changed since it was
        shown is refused and the table reloads the current values."""
        changed = 0
        for row, key in enumerate(self.keys):
            text = self._value_cell(row).text()
            shown = self.shown[key]
            if text == self._text(shown.value):
                continue
            var = settings.REGISTRY[key]
            try:
                value: Any = json.loads(text) if var.type in (list, dict) else text
            except ValueError:
                self.status.setText(_("The value of {key} must be JSON, e.g. [\"a\", \"b\"]")
                                    .format(key=key))
                return changed
            try:
                settings_service.set(self.ctx, key, value, expected_version=shown.version)
            except StaleEdit as err:
                show_error(self, err)
                self.refresh()
                return changed
            except PoskoError as err:
                show_error(self, err)
                return changed
            changed += 1
        self.status.setText(_("{count} setting(s) saved").format(count=changed))
        self.refresh()
        return changed


def visible_panels(ctx: AppContext) -> dict[str, bool]:
    """Which panels the current role sees (the window hides the others)."""
    return {"users": can(ctx.actor, Permission.USERS_MANAGE),
            "audit": can(ctx.actor, Permission.AUDIT_VIEW),
            "settings": can(ctx.actor, Permission.SETTINGS_MANAGE)}

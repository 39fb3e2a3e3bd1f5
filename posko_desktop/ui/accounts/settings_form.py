"""The settings editor (admins): forms per subject instead of a key/value grid.

Letterhead, signer (name, jabatan, pangkat, NIP), addressee and tembusan (an editable list),
reports, response and situation rules, accounts and backups. Numbers are spin boxes with
their unit and the declared range, booleans are check boxes, texts are checked while typed
by `settings.validate` (the rule the service applies) and the reason shows under the field
until it is valid. Save stores each changed value through `settings_service.set` with the
version the form showed (someone else's change since is refused, not overwritten). The raw
grid stays as the "Advanced" page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core import settings
from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError, StaleEdit, ValidationError
from posko_desktop.core.i18n import N_, _
from posko_desktop.core.services import settings_service
from posko_desktop.ui.accounts.panels import SettingsPanel
from posko_desktop.ui.errors import show_error

logger = logging.getLogger(__name__)

# (page title, [(setting key, short label or "" for the setting's description)])
PAGES: list[tuple[str, list[tuple[str, str]]]] = [
    (N_("Letterhead"), [
        ("sitrep.letterhead_lines", N_("Government and agency lines")),
        ("sitrep.issuing_unit", N_("Issuing unit")),
        ("sitrep.letterhead_address", N_("Address")),
        ("sitrep.letterhead_phone", N_("Telephone")),
        ("sitrep.letterhead_email", N_("E-mail")),
        ("sitrep.letterhead_website", N_("Website")),
        ("sitrep.logo_path", N_("Logo file (PNG/JPEG; empty: the neutral default)")),
    ]),
    (N_("Signer"), [
        ("sitrep.signer_name", N_("Name")),
        ("sitrep.signer_position", N_("Position (jabatan)")),
        ("sitrep.signer_rank", N_("Rank/grade (pangkat/golongan)")),
        ("sitrep.signer_nip", N_("NIP")),
        ("sitrep.signer_on_behalf", N_("Line above the position (a.n. / Plh. / Plt.)")),
        ("sitrep.signer_place", N_("Signed at (place)")),
    ]),
    (N_("Addressee and copies"), [
        ("sitrep.recipient", N_("Addressed to")),
        ("sitrep.recipient_place", N_("Addressed to: place (di …)")),
        ("sitrep.tembusan", N_("Copies to (tembusan)")),
    ]),
    (N_("Reports"), [
        ("report.classification_code", ""), ("report.sifat", ""),
        ("sitrep.number_format", ""), ("weekly.number_format", ""),
        ("flash.number_format", ""), ("report.cutoff_hour", ""), ("weekly.start_hour", ""),
        ("sitrep.trend_days", ""), ("sitrep.notable_detail_max", ""),
        ("sitrep.referral_list_max", ""), ("sitrep.introduction", ""),
        ("sitrep.introduction_en", ""),
    ]),
    (N_("Response and situation"), [
        *((var.key, "") for var in settings.RESPONSE_HOURS.values()),
        ("level.window_hours", ""), *((var.key, "") for var in settings.LEVEL_WEIGHTS.values()),
        *((var.key, "") for var in settings.LEVEL_THRESHOLDS.values()),
        ("level.critical_floor", ""), ("warning.baseline_days", ""), ("warning.alpha", ""),
        ("warning.min_count", ""), ("watch.silent_hours", ""),
    ]),
    (N_("Accounts and backups"), [
        ("accounts.max_failed_logins", ""), ("ui.idle_lock_minutes", ""),
        ("attachments.max_mb", ""), ("backup.folder", ""), ("backup.interval_minutes", ""),
        ("backup.on_close", ""), ("backup.keep_hourly", ""), ("backup.keep_daily", ""),
        ("sync.clock_ahead_hours", ""),
    ]),
]


def setting_label(key: str) -> str:
    """A setting's name in the UI language, as its settings page shows it."""
    for _title, fields in PAGES:
        for field_key, label in fields:
            if field_key == key and label:
                return _(label)
    var = settings.REGISTRY.get(key)
    return _(var.description) if var is not None and var.description else key
LONG_TEXTS = frozenset({"sitrep.introduction", "sitrep.introduction_en"})
DECIMALS = {"warning.alpha": 4}
ERROR_STYLE = "color: #b2182b;"


class ListEditor(QWidget):
    """An editable list of lines: double-click (or F2) edits, buttons add, remove, move."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setMinimumHeight(self.list.fontMetrics().height() * 6)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        self.add_button, self.remove_button = QPushButton(self), QPushButton(self)
        self.up_button, self.down_button = QPushButton(self), QPushButton(self)
        self.add_button.clicked.connect(self.add_line)
        self.remove_button.clicked.connect(self.remove_line)
        self.up_button.clicked.connect(lambda: self.move_line(-1))
        self.down_button.clicked.connect(lambda: self.move_line(1))
        buttons = QVBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.add_button.setText(_("Add line"))
        self.remove_button.setText(_("Remove"))
        self.up_button.setText(_("Up"))
        self.down_button.setText(_("Down"))

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def set_lines(self, lines: list[str]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for text in lines:
            self._append(text)
        self.list.blockSignals(False)
        self.changed.emit()

    def _append(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text, self.list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def add_line(self) -> None:
        item = self._append("")
        self.list.setCurrentItem(item)
        self.list.editItem(item)
        self.changed.emit()

    def remove_line(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()

    def move_line(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self.changed.emit()


class Field:
    """One setting's editor, its label and the message under it."""

    def __init__(self, var: settings.SettingVar, label: str, parent: QWidget,
                 on_edit: Callable[[], None]) -> None:
        self.var = var
        self.label_msgid = label or var.description
        self.label = QLabel(parent)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("x" * 48))
        self.message = QLabel(parent)
        self.message.setObjectName("settings_error_" + var.key)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.editor = self._make_editor(parent, on_edit)
        self.editor.setObjectName("settings_field_" + var.key)
        self.label.setBuddy(self.editor)

    def _make_editor(self, parent: QWidget, on_edit: Callable[[], None]) -> QWidget:
        var = self.var
        if var.type is bool:
            box = QCheckBox(parent)
            box.toggled.connect(lambda _on: on_edit())
            return box
        if var.type in (int, float):
            spin: QSpinBox | QDoubleSpinBox
            if var.type is int:
                spin = QSpinBox(parent)
                spin.setRange(int(var.minimum if var.minimum is not None else -10**9),
                              int(var.maximum if var.maximum is not None else 10**9))
            else:
                spin = QDoubleSpinBox(parent)
                spin.setDecimals(DECIMALS.get(var.key, 1))
                spin.setRange(var.minimum if var.minimum is not None else -1e9,
                              var.maximum if var.maximum is not None else 1e9)
            spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.PlusMinus)
            spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance("x" * 24))
            spin.valueChanged.connect(lambda _v: on_edit())
            return spin
        if var.type is list:
            editor = ListEditor(parent)
            editor.changed.connect(on_edit)
            return editor
        if var.key in LONG_TEXTS:
            text = QPlainTextEdit(parent)
            text.setTabChangesFocus(True)
            text.setMinimumHeight(text.fontMetrics().height() * 5)
            text.textChanged.connect(on_edit)
            return text
        line = QLineEdit(parent)
        line.textChanged.connect(lambda _t: on_edit())
        return line

    def retranslate(self) -> None:
        self.label.setText(_(self.label_msgid) if self.label_msgid else self.var.key)
        self.label.setToolTip(self.var.key)
        if isinstance(self.editor, QSpinBox | QDoubleSpinBox):
            unit = _(self.var.unit) if self.var.unit else ""
            self.editor.setSuffix(unit if unit[:1] in ("", ".", ":") else " " + unit)
        if isinstance(self.editor, ListEditor):
            self.editor.retranslate_ui()

    def value(self) -> Any:
        e = self.editor
        if isinstance(e, QCheckBox):
            return e.isChecked()
        if isinstance(e, QSpinBox | QDoubleSpinBox):
            return e.value()
        if isinstance(e, ListEditor):
            return e.lines()
        if isinstance(e, QPlainTextEdit):
            return e.toPlainText()
        assert isinstance(e, QLineEdit)
        return e.text()

    def set_value(self, value: Any) -> None:
        e = self.editor
        e.blockSignals(True)
        if isinstance(e, QCheckBox):
            e.setChecked(bool(value))
        elif isinstance(e, QSpinBox):
            e.setValue(int(value))
        elif isinstance(e, QDoubleSpinBox):
            e.setValue(float(value))
        elif isinstance(e, ListEditor):
            e.set_lines([str(v) for v in value])
        elif isinstance(e, QPlainTextEdit):
            e.setPlainText(str(value))
        elif isinstance(e, QLineEdit):
            e.setText(str(value))
        e.blockSignals(False)

    def holds(self, value: Any) -> bool:
        """Whether the editor shows `value` (a float to the decimals the spin box has)."""
        if isinstance(self.editor, QDoubleSpinBox):
            return abs(self.editor.value() - float(value)) < 0.5 * 10 ** -self.editor.decimals()
        return bool(self.value() == value)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def check(self) -> str:
        """The reason the current value would be refused ('' when it is fine)."""
        try:
            settings.validate(self.var, self.value())
        except ValidationError as err:
            return err.text()
        return ""


class SettingsEditor(QWidget):
    """Admin only: the settings as forms, with the raw grid as the "Advanced" page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_editor")
        self.ctx = ctx
        self.shown: dict[str, settings_service.SettingValue] = {}
        self.fields: dict[str, Field] = {}
        self.pages = QTabWidget(self)
        self.pages.setObjectName("settings_pages")
        self.page_titles: list[str] = []
        for title, entries in PAGES:
            page = QWidget()
            form = QFormLayout(page)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for key, label in entries:
                field = Field(settings.REGISTRY[key], label, page, self._edited)
                self.fields[key] = field
                holder = QWidget(page)
                column = QVBoxLayout(holder)
                column.setContentsMargins(0, 0, 0, 0)
                column.setSpacing(2)
                column.addWidget(field.editor)
                column.addWidget(field.message)
                form.addRow(field.label, holder)
            scroll = QScrollArea(self.pages)
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.pages.addTab(scroll, "")
            self.page_titles.append(title)
        self.advanced = SettingsPanel(ctx, self)
        self.advanced.setObjectName("settings_advanced")
        self.pages.addTab(self.advanced, "")
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("settings_form_save")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self)
        self.revert_button.clicked.connect(self.revert)
        self.status = QLabel(self)
        self.status.setObjectName("settings_form_status")
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bottom)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        for i, title in enumerate(self.page_titles):
            self.pages.setTabText(i, _(title))
        self.pages.setTabText(self.pages.indexOf(self.advanced), _("Advanced"))
        for field in self.fields.values():
            field.retranslate()
        self.save_button.setText(_("&Save changes"))
        self.revert_button.setText(_("Undo changes"))
        self.advanced.retranslate_ui()
        self.refresh()

    def refresh(self) -> None:
        """Show the stored values; a field being edited keeps its text (and the version it
        was opened at, so saving it over someone else's change is refused)."""
        current = settings_service.get_versioned(self.ctx)
        for key, field in self.fields.items():
            old = self.shown.get(key)
            if old is not None and not field.holds(old.value):
                continue
            self.shown[key] = current[key]
            field.set_value(current[key].value)
            field.show_message("")
        self.advanced.refresh()
        self._edited()

    def revert(self) -> None:
        """Back to the stored values, edits dropped."""
        self.shown.clear()
        self.refresh()

    def changed_keys(self) -> list[str]:
        return [key for key, field in self.fields.items()
                if not field.holds(self.shown[key].value)]

    def _edited(self) -> None:
        """Every field checked as it changes: a reason shows while the value is refused and
        goes as soon as it is valid; Save is possible when something changed and all is valid."""
        bad = False
        for field in self.fields.values():
            reason = field.check()
            field.show_message(reason)
            bad = bad or bool(reason)
        self.save_button.setEnabled(bool(self.changed_keys()) and not bad)

    def save(self) -> int:
        """Store every changed value (each its own audited change); returns how many. A
        refused value stops the save with its reason under the field; a value someone else
        changed since it was shown is refused and the form shows the stored values."""
        saved = 0
        for key in self.changed_keys():
            field = self.fields[key]
            try:
                settings_service.set(self.ctx, key, field.value(),
                                     expected_version=self.shown[key].version)
            except StaleEdit as err:
                show_error(self, err)
                self.shown.clear()
                self.refresh()
                return saved
            except ValidationError as err:
                field.show_message(err.text())
                self.pages.setCurrentIndex(self._page_of(key))
                self.status.setText(_("{count} setting(s) saved").format(count=saved))
                return saved
            except PoskoError as err:
                show_error(self, err)
                return saved
            saved += 1
            self.shown[key] = settings_service.get_versioned(self.ctx)[key]
        self.status.setText(_("{count} setting(s) saved").format(count=saved))
        self._edited()
        logger.info("%s setting(s) saved in the settings form", saved)
        return saved

    def _page_of(self, key: str) -> int:
        return next(i for i, (_t, entries) in enumerate(PAGES) if key in dict(entries))

"""Add or edit one activity of the desk. Times are WIB; regencies are ticked in a list;
partners are written one per line (agency codes such as POLRI or names such as FKUB); the
place is a kecamatan of a ticked regency and a desa of it, chosen from the shipped list
(the service refuses any other, e.g. a desa outside its kecamatan).

An edit saves against the version it was opened from. When someone else changed the
activity since (StaleEdit), the two edits are merged field by field (`edit_merge`): what
only one side changed is saved again against the newer version; a field both changed is
shown (show_error) and the form reloads the stored values for the user to decide.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import ActivityKind, PoskoError, StaleEdit
from posko_desktop.core.edit_merge import three_way
from posko_desktop.core.i18n import _
from posko_desktop.core.services import activities, places, reference, units
from posko_desktop.core.services.activities import EDITABLE_FIELDS, ActivityInfo, ActivityInput
from posko_desktop.ui.dialogs.incident_form import WibDateTimeEdit
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.widgets.place_completion import make_searchable
from posko_desktop.ui.widgets.unit_combo import UnitCombo

logger = logging.getLogger(__name__)


class ActivityDialog(QDialog):
    def __init__(self, ctx: AppContext, info: ActivityInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activity_dialog")
        self.ctx = ctx
        self.info = info
        self.result_info: ActivityInfo | None = None
        self.files: list[Path] = []
        self.setWindowTitle(_("Edit activity {number}").format(number=info.number) if info
                            else _("New activity"))
        self.setMinimumWidth(560)
        self.kind = QComboBox(self)
        for k in ActivityKind:
            self.kind.addItem(k.label, k.value)
        self.title_edit = QLineEdit(self)
        self.start = WibDateTimeEdit(self)
        self.has_end = QCheckBox(_("Ended"), self)
        self.end = WibDateTimeEdit(self)
        self.has_end.toggled.connect(self.end.setEnabled)
        self.regencies = QListWidget(self)
        self.regencies.setMaximumHeight(140)
        for r in reference.list_regencies(ctx):
            item = QListWidgetItem("{c} {n}".format(c=r.code, n=r.full_name), self.regencies)
            item.setData(Qt.ItemDataRole.UserRole, r.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.regencies.itemChanged.connect(lambda _i: self._fill_kecamatan())
        self.kecamatan = QComboBox(self)
        self.kecamatan.setObjectName("activity_kecamatan")
        self.kecamatan.currentIndexChanged.connect(lambda _i: self._fill_desa())
        self.desa = QComboBox(self)
        self.desa.setObjectName("activity_desa")
        for box in (self.kecamatan, self.desa):
            make_searchable(box)
        self.unit = UnitCombo(units.list_units(ctx, include_inactive=True),
                              _("(the desk or the regency/city office)"), self)
        self.unit.setObjectName("activity_unit")
        self.partners = QPlainTextEdit(self)
        self.partners.setMaximumHeight(70)
        self.partners.setPlaceholderText(_("One per line: POLRI, BAWASLU, FKUB ..."))
        self.result_edit = QPlainTextEdit(self)
        self.attach_label = QLabel(self)
        attach = QPushButton(_("Attach file…"), self)
        attach.clicked.connect(self.pick_files)
        self.error = QLabel(self)
        self.error.setObjectName("activity_error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Title"), self.title_edit)
        form.addRow(_("Start (WIB)"), self.start)
        end_row = QHBoxLayout()
        end_row.addWidget(self.has_end)
        end_row.addWidget(self.end, 1)
        form.addRow(_("End (WIB)"), end_row)
        form.addRow(_("Regencies"), self.regencies)
        place = QHBoxLayout()
        place.addWidget(self.kecamatan, 1)
        place.addWidget(self.desa, 1)
        form.addRow(_("Kecamatan, desa"), place)
        form.addRow(_("Reporting unit"), self.unit)
        form.addRow(_("Partners"), self.partners)
        form.addRow(_("Result"), self.result_edit)
        files = QHBoxLayout()
        files.addWidget(self.attach_label, 1)
        files.addWidget(attach)
        form.addRow(_("Attachments"), files)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        if info is not None:
            self.fill(info.to_input())
            self.base = self.values()  # what the user was shown (the merge's base)
            self.base_version: str | None = info.version
        else:
            self.fill(ActivityInput(ActivityKind.RAKOR.value, "", ctx.now()))
            self.base, self.base_version = {}, None
        self._show_files()

    # --- values ------------------------------------------------------------------------

    def fill(self, data: ActivityInput) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.kind)))
        self.title_edit.setText(data.title)
        self.start.set_value(data.started_at)
        self.has_end.setChecked(data.ended_at is not None)
        self.end.setEnabled(data.ended_at is not None)
        self.end.set_value(data.ended_at or data.started_at)
        chosen = set(data.regencies)
        for i in range(self.regencies.count()):
            item = self.regencies.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in chosen else Qt.CheckState.Unchecked)
        self.partners.setPlainText("\n".join(data.partners))
        self.result_edit.setPlainText(data.result)
        self._fill_kecamatan(data.kecamatan_code)
        self.set_place(data.kecamatan_code, data.desa_code)
        self.unit.set_code(data.reporting_unit)

    def _checked_regencies(self) -> list[str]:
        return [self.regencies.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.regencies.count())
                if self.regencies.item(i).checkState() == Qt.CheckState.Checked]

    def _fill_kecamatan(self, keep: str | None = None) -> None:
        """The kecamatan of the ticked regencies (and `keep`, a stored code, even if its
        regency is no longer ticked: the service names the problem on save)."""
        current = keep if keep is not None else self.kecamatan.currentData()
        self.kecamatan.blockSignals(True)
        self.kecamatan.clear()
        self.kecamatan.addItem(_("(no kecamatan)"), None)
        for code in self._checked_regencies():
            for k in places.kecamatan_names(code):
                self.kecamatan.addItem("{n} ({c})".format(n=k.name, c=k.code), k.code)
        self.kecamatan.setCurrentIndex(max(0, self.kecamatan.findData(current)))
        self.kecamatan.blockSignals(False)
        self._fill_desa()

    def _fill_desa(self) -> None:
        current = self.desa.currentData()
        self.desa.clear()
        self.desa.addItem(_("(no desa/kelurahan)"), None)
        code = self.kecamatan.currentData()
        for d in places.desa_names(code) if code else ():
            self.desa.addItem("{n} ({c})".format(n=d.name, c=d.code), d.code)
        self.desa.setCurrentIndex(max(0, self.desa.findData(current)))

    def set_place(self, kecamatan_code: str | None, desa_code: str | None) -> None:
        if kecamatan_code is not None and self.kecamatan.findData(kecamatan_code) < 0:
            self.kecamatan.addItem(kecamatan_code, kecamatan_code)  # kept as stored
        self.kecamatan.setCurrentIndex(max(0, self.kecamatan.findData(kecamatan_code)))
        if desa_code is not None and self.desa.findData(desa_code) < 0:
            self.desa.addItem(desa_code, desa_code)
        self.desa.setCurrentIndex(max(0, self.desa.findData(desa_code)))

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.currentData(), "title": self.title_edit.text(),
            "started_at": self.start.value(),
            "ended_at": self.end.value() if self.has_end.isChecked() else None,
            "regencies": self._checked_regencies(),
            "partners": [p.strip() for p in self.partners.toPlainText().splitlines()
                         if p.strip()],
            "result": self.result_edit.toPlainText(),
            "kecamatan_code": self.kecamatan.currentData(), "desa_code": self.desa.currentData(),
            "reporting_unit": self.unit.code(),
        }

    def pick_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, _("Attach file…"), "", _("Photos and documents (*.png *.jpg *.jpeg *.gif "
                                           "*.webp *.pdf)"))
        self.files.extend(Path(n) for n in names)
        self._show_files()

    def _show_files(self) -> None:
        held = [a.filename for a in self.info.attachments] if self.info else []
        self.attach_label.setText(", ".join([*held, *(p.name for p in self.files)]) or "—")

    # --- saving --------------------------------------------------------------------------

    def save(self) -> None:
        mine = self.values()
        try:
            if self.info is None:
                saved = activities.add_activity(self.ctx, ActivityInput(**mine))
            else:
                saved = activities.update_activity(self.ctx, self.info.id, mine,
                                                   expected_version=self.base_version)
            for path in self.files:
                saved = activities.attach(self.ctx, saved.id, path.name, path.read_bytes(),
                                          expected_version=saved.version)
        except StaleEdit as err:
            self.merge(mine, err)
            return
        except PoskoError as err:
            logger.info("Activity form refused: %s", err.text_in("en"))
            self.error.setText(err.text())
            return
        except OSError as err:
            self.error.setText(str(err))
            return
        self.result_info = saved
        self.accept()

    def merge(self, mine: dict[str, Any], err: StaleEdit) -> None:
        """Someone changed the activity since it was opened: merge field by field."""
        theirs = {f: err.current[f] for f in EDITABLE_FIELDS}
        plan = three_way(self.base, mine, theirs, EDITABLE_FIELDS)
        self.base, self.base_version = theirs, err.version
        if plan.clashes or err.current.get("deleted"):
            logger.info("Activity changed meanwhile in %s: reloaded",
                        [c.field for c in plan.clashes])
            self.fill(ActivityInput(**theirs))
            show_error(self, err)
            return
        self.fill(ActivityInput(**plan.values))
        self.save()

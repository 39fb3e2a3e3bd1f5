"""Create or edit an incident. Validation messages appear next to their fields.

Keyboard: Enter saves (from any one-line field), Esc cancels, Ctrl+Enter saves from the
description too. The regency chooser types ahead by name or code; times are WIB.

An edit saves against the version it was opened from. When someone else changed the
incident since, the save is refused (StaleEdit) and merged field by field: what only one
side changed merges by itself, a field both changed is decided in the merge dialog; the
merged values are then saved against the newer version (checked again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from posko_desktop.core.context import AppContext
from posko_desktop.core.domain import PoskoError, Severity, SourceType, StaleEdit, ValidationErrors
from posko_desktop.core.edit_merge import three_way
from posko_desktop.core.i18n import _, current_language
from posko_desktop.core.services import contests, incidents, reference, units
from posko_desktop.core.services.incidents import UNIT_FIELD, IncidentDetail, IncidentInput
from posko_desktop.core.taxonomy import Channel, LegalType
from posko_desktop.core.timeutil import WIB, to_wib
from posko_desktop.ui.dialogs.merge_dialog import MergeDialog, field_label
from posko_desktop.ui.errors import show_error
from posko_desktop.ui.widgets.pickers import CategoryCombo, EnumCombo, RegencyCombo
from posko_desktop.ui.widgets.place_completion import PlaceCompletion
from posko_desktop.ui.widgets.unit_combo import UnitCombo

logger = logging.getLogger(__name__)

DATETIME_FORMAT = "dd-MM-yyyy HH:mm"


def to_qdatetime(value: datetime) -> QDateTime:
    """An aware datetime as a QDateTime showing its WIB wall time."""
    local = to_wib(value)
    return QDateTime.fromString(local.strftime("%d-%m-%Y %H:%M"), DATETIME_FORMAT)


def from_qdatetime(value: QDateTime) -> datetime:
    """The WIB wall time shown in an editor, as an aware datetime."""
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=WIB)


def _count_box(parent: QWidget) -> QSpinBox:
    """A count that may be unknown ("—", stored as None)."""
    box = QSpinBox(parent)
    box.setRange(-1, 1_000_000)
    box.setSpecialValueText("—")
    box.setValue(-1)
    return box


def _count(box: QSpinBox) -> int | None:
    return None if box.value() < 0 else box.value()


def _degrees(text: str) -> Any:
    """A typed coordinate as a number; text that is not one goes to the service as it is
    (its message names the field)."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _on_edit(editor: QWidget, slot: Callable[[], None]) -> None:
    """Call `slot` whenever the value shown by `editor` changes."""
    if isinstance(editor, QLineEdit | QPlainTextEdit):
        editor.textChanged.connect(lambda *_a: slot())
    elif isinstance(editor, QComboBox):
        editor.currentIndexChanged.connect(lambda *_a: slot())
        editor.editTextChanged.connect(lambda *_a: slot())
    elif isinstance(editor, QSpinBox):
        editor.valueChanged.connect(lambda *_a: slot())
    elif isinstance(editor, QDateTimeEdit):
        editor.dateTimeChanged.connect(lambda *_a: slot())


class WibDateTimeEdit(QDateTimeEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATETIME_FORMAT)

    def value(self) -> datetime:
        return from_qdatetime(self.dateTime())

    def set_value(self, value: datetime) -> None:
        self.setDateTime(to_qdatetime(value))


class IncidentFormDialog(QDialog):
    saved = Signal(object)  # IncidentDetail
    merged = Signal(str)  # after a merged save: what was taken from the other change

    FIELDS = (*incidents.EDITABLE_FIELDS, UNIT_FIELD)  # the unit: issue 18
    # the rows of the left column, in order (the flash report's go to the right)
    LAYOUT = ("regency_code", "kecamatan", "desa", "location", "latitude", "longitude",
              "occurred_at", "reported_at", "source_type", "source_detail", UNIT_FIELD, "title",
              "description", "category_code", "channel", "legal_type", "severity",
              "people_involved", *incidents.CONTEST_FIELDS, *incidents.REPORT_FIELDS)

    def __init__(self, ctx: AppContext, detail: IncidentDetail | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.result_detail: IncidentDetail | None = None
        # The edit's base: the stored values and version it started from, and how the
        # editors showed those values (a field left as shown is saved as stored).
        self.base: dict[str, Any] = (
            {**detail.edit_values(), UNIT_FIELD: detail.reporting_unit} if detail else {})
        self.base_version = detail.version if detail else ""
        self.shown: dict[str, Any] = {}
        self.merge_dialog: MergeDialog | None = None
        self.merge_note = ""
        self.setObjectName("incident_form")
        self.setMinimumWidth(900)

        self.regency = RegencyCombo(reference.list_regencies(ctx), parent=self)
        self.kecamatan = QLineEdit(self)
        self.desa = QLineEdit(self)
        self.location = QLineEdit(self)
        self.occurred_at = WibDateTimeEdit(self)
        self.reported_at = WibDateTimeEdit(self)
        self.source_type = EnumCombo(list(SourceType), parent=self)
        self.source_detail = QLineEdit(self)
        self.unit = UnitCombo(units.list_units(ctx, include_inactive=True),
                              _("(the regency/city office)"), self)
        self.unit.setObjectName("incident_unit")
        self.title = QLineEdit(self)
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(90)
        self.category = CategoryCombo(reference.list_categories(ctx), leaves_only=True, parent=self)
        self.severity = EnumCombo(list(Severity), parent=self)
        self.channel = EnumCombo(list(Channel), lambda: _("Not stated"), parent=self)
        self.legal_type = EnumCombo(list(LegalType), lambda: _("Not stated"), parent=self)
        self.people = _count_box(self)
        self.victims_dead = _count_box(self)
        self.victims_injured = _count_box(self)
        self.material_loss = QPlainTextEdit(self)
        self.current_condition = QPlainTextEdit(self)
        for text_box, height in ((self.material_loss, 60), (self.current_condition, 110)):
            text_box.setTabChangesFocus(True)
            text_box.setMinimumHeight(height)
        self.source_contact = QLineEdit(self)
        self.source_phone = QLineEdit(self)
        self.latitude = QLineEdit(self)
        self.longitude = QLineEdit(self)
        self.contest = QComboBox(self)
        self.contest.addItem("—", None)
        for c in contests.list_contests(ctx):
            self.contest.addItem("{code} {name}".format(code=c.code, name=c.name), c.code)
        self.pair_number = _count_box(self)
        self.pair_number.setRange(-1, contests.BALLOT_MAX)
        self.tps_number = _count_box(self)
        self.tps_number.setRange(-1, 9999)
        self.places = PlaceCompletion(self.kecamatan, self.desa, self)
        self.regency.currentIndexChanged.connect(
            lambda _i: self.places.set_regency(self.regency.code()))
        self.editors: dict[str, QWidget] = {
            "regency_code": self.regency, "kecamatan": self.kecamatan, "desa": self.desa,
            "location": self.location, "occurred_at": self.occurred_at,
            "reported_at": self.reported_at, "source_type": self.source_type,
            "source_detail": self.source_detail, UNIT_FIELD: self.unit, "title": self.title,
            "description": self.description, "category_code": self.category,
            "severity": self.severity, "people_involved": self.people,
            "victims_dead": self.victims_dead, "victims_injured": self.victims_injured,
            "material_loss": self.material_loss, "current_condition": self.current_condition,
            "source_contact": self.source_contact, "source_phone": self.source_phone,
            "latitude": self.latitude, "longitude": self.longitude,
            "contest_code": self.contest, "pair_number": self.pair_number,
            "tps_number": self.tps_number,
            "channel": self.channel, "legal_type": self.legal_type,
        }
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        for editor in self.editors.values():
            _on_edit(editor, self._recheck)
        # two columns: the incident on the left, the flash report's fields on the right
        self.form = QFormLayout()
        self.report_form = QFormLayout()
        self.report_box = QGroupBox(self)
        self.report_box.setLayout(self.report_form)
        for form in (self.form, self.report_form):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.report_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # narrow
        for name in self.LAYOUT:
            holder = QWidget(self)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            box.addWidget(self.editors[name])
            err = QLabel(holder)
            err.setObjectName("error_" + name)
            err.setStyleSheet("color: #b2182b;")
            err.setWordWrap(True)
            err.hide()
            box.addWidget(err)
            label = QLabel(self)
            label.setBuddy(self.editors[name])
            self.labels[name] = label
            self.errors[name] = err
            (self.report_form if name in incidents.REPORT_FIELDS else self.form).addRow(
                label, holder)
        self.general_error = QLabel(self)
        self.general_error.setStyleSheet("color: #b2182b;")
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save_button.setDefault(True)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.save)
        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        columns.addLayout(self.form, 3)
        columns.addWidget(self.report_box, 2, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(columns)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

        now = ctx.now()
        if detail is None:
            self.occurred_at.set_value(now)
            self.reported_at.set_value(now)
            self.severity.set_values((Severity.SEDANG.value,))
            self.source_type.set_values((SourceType.LAPANGAN.value,))
            self.regency.setCurrentIndex(-1)
            self.category.setCurrentIndex(-1)
        else:
            self.fill_values(self.base)
            self.shown = self.editor_values()
        self.retranslate_ui()
        self.regency.setFocus()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("New incident") if self.detail is None
                            else _("Edit incident {number}").format(number=self.detail.number))
        texts = {
            "regency_code": _("&Regency/city:"), "kecamatan": _("Sub-district (kecamatan):"),
            "desa": _("Village (desa/kelurahan):"), "location": _("&Location:"),
            "occurred_at": _("&Occurred at (WIB):"), "reported_at": _("Re&ported at (WIB):"),
            "source_type": _("Source:"), "source_detail": _("Source detail / URL:"),
            UNIT_FIELD: _("Reporting unit:"),
            "title": _("&Title:"), "description": _("&Description:"),
            "category_code": _("&Category:"), "severity": _("Se&verity:"),
            "people_involved": _("People involved:"),
            "victims_dead": _("Victims dead:"), "victims_injured": _("Victims injured:"),
            "material_loss": _("Material loss:"), "current_condition": _("Current condition:"),
            "source_contact": _("Contact person:"), "source_phone": _("Contact phone:"),
            "latitude": _("Latitude (WGS 84):"), "longitude": _("Longitude (WGS 84):"),
            "contest_code": _("Contest:"), "pair_number": _("Candidate pair (ballot number):"),
            "tps_number": _("TPS number:"),
            "channel": _("C&hannel:"), "legal_type": _("Legal type:"),
        }
        self.latitude.setPlaceholderText(_("e.g. -7.1306 (optional)"))
        self.longitude.setPlaceholderText(_("e.g. 110.4012 (optional)"))
        self.report_box.setTitle(_("For the flash report"))
        for name, text in texts.items():
            self.labels[name].setText(text)
        for combo in (self.regency, self.category, self.severity, self.source_type,
                      self.channel, self.legal_type):
            combo.retranslate_ui()
        self.title.setPlaceholderText(_("Short summary, e.g. Hoaks surat suara tercoblos"))
        self.unit.setItemText(0, _("(the regency/city office)"))

    def fill_values(self, values: dict[str, Any]) -> None:
        """Show stored or merged values (the editable fields and the unit)."""
        self.fill(IncidentInput(**{f: values[f] for f in incidents.EDITABLE_FIELDS}))
        self.unit.set_code(values[UNIT_FIELD])

    def fill(self, data: IncidentInput) -> None:
        self.regency.set_code(data.regency_code)
        self.kecamatan.setText(data.kecamatan)
        self.desa.setText(data.desa)
        self.location.setText(data.location)
        self.occurred_at.set_value(data.occurred_at)
        if data.reported_at is not None:
            self.reported_at.set_value(data.reported_at)
        self.source_type.set_values((data.source_type,))
        self.source_detail.setText(data.source_detail)
        self.title.setText(data.title)
        self.description.setPlainText(data.description)
        self.category.set_values((data.category_code,))
        self.severity.set_values((data.severity,))
        self.channel.set_values((data.channel,) if data.channel else ())
        self.legal_type.set_values((data.legal_type,) if data.legal_type else ())
        self.people.setValue(-1 if data.people_involved is None else data.people_involved)
        self.victims_dead.setValue(-1 if data.victims_dead is None else data.victims_dead)
        self.victims_injured.setValue(
            -1 if data.victims_injured is None else data.victims_injured)
        self.material_loss.setPlainText(data.material_loss)
        self.current_condition.setPlainText(data.current_condition)
        self.source_contact.setText(data.source_contact)
        self.source_phone.setText(data.source_phone)
        self.places.set_regency(data.regency_code)
        self.places.set_codes(data.kecamatan, data.kecamatan_code, data.desa, data.desa_code)
        for box, degrees in ((self.latitude, data.latitude), (self.longitude, data.longitude)):
            box.setText("" if degrees is None else "{:.6f}".format(degrees).rstrip("0").rstrip("."))
        self.contest.setCurrentIndex(max(0, self.contest.findData(data.contest_code)))
        self.pair_number.setValue(-1 if data.pair_number is None else data.pair_number)
        self.tps_number.setValue(-1 if data.tps_number is None else data.tps_number)

    def input(self) -> IncidentInput:
        regency = self.regency.code()
        if not regency:  # typed but not resolved yet (Enter pressed in the combo)
            i = self.regency.match(self.regency.currentText())
            regency = (self.regency.itemData(i) or ("",))[0] if i > -1 else self.regency.currentText()
        return IncidentInput(
            regency_code=regency,
            title=self.title.text(),
            category_code=self.category.code(),
            severity=self.severity.value(),
            occurred_at=self.occurred_at.value(),
            source_type=self.source_type.value(),
            source_detail=self.source_detail.text(),
            description=self.description.toPlainText(),
            kecamatan=self.kecamatan.text(),
            desa=self.desa.text(),
            location=self.location.text(),
            reported_at=self.reported_at.value(),
            people_involved=_count(self.people),
            victims_dead=_count(self.victims_dead),
            victims_injured=_count(self.victims_injured),
            material_loss=self.material_loss.toPlainText(),
            current_condition=self.current_condition.toPlainText(),
            source_contact=self.source_contact.text(),
            source_phone=self.source_phone.text(),
            kecamatan_code=self.places.code("kecamatan"),
            desa_code=self.places.code("desa"),
            latitude=_degrees(self.latitude.text()),
            longitude=_degrees(self.longitude.text()),
            contest_code=self.contest.currentData(),
            pair_number=_count(self.pair_number),
            tps_number=_count(self.tps_number),
            channel=self.channel.value(),
            legal_type=self.legal_type.value(),
        )

    def editor_values(self) -> dict[str, Any]:
        return {**asdict(self.input()), UNIT_FIELD: self.unit.code()}

    def edited_values(self) -> dict[str, Any]:
        """Every field of an edit: the stored value where the editor still shows it as it
        was filled (a time stored with seconds is not cut to the minute), else the editor's."""
        now = {f: v.strip() if isinstance(v, str) else v for f, v in self.editor_values().items()}
        shown = {f: v.strip() if isinstance(v, str) else v for f, v in self.shown.items()}
        return {f: self.base[f] if now[f] == shown[f] else now[f] for f in self.FIELDS}

    def show_errors(self, by_field: dict[str, str]) -> None:
        for name, label in self.errors.items():
            text = by_field.get(name, "")
            label.setText(text)
            label.setVisible(bool(text))
        general = [text for name, text in by_field.items() if name not in self.errors]
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
        first = next((n for n in self.FIELDS if n in by_field), None)
        if first:
            self.editors[first].setFocus()

    @staticmethod
    def _friendly(by_field: dict[str, str], data: IncidentInput) -> dict[str, str]:
        """Nothing chosen yet reads better than "unknown code ''"."""
        if "regency_code" in by_field and not data.regency_code.strip():
            by_field["regency_code"] = _("Choose a regency or city (type a name or code)")
        if "category_code" in by_field and not data.category_code:
            by_field["category_code"] = _("Choose a category")
        return by_field

    def _recheck(self) -> None:
        """After a refused save: a field's message goes as soon as its value is valid (and
        a still-refused one shows its current reason); no new messages while typing."""
        shown = [name for name, label in self.errors.items() if not label.isHidden()]
        if not shown:
            return
        data = self.input()
        try:
            by_field = self._friendly(incidents.check_input(self.ctx, data), data)
        except PoskoError as err:
            logger.info("Form recheck failed: %s", err.text_in("en"))
            return
        for name in shown:
            text = by_field.get(name, "")
            self.errors[name].setText(text)
            self.errors[name].setVisible(bool(text))

    def save(self) -> None:
        data = self.input()
        mine: dict[str, Any] = {}
        try:
            if self.detail is None:
                result = incidents.create_incident(self.ctx, data,
                                                   reporting_unit=self.unit.code())
            else:
                mine = self.edited_values()
                result = incidents.update_incident(self.ctx, self.detail.id, mine,
                                                   expected_version=self.base_version)
        except ValidationErrors as errs:
            logger.info("Incident form refused: %s", errs.text_in("en"))
            self.show_errors(self._friendly(errs.by_field(), data))
            return
        except StaleEdit as err:
            self.merge(mine, err)
            return
        except PoskoError as err:
            logger.warning("Incident form refused: %s", err.text_in("en"))
            show_error(self, err)
            return
        self.show_errors({})
        self.result_detail = result
        self.saved.emit(result)
        if self.merge_note:
            self.merged.emit(self.merge_note)
        self.accept()

    # --- merge after a refused stale save ------------------------------------------------

    def merge(self, mine: dict[str, Any], err: StaleEdit) -> None:
        """Merge `mine` with the stored values `err` carries; ask only about fields both
        sides changed, then save the result against the newer version."""
        plan = three_way(self.base, mine, err.current, self.FIELDS)
        logger.info("Incident %s changed meanwhile: merging (%s clash(es))",
                    self.detail.number if self.detail else "", len(plan.clashes))
        if not plan.clashes:
            self._save_merged(plan.values, plan.theirs_only, err)
            return
        dialog = MergeDialog(self.ctx, plan, mine, err, self)
        dialog.accepted.connect(lambda: self._save_merged(
            dialog.values(), plan.theirs_only + tuple(
                f for f, side in dialog.choices().items() if side == "theirs"), err))
        dialog.finished.connect(dialog.deleteLater)
        self.merge_dialog = dialog
        dialog.open()

    def _save_merged(self, values: dict[str, Any], taken: tuple[str, ...], err: StaleEdit) -> None:
        stored = {f: err.current[f] for f in self.FIELDS}
        self.fill_values(stored)
        self.shown = self.editor_values()
        self.fill_values(values)
        self.base, self.base_version = stored, err.version
        self.merge_note = _("Merged with the change by {name} at {time}: {fields}").format(
            name=err.who_in(current_language()), time=err.when_in(current_language()),
            fields=", ".join(field_label(f) for f in self.FIELDS if f in taken) or "—")
        self.save()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter inside the regency editor first resolves the typed text, then saves.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if any(box.hasFocus() for box in (self.description, self.material_loss,
                                               self.current_condition)):
                return super().keyPressEvent(event)
            self.save()
            return
        super().keyPressEvent(event)
